using Strata.Models.HuggingFace;

namespace Strata.Models.Tests.HuggingFace;

public class DiskSpaceTests
{
    [Fact]
    public void A_download_larger_than_the_free_space_fails_before_it_starts()
    {
        var folder = Path.GetTempPath();

        var error = Assert.Throws<HubException>(() => DiskSpace.EnsureAvailable(folder, long.MaxValue));

        Assert.Contains("Not enough disk space", error.Message, StringComparison.Ordinal);
        Assert.Contains("needs 8388608.0 TB", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, "0 B")]
    [InlineData(1023, "1023 B")]
    [InlineData(1536, "1.5 KB")]
    [InlineData(5L * 1024 * 1024 * 1024, "5.0 GB")]
    public void Formats_sizes_for_people(long bytes, string expected) => Assert.Equal(expected, DiskSpace.Format(bytes));
}
