using System.Runtime.CompilerServices;
using Strata.Data.Collections;

namespace Strata.Data.VectorData;

/// <summary>
/// The open collection handles of one database, shared by every <see cref="StrataVectorStoreCollection{TKey, TRecord}"/>
/// and store over it. Each collection object once cached its own handle, so after one object dropped and recreated a
/// collection, another kept writing to the dropped one (the embedded file was already unlinked) and its writes vanished;
/// with one shared handle per name, a drop through any object closes it for all.
/// </summary>
internal sealed class CollectionHandles
{
    private static readonly ConditionalWeakTable<IVectorDatabase, CollectionHandles> ByDatabase = [];

    private readonly Dictionary<string, IVectorCollection> open = new(StringComparer.Ordinal);
    // Opening, creating and dropping are awaited while the gate is held, so it is a semaphore, not a lock.
    private readonly SemaphoreSlim gate = new(1, 1);

    public static CollectionHandles For(IVectorDatabase database) => ByDatabase.GetValue(database, _ => new CollectionHandles());

    /// <summary>The handle for <paramref name="name"/>, opening it on first use.</summary>
    public async Task<IVectorCollection> GetAsync(IVectorDatabase database, string name, CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!open.TryGetValue(name, out var handle))
            {
                handle = await database.OpenAsync(name, cancellationToken).ConfigureAwait(false);
                open[name] = handle;
            }

            return handle;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Creates the collection unless it exists (another writer may win the race; that is not an error).</summary>
    public async Task EnsureAsync(IVectorDatabase database, CollectionSpec spec, CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (await database.ExistsAsync(spec.Name, cancellationToken).ConfigureAwait(false))
            {
                return;
            }

            try
            {
                Forget(spec.Name);
                open[spec.Name] = await database.CreateAsync(spec, cancellationToken).ConfigureAwait(false);
            }
            catch (StrataDataException)
            {
                if (!await database.ExistsAsync(spec.Name, cancellationToken).ConfigureAwait(false))
                {
                    throw;
                }
            }
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Closes the handle and drops the collection; no error when it does not exist.</summary>
    public async Task DropAsync(IVectorDatabase database, string name, CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            Forget(name);
            await database.DropAsync(name, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
        }
    }

    private void Forget(string name)
    {
        if (open.Remove(name, out var handle))
        {
            handle.Dispose();
        }
    }
}
