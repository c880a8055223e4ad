using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;

namespace Strata.Data.Filters;

/// <summary>
/// Translates a <see cref="MetadataFilter"/> into a SQLite boolean expression over the <c>metadata</c> JSON column.
/// Every field path and value becomes a bound parameter: nothing from the filter is ever spliced into SQL text.
/// </summary>
internal sealed class SqlFilterTranslator
{
    private readonly StringBuilder sql = new();
    private readonly List<SqliteParameter> parameters = [];

    private SqlFilterTranslator()
    {
    }

    /// <summary>Returns the SQL expression (to AND into a WHERE clause) and its parameters; "1" for no filter.</summary>
    public static (string Sql, IReadOnlyList<SqliteParameter> Parameters) Translate(MetadataFilter? filter, string metadataColumn = "metadata")
    {
        if (filter is null)
        {
            return ("1", []);
        }

        var translator = new SqlFilterTranslator();
        translator.Write(filter, metadataColumn);
        return (translator.sql.ToString(), translator.parameters);
    }

    private string Bind(object value)
    {
        var name = "@f" + parameters.Count.ToString(CultureInfo.InvariantCulture);
        parameters.Add(new SqliteParameter(name, value));
        return name;
    }

    private void Write(MetadataFilter filter, string column)
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
                sql.Append("(NOT ");
                Write(not.Child, column);
                sql.Append(')');
                break;
            case FieldFilter field:
                WriteField(field, column);
                break;
            default:
                throw new StrataDataException($"Unsupported filter node {filter.GetType().Name}.");
        }
    }

    private void WriteJoined(IReadOnlyList<MetadataFilter> children, string separator, string column)
    {
        sql.Append('(');
        for (var i = 0; i < children.Count; i++)
        {
            if (i > 0)
            {
                sql.Append(separator);
            }

            Write(children[i], column);
        }

        sql.Append(')');
    }

    private void WriteField(FieldFilter field, string column)
    {
        var path = Bind("$.\"" + field.Field + "\"");
        switch (field.Operator)
        {
            case FilterOperator.Exists:
                sql.Append(CultureInfo.InvariantCulture, $"(json_type({column}, {path}) IS {(field.Exists ? "NOT " : "")}NULL)");
                break;
            case FilterOperator.Eq or FilterOperator.In:
                WriteAnyElement(path, field.Values, "=", column);
                break;
            case FilterOperator.Ne or FilterOperator.Nin:
                sql.Append("(NOT ");
                WriteAnyElement(path, field.Values, "=", column);
                sql.Append(')');
                break;
            default:
                var op = field.Operator switch
                {
                    FilterOperator.Gt => ">", FilterOperator.Gte => ">=", FilterOperator.Lt => "<", _ => "<=",
                };
                WriteAnyElement(path, field.Values, op, column);
                break;
        }
    }

    // json_each over a path yields the element itself for a scalar and each element for an array, so one EXISTS
    // covers both "field equals" and "array field contains".
    private void WriteAnyElement(string path, IReadOnlyList<FilterValue> values, string op, string column)
    {
        if (values.Count == 0)
        {
            sql.Append("(0)");
            return;
        }

        sql.Append(CultureInfo.InvariantCulture, $"(EXISTS (SELECT 1 FROM json_each({column}, {path}) AS e WHERE ");
        for (var i = 0; i < values.Count; i++)
        {
            if (i > 0)
            {
                sql.Append(" OR ");
            }

            var value = values[i];
            if (value.Boolean is { } flag)
            {
                sql.Append(flag ? "e.type = 'true'" : "e.type = 'false'");
            }
            else if (value.Text is { } text)
            {
                sql.Append(CultureInfo.InvariantCulture, $"(e.type = 'text' AND e.value {op} {Bind(text)})");
            }
            else
            {
                sql.Append(CultureInfo.InvariantCulture, $"(e.type IN ('integer', 'real') AND e.value {op} {Bind(value.Number!.Value)})");
            }
        }

        sql.Append("))");
    }
}
