using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Strata.Server.OpenAi;

namespace Strata.Server.Endpoints;

/// <summary>Documents, for every route of a group, the error statuses it may answer in the <see cref="OpenAiError"/> shape.</summary>
internal static class ErrorResponseMetadata
{
    public static TBuilder ProducesErrors<TBuilder>(this TBuilder builder, params int[] statuses) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(statuses.Select(status => (object)new ProducesResponseTypeMetadata(status, typeof(OpenAiError), ["application/json"])).ToArray());
}
