using FaceRecognition.Identities;

namespace FaceRecognition.Vision;

/// <summary>
/// The original system's label table (CSV with the header <c>Image,Results</c>): answers by file stem, for
/// infrastructure runs at full speed without the models.
/// </summary>
public sealed class LookupTable
{
    private readonly Dictionary<string, string> _names;

    private LookupTable(Dictionary<string, string> names) => _names = names;

    public int Count => _names.Count;

    /// <summary>The name for a file stem (<c>test_000</c>) or a file name (<c>test_000.jpg</c>).</summary>
    public bool TryGetName(string imageName, out string name) =>
        _names.TryGetValue(Path.GetFileNameWithoutExtension(imageName), out name!);

    public static LookupTable LoadFromFile(string path) => Parse(File.ReadAllText(path), path);

    /// <exception cref="InvalidDataException">Not an Image,Results table; the message names the line.</exception>
    public static LookupTable Parse(string csv, string source = "lookup table")
    {
        var lines = csv.ReplaceLineEndings("\n").Split('\n');
        if (lines.Length == 0 || !lines[0].Trim().TrimStart('\uFEFF').Equals("Image,Results", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidDataException($"{source}: the first line must be the header 'Image,Results'.");
        }
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 1; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0)
            {
                continue;
            }
            var parts = line.Split(',');
            if (parts.Length != 2 || !IdentityName.IsValid(parts[0].Trim()) || !IdentityName.IsValid(parts[1].Trim()))
            {
                throw new InvalidDataException($"{source}, line {i + 1}: expected '<image stem>,<name>', found '{line}'.");
            }
            names[parts[0].Trim()] = parts[1].Trim();
        }
        return new LookupTable(names);
    }
}
