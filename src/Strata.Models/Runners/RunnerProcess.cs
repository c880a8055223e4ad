using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using Strata.Models.Llama;
using StreamJsonRpc;

namespace Strata.Models.Runners;

/// <summary>
/// One runner child process and its two connections on a Unix domain socket the parent listens on and the child
/// connects to: the JSON-RPC channel for calls, and the stream of chat updates (<see cref="Updates"/>). Standard output
/// and error are neither, so whatever native code prints can never corrupt a message: they go to the runner's log.
/// <see cref="Exited"/> completes when the process ends or either connection drops.
/// </summary>
internal sealed class RunnerProcess : IAsyncDisposable
{
    /// <summary>The runner program's file name beside the application (the Strata.Runner project's output).</summary>
    public const string ProgramFile = "Strata.Runner.dll";

    /// <summary>
    /// The image runner program's file name (the Strata.ImageRunner project's output): the runner with libtorch, beside
    /// the applications that serve image models, so a chat or embedding runner never loads it.
    /// </summary>
    public const string ImageProgramFile = "Strata.ImageRunner.dll";

    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(60);

    private readonly Process process;
    private readonly JsonRpc rpc;
    private readonly RunnerOutputLog log;
    private readonly TaskCompletionSource exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int disposed;
    private int? exitCode;

    private RunnerProcess(Process process, JsonRpc rpc, RunnerUpdateReader updates, RunnerOutputLog log)
    {
        this.process = process;
        this.rpc = rpc;
        this.log = log;
        Updates = updates;
        Runner = rpc.Attach<IModelRunner>();
        Images = rpc.Attach<IImageRunner>();
        ProcessId = process.Id;
        _ = WatchAsync();
    }

    /// <summary>The calls the runner serves.</summary>
    public IModelRunner Runner { get; }

    /// <summary>
    /// The chat updates, read apart from the JSON-RPC channel: a streamed token crosses as one small frame the runner
    /// writes unasked, where an async enumerable over JSON-RPC cost a request and a response per token, and the thread
    /// wake-ups to handle both in each process (on a machine whose cores the decode fills, each took CPU from it).
    /// </summary>
    public RunnerUpdateReader Updates { get; }

    /// <summary>The image calls (served only by the image runner program).</summary>
    public IImageRunner Images { get; }

    /// <summary>The runner's process id.</summary>
    public int ProcessId { get; }

    /// <summary>Completes when the process has ended or the channel has dropped (then the process is killed).</summary>
    public Task Exited => exited.Task;

    /// <summary>Whether this process was ended by the parent (disposal), not by a crash.</summary>
    public bool EndedByParent => Volatile.Read(ref disposed) != 0;

    /// <summary>The exit code, once ended.</summary>
    public int? ExitCode => exitCode;

    /// <summary>The log the runner's output goes to.</summary>
    public RunnerOutputLog Log => log;

    /// <summary>Starts a runner and waits for it to connect.</summary>
    /// <param name="logPath">Where its output goes; null keeps it in memory only.</param>
    /// <param name="cancellationToken">Stops waiting and kills the runner.</param>
    public static Task<RunnerProcess> StartAsync(string? logPath, CancellationToken cancellationToken) => StartAsync(logPath, ProgramFile, cancellationToken);

