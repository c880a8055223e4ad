namespace Strata.Models.Llama;

/// <summary>
/// Bounds applied to grammar-constrained JSON where the schema itself sets none. A grammar that allows
/// unbounded strings or endless nesting lets a weak model ramble until it runs out of tokens; bounds make
/// every constrained answer close.
/// </summary>
public sealed record JsonGrammarLimits
{
    /// <summary>The longest string, in characters, when a schema gives no <c>maxLength</c>.</summary>
    public int MaxStringLength { get; init; } = 256;

    /// <summary>The most array items when a schema gives no <c>maxItems</c>.</summary>
    public int MaxArrayItems { get; init; } = 32;

    /// <summary>The deepest nesting of objects and arrays in free-form JSON (no schema, or an object without properties).</summary>
    public int MaxDepth { get; init; } = 4;

    /// <summary>The most properties of a free-form JSON object.</summary>
    public int MaxObjectProperties { get; init; } = 16;

    /// <summary>
    /// Strings hold printable ASCII, other characters as <c>\uXXXX</c> escapes. On by default: llama.cpp's grammar
    /// engine does not validate UTF-8 continuation bytes, so raw non-ASCII lets a model that writes broken UTF-8
    /// produce text that no longer parses.
    /// </summary>
    public bool AsciiStrings { get; init; } = true;
}
