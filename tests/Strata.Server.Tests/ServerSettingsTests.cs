using System.Collections.Concurrent;
using Microsoft.Extensions.Configuration;
using Strata.Core;

namespace Strata.Server.Tests;

public sealed class ServerSettingsTests
{
    [Fact]
    public async Task The_documented_server_settings_are_exactly_the_server_keys_the_server_reads()
    {
        var source = new RecordingConfigurationSource(new Dictionary<string, string?> { ["Server:Urls"] = "http://127.0.0.1:0" });
        var configuration = new ConfigurationBuilder().Add(source).Build();
        var paths = new StrataPaths(Path.Combine(Path.GetTempPath(), "strata-settings-test-" + Guid.NewGuid().ToString("N")));
        try
        {
            await using (var app = StrataServer.Build(paths, configuration))
            {
                await app.StartAsync();
                await app.StopAsync();
            }

            var documented = ServerSettings.All.Select(s => s.Key).ToHashSet(StringComparer.OrdinalIgnoreCase);
            // A list is read as its children (Server:ApiKeys:0, …): those belong to the documented key above them.
            var read = source.KeysRead
                .Where(key => key.StartsWith("Server:", StringComparison.OrdinalIgnoreCase))
                // The configuration binder also looks up the options class's static Section name; it binds nothing.
                .Where(key => !key.Equals($"Server:{nameof(Strata.Core.Options.ServerOptions.Section)}", StringComparison.OrdinalIgnoreCase))
                // A nested section (Server:RateLimit) is read on the way to its keys.
                .Where(key => !documented.Any(d => d.StartsWith(key + ":", StringComparison.OrdinalIgnoreCase)))
                .Select(key => documented.FirstOrDefault(d => key.StartsWith(d + ":", StringComparison.OrdinalIgnoreCase)) ?? key)
                .ToHashSet(StringComparer.OrdinalIgnoreCase);

            Assert.Empty(read.Except(documented, StringComparer.OrdinalIgnoreCase));
            // A nested section that is absent is looked up as a whole (Server:RateLimit), not key by key.
            var unread = documented.Except(read, StringComparer.OrdinalIgnoreCase)
                .Where(key => !source.KeysRead.Any(section => section.Contains(':', StringComparison.Ordinal) && key.StartsWith(section + ":", StringComparison.OrdinalIgnoreCase)))
                .ToList();
            Assert.Empty(unread);
        }
        finally
        {
            if (Directory.Exists(paths.Home))
            {
                Directory.Delete(paths.Home, recursive: true);
            }
        }
    }

    /// <summary>In-memory configuration that records every key looked up, sections' children included.</summary>
    private sealed class RecordingConfigurationSource(IDictionary<string, string?> values) : IConfigurationSource
    {
        public ConcurrentDictionary<string, bool> Read { get; } = new(StringComparer.OrdinalIgnoreCase);

        public IEnumerable<string> KeysRead => Read.Keys;

        public IConfigurationProvider Build(IConfigurationBuilder builder) => new Provider(this, values);

        private sealed class Provider(RecordingConfigurationSource source, IDictionary<string, string?> values) : ConfigurationProvider
        {
            public override void Load()
            {
                foreach (var (key, value) in values)
                {
                    Data[key] = value;
                }
            }

            public override bool TryGet(string key, out string? value)
            {
                source.Read[key] = true;
                return base.TryGet(key, out value);
            }

            public override IEnumerable<string> GetChildKeys(IEnumerable<string> earlierKeys, string? parentPath)
            {
                if (parentPath is not null)
                {
                    source.Read[parentPath] = true;
                }

                return base.GetChildKeys(earlierKeys, parentPath);
            }
        }
    }
}
