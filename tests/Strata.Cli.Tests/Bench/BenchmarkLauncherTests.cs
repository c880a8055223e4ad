using Strata.Cli.Bench;

namespace Strata.Cli.Tests.Bench;

/// <summary>
/// <c>strata bench</c> hands its options to bench/run.sh of the source checkout (the benchmarks themselves are tested in
/// Strata.Benchmarks.Tests); here a stand-in checkout whose run.sh records what it was given.
/// </summary>
public sealed class BenchmarkLauncherTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("strata-bench-launcher-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    [Fact]
    public void The_checkout_is_the_nearest_folder_above_that_holds_the_benchmark_program_and_run_script()
    {
        var checkout = FakeCheckout("checkout", exitCode: 0);
        var deep = Directory.CreateDirectory(Path.Combine(checkout, ".build", "cli")).FullName;
        var elsewhere = Directory.CreateDirectory(Path.Combine(root, "elsewhere", "deeper")).FullName;

        Assert.Equal(checkout, BenchmarkLauncher.FindCheckout([deep]));
        Assert.Equal(checkout, BenchmarkLauncher.FindCheckout([elsewhere, deep]));
        Assert.Null(BenchmarkLauncher.FindCheckout([elsewhere]));
        File.Delete(Path.Combine(checkout, BenchmarkLauncher.RunScript));
        Assert.Null(BenchmarkLauncher.FindCheckout([deep]));
    }

    [Fact]
    public void The_benchmark_gets_the_subcommand_and_every_option_as_typed_root_options_included()
    {
        var parse = StrataCommandLine.Build().Parse(["--set", "Data:ConnectionString=Host=x", "bench", "vectors", "--n", "2000", "--dataset", "minilm", "--json"]);

        Assert.Empty(parse.Errors);
        Assert.Equal(["vectors", "--set", "Data:ConnectionString=Host=x", "--n", "2000", "--dataset", "minilm", "--json"], BenchmarkLauncher.ForwardedArguments(parse));
        Assert.Equal(["server", "-c", "2", "--seconds", "1"], BenchmarkLauncher.ForwardedArguments(StrataCommandLine.Build().Parse(["bench", "server", "-c", "2", "--seconds", "1"])));
    }

    [Fact]
    public void A_mistyped_option_is_refused_before_anything_is_built()
    {
        var parse = StrataCommandLine.Build().Parse(["bench", "vectors", "--dataset", "sift"]);

        Assert.NotEmpty(parse.Errors);
    }

    [Fact]
    public async Task The_run_script_gets_the_arguments_and_its_exit_code_is_the_commands()
    {
        var checkout = FakeCheckout("checkout", exitCode: 3);

        var exitCode = await BenchmarkLauncher.RunAsync(checkout, ["vectors", "--n", "2000", "--set", "A:B=c d"], CancellationToken.None);

        Assert.Equal(3, exitCode);
        Assert.Equal(["vectors", "--n", "2000", "--set", "A:B=c d"], await File.ReadAllLinesAsync(Path.Combine(checkout, "arguments.txt")));
    }

    [Fact]
    public void Without_a_source_checkout_one_line_says_where_benchmarks_run_and_the_exit_code_is_a_failure()
    {
        var error = new StringWriter();

        var exitCode = BenchmarkLauncher.NotFound([root], error);

        Assert.Equal(1, exitCode);
        var line = Assert.Single(error.ToString().TrimEnd('\n').Split('\n'));
        Assert.StartsWith("error: strata bench runs the benchmarks of a Strata source checkout", line, StringComparison.Ordinal);
        Assert.Contains(root, line, StringComparison.Ordinal);
        Assert.Contains("bash bench/run.sh server|vectors", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bench_help_lists_the_server_and_vector_benchmarks()
    {
        using var strata = new StrataProcess();

        var result = await strata.RunAsync("bench", "--help");

        Assert.Equal(0, result.ExitCode);
        var lines = result.Stdout.Split('\n').Select(l => l.TrimStart()).ToList();
        Assert.Contains(lines, l => l.StartsWith("server ", StringComparison.Ordinal) && l.Contains("strata serve", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("vectors ", StringComparison.Ordinal) && l.Contains("USearch", StringComparison.Ordinal));
    }

    /// <summary>A folder shaped like a checkout whose run.sh writes its arguments, one a line, and exits with <paramref name="exitCode"/>.</summary>
    private string FakeCheckout(string name, int exitCode)
    {
        var checkout = Path.Combine(root, name);
        Directory.CreateDirectory(Path.Combine(checkout, "bench", "Strata.Benchmarks"));
        File.WriteAllText(Path.Combine(checkout, BenchmarkLauncher.ProgramProject), "<Project />");
        File.WriteAllText(Path.Combine(checkout, BenchmarkLauncher.RunScript), $"printf '%s\\n' \"$@\" > \"$(dirname \"$0\")/../arguments.txt\"\nexit {exitCode}\n");
        return checkout;
    }
}
