using System.Diagnostics;

namespace Strata.Data;

/// <summary>
/// The data layer's spans: vector queries, writes and ingestion steps, under the <c>Strata.Data</c> source that the
/// monitoring layer records with every other <c>Strata.*</c> source. Spans carry sizes and names, never record content.
/// </summary>
public static class DataTelemetry
{
    /// <summary>The <see cref="ActivitySource"/> name.</summary>
    public const string SourceName = "Strata.Data";

    /// <summary>The source spans are started from.</summary>
    public static ActivitySource Source { get; } = new(SourceName);

    /// <summary>Starts a span for an operation on <paramref name="collection"/>; null when nobody listens.</summary>
    public static Activity? Start(string operation, string collection)
    {
        var activity = Source.StartActivity(operation, ActivityKind.Internal);
        activity?.SetTag("db.system", "strata");
        activity?.SetTag("db.collection.name", collection);
        activity?.SetTag("db.operation.name", operation);
        return activity;
    }
}
