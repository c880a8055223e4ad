using Microsoft.AspNetCore.Http;
using Strata.Data;
using Strata.Models.Catalog;
using Strata.Models.Llama;
using Strata.Models.Store;
using Strata.Server.OpenAi;
using Strata.Server.Security;

namespace Strata.Server.Tests.Security;

/// <summary>Exceptions to responses, as a table: the mapping is a pure function apart from the HTTP writing.</summary>
public sealed class ErrorMappingTests
{
    public static TheoryData<Exception, int, string, string?, string?> Cases => new()
    {
        { new OpenAiRequestException("'k' must be between 1 and 50, got 99.", "k", "invalid_value"), 400, "invalid_request_error", "invalid_value", "k" },
        { new OpenAiRequestException("busy", code: "model_busy", statusCode: 429), 429, "rate_limit_exceeded", "model_busy", null },
        { new ModelCatalogException("No model 'nope'."), 404, "invalid_request_error", "model_not_found", "model" },
        { new ModelNotFoundException("nope"), 404, "invalid_request_error", "model_not_found", "model" },
        { new ContextWindowExceededException(5000, 512, 4096), 400, "invalid_request_error", "context_length_exceeded", "messages" },
        { new StrataDataException("Unknown collection 'c'."), 400, "invalid_request_error", "invalid_data", null },
        { new NotSupportedException("No tools here."), 400, "invalid_request_error", "unsupported", null },
        { new BadHttpRequestException("too big", StatusCodes.Status413PayloadTooLarge), 413, "invalid_request_error", "request_too_large", null },
        { new InvalidOperationException("/home/someone/.strata/models/x failed"), 500, "server_error", null, null },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Each_exception_becomes_its_status_type_code_and_field(Exception exception, int status, string type, string? code, string? param)
    {
        var (actualStatus, actualType, actualCode, actualParam, _) = ErrorResponseMiddleware.Describe(exception);

        Assert.Equal((status, type, code, param), (actualStatus, actualType, actualCode, actualParam));
    }

    [Fact]
    public void An_unexpected_error_says_nothing_of_its_message_or_the_servers_paths()
    {
        var (_, _, _, _, message) = ErrorResponseMiddleware.Describe(new IOException("/home/someone/.strata/data/c.db is locked"));

        Assert.DoesNotContain("/home", message, StringComparison.Ordinal);
        Assert.Equal("The server failed to process the request; its log has the details.", message);
    }

    [Fact]
    public void A_refused_request_keeps_its_own_message()
    {
        var (_, _, _, _, message) = ErrorResponseMiddleware.Describe(new OpenAiRequestException("'question' is required.", "question"));

        Assert.Equal("'question' is required.", message);
    }
}
