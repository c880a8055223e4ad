using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Strata.Data.Filters;

/// <summary>
/// Translates a <see cref="MetadataFilter"/> into a SQLite boolean expression over the <c>metadata</c> JSON column.
/// Every field path and value becomes a bound parameter: nothing from the filter is ever spliced into SQL text.
/// </summary>
internal sealed class SqlFilterTranslator : SqlFilterWriter
{
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
        return (translator.Sql.ToString(), translator.parameters);
    }

    private string Bind(object value)
    {
        var name = "@f" + parameters.Count.ToString(CultureInfo.InvariantCulture);
        parameters.Add(new SqliteParameter(name, value));
        return name;
    }

    /// <inheritdoc />
    protected override void WriteField(FieldFilter field, string column)
    {
        var path = Bind("$.\"" + field.Field + "\"");
        switch (field.Operator)
        {
            case FilterOperator.Exists:
                Sql.Append(CultureInfo.InvariantCulture, $"(json_type({column}, {path}) IS {(field.Exists ? "NOT " : "")}NULL)");
                break;
            case FilterOperator.Eq or FilterOperator.In:
                WriteEquals(field, path, column);
                break;
            case FilterOperator.Ne or FilterOperator.Nin:
                Sql.Append("(NOT ");
                WriteEquals(field, path, column);
                Sql.Append(')');
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

    // Scalar operands through json_each (below); an array operand compares the field whole, element by element. Every
    // comparison uses IS, so an absent field gives false rather than NULL and NOT keeps its meaning.
    private void WriteEquals(FieldFilter field, string path, string column)
    {
        var arrays = field.Values.Where(v => v.Elements is not null).ToList();
        if (arrays.Count == 0)
        {
            WriteAnyElement(path, field.Values, "=", column);
            return;
        }

        Sql.Append('(');
        WriteAnyElement(path, [.. field.Values.Where(v => v.Elements is null)], "=", column);
        foreach (var array in arrays)
        {
            var elements = array.Elements!;
            Sql.Append(CultureInfo.InvariantCulture, $" OR (json_type({column}, {path}) IS 'array' AND json_array_length({column}, {path}) IS {elements.Count}");
            for (var i = 0; i < elements.Count; i++)
            {
                var element = Bind("$.\"" + field.Field + "\"[" + i.ToString(CultureInfo.InvariantCulture) + "]");
                var value = elements[i];
                Sql.Append(" AND ");
                Sql.Append(value.Boolean is { } flag
                    ? $"json_type({column}, {element}) IS '{(flag ? "true" : "false")}'"
                    : value.Text is { } text
                        ? $"(json_type({column}, {element}) IS 'text' AND json_extract({column}, {element}) IS {Bind(text)})"
                        : $"(json_type({column}, {element}) IN ('integer', 'real') AND json_extract({column}, {element}) IS {Bind(value.Integer is { } integer ? (object)integer : value.Number!.Value)})");
            }

            Sql.Append(')');
        }

        Sql.Append(')');
    }

    // json_each over a path yields the element itself for a scalar and each element for an array, so one EXISTS
    // covers both "field equals" and "array field contains".
    private void WriteAnyElement(string path, IReadOnlyList<FilterValue> values, string op, string column)
    {
        if (values.Count == 0)
        {
            Sql.Append("(0)");
            return;
        }

        Sql.Append(CultureInfo.InvariantCulture, $"(EXISTS (SELECT 1 FROM json_each({column}, {path}) AS e WHERE ");
        for (var i = 0; i < values.Count; i++)
        {
            if (i > 0)
            {
                Sql.Append(" OR ");
            }

            var value = values[i];
            if (value.Boolean is { } flag)
            {
                Sql.Append(flag ? "e.type = 'true'" : "e.type = 'false'");
            }
            else if (value.Text is { } text)
            {
                Sql.Append(CultureInfo.InvariantCulture, $"(e.type = 'text' AND e.value {op} {Bind(text)})");
            }
            else
            {
                Sql.Append(CultureInfo.InvariantCulture, $"(e.type IN ('integer', 'real') AND e.value {op} {Bind(value.Integer is { } integer ? (object)integer : value.Number!.Value)})");
            }
        }

        Sql.Append("))");
    }
}
