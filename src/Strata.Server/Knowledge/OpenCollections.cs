using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;
using Strata.Data.Collections;
using Strata.Data.Ingestion;
using Strata.Core;
using Strata.Server.OpenAi;

namespace Strata.Server.Knowledge;

/// <summary>
/// The server's open collections, one instance per name shared by all requests and the ingestion queue: opening loads
/// the HNSW index, too slow to repeat per request, and collections serialise their own calls.
/// </summary>
public sealed class OpenCollections(IVectorDatabase database, StrataPaths paths) : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<IVectorCollection>> open = new(StringComparer.Ordinal);
    private readonly Lock gate = new();

    /// <summary>The underlying database.</summary>
    public IVectorDatabase Database => database;

    /// <summary>Collection <paramref name="name"/>.</summary>
    /// <exception cref="OpenAiRequestException">No such collection (404) or an invalid name (400).</exception>
    public IVectorCollection Get(string name)
    {
        lock (gate)
        {
            if (!Exists(name))
            {
                throw new OpenAiRequestException($"Unknown collection '{name}'.", "name", "collection_not_found", StatusCodes.Status404NotFound);
            }

            return open.GetOrAdd(name, n => new Lazy<IVectorCollection>(() => database.Open(n))).Value;
        }
    }

    /// <summary>Whether collection <paramref name="name"/> exists (an invalid name is a 400).</summary>
    public bool Exists(string name)
    {
        try
        {
            return database.Exists(name);
        }
        catch (Data.StrataDataException e) when (e.Kind == Core.Errors.StrataErrorKind.Invalid)
        {
            throw new OpenAiRequestException(e.Message, "name", "invalid_collection_name");
        }
    }

    /// <summary>Creates a collection and keeps it open.</summary>
    /// <exception cref="OpenAiRequestException">It exists already (409).</exception>
    public IVectorCollection Create(CollectionSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        lock (gate)
        {
            if (Exists(spec.Name))
            {
                throw new OpenAiRequestException($"Collection '{spec.Name}' already exists.", "name", "collection_exists", StatusCodes.Status409Conflict);
            }

            var created = database.Create(spec);
            open[spec.Name] = new Lazy<IVectorCollection>(created);
            return created;
        }
    }

    /// <summary>
    /// Closes and deletes collection <paramref name="name"/> with its ingestion ledger and uploads (as <c>strata collections
    /// drop</c> does); false when it did not exist.
    /// </summary>
    public bool Drop(string name)
    {
        lock (gate)
        {
            if (open.TryRemove(name, out var collection) && collection.IsValueCreated)
            {
                collection.Value.Dispose();
            }

            return database.DropWithIngestionFiles(paths, name);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var collection in open.Values.Where(c => c.IsValueCreated))
        {
            collection.Value.Dispose();
        }

        open.Clear();
    }
}
