using Microsoft.Extensions.Configuration;
using Strata.Core;

namespace Strata.Models.Tests.Configuration;

public sealed class SecretMaskingTests
{
    [Theory]
    [InlineData("HuggingFace:Token", true)]
    [InlineData("Server:ApiKeys:0", true)]
    [InlineData("Providers:OpenAI:ApiKey", true)]
    [InlineData("Data:Postgres:ConnectionString", true)]
    [InlineData("Db:Password", true)]
    [InlineData("Server:Urls", false)]
    [InlineData("HuggingFace:Endpoint", false)]
    [InlineData("Models:TokenizerPath", false)]
    public void Secret_keys_are_recognised(string key, bool secret) => Assert.Equal(secret, SecretMasking.IsSecret(key));

    [Fact]
    public void Flatten_masks_secret_values_and_keeps_the_rest()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["HuggingFace:Token"] = "hf_abcdef",
            ["Server:ApiKeys:0"] = "sk-live-1",
            ["Server:Urls"] = "http://127.0.0.1:8080",
        }).Build();

        var flat = SecretMasking.Flatten(configuration).ToDictionary(pair => pair.Key, pair => pair.Value);

        Assert.Equal(SecretMasking.Mask, flat["HuggingFace:Token"]);
        Assert.Equal(SecretMasking.Mask, flat["Server:ApiKeys:0"]);
        Assert.Equal("http://127.0.0.1:8080", flat["Server:Urls"]);
        Assert.DoesNotContain(flat.Values, value => value is not null && value.Contains("sk-live", StringComparison.Ordinal));
    }
}
