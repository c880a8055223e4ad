using System.Collections;
using System.Linq.Expressions;
using Microsoft.Extensions.VectorData.ProviderServices;
using Microsoft.Extensions.VectorData.ProviderServices.Filter;
using Strata.Data.Filters;

namespace Strata.Data.VectorData;

/// <summary>
/// Translates the LINQ filters of Microsoft.Extensions.VectorData into Strata's <see cref="MetadataFilter"/>, which every
/// backend evaluates itself (SQLite JSON functions, jsonb): comparisons of a key or data property with a value (captured
/// variables and members included; an array compared whole with <c>==</c> or <c>!=</c>), <c>== null</c> / <c>!= null</c>, <c>&amp;&amp;</c>, <c>||</c>, <c>!</c>, boolean
/// properties, <c>Contains</c> over an array property or over a list of values, <c>Any</c> with <c>Contains</c>, and the
/// constants <c>true</c> and <c>false</c>. Anything else throws <see cref="NotSupportedException"/> rather than being
/// evaluated differently from what it says.
/// </summary>
internal sealed class ExpressionFilterTranslator : FilterTranslatorBase
{
    private readonly CollectionModel model;

    private ExpressionFilterTranslator(CollectionModel model) => this.model = model;

    /// <summary>The filter; null when it passes every record (<c>r =&gt; true</c>).</summary>
    public static MetadataFilter? Translate(LambdaExpression filter, CollectionModel model)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var translator = new ExpressionFilterTranslator(model);
        var body = translator.PreprocessFilter(filter, model, new FilterPreprocessingOptions { SupportsParameterization = false });
        return Strip(body) is ConstantExpression { Value: true } ? null : translator.Visit(body);
    }

    private MetadataFilter Visit(Expression expression)
    {
        // (bool)r["Flag"] is a boolean property of a dynamic record: the type is known before the cast is stripped.
        var isBoolean = expression.Type == typeof(bool);
        expression = Strip(expression);
        switch (expression)
        {
            case BinaryExpression { NodeType: ExpressionType.AndAlso } and:
                return new AndFilter([Visit(and.Left), Visit(and.Right)]);
            case BinaryExpression { NodeType: ExpressionType.OrElse } or:
                return new OrFilter([Visit(or.Left), Visit(or.Right)]);
            case UnaryExpression { NodeType: ExpressionType.Not } not:
                return new NotFilter(Visit(not.Operand));
            case ConstantExpression { Value: bool constant }:
                // The key is in every record's metadata, so "key exists" is true and its negation false.
                return new FieldFilter(model.KeyProperty.StorageName, FilterOperator.Exists, [], constant);
            case BinaryExpression binary when Comparison(binary.NodeType) is { } op:
                return VisitComparison(binary, op);
            case MethodCallExpression call when TryMatchContains(call, out var source, out var item):
                return VisitContains(source, item);
            case MethodCallExpression { Method.Name: nameof(Enumerable.Any), Arguments: [var source, LambdaExpression lambda] } any
                when any.Method.DeclaringType == typeof(Enumerable):
                return VisitAny(source, lambda);
            case var _ when isBoolean && Property(expression) is { } flag:
                return new FieldFilter(flag, FilterOperator.Eq, [new FilterValue(null, null, true)]);
            default:
                throw Unsupported(expression);
        }
    }

    private FieldFilter VisitComparison(BinaryExpression binary, FilterOperator op)
    {
        var (field, operand, swapped) = Property(binary.Left) is { } left ? (left, binary.Right, false)
            : Property(binary.Right) is { } right ? (right, binary.Left, true)
            : throw Unsupported(binary);
        var value = Value(operand) ?? (op switch
        {
            // Null is stored as an absent field.
            FilterOperator.Eq => null,
            FilterOperator.Ne => null,
            _ => throw new NotSupportedException($"Filter '{binary}' compares '{field}' with null by order; only == null and != null are supported."),
        });
        if (value is null)
        {
            return new FieldFilter(field, FilterOperator.Exists, [], op == FilterOperator.Ne);
        }

        if (value is IEnumerable list and not string)
        {
            // r.Tags == new[] { "a", "b" }: the array whole, in order, as the contract's databases compare arrays.
            return op is FilterOperator.Eq or FilterOperator.Ne
                ? new FieldFilter(field, op, [FilterValue.ArrayOf([.. list.Cast<object?>().Select(item => Operand(item ?? throw Unsupported(binary), field))])])
                : throw new NotSupportedException($"Filter '{binary}' orders arrays; arrays compare only with == and !=.");
        }

        return new FieldFilter(field, swapped ? Swap(op) : op, [Operand(value, field)]);
    }

    private FieldFilter VisitContains(Expression source, Expression item)
    {
        if (Property(source) is { } arrayField)
        {
            // "array property contains value": Strata matches a field holding an array when any element matches.
            return new FieldFilter(arrayField, FilterOperator.Eq, [Operand(Value(item) ?? throw Unsupported(item), arrayField)]);
        }

        var field = Property(item) ?? throw Unsupported(item);
        return new FieldFilter(field, FilterOperator.In, Operands(source, field));
    }

    private FieldFilter VisitAny(Expression source, LambdaExpression lambda)
    {
        // r.Tags.Any(t => values.Contains(t)): some element of the array property is one of the values.
        if (Property(source) is not { } field || Strip(lambda.Body) is not MethodCallExpression call
            || !TryMatchContains(call, out var values, out var item) || Strip(item) != lambda.Parameters[0])
        {
            throw new NotSupportedException("Enumerable.Any is supported only as r.Array.Any(x => values.Contains(x)).");
        }

        return new FieldFilter(field, FilterOperator.In, Operands(values, field));
    }

    private FilterValue[] Operands(Expression values, string field)
    {
        IEnumerable items = Strip(values) switch
        {
            NewArrayExpression array => array.Expressions.Select(e => Value(e)),
            var other when Value(other) is IEnumerable enumerable and not string => enumerable,
            var other => throw Unsupported(other),
        };
        return [.. items.Cast<object?>().Where(v => v is not null).Select(v => Operand(v!, field))];
    }

    /// <summary>The metadata field of a key or data property access (<c>r.Name</c> or <c>r["Name"]</c>); null otherwise.</summary>
    private string? Property(Expression expression)
    {
        if (!TryBindProperty(Strip(expression), out var property))
        {
            return null;
        }

        return property is VectorPropertyModel
            ? throw new NotSupportedException($"Filters cannot test vector property '{property.ModelName}'.")
            : property.StorageName;
    }

    private object? Value(Expression expression) => Strip(expression) switch
    {
        ConstantExpression constant => constant.Value,
        QueryParameterExpression parameter => parameter.Value,
        // A value built without the record (new Guid("…"), new DateTime(…)): evaluated once, here.
        var other when !ReadsRecord.In(other) => Expression.Lambda(other).Compile().DynamicInvoke(),
        var other => throw Unsupported(other),
    };

    /// <summary>Finds whether an expression reads the filter's record.</summary>
    private sealed class ReadsRecord : ExpressionVisitor
    {
        private bool found;

        public static bool In(Expression expression)
        {
            var visitor = new ReadsRecord();
            visitor.Visit(expression);
            return visitor.found;
        }

        protected override Expression VisitParameter(ParameterExpression node)
        {
            found = true;
            return node;
        }
    }

    private static FilterValue Operand(object value, string field) => value switch
    {
        string text => new FilterValue(text, null, null),
        bool flag => new FilterValue(null, null, flag),
        byte or sbyte or short or ushort or int or uint or long => FilterValue.Of(Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture)),
        float single => new FilterValue(null, single, null),
        double number => new FilterValue(null, number, null),
        decimal number => new FilterValue(null, (double)number, null),
        Guid or DateTime or DateTimeOffset or DateOnly or TimeOnly => new FilterValue(ValueCodec.Text(value), null, null),
        _ => throw new NotSupportedException($"Cannot compare '{field}' with a {value.GetType().Name}."),
    };

    // Conversions the compiler inserts (int to int?, a value to object for a dynamic record) do not change the value.
    private static Expression Strip(Expression expression)
    {
        while (expression is UnaryExpression { NodeType: ExpressionType.Convert or ExpressionType.ConvertChecked or ExpressionType.TypeAs } convert)
        {
            expression = convert.Operand;
        }

        return expression;
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
        new($"Filter '{expression}' is not supported: compare key or data properties with values (==, !=, <, <=, >, >=, == null), combine with &&, || and !, or use Contains / Any over arrays.");
}
