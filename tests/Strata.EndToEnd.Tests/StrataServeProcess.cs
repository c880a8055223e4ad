using System.Diagnostics;
using Strata.Core;
using Strata.Models.Formats.Gguf;
using Strata.Models.Store;
using Strata.Models.TestSupport;
using Strata.Server;

namespace Strata.EndToEnd.Tests;

/// <summary>
/// A real <c>strata serve</c> child process on a free loopback port, with the tiny test GGUF imported as <c>tiny</c>.
/// Subclasses add to its STRATA_HOME before it starts, or to its command line.
/// </summary>
public class StrataServeProcess : IAsyncLifetime
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
        await PrepareHomeAsync(paths);

        Url = new Uri($"http://127.0.0.1:{ServerHealth.FreeLoopbackPort()}");
        var info = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { Path.Combine(AppContext.BaseDirectory, "strata.dll"), "serve", "--urls", Url.ToString().TrimEnd('/'), "--set", "Models:Llama:ContextSize=1024" }.Concat(ExtraArguments))
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["STRATA_HOME"] = Home;
        process = Process.Start(info)!;
        _ = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var http = new HttpClient { BaseAddress = Url };
        try
        {
            await ServerHealth.WaitUntilHealthyAsync(http, process, TimeSpan.FromSeconds(60));
        }
        catch (InvalidOperationException e)
        {
            throw new InvalidOperationException(e.Message + " " + await stderr, e);
        }
    }

    /// <summary>Extra arguments for <c>strata serve</c>.</summary>
    protected virtual IEnumerable<string> ExtraArguments => [];

    /// <summary>Adds models or data to the server's home before it starts.</summary>
    protected virtual Task PrepareHomeAsync(StrataPaths paths) => Task.CompletedTask;

    public virtual async Task DisposeAsync()
    {
        if (process is { HasExited: false })
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process?.Dispose();
        Directory.Delete(Home, recursive: true);
    }
}
