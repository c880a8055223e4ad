using System.Reflection;
using System.Runtime.InteropServices;
using Cloud.Unum.USearch;

namespace Strata.Benchmarks.Vectors;

/// <summary>
/// USearch through its .NET API, plus the three native calls that API does not expose (search width, thread count,
/// memory usage), made on the wrapper's own native handle.
/// </summary>
internal sealed partial class USearchPeer : IDisposable
{
    private readonly USearchIndex index;
    private readonly IntPtr handle;

    public USearchPeer(int dimension, int connectivity, int expansionAdd)
    {
        index = new USearchIndex(MetricKind.Cos, ScalarKind.Float32, (ulong)dimension, (ulong)connectivity, (ulong)expansionAdd, 64);
        handle = (IntPtr)typeof(USearchIndex).GetField("_index", BindingFlags.NonPublic | BindingFlags.Instance)!.GetValue(index)!;
        Native.usearch_change_threads_add(handle, 1, out _);
        Native.usearch_change_threads_search(handle, 1, out _);
    }

    public void Reserve(int count) => Native.usearch_reserve(handle, (nuint)count, out _);

    public void Add(ulong key, float[] vector) => index.Add(key, vector);

    public void SetExpansion(int ef) => Native.usearch_change_expansion_search(handle, (nuint)ef, out _);

    public int Search(float[] query, int k, ulong[] keys)
    {
        var found = index.Search(query, k, out ulong[] foundKeys, out float[] _);
        Array.Copy(foundKeys, keys, Math.Min(found, keys.Length));
        return found;
    }

    public long MemoryUsage => (long)Native.usearch_memory_usage(handle, out _);

    public void Save(string path) => index.Save(path);

    public void Dispose() => index.Dispose();

    private static partial class Native
    {
        [LibraryImport("libusearch_c")]
        public static partial void usearch_change_expansion_search(IntPtr index, nuint expansion, out IntPtr error);

        [LibraryImport("libusearch_c")]
        public static partial void usearch_change_threads_add(IntPtr index, nuint threads, out IntPtr error);

        [LibraryImport("libusearch_c")]
        public static partial void usearch_change_threads_search(IntPtr index, nuint threads, out IntPtr error);

        [LibraryImport("libusearch_c")]
        public static partial void usearch_reserve(IntPtr index, nuint capacity, out IntPtr error);

        [LibraryImport("libusearch_c")]
        public static partial nuint usearch_memory_usage(IntPtr index, out IntPtr error);
    }
}
