using System.Diagnostics;
using OpenTelemetry;

namespace Strata.Monitoring.Telemetry;

/// <summary>
/// Copies the request's API key id from OpenTelemetry baggage onto every span started under it, so usage can be
/// summed per key. The server puts the id (a hash prefix, never the key) into baggage once it has accepted the key.
/// </summary>
public sealed class ApiKeyTagProcessor : BaseProcessor<Activity>
{
    /// <inheritdoc/>
    public override void OnStart(Activity data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (Baggage.GetBaggage(TelemetryTags.ApiKey) is { } keyId)
        {
            data.SetTag(TelemetryTags.ApiKey, keyId);
        }
    }
}
