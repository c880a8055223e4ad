using System.Globalization;
using Microsoft.ML.OnnxRuntime;

namespace Strata.Models.Store;

/// <summary>Reads the metadata worth showing from a model's main file, and rejects files that are not what they claim.</summary>
public static partial class ModelInspector
{
    /// <summary>Validates <paramref name="mainFile"/> as <paramref name="format"/> and returns its metadata.</summary>
    /// <param name="format">What the file should be.</param>
    /// <param name="mainFile">The file on disk.</param>
    /// <param name="displayName">The name to use in error messages when the file on disk has a temporary name.</param>
    /// <exception cref="ModelStoreException">The file is not a valid model of that format; the message says what is wrong.</exception>
    public static ModelMetadata Inspect(ModelFormat format, string mainFile, string? displayName = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(mainFile);
        if (!File.Exists(mainFile))
        {
            throw new ModelStoreException($"The model file '{mainFile}' does not exist.");
        }

        return format switch
        {
            ModelFormat.Gguf => InspectGguf(mainFile, displayName ?? Path.GetFileName(mainFile)),
            ModelFormat.Onnx => InspectOnnx(mainFile, displayName ?? Path.GetFileName(mainFile)),
            _ => InspectTorch(mainFile, displayName ?? Path.GetFileName(mainFile)),
        };
    }

    private static ModelMetadata InspectOnnx(string file, string name)
    {
        try
        {
            // Loading the graph is the validation: ONNX Runtime checks the protobuf, the operators and the initializers.
            using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL };
            using var session = new InferenceSession(file, options);
            var outputs = session.OutputMetadata;
            var dimensions = outputs.Values.Select(meta => meta.Dimensions.LastOrDefault()).FirstOrDefault(d => d > 0);
            var metadata = session.ModelMetadata;
            var details = new Dictionary<string, string>
            {
                ["inputs"] = Describe(session.InputMetadata),
                ["outputs"] = Describe(outputs),
            };
            if (!string.IsNullOrEmpty(metadata.ProducerName))
            {
                details["producer"] = metadata.ProducerName;
            }

            if (Reranking.CrossEncoderGraph.LogitsOutput([.. session.InputMetadata.Keys], outputs) is not null)
            {
                details[RerankerDetail] = "yes";
            }

            return new ModelMetadata
            {
                Architecture = string.IsNullOrEmpty(metadata.GraphName) ? null : metadata.GraphName,
                Dimensions = dimensions > 0 ? dimensions : null,
                Quantization = outputs.Values.FirstOrDefault()?.ElementDataType.ToString(),
                Details = details,
            };
        }
        catch (OnnxRuntimeException e)
        {
            throw new ModelStoreException($"'{name}' is not a valid ONNX model: {WithoutPaths(e.Message, file)}", e);
        }
    }

    private static ModelMetadata InspectTorch(string file, string name)
    {
        var length = new FileInfo(file).Length;
        if (length == 0)
        {
            throw new ModelStoreException($"'{name}' is empty, not PyTorch weights.");
        }

        return new ModelMetadata { Details = new Dictionary<string, string> { ["weights"] = Path.GetFileName(file) } };
    }

    /// <summary>ONNX Runtime quotes the file's full path; the user knows which file they meant, and paths stay private.</summary>
    private static string WithoutPaths(string message, string file) => message.Replace(file, "the file", StringComparison.Ordinal);

    private static string Describe(IReadOnlyDictionary<string, NodeMetadata> nodes) =>
        string.Join(", ", nodes.Select(node =>
            $"{node.Key} {node.Value.ElementDataType.ToString().ToLowerInvariant()}[{string.Join(",", node.Value.Dimensions.Select(d => d < 0 ? "?" : d.ToString(CultureInfo.InvariantCulture)))}]"));
}
