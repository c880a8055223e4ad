using Strata.Benchmarks.Vectors.Datasets;

namespace Strata.Benchmarks.Tests.Vectors.Datasets;

/// <summary>The real-text corpus behind <c>strata bench vectors --dataset minilm</c>: troff to prose, prose to passages.</summary>
public sealed class VectorCorpusTests
{
    // signal(7) from Debian's manpages package (scripts/install-test-deps.sh installs it).
    private const string SignalManPage = "/usr/share/man/man7/signal.7.gz";

    [Fact]
    public void Passages_of_a_real_man_page_are_plain_distinct_sentences_the_same_on_every_read()
    {
        var passages = DebianTextCorpus.ManPagePassages(SignalManPage);

        Assert.True(passages.Count > 50, $"only {passages.Count} passages");
        Assert.Contains("Each signal has a current disposition, which determines how the process behaves when it is delivered the signal.", passages);
        Assert.All(passages, passage =>
        {
            Assert.DoesNotContain("\\f", passage, StringComparison.Ordinal);
            Assert.DoesNotContain("\\-", passage, StringComparison.Ordinal);
            Assert.DoesNotContain("\\(", passage, StringComparison.Ordinal);
            Assert.DoesNotContain(".BR ", passage, StringComparison.Ordinal);
            Assert.False(passage.StartsWith('.'), passage);
            Assert.InRange(passage.Split(' ').Length, Passages.MinWords, Passages.MaxWords);
        });
        Assert.Equal(passages.Count, passages.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(passages, DebianTextCorpus.ManPagePassages(SignalManPage));
    }

    [Fact]
    public void Troff_keeps_the_words_of_font_macros_and_escapes_and_drops_synopses_code_and_comments()
    {
        const string troff = """
            .\" Copyright line that is no prose
            .TH demo 2 2024-01-01 "Linux man-pages"
            .SH NAME
            demo \- show what the extractor keeps
            .SH SYNOPSIS
            .nf
            .B #include <demo.h>
            .BI "int demo(int " fd );
            .fi
            .SH DESCRIPTION
            The
            .BR demo ()
            call reads from
            .IR fd ,
            \fBnever\fP blocks and returns \-1 on error\(emsee
            .BR errno (3).
            .PP
            .EX
            int x = demo(0);
            .EE
            .TP
            .B EAGAIN
            No data was ready \" a trailing comment
            """;

        var paragraphs = ManPageText.Paragraphs(troff);

        Assert.Equal(
            [
                "demo - show what the extractor keeps",
                "The demo() call reads from fd, never blocks and returns -1 on error—see errno(3).",
                "EAGAIN",
                "No data was ready",
            ],
            paragraphs);
        Assert.Empty(ManPageText.Paragraphs(".so man2/other.2\n"));
    }

    [Fact]
    public void A_short_sentence_joins_the_next_and_a_long_one_is_cut()
    {
        var longSentence = string.Join(' ', Enumerable.Range(0, 65).Select(i => $"W{i}")) + ".";

        var passages = Passages.Split($"Too short here. This one joins it to make a passage. {longSentence} And the tail of it ends here. Dropped.").ToList();

        Assert.Equal(
            [
                "Too short here. This one joins it to make a passage.",
                string.Join(' ', Enumerable.Range(0, 60).Select(i => $"W{i}")),
                "W60 W61 W62 W63 W64. And the tail of it ends here.",
            ],
            passages);
    }
}
