using Strata.Models;
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
        Assert.Contains("needs " + ByteSize.Format(long.MaxValue), error.Message, StringComparison.Ordinal);
    }
}
