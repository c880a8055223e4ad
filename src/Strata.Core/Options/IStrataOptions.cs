using Microsoft.Extensions.Configuration;

namespace Strata.Core.Options;

/// <summary>
/// The options of one configuration section (<c>Server</c>, <c>Models</c>, …): properties named as the keys, defaults
/// on the properties, limits as <see cref="System.ComponentModel.DataAnnotations"/> attributes. Bound and validated
/// once, at start, by <see cref="StrataOptionsBinder"/>.
/// </summary>
/// <typeparam name="TSelf">The options class itself.</typeparam>
public interface IStrataOptions<TSelf>
    where TSelf : IStrataOptions<TSelf>
{
    /// <summary>The section the class binds, e.g. <c>Server</c>.</summary>
    static abstract string Section { get; }

    /// <summary>
    /// Binds <paramref name="section"/> into <paramref name="options"/>. Each class writes the one-line call itself so
    /// that the configuration binding source generator sees the concrete type and binds without reflection, which cost
    /// about 40 ms of every command's start-up.
    /// </summary>
    static abstract void Bind(IConfiguration section, TSelf options);
}
