using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Strata.Data;
using Strata.Data.Collections;
using Strata.Models;
using Strata.Core;
using Strata.Core.Options;
using Strata.Monitoring;
using Strata.Orchestration;
using Strata.Server.Anthropic;
using Strata.Server.Endpoints;
using Strata.Server.Images;
using Strata.Server.Knowledge;
using Strata.Server.Ollama;
using Strata.Server.OpenAi;
using Strata.Server.Protocols;
using Strata.Server.Responses;
using Strata.Server.Security;
using Strata.Synthesis;

namespace Strata.Server;

/// <summary>Builds <c>strata serve</c>: one ASP.NET Core process serving the OpenAI-compatible API and Strata's own.</summary>
public static class StrataServer
{
    /// <summary>
    /// Creates the web application for <paramref name="paths"/> and <paramref name="configuration"/>, listening on
    /// <c>Server:Urls</c> (loopback by default). Fails when asked to listen beyond loopback without API keys.
    /// </summary>
    /// <param name="paths">Where Strata keeps its data.</param>
    /// <param name="configuration">The effective configuration.</param>
    /// <param name="configureServices">Runs after every service is added: what it registers replaces them (tests use it).</param>
    /// <exception cref="ServerConfigurationException">The configuration is unsafe or invalid.</exception>
    /// <exception cref="Core.Errors.StrataConfigurationException">A configuration value is invalid; the message names the key.</exception>
    public static WebApplication Build(StrataPaths paths, IConfiguration configuration, Action<IServiceCollection>? configureServices = null)
    {
        ArgumentNullException.ThrowIfNull(paths);
        ArgumentNullException.ThrowIfNull(configuration);
        var server = StrataOptionsBinder.Bind<ServerOptions>(configuration);
        var apiKeys = ApiKeySet.From(server);
        BindAddressGuard.EnsureSafe(server.Urls, apiKeys);
        var certificate = ServerCertificate.Load(server.Certificate);
        if (certificate is null && ServerCertificate.AnyHttps(server.Urls))
        {
            throw new ServerConfigurationException(
                $"'{server.Urls}' asks for https, which needs a certificate: set Server:Certificate:Path (a PEM file with its key, or a .pfx with Server:Certificate:Password).");
        }

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = "Strata.Server",
            // Not the working directory: an unrelated appsettings.json there must not change the server.
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Configuration.AddConfiguration(configuration);
        // A failed start (an address in use, a bad certificate) is thrown to the caller, which says it in one line
        // ('strata serve' does); the host would also log it with a stack trace. A crashed background service is still
        // logged (critical). Data Protection's keys stay unencrypted in a folder only the user can read: no warning.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);
        builder.Logging.AddFilter("Microsoft.AspNetCore.DataProtection", LogLevel.Error);
        // Strata says itself when it serves and stops (ServerLog); the host's own lifetime lines would repeat it.
        builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Warning);
        builder.WebHost.UseUrls(server.Urls);
        builder.Services.AddSingleton(paths);
        builder.Services.AddSingleton(server);
        builder.Services.AddSingleton(apiKeys);
        var limits = RequestLimits.From(server) with { MaxChoices = StrataOptionsBinder.Bind<ModelsOptions>(configuration).Llama.MaxParallelSequences };
        builder.Services.AddSingleton(limits);
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = limits.MaxRequestBytes;
            if (certificate is not null)
            {
                kestrel.ConfigureHttpsDefaults(https => https.ServerCertificate = certificate);
            }
        });
        // The antiforgery cookie is Secure over https, like the session cookie (UiSessions).
        builder.Services.Configure<Microsoft.AspNetCore.Antiforgery.AntiforgeryOptions>(antiforgery =>
            antiforgery.Cookie.SecurePolicy = Microsoft.AspNetCore.Http.CookieSecurePolicy.SameAsRequest);
        builder.Services.Configure<FormOptions>(form => form.MultipartBodyLengthLimit = limits.MaxUploadBytes + (1 << 20));
        builder.Services.AddSingleton(ModelAdmission.From(server));
        builder.Services.AddSingleton<UiSessions>();
        builder.Services.AddSingleton<FailedAuthentications>();
        builder.Services.AddSingleton(RequestChecks.On);
        builder.Services.AddSingleton(provider => new OpenCollections(provider.GetRequiredService<IVectorDatabase>(), paths));
        builder.Services.AddSingleton<UploadFolder>();
        builder.Services.AddSingleton<KnowledgeDocuments>();
        builder.Services.AddSingleton<TextEmbeddingCheck>();
        builder.Services.AddSingleton<IngestionQueue>();
        builder.Services.AddHostedService(provider => provider.GetRequiredService<IngestionQueue>());
        builder.Services.AddSingleton<ImageGenerators>();
        builder.Services.AddSingleton<ResponseStore>();
        builder.Services.AddStrataRateLimits(server);
        builder.Services.AddLoginRateLimit();
        builder.Services.AddStrataCors(server);
        // Malformed bodies become exceptions, so ErrorResponseMiddleware answers them in the API's error shape.
        builder.Services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        builder.Services.AddOpenApi();
        // Antiforgery tokens and the like are sealed with keys kept under STRATA_HOME (not ~/.aspnet), so a server's
        // forms survive its restarts and two homes never share keys.
        var keyFolder = Directory.CreateDirectory(Path.Combine(paths.Home, "data-protection"));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(keyFolder.FullName, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        builder.Services.AddDataProtection().SetApplicationName("Strata").PersistKeysToFileSystem(keyFolder);
        builder.Services.AddRazorComponents();
        builder.Services.AddStrata(builder.Configuration).AddStrataTelemetry(builder.Configuration).AddServerTelemetry();
        // Last, so that what a test registers is what gets resolved.
        configureServices?.Invoke(builder.Services);

        var app = builder.Build();
        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Strata.Server");
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            log.ServerStarted(string.Join(", ", app.Urls), paths.Home, apiKeys.IsEmpty ? "no API keys: loopback clients only" : "API keys required");
            if (!apiKeys.IsEmpty && BindAddressGuard.PlainHttpBeyondLoopback(server.Urls) is { Count: > 0 } plain)
            {
                log.KeysOverPlainHttp(string.Join(", ", plain));
            }
        });
        app.Lifetime.ApplicationStopping.Register(() =>
        {
            if (app.Lifetime.ApplicationStarted.IsCancellationRequested)
            {
                log.ServerStopping();
            }
        });
        var checks = app.Services.GetRequiredService<RequestChecks>().Enabled;
        if (checks)
        {
            app.UseMiddleware<SecurityHeaders>();
        }

        app.UseMiddleware<ErrorResponseMiddleware>();
        // HEAD is answered as GET by every route (Kestrel still sends no body), before routing picks the endpoint.
        app.Use((context, next) =>
        {
            if (HttpMethods.IsHead(context.Request.Method))
            {
                context.Request.Method = HttpMethods.Get;
            }

            return next(context);
        });
        app.UseRouting();
        if (checks)
        {
            app.UseMiddleware<BrowserRequestGuard>();
        }

        app.UseCors();
        app.UseMiddleware<ApiKeyMiddleware>();
        app.UseRateLimiter();
        app.UseAntiforgery();
        app.MapHealthEndpoints();
        app.MapOpenAiModelsEndpoints();
        app.MapOpenAiChatEndpoints();
        app.MapOpenAiCompletionsEndpoints();
        app.MapResponsesEndpoints();
        app.MapOpenAiEmbeddingsEndpoints();
        app.MapRerankEndpoints();
        app.MapAnthropicMessagesEndpoints();
        // Ollama's routes share /api with Strata's own; their names do not overlap (see the README).
        app.MapOllamaChatEndpoints();
        app.MapOllamaEmbedEndpoints();
        app.MapOllamaModelEndpoints();
        app.MapOllamaPullEndpoint();
        app.MapImageGenerationEndpoints();
        app.MapCollectionsEndpoints();
        app.MapDocumentsEndpoints(limits);
        app.MapAskEndpoints();
        app.MapModelsApiEndpoints();
        app.MapLoginEndpoints();
        app.MapApiReference(apiKeys);
        app.MapWebUi();
        app.MapMonitoringEndpoints();
        app.MapUnknownApiRoutes();
        return app;
    }
}
