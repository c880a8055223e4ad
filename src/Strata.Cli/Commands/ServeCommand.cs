using System.CommandLine;
using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;
using Strata.Server;

namespace Strata.Cli.Commands;

/// <summary><c>strata serve</c>: the stack's one HTTP process.</summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var urls = new Option<string?>("--urls") { Description = "Where to listen (default http://127.0.0.1:8080; non-loopback needs API keys)" };
        // llama.cpp's server and most local model servers take --host and --port; they build the one URL --urls would.
        var host = new Option<string?>("--host") { Description = "Address to listen on, with --port instead of --urls (default 127.0.0.1; non-loopback needs API keys)" };
        var port = new Option<int?>("--port") { Description = "Port to listen on, with --host instead of --urls (default 8080)" };
        var apiKey = new Option<string[]>("--api-key")
        {
            Description = "Require this API key as 'Authorization: Bearer KEY' (repeatable)",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var command = new Command("serve", "Run the Strata server: OpenAI-compatible API and Strata's API") { urls, host, port, apiKey };
        command.SetAction((parse, cancellationToken) => CliAction.RunAsync(async () =>
        {
            var options = new Dictionary<string, string?> { ["Server:Urls"] = ListenUrl(parse.GetValue(urls), parse.GetValue(host), parse.GetValue(port)) };
            var keys = parse.GetValue(apiKey) ?? [];
            for (var i = 0; i < keys.Length; i++)
            {
                options[$"Server:ApiKeys:{i}"] = keys[i];
            }

            var context = CliContext.Create(parse, options);
            await using var app = StrataServer.Build(context.Paths, context.Configuration);
            // The server logs "Strata is serving on URLS (STRATA_HOME ...)" itself once it listens.
            await app.StartAsync(cancellationToken);
            await app.WaitForShutdownAsync(cancellationToken);
            return 0;
        }));
        return command;
    }

    /// <summary>
    /// The URL to listen on: <paramref name="urls"/> as given, or one built from <paramref name="host"/> and
    /// <paramref name="port"/> (an IPv6 address in brackets); null leaves the configured default.
    /// </summary>
    internal static string? ListenUrl(string? urls, string? host, int? port)
    {
        if (host is null && port is null)
        {
            return urls;
        }

        if (urls is not null)
        {
            throw new CliUsageException("Give either --urls or --host/--port, not both.");
        }

        if (port is < 0 or > 65535)
        {
            throw new CliUsageException($"--port {port} is not a port (0 to 65535).");
        }

        host ??= "127.0.0.1";
        if (host.Length == 0 || host.Any(c => char.IsWhiteSpace(c) || c is '/' or '?' or '#' or '@'))
        {
            throw new CliUsageException($"--host '{host}' is not a host name or address.");
        }

        var bracketed = host.Contains(':', StringComparison.Ordinal) && !host.StartsWith('[') ? $"[{host}]" : host;
        return string.Create(CultureInfo.InvariantCulture, $"http://{bracketed}:{port ?? 8080}");
    }

    /// <summary>The settings section of <c>strata serve --help</c>: every <c>Server:*</c> key with its default.</summary>
    public static string SettingsHelp()
    {
        var text = new StringBuilder();
        text.AppendLine("Settings (--set KEY=VALUE, $STRATA_HOME/strata.json, or STRATA__Server__...; 'strata config show' prints the effective ones):");
        var keyWidth = ServerSettings.All.Max(s => s.Key.Length) + 2;
        var defaultWidth = ServerSettings.All.Max(s => s.Default.Length) + 2;
        foreach (var setting in ServerSettings.All)
        {
            text.Append(CultureInfo.InvariantCulture, $"  {setting.Key.PadRight(keyWidth)}{setting.Default.PadRight(defaultWidth)}{setting.Meaning}").AppendLine();
        }

        text.AppendLine();
        text.AppendLine("Model pulls (POST /api/models/pull) go to HuggingFace:Endpoint (HF_ENDPOINT; default the Hugging Face Hub) with");
        text.AppendLine("HuggingFace:Token (HF_TOKEN); chat models load on first use with Models:Llama:ContextSize and unload after Models:IdleSeconds.");
        return text.ToString();
    }
}
