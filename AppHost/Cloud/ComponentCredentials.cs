using System.Security.Cryptography;
using System.Text;

namespace FaceRecognition.AppHost.Cloud;

/// <summary>
/// Each component's own key pair for the emulator, derived from the administrator's (HMAC-SHA256 of the component's
/// role name under the administrator's secret): stable across runs, nothing more to store, and unknowable without the
/// administrator's secret. The emulator is told each pair with the component's policy; the component gets its pair.
/// </summary>
internal sealed record ComponentCredentials(string AccessKey, string SecretKey)
{
    private const string KeyAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    private const string SecretAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    public static ComponentCredentials Derive(string administratorSecret, string roleName)
    {
        var key = HMACSHA256.HashData(Encoding.UTF8.GetBytes(administratorSecret), Encoding.UTF8.GetBytes("access-key:" + roleName));
        var secret = HMACSHA512.HashData(Encoding.UTF8.GetBytes(administratorSecret), Encoding.UTF8.GetBytes("secret-key:" + roleName));
        return new ComponentCredentials("AKIA" + Text(key, KeyAlphabet, 16), Text(secret, SecretAlphabet, 40));
    }

    private static string Text(byte[] bytes, string alphabet, int length)
    {
        var text = new StringBuilder(length);
        for (var i = 0; i < length; i++) text.Append(alphabet[bytes[i] % alphabet.Length]);
        return text.ToString();
    }

    public override string ToString() => $"{AccessKey}:{SecretKey}";
}
