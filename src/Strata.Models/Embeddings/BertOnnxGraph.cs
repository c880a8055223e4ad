using Microsoft.ML.OnnxRuntime;

namespace Strata.Models.Embeddings;

/// <summary>
/// What the BERT-style ONNX graphs (sentence encoders and cross-encoders) share: opening the session with Strata's
/// settings, and feeding a padded batch of <c>input_ids</c>, <c>attention_mask</c> and <c>token_type_ids</c>.
/// </summary>
internal static class BertOnnxGraph
{
    /// <summary>The input name of the word-piece ids.</summary>
    public const string InputIds = "input_ids";

    /// <summary>The input name of the mask (1 for real tokens, 0 for padding).</summary>
    public const string AttentionMask = "attention_mask";

    /// <summary>The input name of the segment ids.</summary>
    public const string TokenTypeIds = "token_type_ids";

    /// <summary>
    /// Opens <paramref name="graphPath"/> with all graph optimisations; a graph ONNX Runtime refuses becomes the
    /// exception <paramref name="cannotLoad"/> makes of its message.
    /// </summary>
    public static InferenceSession Open(string graphPath, int? intraOpThreads, Func<OnnxRuntimeException, Exception> cannotLoad)
    {
        using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        if (intraOpThreads is { } threads)
        {
            options.IntraOpNumThreads = threads;
        }

        try
        {
            return new InferenceSession(graphPath, options);
        }
        catch (OnnxRuntimeException e)
        {
            throw cannotLoad(e);
        }
    }

    /// <summary>
    /// Runs <paramref name="session"/> on a [<paramref name="rows"/>, <paramref name="length"/>] batch laid out row
    /// after row, feeding each of <paramref name="inputNames"/> its array (zeros for segments when none are given),
    /// and returns <paramref name="outputName"/>. The input tensors are released before this returns.
    /// </summary>
    public static IDisposableReadOnlyCollection<OrtValue> Run(
        InferenceSession session, IReadOnlyList<string> inputNames, string outputName, RunOptions runOptions,
        int rows, int length, long[] ids, long[] mask, long[]? segments = null)
    {
        long[] shape = [rows, length];
        var values = inputNames.Select(name => name switch
        {
            InputIds => OrtValue.CreateTensorValueFromMemory(ids, shape),
            AttentionMask => OrtValue.CreateTensorValueFromMemory(mask, shape),
            _ => OrtValue.CreateTensorValueFromMemory(segments ?? new long[rows * length], shape),
        }).ToArray();
        try
        {
            return session.Run(runOptions, inputNames, values, [outputName]);
        }
        finally
        {
            foreach (var value in values)
            {
                value.Dispose();
            }
        }
    }
}