    /// <summary>Starts runner program <paramref name="programFile"/> (<see cref="ProgramFile"/> or <see cref="ImageProgramFile"/>) and waits for it to connect.</summary>
    public static async Task<RunnerProcess> StartAsync(string? logPath, string programFile, CancellationToken cancellationToken)
    {
        var program = Path.Combine(AppContext.BaseDirectory, programFile);
        if (!File.Exists(program))
        {
            throw new ModelRunnerException($"The model runner program ({programFile}) is missing beside the application; rebuild Strata.");
        }

        // Socket paths are limited to about 100 bytes, so the temporary folder, not the Strata home.
        var socketPath = Path.Combine(Path.GetTempPath(), $"strata-{Environment.ProcessId}-{Guid.NewGuid():N}"[..30] + ".sock");
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(socketPath));
        listener.Listen(2);
        var log = new RunnerOutputLog(logPath);
        Process? process = null;
        try
        {
            process = Process.Start(StartInfo(program, socketPath)) ?? throw new ModelRunnerException("The model runner could not be started.");
            process.OutputDataReceived += (_, e) => log.Append(e.Data);
            process.ErrorDataReceived += (_, e) => log.Append(e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(ConnectTimeout);
            var accept = listener.AcceptAsync(timeout.Token).AsTask();
            var ended = process.WaitForExitAsync(timeout.Token);
            if (await Task.WhenAny(accept, ended) != accept)
            {
                cancellationToken.ThrowIfCancellationRequested();
                throw new ModelRunnerException(process.HasExited
                    ? $"The model runner exited (code {process.ExitCode}) before it connected: {log.LastNativeMessage() ?? "it printed nothing"}"
                    : $"The model runner did not connect within {ConnectTimeout.TotalSeconds:0} s.");
            }

            var stream = new NetworkStream(await accept, ownsSocket: true);
            // The runner connects its update stream right after the channel (ModelRunnerHost).
            var updateStream = new NetworkStream(await listener.AcceptAsync(timeout.Token), ownsSocket: true);
            var rpc = new JsonRpc(new HeaderDelimitedMessageHandler(stream, stream, new JsonMessageFormatter()));
            var runner = new RunnerProcess(process, rpc, new RunnerUpdateReader(updateStream), log);
            rpc.StartListening();
            return runner;
        }
        catch
        {
            Kill(process);
            process?.Dispose();
            log.Dispose();
            throw;
        }
        finally
        {
            File.Delete(socketPath);
        }
    }

    /// <summary>Ends the runner at once (as a crash would), for tests and for a runner that stops answering.</summary>
    public void Kill() => Kill(process);

    /// <summary>Closes the channel and ends the process; its memory goes back to the system.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0)
        {
            return;
        }

        rpc.Dispose();
        // The runner exits when its channel closes; one that does not is killed.
        if (!await WaitAsync(TimeSpan.FromSeconds(5)))
        {
            Kill(process);
        }

        await exited.Task.ConfigureAwait(false);
        process.Dispose();
        log.Dispose();
    }

    private static ProcessStartInfo StartInfo(string program, string socketPath)
    {
        var start = new ProcessStartInfo(DotnetHost())
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(program);
        start.ArgumentList.Add("--socket");
        start.ArgumentList.Add(socketPath);
        start.ArgumentList.Add("--parent");
        start.ArgumentList.Add(Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        // ggml prints a backtrace on an assertion, running gdb when it is installed (slow, and a stack dump for the user).
        start.Environment["GGML_NO_BACKTRACE"] = "1";
        // .NET's own crash dumps would land in the working folder; the log holds what matters.
        start.Environment["DOTNET_DbgEnableMiniDump"] = "0";
        // malloc asks for transparent huge pages, so llama.cpp reads a model's weights onto them (LlamaWeightPlacement).
        start.Environment["GLIBC_TUNABLES"] = LlamaWeightPlacement.WithHugePages(Environment.GetEnvironmentVariable("GLIBC_TUNABLES"));
        // libgomp's spin (GOMP_SPINCOUNT) is left at its default, as in process. A shorter one (10,000) once lowered the
        // runner's CPU per token, when decodes came from many threads and libgomp spun 100 rounds whatever the setting;
        // since the decode loop has a thread of its own, it made the workers sleep inside a prefill's barriers: the first
        // token came a median 5.4 ms after in process's (7 runs) against 2.2 ms with the default (6 runs).
        return start;
    }

    // The muxer that started us (the CLI and server run as 'dotnet strata.dll'); test hosts are told theirs by the dotnet CLI.
    private static string DotnetHost()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host))
        {
            return host;
        }

        var self = Environment.ProcessPath;
        return self is not null && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self : "dotnet";
    }

    private static void Kill(Process? process)
    {
        try
        {
            if (process is { HasExited: false })
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // It ended on its own meanwhile.
        }
    }

    private async Task<bool> WaitAsync(TimeSpan limit)
    {
        try
        {
            await process.WaitForExitAsync().WaitAsync(limit).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    private async Task WatchAsync()
    {
        try
        {
            await Task.WhenAny(rpc.Completion, Updates.Completion, process.WaitForExitAsync()).ConfigureAwait(false);
            // A channel that dropped while the process lives is a runner that cannot be talked to: end it.
            if (!await WaitAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false))
            {
                Kill(process);
                await process.WaitForExitAsync().ConfigureAwait(false);
            }

            // Output still in the pipes is the crash's explanation: read it before anyone asks for the last line.
            process.WaitForExit();
            exitCode = process.ExitCode;
        }
        finally
        {
            rpc.Dispose();
            exited.TrySetResult();
        }
    }
}
