using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Strata.Monitoring.Runs;
using Strata.Monitoring.Telemetry;
using Strata.Server.Security;

namespace Strata.Server.Endpoints;

/// <summary>
/// The Strata API over the monitoring stores (<c>/api/runs</c>, <c>/api/traces</c>, <c>/api/usage</c>) and the
/// Prometheus scrape endpoint <c>/metrics</c>. All need the API key when keys are configured.
/// </summary>
public static class MonitoringEndpoints
{
    /// <summary>Adds what the server records beyond the Monitoring layer: HTTP request spans and metrics, and the Prometheus exporter.</summary>
    public static IServiceCollection AddServerTelemetry(this IServiceCollection services)
    {
        services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddSource("Microsoft.AspNetCore"));
        services.ConfigureOpenTelemetryMeterProvider(metrics => metrics.AddMeter("Microsoft.AspNetCore.Hosting").AddPrometheusExporter());
        return services;
    }

    /// <summary>Maps the monitoring API and <c>GET /metrics</c>.</summary>
    public static WebApplication MapMonitoringEndpoints(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        // Runs after the API key check: only an accepted key's id goes into baggage, never the key itself.
        app.Use((context, next) =>
        {
            if (ApiKeyIdentity.Of(context) is { ByKey: true } identity)
            {
                Baggage.SetBaggage(TelemetryTags.ApiKey, identity.Id);
            }

            return next(context);
        });
        // GET (and HEAD, answered as GET) only: the exporter's own mapping takes every method.
        app.MapPrometheusScrapingEndpoint("/metrics").WithMetadata(new HttpMethodMetadata([HttpMethods.Get]));
        var runs = app.MapGroup("/api/runs");
        runs.MapGet("/", (RunStore store, string? project) => TypedResults.Ok(store.List(project).Select(RunSummaryView.From)));
        runs.MapGet("/{id}", Results<Ok<RunDetails>, NotFound> (RunStore store, string id) =>
        {
            RunRecord run;
            try
            {
                run = store.Get(id);
            }
            catch (RunNotFoundException)
            {
                return TypedResults.NotFound();
            }

            return TypedResults.Ok(new RunDetails(RunSummaryView.From(run), store.Summaries(id),
                store.Artifacts(id).Select(a => new ArtifactView(a.Name, a.Kind, a.Digest, a.Size, a.CreatedAt)).ToList()));
        });
        runs.MapGet("/{id}/metrics/{name}", (RunStore store, string id, string name) =>
            TypedResults.Ok(RunIds.IsValid(id) ? store.Metrics(id, name) : []));
        app.MapGet("/api/traces", (TraceStore store, string? model, DateTimeOffset? since, int? limit) =>
            TypedResults.Ok(store.List(new TraceQuery { Model = model, Since = since, Limit = Math.Clamp(limit ?? 100, 1, 1000) })));
        app.MapGet("/api/traces/{id}", Results<Ok<IReadOnlyList<SpanRecord>>, NotFound> (TraceStore store, string id) =>
            store.Trace(id) is { Count: > 0 } spans ? TypedResults.Ok(spans) : TypedResults.NotFound());
        app.MapGet("/api/usage", (TraceStore store, ModelPrices prices, DateTimeOffset? since) =>
            TypedResults.Ok(store.Usage(prices, since)));
        return app;
    }
}

/// <summary>An artifact without its path on the server's disk.</summary>
public sealed record ArtifactView(string Name, string Kind, string Digest, long Size, DateTimeOffset CreatedAt);

/// <summary>One run with its metric summaries and artifacts.</summary>
public sealed record RunDetails(RunSummaryView Run, IReadOnlyList<MetricSummary> Metrics, IReadOnlyList<ArtifactView> Artifacts);
