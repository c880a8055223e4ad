using Strata.Orchestration.Citations;
using Strata.Orchestration.Prompts;

namespace Strata.Orchestration.Tests.Prompts;

public sealed class PromptTemplatesTests : IDisposable
{
    private static readonly ContextPassage[] Passages =
    [
        new(1, "docs/install.md", null, 0, "Run <make> & wait.", "Install > Build"),
        new(2, "manual.pdf", 7, 12, "Reboot after upgrading."),
    ];

    private readonly TemporaryFolder home = new("strata-templates-");

    public void Dispose() => home.Dispose();

    private void WriteOverride(string name, string text) => home.Write(Path.Combine("templates", name + ".liquid"), text);

    [Fact]
    public void Built_in_templates_are_listed()
    {
        Assert.Equal([PromptTemplates.ExtractiveAnswer, PromptTemplates.RagAnswer], PromptTemplates.BuiltInNames);
    }

    [Fact]
    public void The_rag_prompt_numbers_passages_with_source_page_and_heading_without_html_encoding()
    {
        var prompt = PromptTemplates.ForStrataHome(home.Path).RenderRagAnswer("How do I build it?", Passages);
        Assert.Contains("[1] docs/install.md (Install > Build)\nRun <make> & wait.\n", prompt, StringComparison.Ordinal);
        Assert.Contains("[2] manual.pdf, page 7\nReboot after upgrading.\n", prompt, StringComparison.Ordinal);
        Assert.Contains("Question: How do I build it?\nAnswer:", prompt, StringComparison.Ordinal);
        Assert.Contains("square brackets", prompt, StringComparison.Ordinal);
    }

    [Fact]
    public void The_extractive_answer_quotes_passages_with_their_citations_and_says_why()
    {
        var answer = new PromptTemplates().RenderExtractiveAnswer("How?", Passages);
        Assert.StartsWith("No chat model is configured", answer, StringComparison.Ordinal);
        Assert.Contains("[2] Reboot after upgrading.\n(manual.pdf, page 7)", answer, StringComparison.Ordinal);
        Assert.True(CitationChecker.Check(answer, Passages).AllCitationsExist);
    }

    [Fact]
    public void A_file_in_the_templates_folder_overrides_the_built_in()
    {
        WriteOverride(PromptTemplates.RagAnswer, "Q={{ question }} N={{ passages | size }}");
        var templates = PromptTemplates.ForStrataHome(home.Path);
        Assert.Equal("Q=Why? N=2", templates.RenderRagAnswer("Why?", Passages));
        Assert.EndsWith("rag-answer.liquid", templates.LoadSource(PromptTemplates.RagAnswer).Origin, StringComparison.Ordinal);
        Assert.Equal("built-in", templates.LoadSource(PromptTemplates.ExtractiveAnswer).Origin);
    }

    [Fact]
    public void A_user_template_renders_its_own_variables()
    {
        WriteOverride("greeting", "{% for name in names %}Hello {{ name | upcase }}! {% endfor %}");
        var text = PromptTemplates.ForStrataHome(home.Path).Render("greeting", new Dictionary<string, object?> { ["names"] = new[] { "ada", "bob" } });
        Assert.Equal("Hello ADA! Hello BOB! ", text);
    }

    [Fact]
    public void A_syntax_error_names_the_template_file_and_line()
    {
        WriteOverride("broken", "line one\nline two\n{% for x in items %}\n{{ x }\n");
        var error = Assert.Throws<PromptTemplateException>(() => PromptTemplates.ForStrataHome(home.Path).Render("broken", new Dictionary<string, object?>()));
        Assert.Equal("broken", error.TemplateName);
        Assert.EndsWith("broken.liquid", error.Origin, StringComparison.Ordinal);
        Assert.Equal(4, error.Line);
        Assert.Contains("line 4", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_template_lists_the_built_ins()
    {
        var error = Assert.Throws<PromptTemplateException>(() => new PromptTemplates().Render("nope", new Dictionary<string, object?>()));
        Assert.Contains("rag-answer", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("../secrets")]
    [InlineData("a/b")]
    [InlineData("")]
    public void Template_names_cannot_leave_the_templates_folder(string name) =>
        Assert.Throws<PromptTemplateException>(() => PromptTemplates.ForStrataHome(home.Path).LoadSource(name));
}
