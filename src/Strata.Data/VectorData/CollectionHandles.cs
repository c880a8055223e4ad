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
    private readonly Lock gate = new();

    public static CollectionHandles For(IVectorDatabase database) => ByDatabase.GetValue(database, _ => new CollectionHandles());

    /// <summary>The handle for <paramref name="name"/>, opening it on first use.</summary>
    public IVectorCollection Get(IVectorDatabase database, string name)
    {
        lock (gate)
        {
            if (!open.TryGetValue(name, out var handle))
            {
                handle = database.Open(name);
                open[name] = handle;
            }

            return handle;
        }
    }

    /// <summary>Creates the collection unless it exists (another writer may win the race; that is not an error).</summary>
    public void Ensure(IVectorDatabase database, CollectionSpec spec)
    {
        lock (gate)
        {
            if (database.Exists(spec.Name))
            {
                return;
            }

            try
            {
                Forget(spec.Name);
                open[spec.Name] = database.Create(spec);
            }
            catch (StrataDataException) when (database.Exists(spec.Name))
            {
            }
        }
    }

    /// <summary>Closes the handle and drops the collection; no error when it does not exist.</summary>
    public void Drop(IVectorDatabase database, string name)
    {
        lock (gate)
        {
            Forget(name);
            database.Drop(name);
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
