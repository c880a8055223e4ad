namespace Strata.Models.Reranking;

/// <summary>
/// How llama.cpp's server lays out one (query, document) pair for a GGUF reranker, so a model scores here what it
/// scores there. Without a rerank template (<c>tokenizer.chat_template.rerank</c>): <c>[BOS] query [EOS] [SEP] document
/// [EOS]</c>, each special token present only when the vocabulary adds it (EOS falls back to SEP when the vocabulary has
/// none), which is <c>[CLS] query [SEP] document [SEP]</c> for a BERT vocabulary and <c>&lt;s&gt; query &lt;/s&gt;&lt;/s&gt;
/// document &lt;/s&gt;</c> for XLM-RoBERTa's (bge-reranker). With a template, its text with <c>{query}</c> and
/// <c>{document}</c> filled in.
/// </summary>
/// <remarks>
/// A pair longer than the model's window is cut: the document first (a long passage matters less than the question), the
/// query only when it alone does not fit beside half the window. Query and document are tokenized as plain text, so
/// text that spells a control token (say "[SEP]") stays text; a template's own markup is parsed.
/// </remarks>
internal sealed class LlamaRerankPrompt
{
    private readonly Func<string, bool, int[]> tokenize;
    private readonly int? begin;
    private readonly int? end;
    private readonly int? separator;
    private readonly string? templateBefore;
    private readonly string? templateAfter;

    /// <param name="tokenize">The model's tokenizer: text and whether to parse special tokens in it, to ids, no BOS added.</param>
    /// <param name="begin">BOS when the vocabulary adds it, else null.</param>
    /// <param name="end">EOS (or SEP when there is no EOS) when the vocabulary adds EOS, else null.</param>
    /// <param name="separator">SEP when the vocabulary adds it between pairs, else null.</param>
    /// <param name="template">The model's rerank template (with <c>{query}</c> and <c>{document}</c>), or null.</param>
    /// <param name="limit">The most tokens one pair may have.</param>
    public LlamaRerankPrompt(Func<string, bool, int[]> tokenize, int? begin, int? end, int? separator, string? template, int limit)
    {
        this.tokenize = tokenize;
        this.begin = begin;
        this.end = end;
        this.separator = separator;
        Limit = limit;
        if (template is not null)
        {
            // The document is tokenized apart from the template around it, so it can be cut without cutting the template.
            var at = template.IndexOf("{document}", StringComparison.Ordinal);
            templateBefore = at < 0 ? template : template[..at];
            templateAfter = at < 0 ? "" : template[(at + "{document}".Length)..];
        }
    }

    /// <summary>The most tokens one pair may have.</summary>
    public int Limit { get; }

    /// <summary>The tokens of one pair, cut to <see cref="Limit"/>.</summary>
    public int[] Encode(string query, string document)
    {
        if (templateBefore is not null)
        {
            var before = tokenize(templateBefore.Replace("{query}", query, StringComparison.Ordinal), true);
            var after = tokenize(templateAfter!.Replace("{query}", query, StringComparison.Ordinal), true);
            var room = Limit - before.Length - after.Length;
            if (room < 0)
            {
                throw new ArgumentException($"The query is too long for the reranker: with its template it takes {before.Length + after.Length} tokens, more than the model's {Limit}.", nameof(query));
            }

            return [.. before, .. Cut(tokenize(document, false), room), .. after];
        }

        int?[] specials = [begin, end, separator, end];
        var budget = Limit - specials.Count(s => s is not null);
        var queryTokens = tokenize(query, false);
        var documentTokens = tokenize(document, false);
        if (queryTokens.Length + documentTokens.Length > budget)
        {
            var keptDocument = Math.Max(budget - queryTokens.Length, Math.Min(documentTokens.Length, budget / 2));
            documentTokens = Cut(documentTokens, keptDocument);
            queryTokens = Cut(queryTokens, budget - keptDocument);
        }

        var tokens = new List<int>(queryTokens.Length + documentTokens.Length + 4);
        Add(tokens, begin);
        tokens.AddRange(queryTokens);
        Add(tokens, end);
        Add(tokens, separator);
        tokens.AddRange(documentTokens);
        Add(tokens, end);
        return [.. tokens];
    }

    private static int[] Cut(int[] tokens, int count) => tokens.Length <= count ? tokens : tokens[..Math.Max(0, count)];

    private static void Add(List<int> tokens, int? token)
    {
        if (token is { } id)
        {
            tokens.Add(id);
        }
    }
}
