using System.CommandLine;
using System.CommandLine.Parsing;
using System.Diagnostics;

namespace Strata.Cli.Bench;

/// <summary>
/// Runs <c>strata bench server|vectors</c> as the benchmark program of the source checkout this strata was built from
/// (<c>bash bench/run.sh</c>: an incremental build, then the program), in a child process that shares this one's
/// terminal. The strata command links no benchmark code: the peers (USearch, hnswlib-node in node, a private PostgreSQL
/// cluster) and the test helpers the benchmarks use do not ship with strata (bench/README.md).
/// </summary>
internal static class BenchmarkLauncher
{
    /// <summary>The file that marks a folder as the root of a Strata source checkout.</summary>
    public const string ProgramProject = "bench/Strata.Benchmarks/Strata.Benchmarks.csproj";

    /// <summary>Builds and runs the benchmark program; its output and exit code are this command's.</summary>
    public const string RunScript = "bench/run.sh";

    /// <summary>How long a cancelled benchmark (Ctrl-C reaches it too) gets to stop by itself before it is ended.</summary>
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(1.5);

    /// <summary>The action of <c>strata bench server</c> and <c>strata bench vectors</c>.</summary>
    public static Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        // This strata's own checkout first (./strata from another folder benchmarks the sources it was built from), then
        // the current folder's, for a strata built elsewhere and run inside a checkout.
        string[] searched = [AppContext.BaseDirectory, Environment.CurrentDirectory];
        return FindCheckout(searched) is { } checkout
            ? RunAsync(checkout, ForwardedArguments(parse), cancellationToken)
            : Task.FromResult(NotFound(searched, Console.Error));
    }

    /// <summary>The nearest folder at or above one of <paramref name="startFolders"/> (tried in order) that holds <see cref="ProgramProject"/> and <see cref="RunScript"/>.</summary>
    public static string? FindCheckout(IEnumerable<string> startFolders)
    {
        foreach (var start in startFolders)
        {
            for (var folder = new DirectoryInfo(Path.GetFullPath(start)); folder is not null; folder = folder.Parent)
            {
                if (File.Exists(Path.Combine(folder.FullName, ProgramProject)) && File.Exists(Path.Combine(folder.FullName, RunScript)))
                {
                    return folder.FullName;
                }
            }
        }

        return null;
    }

    /// <summary>
    /// The benchmark program's arguments for a parsed <c>strata bench NAME …</c>: the subcommand's name, then every option
    /// and value token as typed (root options such as <c>--set</c> included), so the program parses what the user wrote.
    /// </summary>
    public static IReadOnlyList<string> ForwardedArguments(ParseResult parse)
    {
        List<string> arguments = [parse.CommandResult.Command.Name];
        arguments.AddRange(parse.Tokens.Where(t => t.Type is TokenType.Option or TokenType.Argument).Select(t => t.Value));
        return arguments;
    }

    /// <summary>Runs <c>bash bench/run.sh ARGUMENTS</c> in <paramref name="checkout"/> with this process's standard streams and returns its exit code.</summary>
    public static async Task<int> RunAsync(string checkout, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo("bash") { UseShellExecute = false, WorkingDirectory = Environment.CurrentDirectory };
        info.ArgumentList.Add(Path.Combine(checkout, RunScript));
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var benchmark = Process.Start(info) ?? throw new InvalidOperationException("could not start bash to run the benchmarks");
        try
        {
            await benchmark.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // Ctrl-C reached the benchmark too, and it stops by itself; a SIGTERM sent to strata alone did not, so a
            // benchmark still running after the grace period is ended here.
            using var grace = new CancellationTokenSource(StopGrace);
            try
            {
                await benchmark.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
                benchmark.Kill(entireProcessTree: true);
                return CliAction.Cancelled;
            }
        }

        return benchmark.ExitCode;
    }

    /// <summary>Says in one line where benchmarks run, for a strata that is not inside a source checkout; returns the failure exit code.</summary>
    public static int NotFound(IEnumerable<string> searched, TextWriter error)
    {
        error.WriteLine(
            $"error: strata bench runs the benchmarks of a Strata source checkout (they and their peers do not ship with strata), and there is none at or above {string.Join(" or ", searched.Select(s => Path.TrimEndingDirectorySeparator(Path.GetFullPath(s))).Distinct())}; in a checkout, run 'bash bench/run.sh server|vectors [OPTIONS]'.");
        return CliAction.Failure;
    }
}
