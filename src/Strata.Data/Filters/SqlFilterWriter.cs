using System.Text;

namespace Strata.Data.Filters;

/// <summary>
/// The part of translating a <see cref="MetadataFilter"/> to SQL that every dialect shares: <c>and</c>, <c>or</c> and
/// <c>not</c> become parenthesised boolean SQL; each dialect writes its own field comparisons.
/// </summary>
internal abstract class SqlFilterWriter
{
    /// <summary>The expression written so far.</summary>
    protected StringBuilder Sql { get; } = new();

    /// <summary>Writes <paramref name="filter"/> over the JSON column <paramref name="column"/>.</summary>
    protected void Write(MetadataFilter filter, string column)
    {
        switch (filter)
        {
            case AndFilter and:
                WriteJoined(and.Children, " AND ", column);
                break;
            case OrFilter or:
                WriteJoined(or.Children, " OR ", column);
                break;
            case NotFilter not:
                Sql.Append("(NOT ");
                Write(not.Child, column);
                Sql.Append(')');
                break;
            case FieldFilter field:
                WriteField(field, column);
                break;
            default:
                throw new StrataDataException($"Unsupported filter node {filter.GetType().Name}.");
        }
    }

    /// <summary>Writes one field comparison in the dialect, binding every path and value as a parameter.</summary>
    protected abstract void WriteField(FieldFilter field, string column);

    private void WriteJoined(IReadOnlyList<MetadataFilter> children, string separator, string column)
    {
        Sql.Append('(');
        for (var i = 0; i < children.Count; i++)
        {
            if (i > 0)
            {
                Sql.Append(separator);
            }

            Write(children[i], column);
        }

        Sql.Append(')');
    }
}
