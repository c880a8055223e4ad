using System.Globalization;
using Strata.Core.Options;

namespace Strata.Server;

/// <summary>One configuration key that <c>strata serve</c> reads.</summary>
/// <param name="Key">The key, e.g. <c>Server:MaxUploadBytes</c>.</param>
/// <param name="Default">Its value when unset, as a person would write it.</param>
/// <param name="Meaning">What it changes.</param>
public sealed record ServerSetting(string Key, string Default, string Meaning);

/// <summary>
/// The <c>Server:*</c> keys for <c>strata serve --help</c>, read off <see cref="ServerOptions"/> so the defaults and
/// meanings are written once, on the options' properties.
/// </summary>
public static class ServerSettings
{
    /// <summary>Every <c>Server:*</c> key, with its default and meaning.</summary>
    public static IReadOnlyList<ServerSetting> All { get; } = StrataOptionsBinder.Keys<ServerOptions>()
        .Select(key => new ServerSetting(key.Key, key.Key.EndsWith("Bytes", StringComparison.Ordinal) ? Bytes(key.Default) : key.Default, key.Description))
        .ToList();

    // Byte limits read better as MiB; whole mebibytes are all the defaults use.
    private static string Bytes(string value) =>
        long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var bytes) && bytes % (1 << 20) == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{bytes >> 20} MiB")
            : value;
}
