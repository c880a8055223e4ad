using System.Text.Json;
using Microsoft.Extensions.AI;
using Strata.Models.Llama;

namespace Strata.Models.Tests.Llama;

/// <summary>
/// Grammars reach llama.cpp only after two checks, and requests whose grammar is refused fail alone, with a
/// <see cref="LlamaGrammarException"/>, while the model keeps serving. Before these checks a refused grammar left a
/// NULL sampler in LLamaSharp's chain and the process died on the first sampled token.
/// </summary>
public sealed class GrammarSafetyTests(WideTinyModelFixture model) : IClassFixture<WideTinyModelFixture>
{
    // Grammars on both sides of llama.cpp's limits; the managed check must agree with llama.cpp on every one.
    public static TheoryData<string> Grammars =>
    [
        "root ::= \"a\"",
        "root ::= value space\nvalue ::= \"1\"",
        "root ::= \"a\"{0,1999}",
        "root ::= \"a\"{0,2000}",
        "root ::= \"a\"{2001}",
        "root ::= \"a\"{0,5000}",
        "root ::= \"a\"{0,2001}",
        "root ::= \"a\"{1999,}",
        "root ::= \"a\"{2000,}",
        "root ::= \"a\"* \"b\"+ \"c\"?",
        "root ::= x (\",\" x){0,1998}\nx ::= \"x\"",
        "root ::= (\",\" x){0,1998}\nx ::= \"x\"",
        "root ::= (x (\",\" x){0,1998})?\nx ::= \"x\"",
        "root ::= (\"a\" \"b\"{0,9}){0,199}",
        "root ::= (\"a\" \"b\"{0,9}){0,200}",
        "root ::= \"\\q\"",
        "root ::= (\"a\"",
        "root ::= [a-",
        "start ::= \"a\"",
        "root ::= \"a\"\n  \"b\"",
        "root ::= * \"a\"",
        "root ::= [ !#-\\[\\]-~] | \"\\\\\" ([\"\\\\/bfnrt] | \"u\" [0-9a-fA-F]{4})",
    ];

    [Theory]
    [MemberData(nameof(Grammars))]
    public async Task The_managed_check_and_llama_cpp_agree(string grammar)
    {
        using var lease = await model.Client.Host.AcquireAsync(CancellationToken.None);
        var managed = Accepts(() => GbnfGrammar.Validate(grammar));

        var native = Accepts(() => NativeGrammarCheck.EnsureParses(lease.Model.Weights.NativeHandle, grammar));

        Assert.Equal(native, managed);
    }

