using Strata.Benchmarks;

// bench/run.sh server|vectors [OPTIONS]: the benchmarks behind 'strata bench server|vectors', with their options.
// bench/run.sh [--quick] [--rounds N] [--json] [NAME...]: the side-by-side table of the named benchmarks (no names: all).
return BenchmarkCommandLine.Handles(args)
    ? await BenchmarkCommandLine.Build().Parse(args).InvokeAsync()
    : await SideBySideRunner.RunAsync(args);
