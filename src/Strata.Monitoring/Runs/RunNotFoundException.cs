using Strata.Core.Errors;

namespace Strata.Monitoring.Runs;

/// <summary>No stored run has the requested id.</summary>
public sealed class RunNotFoundException : StrataException
{
    /// <summary>Creates the exception for <paramref name="runId"/>.</summary>
    public RunNotFoundException(string runId)
        : base(StrataErrorKind.NotFound, $"No run '{runId}'. 'strata runs list' shows the stored runs.")
    {
        RunId = runId;
        Param = "id";
    }

    /// <summary>The id that was not found.</summary>
    public string RunId { get; }
}
