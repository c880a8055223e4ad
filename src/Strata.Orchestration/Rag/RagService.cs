using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Strata.Data.Collections;
using Strata.Data.Search;
using Strata.Models.Catalog;
using Strata.Models.Llama;
using Strata.Models.Reranking;
using Strata.Orchestration.Citations;
using Strata.Orchestration.Prompts;

namespace Strata.Orchestration.Rag;

/// <summary>
/// Answers questions from a collection: retrieve passages, fit them to the token budget, prompt the chat model through
/// a template, and check that every cited number exists in the context. Without a chat model the answer is
/// extractive and says so.
/// </summary>
public sealed class RagService
{
    /// <summary>Characters per token assumed when fitting passages; conservative for English BPE vocabularies.</summary>
    /// <summary>The k passages for <paramref name="question"/>: retrieved directly, or the reranker's best k of more candidates.</summary>
    private async Task<IReadOnlyList<SearchHit>> RetrieveAsync(IVectorCollection collection, string question, RagOptions options, CancellationToken cancellationToken)
    {
        var model = options.RerankModel ?? DefaultRerankModel;
        if (model is null || Rerankers is null)
        {
            return await retriever.SearchAsync(collection, question, options.Mode, options.K, cancellationToken: cancellationToken);
        }

        var candidates = await retriever.SearchAsync(collection, question, options.Mode, Math.Max(options.K, RerankCandidates), cancellationToken: cancellationToken);
        return await Retriever.RerankAsync(Rerankers(model), question, candidates, options.K, cancellationToken);
    }

    private const double CharactersPerToken = 3.0;

    private readonly Retriever retriever;
    private readonly Func<string, CancellationToken, Task<IChatClient>> chatClients;
    private readonly PromptTemplates templates;

    /// <summary>Resolves <see cref="RagOptions.RerankModel"/> (or <see cref="DefaultRerankModel"/>) to a reranker; without it nothing is reranked.</summary>
    public Func<string, IReranker>? Rerankers { get; init; }

    /// <summary>The reranking model of questions whose options name none (<c>Rag:RerankModel</c>).</summary>
    public string? DefaultRerankModel { get; init; }

    /// <summary>How many candidates a reranker reads per question (<c>Rag:RerankCandidates</c>); it keeps the best k.</summary>
    public int RerankCandidates { get; init; } = 20;

    /// <summary>Answers with the chat models <paramref name="catalog"/> resolves over the passages <paramref name="retriever"/> finds.</summary>
    public RagService(ModelCatalog catalog, Retriever retriever, PromptTemplates templates)
        : this(retriever, ChatClientsOf(catalog), templates)
    {
    }

    /// <summary>
    /// Answers with chat clients from <paramref name="chatClients"/> (given <see cref="RagOptions.ChatModel"/>) over
    /// the passages <paramref name="retriever"/> finds: the seam for any other source of clients, a test's fake included.
    /// </summary>
    public RagService(Retriever retriever, Func<string, CancellationToken, Task<IChatClient>> chatClients, PromptTemplates templates)
    {
        ArgumentNullException.ThrowIfNull(retriever);
        ArgumentNullException.ThrowIfNull(chatClients);
        ArgumentNullException.ThrowIfNull(templates);
        this.retriever = retriever;
        this.chatClients = chatClients;
        this.templates = templates;
    }

    /// <summary>Answers <paramref name="question"/> from <paramref name="collection"/>.</summary>
    public async Task<RagAnswer> AskAsync(IVectorCollection collection, string question, RagOptions options, CancellationToken cancellationToken = default)
    {
        RagAnswer? final = null;
        await foreach (var update in AskStreamingAsync(collection, question, options, cancellationToken))
        {
            final = update.Final ?? final;
        }

        return final ?? throw new InvalidOperationException("The answer stream ended without a final answer.");
    }

