using System.Collections.Concurrent;
using System.Text.Json;
using Json.Schema;

namespace Strata.Models.StructuredOutput;

/// <summary>
/// A JSON Schema (draft 2020-12) compiled once by JsonSchema.Net and kept, so validating a finished answer costs one
/// evaluation. JsonSchema.Net is used because it implements all of 2020-12 (the grammar converter implements a part),
/// passes the official JSON-Schema-Test-Suite, and works on <see cref="JsonElement"/> without another JSON model.
/// </summary>
internal sealed class CompiledSchema
{
    private const int MaxCached = 256;
    private static readonly ConcurrentDictionary<string, CompiledSchema> Cache = new(StringComparer.Ordinal);
    private static readonly EvaluationOptions Evaluation = new() { OutputFormat = OutputFormat.List };
    private readonly JsonSchema _schema;

    private CompiledSchema(JsonSchema schema) => _schema = schema;

    /// <summary>The compiled form of <paramref name="schema"/>.</summary>
    /// <param name="schema">The schema.</param>
    /// <param name="subject">What the schema belongs to, for the error message.</param>
    /// <exception cref="NotSupportedException">The schema is not a schema the validator can build; the message says why.</exception>
    public static CompiledSchema For(JsonElement schema, string subject)
    {
        var text = schema.GetRawText();
        if (Cache.TryGetValue(text, out var cached))
        {
            return cached;
        }

        JsonSchema built;
        try
        {
            // A registry of its own per schema: two requests may use the same $id for different schemas.
            built = JsonSchema.Build(schema, new BuildOptions { SchemaRegistry = new SchemaRegistry() }, new Uri($"urn:uuid:{Guid.NewGuid()}"));
        }
        catch (Exception e) when (e is JsonSchemaException or JsonException or ArgumentException or InvalidOperationException or FormatException)
        {
            throw new NotSupportedException($"{subject} is not a valid JSON Schema (draft 2020-12): {e.Message}", e);
        }

        if (Cache.Count >= MaxCached)
        {
            Cache.Clear();
        }

        return Cache[text] = new CompiledSchema(built);
    }

    /// <summary>What is wrong with <paramref name="instance"/>, at most a few lines; empty when it validates.</summary>
    /// <exception cref="NotSupportedException">The schema refers to something that cannot be resolved (a remote <c>$ref</c>).</exception>
    public IReadOnlyList<string> Problems(JsonElement instance)
    {
        EvaluationResults results;
        try
        {
            results = _schema.Evaluate(instance, Evaluation);
        }
        catch (Exception e) when (e is RefResolutionException or JsonSchemaException)
        {
            throw new NotSupportedException($"The schema cannot be evaluated: {e.Message}", e);
        }
        catch (Exception e) when (e is FormatException or OverflowException)
        {
            // JsonSchema.Net compares numbers as decimals and throws on one beyond their range (1e99): such an answer
            // does not validate, and is generated again like any other that fails.
            return [$"/: a number the validator cannot compare ({e.Message})"];
        }

        if (results.IsValid)
        {
            return [];
        }

        var problems = (results.Details ?? [])
            .Where(detail => detail.Errors is { Count: > 0 })
            .SelectMany(detail => detail.Errors!.Select(error => $"{(detail.InstanceLocation.ToString() is { Length: > 0 } at ? at : "/")}: {error.Key}: {error.Value}"))
            .Take(4).ToList();
        return problems.Count > 0 ? problems : ["/: does not validate"];
    }
}
