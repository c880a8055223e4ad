using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Strata.Server;

/// <summary>Helpers for starting a <c>strata serve</c> process and knowing when it answers, used by benchmarks and tests.</summary>
public static class ServerHealth
{
    /// <summary>A TCP port on 127.0.0.1 that nothing listens on right now.</summary>
    public static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Polls <c>GET /health</c> until it answers 200, the process exits, or <paramref name="timeout"/> passes.</summary>
    /// <exception cref="InvalidOperationException">The process exited first.</exception>
    /// <exception cref="TimeoutException">The server did not answer in time.</exception>
    public static async Task WaitUntilHealthyAsync(HttpClient http, Process server, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(server);
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (server.HasExited)
            {
                throw new InvalidOperationException($"strata serve exited with code {server.ExitCode} before it answered.");
            }

            try
            {
                using var response = await http.GetAsync(new Uri("/health", UriKind.Relative), cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(200, cancellationToken);
        }

        throw new TimeoutException($"strata serve did not answer /health within {timeout.TotalSeconds:0} s.");
    }
}
