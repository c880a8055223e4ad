using System.Linq.Expressions;
using Strata.Data.Filters;

namespace Strata.Data.VectorData;

/// <summary>
/// Translates the LINQ filters of Microsoft.Extensions.VectorData (<c>r =&gt; r.Lang == "en" &amp;&amp; r.Year &gt;= 2020</c>) into
/// Strata's <see cref="MetadataFilter"/>: comparisons of a data property with a value, <c>&amp;&amp;</c>, <c>||</c>, <c>!</c>,
/// and boolean properties. Anything else is refused rather than evaluated differently from what it says.
/// </summary>
internal static class ExpressionFilterTranslator
{
    public static MetadataFilter Translate<TRecord>(Expression<Func<TRecord, bool>> filter, RecordMapper<TRecord> mapper)
        where TRecord : class => Visit(filter.Body, mapper);

    private static MetadataFilter Visit<TRecord>(Expression expression, RecordMapper<TRecord> mapper)
        where TRecord : class
    {
        switch (expression)
        {
            case BinaryExpression { NodeType: ExpressionType.AndAlso } and:
                return new AndFilter([Visit(and.Left, mapper), Visit(and.Right, mapper)]);
            case BinaryExpression { NodeType: ExpressionType.OrElse } or:
                return new OrFilter([Visit(or.Left, mapper), Visit(or.Right, mapper)]);
            case UnaryExpression { NodeType: ExpressionType.Not } not:
                return new NotFilter(Visit(not.Operand, mapper));
            case MemberExpression member when member.Type == typeof(bool) && Field(member, mapper) is { } flag:
                return new FieldFilter(flag, FilterOperator.Eq, [new FilterValue(null, null, true)]);
            case BinaryExpression binary when Comparison(binary.NodeType) is { } op:
                var (field, value, swapped) = Field(binary.Left, mapper) is { } left ? (left, binary.Right, false)
                    : Field(binary.Right, mapper) is { } right ? (right, binary.Left, true)
                    : throw Unsupported(expression);
                return new FieldFilter(field, swapped ? Swap(op) : op, [Value(value, field)]);
            default:
                throw Unsupported(expression);
        }
    }

    private static string? Field<TRecord>(Expression expression, RecordMapper<TRecord> mapper)
        where TRecord : class
    {
        while (expression is UnaryExpression { NodeType: ExpressionType.Convert } convert)
        {
            expression = convert.Operand;
        }

        return expression is MemberExpression { Expression: ParameterExpression } member ? mapper.FieldOf(member.Member) : null;
    }

    private static FilterValue Value(Expression expression, string field)
    {
        // Captured variables and constants: evaluate them once, here, never the record-dependent side.
        var value = Expression.Lambda(expression).Compile().DynamicInvoke();
        return value switch
        {
            string text => new FilterValue(text, null, null),
            bool flag => new FilterValue(null, null, flag),
            null => throw new NotSupportedException($"Comparing '{field}' with null is not supported; use an exists filter."),
            IConvertible number => new FilterValue(null, Convert.ToDouble(number, System.Globalization.CultureInfo.InvariantCulture), null),
            _ => throw new NotSupportedException($"Cannot compare '{field}' with a {value.GetType().Name}."),
        };
    }

    private static FilterOperator? Comparison(ExpressionType type) => type switch
    {
        ExpressionType.Equal => FilterOperator.Eq,
        ExpressionType.NotEqual => FilterOperator.Ne,
        ExpressionType.GreaterThan => FilterOperator.Gt,
        ExpressionType.GreaterThanOrEqual => FilterOperator.Gte,
        ExpressionType.LessThan => FilterOperator.Lt,
        ExpressionType.LessThanOrEqual => FilterOperator.Lte,
        _ => null,
    };

    private static FilterOperator Swap(FilterOperator op) => op switch
    {
        FilterOperator.Gt => FilterOperator.Lt,
        FilterOperator.Gte => FilterOperator.Lte,
        FilterOperator.Lt => FilterOperator.Gt,
        FilterOperator.Lte => FilterOperator.Gte,
        _ => op,
    };

    private static NotSupportedException Unsupported(Expression expression) =>
        new($"Filter '{expression}' is not supported: use comparisons of data properties with values, &&, || and !.");
}
