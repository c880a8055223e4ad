using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Strata.Core.Errors;
using Strata.Core.Options;

namespace Strata.Core.Tests.Options;

public sealed class StrataOptionsBinderTests
{
    [Fact]
    public void Unset_keys_keep_the_defaults_on_the_properties()
    {
        var options = StrataOptionsBinder.Bind<SampleOptions>(Configuration());

        Assert.Equal(4096, options.MaxTokens);
        Assert.Equal("minilm", options.Model);
        Assert.Equal(600, options.Limits.PerMinute);
    }

    [Fact]
    public void Set_keys_are_bound_nested_sections_included()
    {
        var options = StrataOptionsBinder.Bind<SampleOptions>(Configuration(
            ("Sample:MaxTokens", "12"), ("Sample:Model", "other"), ("Sample:Limits:PerMinute", "0")));

        Assert.Equal(12, options.MaxTokens);
        Assert.Equal("other", options.Model);
        Assert.Equal(0, options.Limits.PerMinute);
    }

    [Fact]
    public void A_value_out_of_range_names_the_full_key()
    {
        var error = Assert.Throws<StrataConfigurationException>(() => StrataOptionsBinder.Bind<SampleOptions>(Configuration(("Sample:MaxTokens", "0"))));

        Assert.Equal("Sample:MaxTokens", error.Key);
        Assert.StartsWith("Sample:MaxTokens: ", error.Message, StringComparison.Ordinal);
        Assert.Equal(StrataErrorKind.Invalid, error.Kind);
    }

    [Fact]
    public void A_nested_value_out_of_range_names_the_nested_key()
    {
        var error = Assert.Throws<StrataConfigurationException>(() => StrataOptionsBinder.Bind<SampleOptions>(Configuration(("Sample:Limits:PerMinute", "-1"))));

        Assert.Equal("Sample:Limits:PerMinute", error.Key);
    }

    [Fact]
    public void A_value_that_does_not_convert_names_the_key_and_the_value()
    {
        var error = Assert.Throws<StrataConfigurationException>(() => StrataOptionsBinder.Bind<SampleOptions>(Configuration(("Sample:MaxTokens", "lots"))));

        Assert.Equal("Sample:MaxTokens", error.Key);
        Assert.Contains("'lots'", error.Message, StringComparison.Ordinal);
        Assert.Contains("whole number", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_list_key_takes_one_plain_value_or_an_array()
    {
        Assert.Equal(["one"], StrataOptionsBinder.Bind<SampleOptions>(Configuration(("Sample:Tags", "one"))).Tags);
        Assert.Equal(["a", "b"], StrataOptionsBinder.Bind<SampleOptions>(Configuration(("Sample:Tags:0", "a"), ("Sample:Tags:1", "b"))).Tags);
    }

    [Fact]
    public void Keys_lists_every_key_with_its_default_and_description()
    {
        var keys = StrataOptionsBinder.Keys<SampleOptions>();

        Assert.Equal(["Sample:MaxTokens", "Sample:Model", "Sample:Tags", "Sample:Limits:PerMinute"], keys.Select(k => k.Key));
        Assert.Equal("4096", keys[0].Default);
        Assert.Equal("how many", keys[0].Description);
        Assert.Equal("none", keys[2].Default);
    }

    [Fact]
    public void Registration_binds_once_and_a_registration_already_present_wins()
    {
        var mine = new SampleOptions { MaxTokens = 7 };
        var services = new ServiceCollection().AddSingleton(mine);

        services.AddStrataOptions<SampleOptions>(Configuration(("Sample:MaxTokens", "0")));

        Assert.Same(mine, services.BuildServiceProvider().GetRequiredService<SampleOptions>());
    }

    [Fact]
    public void Registration_fails_at_once_on_a_bad_value()
    {
        Assert.Throws<StrataConfigurationException>(() => new ServiceCollection().AddStrataOptions<SampleOptions>(Configuration(("Sample:MaxTokens", "-5"))));
    }

    private static IConfiguration Configuration(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    public sealed class SampleOptions : IStrataOptions<SampleOptions>
    {
        public static string Section => "Sample";

        public static void Bind(IConfiguration section, SampleOptions options) => section.Bind(options);

        [Description("how many")]
        [Range(1, 100_000)]
        public int MaxTokens { get; set; } = 4096;

        public string Model { get; set; } = "minilm";

        public IList<string> Tags { get; } = [];

        public SampleLimits Limits { get; set; } = new();
    }

    public sealed class SampleLimits
    {
        [Range(0, int.MaxValue)]
        public int PerMinute { get; set; } = 600;
    }
}
