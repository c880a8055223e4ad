using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Strata.Synthesis.Datasets;
using static TorchSharp.torch;

namespace Strata.Synthesis.Evaluation;

/// <summary>
/// 512-d ImageNet features from the ResNet18 ONNX graph shipped in <c>Microsoft.ML.DnnImageFeaturizer.ResNet18</c>:
/// images are scaled to 224×224, fed through the package's preprocessing graph (BGR, mean subtracted, 0–255) and
/// then ResNet18's pooled output. Scores on these features are not comparable with Inception-based FID.
/// </summary>
public sealed class ResNet18Features : IDisposable
{
    /// <summary>The label every score on these features carries.</summary>
    public const string MetricName = "FID-ResNet18";

    /// <summary>Feature dimensions.</summary>
    public const int Dimensions = 512;

    private const int Side = 224;
    private readonly InferenceSession preprocess;
    private readonly InferenceSession network;

    /// <summary>Loads both graphs from <paramref name="folder"/> (default: <c>resnet18/</c> beside the application).</summary>
    public ResNet18Features(string? folder = null)
    {
        folder ??= Path.Combine(AppContext.BaseDirectory, "resnet18");
        var prep = Path.Combine(folder, "ResNetPreprocess.onnx");
        var net = Path.Combine(folder, "ResNet18.onnx");
        if (!File.Exists(prep) || !File.Exists(net))
        {
            throw new InvalidOperationException($"The ResNet18 ONNX files are missing from '{folder}'; they come with the build (package Microsoft.ML.DnnImageFeaturizer.ResNet18).");
        }

        using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        preprocess = new InferenceSession(prep, options);
        network = new InferenceSession(net, options);
    }

    /// <summary>Features of every image in <paramref name="images"/>, N×512 row-major.</summary>
    public float[] Extract(ImageSet images, IProgress<int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(images);
        var features = new float[images.Count * Dimensions];
        var prepInput = preprocess.InputMetadata.Keys.First();
        var netInput = network.InputMetadata.Keys.First();
        for (var i = 0; i < images.Count; i++)
        {
            var pixels = Upscale(images, i);
            var input = new DenseTensor<float>(pixels, [1, 3, Side, Side]);
            using var prepared = preprocess.Run([NamedOnnxValue.CreateFromTensor(prepInput, input)]);
            var preparedTensor = prepared.First().AsTensor<float>();
            using var output = network.Run([NamedOnnxValue.CreateFromTensor(netInput, preparedTensor)]);
            var vector = output.First().AsEnumerable<float>().ToArray();
            vector.AsSpan(0, Dimensions).CopyTo(features.AsSpan(i * Dimensions));
            progress?.Report(i + 1);
        }

        return features;
    }

    // Bilinear 224×224 on a 0–255 RGB float image; grey images repeat their one channel.
    private static float[] Upscale(ImageSet images, int index)
    {
        using var scope = NewDisposeScope();
        var image = tensor(images.Image(index).ToArray(), [1, images.Channels, images.Height, images.Width]).to_type(ScalarType.Float32);
        if (images.Channels == 1)
        {
            image = image.expand(1, 3, images.Height, images.Width);
        }

        var scaled = nn.functional.interpolate(image, [Side, Side], mode: InterpolationMode.Bilinear, align_corners: false);
        return scaled.contiguous().data<float>().ToArray();
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        preprocess.Dispose();
        network.Dispose();
    }
}
