using Strata.Models.Catalog;
using Strata.Models.HuggingFace;

namespace Strata.Models.Tests.Catalog;

public sealed class ChatModelSetupTests
{
    [Fact]
    public void The_suggested_pull_is_a_reference_strata_pull_accepts_naming_one_gguf_file()
    {
        var reference = HubReference.Parse(ChatModelSetup.SuggestedReference);

        Assert.Equal(("Qwen", "Qwen2.5-0.5B-Instruct-GGUF", "qwen2.5-0.5b-instruct-q4_k_m.gguf", "main"),
            (reference.Owner, reference.Repository, reference.Path, reference.Revision));
    }

    [Fact]
    public void The_advice_is_one_line_with_the_pull_the_import_and_the_default_setting()
    {
        Assert.DoesNotContain('\n', ChatModelSetup.NoChatModel);
        Assert.Contains($"'{ChatModelSetup.PullCommand}'", ChatModelSetup.NoChatModel, StringComparison.Ordinal);
        Assert.Contains($"'{ChatModelSetup.ImportCommand}'", ChatModelSetup.NoChatModel, StringComparison.Ordinal);
        Assert.Contains(ChatModelSetup.DefaultSetting, ChatModelSetup.NoChatModel, StringComparison.Ordinal);
        Assert.EndsWith(ChatModelSetup.SuggestedName, ChatModelSetup.DefaultVariable, StringComparison.Ordinal);
    }
}
