namespace FaceRecognition.Emulator.Protocol;

/// <summary>AWS's wildcards, as EC2 filters and IAM policies use them: <c>*</c> matches any run of characters
/// (including none), <c>?</c> any one character, everything else itself.</summary>
internal static class Wildcard
{
    public static bool IsMatch(string pattern, string value, bool ignoreCase = false)
    {
        // Iterative matching with one backtrack point (the last '*'): linear in practice, no regex, no recursion.
        int p = 0, v = 0, star = -1, resume = 0;
        while (v < value.Length)
        {
            if (p < pattern.Length && (pattern[p] == '?' || Same(pattern[p], value[v], ignoreCase)))
            {
                p++;
                v++;
            }
            else if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                resume = v;
            }
            else if (star >= 0)
            {
                p = star + 1;
                v = ++resume;
            }
            else
            {
                return false;
            }
        }
        while (p < pattern.Length && pattern[p] == '*') p++;
        return p == pattern.Length;
    }

    private static bool Same(char a, char b, bool ignoreCase) =>
        a == b || (ignoreCase && char.ToLowerInvariant(a) == char.ToLowerInvariant(b));
}
