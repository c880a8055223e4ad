using System.Diagnostics;
using Strata.Benchmarks.Vectors;

namespace Strata.Benchmarks.Tests.Vectors;

/// <summary>
/// The hnswlib peer of <c>strata bench vectors</c>: the real node program on real hnswlib-node (installed by the peer itself on first
/// use; the tests need node, npm and a C++ toolchain, which scripts/install-test-deps.sh installs).
/// </summary>
public sealed class HnswlibNodePeerTests
{
    [Fact]
    public void A_search_as_wide_as_the_collection_finds_exactly_the_brute_force_neighbours()
    {
        var all = LowRankVectors.Generate(520, 384);
        var vectors = all[..500];
        var queries = all[500..];

        using var peer = HnswlibNodePeer.Start(vectors, queries, m: 16, efConstruction: 200, k: 10, _ => { });
        var (ids, seconds) = peer.Search(ef: 500);

        Assert.True(peer.BuildSeconds > 0);
        Assert.True(seconds > 0);
        Assert.Equal(queries.Length, ids.Length);
        for (var q = 0; q < queries.Length; q++)
        {
            Assert.Equal(LowRankVectors.BruteForce(queries[q], vectors, 10).Order(), ids[q].Order());
        }
    }

    [Fact]
    public void A_narrow_search_returns_k_distinct_neighbours_of_the_collection()
    {
        var all = LowRankVectors.Generate(520, 384);

        using var peer = HnswlibNodePeer.Start(all[..500], all[500..], m: 16, efConstruction: 200, k: 10, _ => { });
        var (ids, _) = peer.Search(ef: 10);

        Assert.All(ids, row =>
        {
            Assert.Equal(10, row.Distinct().Count());
            Assert.All(row, id => Assert.InRange(id, 0, 499));
        });
        Assert.True(peer.SavedBytes() > 500 * 384 * sizeof(float), "the saved index holds at least the vectors themselves");
    }

    [Fact]
    public void Searches_on_one_and_two_worker_threads_each_load_their_own_copy_of_the_index_and_finish()
    {
        var all = LowRankVectors.Generate(520, 384);

        using var peer = HnswlibNodePeer.Start(all[..500], all[500..], m: 16, efConstruction: 200, k: 10, _ => { });

        // A worker that cannot load the native addon or the saved index fails the command instead of answering.
        Assert.True(peer.SearchOnThreads(ef: 40, threads: 1, repeat: 2) > 0);
        Assert.True(peer.SearchOnThreads(ef: 40, threads: 2, repeat: 2) > 0);
        var (ids, _) = peer.Search(ef: 500);
        Assert.Equal(20, ids.Length);
    }

    [Fact]
    public void The_peer_program_rejects_a_file_that_does_not_hold_what_its_header_says()
    {
        NodePeerInstall.Ensure(HnswlibNodePeer.Folder, _ => { });
        var file = Path.Combine(Path.GetTempPath(), $"strata-hnswlib-test-{Guid.NewGuid():N}.bin");
        try
        {
            using (var writer = new BinaryWriter(File.Create(file)))
            {
                writer.Write("SVEC"u8);
                writer.Write(100);
                writer.Write(0);
                writer.Write(384);
                writer.Write(new byte[1000]);
            }

            var info = new ProcessStartInfo("node") { RedirectStandardError = true, RedirectStandardOutput = true, RedirectStandardInput = true, UseShellExecute = false };
            foreach (var argument in new[] { Path.Combine(HnswlibNodePeer.Folder, "bench.mjs"), file, "16", "200", "10" })
            {
                info.ArgumentList.Add(argument);
            }

            using var node = Process.Start(info)!;
            var stderr = node.StandardError.ReadToEnd();
            node.WaitForExit();

            Assert.Equal(1, node.ExitCode);
            Assert.Contains("does not match 100 vectors and 0 queries of dimension 384", stderr, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
