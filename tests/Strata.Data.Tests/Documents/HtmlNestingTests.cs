using Strata.Data.Documents;

namespace Strata.Data.Tests.Documents;

/// <summary>
/// A page nested deeper than a tree builder can parse in reasonable time fails with that reason before it is parsed;
/// real pages, sloppy ones included, pass.
/// </summary>
public sealed class HtmlNestingTests : IDisposable
{
    private const string DebianReference = "/usr/share/debian-reference";
    private const string PythonLibrary = "/usr/share/doc/python3.11/html/library";

    private readonly TemporaryFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public void A_page_of_100000_nested_divs_fails_as_too_deep_without_being_parsed()
    {
        // Parsed, this 600 KB page took 47 s (the tree builder's time grows with the square of the depth).
        var result = new DocumentLoader().LoadFile(folder.Write("deep.html", Nested("div", 100_000)));

        Assert.False(result.IsSuccess);
        Assert.Contains("more than 4096 levels deep", result.FailureReason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_page_of_more_than_a_million_elements_fails_without_being_parsed()
    {
        // Parsed, 3 million of these held 2.1 GB.
        var html = "<html><body>" + string.Concat(Enumerable.Repeat("<p>a", HtmlNesting.MaxElements)) + "</body></html>";

        var result = new DocumentLoader().LoadFile(folder.Write("many.html", html));

        Assert.False(result.IsSuccess);
        Assert.Contains("more than 1,000,000 elements", result.FailureReason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_page_nested_just_under_the_limit_loads()
    {
        var result = new DocumentLoader().LoadFile(folder.Write("deep.html", Nested("span", HtmlNesting.MaxDepth - 2)));

        Assert.True(result.IsSuccess, result.FailureReason);
        Assert.Equal("x", result.Document.Text.Trim());
    }

    [Fact]
    public void Elements_whose_end_tag_may_be_left_out_do_not_count_when_a_page_leaves_them_open()
    {
        var paragraphs = string.Concat(Enumerable.Repeat("<p>one paragraph", 6000));
        var items = "<ul>" + string.Concat(Enumerable.Repeat("<li>an item", 6000)) + "</ul>";
        var table = "<table>" + string.Concat(Enumerable.Repeat("<tr><td>a<td>b", 6000)) + "</table>";

        var result = new DocumentLoader().LoadFile(folder.Write("sloppy.html", $"<html><body>{paragraphs}{items}{table}</body></html>"));

        Assert.True(result.IsSuccess, result.FailureReason);
    }

    [Theory]
    [InlineData("<!-- {0} -->")]
    [InlineData("<script>var s = '{0}';</script>")]
    [InlineData("<div title=\"{0}\">quoted</div>")]
    [InlineData("{1}")]
    public void Tags_in_comments_scripts_and_quoted_values_and_self_closed_tags_do_not_count(string template)
    {
        var opens = string.Concat(Enumerable.Repeat("<div>", 5000));
        var selfClosed = string.Concat(Enumerable.Repeat("<div/>", 5000));

        var html = $"<html><body>{string.Format(System.Globalization.CultureInfo.InvariantCulture, template, opens, selfClosed)}<p>text</p></body></html>";

        HtmlNesting.Check(html);
    }

    [Fact]
    public void A_stray_quote_outside_an_attribute_value_hides_no_tags()
    {
        // The HTML tokenizer reads this quote as part of an attribute name, so the tag ends at its '>' and every div
        // after it nests; a check that took the quote for a quoted value would skip them.
        var html = "<html><body><a '>" + string.Concat(Enumerable.Repeat("<div>", 5000)) + "'></a></body></html>";

        var error = Assert.Throws<DocumentFormatException>(() => HtmlNesting.Check(html));
        Assert.Contains("levels deep", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(DebianReference)]
    [InlineData(PythonLibrary)]
    public void Every_page_of_the_debian_and_python_references_passes(string directory)
    {
        var pages = Directory.Exists(directory) ? Directory.GetFiles(directory, "*.html") : [];
        Assert.True(pages.Length > 10, $"{directory} holds no pages: scripts/install-test-deps.sh installs them.");

        foreach (var page in pages)
        {
            HtmlNesting.Check(File.ReadAllText(page));
        }
    }

    private static string Nested(string element, int depth) =>
        "<html><body>" + string.Concat(Enumerable.Repeat($"<{element}>", depth)) + "x" + string.Concat(Enumerable.Repeat($"</{element}>", depth)) + "</body></html>";
}
