using System.Net.Http.Json;
using Microsoft.Playwright;
using Strata.Monitoring.Runs;

namespace Strata.EndToEnd.Tests;

/// <summary>The Runs and Traces pages read the same stores as the CLI and the API.</summary>
public sealed class MonitoringPagesTests(StrataServeProcess server, BrowserFixture browser) : IClassFixture<StrataServeProcess>, IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task A_logged_run_is_listed_and_its_metrics_are_charted()
    {
        var store = new RunStore(Path.Combine(server.Home, "runs"));
        using (var run = store.Start(new RunStartOptions { Project = "e2e", Name = "loss-curve", Config = new { LearningRate = 0.001 } }))
        {
            for (var step = 0; step < 20; step++)
            {
                run.Log(new Dictionary<string, double> { ["loss"] = 2.0 / (step + 1), ["accuracy"] = step / 20.0 }, step);
            }

            run.Finish();
        }

        var page = await browser.Context.NewPageAsync();
        await page.GotoAsync(new Uri(server.Url, "/runs").ToString());
        await page.ClickAsync("text=loss-curve");

        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("e2e / loss-curve");
        await Assertions.Expect(page.Locator("#metrics")).ToContainTextAsync("accuracy");
        Assert.Equal(2, await page.Locator("figure.chart svg").CountAsync());
        await Assertions.Expect(page.Locator("pre.config")).ToContainTextAsync("0.001");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ArtifactFolder, "run.png"), FullPage = true });
    }

    [Fact]
    public async Task A_chat_request_shows_up_on_the_traces_page_with_its_tokens()
    {
        using (var http = new HttpClient { BaseAddress = server.Url })
        {
            var response = await http.PostAsJsonAsync("/v1/chat/completions", new
            {
                model = "tiny",
                messages = new[] { new { role = "user", content = "hello" } },
                max_tokens = 5,
                temperature = 0,
            });
            response.EnsureSuccessStatusCode();
        }

        var page = await browser.Context.NewPageAsync();
        // Spans reach the trace store through a batching exporter, so give it a few seconds.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        do
        {
            await page.GotoAsync(new Uri(server.Url, "/traces").ToString());
            if (await page.Locator("#usage").CountAsync() > 0)
            {
                break;
            }

            await Task.Delay(500);
        }
        while (DateTime.UtcNow < deadline);

        await Assertions.Expect(page.Locator("#usage")).ToContainTextAsync("tiny");
        await Assertions.Expect(page.Locator("#spans")).ToContainTextAsync("tiny");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ArtifactFolder, "traces.png"), FullPage = true });
    }
}
