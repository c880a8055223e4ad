using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Strata.Core;
using Strata.Models.Store;

namespace Strata.EndToEnd.Tests;

/// <summary>The Models page pulling from a local Hub with progress, listing the result, and deleting it again.</summary>
public sealed class ModelsPageTests(HubServeProcess server, BrowserFixture browser) : IClassFixture<HubServeProcess>, IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task A_model_pulled_on_the_page_appears_in_the_table_and_its_delete_button_removes_it()
    {
        var page = await browser.Context.NewPageAsync();
        page.Dialog += async (_, dialog) => await dialog.AcceptAsync();
        await page.GotoAsync(new Uri(server.Url, "/models").ToString());

        await page.FillAsync("#pull-source", "hf://" + HubServeProcess.Repository);
        await page.Keyboard.PressAsync("Enter");

        await Assertions.Expect(page.Locator("#pull-status")).ToHaveTextAsync(new Regex(@"^Pulled acme/tiny-gguf \(gguf, \d+\.\d MB\)$"), new() { Timeout = 60_000 });
        var row = page.Locator("#models tr[data-model='acme/tiny-gguf']");
        Regex[] cells = [new("^acme/tiny-gguf$"), new("^gguf$"), new("^local$"), new(@"^\d+\.?\d* MB$"), new("^chat, embeddings$"), new("^Delete$")];
        await Assertions.Expect(row.Locator("td")).ToHaveTextAsync(cells);
        Assert.NotNull(new ModelStore(new StrataPaths(server.Home)).Find("acme/tiny-gguf"));
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ArtifactFolder, "models-pulled.png"), FullPage = true });

        await row.GetByRole(AriaRole.Button, new() { Name = "Delete acme/tiny-gguf" }).ClickAsync();

        await Assertions.Expect(page.Locator("#pull-status")).ToHaveTextAsync("Deleted acme/tiny-gguf");
        await Assertions.Expect(row).ToHaveCountAsync(0);
        Assert.Null(new ModelStore(new StrataPaths(server.Home)).Find("acme/tiny-gguf"));
        // The model the server started with is still listed: the refreshed table comes from the API.
        await Assertions.Expect(page.Locator("#models tr[data-model='tiny']")).ToHaveCountAsync(1);
    }

    [Fact]
    public async Task A_pull_of_a_repository_the_hub_does_not_have_shows_why_it_failed()
    {
        var page = await browser.Context.NewPageAsync();
        await page.GotoAsync(new Uri(server.Url, "/models").ToString());

        await page.FillAsync("#pull-source", "hf://acme/no-such-repo");
        await page.ClickAsync("#pull");

        await Assertions.Expect(page.Locator("#pull-status")).ToHaveTextAsync(new Regex("^Pull failed: .*acme/no-such-repo"), new() { Timeout = 60_000 });
        await Assertions.Expect(page.Locator("#pull-progress")).ToBeHiddenAsync();
        await Assertions.Expect(page.Locator("#pull")).ToBeEnabledAsync();
    }
}
