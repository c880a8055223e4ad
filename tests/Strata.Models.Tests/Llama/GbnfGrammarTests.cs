using Strata.Models.Llama;

namespace Strata.Models.Tests.Llama;

public sealed class GbnfGrammarTests
{
    [Theory]
    [InlineData("root ::= \"a\"")]
    [InlineData("root ::= x\nx ::= [a-z]+ | \"\\\"\" [^\"\\\\\\x7F\\x00-\\x1F]{0,12} \"\\\"\"")]
    [InlineData("root ::= (\"a\" |\n  \"b\")* .? x{3} x{0,} x{1,4}\nx ::= \"\\u00e9\" [\\[\\]\\-] # a comment\n")]
    [InlineData("# leading comment\r\nroot ::= \"\"\r\n")]
    [InlineData("root ::= x (\",\" x){0,1998}\nx ::= \"x\"")]
    public void A_grammar_llama_cpp_accepts_passes(string grammar) => GbnfGrammar.Validate(grammar);

    [Theory]
    [InlineData("root ::= value space\nvalue ::= \"1\"", "rule 'root' refers to 'space', which is never defined")]
    [InlineData("start ::= \"a\"", "no 'root' rule")]
    [InlineData("root ::= \"a", "ends inside a string literal")]
    [InlineData("root ::= [a-", "ends inside a character class")]
    [InlineData("root ::= []", "empty character class")]
    [InlineData("root = \"a\"", "expected '::='")]
    [InlineData("root ::= \"\\q\"", "unknown escape '\\q'")]
    [InlineData("root ::= \"\\x4\"", "needs 2 hex digits")]
    [InlineData("root ::= (\"a\"", "ends inside a group")]
    [InlineData("root ::= * \"a\"", "a quantifier must follow an item")]
    [InlineData("root ::= \"a\"{2,1}", "maximum below its minimum")]
    [InlineData("root ::= \"a\"{,3}", "expected a repetition count")]
    [InlineData("root ::= \"a\"{1;3}", "expected ',' or '}'")]
    [InlineData("root ::= \"a\"{2001}", "at least 2001 is more than llama.cpp's limit of 2000")]
    [InlineData("root ::= \"a\"{0,5000}", "up to 5000 is more than llama.cpp's limit of 2000")]
    [InlineData("root ::= \"a\"{0,2000}", "repeated 2000 times reaches llama.cpp's limit")]
    [InlineData("root ::= (\"a\" \"b\"{0,9}){0,300}", "an item of 10 rule(s) repeated 300 times")]
    // A name first seen inside a group counts as one of the group's rules, exactly as llama.cpp counts it.
    [InlineData("root ::= (\",\" x){0,1998}\nx ::= \"x\"", "an item of 2 rule(s) repeated 1998 times")]
    [InlineData("root ::= \"a\" )", "expected the end of the rule")]
    [InlineData("root ::= \"a\"\nroot ::= \"b\"", "defined twice")]
    [InlineData("root ::= <[12]>", "token references")]
    [InlineData("root ::= \"a\u0000\"", "NUL character")]
    public void A_grammar_llama_cpp_refuses_fails_with_a_message_naming_the_problem(string grammar, string fragment)
    {
        var error = Assert.Throws<LlamaGrammarException>(() => GbnfGrammar.Validate(grammar));

        Assert.Contains(fragment, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_refusal_names_the_rule_and_line()
    {
        var error = Assert.Throws<LlamaGrammarException>(() => GbnfGrammar.Validate("root ::= item\nitem ::= \"a\" (\"b\""));

        Assert.Contains("rule 'item', line 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_newline_ends_a_rule_outside_parentheses()
    {
        // llama.cpp reads "b" on the next line as the start of a new rule, which then lacks its "::=".
        var error = Assert.Throws<LlamaGrammarException>(() => GbnfGrammar.Validate("root ::= \"a\"\n  \"b\""));

        Assert.Contains("expected a rule name", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_check_is_linear_in_the_grammar_length()
    {
        var rules = string.Concat(Enumerable.Range(0, 50_000).Select(i => $"r{i} ::= \"x\" r{i + 1}? [a-z]{{0,8}}\n"));
        var grammar = "root ::= r0\n" + rules + "r50000 ::= \"end\"\n";
        var clock = System.Diagnostics.Stopwatch.StartNew();

        GbnfGrammar.Validate(grammar);

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"checking {grammar.Length} characters took {clock.Elapsed}");
    }
}
