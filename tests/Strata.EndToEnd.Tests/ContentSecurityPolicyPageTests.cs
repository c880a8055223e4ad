using Microsoft.Playwright;

namespace Strata.EndToEnd.Tests;

/// <summary>Every page, the API reference included, runs under the server's Content-Security-Policy without a violation.</summary>
public sealed class ContentSecurityPolicyPageTests(StrataServeProcess server, BrowserFixture browser) : IClassFixture<StrataServeProcess>, IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task Pages_and_the_api_reference_run_without_a_policy_violation()
    {
        var page = await browser.Context.NewPageAsync();
        var violations = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error" && message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase))
            {
                violations.Add(page.Url + ": " + message.Text);
            }
        };

        foreach (var path in new[] { "/", "/knowledge", "/images", "/models", "/runs", "/traces" })
        {
            await page.GotoAsync(new Uri(server.Url, path).ToString());
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        }

        // The Chat page's script ran: Enter in an empty prompt does nothing, New chat clears the status line.
        await page.GotoAsync(new Uri(server.Url, "/").ToString());
        await page.ClickAsync("#reset");
        await Assertions.Expect(page.Locator("#status")).ToHaveTextAsync("");

        await page.GotoAsync(new Uri(server.Url, "/scalar/").ToString());
        await Assertions.Expect(page.Locator("#app > *").First).ToBeAttachedAsync(new() { Timeout = 30_000 });
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ArtifactFolder, "api-reference.png") });

        Assert.Empty(violations);
    }
}
