using System.Diagnostics;

namespace Strata.Benchmarks.Serving;

/// <summary>A real <c>strata serve</c>, started from the strata command this program was built with.</summary>
internal static class StrataServeProcess
{
    /// <summary>
    /// Starts <c>strata serve --urls <paramref name="url"/></c> on <paramref name="home"/> with each of
    /// <paramref name="settings"/> passed as <c>--set KEY=VALUE</c> (a project reference puts strata.dll beside this
    /// assembly). Its output is drained, so the server never blocks on a full pipe.
    /// </summary>
    public static Process Start(string home, string url, params IEnumerable<string> settings)
    {
        var dotnet = Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet" ? Environment.ProcessPath! : "dotnet";
        var info = new ProcessStartInfo(dotnet) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "strata.dll"));
        info.ArgumentList.Add("serve");
        info.ArgumentList.Add("--urls");
        info.ArgumentList.Add(url);
        foreach (var setting in settings)
        {
            info.ArgumentList.Add("--set");
            info.ArgumentList.Add(setting);
        }

        info.Environment["STRATA_HOME"] = home;
        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start strata serve");
        _ = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        return process;
    }
}
