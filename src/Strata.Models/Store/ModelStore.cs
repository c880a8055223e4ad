using System.Security.Cryptography;
using System.Text.Json;
using Strata.Core;

namespace Strata.Models.Store;

/// <summary>A stored model list, with the manifests that could not be read and why.</summary>
/// <param name="Models">The readable manifests, sorted by name.</param>
/// <param name="Problems">One message per unreadable manifest.</param>
public sealed record ModelListing(IReadOnlyList<ModelManifest> Models, IReadOnlyList<string> Problems);

/// <summary>
/// The local model store under <c>$STRATA_HOME/models</c>: blobs named by their SHA-256 in <c>blobs/</c>
/// and one JSON manifest per model in <c>manifests/</c>.
/// </summary>
/// <remarks>
/// Blobs are written to <c>tmp/</c>, hashed while copied, flushed and renamed into place, and a manifest is written
/// only after all of its blobs exist, so a crash leaves at worst an orphaned temporary file, never a manifest that
/// points at missing or partial data. Mutations take an exclusive lock file so two processes do not interleave.
/// </remarks>
public sealed class ModelStore
{
    private static readonly TimeSpan LockTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Creates the store rooted at <see cref="StrataPaths.Models"/>.</summary>
    public ModelStore(StrataPaths paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        Paths = paths;
        Root = paths.Models;
    }

    /// <summary>The Strata home the store belongs to (runners open the store by it, and log under it).</summary>
    public StrataPaths Paths { get; }

    /// <summary>The store's root folder.</summary>
    public string Root { get; }

    /// <summary>The folder of content-addressed blobs.</summary>
    public string BlobFolder => Path.Combine(Root, "blobs");

    /// <summary>The folder of manifests.</summary>
    public string ManifestFolder => Path.Combine(Root, "manifests");

    /// <summary>The folder for files being written before they are committed.</summary>
    public string TemporaryFolder => Path.Combine(Root, "tmp");

    /// <summary>The folder of interrupted downloads kept for resuming.</summary>
    public string PartialFolder => Path.Combine(Root, "partial");

    /// <summary>The path of the blob with <paramref name="digest"/>; see <see cref="BlobAddress.PathFor"/>.</summary>
    public string BlobPath(string digest) => BlobAddress.PathFor(BlobFolder, digest);

    /// <summary>The path on disk of <paramref name="file"/>'s bytes.</summary>
    public string PathOf(ModelFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        return BlobPath(file.Digest);
    }

    /// <summary>Lists the stored models, reporting (not throwing on) manifests that cannot be read.</summary>
    public ModelListing List()
    {
        var models = new List<ModelManifest>();
        var problems = new List<string>();
        if (Directory.Exists(ManifestFolder))
        {
            foreach (var file in Directory.EnumerateFiles(ManifestFolder, "*.json"))
            {
                try
                {
                    models.Add(ReadManifest(file));
                }
                catch (ModelStoreException e)
                {
                    problems.Add(e.Message);
                }
            }
        }

        models.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        return new ModelListing(models, problems);
    }

    /// <summary>The manifest of <paramref name="name"/>, or null when no such model is stored.</summary>
    public ModelManifest? Find(string name)
    {
        var path = ManifestPath(name);
        return File.Exists(path) ? ReadManifest(path) : null;
    }

    /// <summary>The manifest of <paramref name="name"/>.</summary>
    /// <exception cref="ModelNotFoundException">No such model is stored.</exception>
    public ModelManifest Get(string name) => Find(name) ?? throw new ModelNotFoundException(name);

    /// <summary>Removes a model and every blob no other model uses. Returns false when no such model was stored.</summary>
    public bool Remove(string name)
    {
        using var guard = AcquireLock();
        var path = ManifestPath(name);
        if (!File.Exists(path))
        {
            return false;
        }

        var removed = ReadManifestOrNull(path);
        File.Delete(path);
        if (removed is not null)
        {
            DeleteBlobsOnlyUsedBy(removed);
        }

        return true;
    }

