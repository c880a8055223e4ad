namespace Strata.Models.Store;

/// <summary>Decides a model's format and main file from its files' names and first bytes.</summary>
public static class ModelFormatDetector
{
    private static readonly string[] TorchExtensions = [".pt", ".pth", ".ckpt", ".safetensors", ".dat"];

    /// <summary>Whether the file starts with the GGUF magic bytes.</summary>
    public static bool HasGgufMagic(string file)
    {
        Span<byte> magic = stackalloc byte[4];
        using var stream = File.OpenRead(file);
        return stream.ReadAtLeast(magic, 4, throwOnEndOfStream: false) == 4 && magic.SequenceEqual("GGUF"u8);
    }

    /// <summary>Finds the format (unless <paramref name="requested"/>) and main file among <paramref name="files"/>.</summary>
    /// <exception cref="ModelStoreException">No format can be told, or the main file is ambiguous.</exception>
    public static (ModelFormat Format, string MainFile) Detect(string root, IReadOnlyList<string> files, ModelFormat? requested)
    {
        ArgumentNullException.ThrowIfNull(files);
        var format = requested ?? Guess(root, files);
        var candidates = format switch
        {
            ModelFormat.Gguf => files.Where(f => HasExtension(f, ".gguf") || HasGgufMagic(f)).ToList(),
            ModelFormat.Onnx => files.Where(f => HasExtension(f, ".onnx")).ToList(),
            _ => files.Where(f => TorchExtensions.Any(ext => HasExtension(f, ext))).ToList(),
        };
        if (format == ModelFormat.Onnx && candidates.Count > 1)
        {
            // Sentence-transformer repositories ship variants (model_O4.onnx, model_qint8.onnx); model.onnx is the model.
            candidates = candidates.Where(f => Path.GetFileName(f) == "model.onnx").Take(1).ToList() is { Count: 1 } main ? main : candidates;
        }

        return candidates.Count switch
        {
            1 => (format, candidates[0]),
            0 when files.Count == 1 => (format, files[0]),
            0 => throw new ModelStoreException($"No {Label(format)} file was found in '{root}'."),
            _ => throw new ModelStoreException(
                $"'{root}' holds several {Label(format)} files ({string.Join(", ", candidates.Select(Path.GetFileName))}); import the one you want as a file."),
        };
    }

    private static ModelFormat Guess(string root, IReadOnlyList<string> files)
    {
        if (files.Any(f => HasExtension(f, ".gguf") || HasGgufMagic(f)))
        {
            return ModelFormat.Gguf;
        }

        if (files.Any(f => HasExtension(f, ".onnx")))
        {
            return ModelFormat.Onnx;
        }

        if (files.Any(f => TorchExtensions.Any(ext => HasExtension(f, ext))))
        {
            return ModelFormat.Torch;
        }

        throw new ModelStoreException(
            $"Cannot tell the model format of '{(files.Count == 1 ? files[0] : root)}': expected a GGUF file, an .onnx graph or PyTorch weights. Pass --format to say which.");
    }

    private static bool HasExtension(string file, string extension) => file.EndsWith(extension, StringComparison.OrdinalIgnoreCase);

    private static string Label(ModelFormat format) => format switch
    {
        ModelFormat.Gguf => "GGUF",
        ModelFormat.Onnx => "ONNX",
        _ => "PyTorch weights",
    };
}
