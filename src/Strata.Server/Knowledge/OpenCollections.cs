using Microsoft.AspNetCore.Http;
using Strata.Data.Collections;
using Strata.Data.Ingestion;
using Strata.Core;
using Strata.Server.OpenAi;

namespace Strata.Server.Knowledge;

/// <summary>
/// The server's open collections, one instance per name shared by all requests and the ingestion queue: opening loads
/// the HNSW index, too slow to repeat per request. The gate covers only opening, creating and dropping; the collections
/// themselves take concurrent calls.
/// </summary>
public sealed class OpenCollections(IVectorDatabase database, StrataPaths paths) : IDisposable
{
    private readonly Dictionary<string, IVectorCollection> open = new(StringComparer.Ordinal);
    // Held across awaited database calls, so a semaphore rather than a lock.
    private readonly SemaphoreSlim gate = new(1, 1);

    /// <summary>The underlying database.</summary>
    public IVectorDatabase Database => database;

    /// <summary>Collection <paramref name="name"/>.</summary>
    /// <exception cref="OpenAiRequestException">No such collection (404) or an invalid name (400).</exception>
    public async Task<IVectorCollection> GetAsync(string name, CancellationToken cancellationToken = default)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            if (!await ExistsAsync(name, cancellationToken))
            {
                throw new OpenAiRequestException($"Unknown collection '{name}'.", "name", "collection_not_found", StatusCodes.Status404NotFound);
            }

            if (!open.TryGetValue(name, out var collection))
            {
                collection = await database.OpenAsync(name, cancellationToken);
                open[name] = collection;
            }

            return collection;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Whether collection <paramref name="name"/> exists (an invalid name is a 400).</summary>
    public async Task<bool> ExistsAsync(string name, CancellationToken cancellationToken = default)
    {
        try
        {
            return await database.ExistsAsync(name, cancellationToken);
        }
        catch (ArgumentException e)
        {
            // The name itself is refused (a path separator, '..', a control character, too long): the client's mistake.
            throw new OpenAiRequestException(e.Message.Split(" (Parameter", 2)[0], "name", "invalid_collection_name");
        }
    }

    /// <summary>Creates a collection and keeps it open.</summary>
    /// <exception cref="OpenAiRequestException">It exists already (409).</exception>
    public async Task<IVectorCollection> CreateAsync(CollectionSpec spec, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        await gate.WaitAsync(cancellationToken);
        try
        {
            if (await ExistsAsync(spec.Name, cancellationToken))
            {
                throw new OpenAiRequestException($"Collection '{spec.Name}' already exists.", "name", "collection_exists", StatusCodes.Status409Conflict);
            }

            var created = await database.CreateAsync(spec, cancellationToken);
            open[spec.Name] = created;
            return created;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>
    /// Closes and deletes collection <paramref name="name"/> with its ingestion ledger and uploads (as <c>strata collections
    /// drop</c> does); false when it did not exist.
    /// </summary>
    public async Task<bool> DropAsync(string name, CancellationToken cancellationToken = default)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            if (open.Remove(name, out var collection))
            {
                collection.Dispose();
            }

            return await database.DropWithIngestionFilesAsync(paths, name, cancellationToken);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        gate.Wait();
        try
        {
            foreach (var collection in open.Values)
            {
                collection.Dispose();
            }

            open.Clear();
        }
        finally
        {
            gate.Release();
        }
    }
}