    /// <summary>Streams the answer; the last update carries the checked answer with its citations.</summary>
    public async IAsyncEnumerable<RagUpdate> AskStreamingAsync(
        IVectorCollection collection, string question, RagOptions options, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var hits = await RetrieveAsync(collection, question, options, cancellationToken);
        var passages = FitToBudget(Retriever.ToPassages(hits), options.ContextTokens);
        if (options.SourceName is { } sourceName)
        {
            passages = passages.Select(p => p with { Source = sourceName(p.Source) }).ToList();
        }

        if (options.ChatModel is null)
        {
            var extractive = templates.RenderExtractiveAnswer(question, passages);
            yield return new RagUpdate(extractive, null);
            var cited = passages.Select(p => new Citation(p.Number, p)).ToList();
            yield return new RagUpdate("", new RagAnswer(extractive, cited, passages, Extractive: true, []));
            yield break;
        }

        var client = await chatClients(options.ChatModel, cancellationToken);
        var chatOptions = new ChatOptions { MaxOutputTokens = options.MaxAnswerTokens, Temperature = options.Temperature };
        var (stream, used) = await StartWithinContextAsync(client, question, passages, chatOptions, cancellationToken);
        passages = used;
        var answer = new System.Text.StringBuilder();
        if (stream is not null)
        {
            await using (stream)
            {
                do
                {
                    answer.Append(stream.Current.Text);
                    yield return new RagUpdate(stream.Current.Text, null);
                }
                while (await stream.MoveNextAsync());
            }
        }

        var checkedAnswer = CitationChecker.Check(answer.ToString(), passages);
        yield return new RagUpdate("", new RagAnswer(checkedAnswer.Text, checkedAnswer.Citations, passages, Extractive: false, checkedAnswer.UnknownNumbers));
    }

    /// <summary>
    /// Starts the answer, dropping the lowest-ranked passage while the model reports that the prompt does not fit its
    /// context. The character estimate of <see cref="FitToBudget"/> gets close; the model's own tokenizer decides.
    /// </summary>
    /// <returns>The stream positioned on its first update (null when the model answered nothing), and the passages used.</returns>
    private async Task<(IAsyncEnumerator<ChatResponseUpdate>? Stream, List<ContextPassage> Passages)> StartWithinContextAsync(
        IChatClient client, string question, List<ContextPassage> passages, ChatOptions chatOptions, CancellationToken cancellationToken)
    {
        while (true)
        {
            List<ChatMessage> messages = [new(ChatRole.User, templates.RenderRagAnswer(question, passages))];
            var stream = client.GetStreamingResponseAsync(messages, chatOptions, cancellationToken).GetAsyncEnumerator(cancellationToken);
            try
            {
                if (await stream.MoveNextAsync())
                {
                    return (stream, passages);
                }

                await stream.DisposeAsync();
                return (null, passages);
            }
            catch (ContextWindowExceededException) when (passages.Count > 1)
            {
                await stream.DisposeAsync();
                passages = passages[..^1];
            }
        }
    }

    private static Func<string, CancellationToken, Task<IChatClient>> ChatClientsOf(ModelCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return (model, cancellationToken) => catalog.GetChatClientAsync(model, cancellationToken: cancellationToken);
    }

    /// <summary>Keeps passages in rank order while they fit; the first always stays so there is some context.</summary>
    private static List<ContextPassage> FitToBudget(IReadOnlyList<ContextPassage> passages, int budgetTokens)
    {
        var kept = new List<ContextPassage>();
        double used = 0;
        foreach (var passage in passages)
        {
            var cost = passage.Text.Length / CharactersPerToken;
            if (kept.Count > 0 && used + cost > budgetTokens)
            {
                break;
            }

            used += cost;
            kept.Add(passage);
        }

        return kept;
    }
}

/// <summary>One piece of a streamed answer; the last carries the final, checked answer.</summary>
/// <param name="Text">Text to append.</param>
/// <param name="Final">The checked answer, on the last update only.</param>
public sealed record RagUpdate(string Text, RagAnswer? Final);
