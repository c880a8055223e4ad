using Strata.Data.Collections;
using Strata.Data.Search;

namespace Strata.Data.Tests.Conformance;

/// <summary>Collection names beyond letters and digits, the same on every backend.</summary>
public abstract partial class VectorCollectionConformanceTests
{
    [Theory]
    [InlineData("notes.v2")]
    [InlineData("my notes")]
    [InlineData("Ünïcødé-名前")]
    [InlineData("100%_sure")]
    [InlineData("a:b;c=d,e'f\"g")]
    public async Task A_name_with_other_characters_is_a_collection_like_any_other(string readable)
    {
        // Unique per run (the PostgreSQL catalog is shared by the tests), the characters under test kept.
        var name = readable + " " + Guid.NewGuid().ToString("N")[..6];
        using (var created = await Database.CreateAsync(new CollectionSpec(name, Dimension)))
        {
            await created.UpsertAsync(Library());
        }

        Assert.Contains(name, await Database.ListAsync());
        Assert.True(await Database.ExistsAsync(name));
        using (var opened = await Database.OpenAsync(name))
        {
            Assert.Equal(name, opened.Spec.Name);
            Assert.Equal("c", (await opened.SearchAsync(Axis(2), new SearchOptions { K = 1 }))[0].Id);
        }

        Assert.True(await Database.DropAsync(name));
        Assert.DoesNotContain(name, await Database.ListAsync());
    }

    public static TheoryData<string> RefusedNames => new()
    {
        "../escape", "a/b", "a\\b", "..", ".", "two..dots", "tab\there", "nul\0", "lone surrogate", new string('x', CollectionNames.MaxLength + 1),
    };

    [Theory]
    [MemberData(nameof(RefusedNames))]
    public async Task A_name_that_could_escape_or_confuse_is_refused_with_an_argument_exception(string name)
    {
        // Built here: a lone surrogate in theory data reaches the test as U+FFFD.
        name = name == "lone surrogate" ? "lone\uD800" : name;
        var error = await Assert.ThrowsAsync<ArgumentException>(() => Database.CreateAsync(new CollectionSpec(name, Dimension)));
        Assert.Equal("name", error.ParamName);
        Assert.StartsWith("Invalid collection name", error.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ArgumentException>(() => Database.OpenAsync(name));
        await Assert.ThrowsAsync<ArgumentException>(() => Database.ExistsAsync(name));
        await Assert.ThrowsAsync<ArgumentException>(() => Database.DropAsync(name));
    }
}
