using System.Text.Json;
using Strata.Core;
using Strata.Monitoring.Telemetry;

namespace Strata.Cli.Tests;

public sealed class TracesCommandTests
{
    private static SpanRecord Span(string spanId, string model, DateTimeOffset start, long input, long output) =>
        new("4bf92f3577b34da6a3ce929d0e0e4736", spanId, null, "Strata.Models", $"chat {model}", "client", start, 12.5, "ok", null,
            "chat", model, input, output, null, "{}", "[]");

    [Fact]
    public async Task Traces_list_filters_by_model_and_time_and_usage_prices_the_tokens()
    {
        using var strata = new StrataProcess();
        var now = DateTimeOffset.UtcNow;
        new TraceStore(new StrataPaths(strata.Home).TracesDatabase).Write([
            Span("00f067aa0ba902b7", "tiny", now.AddHours(-3), 1_000_000, 0),
            Span("00f067aa0ba902b8", "tiny", now.AddMinutes(-5), 0, 500_000),
            Span("00f067aa0ba902b9", "other", now.AddMinutes(-5), 10, 10),
        ]);
        strata.Environment["STRATA__Telemetry__Prices__tiny__InputPerMillion"] = "1.5";
        strata.Environment["STRATA__Telemetry__Prices__tiny__OutputPerMillion"] = "4";

        var recent = await strata.RunAsync("traces", "list", "--model", "tiny", "--since", "1h", "--json");
        var usage = await strata.RunAsync("usage", "--json");
        var show = await strata.RunAsync("traces", "show", "00f067aa0ba902b9", "--json");

        Assert.Equal(0, recent.ExitCode);
        Assert.Equal(["00f067aa0ba902b8"], JsonDocument.Parse(recent.Stdout).RootElement.EnumerateArray().Select(s => s.GetProperty("spanId").GetString()));
        var tiny = Assert.Single(JsonDocument.Parse(usage.Stdout).RootElement.EnumerateArray(), r => r.GetProperty("model").GetString() == "tiny");
        Assert.Equal(2, tiny.GetProperty("requests").GetInt64());
        Assert.Equal(3.5m, tiny.GetProperty("cost").GetDecimal());
        Assert.Equal(3, JsonDocument.Parse(show.Stdout).RootElement.GetArrayLength());
    }
}
