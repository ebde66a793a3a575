using System.Collections.Concurrent;

namespace FaceRecognition.Emulator.Auth;

/// <summary>The key pairs the emulator accepts, and a cache of derived signing keys (one per key, day, region, service).</summary>
internal sealed class CredentialStore
{
    private readonly Dictionary<string, string> _secrets;
    private readonly ConcurrentDictionary<(string AccessKey, string Date, string Region, string Service), byte[]> _signingKeys = new();

    public CredentialStore(IEnumerable<AccessKeyPair> pairs)
    {
        _secrets = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in pairs) _secrets[pair.AccessKey] = pair.SecretKey;
    }

    public bool IsKnown(string accessKey) => _secrets.ContainsKey(accessKey);

    public byte[]? SigningKey(string accessKey, string date, string region, string service)
    {
        if (!_secrets.TryGetValue(accessKey, out var secret)) return null;
        return _signingKeys.GetOrAdd((accessKey, date, region, service),
            static (k, s) => SigV4.DeriveSigningKey(s, k.Date, k.Region, k.Service), secret);
    }
}

/// <summary>An access key id and its secret, written <c>KEY:SECRET</c> on the command line and in configuration.</summary>
public sealed record AccessKeyPair(string AccessKey, string SecretKey)
{
    public static bool TryParse(string? text, out AccessKeyPair pair)
    {
        pair = null!;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || colon == text.Length - 1) return false;
        var key = text[..colon];
        var secret = text[(colon + 1)..];
        if (key.Any(char.IsWhiteSpace) || secret.Any(char.IsWhiteSpace)) return false;
        pair = new AccessKeyPair(key, secret);
        return true;
    }

    public static AccessKeyPair Generate()
    {
        const string KeyAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        const string SecretAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        var key = "AKIA" + System.Security.Cryptography.RandomNumberGenerator.GetString(KeyAlphabet, 16);
        var secret = System.Security.Cryptography.RandomNumberGenerator.GetString(SecretAlphabet, 40);
        return new AccessKeyPair(key, secret);
    }

    public override string ToString() => $"{AccessKey}:***";
}
