using Microsoft.Extensions.Logging;
using Strata.Data.Collections;

namespace Strata.Data.Embedded;

/// <summary>The embedded store: one SQLite file (plus its HNSW index file) per collection in one folder.</summary>
/// <param name="directory">Where collection files live, normally <c>$STRATA_HOME/data</c>.</param>
/// <param name="logger">Where index compactions are logged; none when null.</param>
public sealed class EmbeddedVectorDatabase(string directory, ILogger? logger = null) : IVectorDatabase
{
    /// <summary>The folder holding the collections.</summary>
    public string Directory { get; } = directory;

    /// <summary>Creates a collection; fails if one with that name exists.</summary>
    public Task<EmbeddedCollection> CreateAsync(CollectionSpec spec, CancellationToken cancellationToken = default) =>
        SynchronousWork.Run(() => Create(spec), cancellationToken);

    /// <summary>Opens an existing collection (its index caught up from SQLite); the caller disposes it.</summary>
    public Task<EmbeddedCollection> OpenAsync(string name, CancellationToken cancellationToken = default) =>
        SynchronousWork.Run(() => Open(name), cancellationToken);

    async Task<IVectorCollection> IVectorDatabase.CreateAsync(CollectionSpec spec, CancellationToken cancellationToken) =>
        await CreateAsync(spec, cancellationToken).ConfigureAwait(false);

    async Task<IVectorCollection> IVectorDatabase.OpenAsync(string name, CancellationToken cancellationToken) =>
        await OpenAsync(name, cancellationToken).ConfigureAwait(false);

    /// <summary>Whether the collection exists.</summary>
    public Task<bool> ExistsAsync(string name, CancellationToken cancellationToken = default) =>
        SynchronousWork.Run(() => Exists(name), cancellationToken);

    /// <summary>The names of all collections, sorted.</summary>
    public Task<IReadOnlyList<string>> ListAsync(CancellationToken cancellationToken = default) =>
        SynchronousWork.Run(List, cancellationToken);

    /// <summary>Deletes a collection's files; returns false when it did not exist.</summary>
    public Task<bool> DropAsync(string name, CancellationToken cancellationToken = default) =>
        SynchronousWork.Run(() => Drop(name), cancellationToken);

    /// <summary>
    /// Replaces (or creates) collection <paramref name="name"/> with a snapshot written by <see cref="EmbeddedCollection.SnapshotAsync"/>.
    /// The snapshot is validated first, copied beside the target and renamed over it; no process may have the collection open.
    /// </summary>
    public Task RestoreAsync(string name, string snapshotPath, CancellationToken cancellationToken = default) =>
        SynchronousWork.Run(() => Restore(name, snapshotPath), cancellationToken);

    private EmbeddedCollection Create(CollectionSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        spec.Validate();
        System.IO.Directory.CreateDirectory(Directory);
        var path = DatabasePath(spec.Name);
        if (File.Exists(path))
        {
            throw new StrataDataException($"Collection '{spec.Name}' already exists.");
        }

        // The collection is built under a temporary name and renamed into place, so a crash midway never leaves a
        // file that looks like a collection but has no schema.
        foreach (var stale in new[] { path + "-wal", path + "-shm", Path.ChangeExtension(path, ".hnsw") })
        {
            File.Delete(stale);
        }

        var temporary = $"{path}.creating-{Environment.ProcessId}";
        try
        {
            EmbeddedCollection.Initialize(temporary, spec);
            File.Move(temporary, path, overwrite: false);
        }
        catch (IOException e) when (File.Exists(path))
        {
            throw new StrataDataException($"Collection '{spec.Name}' already exists.", e);
        }
        finally
        {
            foreach (var file in new[] { temporary, temporary + "-wal", temporary + "-shm" })
            {
                File.Delete(file);
            }
        }

        return EmbeddedCollection.Open(path, spec.Name, logger);
    }

