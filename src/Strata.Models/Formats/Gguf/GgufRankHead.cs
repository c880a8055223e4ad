namespace Strata.Models.Formats.Gguf;

/// <summary>
/// A GGUF reranker's classification head, as llama.cpp's rank pooling reads it: the first token's hidden state through
/// <c>cls.weight</c>/<c>cls.bias</c> and tanh, then <c>cls.output.weight</c>/<c>cls.output.bias</c> (either pair may
/// stand alone), giving one score per sequence. llama.cpp aborts the process (<c>GGML_ABORT</c>, "RANK pooling requires
/// either cls+cls_b or cls_out+cls_out_b") when a rank-pooled context meets a model without a whole pair, so that is
/// checked here, in managed code, before any file reaches it.
/// </summary>
public static class GgufRankHead
{
    /// <summary>llama.cpp's <c>LLAMA_POOLING_TYPE_RANK</c>, as <c>{architecture}.pooling_type</c> stores it.</summary>
    public const int RankPooling = 4;

    private const string Dense = "cls.weight";
    private const string DenseBias = "cls.bias";
    private const string Output = "cls.output.weight";
    private const string OutputBias = "cls.output.bias";

    /// <summary>Whether the model declares rank pooling (<c>{architecture}.pooling_type</c> = 4).</summary>
    public static bool DeclaresRankPooling(GgufFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        var architecture = file.GetString("general.architecture");
        return architecture is not null && file.GetInteger($"{architecture}.pooling_type") == RankPooling;
    }

    /// <summary>
    /// Whether the file is a reranker: it declares rank pooling or carries a classification head tensor. Such a file is
    /// served by <c>/v1/rerank</c>, not as a chat or embedding model.
    /// </summary>
    public static bool IsReranker(GgufFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        return DeclaresRankPooling(file) || file.Tensors.Any(t => t.Name is Dense or Output);
    }

    /// <summary>
    /// Why llama.cpp could not rank with this file, or null when it can: a rank-pooled context needs at least one whole
    /// pair (<c>cls.weight</c> with <c>cls.bias</c>, or <c>cls.output.weight</c> with <c>cls.output.bias</c>).
    /// </summary>
    public static string? Problem(GgufFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        var names = file.Tensors.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        if ((names.Contains(Dense) && names.Contains(DenseBias)) || (names.Contains(Output) && names.Contains(OutputBias)))
        {
            return null;
        }

        string[] head = [Dense, DenseBias, Output, OutputBias];
        var present = head.Where(names.Contains).ToList();
        return present.Count == 0
            ? $"it has no classification head (tensors {Dense} and {DenseBias}, or {Output} and {OutputBias}), which llama.cpp's rank pooling needs"
            : $"its classification head is incomplete: it has {string.Join(" and ", present)} but no whole pair ({Dense} with {DenseBias}, or {Output} with {OutputBias}), which llama.cpp's rank pooling needs";
    }
}
