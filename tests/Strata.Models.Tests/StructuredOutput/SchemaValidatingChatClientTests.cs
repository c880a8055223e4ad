using System.Text.Json;
using Microsoft.Extensions.AI;
using Strata.Models.StructuredOutput;
using Strata.Models.Tests.Llama;

namespace Strata.Models.Tests.StructuredOutput;

/// <summary>The validating middleware over the real tiny llama model: finished answers validate, or the request fails.</summary>
public sealed class SchemaValidatingChatClientTests(TinyModelFixture model) : IClassFixture<TinyModelFixture>
{
    // Strings and booleans: a random model's integers can overflow an int, which the schema of int does not forbid.
    private sealed record Note(string Title, bool Done);

    // Not disposed: disposing the pipeline would dispose the fixture's shared client.
    private IChatClient Validating(int attempts) =>
        new ChatClientBuilder(model.Client).UseSchemaValidation(configure: v => v.MaxAttempts = attempts).Build();

    private static ChatOptions WithSchema(string schema, int maxTokens = 40) => new()
    {
        Temperature = 0.8f,
        Seed = 5,
        MaxOutputTokens = maxTokens,
        ResponseFormat = ChatResponseFormat.ForJsonSchema(JsonDocument.Parse(schema).RootElement.Clone(), "answer"),
    };

    [Fact]
    public async Task A_schema_the_model_cannot_meet_fails_after_the_allowed_attempts_instead_of_answering_invalid_json()
    {
        var client = Validating(2);

        var error = await Assert.ThrowsAsync<StructuredOutputException>(() =>
            client.GetResponseAsync(TinyModelFixture.Hello(), WithSchema("""{"type":"string","pattern":"^(z)\\1{5}$","maxLength":6}""")));

        Assert.Equal(2, error.Attempts);
        Assert.Contains("pattern", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_stream_whose_schema_the_grammar_cannot_enforce_sends_nothing_before_it_fails()
    {
        var client = Validating(2);
        var received = new List<ChatResponseUpdate>();

        await Assert.ThrowsAsync<StructuredOutputException>(async () =>
        {
            await foreach (var update in client.GetStreamingResponseAsync(TinyModelFixture.Hello(), WithSchema("""{"type":"string","pattern":"^(z)\\1{5}$","maxLength":6}""")))
            {
                received.Add(update);
            }
        });

        Assert.Empty(received);
    }

    [Fact]
    public async Task An_allOf_schema_is_answered_only_with_output_that_validates_or_a_clear_error()
    {
        var client = Validating(3);
        const string schema = """{"type":"integer","allOf":[{"minimum":0},{"maximum":99}]}""";

        for (var seed = 0; seed < 3; seed++)
        {
            var options = WithSchema(schema);
            options.Seed = seed;
            try
            {
                var response = await client.GetResponseAsync(TinyModelFixture.Hello(), options);
                Assert.InRange(JsonDocument.Parse(response.Text).RootElement.GetInt64(), 0, 99);
            }
            catch (StructuredOutputException)
            {
                // Allowed: a clear error, never an invalid answer.
            }
        }
    }

    [Fact]
    public async Task GetResponseAsync_of_T_returns_a_typed_result_through_the_validating_pipeline()
    {
        var client = Validating(3);

        var response = await client.GetResponseAsync<Note>(TinyModelFixture.Hello(), new ChatOptions { Temperature = 0, Seed = 1, MaxOutputTokens = 60 });

        Assert.True(response.TryGetResult(out var note), response.Text);
        Assert.NotNull(note!.Title);
    }

    [Fact]
    public async Task A_schema_the_validator_cannot_build_is_refused_before_anything_is_generated()
    {
        var client = Validating(3);

        var error = await Assert.ThrowsAsync<NotSupportedException>(() =>
            client.GetResponseAsync(TinyModelFixture.Hello(), WithSchema("""{"type":"object","minProperties":"two"}""")));

        Assert.Contains("response format", error.Message, StringComparison.Ordinal);
    }
}
