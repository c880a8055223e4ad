using Strata.Data.Filters;

namespace Strata.Data.Search;

/// <summary>How a query runs.</summary>
public sealed record SearchOptions
{
    /// <summary>How many results to return.</summary>
    public int K { get; init; } = 10;

    /// <summary>Only records whose metadata matches are returned.</summary>
    public MetadataFilter? Filter { get; init; }

    /// <summary>HNSW candidate list size; the collection's default when null.</summary>
    public int? Ef { get; init; }

    /// <summary>Return each hit's vector too.</summary>
    public bool IncludeVectors { get; init; }

    /// <summary>When set (0..1), re-rank dense results with maximal marginal relevance: 1 is pure relevance, 0 pure diversity.</summary>
    public double? MmrLambda { get; init; }

    /// <summary>
    /// How dense and BM25 lists are combined in hybrid search. Weighted min-max scores by default: reciprocal rank
    /// fusion scores rank 1 and rank 2 of a list almost alike (1/61 and 1/62), so a chunk that both lists place fairly
    /// high beat the one a list was clearly sure of, and hybrid fell below its better part (docs/retrieval.md).
    /// </summary>
    public FusionMethod Fusion { get; init; } = FusionMethod.WeightedScore;

    /// <summary>
    /// Weight of the dense list in fusion. 0.4 against the text's 0.6 since each side also scores a record's whole source
    /// document (<see cref="DocumentDenseShare"/>, <see cref="DocumentTextShare"/>): chosen together on three question sets
    /// (docs/retrieval.md).
    /// </summary>
    public double DenseWeight { get; init; } = 0.4;

    /// <summary>Weight of the BM25 list in fusion.</summary>
    public double TextWeight { get; init; } = 0.6;

    /// <summary>
    /// Share of <see cref="DenseWeight"/> that hybrid search gives to a record's source document (every record whose
    /// metadata names the same <see cref="DocumentText.SourceKey"/>) rather than to the record alone: the document's dense
    /// score is the best score of its records among the dense candidates. A question describes what a page is for, and the
    /// chunk nearest to it in meaning is often not the one that holds its words; scored by its page, the chunk that holds
    /// the words keeps the meaning's evidence too. Measured on Python's library reference and Debian's manual
    /// (docs/retrieval.md). Records without a source keep the whole dense weight on their own score. Unlike
    /// <see cref="DocumentTextShare"/> it also applies with <see cref="TextField"/>: it reads the dense list only.
    /// </summary>
    public double DocumentDenseShare { get; init; } = 0.5;

    /// <summary>
    /// Share of <see cref="TextWeight"/> that hybrid search gives to BM25 over a record's whole source document (every
    /// record whose metadata names the same <see cref="DocumentText.SourceKey"/>, as ingestion writes) rather than over the
    /// record's own text. A chunk deep in a reference page rarely holds the words that say which page it is; the page as
    /// a whole does: measured on Python's 317-page library reference, document-level text moved hybrid recall@1 from
    /// 0.763 to 0.858 (docs/retrieval.md); with <see cref="DocumentDenseShare"/> beside it, half of the text weight is the
    /// document's. Records without a source keep the whole text weight on their own text.
    /// </summary>
    public double DocumentTextShare { get; init; } = 0.5;

    /// <summary>
    /// When set, BM25 and hybrid search score this top-level metadata field's text instead of the record's document: a
    /// record's further text properties live in its metadata (Microsoft.Extensions.VectorData's hybrid search over a
    /// second full-text property). The keyword index holds the document only, so the field is scored by an exact scan of
    /// the collection's records whose field holds a string, with the same tokenizer and ranking as the document path
    /// (FTS5 BM25 with porter stemming embedded, its term statistics over every record; <c>ts_rank_cd</c> over the english
    /// configuration in PostgreSQL), so that, as on the document path, a filter narrows the results but not the scores. Document-level text
    /// (<see cref="DocumentTextShare"/>) is about the documents, so it takes no part here. Field names hold no quotes,
    /// backslashes or control characters.
    /// </summary>
    public string? TextField { get; init; }

    /// <summary>The k of reciprocal rank fusion: 1 / (k + rank).</summary>
    public int RrfK { get; init; } = 60;

    /// <summary>How many dense neighbours a backend fetches: K, or a larger pool for MMR to choose from.</summary>
    internal int DenseCandidates => MmrLambda is null ? K : Math.Max(K * 4, 20);

    /// <summary>Whether a backend must read hit vectors: asked for, or needed by MMR.</summary>
    internal bool FetchVectors => IncludeVectors || MmrLambda is not null;

    /// <summary>
    /// How many candidates each list (dense, BM25 and documents) contributes to hybrid fusion: a fixed depth, so the
    /// first results do not depend on how many are asked for (min-max scaling reads the list's last score).
    /// </summary>
    internal int HybridCandidates => Math.Max(K, 100);

    /// <summary>Throws when a value is out of range.</summary>
    public void Validate()
    {
        if (K is < 1 or > 10_000)
        {
            throw new StrataDataException($"k must be between 1 and 10000, got {K}.");
        }

        if (Ef is < 1 or > 10_000 || MmrLambda is < 0 or > 1 || DenseWeight < 0 || TextWeight < 0 || RrfK < 0 || DocumentTextShare is < 0 or > 1 || DocumentDenseShare is < 0 or > 1)
        {
            throw new StrataDataException("Search options out of range (ef 1..10000, MMR lambda 0..1, weights and RRF k non-negative, document shares 0..1).");
        }

        // The field name becomes part of a JSON path (bound as a parameter, never concatenated), as a filter's field does:
        // quotes and backslashes would change the path's meaning, so they are refused rather than escaped.
        if (TextField is { } field && (field.Length is 0 or > 256 || field.Any(c => c is '"' or '\\' || char.IsControl(c))))
        {
            throw new StrataDataException($"Text field '{field}' is empty, too long or holds quotes, backslashes or control characters.");
        }
    }
}

/// <summary>Ways to merge ranked lists.</summary>
public enum FusionMethod
{
    /// <summary>Sum of weight / (k + rank): robust, ignores score scales.</summary>
    ReciprocalRank,

    /// <summary>Sum of weight × min-max normalised score.</summary>
    WeightedScore,
}
