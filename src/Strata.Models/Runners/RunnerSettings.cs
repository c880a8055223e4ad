using Microsoft.Extensions.Logging;

namespace Strata.Models.Runners;

/// <summary>How the catalog runs local models in runner processes.</summary>
/// <param name="Health">The crash history shared by every runner of this process.</param>
/// <param name="LogsFolder">The Strata home's <c>logs</c> folder (runner output goes to <c>runners/MODEL.log</c> in it); null keeps output in memory.</param>
/// <param name="IdleUnload">How long a runner lives without requests.</param>
/// <param name="Logger">Where runner starts, crashes and idle ends are logged.</param>
/// <param name="HomeForMessages">The Strata home, replaced by <c>STRATA_HOME</c> in messages that quote a runtime naming its file.</param>
internal sealed record RunnerSettings(ModelRunnerHealth Health, string? LogsFolder, TimeSpan IdleUnload, ILogger? Logger = null, string? HomeForMessages = null);
