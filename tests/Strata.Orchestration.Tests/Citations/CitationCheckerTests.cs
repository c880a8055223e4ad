using Strata.Orchestration.Citations;

namespace Strata.Orchestration.Tests.Citations;

public sealed class CitationCheckerTests
{
    private static readonly ContextPassage[] Passages =
    [
        new(1, "docs/install.md", null, 0, "Run the installer.", "Install"),
        new(2, "manual.pdf", 7, 12, "Reboot after upgrading."),
        new(3, "https://example.org/faq", null, 3, "Mirrors sync daily."),
    ];

    [Theory]
    [InlineData("Run it [1].", "Run it [1].", "1", "")]
    [InlineData("Run it [1] and reboot [2].", "Run it [1] and reboot [2].", "1,2", "")]
    [InlineData("Both say so [1, 3].", "Both say so [1, 3].", "1,3", "")]
    [InlineData("Both say so [1,3].", "Both say so [1,3].", "1,3", "")]
    [InlineData("Adjacent markers [2][1].", "Adjacent markers [2][1].", "2,1", "")]
    [InlineData("Repeated [1] and again [1].", "Repeated [1] and again [1].", "1", "")]
    [InlineData("Invented [4].", "Invented.", "", "4")]
    [InlineData("Mixed [1, 4] list.", "Mixed [1] list.", "1", "4")]
    [InlineData("Mixed [4, 2, 9] list.", "Mixed [2] list.", "2", "4,9")]
    [InlineData("Adjacent [1][5][3].", "Adjacent [1][3].", "1,3", "5")]
    [InlineData("Zero [0] is never a passage.", "Zero is never a passage.", "", "0")]
    [InlineData("No citations at all.", "No citations at all.", "", "")]
    [InlineData("Not a marker: [a] or [1a] or [].", "Not a marker: [a] or [1a] or [].", "", "")]
    [InlineData("Spaced [ 2 ].", "Spaced [ 2 ].", "2", "")]
    [InlineData("Huge [1234567] number.", "Huge [1234567] number.", "", "")]
    public void Citations_are_mapped_and_unknown_ones_stripped(string answer, string expectedText, string expectedCited, string expectedUnknown)
    {
        var result = CitationChecker.Check(answer, Passages);
        Assert.Equal(expectedText, result.Text);
        Assert.Equal(expectedCited, string.Join(',', result.Citations.Select(c => c.Number)));
        Assert.Equal(expectedUnknown, string.Join(',', result.UnknownNumbers));
        Assert.Equal(expectedUnknown.Length == 0, result.AllCitationsExist);
    }

    [Fact]
    public void A_citation_carries_the_document_page_and_chunk_of_its_passage()
    {
        var citation = Assert.Single(CitationChecker.Check("Reboot [2].", Passages).Citations);
        Assert.Equal("manual.pdf", citation.Passage.Source);
        Assert.Equal(7, citation.Passage.PageNumber);
        Assert.Equal(12, citation.Passage.ChunkIndex);
    }

    [Fact]
    public void Duplicate_passage_numbers_are_refused() =>
        Assert.Throws<ArgumentException>(() => CitationChecker.Check("[1]", [Passages[0], Passages[0]]));
}
