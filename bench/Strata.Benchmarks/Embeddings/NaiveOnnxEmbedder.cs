using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.Tokenizers;

namespace Strata.Benchmarks.Embeddings;

/// <summary>
/// The peer: what one writes with a bare ONNX Runtime session and the same tokenizer: fixed batches of 32 in input
/// order, each padded to its own longest input, mean pooling and L2 normalisation.
/// </summary>
internal sealed class NaiveOnnxEmbedder : IDisposable
{
    private const int BatchSize = 32;
    private readonly InferenceSession session;
    private readonly BertTokenizer tokenizer;
    private readonly int maxTokens;
    private readonly string[] inputNames;

    public NaiveOnnxEmbedder(string graphPath, string vocabPath, int maxTokens)
    {
        session = new InferenceSession(graphPath);
        using var vocab = File.OpenRead(vocabPath);
        tokenizer = BertTokenizer.Create(vocab, new BertOptions { LowerCaseBeforeTokenization = true });
        this.maxTokens = maxTokens;
        inputNames = [.. session.InputMetadata.Keys];
    }

    public float[][] Embed(IReadOnlyList<string> texts)
    {
        var result = new List<float[]>(texts.Count);
        foreach (var chunk in texts.Chunk(BatchSize))
        {
            var encoded = chunk.Select(text =>
            {
                var ids = tokenizer.EncodeToIds(text).ToArray();
                if (ids.Length > maxTokens)
                {
                    ids = [.. ids.AsSpan(0, maxTokens - 1), tokenizer.SeparatorTokenId];
                }

                return ids;
            }).ToArray();
            result.AddRange(Run(encoded));
        }

        return [.. result];
    }

    public void Dispose() => session.Dispose();

    private float[][] Run(int[][] batch)
    {
        var length = batch.Max(ids => ids.Length);
        var ids = new long[batch.Length * length];
        var mask = new long[batch.Length * length];
        for (var row = 0; row < batch.Length; row++)
        {
            for (var i = 0; i < batch[row].Length; i++)
            {
                ids[(row * length) + i] = batch[row][i];
                mask[(row * length) + i] = 1;
            }
        }

        long[] shape = [batch.Length, length];
        var inputs = inputNames.Select(name => name switch
        {
            "input_ids" => OrtValue.CreateTensorValueFromMemory(ids, shape),
            "attention_mask" => OrtValue.CreateTensorValueFromMemory(mask, shape),
            _ => OrtValue.CreateTensorValueFromMemory(new long[ids.Length], shape),
        }).ToArray();
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, inputNames, inputs, [session.OutputNames[0]]);
        foreach (var input in inputs)
        {
            input.Dispose();
        }

        var hidden = outputs[0].GetTensorDataAsSpan<float>();
        var width = (int)outputs[0].GetTensorTypeAndShape().Shape[^1];
        var vectors = new float[batch.Length][];
        for (var row = 0; row < batch.Length; row++)
        {
            var vector = new float[width];
            for (var token = 0; token < batch[row].Length; token++)
            {
                var offset = ((row * length) + token) * width;
                for (var d = 0; d < width; d++)
                {
                    vector[d] += hidden[offset + d];
                }
            }

            var norm = MathF.Sqrt(vector.Sum(v => v * v));
            vectors[row] = vector.Select(v => v / norm).ToArray();
        }

        return vectors;
    }
}
