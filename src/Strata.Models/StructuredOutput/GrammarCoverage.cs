using System.Text.Json;
using Strata.Models.Llama;

namespace Strata.Models.StructuredOutput;

/// <summary>
/// Whether the llama.cpp grammar made from a schema (<c>JsonSchemaToGbnf</c>) enforces all of it. Then an answer can
/// be streamed as it is generated; otherwise it is held back until it has been validated, because text already sent
/// cannot be taken back when it turns out invalid.
/// </summary>
internal static class GrammarCoverage
{
    /// <summary>
    /// True when every value the grammar allows validates against <paramref name="schema"/>. The converter itself keeps
    /// that record while it builds the grammar (a keyword without grammar form, a pattern outside its subset, oneOf),
    /// so the two cannot disagree.
    /// </summary>
    public static bool IsFullyEnforced(JsonElement schema) => schema.ValueKind switch
    {
        JsonValueKind.True or JsonValueKind.Undefined => true,
        JsonValueKind.Object => JsonSchemaToGbnf.EnforcesAll(schema),
        _ => false,
    };
}