    private EmbeddedCollection Open(string name)
    {
        CollectionSpec.ValidateName(name);
        var path = DatabasePath(name);
        if (!File.Exists(path))
        {
            throw new StrataDataException($"Unknown collection '{name}'. Create it with 'strata collections create {name} --dim N'.");
        }

        return EmbeddedCollection.Open(path, name, logger);
    }

    private bool Exists(string name)
    {
        CollectionSpec.ValidateName(name);
        return File.Exists(DatabasePath(name));
    }

    private IReadOnlyList<string> List() => System.IO.Directory.Exists(Directory)
        ? [.. System.IO.Directory.EnumerateFiles(Directory, "*.db")
            .Select(path => CollectionNames.FromFileStem(Path.GetFileNameWithoutExtension(path)!))
            .OfType<string>()
            .Order(StringComparer.Ordinal)]
        : [];

    private bool Drop(string name)
    {
        CollectionSpec.ValidateName(name);
        var existed = File.Exists(DatabasePath(name));
        DeleteFiles(name);
        return existed;
    }

    private void Restore(string name, string snapshotPath)
    {
        CollectionSpec.ValidateName(name);
        if (!File.Exists(snapshotPath))
        {
            throw new StrataDataException($"Snapshot '{snapshotPath}' does not exist.");
        }

        System.IO.Directory.CreateDirectory(Directory);
        var path = DatabasePath(name);
        var temporary = path + ".restore";
        File.Copy(snapshotPath, temporary, overwrite: true);
        using (var stream = new FileStream(temporary, FileMode.Open, FileAccess.ReadWrite))
        {
            stream.Flush(flushToDisk: true);
        }

        CollectionSpec spec;
        try
        {
            using var check = EmbeddedCollection.Open(temporary, name);
            spec = check.Spec;
        }
        catch (Exception e) when (e is StrataDataException or Microsoft.Data.Sqlite.SqliteException)
        {
            File.Delete(temporary);
            throw new StrataDataException($"'{snapshotPath}' is not a Strata collection snapshot: {e.Message}", e);
        }
        finally
        {
            // Opening the candidate wrote an index file named after it; the real one is copied below.
            File.Delete(Path.ChangeExtension(temporary, ".hnsw"));
        }

        if (spec.Name != name)
        {
            // The stored spec carries the name; keep the file's definition but serve it under the requested name.
            using var connection = SqliteStore.Open(temporary, create: false);
            SqliteStore.Execute(connection, "UPDATE settings SET value = @v WHERE key = @k", null,
                ("@v", System.Text.Json.JsonSerializer.Serialize(spec with { Name = name })), ("@k", CollectionSchema.SpecKey));
        }

        // The old WAL belongs to the old file and would corrupt the new one: remove it before the rename.
        foreach (var file in new[] { path + "-wal", path + "-shm", Path.ChangeExtension(path, ".hnsw"), temporary + "-wal", temporary + "-shm" })
        {
            File.Delete(file);
        }

        File.Move(temporary, path, overwrite: true);
        var indexCopy = Path.ChangeExtension(snapshotPath, ".hnsw");
        if (File.Exists(indexCopy) && spec.Name == name)
        {
            File.Copy(indexCopy, Path.ChangeExtension(path, ".hnsw") + ".tmp", overwrite: true);
            File.Move(Path.ChangeExtension(path, ".hnsw") + ".tmp", Path.ChangeExtension(path, ".hnsw"), overwrite: true);
        }
    }

    /// <summary>The SQLite file of a collection.</summary>
    public string DatabasePath(string name) => Path.Combine(Directory, CollectionNames.FileStem(name) + ".db");

    private void DeleteFiles(string name)
    {
        var path = DatabasePath(name);
        // The main file goes first so that a crash midway leaves no collection rather than a collection without its WAL.
        // Filtered: File.Delete throws when the folder itself is missing, as in a STRATA_HOME that never held a collection.
        foreach (var file in new[] { path, path + "-wal", path + "-shm", Path.ChangeExtension(path, ".hnsw") }.Where(File.Exists))
        {
            File.Delete(file);
        }
    }
}
