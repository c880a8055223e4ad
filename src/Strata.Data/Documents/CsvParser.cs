using System.Text;

namespace Strata.Data.Documents;

/// <summary>
/// CSV (RFC 4180: quoted fields may hold commas, quotes and line breaks): each row becomes one line of
/// <c>column: value</c> pairs named by the header row, so a chunk of rows still says what each value means.
/// </summary>
public sealed class CsvParser : IDocumentParser
{
    /// <inheritdoc />
    public string ContentType => "text/csv";

    /// <inheritdoc />
    public bool IsTextFormat => true;

    /// <inheritdoc />
    public LoadedDocument Parse(ReadOnlyMemory<byte> content, string source)
    {
        var rows = ReadRows(TextContent.Decode(content.Span));
        var builder = new LoadedDocumentBuilder();
        if (rows.Count > 0)
        {
            var header = rows[0];
            var text = new StringBuilder();
            foreach (var row in rows.Skip(1))
            {
                var pairs = row.Select((value, i) => (Name: i < header.Count ? header[i] : $"column {i + 1}", Value: value.Trim()))
                    .Where(pair => pair.Value.Length > 0)
                    .Select(pair => $"{pair.Name}: {pair.Value.ReplaceLineEndings(" ")}");
                text.AppendJoin("; ", pairs).Append('\n');
            }

            builder.AddSection(text.ToString(), null, []);
        }

        return builder.Build(source, null, ContentType);
    }

    internal static List<List<string>> ReadRows(string text)
    {
        var rows = new List<List<string>>();
        var row = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c != '"')
                {
                    field.Append(c);
                }
                else if (i + 1 < text.Length && text[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else
                {
                    quoted = false;
                }
            }
            else if (c == '"' && field.Length == 0)
            {
                quoted = true;
            }
            else if (c == ',')
            {
                row.Add(field.ToString());
                field.Clear();
            }
            else if (c is '\n' or '\r')
            {
                if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
                {
                    i++;
                }

                EndRow(rows, row, field);
                row = [];
            }
            else
            {
                field.Append(c);
            }
        }

        if (quoted)
        {
            throw new DocumentFormatException("not valid CSV: a quoted field is never closed");
        }

        EndRow(rows, row, field);
        return rows;
    }

    private static void EndRow(List<List<string>> rows, List<string> row, StringBuilder field)
    {
        row.Add(field.ToString());
        field.Clear();
        if (row.Count > 1 || row[0].Length > 0)
        {
            rows.Add(row);
        }
    }
}
