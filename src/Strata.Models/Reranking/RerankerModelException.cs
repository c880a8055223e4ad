using Strata.Core.Errors;

namespace Strata.Models.Reranking;

/// <summary>A model cannot rerank: it is not an ONNX cross-encoder, has no tokenizer, or its graph is damaged.</summary>
public sealed class RerankerModelException : StrataException
{
    /// <summary>Creates the exception; it names the request's <c>model</c> field.</summary>
    public RerankerModelException(string message, Exception? innerException = null)
        : base(StrataErrorKind.Invalid, message, innerException)
    {
        Param = "model";
    }
}
