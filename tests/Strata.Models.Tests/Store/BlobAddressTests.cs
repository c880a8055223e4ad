using Strata.Models.Store;

namespace Strata.Models.Tests.Store;

public sealed class BlobAddressTests
{
    private const string Folder = "/srv/strata/models/blobs";
    private static readonly string Valid = new('a', 64);

    [Fact]
    public void A_valid_digest_maps_to_a_file_directly_inside_the_blob_folder()
    {
        var digest = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
        var path = BlobAddress.PathFor(Folder, digest);
        Assert.Equal(Path.Combine(Folder, "sha256-" + digest), path);
        Assert.Equal(Folder, Path.GetDirectoryName(path));
    }

    public static TheoryData<string?> HostileDigests => new()
    {
        null,
        "",
        new string('a', 63),                       // too short
        new string('a', 65),                       // too long
        new string('A', 64),                       // uppercase is not the canonical form
        "../../../../../../../../etc/passwd" + new string('a', 30),
        "/etc/passwd" + new string('a', 53),       // absolute
        "%2e%2e%2f" + new string('a', 55),          // URL-encoded ../
        "..%2F..%2F" + new string('a', 54),
        new string('a', 62) + "..",
        new string('a', 63) + "/",
        new string('a', 63) + "\\",
        new string('a', 63) + "\0",
        new string('g', 64),                       // not hex
        " " + new string('a', 63),                 // whitespace is not trimmed
        new string('a', 63) + "\n",
        "sha256:" + new string('a', 57),
        "ｆ" + new string('a', 63),                 // full-width letter
        "٣" + new string('a', 63),                 // non-ASCII digit
    };

    [Theory]
    [MemberData(nameof(HostileDigests))]
    public void Anything_but_64_lowercase_hex_digits_is_rejected(string? digest)
    {
        Assert.False(BlobAddress.IsValidDigest(digest));
        var error = Assert.ThrowsAny<ArgumentException>(() => BlobAddress.PathFor(Folder, digest!));
        if (digest is not null)
        {
            Assert.Contains("64 lowercase hexadecimal digits", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_valid_digest_is_accepted_exactly_as_given() => Assert.True(BlobAddress.IsValidDigest(Valid));
}
