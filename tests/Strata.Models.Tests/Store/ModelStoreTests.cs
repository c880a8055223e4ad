using System.Security.Cryptography;
using Strata.Core;
using Strata.Models.Formats.Gguf;
using Strata.Models.Store;
using Strata.Models.TestSupport;

namespace Strata.Models.Tests.Store;

public sealed class ModelStoreTests : IDisposable
{
    private readonly TemporaryFolder home = new();
    private readonly TemporaryFolder source = new();
    private readonly ModelStore store;
    private readonly ModelImporter importer;

    public ModelStoreTests()
    {
        store = new ModelStore(new StrataPaths(home.Path));
        importer = new ModelImporter(store);
    }

    public void Dispose()
    {
        home.Dispose();
        source.Dispose();
    }

    [Fact]
    public async Task A_gguf_import_stores_a_content_addressed_blob_and_a_manifest_with_metadata()
    {
        var file = source.Combine("tiny.gguf");
        TinyLlamaGguf.Write(file);

        var manifest = await importer.ImportAsync(file, "tiny");

        var stored = Assert.Single(manifest.Files);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(file))), stored.Digest);
        Assert.Equal(new FileInfo(file).Length, stored.Size);
        Assert.Equal(File.ReadAllBytes(file), File.ReadAllBytes(store.PathOf(stored)));
        Assert.Equal(ModelFormat.Gguf, manifest.Format);
        Assert.Equal("llama", manifest.Metadata.Architecture);
        Assert.True(manifest.Metadata.Parameters > 0);
        Assert.NotNull(manifest.Metadata.ContextLength);

        var listed = Assert.Single(store.List().Models);
        Assert.Equal("tiny", listed.Name);
        Assert.Equal(manifest.Size, listed.Size);
    }

    [Fact]
    public async Task A_truncated_gguf_fails_clearly_and_leaves_the_store_unchanged()
    {
        var file = source.Combine("tiny.gguf");
        TinyLlamaGguf.Write(file);
        var bytes = File.ReadAllBytes(file);
        File.WriteAllBytes(file, bytes[..(bytes.Length / 2)]);

        var error = await Assert.ThrowsAsync<ModelStoreException>(() => importer.ImportAsync(file, "broken"));

        Assert.Contains("GGUF", error.Message, StringComparison.Ordinal);
        AssertStoreIsEmpty();
    }

    [Fact]
    public async Task A_file_that_is_not_gguf_fails_clearly_when_imported_as_gguf()
    {
        var file = source.Combine("model.gguf");
        File.WriteAllText(file, "this is a text file, not a model");

        var error = await Assert.ThrowsAsync<ModelStoreException>(() => importer.ImportAsync(file, "fake"));

        Assert.Contains("not a GGUF file", error.Message, StringComparison.Ordinal);
        AssertStoreIsEmpty();
    }

    [Fact]
    public async Task A_corrupt_onnx_file_fails_clearly_and_leaves_the_store_unchanged()
    {
        var file = source.Combine("model.onnx");
        File.WriteAllBytes(file, RandomNumberGenerator.GetBytes(4096));

        var error = await Assert.ThrowsAsync<ModelStoreException>(() => importer.ImportAsync(file, "bad-onnx"));

        Assert.Contains("not a valid ONNX model", error.Message, StringComparison.Ordinal);
        AssertStoreIsEmpty();
    }

    [Fact]
    public async Task An_unknown_file_type_asks_for_a_format()
    {
        var file = source.Combine("notes.txt");
        File.WriteAllText(file, "hello");

        var error = await Assert.ThrowsAsync<ModelStoreException>(() => importer.ImportAsync(file, "notes"));

        Assert.Contains("--format", error.Message, StringComparison.Ordinal);
        AssertStoreIsEmpty();
    }

    [Fact]
    public async Task Importing_over_an_existing_name_needs_replace()
    {
        var file = source.Combine("tiny.gguf");
        TinyLlamaGguf.Write(file);
        await importer.ImportAsync(file, "tiny");

        var error = await Assert.ThrowsAsync<ModelStoreException>(() => importer.ImportAsync(file, "tiny"));
        Assert.Contains("already in the store", error.Message, StringComparison.Ordinal);

        await importer.ImportAsync(file, "tiny", replace: true);
        Assert.Single(store.List().Models);
    }

    [Fact]
    public async Task Removing_a_model_deletes_only_blobs_no_other_model_uses()
    {
        var shared = source.Combine("tiny.gguf");
        TinyLlamaGguf.Write(shared);
        var other = source.Combine("other.gguf");
        TinyLlamaGguf.Write(other, new TinyLlamaOptions { Seed = 7 });
        var first = await importer.ImportAsync(shared, "first");
        await importer.ImportAsync(shared, "second");
        var third = await importer.ImportAsync(other, "third");

        Assert.True(store.Remove("first"));
        Assert.True(File.Exists(store.PathOf(first.Files[0])), "the blob is still used by 'second'");

        Assert.True(store.Remove("second"));
        Assert.False(File.Exists(store.PathOf(first.Files[0])));
        Assert.True(File.Exists(store.PathOf(third.Files[0])));
        Assert.False(store.Remove("second"));
    }

    [Fact]
    public async Task A_folder_import_keeps_relative_paths_and_puts_the_main_file_first()
    {
        var folder = Directory.CreateDirectory(source.Combine("model")).FullName;
        File.WriteAllText(Path.Combine(folder, "config.json"), "{}");
        Directory.CreateDirectory(Path.Combine(folder, "extra"));
        File.WriteAllText(Path.Combine(folder, "extra", "notes.md"), "notes");
        File.WriteAllText(Path.Combine(folder, ".hidden"), "skipped");
        TinyLlamaGguf.Write(Path.Combine(folder, "weights.gguf"));

        var manifest = await importer.ImportAsync(folder, "folder-model");

        Assert.Equal("weights.gguf", manifest.Files[0].Path);
        Assert.Equal(["config.json", "extra/notes.md", "weights.gguf"], manifest.Files.Select(f => f.Path).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_damaged_manifest_is_reported_by_list_and_does_not_hide_the_others()
    {
        Directory.CreateDirectory(store.ManifestFolder);
        File.WriteAllText(Path.Combine(store.ManifestFolder, "broken.json"), "{ not json");

        var listing = store.List();

        Assert.Empty(listing.Models);
        Assert.Contains(listing.Problems, problem => problem.Contains("broken.json", StringComparison.Ordinal));
    }

    [Fact]
    public void A_manifest_naming_a_hostile_digest_is_treated_as_damaged()
    {
        Directory.CreateDirectory(store.ManifestFolder);
        File.WriteAllText(Path.Combine(store.ManifestFolder, "evil.json"), """
            {"name":"evil","format":"gguf","files":[{"path":"x","digest":"../../../../etc/passwd","size":1}],
             "source":{"kind":"import","uri":"x"},"created":"2026-01-01T00:00:00Z"}
            """);

        Assert.Throws<ModelStoreException>(() => store.Get("evil"));
        Assert.Empty(store.List().Models);
    }

    [Fact]
    public async Task A_blob_whose_digest_does_not_match_is_not_committed()
    {
        using var stream = new MemoryStream("payload"u8.ToArray());

        await Assert.ThrowsAsync<ModelStoreException>(() => store.AddBlobAsync(stream, "f", new string('0', 64)));

        Assert.False(Directory.Exists(store.BlobFolder) && Directory.EnumerateFiles(store.BlobFolder).Any());
        Assert.Empty(Directory.EnumerateFiles(store.TemporaryFolder));
    }

    private void AssertStoreIsEmpty()
    {
        Assert.Empty(store.List().Models);
        Assert.False(Directory.Exists(store.BlobFolder) && Directory.EnumerateFileSystemEntries(store.BlobFolder).Any(), "no blob was committed");
        Assert.False(Directory.Exists(store.TemporaryFolder) && Directory.EnumerateFileSystemEntries(store.TemporaryFolder).Any(), "no temporary file was left");
    }
}
