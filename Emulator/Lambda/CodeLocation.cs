using System.Security.Cryptography;
using System.Text;
using FaceRecognition.Emulator.Hosting;

namespace FaceRecognition.Emulator.Lambda;

/// <summary>
/// Where GetFunction says a function's package can be downloaded (<c>Code.Location</c>): on AWS a presigned S3 URL that
/// needs no credentials; here the admin endpoint <c>/_emulator/lambda/functions/{name}/code</c> with a token that only
/// this package of this function has (an HMAC under the administrator's secret), so that the URL works without signing
/// while the emulator's other endpoints stay an administrator's.
/// </summary>
internal sealed class CodeLocation(EmulatorOptions options)
{
    public string Url(HttpRequest request, string function, string codeSha256) =>
        $"{request.Scheme}://{request.Host}{LambdaAdmin.Path}/{function}/code?token={Token(function, codeSha256)}";

    public bool Verify(string function, string codeSha256, string? token) =>
        token is not null && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(token), Encoding.ASCII.GetBytes(Token(function, codeSha256)));

    /// <summary>Whether a request is a package download (which its token authorises, not a signature).</summary>
    public static bool IsDownload(HttpRequest request, string path) =>
        HttpMethods.IsGet(request.Method) && path.StartsWith(LambdaAdmin.Path + "/", StringComparison.Ordinal) &&
        path.Split('?')[0].EndsWith("/code", StringComparison.Ordinal);

    private string Token(string function, string codeSha256) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(options.ParsedCredentials()[0].SecretKey), Encoding.UTF8.GetBytes($"lambda-code:{function}:{codeSha256}")));
}
