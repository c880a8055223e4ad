using Microsoft.Playwright;

namespace Strata.EndToEnd.Tests;

/// <summary>The Knowledge page in a real browser: upload, ingestion states, search and ask with citations (MiniLM, no chat model).</summary>
public sealed class KnowledgePageTests(StrataServeProcess server, BrowserFixture browser) : IClassFixture<StrataServeProcess>, IClassFixture<BrowserFixture>
{
    private const string Harbour = """
        # Harbour regulations of Pellan

        Vessels longer than forty metres must request a pilot before entering the harbour of Pellan.
        The harbour master, Ilse Brandt, assigns berths each morning at seven.
        Fishing boats unload at the north quay; ferries use the south quay.
        """;

    [Fact]
    public async Task An_uploaded_document_reaches_ready_and_an_answer_cites_it_with_a_link_to_its_chunk()
    {
        var page = await browser.Context.NewPageAsync();
        await page.GotoAsync(new Uri(server.Url, "/knowledge").ToString());

        // Keyboard only for the collection: type a name, Enter submits.
        await page.FocusAsync("#new-name");
        await page.Keyboard.TypeAsync("harbour");
        await page.Keyboard.PressAsync("Enter");
        // Creating a collection loads the embedding model to learn its dimension: seconds on a busy machine.
        await Assertions.Expect(page.Locator("#collection")).ToHaveValueAsync("harbour", new() { Timeout = 60_000 });

        var file = Path.Combine(server.Home, "harbour-rules.md");
        await File.WriteAllTextAsync(file, Harbour);
        await page.SetInputFilesAsync("#files", file);
        await page.ClickAsync("#upload");
        var row = page.Locator("#documents tbody tr", new() { HasText = "harbour-rules.md" });
        await Assertions.Expect(row.Locator(".state")).ToHaveTextAsync("ready", new() { Timeout = 60_000 });
        await Assertions.Expect(page.Locator("#upload-progress")).ToHaveJSPropertyAsync("value", 100);

        await page.FillAsync("#query", "who assigns berths");
        await page.SelectOptionAsync("#mode", "bm25");
        await page.FillAsync("#filter", """{"field":"title","eq":"Harbour regulations of Pellan"}""");
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.Locator("#results li").First).ToContainTextAsync("Ilse Brandt", new() { Timeout = 30_000 });

        await page.FillAsync("#question", "Who is the harbour master of Pellan?");
        await page.Keyboard.PressAsync("Enter");
        var citation = page.Locator("a.citation").First;
        await Assertions.Expect(citation).ToContainTextAsync("harbour-rules.md", new() { Timeout = 60_000 });
        await Assertions.Expect(page.Locator("#answer")).ToContainTextAsync("Ilse Brandt");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ArtifactFolder, "knowledge.png"), FullPage = true });

        await citation.ClickAsync();
        await page.WaitForURLAsync("**/knowledge/document?**");
        Assert.EndsWith("#chunk-0", page.Url, StringComparison.Ordinal);
        await Assertions.Expect(page.Locator("#chunk-0")).ToContainTextAsync("Ilse Brandt");
        await Assertions.Expect(page.Locator("#document-title")).ToHaveTextAsync("Harbour regulations of Pellan");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ArtifactFolder, "knowledge-citation.png"), FullPage = true });
    }
}
