using System.Net;
using System.Text.Json;

namespace Strata.Server.Tests.Security;

/// <summary>Rate limits are per key, not per spelling of the header; guessing keys is limited per address and leaves no spans.</summary>
public sealed class KeyGuessingTests
{
    private const string Key = "sk-guessing-test-key";

    [Fact]
    public async Task Every_spelling_of_one_key_draws_from_the_same_bucket()
    {
        await using var server = await RunningServer.StartAsync(new Dictionary<string, string?>
        {
            ["Server:ApiKeys:0"] = Key, ["Server:RateLimit:RequestsPerMinute"] = "4",
        });
        var spellings = new (string Header, string Value)[][]
        {
            [("Authorization", "Bearer " + Key)],
            [("Authorization", "bearer " + Key)],
            [("Authorization", "Bearer  " + Key + " ")],
            [("Authorization", "junk"), ("x-api-key", Key)],
            [("x-api-key", Key)],
        };

        var statuses = new List<HttpStatusCode>();
        foreach (var headers in spellings)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/models");
            foreach (var (name, value) in headers)
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }

            statuses.Add((await server.Client.SendAsync(request)).StatusCode);
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
    }

    [Fact]
    public async Task Failed_authentications_are_limited_per_address_and_then_even_the_right_key_waits()
    {
        await using var server = await RunningServer.StartAsync(new Dictionary<string, string?>
        {
            ["Server:ApiKeys:0"] = Key, ["Server:RateLimit:FailedAuthPerMinute"] = "5",
        });

        var statuses = new List<HttpStatusCode>();
        for (var guess = 0; guess < 7; guess++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/models");
            request.Headers.TryAddWithoutValidation("Authorization", "Bearer guess-" + guess);
            statuses.Add((await server.Client.SendAsync(request)).StatusCode);
        }

        using var right = new HttpRequestMessage(HttpMethod.Get, "/v1/models");
        right.Headers.TryAddWithoutValidation("Authorization", "Bearer " + Key);
        var afterwards = await server.Client.SendAsync(right);

        Assert.Equal(Enumerable.Repeat(HttpStatusCode.Unauthorized, 5).Concat([HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests]), statuses);
        Assert.Equal(HttpStatusCode.TooManyRequests, afterwards.StatusCode);
        Assert.NotNull(afterwards.Headers.RetryAfter);
        Assert.Contains("too_many_failed_authentications", await afterwards.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync(new Uri("/health", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task Refused_requests_are_counted_on_a_metric_and_not_stored_as_spans()
    {
        await using var server = await RunningServer.StartAsync(new Dictionary<string, string?> { ["Server:ApiKeys:0"] = Key });
        // Each request names its own trace (W3C traceparent, sampled), so its spans can be looked up by trace id.
        var refusedTrace = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());
        var acceptedTrace = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());
        for (var i = 0; i < 20; i++)
        {
            using var refused = new HttpRequestMessage(HttpMethod.Get, "/v1/models");
            refused.Headers.TryAddWithoutValidation("Authorization", i % 2 == 0 ? "Bearer wrong" : "");
            refused.Headers.TryAddWithoutValidation("traceparent", $"00-{refusedTrace}-{i + 1:x16}-01");
            Assert.Equal(HttpStatusCode.Unauthorized, (await server.Client.SendAsync(refused)).StatusCode);
        }

        using var accepted = new HttpRequestMessage(HttpMethod.Get, "/v1/models");
        accepted.Headers.TryAddWithoutValidation("Authorization", "Bearer " + Key);
        accepted.Headers.TryAddWithoutValidation("traceparent", $"00-{acceptedTrace}-00000000000000aa-01");
        Assert.Equal(HttpStatusCode.OK, (await server.Client.SendAsync(accepted)).StatusCode);

        // Spans reach the store in background batches: once the accepted request's span is there, so would the others be.
        server.Client.DefaultRequestHeaders.Authorization = new("Bearer", Key);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        while ((await server.Client.GetAsync(new Uri($"/api/traces/{acceptedTrace}", UriKind.Relative), timeout.Token)).StatusCode != HttpStatusCode.OK)
        {
            await Task.Delay(200, timeout.Token);
        }

        Assert.Equal(HttpStatusCode.NotFound, (await server.Client.GetAsync(new Uri($"/api/traces/{refusedTrace}", UriKind.Relative))).StatusCode);
        var metrics = await server.Client.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        var failures = metrics.Split('\n').Where(line => line.StartsWith("strata_server_auth_failures", StringComparison.Ordinal)).ToList();
        Assert.Contains(failures, line => line.Contains("reason=\"invalid_key\"", StringComparison.Ordinal));
        Assert.Contains(failures, line => line.Contains("reason=\"missing_key\"", StringComparison.Ordinal));
    }
}
