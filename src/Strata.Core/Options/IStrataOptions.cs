namespace Strata.Core.Options;

/// <summary>
/// The options of one configuration section (<c>Server</c>, <c>Models</c>, …): properties named as the keys, defaults
/// on the properties, limits as <see cref="System.ComponentModel.DataAnnotations"/> attributes. Bound and validated
/// once, at start, by <see cref="StrataOptionsBinder"/>.
/// </summary>
public interface IStrataOptions
{
    /// <summary>The section the class binds, e.g. <c>Server</c>.</summary>
    static abstract string Section { get; }
}
