using Strata.Core.Options;

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

    /// <summary>Takes the price table from the bound <c>Telemetry:Prices</c> section.</summary>
    public static ModelPrices From(TelemetryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new ModelPrices(options.Prices.Select(price => (price.Key, price.Value.InputPerMillion, price.Value.OutputPerMillion)));
    }

    /// <summary>The cost of <paramref name="inputTokens"/> and <paramref name="outputTokens"/> on <paramref name="model"/>, or null without a price.</summary>
    public decimal? Cost(string model, long inputTokens, long outputTokens) =>
        _prices.TryGetValue(model, out var price) ? ((inputTokens * price.Input) + (outputTokens * price.Output)) / 1_000_000m : null;
}
