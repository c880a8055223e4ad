using System.Text.RegularExpressions;
using Fluid;
using Fluid.Values;
using Strata.Orchestration.Citations;

namespace Strata.Orchestration.Prompts;

/// <summary>
/// Renders prompts from Liquid templates (Fluid). Built-in templates ship inside this assembly; a file
/// <c>NAME.liquid</c> in the override folder (<c>$STRATA_HOME/templates</c>) replaces the built-in of that name.
/// </summary>
public sealed partial class PromptTemplates
{
    /// <summary>The answer prompt: the question and numbered context passages the answer must cite.</summary>
    public const string RagAnswer = "rag-answer";

    /// <summary>The answer given without a chat model: the best passages quoted with their citations.</summary>
    public const string ExtractiveAnswer = "extractive-answer";

    private const string ResourcePrefix = "Strata.Orchestration.Prompts.Templates.";
    private const string BuiltInOrigin = "built-in";
    private static readonly FluidParser Parser = new();

    private readonly string? overrideFolder;
    private readonly TemplateOptions options = new();

    /// <summary>Creates the template set; files in <paramref name="overrideFolder"/> win over the built-ins when it is given.</summary>
    public PromptTemplates(string? overrideFolder = null)
    {
        this.overrideFolder = overrideFolder;
    }

    /// <summary>The template set for a Strata home folder: overrides live in its <c>templates</c> folder.</summary>
    public static PromptTemplates ForStrataHome(string strataHome)
    {
        ArgumentException.ThrowIfNullOrEmpty(strataHome);
        return new PromptTemplates(Path.Combine(strataHome, "templates"));
    }

    /// <summary>The names of the templates that ship with Strata.</summary>
    public static IReadOnlyList<string> BuiltInNames { get; } = typeof(PromptTemplates).Assembly.GetManifestResourceNames()
        .Where(name => name.StartsWith(ResourcePrefix, StringComparison.Ordinal) && name.EndsWith(".liquid", StringComparison.Ordinal))
        .Select(name => name[ResourcePrefix.Length..^".liquid".Length])
        .Order(StringComparer.Ordinal)
        .ToArray();

    /// <summary>Renders <see cref="RagAnswer"/> for a question and its numbered passages.</summary>
    public string RenderRagAnswer(string question, IReadOnlyList<ContextPassage> passages) =>
        Render(RagAnswer, new Dictionary<string, object?> { ["question"] = question, ["passages"] = PassageValues(passages) });

    /// <summary>Renders <see cref="ExtractiveAnswer"/> for a question and its best passages.</summary>
    public string RenderExtractiveAnswer(string question, IReadOnlyList<ContextPassage> passages) =>
        Render(ExtractiveAnswer, new Dictionary<string, object?> { ["question"] = question, ["passages"] = PassageValues(passages) });

    /// <summary>
    /// Renders template <paramref name="name"/> with <paramref name="values"/> as its variables (strings, numbers,
    /// lists and string-keyed dictionaries). Output is not HTML-encoded: prompts are plain text.
    /// </summary>
    /// <exception cref="PromptTemplateException">The template is missing, has a syntax error, or fails to render.</exception>
    public string Render(string name, IReadOnlyDictionary<string, object?> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var (source, origin) = LoadSource(name);
        if (!Parser.TryParse(source, out var template, out var error))
        {
            var line = ErrorPosition().Match(error) is { Success: true } match ? int.Parse(match.Groups[1].ValueSpan, provider: null) : (int?)null;
            var where = line is null ? "" : $" at line {line}";
            throw new PromptTemplateException($"Prompt template '{name}' ({origin}) has a syntax error{where}: {error}", name, origin, line);
        }

        var context = new TemplateContext(options);
        foreach (var (key, value) in values)
        {
            context.SetValue(key, FluidValue.Create(value, options));
        }

        try
        {
            return template.Render(context, NullEncoder.Default);
        }
        catch (Exception renderError) when (renderError is FluidException or InvalidOperationException)
        {
            throw new PromptTemplateException($"Prompt template '{name}' ({origin}) failed to render: {renderError.Message}", name, origin, null, renderError);
        }
    }

    /// <summary>The text of template <paramref name="name"/> and where it came from: the override file, or <c>built-in</c>.</summary>
    public (string Source, string Origin) LoadSource(string name)
    {
        if (string.IsNullOrEmpty(name) || !TemplateName().IsMatch(name))
        {
            throw new PromptTemplateException($"'{name}' is not a template name: use letters, digits, '-' and '_' only.", name ?? "", "");
        }

        if (overrideFolder is not null)
        {
            var file = Path.Combine(overrideFolder, name + ".liquid");
            if (File.Exists(file))
            {
                return (File.ReadAllText(file), file);
            }
        }

        using var stream = typeof(PromptTemplates).Assembly.GetManifestResourceStream(ResourcePrefix + name + ".liquid")
            ?? throw new PromptTemplateException(
                $"There is no prompt template '{name}': built-in templates are {string.Join(", ", BuiltInNames)}"
                + (overrideFolder is null ? "." : $"; add {Path.Combine(overrideFolder, name + ".liquid")} to define it."),
                name, "");
        using var reader = new StreamReader(stream);
        return (reader.ReadToEnd(), BuiltInOrigin);
    }

    private static List<Dictionary<string, object?>> PassageValues(IReadOnlyList<ContextPassage> passages)
    {
        ArgumentNullException.ThrowIfNull(passages);
        return passages.Select(p => new Dictionary<string, object?>
        {
            ["number"] = p.Number,
            ["source"] = p.Source,
            ["page"] = p.PageNumber,
            ["chunk"] = p.ChunkIndex,
            ["heading"] = p.Heading,
            ["text"] = p.Text,
        }).ToList();
    }

    // Fluid reports positions as "(line:column)".
    [GeneratedRegex(@"\((\d+):(\d+)\)")]
    private static partial Regex ErrorPosition();

    [GeneratedRegex("^[A-Za-z0-9_-]+$")]
    private static partial Regex TemplateName();
}
