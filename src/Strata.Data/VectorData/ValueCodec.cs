using System.Collections;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Strata.Data.VectorData;

/// <summary>
/// Converts data property values to the JSON that Strata stores as metadata and back, and keys to record ids and back.
/// Numbers stay numbers (integers as integers, so a long keeps all its digits); Guid, DateTime, DateTimeOffset, DateOnly
/// and TimeOnly become strings in a fixed round-trip format, so equality filters compare them exactly; enumerables become
/// arrays. Null is stored as an absent field, which is what a <c>== null</c> filter looks for.
/// </summary>
internal static class ValueCodec
{
    public const string SupportedTypes =
        "string, bool, byte, short, int, long, float, double, decimal, Guid, DateTime, DateTimeOffset, DateOnly, TimeOnly, their nullable forms, and arrays or lists of them";

    private static readonly Type[] Scalars =
    [
        typeof(string), typeof(bool), typeof(byte), typeof(short), typeof(int), typeof(long), typeof(float), typeof(double),
        typeof(decimal), typeof(Guid), typeof(DateTime), typeof(DateTimeOffset), typeof(DateOnly), typeof(TimeOnly),
    ];

    public static bool IsSupported(Type type) => IsScalar(type) || (ElementType(type) is { } element && IsScalar(element));

    private static bool IsScalar(Type type) => Array.IndexOf(Scalars, Nullable.GetUnderlyingType(type) ?? type) >= 0;

    private static Type? ElementType(Type type) =>
        type.IsArray ? type.GetElementType()
        : type.IsGenericType && type.GetGenericTypeDefinition() is var definition
            && (definition == typeof(List<>) || definition == typeof(IList<>) || definition == typeof(IReadOnlyList<>)
                || definition == typeof(IEnumerable<>) || definition == typeof(ICollection<>) || definition == typeof(IReadOnlyCollection<>))
            ? type.GetGenericArguments()[0]
            : null;

    /// <summary>The JSON for a value; null for null (stored as an absent field).</summary>
    public static JsonNode? ToJson(object? value) => value switch
    {
        null => null,
        string text => JsonValue.Create(text),
        bool flag => JsonValue.Create(flag),
        byte or sbyte or short or ushort or int or uint or long => JsonValue.Create(Convert.ToInt64(value, CultureInfo.InvariantCulture)),
        // Stored as the double the float converts to, the same value filters compare with.
        float single => JsonValue.Create((double)single),
        double number => JsonValue.Create(number),
        decimal number => JsonValue.Create(number),
        Guid or DateTime or DateTimeOffset or DateOnly or TimeOnly => JsonValue.Create(Text(value)),
        IEnumerable items => new JsonArray([.. items.Cast<object?>().Where(item => item is not null).Select(ToJson)]),
        _ => throw new NotSupportedException($"Values of type {value.GetType().Name} are not supported; use {SupportedTypes}."),
    };

    /// <summary>The text a Guid or date/time value is stored (and compared) as.</summary>
    public static string Text(object value) => value switch
    {
        Guid guid => guid.ToString("D"),
        DateTime time => time.ToString("O", CultureInfo.InvariantCulture),
        DateTimeOffset time => time.ToString("O", CultureInfo.InvariantCulture),
        DateOnly date => date.ToString("O", CultureInfo.InvariantCulture),
        TimeOnly time => time.ToString("HH:mm:ss.fffffff", CultureInfo.InvariantCulture),
        _ => throw new NotSupportedException($"{value.GetType().Name} is not stored as text."),
    };

    /// <summary>The value of the given type that <paramref name="node"/> holds.</summary>
    public static object? FromJson(JsonNode? node, Type type)
    {
        if (node is null)
        {
            return type.IsValueType && Nullable.GetUnderlyingType(type) is null ? Activator.CreateInstance(type) : null;
        }

        if (ElementType(type) is { } element && !IsScalar(type))
        {
            var items = node is JsonArray array ? array : new JsonArray(node.DeepClone());
            var values = Array.CreateInstance(element, items.Count);
            for (var i = 0; i < items.Count; i++)
            {
                values.SetValue(FromJson(items[i], element), i);
            }

            if (type.IsArray)
            {
                return values;
            }

            // List<T> serves every list or enumerable interface the property may be declared as.
            var list = (IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(element))!;
            foreach (var item in values)
            {
                list.Add(item);
            }

            return list;
        }

        var scalar = Nullable.GetUnderlyingType(type) ?? type;
        var value = (JsonValue)node;
        return scalar switch
        {
            _ when scalar == typeof(string) => value.GetValue<string>(),
            _ when scalar == typeof(bool) => value.GetValue<bool>(),
            _ when scalar == typeof(Guid) => Guid.Parse(value.GetValue<string>()),
            _ when scalar == typeof(DateTime) => DateTime.Parse(value.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind),
            _ when scalar == typeof(DateTimeOffset) => DateTimeOffset.Parse(value.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind),
            _ when scalar == typeof(DateOnly) => DateOnly.Parse(value.GetValue<string>(), CultureInfo.InvariantCulture),
            _ when scalar == typeof(TimeOnly) => TimeOnly.Parse(value.GetValue<string>(), CultureInfo.InvariantCulture),
            _ => value.Deserialize(scalar),
        };
    }

    /// <summary>The record id of a key: a string as it is, a Guid in its "D" form, an integer in invariant digits.</summary>
    public static string IdOf(object? key) => key switch
    {
        null => throw new ArgumentNullException(nameof(key), "A key is null: Strata records need a key."),
        string { Length: 0 } => throw new ArgumentException("A key is empty: Strata records need a non-empty key.", nameof(key)),
        string text => text,
        Guid guid => guid.ToString("D"),
        int or long => Convert.ToString(key, CultureInfo.InvariantCulture)!,
        _ => throw new NotSupportedException($"Keys of type {key.GetType().Name} are not supported; use string, Guid, int or long."),
    };

    /// <summary>The key of the given type that an id stands for.</summary>
    public static object KeyOf(string id, Type type) => type switch
    {
        _ when type == typeof(Guid) => Guid.Parse(id),
        _ when type == typeof(int) => int.Parse(id, CultureInfo.InvariantCulture),
        _ when type == typeof(long) => long.Parse(id, CultureInfo.InvariantCulture),
        _ => id,
    };
}