    /// <summary>
    /// Copies <paramref name="source"/> into the store as a blob, hashing it on the way.
    /// When <paramref name="expectedDigest"/> is given and differs, nothing is committed and the call fails.
    /// </summary>
    public async Task<ModelFile> AddBlobAsync(Stream source, string pathInModel, string? expectedDigest = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        Directory.CreateDirectory(TemporaryFolder);
        var temporary = Path.Combine(TemporaryFolder, Guid.NewGuid().ToString("N"));
        try
        {
            string digest;
            long size;
            await using (var target = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20, useAsync: true))
            {
                using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                var buffer = new byte[1 << 20];
                int read;
                while ((read = await source.ReadAsync(buffer, cancellationToken)) > 0)
                {
                    hash.AppendData(buffer, 0, read);
                    await target.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                }

                target.Flush(flushToDisk: true);
                digest = Convert.ToHexStringLower(hash.GetHashAndReset());
                size = target.Length;
            }

            return CommitBlob(temporary, pathInModel, digest, size, expectedDigest);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <summary>
    /// Moves a finished, flushed file whose SHA-256 the caller computed into the blob folder.
    /// When <paramref name="expectedDigest"/> is given and differs from <paramref name="digest"/>, the file is deleted and the call fails.
    /// </summary>
    public ModelFile CommitBlob(string finishedFile, string pathInModel, string digest, long size, string? expectedDigest = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(pathInModel);
        if (expectedDigest is not null && !string.Equals(expectedDigest, digest, StringComparison.Ordinal))
        {
            File.Delete(finishedFile);
            throw new ModelStoreException(
                $"Checksum mismatch for '{pathInModel}': expected SHA-256 {expectedDigest}, got {digest}. The download was discarded; nothing was stored.");
        }

        var blob = BlobPath(digest);
        Directory.CreateDirectory(BlobFolder);
        if (File.Exists(blob))
        {
            File.Delete(finishedFile);
        }
        else
        {
            // Another process may commit the same content between the check and the move; the bytes are identical
            // (same digest), so replacing is as good as keeping.
            File.Move(finishedFile, blob, overwrite: true);
        }

        return new ModelFile(pathInModel.Replace('\\', '/'), digest, size);
    }

    /// <summary>Writes <paramref name="manifest"/> atomically, after checking that every blob it names exists.</summary>
    public void SaveManifest(ModelManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        using var guard = AcquireLock();
        foreach (var file in manifest.Files)
        {
            if (!File.Exists(BlobPath(file.Digest)))
            {
                throw new ModelStoreException($"Cannot save '{manifest.Name}': the blob for '{file.Path}' ({file.Digest}) is not in the store.");
            }
        }

        AtomicFile.WriteAllBytes(ManifestPath(manifest.Name), JsonSerializer.SerializeToUtf8Bytes(manifest, StoreJson.Options));
    }

    /// <summary>Takes the store's exclusive lock for a mutation, waiting a bounded time for another process.</summary>
    public IDisposable AcquireLock()
    {
        Directory.CreateDirectory(Root);
        var lockPath = Path.Combine(Root, ".lock");
        var deadline = DateTime.UtcNow + LockTimeout;
        while (true)
        {
            try
            {
                return new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(50);
            }
            catch (IOException e)
            {
                throw new ModelStoreException($"The model store at {Root} is locked by another Strata process; try again when it finishes.", e);
            }
        }
    }

    private string ManifestPath(string name) => Path.Combine(ManifestFolder, ModelName.ToFileName(name));

    private ModelManifest ReadManifest(string path)
    {
        ModelManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<ModelManifest>(File.ReadAllBytes(path), StoreJson.Options);
        }
        catch (JsonException e)
        {
            throw new ModelStoreException($"The manifest {Path.GetFileName(path)} is not valid JSON ({e.Message}).", e);
        }

        if (manifest is null || ModelName.Validate(manifest.Name) is not null || manifest.Files is null
            || manifest.Files.Any(file => !BlobAddress.IsValidDigest(file.Digest)))
        {
            throw new ModelStoreException($"The manifest {Path.GetFileName(path)} is damaged: a name or file digest is invalid.");
        }

        return manifest;
    }

    private ModelManifest? ReadManifestOrNull(string path)
    {
        try
        {
            return ReadManifest(path);
        }
        catch (ModelStoreException)
        {
            return null;
        }
    }

    /// <summary>
    /// Deletes the removed model's blobs that no other manifest names. Only that model's blobs are candidates, so a
    /// blob another process has just committed for a manifest it has not written yet is never swept away; and when any
    /// manifest is unreadable nothing is deleted, since it might reference the same blobs.
    /// </summary>
    private void DeleteBlobsOnlyUsedBy(ModelManifest removed)
    {
        var listing = List();
        if (listing.Problems.Count > 0)
        {
            return;
        }

        var stillUsed = listing.Models.SelectMany(model => model.Files).Select(file => file.Digest).ToHashSet(StringComparer.Ordinal);
        foreach (var file in removed.Files.Where(file => !stillUsed.Contains(file.Digest)))
        {
            File.Delete(BlobPath(file.Digest));
        }
    }
}
