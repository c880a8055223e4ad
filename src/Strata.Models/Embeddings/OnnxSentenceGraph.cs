using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Strata.Models.Embeddings;

/// <summary>
/// A sentence-transformers ONNX graph in one <see cref="InferenceSession"/> (whose Run is thread-safe): feeds it a
/// padded batch of word-piece ids and returns one pooled, unit-length vector per row.
/// </summary>
internal sealed class OnnxSentenceGraph : IDisposable
{
    private const string InputIds = BertOnnxGraph.InputIds;
    private const string AttentionMask = BertOnnxGraph.AttentionMask;
    private const string TokenTypeIds = BertOnnxGraph.TokenTypeIds;

    private readonly InferenceSession session;
    private readonly string[] inputNames;
    private readonly string outputName;
    private readonly bool outputIsPooled;

    public OnnxSentenceGraph(string graphPath, string modelName, int? intraOpThreads)
    {
        session = BertOnnxGraph.Open(graphPath, intraOpThreads,
            e => new EmbeddingModelException($"Model '{modelName}' has an ONNX graph that ONNX Runtime cannot load (is the file damaged?): {e.Message}", e));

        try
        {
            inputNames = [.. session.InputMetadata.Keys];
            var unknown = inputNames.Where(name => name is not (InputIds or AttentionMask or TokenTypeIds)).ToList();
            if (!inputNames.Contains(InputIds) || unknown.Count > 0)
            {
                throw new EmbeddingModelException(
                    $"Model '{modelName}' is not a BERT-style sentence encoder: its graph takes [{string.Join(", ", inputNames)}], Strata feeds {InputIds}, {AttentionMask} and {TokenTypeIds}.");
            }

            (outputName, outputIsPooled, Dimensions) = ChooseOutput(session.OutputMetadata, modelName);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>The width of the vectors, or 0 when the graph leaves it open (then the first run tells).</summary>
    public int Dimensions { get; private set; }

    /// <summary>Runs <paramref name="batch"/> (each row [CLS] … [SEP]) padded to its longest row and returns one unit vector per row.</summary>
    public float[][] Embed(IReadOnlyList<int[]> batch, int paddingId, RunOptions runOptions)
    {
        var rows = batch.Count;
        var (ids, mask, length) = Padded(batch, paddingId);

        using var outputs = BertOnnxGraph.Run(session, inputNames, outputName, runOptions, rows, length, ids, mask);
        var hidden = outputs[0].GetTensorDataAsSpan<float>();
        var width = (int)outputs[0].GetTensorTypeAndShape().Shape[^1];
        Dimensions = width;
        var vectors = new float[rows][];
        for (var row = 0; row < rows; row++)
        {
            if (outputIsPooled)
            {
                vectors[row] = hidden.Slice(row * width, width).ToArray();
                MeanPooling.Normalize(vectors[row]);
            }
            else
            {
                vectors[row] = MeanPooling.Pool(hidden, length, width, row, batch[row].Length);
            }
        }

        return vectors;
    }

    /// <summary>
    /// Runs <paramref name="batch"/> like <see cref="Embed"/> but keeps every real token's hidden state, each scaled to
    /// unit length: per row, one vector per token ([CLS] and [SEP] included), for late-interaction scoring.
    /// </summary>
    /// <exception cref="EmbeddingModelException">The graph's output is already pooled, so it has no per-token states.</exception>
    public float[][][] EmbedTokens(IReadOnlyList<int[]> batch, int paddingId, RunOptions runOptions)
    {
        if (outputIsPooled)
        {
            throw new EmbeddingModelException("This model's graph returns pooled sentence vectors only; token embeddings need a [batch, tokens, width] output.");
        }

        var rows = batch.Count;
        var (ids, mask, length) = Padded(batch, paddingId);

        using var outputs = BertOnnxGraph.Run(session, inputNames, outputName, runOptions, rows, length, ids, mask);
        var hidden = outputs[0].GetTensorDataAsSpan<float>();
        var width = (int)outputs[0].GetTensorTypeAndShape().Shape[^1];
        var tokens = new float[rows][][];
        for (var row = 0; row < rows; row++)
        {
            tokens[row] = new float[batch[row].Length][];
            for (var token = 0; token < batch[row].Length; token++)
            {
                tokens[row][token] = hidden.Slice(((row * length) + token) * width, width).ToArray();
                MeanPooling.Normalize(tokens[row][token]);
            }
        }

        return tokens;
    }

    public void Dispose() => session.Dispose();

    /// <summary>The batch's ids padded to its longest row, with the attention mask that marks the real tokens.</summary>
    private static (long[] Ids, long[] Mask, int Length) Padded(IReadOnlyList<int[]> batch, int paddingId)
    {
        var length = batch.Max(ids => ids.Length);
        var ids = new long[batch.Count * length];
        var mask = new long[batch.Count * length];
        Array.Fill(ids, paddingId);
        for (var row = 0; row < batch.Count; row++)
        {
            for (var i = 0; i < batch[row].Length; i++)
            {
                ids[(row * length) + i] = batch[row][i];
                mask[(row * length) + i] = 1;
            }
        }

        return (ids, mask, length);
    }

    /// <summary>
    /// Takes the per-token hidden state when the graph offers one (mean pooling is then ours, over the real tokens
    /// only), and falls back to an already pooled [batch, width] output for exports that include the pooling layer.
    /// </summary>
    private static (string Name, bool Pooled, int Dimensions) ChooseOutput(IReadOnlyDictionary<string, NodeMetadata> outputs, string modelName)
    {
        var floats = outputs.Where(o => o.Value.ElementDataType == TensorElementType.Float).ToList();
        var perToken = floats.FirstOrDefault(o => o.Key is "last_hidden_state" or "token_embeddings").Key
            ?? floats.FirstOrDefault(o => o.Value.Dimensions.Length == 3).Key;
        if (perToken is not null)
        {
            return (perToken, false, Math.Max(0, outputs[perToken].Dimensions[^1]));
        }

        var pooled = floats.FirstOrDefault(o => o.Value.Dimensions.Length == 2).Key
            ?? throw new EmbeddingModelException($"Model '{modelName}' has no float output shaped [batch, tokens, width] or [batch, width] to take embeddings from.");
        return (pooled, true, Math.Max(0, outputs[pooled].Dimensions[^1]));
    }
}