    [Fact]
    public async Task A_grammar_llama_cpp_refuses_is_a_managed_exception_not_a_null_sampler()
    {
        using var lease = await model.Client.Host.AcquireAsync(CancellationToken.None);

        var error = Assert.Throws<LlamaGrammarException>(() => NativeGrammarCheck.EnsureParses(lease.Model.Weights.NativeHandle, "root ::= value space\nvalue ::= \"1\""));

        Assert.Contains("llama.cpp refused the grammar", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Converted_grammars_parse_in_llama_cpp()
    {
        using var lease = await model.Client.Host.AcquireAsync(CancellationToken.None);
        string[] schemas =
        [
            """{"type":"object","properties":{}}""",
            """{"enum":["red","green"]}""",
            """{"type":"array","maxItems":5000,"items":{"const":1}}""",
            """{"type":"string","maxLength":100000}""",
            """{"type":"object","properties":{"a":{"type":"integer"},"b":{"type":"array"},"c":{}}}""",
        ];

        foreach (var schema in schemas)
        {
            var grammar = JsonSchemaToGbnf.Convert(JsonDocument.Parse(schema).RootElement);
            NativeGrammarCheck.EnsureParses(lease.Model.Weights.NativeHandle, grammar);
        }

        NativeGrammarCheck.EnsureParses(lease.Model.Weights.NativeHandle, JsonSchemaToGbnf.ConvertAnyObject());
    }

    [Fact]
    public async Task Grammars_of_generated_schemas_that_pass_the_managed_check_parse_in_llama_cpp()
    {
        using var lease = await model.Client.Host.AcquireAsync(CancellationToken.None);
        var random = new Random(7);
        var parsed = 0;
        for (var i = 0; i < 300; i++)
        {
            var schema = JsonSerializer.SerializeToElement(new SchemaGrammarFuzzTests.SchemaGenerator(random).Schema(depth: 0));
            string grammar;
            try
            {
                grammar = JsonSchemaToGbnf.Convert(schema, TinyModelFixture.Options.JsonLimits);
            }
            catch (NotSupportedException)
            {
                continue;
            }

            GbnfGrammar.Validate(grammar);
            NativeGrammarCheck.EnsureParses(lease.Model.Weights.NativeHandle, grammar);
            parsed++;
        }

        Assert.True(parsed > 100, $"only {parsed} of 300 schemas gave a grammar");
    }

    [Fact]
    public async Task A_required_call_of_a_tool_without_parameters_is_a_call_with_empty_arguments()
    {
        var now = AIFunctionFactory.CreateDeclaration("now", "The current time.", JsonDocument.Parse("""{"type":"object","properties":{}}""").RootElement);
        var options = new ChatOptions { Tools = [now], ToolMode = ChatToolMode.RequireAny, Temperature = 0, Seed = 42, MaxOutputTokens = 60 };

        var response = await model.Client.GetResponseAsync([new ChatMessage(ChatRole.User, "what time is it")], options);

        var call = Assert.Single(response.Messages.SelectMany(message => message.Contents).OfType<FunctionCallContent>());
        Assert.Equal("now", call.Name);
        Assert.Empty(call.Arguments ?? new Dictionary<string, object?>());
    }

    [Fact]
    public async Task An_enum_only_response_format_yields_one_of_its_values()
    {
        var schema = JsonDocument.Parse("""{"enum":["red","green",3,null]}""").RootElement;
        var options = TinyModelFixture.Greedy(20);
        options.ResponseFormat = ChatResponseFormat.ForJsonSchema(schema, "color");

        var response = await model.Client.GetResponseAsync(TinyModelFixture.Hello(), options);

        using var answer = JsonDocument.Parse(response.Text);
        Assert.Contains(answer.RootElement.GetRawText(), new[] { "\"red\"", "\"green\"", "3", "null" });
    }

    [Fact]
    public async Task A_schema_that_cannot_be_constrained_fails_the_request_alone_and_names_the_tool()
    {
        var schema = JsonDocument.Parse("""{"type":"object","properties":{"n":{"$ref":"#"}}}""").RootElement;
        var tree = AIFunctionFactory.CreateDeclaration("walk_tree", null, schema);
        var options = new ChatOptions { Tools = [tree], ToolMode = ChatToolMode.RequireAny, MaxOutputTokens = 8 };

        var error = await Assert.ThrowsAsync<LlamaGrammarException>(() => model.Client.GetResponseAsync(TinyModelFixture.Hello(), options));

        Assert.Contains("tool 'walk_tree'", error.Message, StringComparison.Ordinal);
        Assert.Contains("recursive", error.Message, StringComparison.Ordinal);
        var after = await model.Client.GetResponseAsync(TinyModelFixture.Hello(), TinyModelFixture.Greedy(3));
        Assert.Equal(3, after.Usage!.OutputTokenCount);
    }

    [Fact]
    public async Task A_response_format_that_cannot_be_constrained_names_the_keyword()
    {
        var options = TinyModelFixture.Greedy(8);
        options.ResponseFormat = ChatResponseFormat.ForJsonSchema(JsonDocument.Parse("""{"type":"array","minItems":5,"maxItems":2}""").RootElement);

        var error = await Assert.ThrowsAsync<LlamaGrammarException>(() => model.Client.GetResponseAsync(TinyModelFixture.Hello(), options));

        Assert.Contains("response format", error.Message, StringComparison.Ordinal);
        Assert.Contains("minItems 5 is larger than maxItems 2", error.Message, StringComparison.Ordinal);
    }

    private static bool Accepts(Action check)
    {
        try
        {
            check();
            return true;
        }
        catch (LlamaGrammarException)
        {
            return false;
        }
    }
}
