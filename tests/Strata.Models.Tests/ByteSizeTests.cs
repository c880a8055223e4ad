namespace Strata.Models.Tests;

public sealed class ByteSizeTests
{
    [Theory]
    [InlineData(0, "0 B")]
    [InlineData(999, "999 B")]
    [InlineData(1500, "1.5 KB")]
    [InlineData(90_900_000, "90.9 MB")]
    [InlineData(5_000_000_000, "5 GB")]
    [InlineData(long.MaxValue, "9223372 TB")]
    public void Formats_sizes_for_people_in_decimal_units(long bytes, string expected) => Assert.Equal(expected, ByteSize.Format(bytes));
}
