using System.Net;

namespace Strata.Models.HuggingFace;

/// <summary>Turns the Hub's error responses into messages that say what is wrong and what to do.</summary>
internal static class HubErrors
{
    /// <summary>Builds the exception for an error status. <paramref name="path"/> is null for the file-list request.</summary>
    public static HubException ForStatus(HttpResponseMessage response, string repositoryId, string revision, string? path, bool hasToken)
    {
        var status = response.StatusCode;
        // The Hub names the cause in X-Error-Code (RepoNotFound, RevisionNotFound, EntryNotFound, GatedRepo).
        var code = response.Headers.TryGetValues("X-Error-Code", out var values) ? values.FirstOrDefault() : null;
        var tokenAdvice = hasToken
            ? "The token in HF_TOKEN was not accepted or lacks access to it."
            : "Set HF_TOKEN to a Hugging Face access token that can read it.";
        var message = (int)status switch
        {
            401 or 403 when code == "GatedRepo" =>
                $"{repositoryId} is a gated repository: accept its terms on its Hugging Face page, then set HF_TOKEN to a token of that account ({(int)status}).",
            401 => $"Hugging Face refused access to {repositoryId} (401 Unauthorized): it is private or gated, or it does not exist. {tokenAdvice}",
            403 => $"Hugging Face forbids access to {repositoryId} (403 Forbidden): it is gated or private. {tokenAdvice} For a gated model, also accept its terms on its page.",
            404 when code == "RepoNotFound" => $"The repository {repositoryId} was not found on Hugging Face (404). Check the owner and name.",
            404 when code == "RevisionNotFound" => $"The revision '{revision}' was not found in {repositoryId} (404). Check the branch, tag or commit after '@'.",
            404 when code == "EntryNotFound" || path is not null => $"The file '{path}' was not found in {repositoryId} at revision '{revision}' (404).",
            404 => $"The repository {repositoryId} or its revision '{revision}' was not found on Hugging Face (404).",
            >= 500 => $"Hugging Face had a server error ({(int)status} {response.ReasonPhrase}) for {repositoryId}. Try again later; a rerun resumes the download.",
            _ => $"Hugging Face answered {(int)status} {response.ReasonPhrase} for {repositoryId}{(path is null ? "" : $" file '{path}'")}.",
        };
        return new HubException(message, status);
    }

    public static HubException ForNetwork(Uri uri, Exception cause) =>
        new($"Could not reach {uri.GetLeftPart(UriPartial.Authority)}: {cause.Message} Check the network connection or HF_ENDPOINT; --offline uses models already stored.", cause);
}
