namespace Strata.Core.Options;

/// <summary>One configuration key an options class binds, with its default and what it changes.</summary>
/// <param name="Key">The full key, e.g. <c>Server:MaxOutputTokens</c>.</param>
/// <param name="Default">The default value, as a person would write it (<c>none</c> when unset).</param>
/// <param name="Description">What the key changes, from the property's <see cref="System.ComponentModel.DescriptionAttribute"/>.</param>
public sealed record OptionKey(string Key, string Default, string Description);
