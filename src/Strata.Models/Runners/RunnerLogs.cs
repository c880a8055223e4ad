namespace Strata.Models.Runners;

/// <summary>Where runner output goes: <c>logs/runners/MODEL.log</c> under the Strata home, one file per model.</summary>
internal static class RunnerLogs
{
    /// <summary>The log's file name; characters a model name may hold that a file name should not (':' and '/') become '_'.</summary>
    public static string FileName(string model) =>
        string.Concat(model.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '_')) + ".log";

    /// <summary>The log path in <paramref name="logsFolder"/> (a Strata home's <c>logs</c>), or null when there is none.</summary>
    public static string? PathFor(string? logsFolder, string model) =>
        logsFolder is null ? null : Path.Combine(logsFolder, "runners", FileName(model));
}
