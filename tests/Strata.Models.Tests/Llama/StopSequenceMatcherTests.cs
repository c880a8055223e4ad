using Strata.Models.Llama;

namespace Strata.Models.Tests.Llama;

public sealed class StopSequenceMatcherTests
{
    [Fact]
    public void A_stop_sequence_split_over_pieces_is_held_back_and_cut()
    {
        var matcher = new StopSequenceMatcher(["END"]);

        Assert.Equal(("hello ", false), matcher.Push("hello E"));
        Assert.Equal(("", false), matcher.Push("N"));
        Assert.Equal(("", true), matcher.Push("D and more"));
    }

    [Fact]
    public void Held_text_that_turns_out_not_to_be_a_stop_sequence_is_released()
    {
        var matcher = new StopSequenceMatcher(["END"]);

        Assert.Equal(("a", false), matcher.Push("aE"));
        Assert.Equal(("Ex", false), matcher.Push("x"));
        Assert.Equal(("tail", false), matcher.Push("tail"));
        Assert.Equal("", matcher.Flush());
        Assert.Equal(("", false), matcher.Push("EN"));
        Assert.Equal("EN", matcher.Flush());
    }

    [Fact]
    public void The_earliest_of_several_stop_sequences_wins()
    {
        var matcher = new StopSequenceMatcher(["world", "lo"]);

        Assert.Equal(("hel", true), matcher.Push("hello world"));
    }
}
