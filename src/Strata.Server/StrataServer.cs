using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Strata.Data;
using Strata.Models;
using Strata.Models.Configuration;
using Strata.Monitoring;
using Strata.Orchestration;
using Strata.Server.Anthropic;
using Strata.Server.Endpoints;
using Strata.Server.OpenAi;
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
    /// <exception cref="ServerConfigurationException">The configuration is unsafe or invalid.</exception>
    public static WebApplication Build(StrataPaths paths, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(paths);
        ArgumentNullException.ThrowIfNull(configuration);
        var urls = configuration["Server:Urls"] ?? "http://127.0.0.1:8080";
        var apiKeys = ApiKeySet.FromConfiguration(configuration);
        BindAddressGuard.EnsureSafe(urls, apiKeys);

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = "Strata.Server",
            // Not the working directory: an unrelated appsettings.json there must not change the server.
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Configuration.AddConfiguration(configuration);
        builder.WebHost.UseUrls(urls);
        builder.Services.AddSingleton(paths);
        builder.Services.AddSingleton(apiKeys);
        var limits = RequestLimits.FromConfiguration(configuration);
        builder.Services.AddSingleton(limits);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = limits.MaxRequestBytes);
        builder.Services.AddSingleton(ModelAdmission.FromConfiguration(configuration));
        builder.Services.AddStrataRateLimits(configuration);
        builder.Services.AddStrataCors(configuration);
        builder.Services.AddOpenApi();
        builder.Services.AddRazorComponents();
        builder.Services
            .AddStrataModels(configuration)
            .AddStrataData(configuration)
            .AddStrataOrchestration(configuration)
            .AddStrataSynthesis(configuration)
            .AddStrataMonitoring(configuration)
            .AddServerTelemetry();

        var app = builder.Build();
        app.UseMiddleware<ErrorResponseMiddleware>();
        app.UseCors();
        app.UseMiddleware<ApiKeyMiddleware>();
        app.UseRateLimiter();
        app.UseAntiforgery();
        app.MapHealthEndpoints();
        app.MapOpenAiModelsEndpoints();
        app.MapOpenAiChatEndpoints();
        app.MapOpenAiEmbeddingsEndpoints();
        app.MapAnthropicMessagesEndpoints();
        app.MapApiReference();
        app.MapWebUi();
        app.MapMonitoringEndpoints();
        return app;
    }
}
