using Microsoft.Playwright;

namespace Strata.EndToEnd.Tests;

/// <summary>The web UI in a real browser against a real <c>strata serve</c>.</summary>
public sealed class ChatPageTests(StrataServeProcess server, BrowserFixture browser) : IClassFixture<StrataServeProcess>, IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task A_streamed_chat_answer_appears_with_its_token_rate()
    {
        var page = await browser.Context.NewPageAsync();
        await page.GotoAsync(server.Url.ToString());

        await page.SelectOptionAsync("#model", "tiny");
        await page.FillAsync("#temperature", "0");
        await page.FillAsync("#max-tokens", "24");
        await page.FillAsync("#seed", "4");
        await page.FillAsync("#prompt", "hello world");
        await page.Keyboard.PressAsync("Enter");

        var status = page.Locator("#status");
        await Assertions.Expect(status).ToContainTextAsync("tokens/s", new() { Timeout = 60_000 });
        var answer = page.Locator(".message.assistant").First;
        Assert.False(string.IsNullOrEmpty(await answer.TextContentAsync()));
        Assert.Equal("hello world", await page.Locator(".message.user").First.TextContentAsync());
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ArtifactFolder, "chat.png"), FullPage = true });
    }

    [Fact]
    public async Task The_models_page_lists_the_stored_and_built_in_models()
    {
        var page = await browser.Context.NewPageAsync();
        await page.GotoAsync(new Uri(server.Url, "/models").ToString());

        await Assertions.Expect(page.Locator("table.grid")).ToContainTextAsync("tiny");
        await Assertions.Expect(page.Locator("table.grid")).ToContainTextAsync("minilm");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ArtifactFolder, "models.png"), FullPage = true });
    }

    [Fact]
    public async Task The_chat_page_is_usable_with_the_keyboard_alone()
    {
        var page = await browser.Context.NewPageAsync();
        await page.GotoAsync(server.Url.ToString());

        await page.FocusAsync("#prompt");
        await page.Keyboard.TypeAsync("hi");
        await page.Keyboard.PressAsync("Enter");

        await Assertions.Expect(page.Locator(".message.user")).ToHaveTextAsync("hi");
        await Assertions.Expect(page.Locator("#status")).Not.ToHaveTextAsync("Generating…", new() { Timeout = 60_000 });
    }
}
