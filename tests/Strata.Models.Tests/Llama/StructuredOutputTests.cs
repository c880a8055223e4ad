using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Strata.Models.Tests.Llama;

public sealed class StructuredOutputTests(TinyModelFixture model) : IClassFixture<TinyModelFixture>
{
    private static readonly JsonElement PersonSchema = JsonDocument.Parse("""
        {
          "type": "object",
          "properties": {
            "kind": { "const": "person" },
            "name": { "type": "string", "maxLength": 8 },
            "age": { "type": "integer" },
            "score": { "type": "number" },
            "active": { "type": "boolean" },
            "color": { "enum": ["red", "green", "blue"] },
            "tags": { "type": "array", "items": { "type": "string", "maxLength": 4 }, "maxItems": 2 },
            "address": {
              "type": "object",
              "properties": { "city": { "type": "string", "maxLength": 6 }, "zip": { "anyOf": [ { "type": "integer" }, { "type": "null" } ] } },
              "required": ["city", "zip"]
            },
            "nickname": { "type": ["string", "null"], "maxLength": 5 }
          },
          "required": ["kind", "name", "age", "color", "address"]
        }
        """).RootElement;

    [Theory]
    [InlineData(1, 0f)]
    [InlineData(2, 1f)]
    [InlineData(3, 1f)]
    [InlineData(4, 1.5f)]
    [InlineData(5, 2f)]
    public async Task A_json_schema_request_always_yields_json_that_validates(long seed, float temperature)
    {
        var options = new ChatOptions
        {
            Temperature = temperature, TopK = 0, TopP = 1, Seed = seed, MaxOutputTokens = 400,
            ResponseFormat = ChatResponseFormat.ForJsonSchema(PersonSchema, "person"),
        };

        var response = await model.Client.GetResponseAsync(TinyModelFixture.Hello(), options);

        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
        using var document = JsonDocument.Parse(response.Text);
        Assert.Empty(SchemaValidator.Validate(document.RootElement, PersonSchema));
    }

    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    [InlineData(13)]
    public async Task Json_mode_yields_a_json_object(long seed)
    {
        var options = new ChatOptions { Temperature = 1, TopK = 0, TopP = 1, Seed = seed, MaxOutputTokens = 400, ResponseFormat = ChatResponseFormat.Json };

        var response = await model.Client.GetResponseAsync(TinyModelFixture.Hello(), options);

        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
        using var document = JsonDocument.Parse(response.Text);
        Assert.Equal(JsonValueKind.Object, document.RootElement.ValueKind);
    }
}
