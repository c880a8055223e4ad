using System.Collections;
using System.Globalization;

namespace Strata.Models.Formats.Gguf;

/// <summary>
/// One GGUF metadata value: a scalar, a string, or an array of scalars or strings (GGUF forbids nested arrays).
/// The type is kept exactly, because llama.cpp is strict about it: a u32 key written as i32 fails to load.
/// </summary>
public sealed class GgufValue : IEquatable<GgufValue>
{
    private GgufValue(GgufValueType type, GgufValueType? elementType, object value)
    {
        Type = type;
        ElementType = elementType;
        Value = value;
    }

    /// <summary>The value's type; <see cref="GgufValueType.Array"/> for arrays.</summary>
    public GgufValueType Type { get; }

    /// <summary>For arrays, the type of every element; otherwise null.</summary>
    public GgufValueType? ElementType { get; }

    /// <summary>
    /// The value as its natural .NET type: byte, sbyte, ushort, short, uint, int, float, bool, string, ulong, long or double;
    /// for arrays, an array of that type (for example uint[] or string[]).
    /// </summary>
    public object Value { get; }

    /// <summary>True when this value is an array.</summary>
    public bool IsArray => Type == GgufValueType.Array;

    /// <summary>The number of elements of an array value.</summary>
    /// <exception cref="InvalidOperationException">The value is not an array.</exception>
    public int Count => IsArray ? ((Array)Value).Length : throw NotA("an array");

    /// <summary>Creates a u8 value.</summary>
    public static GgufValue UInt8(byte value) => new(GgufValueType.UInt8, null, value);

    /// <summary>Creates an i8 value.</summary>
    public static GgufValue Int8(sbyte value) => new(GgufValueType.Int8, null, value);

    /// <summary>Creates a u16 value.</summary>
    public static GgufValue UInt16(ushort value) => new(GgufValueType.UInt16, null, value);

    /// <summary>Creates an i16 value.</summary>
    public static GgufValue Int16(short value) => new(GgufValueType.Int16, null, value);

    /// <summary>Creates a u32 value.</summary>
    public static GgufValue UInt32(uint value) => new(GgufValueType.UInt32, null, value);

    /// <summary>Creates an i32 value.</summary>
    public static GgufValue Int32(int value) => new(GgufValueType.Int32, null, value);

    /// <summary>Creates an f32 value.</summary>
    public static GgufValue Float32(float value) => new(GgufValueType.Float32, null, value);

    /// <summary>Creates a bool value.</summary>
    public static GgufValue Bool(bool value) => new(GgufValueType.Bool, null, value);

    /// <summary>Creates a string value.</summary>
    public static GgufValue String(string value) => new(GgufValueType.String, null, value ?? throw new ArgumentNullException(nameof(value)));

    /// <summary>Creates a u64 value.</summary>
    public static GgufValue UInt64(ulong value) => new(GgufValueType.UInt64, null, value);

    /// <summary>Creates an i64 value.</summary>
    public static GgufValue Int64(long value) => new(GgufValueType.Int64, null, value);

    /// <summary>Creates an f64 value.</summary>
    public static GgufValue Float64(double value) => new(GgufValueType.Float64, null, value);

    /// <summary>Creates an array of u8.</summary>
    public static GgufValue Array(byte[] values) => NewArray(GgufValueType.UInt8, values);

    /// <summary>Creates an array of i8.</summary>
    public static GgufValue Array(sbyte[] values) => NewArray(GgufValueType.Int8, values);

    /// <summary>Creates an array of u16.</summary>
    public static GgufValue Array(ushort[] values) => NewArray(GgufValueType.UInt16, values);

    /// <summary>Creates an array of i16.</summary>
    public static GgufValue Array(short[] values) => NewArray(GgufValueType.Int16, values);

    /// <summary>Creates an array of u32.</summary>
    public static GgufValue Array(uint[] values) => NewArray(GgufValueType.UInt32, values);

    /// <summary>Creates an array of i32.</summary>
    public static GgufValue Array(int[] values) => NewArray(GgufValueType.Int32, values);

    /// <summary>Creates an array of f32.</summary>
    public static GgufValue Array(float[] values) => NewArray(GgufValueType.Float32, values);

    /// <summary>Creates an array of bool.</summary>
    public static GgufValue Array(bool[] values) => NewArray(GgufValueType.Bool, values);

    /// <summary>Creates an array of strings.</summary>
    public static GgufValue Array(string[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Any(value => value is null))
        {
            throw new ArgumentException("a GGUF string array cannot hold null", nameof(values));
        }

        return NewArray(GgufValueType.String, values);
    }

    /// <summary>Creates an array of u64.</summary>
    public static GgufValue Array(ulong[] values) => NewArray(GgufValueType.UInt64, values);

    /// <summary>Creates an array of i64.</summary>
    public static GgufValue Array(long[] values) => NewArray(GgufValueType.Int64, values);

    /// <summary>Creates an array of f64.</summary>
    public static GgufValue Array(double[] values) => NewArray(GgufValueType.Float64, values);

    /// <summary>Returns the string of a string value.</summary>
    /// <exception cref="InvalidOperationException">The value is not a string.</exception>
    public string AsString() => Value as string ?? throw NotA("a string");

    /// <summary>Returns the elements of a string array.</summary>
    /// <exception cref="InvalidOperationException">The value is not an array of strings.</exception>
    public IReadOnlyList<string> AsStringArray() => Value as string[] ?? throw NotA("an array of strings");

    /// <summary>Returns an integer value of any width as a long, or null when it is not an integer or does not fit.</summary>
    public long? AsInt64OrNull() => ToInt64OrNull(Value);

    /// <summary>Widens a boxed integer of any width to a long; null for other values and for u64 values above long.MaxValue.</summary>
    internal static long? ToInt64OrNull(object value) => value switch
    {
        byte v => v,
        sbyte v => v,
        ushort v => v,
        short v => v,
        uint v => v,
        int v => v,
        long v => v,
        ulong v when v <= long.MaxValue => (long)v,
        _ => null,
    };

    /// <inheritdoc />
    public bool Equals(GgufValue? other) =>
        other is not null
        && Type == other.Type
        && ElementType == other.ElementType
        && (IsArray
            ? StructuralComparisons.StructuralEqualityComparer.Equals(Value, other.Value)
            : Value.Equals(other.Value));

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as GgufValue);

    /// <inheritdoc />
    public override int GetHashCode() =>
        HashCode.Combine(Type, ElementType, IsArray ? StructuralComparisons.StructuralEqualityComparer.GetHashCode(Value) : Value.GetHashCode());

    /// <summary>A short, readable rendering: the value, or the element type and count for arrays.</summary>
    public override string ToString() => IsArray
        ? $"[{ElementType}; {Count}]"
        : Convert.ToString(Value, CultureInfo.InvariantCulture) ?? string.Empty;

    private static GgufValue NewArray(GgufValueType elementType, System.Array values) =>
        new(GgufValueType.Array, elementType, values ?? throw new ArgumentNullException(nameof(values)));

    private InvalidOperationException NotA(string what) => new($"the value is {this.Describe()}, not {what}");

    private string Describe() => IsArray ? $"an array of {ElementType}" : $"a {Type}";
}
