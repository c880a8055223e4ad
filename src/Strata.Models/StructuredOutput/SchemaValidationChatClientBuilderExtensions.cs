using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace Strata.Models.StructuredOutput;

/// <summary>Adds <see cref="SchemaValidatingChatClient"/> to a chat pipeline.</summary>
public static class SchemaValidationChatClientBuilderExtensions
{
    /// <summary>Validates structured answers (JSON schemas, tool arguments) and generates again when they do not validate.</summary>
    /// <param name="builder">The pipeline.</param>
    /// <param name="loggerFactory">Where retries are logged, if anywhere.</param>
    /// <param name="configure">Sets <see cref="SchemaValidatingChatClient.MaxAttempts"/>.</param>
    public static ChatClientBuilder UseSchemaValidation(this ChatClientBuilder builder, ILoggerFactory? loggerFactory = null, Action<SchemaValidatingChatClient>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Use((inner, services) =>
        {
            var client = new SchemaValidatingChatClient(inner, loggerFactory ?? services.GetService(typeof(ILoggerFactory)) as ILoggerFactory);
            configure?.Invoke(client);
            return client;
        });
    }
}
