namespace Strata.Monitoring.Telemetry;

/// <summary>The attribute names the trace store lifts into columns (OpenTelemetry gen_ai semantic conventions).</summary>
public static class TelemetryTags
{
    /// <summary>The gen_ai operation: chat, embeddings…</summary>
    public const string Operation = "gen_ai.operation.name";

    /// <summary>The model the request named.</summary>
    public const string RequestModel = "gen_ai.request.model";

    /// <summary>The model that answered.</summary>
    public const string ResponseModel = "gen_ai.response.model";

    /// <summary>Prompt tokens.</summary>
    public const string InputTokens = "gen_ai.usage.input_tokens";

    /// <summary>Completion tokens.</summary>
    public const string OutputTokens = "gen_ai.usage.output_tokens";

    /// <summary>The error's type on a failed span.</summary>
    public const string ErrorType = "error.type";

    /// <summary>The id (never the secret) of the API key a server request used; the usage report groups by it.</summary>
    public const string ApiKey = "strata.api_key.id";
}
