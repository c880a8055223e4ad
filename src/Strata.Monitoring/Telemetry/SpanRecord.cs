namespace Strata.Monitoring.Telemetry;

/// <summary>One stored span: the common columns for listing and usage, plus every attribute and event as JSON.</summary>
/// <param name="TraceId">The trace's id (32 hex digits).</param>
/// <param name="SpanId">The span's id (16 hex digits).</param>
/// <param name="ParentSpanId">The parent span's id, if any.</param>
/// <param name="Source">The activity source, e.g. <c>Strata.Models</c>.</param>
/// <param name="Name">The span's name, e.g. <c>chat tiny</c>.</param>
/// <param name="Kind">client, server, internal…</param>
/// <param name="StartedAt">When it started.</param>
/// <param name="DurationMs">How long it took, in milliseconds.</param>
/// <param name="Status">ok, error or unset.</param>
/// <param name="Error">The error type or description, when it failed.</param>
/// <param name="Operation">The gen_ai operation (chat, embeddings), for model calls.</param>
/// <param name="Model">The model that answered (or was asked for).</param>
/// <param name="InputTokens">Prompt tokens, when reported.</param>
/// <param name="OutputTokens">Completion tokens, when reported.</param>
/// <param name="ApiKey">The id of the API key the request came with, when the server tagged it.</param>
/// <param name="Attributes">Every tag, as a JSON object.</param>
/// <param name="Events">Every event (name, time, tags), as a JSON array.</param>
public sealed record SpanRecord(
    string TraceId,
    string SpanId,
    string? ParentSpanId,
    string Source,
    string Name,
    string Kind,
    DateTimeOffset StartedAt,
    double DurationMs,
    string Status,
    string? Error,
    string? Operation,
    string? Model,
    long? InputTokens,
    long? OutputTokens,
    string? ApiKey,
    string Attributes,
    string Events);
