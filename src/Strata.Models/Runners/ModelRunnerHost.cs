using System.Net.Sockets;
using StreamJsonRpc;

namespace Strata.Models.Runners;

/// <summary>
/// The runner program's body (Strata.Runner's <c>Main</c> calls it): connects to the socket its parent named, serves
/// <see cref="IModelRunner"/> until the channel closes (the parent ended it or died), then exits.
/// </summary>
public static class ModelRunnerHost
{
    /// <summary>Runs the runner; returns its exit code.</summary>
    /// <param name="args"><c>--socket PATH</c> (and <c>--parent PID</c>, which only names the parent in process listings).</param>
    public static Task<int> RunAsync(string[] args) => RunAsync(args, null);

    /// <summary>Runs a runner that can also serve image models (the image runner program); returns its exit code.</summary>
    /// <param name="args">As for <see cref="RunAsync(string[])"/>.</param>
    /// <param name="images">Creates the image side, which loads <see cref="RunnerRole.Images"/> models and serves <see cref="IImageRunner"/>; null for none.</param>
    public static async Task<int> RunAsync(string[] args, Func<IRunnerImageModels>? images)
    {
        ArgumentNullException.ThrowIfNull(args);
        var at = Array.IndexOf(args, "--socket");
        if (at < 0 || at + 1 >= args.Length)
        {
            await Console.Error.WriteLineAsync("usage: Strata.Runner --socket PATH (started by Strata, not by hand)");
            return 2;
        }

        // Two connections, in this order: the JSON-RPC channel, then the chat update stream (see RunnerProcess).
        var endPoint = new UnixDomainSocketEndPoint(args[at + 1]);
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(endPoint);
        using var updateSocket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await updateSocket.ConnectAsync(endPoint);
        await using var updateStream = new NetworkStream(updateSocket, ownsSocket: false);
        var imageModels = images?.Invoke();
        using var service = new ModelRunnerService(imageModels, new RunnerUpdateWriter(updateStream));
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        using var rpc = new JsonRpc(new HeaderDelimitedMessageHandler(stream, stream, new JsonMessageFormatter()));
        rpc.AddLocalRpcTarget<IModelRunner>(service, null);
        if (imageModels is not null)
        {
            rpc.AddLocalRpcTarget<IImageRunner>(imageModels, null);
        }

        rpc.StartListening();
        try
        {
            await rpc.Completion;
        }
        catch (Exception e) when (e is ConnectionLostException or IOException or ObjectDisposedException)
        {
            // The parent went away: nothing is left to serve.
        }

        return 0;
    }
}
