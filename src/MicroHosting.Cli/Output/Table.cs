using System.Text;

namespace MicroHosting.Cli.Output;

/// <summary>A plain text table: a header row and left-aligned columns separated by two spaces.</summary>
internal sealed class Table(params string[] headers)
{
    private readonly List<string[]> _rows = [];

    public int Count => _rows.Count;

    public Table Add(params string?[] cells)
    {
        _rows.Add([.. cells.Select(c => c ?? string.Empty)]);
        return this;
    }

    public void WriteTo(TextWriter writer)
    {
        var widths = headers.Select((h, i) => Math.Max(h.Length, _rows.Count == 0 ? 0 : _rows.Max(r => i < r.Length ? r[i].Length : 0))).ToArray();
        writer.WriteLine(Format(headers, widths));
        foreach (var row in _rows)
        {
            writer.WriteLine(Format(row, widths));
        }
    }

    private static string Format(string[] cells, int[] widths)
    {
        var line = new StringBuilder();
        for (var i = 0; i < widths.Length; i++)
        {
            var cell = i < cells.Length ? cells[i] : string.Empty;
            line.Append(i == widths.Length - 1 ? cell : cell.PadRight(widths[i] + 2));
        }

        return line.ToString().TrimEnd();
    }
}
