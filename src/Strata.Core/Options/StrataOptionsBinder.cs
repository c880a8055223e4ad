using System.Collections;
using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Strata.Core.Errors;

namespace Strata.Core.Options;

/// <summary>
/// Binds an <see cref="IStrataOptions{TSelf}"/> class to its section and validates it, naming the full key in every error,
/// so a bad <c>strata.json</c>, <c>STRATA__…</c> variable or <c>--set</c> fails at start, not at the first request.
/// </summary>
public static partial class StrataOptionsBinder
{
    /// <summary>Binds and validates <typeparamref name="T"/> from <paramref name="configuration"/>.</summary>
    /// <exception cref="StrataConfigurationException">A value does not convert or breaks a limit; the message names the key.</exception>
    public static T Bind<T>(IConfiguration configuration)
        where T : class, IStrataOptions<T>, new()
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var options = new T();
        try
        {
            T.Bind(configuration.GetSection(T.Section), options);
        }
        catch (InvalidOperationException e)
        {
            // The binder says "Failed to convert configuration value '…' at 'Server:MaxOutputTokens' to type 'System.Int32'."
            var key = FailedKey().Match(e.Message) is { Success: true } match ? match.Groups[1].Value : T.Section;
            var value = configuration[key];
            throw new StrataConfigurationException(key, $"'{value}' is not a valid {FriendlyType(e.Message)}.", e);
        }

        AddSingleValues(options, configuration.GetSection(T.Section));
        Validate(options, T.Section);
        return options;
    }

    /// <summary>Every key <typeparamref name="T"/> binds, nested sections included, with defaults and descriptions.</summary>
    public static IReadOnlyList<OptionKey> Keys<T>()
        where T : class, IStrataOptions<T>, new() => Keys(new T(), T.Section);

    private static List<OptionKey> Keys(object defaults, string prefix)
    {
        var keys = new List<OptionKey>();
        foreach (var property in BindableProperties(defaults.GetType()))
        {
            var key = $"{prefix}:{property.Name}";
            var value = property.GetValue(defaults);
            if (IsNestedSection(property.PropertyType) && value is not null)
            {
                keys.AddRange(Keys(value, key));
                continue;
            }

            var description = property.GetCustomAttribute<DescriptionAttribute>()?.Description ?? "";
            keys.Add(new OptionKey(key, Display(value), description));
        }

        return keys;
    }

    // A list key may also be set to one plain value (STRATA__Server__ApiKeys=KEY, --set Server:ApiKeys=KEY), which the
    // configuration binder alone would ignore because the section has a value and no children.
    private static void AddSingleValues(object options, IConfigurationSection section)
    {
        foreach (var property in BindableProperties(options.GetType()))
        {
            var child = section.GetSection(property.Name);
            if (property.GetValue(options) is IList<string> list)
            {
                if (list.Count == 0 && child.Value is { Length: > 0 } single && !child.GetChildren().Any())
                {
                    list.Add(single);
                }
            }
            else if (IsNestedSection(property.PropertyType) && property.GetValue(options) is { } nested)
            {
                AddSingleValues(nested, child);
            }
        }
    }

    // Each property's attributes are asked directly, not through Validator.TryValidateObject: that goes through
    // TypeDescriptor, whose first use cost about 40 ms of every command's start-up (measured with `models list`).
    private static void Validate(object options, string prefix)
    {
        foreach (var property in BindableProperties(options.GetType()))
        {
            var value = property.GetValue(options);
            foreach (var attribute in property.GetCustomAttributes<ValidationAttribute>())
            {
                var context = new ValidationContext(options) { MemberName = property.Name, DisplayName = property.Name };
                if (attribute.GetValidationResult(value, context) is { } failure)
                {
                    throw new StrataConfigurationException($"{prefix}:{property.Name}", failure.ErrorMessage ?? "is not valid.");
                }
            }
        }

        if (options is IValidatableObject validatable && validatable.Validate(new ValidationContext(options)).FirstOrDefault() is { } problem)
        {
            var member = problem.MemberNames.FirstOrDefault();
            throw new StrataConfigurationException(member is null ? prefix : $"{prefix}:{member}", problem.ErrorMessage ?? "is not valid.");
        }

        foreach (var property in BindableProperties(options.GetType()).Where(p => IsNestedSection(p.PropertyType)))
        {
            if (property.GetValue(options) is { } nested)
            {
                Validate(nested, $"{prefix}:{property.Name}");
            }
        }
    }

    private static IEnumerable<PropertyInfo> BindableProperties(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanRead && p.GetIndexParameters().Length == 0)
            // What the configuration binder fills: settable properties, and get-only collections it adds to.
            .Where(p => p.CanWrite || (p.PropertyType != typeof(string) && typeof(IEnumerable).IsAssignableFrom(p.PropertyType)));

    private static bool IsNestedSection(Type type) =>
        type.IsClass && type != typeof(string) && !typeof(IEnumerable).IsAssignableFrom(type) && type.GetConstructor(Type.EmptyTypes) is not null;

    private static string Display(object? value) => value switch
    {
        null => "none",
        string { Length: 0 } => "none",
        bool flag => flag ? "true" : "false",
        IEnumerable items and not string => items.Cast<object>().Any() ? string.Join(", ", items.Cast<object>()) : "none",
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "none",
    };

    private static string FriendlyType(string message) => message switch
    {
        _ when message.Contains("System.Int", StringComparison.Ordinal) => "whole number",
        _ when message.Contains("System.Boolean", StringComparison.Ordinal) => "true or false",
        _ when message.Contains("System.Double", StringComparison.Ordinal) || message.Contains("System.Decimal", StringComparison.Ordinal) => "number",
        _ when message.Contains("System.Uri", StringComparison.Ordinal) => "URL",
        _ => "value for this key",
    };

    [GeneratedRegex("at '([^']+)'", RegexOptions.CultureInvariant)]
    private static partial Regex FailedKey();
}
