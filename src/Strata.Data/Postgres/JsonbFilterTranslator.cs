using System.Globalization;
using System.Text.Json.Nodes;
using Npgsql;
using NpgsqlTypes;
using Strata.Data.Filters;

namespace Strata.Data.Postgres;

/// <summary>
/// Translates a <see cref="MetadataFilter"/> into a PostgreSQL boolean expression over the <c>metadata</c> jsonb column,
/// with the meaning <see cref="FilterPredicate"/> specifies (the embedded store's SQLite translation means the same).
/// Every field name and value is a bound parameter: nothing from the filter is ever spliced into SQL text.
/// </summary>
internal sealed class JsonbFilterTranslator : SqlFilterWriter
{
    private readonly List<NpgsqlParameter> parameters = [];
    private readonly string prefix;

    private JsonbFilterTranslator(string prefix) => this.prefix = prefix;

    /// <summary>Returns the SQL expression (to AND into a WHERE clause) and its parameters; "TRUE" for no filter.</summary>
    /// <param name="filter">The filter, or null.</param>
    /// <param name="metadataColumn">The jsonb column (a fixed identifier of ours, never user input).</param>
    /// <param name="parameterPrefix">Prefix of the parameter names, so that several translations can share a command.</param>
    public static (string Sql, IReadOnlyList<NpgsqlParameter> Parameters) Translate(MetadataFilter? filter, string metadataColumn = "metadata", string parameterPrefix = "f")
    {
        if (filter is null)
        {
            return ("TRUE", []);
        }

        var translator = new JsonbFilterTranslator(parameterPrefix);
        translator.Write(filter, metadataColumn);
        return (translator.Sql.ToString(), translator.parameters);
    }

    private string Bind(object value, NpgsqlDbType type)
    {
        var name = prefix + parameters.Count.ToString(CultureInfo.InvariantCulture);
        parameters.Add(new NpgsqlParameter(name, type) { Value = value });
        return "@" + name;
    }

    /// <inheritdoc />
    protected override void WriteField(FieldFilter field, string column)
    {
        switch (field.Operator)
        {
            case FilterOperator.Exists:
                // A stored value is never JSON null (the validator refuses it), so "-> key IS NULL" means "absent".
                Sql.Append(CultureInfo.InvariantCulture, $"(({column} -> {Bind(field.Field, NpgsqlDbType.Text)}) IS {(field.Exists ? "NOT " : "")}NULL)");
                break;
            case FilterOperator.Eq or FilterOperator.In:
                WriteContains(field, column);
                break;
            case FilterOperator.Ne or FilterOperator.Nin:
                Sql.Append("(NOT ");
                WriteContains(field, column);
                Sql.Append(')');
                break;
            default:
                WriteComparison(field, column);
                break;
        }
    }

    // Equality as jsonb containment: {"f": v} matches a scalar field equal to v, {"f": [v]} an array field holding v.
    // jsonb compares numbers numerically (2019 = 2019.0) and never equates values of different types, as the filter
    // language requires, and containment can use the GIN index on metadata.
    private void WriteContains(FieldFilter field, string column)
    {
        if (field.Values.Count == 0)
        {
            Sql.Append("(FALSE)");
            return;
        }

        Sql.Append('(');
        for (var i = 0; i < field.Values.Count; i++)
        {
            if (i > 0)
            {
                Sql.Append(" OR ");
            }

            if (field.Values[i].Elements is { } elements)
            {
                // An array operand equals the field whole: jsonb equality keeps order and compares numbers numerically.
                var array = new JsonArray([.. elements.Select(ToJson)]).ToJsonString();
                Sql.Append(CultureInfo.InvariantCulture, $"coalesce(({column} -> {Bind(field.Field, NpgsqlDbType.Text)}) = {Bind(array, NpgsqlDbType.Jsonb)}, FALSE)");
                continue;
            }

            var value = ToJson(field.Values[i]);
            var scalar = new JsonObject { [field.Field] = value }.ToJsonString();
            var inArray = new JsonObject { [field.Field] = new JsonArray(value.DeepClone()) }.ToJsonString();
            Sql.Append(CultureInfo.InvariantCulture, $"{column} @> {Bind(scalar, NpgsqlDbType.Jsonb)} OR {column} @> {Bind(inArray, NpgsqlDbType.Jsonb)}");
        }

        Sql.Append(')');
    }

    // Ordering comparisons hold only between values of the same type: numbers as doubles, strings by code point
    // (COLLATE "C", the byte order of UTF-8, as SQLite's BINARY). CASE guards each cast, since AND does not fix the
    // order PostgreSQL evaluates in.
    private void WriteComparison(FieldFilter condition, string column)
    {
        var op = condition.Operator switch
        {
            FilterOperator.Gt => ">", FilterOperator.Gte => ">=", FilterOperator.Lt => "<", _ => "<=",
        };
        var value = condition.Values[0];
        var key = Bind(condition.Field, NpgsqlDbType.Text);
        // An integer operand compares as numeric, exactly (a double would equate 2^53 + 1 with 2^53).
        var (type, operand, cast) = value.Text is { } text
            ? ("string", Bind(text, NpgsqlDbType.Text), "")
            : value.Integer is { } integer
                ? ("number", Bind((decimal)integer, NpgsqlDbType.Numeric), "numeric")
                : ("number", Bind(value.Number!.Value, NpgsqlDbType.Double), "float8");
        string Compare(string element) => type == "string"
            ? $"({element} #>> '{{}}') COLLATE \"C\" {op} {operand}"
            : $"{element}::{cast} {op} {operand}";

        // A scalar field is compared directly (no set-returning call per row); an array field through its elements.
        var field = $"({column} -> {key})";
        Sql.Append("(CASE jsonb_typeof(").Append(field).Append(") WHEN '").Append(type).Append("' THEN ").Append(Compare(field))
            .Append(" WHEN 'array' THEN EXISTS (SELECT 1 FROM jsonb_array_elements(").Append(field).Append(") AS e WHERE CASE WHEN jsonb_typeof(e) = '")
            .Append(type).Append("' THEN ").Append(Compare("e")).Append(" ELSE FALSE END) ELSE FALSE END)");
    }

    private static JsonNode ToJson(FilterValue value) =>
        value.Text is { } text ? JsonValue.Create(text)
        : value.Boolean is { } flag ? JsonValue.Create(flag)
        : value.Integer is { } integer ? JsonValue.Create(integer)
        : JsonValue.Create(value.Number!.Value);
}
