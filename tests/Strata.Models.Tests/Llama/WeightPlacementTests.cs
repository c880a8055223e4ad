using LLama.Native;
using Strata.Models.Llama;
using Strata.TestSupport;

namespace Strata.Models.Tests.Llama;

/// <summary>Where llama.cpp keeps a model's weights: the glibc setting runners start with, and files too large to read.</summary>
public sealed class WeightPlacementTests : IDisposable
{
    private readonly TemporaryFolder folder = new();

    [Theory]
    [InlineData(null, "glibc.malloc.hugetlb=1")]
    [InlineData("", "glibc.malloc.hugetlb=1")]
    [InlineData("glibc.malloc.arena_max=2", "glibc.malloc.arena_max=2:glibc.malloc.hugetlb=1")]
    [InlineData("glibc.malloc.hugetlb=1:glibc.malloc.arena_max=2", "glibc.malloc.hugetlb=1:glibc.malloc.arena_max=2")]
    public void Huge_pages_join_the_tunables_a_user_set_without_repeating(string? tunables, string expected) =>
        Assert.Equal(expected, LlamaWeightPlacement.WithHugePages(tunables));

    [Fact]
    public void A_file_larger_than_a_quarter_of_memory_stays_mapped()
    {
        // Sparse: its length is what counts, and it takes no disk.
        var path = folder.Combine("large.gguf");
        using (var file = File.Create(path))
        {
            file.SetLength(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 4 + 1);
        }

        Assert.Equal(LLamaLoadMode.MemoryMap, LlamaWeightPlacement.For(path));
    }

    [Fact]
    public void A_missing_file_is_left_to_llama_cpp_to_refuse() =>
        Assert.Equal(LLamaLoadMode.MemoryMap, LlamaWeightPlacement.For(folder.Combine("absent.gguf")));

    public void Dispose() => folder.Dispose();
}
