namespace Strata.Core;

/// <summary>Counts text in the tokens of the model that will read it, so chunks fit that model's input.</summary>
public interface ITokenCounter
{
    /// <summary>The number of tokens <paramref name="text"/> encodes to, without the model's special tokens.</summary>
    int CountTokens(string text);
}
