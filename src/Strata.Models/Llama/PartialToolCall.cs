using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;

namespace Strata.Models.Llama;

/// <summary>
/// A tool call that the token limit cut short. It is still returned as a call (finish reason length), never as
/// assistant text: a client shown the JSON fragment as the answer would present it to its user. The arguments are
/// not valid JSON yet, so they travel as text under <see cref="ArgumentsTextKey"/>.
/// </summary>
public static partial class PartialToolCall
{
    /// <summary>The <see cref="AIContent.AdditionalProperties"/> key holding the unfinished arguments text.</summary>
    public const string ArgumentsTextKey = "strata.partial_arguments";

    /// <summary>The unfinished arguments of <paramref name="call"/>, or null when it is complete.</summary>
    /// <remarks>
    /// A call that crossed a runner's channel carries the text as a JSON string element (additional properties are
    /// read back as JSON), so both forms are read; without that, a call cut short came back as a complete "{}".
    /// </remarks>
    public static string? ArgumentsText(FunctionCallContent call) =>
        call?.AdditionalProperties?.TryGetValue(ArgumentsTextKey, out var text) == true
            ? text switch
            {
                string plain => plain,
                System.Text.Json.JsonElement { ValueKind: System.Text.Json.JsonValueKind.String } json => json.GetString(),
                _ => null,
            }
            : null;

    /// <summary>
    /// Reads the start of a <c>{"name": ..., "arguments": ...}</c> call; null when <paramref name="text"/> is not one or
    /// names no tool of <paramref name="functions"/> (a name cut short counts when exactly one tool starts with it).
    /// </summary>
    internal static FunctionCallContent? TryRead(string text, IReadOnlyList<AIFunctionDeclaration> functions)
    {
        var match = CallStart().Match(text);
        if (!match.Success)
        {
            return null;
        }

        var written = match.Groups["name"].Value;
        var candidates = functions.Where(function => match.Groups["closed"].Success
            ? function.Name == written
            : function.Name.StartsWith(written, StringComparison.Ordinal)).ToList();
        if (candidates.Count != 1)
        {
            return null;
        }

        var arguments = match.Groups["arguments"].Success ? text[(match.Index + match.Length)..] : "";
        return new FunctionCallContent($"call_{Guid.NewGuid():N}"[..21], candidates[0].Name)
        {
            AdditionalProperties = new() { [ArgumentsTextKey] = arguments },
        };
    }

    // The grammar writes names without escapes, so a name is the characters up to the next quote.
    [GeneratedRegex("""^\s*\{\s*(?:"name"\s*:\s*"(?<name>[^"]*)(?<closed>")?(?:\s*,\s*"arguments"\s*:(?<arguments>\s*))?)?""")]
    private static partial Regex CallStart();
}
