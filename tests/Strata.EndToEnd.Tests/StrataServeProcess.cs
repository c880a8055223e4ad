using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Strata.Models.Configuration;
using Strata.Models.Formats.Gguf;
using Strata.Models.Store;

namespace Strata.EndToEnd.Tests;

/// <summary>A real <c>strata serve</c> child process on a free loopback port, with the tiny test GGUF imported as <c>tiny</c>.</summary>
public sealed class StrataServeProcess : IAsyncLifetime
{
    private Process? process;

    public string Home { get; } = Path.Combine(Path.GetTempPath(), "strata-e2e-" + Guid.NewGuid().ToString("N"));

    public Uri Url { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var paths = new StrataPaths(Home);
        Directory.CreateDirectory(Home);
        var file = Path.Combine(Home, "tiny.gguf");
        TinyLlamaGguf.Write(file, new TinyLlamaOptions { ContextLength = 1024 });
        await new ModelImporter(new ModelStore(paths)).ImportAsync(file, "tiny");

        Url = new Uri($"http://127.0.0.1:{FreePort()}");
        var info = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { Path.Combine(AppContext.BaseDirectory, "strata.dll"), "serve", "--urls", Url.ToString().TrimEnd('/'), "--set", "Models:Llama:ContextSize=1024" })
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["STRATA_HOME"] = Home;
        process = Process.Start(info)!;
        _ = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var http = new HttpClient { BaseAddress = Url };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException("strata serve exited: " + await stderr);
            }

            try
            {
                if ((await http.GetAsync(new Uri("/health", UriKind.Relative))).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(200);
        }

        throw new TimeoutException("strata serve did not become healthy within 60 s");
    }

    public async Task DisposeAsync()
    {
        if (process is { HasExited: false })
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process?.Dispose();
        Directory.Delete(Home, recursive: true);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
