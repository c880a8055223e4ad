namespace Strata.Core.Errors;

/// <summary>A configuration value is missing, malformed or out of range; <see cref="Key"/> names it (for example <c>Server:MaxOutputTokens</c>).</summary>
public sealed class StrataConfigurationException : StrataException
{
    /// <summary>Creates the error for <paramref name="key"/>; the message starts with the key.</summary>
    public StrataConfigurationException(string key, string problem, Exception? innerException = null)
        : base(StrataErrorKind.Invalid, $"{key}: {problem}", innerException)
    {
        Key = key;
        Param = key;
    }

    /// <summary>The configuration key at fault.</summary>
    public string Key { get; }
}
