using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Strata.Core;
using Strata.Server.Security;

namespace Strata.Server.Tests.Security;

/// <summary>https:// from a certificate in configuration (PEM or PFX), Secure cookies over it, and the warnings and errors around it.</summary>
public sealed partial class TlsTests : IDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), "strata-tls-test-" + Guid.NewGuid().ToString("N"));
    private readonly X509Certificate2 certificate;

    public TlsTests()
    {
        Directory.CreateDirectory(folder);
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        File.WriteAllText(Path.Combine(folder, "both.pem"), certificate.ExportCertificatePem() + "\n" + key.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(Path.Combine(folder, "cert.pem"), certificate.ExportCertificatePem());
        File.WriteAllText(Path.Combine(folder, "key.pem"), key.ExportPkcs8PrivateKeyPem());
        File.WriteAllBytes(Path.Combine(folder, "server.pfx"), certificate.Export(X509ContentType.Pfx, "pfx-password"));
    }

    [Theory]
    [InlineData("both.pem", null, null)]
    [InlineData("cert.pem", "key.pem", null)]
    [InlineData("server.pfx", null, "pfx-password")]
    public async Task An_https_address_is_served_with_the_configured_certificate(string file, string? keyFile, string? password)
    {
        await using var server = await RunningServer.StartAsync(Https(file, keyFile, password));
        string? presented = null;
        using var client = Client(server, seen => presented = seen);

        var response = await client.GetAsync(new Uri("/health", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("https", server.Client.BaseAddress!.Scheme);
        Assert.Equal(certificate.Thumbprint, presented);
    }

    [Fact]
    public async Task Over_https_the_session_and_antiforgery_cookies_are_secure()
    {
        var settings = Https("both.pem", null, null);
        settings["Server:ApiKeys:0"] = "k-tls";
        await using var server = await RunningServer.StartAsync(settings);
        using var client = Client(server, _ => { });

        var form = await client.GetAsync(new Uri("/login?returnUrl=%2F", UriKind.Relative));
        var html = await form.Content.ReadAsStringAsync();
        var antiforgery = form.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(".AspNetCore.Antiforgery", StringComparison.Ordinal));
        var match = AntiforgeryField().Match(html);
        var token = match.Groups[1].Success ? match.Groups[1].Value : match.Groups[2].Value;
        using var post = new HttpRequestMessage(HttpMethod.Post, "/login")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["key"] = "k-tls", ["returnUrl"] = "/", ["__RequestVerificationToken"] = token }),
        };
        post.Headers.Add("Cookie", antiforgery.Split(';')[0]);
        var signedIn = await client.SendAsync(post);

        Assert.Contains("secure", antiforgery, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        var session = signedIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(UiSessions.CookieName + "=", StringComparison.Ordinal));
        Assert.Contains("secure", session, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void An_https_address_without_a_certificate_is_a_configuration_error_naming_the_key()
    {
        var error = Assert.Throws<ServerConfigurationException>(() => Build(new Dictionary<string, string?> { ["Server:Urls"] = "https://127.0.0.1:0" }));

        Assert.Contains("Server:Certificate:Path", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("missing.pem", null, null)]
    [InlineData("cert.pem", null, null)]
    [InlineData("server.pfx", null, "wrong-password")]
    public void A_certificate_that_cannot_be_loaded_is_a_configuration_error_naming_the_key(string file, string? keyFile, string? password)
    {
        var error = Assert.Throws<ServerConfigurationException>(() => Build(Https(file, keyFile, password)));

        Assert.StartsWith("Server:Certificate:Path", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Keys_on_a_plain_http_address_beyond_loopback_are_warned_about_at_start()
    {
        var logs = new LogCapture();
        await using var server = await RunningServer.StartAsync(
            new Dictionary<string, string?> { ["Server:Urls"] = "http://0.0.0.0:0", ["Server:ApiKeys:0"] = "k-plain" },
            replace: services => services.AddSingleton<ILoggerProvider>(logs));
        await using var loopback = await RunningServer.StartAsync(
            new Dictionary<string, string?> { ["Server:ApiKeys:0"] = "k-plain" },
            replace: services => services.AddSingleton<ILoggerProvider>(new LogCapture()));

        Assert.Contains(logs.Lines, line => line.StartsWith("Warning:", StringComparison.Ordinal) && line.Contains("clear text on http://0.0.0.0:0", StringComparison.Ordinal));
    }

    public void Dispose()
    {
        certificate.Dispose();
        Directory.Delete(folder, recursive: true);
    }

    private Dictionary<string, string?> Https(string file, string? keyFile, string? password) => new()
    {
        ["Server:Urls"] = "https://127.0.0.1:0",
        ["Server:Certificate:Path"] = Path.Combine(folder, file),
        ["Server:Certificate:KeyPath"] = keyFile is null ? null : Path.Combine(folder, keyFile),
        ["Server:Certificate:Password"] = password,
    };

    private HttpClient Client(RunningServer server, Action<string> seen)
    {
        var handler = new HttpClientHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            ServerCertificateCustomValidationCallback = (_, presented, _, errors) =>
            {
                seen(presented!.Thumbprint);
                return presented!.Thumbprint == certificate.Thumbprint && errors is SslPolicyErrors.None or SslPolicyErrors.RemoteCertificateChainErrors;
            },
        };
        return new HttpClient(handler) { BaseAddress = server.Client.BaseAddress };
    }

    private static void Build(Dictionary<string, string?> settings)
    {
        var home = Path.Combine(Path.GetTempPath(), "strata-tls-build-" + Guid.NewGuid().ToString("N"));
        try
        {
            var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
            StrataServer.Build(new StrataPaths(home), configuration);
        }
        finally
        {
            if (Directory.Exists(home))
            {
                Directory.Delete(home, recursive: true);
            }
        }
    }

    [GeneratedRegex("<input[^>]*name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"|<input[^>]*value=\"([^\"]+)\"[^>]*name=\"__RequestVerificationToken\"")]
    private static partial Regex AntiforgeryField();

    private sealed class LogCapture : ILoggerProvider
    {
        public ConcurrentQueue<string> Lines { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(this);

        public void Dispose()
        {
        }

        private sealed class Logger(LogCapture capture) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                capture.Lines.Enqueue($"{logLevel}: {formatter(state, exception)}");
        }
    }
}
