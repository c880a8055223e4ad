using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using Strata.Data.Search;

namespace Strata.Data.Collections;

/// <summary>
/// What every backend's collection does first on a search or an upsert: the same argument checks, then the same span, so
/// the embedded store and PostgreSQL refuse the same input with the same message and trace alike.
/// </summary>
internal static class CollectionCallStart
{
    /// <summary>
    /// Checks a search: <paramref name="options"/> (null becomes the defaults) and the query vector when there is one; then
    /// starts the search's span.
    /// </summary>
    public static Activity? Search(CollectionSpec spec, string mode, float[]? vector, [NotNull] ref SearchOptions? options)
    {
        options ??= new SearchOptions();
        options.Validate();
        if (vector is not null)
        {
            RecordValidator.ValidateQuery(vector, spec.Dimension, spec.Name);
        }

        var activity = DataTelemetry.Start("vector.search", spec.Name);
        activity?.SetTag("strata.search.mode", mode);
        activity?.SetTag("strata.search.k", options.K);
        activity?.SetTag("strata.search.filtered", options.Filter is not null);
        return activity;
    }

    /// <summary>Validates a batch (see <see cref="RecordValidator.Validate"/>), returning each record's metadata as JSON text; then starts the upsert's span.</summary>
    public static Activity? Upsert(CollectionSpec spec, IReadOnlyList<VectorRecord> records, out string[] metadata)
    {
        ArgumentNullException.ThrowIfNull(records);
        // Validated before the span starts: a span started here and then abandoned by a throw would stay Activity.Current.
        metadata = RecordValidator.Validate(records, spec.Dimension, spec.Name);
        var activity = DataTelemetry.Start("vector.upsert", spec.Name);
        activity?.SetTag("strata.records", records.Count);
        return activity;
    }
}
