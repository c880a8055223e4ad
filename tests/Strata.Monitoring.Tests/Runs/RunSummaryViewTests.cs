using System.Text.Json;
using Strata.Monitoring.Runs;

namespace Strata.Monitoring.Tests.Runs;

public sealed class RunSummaryViewTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static RunRecord Run(RunStatus status, DateTimeOffset? ended, DateTimeOffset heartbeat) => new(
        "abc123", "gan", "first", status, """{"lr":0.001}""", ["cpu"], Start, ended, heartbeat, "host", 42, null, """{"cores":2}""");

    [Fact]
    public void A_crashed_run_stops_at_its_last_heartbeat_whenever_it_is_read()
    {
        var crashed = Run(RunStatus.Crashed, null, Start.AddMinutes(7).AddSeconds(30));

        var soon = RunSummaryView.From(crashed, Start.AddMinutes(8));
        var days = RunSummaryView.From(crashed, Start.AddDays(3));

        Assert.Equal(("crashed", Start.AddMinutes(7).AddSeconds(30), 450.0, "0:07:30"), (soon.Status, soon.StoppedAt, soon.DurationSeconds, soon.DurationText));
        Assert.Equal(soon.Duration, days.Duration);
    }

    [Fact]
    public void A_finished_run_stops_when_it_ended_and_a_running_one_runs_until_the_time_of_reading()
    {
        var finished = RunSummaryView.From(Run(RunStatus.Finished, Start.AddHours(2), Start.AddHours(2)), Start.AddDays(1));
        var running = RunSummaryView.From(Run(RunStatus.Running, null, Start.AddSeconds(50)), Start.AddMinutes(1));

        Assert.Equal((Start.AddHours(2), "2:00:00"), (finished.StoppedAt, finished.DurationText));
        Assert.Equal(((DateTimeOffset?)null, "0:01:00"), (running.StoppedAt, running.DurationText));
    }

    [Theory]
    [InlineData(59.9, "0:00:59")]
    [InlineData(3600 * 25 + 62, "1.01:01:02")]
    public void Durations_print_in_whole_seconds_with_days_in_front_past_a_day(double seconds, string text) =>
        Assert.Equal(text, RunSummaryView.FormatDuration(TimeSpan.FromSeconds(seconds)));

    [Fact]
    public void The_json_keeps_the_fields_clients_read_and_adds_when_it_stopped_and_how_long_it_took()
    {
        var view = RunSummaryView.From(Run(RunStatus.Failed, Start.AddSeconds(90), Start.AddSeconds(90)));

        using var json = JsonDocument.Parse(JsonSerializer.Serialize(view, JsonSerializerOptions.Web));
        var names = json.RootElement.EnumerateObject().Select(p => p.Name).ToHashSet(StringComparer.Ordinal);

        Assert.Superset(
            new HashSet<string>(StringComparer.Ordinal)
            {
                "id", "project", "name", "status", "config", "tags", "startedAt", "endedAt", "heartbeatAt", "host", "processId", "gitCommit", "system",
                "stoppedAt", "durationSeconds", "durationText",
            },
            names);
        Assert.DoesNotContain("duration", names);
        Assert.Equal("failed", json.RootElement.GetProperty("status").GetString());
        Assert.Equal(0.001, json.RootElement.GetProperty("config").GetProperty("lr").GetDouble());
        Assert.Equal(90, json.RootElement.GetProperty("durationSeconds").GetDouble());
    }
}
