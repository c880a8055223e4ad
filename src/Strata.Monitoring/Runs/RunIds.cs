using System.Security.Cryptography;

namespace Strata.Monitoring.Runs;

/// <summary>Run ids: short, random, and safe to use as folder names because they hold only [a-z0-9].</summary>
public static class RunIds
{
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";

    /// <summary>A new random id of 8 characters.</summary>
    public static string New() => RandomNumberGenerator.GetString(Alphabet, 8);

    /// <summary>Whether <paramref name="id"/> could be a run id (and so is safe inside a path).</summary>
    public static bool IsValid(string? id) =>
        !string.IsNullOrEmpty(id) && id.Length <= 64 && id.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9'));

    /// <summary>Throws unless <paramref name="id"/> is valid.</summary>
    /// <exception cref="ArgumentException">The id holds other characters.</exception>
    public static string Validate(string id) =>
        IsValid(id) ? id : throw new ArgumentException($"'{id}' is not a run id (lowercase letters and digits only).", nameof(id));
}
