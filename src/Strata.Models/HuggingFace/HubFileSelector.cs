using Strata.Models.Store;

namespace Strata.Models.HuggingFace;

/// <summary>A repository file chosen for a pull, and the path it gets inside the model.</summary>
internal sealed record SelectedFile(HubFile Remote, string PathInModel);

/// <summary>The files a pull takes, the one the model's format and metadata come from, and that format.</summary>
internal sealed record HubFileSelection(IReadOnlyList<SelectedFile> Files, SelectedFile Main, ModelFormat Format);

/// <summary>Decides which files of a repository make up the model.</summary>
internal static class HubFileSelector
{
    /// <summary>The files a sentence-transformer needs beside its ONNX graph, taken when present.</summary>
    public static readonly IReadOnlyList<string> OnnxCompanions =
    [
        "vocab.txt", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json",
        "config.json", "sentence_bert_config.json", "modules.json", "1_Pooling/config.json",
    ];

    private static readonly string[] TorchExtensions = [".safetensors", ".bin", ".pt", ".pth"];

    public static HubFileSelection Select(HubRepository repository, HubPullRequest request)
    {
        var path = request.Reference.Path;
        if (path is not null)
        {
            return SelectPath(repository, request, path);
        }

        var ggufs = repository.Files.Where(IsGguf).ToList();
        if (ggufs.Count > 0)
        {
            var chosen = ChooseGguf(repository, ggufs, request);
            var single = new SelectedFile(chosen, chosen.Name);
            return new HubFileSelection([single], single, ModelFormat.Gguf);
        }

        var onnx = repository.Files.FirstOrDefault(file => file.Path == "model.onnx")
            ?? repository.Files.FirstOrDefault(file => file.Path == "onnx/model.onnx");
        if (onnx is not null)
        {
            // The graph is stored as model.onnx beside its tokenizer files, wherever the repository keeps it.
            var main = new SelectedFile(onnx, "model.onnx");
            var companions = OnnxCompanions
                .Select(name => repository.Files.FirstOrDefault(file => file.Path == name))
                .OfType<HubFile>()
                .Select(file => new SelectedFile(file, file.Path));
            return new HubFileSelection([main, .. companions], main, ModelFormat.Onnx);
        }

        throw new HubException(
            $"{repository.RepositoryId} has no GGUF file and no ONNX sentence-transformer (model.onnx). It holds: {Describe(repository.Files)}. " +
            $"Name what to pull with a path, for example hf://{repository.RepositoryId}/FOLDER or hf://{repository.RepositoryId}/FILE.");
    }

    private static HubFileSelection SelectPath(HubRepository repository, HubPullRequest request, string path)
    {
        var exact = repository.Files.FirstOrDefault(file => file.Path == path);
        if (exact is not null)
        {
            var single = new SelectedFile(exact, exact.Name);
            return new HubFileSelection([single], single, FormatOf(exact) ?? throw NoModelFile(repository, path, [exact]));
        }

        var prefix = path + "/";
        var under = repository.Files.Where(file => file.Path.StartsWith(prefix, StringComparison.Ordinal)).ToList();
        if (under.Count == 0)
        {
            throw new HubException($"'{path}' is neither a file nor a folder in {repository.RepositoryId} at commit {repository.Commit}.");
        }

        var ggufs = under.Where(IsGguf).ToList();
        if (ggufs.Count > 0)
        {
            // A folder of quantisations is a choice of one file, not a model made of all of them.
            var chosen = ChooseGguf(repository, ggufs, request);
            var single = new SelectedFile(chosen, chosen.Name);
            return new HubFileSelection([single], single, ModelFormat.Gguf);
        }

        var files = under.Select(file => new SelectedFile(file, file.Path[prefix.Length..])).ToList();
        var main = files.FirstOrDefault(file => file.PathInModel == "model.onnx")
            ?? files.FirstOrDefault(file => FormatOf(file.Remote) == ModelFormat.Onnx)
            ?? files.FirstOrDefault(file => FormatOf(file.Remote) == ModelFormat.Torch)
            ?? throw NoModelFile(repository, path, under);
        return new HubFileSelection(files, main, FormatOf(main.Remote)!.Value);
    }

    private static HubFile ChooseGguf(HubRepository repository, List<HubFile> ggufs, HubPullRequest request)
    {
        if (request.File is { } wanted)
        {
            var matches = ggufs.Where(file => file.Path == wanted).ToList();
            if (matches.Count == 0)
            {
                matches = ggufs.Where(file => string.Equals(file.Name, wanted, StringComparison.OrdinalIgnoreCase)).ToList();
            }

            return matches.Count == 1
                ? matches[0]
                : throw new HubException($"--file '{wanted}' matches {(matches.Count == 0 ? "no" : "more than one")} GGUF file in {repository.RepositoryId}. Choose one of:{Environment.NewLine}{List(ggufs)}");
        }

        if (ggufs.Count == 1)
        {
            return ggufs[0];
        }

        var chosen = request.Chooser?.Invoke(ggufs);
        if (chosen is not null && ggufs.Contains(chosen))
        {
            return chosen;
        }

        throw new HubException($"{repository.RepositoryId} has {ggufs.Count} GGUF files; choose one with --file:{Environment.NewLine}{List(ggufs)}");
    }

    private static bool IsGguf(HubFile file) => file.Path.EndsWith(".gguf", StringComparison.OrdinalIgnoreCase);

    private static ModelFormat? FormatOf(HubFile file) =>
        IsGguf(file) ? ModelFormat.Gguf
        : file.Path.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase) ? ModelFormat.Onnx
        : TorchExtensions.Any(extension => file.Path.EndsWith(extension, StringComparison.OrdinalIgnoreCase)) ? ModelFormat.Torch
        : null;

    private static HubException NoModelFile(HubRepository repository, string path, IReadOnlyList<HubFile> files) =>
        new($"'{path}' in {repository.RepositoryId} holds no model file (.gguf, .onnx, .safetensors, .bin, .pt); it holds: {Describe(files)}.");

    private static string List(IEnumerable<HubFile> files) =>
        string.Join(Environment.NewLine, files.Select(file => $"  {file.Path}  ({ByteSize.Format(file.Size)})"));

    private static string Describe(IReadOnlyList<HubFile> files) =>
        files.Count == 0 ? "no files"
        : string.Join(", ", files.Take(20).Select(file => file.Path)) + (files.Count > 20 ? $" and {files.Count - 20} more" : "");
}
