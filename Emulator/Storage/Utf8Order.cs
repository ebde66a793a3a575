namespace FaceRecognition.Emulator.Storage;

/// <summary>Orders strings by their UTF-8 bytes, as S3 lists keys. Plain ordinal order (UTF-16 code units) differs only
/// where a surrogate pair meets a character between U+E000 and U+FFFF.</summary>
internal sealed class Utf8Order : IComparer<string>
{
    public static readonly Utf8Order Instance = new();

    public int Compare(string? x, string? y)
    {
        if (ReferenceEquals(x, y)) return 0;
        if (x is null) return -1;
        if (y is null) return 1;
        var length = Math.Min(x.Length, y.Length);
        for (var i = 0; i < length; i++)
        {
            var a = x[i];
            var b = y[i];
            if (a == b) continue;
            return CodePointRank(a).CompareTo(CodePointRank(b));
        }
        return x.Length.CompareTo(y.Length);
    }

    // Surrogates (U+D800–DFFF) encode code points above U+FFFF, so they must sort after U+E000–FFFF.
    private static int CodePointRank(char c) => c < 0xD800 ? c : c >= 0xE000 ? c - 0x800 : c + 0x2000;
}
