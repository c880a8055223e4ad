using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Strata.Models.Embeddings;

namespace Strata.Models.Reranking;

/// <summary>
/// A sequence-classification ONNX graph (the ms-marco MiniLM cross-encoders' layout: <c>input_ids</c>,
/// <c>attention_mask</c>, optional <c>token_type_ids</c> in; <c>logits</c> [batch, labels] out) in one thread-safe
/// <see cref="InferenceSession"/>. Returns the first logit of each row.
/// </summary>
internal sealed class CrossEncoderGraph : IDisposable
{
    private const string InputIds = BertOnnxGraph.InputIds;
    private const string AttentionMask = BertOnnxGraph.AttentionMask;
    private const string TokenTypeIds = BertOnnxGraph.TokenTypeIds;

    private readonly InferenceSession session;
    private readonly string[] inputNames;
    private readonly string outputName;

    public CrossEncoderGraph(string graphPath, string modelName, int? intraOpThreads)
    {
        session = BertOnnxGraph.Open(graphPath, intraOpThreads,
            e => new RerankerModelException($"Model '{modelName}' has an ONNX graph that ONNX Runtime cannot load (is the file damaged?): {e.Message}", e));

        inputNames = [.. session.InputMetadata.Keys];
        var logits = LogitsOutput(inputNames, session.OutputMetadata);
        if (logits is null)
        {
            session.Dispose();
            throw new RerankerModelException(
                $"Model '{modelName}' is not a cross-encoder: Strata expects inputs {InputIds}, {AttentionMask}, {TokenTypeIds} and a float output logits [batch, labels]; " +
                $"the graph takes [{string.Join(", ", inputNames)}].");
        }

        outputName = logits;
    }

    /// <summary>
    /// The output a cross-encoder's scores come from, or null when the graph is not laid out as one: BERT inputs only
    /// (<c>input_ids</c>, optional mask and segments), and <c>logits</c> or a float [batch, labels] output. The store
    /// reads the same rule at import to list the model as a reranker.
    /// </summary>
    internal static string? LogitsOutput(IReadOnlyCollection<string> inputNames, IReadOnlyDictionary<string, NodeMetadata> outputs)
    {
        if (!inputNames.Contains(InputIds) || inputNames.Any(n => n is not (InputIds or AttentionMask or TokenTypeIds)))
        {
            return null;
        }

        return outputs.FirstOrDefault(o => o.Key == "logits").Key
            // An unnamed output counts only when it is shaped like class scores, so a sentence encoder's pooled
            // [batch, 384] output is not mistaken for 384 labels.
            ?? outputs.FirstOrDefault(o => o.Value.ElementDataType == TensorElementType.Float && o.Value.Dimensions is [_, >= 1 and <= 16]).Key;
    }

    /// <summary>The first logit of each (ids, segments) row, the batch padded to its longest row.</summary>
    public float[] Score(IReadOnlyList<(long[] Ids, long[] Segments)> batch, int paddingId, RunOptions runOptions)
    {
        var rows = batch.Count;
        var length = batch.Max(b => b.Ids.Length);
        var ids = new long[rows * length];
        var mask = new long[rows * length];
        var segments = new long[rows * length];
        Array.Fill(ids, paddingId);
        for (var row = 0; row < rows; row++)
        {
            var (rowIds, rowSegments) = batch[row];
            rowIds.CopyTo(ids, row * length);
            rowSegments.CopyTo(segments, row * length);
            Array.Fill(mask, 1, row * length, rowIds.Length);
        }

        using var outputs = BertOnnxGraph.Run(session, inputNames, outputName, runOptions, rows, length, ids, mask, segments);
        var logits = outputs[0].GetTensorDataAsSpan<float>();
        var labels = logits.Length / rows;
        var scores = new float[rows];
        for (var row = 0; row < rows; row++)
        {
            scores[row] = logits[row * labels];
        }

        return scores;
    }

    public void Dispose() => session.Dispose();
}
