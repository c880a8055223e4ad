using Strata.Models.HuggingFace;
using Strata.TestSupport.HuggingFace;

namespace Strata.Models.Tests.HuggingFace;

public class HubDownloadFaultTests : HubTestContext
{
    [Fact]
    public async Task A_transfer_cut_mid_way_resumes_with_a_range_request()
    {
        var gguf = TestModelBytes.Gguf(400_000, seed: 20);
        Hub.AddRepository("acme/tiny", ("tiny.gguf", gguf, true));
        Hub.CutAfterBytes = 150_000;
        Hub.Cuts = 1;

        var manifest = await PullAsync("hf://acme/tiny");

        var cdnRequests = Hub.Requests.Where(request => request.Server == "cdn").ToList();
        Assert.Equal(2, cdnRequests.Count);
        Assert.Null(cdnRequests[0].Range);
        // An aborted connection may lose bytes still in flight, so the resume point is whatever had arrived.
        Assert.Matches("^bytes=[0-9]+-$", cdnRequests[1].Range);
        Assert.InRange(long.Parse(cdnRequests[1].Range!["bytes=".Length..^1], System.Globalization.CultureInfo.InvariantCulture), 1, 150_000);
        Assert.Equal(Sha256(gguf), Assert.Single(manifest.Files).Digest);
        Assert.Equal(gguf, await File.ReadAllBytesAsync(Store.PathOf(manifest.Files[0])));
    }

    [Fact]
    public async Task A_pull_that_keeps_being_cut_keeps_its_partial_file_and_the_next_pull_resumes_it()
    {
        // Each attempt gets 100 KB further, so a 1 MB file is still unfinished when the pull gives up.
        var gguf = TestModelBytes.Gguf(1_000_000, seed: 21);
        Hub.AddRepository("acme/tiny", ("tiny.gguf", gguf, true));
        Hub.CutAfterBytes = 100_000;
        Hub.Cuts = int.MaxValue;

        var error = await Assert.ThrowsAsync<HubException>(() => PullAsync("hf://acme/tiny"));
        var partial = Assert.Single(PartialFiles());
        var kept = new FileInfo(partial).Length;
        Assert.Null(Store.Find("acme/tiny"));
        Hub.Cuts = 0;
        Hub.Requests.Clear();
        var manifest = await PullAsync("hf://acme/tiny");

        Assert.Contains("run the pull again to resume", error.Message, StringComparison.Ordinal);
        Assert.InRange(kept, 1, gguf.Length - 1);
        Assert.Equal($"bytes={kept}-", Hub.Requests.Single(request => request.Server == "cdn").Range);
        Assert.Equal(Sha256(gguf), Assert.Single(manifest.Files).Digest);
        Assert.Empty(PartialFiles());
    }

    [Theory]
    [InlineData("model.onnx", true)]
    [InlineData("config.json", false)]
    public async Task A_corrupted_body_fails_with_both_digests_and_stores_nothing(string corruptPath, bool lfs)
    {
        var onnx = TestModelBytes.OnnxIdentity(100_000, seed: 22);
        var config = TestModelBytes.Random(3_000, seed: 23);
        Hub.AddRepository("acme/tiny", ("model/model.onnx", onnx, true), ("model/config.json", config, false));
        Hub.CorruptPaths.Add("model/" + corruptPath);

        var error = await Assert.ThrowsAsync<HubException>(() =>
            CreatePuller().PullAsync(new HubPullRequest { Reference = HubReference.Parse("hf://acme/tiny/model"), Name = "tiny" }));

        Assert.Contains($"Checksum mismatch for 'model/{corruptPath}'", error.Message, StringComparison.Ordinal);
        Assert.Contains(lfs ? "expected SHA-256 " + Sha256(onnx) : "expected git blob SHA-1", error.Message, StringComparison.Ordinal);
        Assert.Empty(BlobFiles());
        Assert.Null(Store.Find("tiny"));
        // The corrupt download is gone; a file that verified before it waits, intact, for the next pull.
        var kept = PartialFiles().Select(path => Sha256(File.ReadAllBytes(path))).ToList();
        Assert.Equal(lfs ? [] : [Sha256(onnx)], kept);

        Hub.CorruptPaths.Clear();
        Hub.Requests.Clear();
        var manifest = await CreatePuller().PullAsync(new HubPullRequest { Reference = HubReference.Parse("hf://acme/tiny/model"), Name = "tiny" });
        Assert.Equal([Sha256(onnx), Sha256(config)], manifest.Files.Select(file => file.Digest));
        Assert.Equal(lfs ? 1 : 0, Hub.Requests.Count(request => request.Server == "cdn"));
    }

    [Fact]
    public async Task A_cancelled_download_keeps_its_partial_file_for_the_next_pull()
    {
        var gguf = TestModelBytes.Gguf(300_000, seed: 24);
        Hub.AddRepository("acme/tiny", ("tiny.gguf", gguf, true));
        Hub.CutAfterBytes = 120_000;
        Hub.StallReached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var cancellation = new CancellationTokenSource();

        var pull = CreatePuller().PullAsync(new HubPullRequest { Reference = HubReference.Parse("hf://acme/tiny") }, null, cancellation.Token);
        await Hub.StallReached.Task;
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pull);
        Assert.Single(PartialFiles());
        Assert.Null(Store.Find("acme/tiny"));
        Hub.StallReached = null;
        Hub.CutAfterBytes = 0;
        var manifest = await PullAsync("hf://acme/tiny");
        Assert.Equal(Sha256(gguf), Assert.Single(manifest.Files).Digest);
    }
}
