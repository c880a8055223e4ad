using Microsoft.Extensions.Configuration;

namespace Strata.Monitoring.Telemetry;

/// <summary>
/// Prices per million tokens by model, from <c>Telemetry:Prices:&lt;model&gt;:InputPerMillion</c> and
/// <c>…:OutputPerMillion</c>, in whatever currency the user writes them in.
/// </summary>
public sealed class ModelPrices
{
    private readonly Dictionary<string, (decimal Input, decimal Output)> _prices;

    /// <summary>Creates a price table from (model, input price, output price) entries.</summary>
    public ModelPrices(IEnumerable<(string Model, decimal InputPerMillion, decimal OutputPerMillion)> prices)
    {
        ArgumentNullException.ThrowIfNull(prices);
        _prices = prices.ToDictionary(p => p.Model, p => (p.InputPerMillion, p.OutputPerMillion), StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>Reads the price table from configuration.</summary>
    public static ModelPrices FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return new ModelPrices(configuration.GetSection("Telemetry:Prices").GetChildren().Select(model => (
            model.Key, model.GetValue<decimal>("InputPerMillion"), model.GetValue<decimal>("OutputPerMillion"))));
    }

    /// <summary>The cost of <paramref name="inputTokens"/> and <paramref name="outputTokens"/> on <paramref name="model"/>, or null without a price.</summary>
    public decimal? Cost(string model, long inputTokens, long outputTokens) =>
        _prices.TryGetValue(model, out var price) ? ((inputTokens * price.Input) + (outputTokens * price.Output)) / 1_000_000m : null;
}
