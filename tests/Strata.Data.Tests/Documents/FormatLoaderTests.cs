using Strata.Data.Documents;

namespace Strata.Data.Tests.Documents;

public sealed class FormatLoaderTests : IDisposable
{
    private readonly TemporaryFolder folder = new();
    private readonly DocumentLoader loader = new();

    public void Dispose() => folder.Dispose();

    private LoadedDocument Load(string name, string content) => Loaded(loader.LoadFile(folder.Write(name, content)));

    private LoadedDocument Load(string name, byte[] content) => Loaded(loader.LoadFile(folder.Write(name, content)));

    private static LoadedDocument Loaded(DocumentLoadResult result)
    {
        Assert.True(result.IsSuccess, result.FailureReason);
        foreach (var section in result.Document.Sections)
        {
            Assert.Equal(section.Text, result.Document.Text[section.StartOffset..section.EndOffset]);
        }

        return result.Document;
    }

    [Fact]
    public void Plain_text_is_one_section_with_its_source_path()
    {
        var path = folder.Write("notes.txt", "First line.\r\nSecond line.\r\n");
        var document = Loaded(loader.LoadFile(path));
        Assert.Equal(path, document.Source);
        Assert.Equal("text/plain", document.ContentType);
        Assert.Equal("First line.\nSecond line.", Assert.Single(document.Sections).Text);
    }

    [Fact]
    public void Markdown_headings_become_sections_with_their_paths()
    {
        var document = Load("guide.md", "Intro text.\n\n# Guide\n\nAbout.\n\n## Install\n\nRun `make`.\n\n## Use\n\nCall it.\n\n# Other\n\nEnd.\n");
        Assert.Equal("Guide", document.Title);
        Assert.Equal(
            [[], ["Guide"], ["Guide", "Install"], ["Guide", "Use"], ["Other"]],
            document.Sections.Select(s => s.HeadingPath.ToArray()).ToArray());
        Assert.Equal("## Install\n\nRun `make`.", document.Sections[2].Text);
    }

    [Fact]
    public void Html_keeps_main_content_and_drops_navigation_scripts_and_forms()
    {
        var document = Load("page.html", """
            <html><head><title>Kernel notes</title><style>p { color: red }</style></head>
            <body>
              <nav>Home | About</nav><header>Site banner</header>
              <main>
                <h1>Modules</h1><p>Modules load at   boot.</p>
                <h2>Blacklisting</h2><p>Use <code>modprobe.d</code>.</p><script>track()</script>
                <form><input name="q"/>Search this site</form>
              </main>
              <aside>Related links</aside><footer>Copyright</footer>
            </body></html>
            """);
        Assert.Equal("Kernel notes", document.Title);
        Assert.Equal("text/html", document.ContentType);
        Assert.Equal([["Modules"], ["Modules", "Blacklisting"]], document.Sections.Select(s => s.HeadingPath.ToArray()).ToArray());
        Assert.Equal("Modules\n\nModules load at boot.", document.Sections[0].Text);
        Assert.Equal("Blacklisting\n\nUse modprobe.d.", document.Sections[1].Text);
        foreach (var noise in new[] { "Home", "banner", "color", "track", "Search", "Related", "Copyright" })
        {
            Assert.DoesNotContain(noise, document.Text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Html_without_main_uses_article_and_takes_the_title_from_h1()
    {
        var document = Load("a.htm", "<body><div>Sidebar junk</div><article><h1>Real title</h1><p>Body.</p></article></body>");
        Assert.Equal("Real title", document.Title);
        Assert.DoesNotContain("Sidebar", document.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Pdf_pages_become_numbered_sections()
    {
        var document = Load("report.pdf", TestDocuments.Pdf(["Alpha page one"], ["Beta page two"], ["Gamma page three"]));
        Assert.Equal([1, 2, 3], document.Sections.Select(s => s.PageNumber ?? 0).ToArray());
        Assert.Contains("Beta page two", document.Sections[1].Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Docx_paragraphs_are_read_and_heading_styles_start_sections()
    {
        var document = Load("memo.docx", TestDocuments.Docx(
            ("Title", "Quarterly memo"), (null, "Opening words."), ("Heading1", "Budget"), (null, "Numbers."),
            ("Heading2", "Travel"), (null, "Trips."), ("Heading1", "Staff"), (null, "People.")));
        Assert.Equal("Quarterly memo", document.Title);
        Assert.Equal(
            [["Quarterly memo"], ["Quarterly memo", "Budget"], ["Quarterly memo", "Budget", "Travel"], ["Quarterly memo", "Staff"]],
            document.Sections.Select(s => s.HeadingPath.ToArray()).ToArray());
        Assert.Equal("Travel\n\nTrips.", document.Sections[2].Text);
    }

    [Fact]
    public void Json_text_fields_are_flattened_with_their_paths()
    {
        var document = Load("item.json", """{"name":"Widget","count":3,"tags":["red","small"],"spec":{"note":"Fits all."}}""");
        Assert.Equal("name: Widget\ntags: red\ntags: small\nspec.note: Fits all.", Assert.Single(document.Sections).Text);
    }

    [Fact]
    public void Jsonl_makes_one_section_per_line()
    {
        var document = Load("qa.jsonl", "{\"q\":\"Why?\"}\n\n{\"q\":\"How?\"}\n");
        Assert.Equal([["line 1"], ["line 3"]], document.Sections.Select(s => s.HeadingPath.ToArray()).ToArray());
        Assert.Equal("q: How?", document.Sections[1].Text);
    }

    [Fact]
    public void Invalid_jsonl_fails_with_the_line_number()
    {
        var result = loader.LoadFile(folder.Write("bad.jsonl", "{\"ok\":\"yes\"}\n{broken\n"));
        Assert.False(result.IsSuccess);
        Assert.Contains("line 2", result.FailureReason, StringComparison.Ordinal);
    }

    [Fact]
    public void Csv_rows_become_lines_named_by_the_header()
    {
        var document = Load("people.csv", "name,city\r\nAda,\"London, UK\"\r\n\"Bob \"\"B\"\"\",Paris\r\n");
        Assert.Equal("name: Ada; city: London, UK\nname: Bob \"B\"; city: Paris", Assert.Single(document.Sections).Text);
    }
}
