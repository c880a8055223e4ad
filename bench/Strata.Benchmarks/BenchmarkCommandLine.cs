using System.CommandLine;
using Microsoft.Extensions.Configuration;
using Strata.Benchmarks.Serving;
using Strata.Benchmarks.Vectors;
using Strata.Benchmarks.Vectors.Datasets;
using Strata.Cli;
using Strata.Cli.Bench;
using Strata.Cli.Output;
using Strata.Core;
using Strata.Core.Options;

namespace Strata.Benchmarks;

/// <summary>
/// <c>bench/run.sh server|vectors [OPTIONS]</c>, which <c>strata bench server|vectors</c> runs: the options are the strata
/// command's own declarations (<see cref="ServerBenchmarkCommand"/>, <see cref="VectorBenchmarkCommand"/>), so the two
/// cannot drift apart, and the output (table or <c>--json</c>) and exit codes are the ones <c>strata bench</c> always had.
/// </summary>
internal static class BenchmarkCommandLine
{
    /// <summary>Whether <paramref name="args"/> start with one of these commands; any other arguments are the side-by-side runner's.</summary>
    public static bool Handles(string[] args) => args is [var first, ..] && Build().Subcommands.Any(c => c.Name == first);

    public static RootCommand Build()
    {
        // --set is recursive on strata's root, and 'strata bench' passes it on: here it sets Data:ConnectionString for pgvector.
        var root = new RootCommand("Strata's end-to-end benchmarks, as 'strata bench' runs them") { Server(), Vectors(), Retrieval.NaiveBaselineCommand.Create(), Retrieval.MaxSimRerankCommand.Create() };
        root.Options.Add(CliOptions.Set);
        return root;
    }

    private static ServerBenchmarkCommand Server()
    {
        var command = new ServerBenchmarkCommand();
        command.SetAction((parse, cancellationToken) => CliAction.RunAsync(async () =>
        {
            var options = new ServerBenchmarkOptions(
                Math.Clamp(parse.GetValue(command.Clients), 1, 64),
                TimeSpan.FromSeconds(Math.Clamp(parse.GetValue(command.Seconds), 1, 300)),
                Math.Clamp(parse.GetValue(command.MaxTokens), 1, 1024),
                parse.GetValue(command.RequestChecks));
            var report = await ServerBenchmark.RunAsync(options, message => Console.Error.WriteLine(message), cancellationToken);
            return parse.GetValue(command.Json) ? JsonOutput.Write(report) : ServerBenchmarkTable.Write(report);
        }));
        return command;
    }

    private static VectorBenchmarkCommand Vectors()
    {
        var command = new VectorBenchmarkCommand();
        command.SetAction((parse, cancellationToken) => CliAction.RunAsync(async () =>
        {
            var configuration = StrataConfiguration.Build(StrataPaths.FromEnvironment(), SetOverrides(parse));
            var options = new VectorBenchmarkOptions
            {
                Count = Math.Clamp(parse.GetValue(command.Count), 1000, 1_000_000),
                Queries = Math.Clamp(parse.GetValue(command.Queries), 10, 10_000),
                Rounds = Math.Clamp(parse.GetValue(command.Rounds), 1, 20),
                Dataset = parse.GetValue(command.Dataset) == "minilm" ? VectorDatasetKind.MiniLm : VectorDatasetKind.Synthetic,
                // The configured PostgreSQL when there is one; otherwise the benchmark starts a private cluster of its own.
                PostgresConnectionString = StrataOptionsBinder.Bind<DataOptions>(configuration).ConnectionString is { Length: > 0 } configured ? configured : configuration.GetConnectionString("Strata"),
            };
            var report = await VectorBenchmarkRunner.RunAsync(options, message => Console.Error.WriteLine(message), cancellationToken);
            return parse.GetValue(command.Json) ? JsonOutput.Write(VectorBenchmarkJson.From(report)) : VectorBenchmarkTable.Write(report);
        }));
        return command;
    }

    /// <summary>The <c>--set Section:Key=Value</c> pairs, the highest-priority configuration source as in every strata command.</summary>
    private static Dictionary<string, string?> SetOverrides(ParseResult parse)
    {
        var overrides = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var assignment in parse.GetValue(CliOptions.Set) ?? [])
        {
            var equals = assignment.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new CliUsageException($"--set expects Section:Key=Value, got '{assignment}'.");
            }

            overrides[assignment[..equals].Trim()] = assignment[(equals + 1)..];
        }

        return overrides;
    }
}
