using Microsoft.Playwright;

namespace Strata.EndToEnd.Tests;

/// <summary>With API keys configured, the browser signs in once and the pages' API calls then work through the session cookie.</summary>
public sealed class LoginPageTests(KeyedServeProcess server, BrowserFixture browser) : IClassFixture<KeyedServeProcess>, IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task Signing_in_with_the_key_opens_the_pages_and_their_api_calls()
    {
        var page = await browser.Context.NewPageAsync();
        await page.GotoAsync(new Uri(server.Url, "/knowledge").ToString());
        await page.WaitForURLAsync("**/login?returnUrl=%2Fknowledge");

        await page.FillAsync("#key", "wrong-key");
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.Locator("#login-failed")).ToBeVisibleAsync();

        await page.FillAsync("#key", KeyedServeProcess.Key);
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ArtifactFolder, "login.png"), FullPage = true });
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync("**/knowledge");
        Assert.DoesNotContain(KeyedServeProcess.Key, await page.ContentAsync(), StringComparison.Ordinal);
        var cookies = await browser.Context.CookiesAsync([server.Url.ToString()]);
        var session = Assert.Single(cookies, c => c.Name == "strata_session");
        Assert.True(session.HttpOnly);
        Assert.Equal(SameSiteAttribute.Strict, session.SameSite);

        await page.FillAsync("#new-name", "signed-in");
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.Locator("#collection-info")).ToContainTextAsync("0 records", new() { Timeout = 30_000 });

        await page.ClickAsync("text=Sign out");
        await page.WaitForURLAsync("**/login");
        await page.GotoAsync(new Uri(server.Url, "/models").ToString());
        await page.WaitForURLAsync("**/login?returnUrl=%2Fmodels");
    }
}
