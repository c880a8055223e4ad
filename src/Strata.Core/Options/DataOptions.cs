using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;

namespace Strata.Core.Options;

/// <summary><c>Data:*</c>: which vector store backend holds the collections.</summary>
public sealed class DataOptions : IStrataOptions<DataOptions>, IValidatableObject
{
    /// <summary>The default backend: SQLite + Strata's HNSW, one machine, no server.</summary>
    public const string Embedded = "embedded";

    /// <summary>PostgreSQL with pgvector.</summary>
    public const string Postgres = "postgres";

    /// <inheritdoc />
    public static string Section => "Data";

    /// <inheritdoc />
    public static void Bind(IConfiguration section, DataOptions options) => section.Bind(options);

    /// <summary><c>embedded</c> or <c>postgres</c> (also accepted: <c>postgresql</c>, <c>pgvector</c>).</summary>
    [Description("vector store backend: 'embedded' (SQLite + Strata's HNSW, one machine) or 'postgres' (PostgreSQL with pgvector)")]
    public string Provider { get; set; } = Embedded;

    /// <summary>Where embedded collections live; unset means <c>$STRATA_HOME/data</c>.</summary>
    [Description("where embedded collections live (default $STRATA_HOME/data)")]
    public string? Directory { get; set; }

    /// <summary>The PostgreSQL to use with <c>Provider = postgres</c> (else <c>ConnectionStrings:Strata</c>).</summary>
    [Description("the PostgreSQL to use with Data:Provider = postgres (or ConnectionStrings:Strata)")]
    public string? ConnectionString { get; set; }

    /// <summary>The provider, normalised to <see cref="Embedded"/> or <see cref="Postgres"/>; null when unknown.</summary>
    public string? NormalizedProvider => (Provider ?? Embedded).Trim().ToLowerInvariant() switch
    {
        Embedded => Embedded,
        Postgres or "postgresql" or "pgvector" => Postgres,
        _ => null,
    };

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (NormalizedProvider is null)
        {
            yield return new ValidationResult($"'{Provider}' is not known: use 'embedded' (the default) or 'postgres'.", [nameof(Provider)]);
        }
    }
}
