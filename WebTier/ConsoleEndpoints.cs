using System.Collections.Frozen;
using System.Security.Cryptography;

namespace FaceRecognition.WebTier;

/// <summary>
/// The console (<c>GET /</c>): plain HTML, CSS and JavaScript modules from <c>WebTier/Console</c>, built into the
/// assembly, so that every way of starting the web tier (project, built executable, an EC2 instance's publish folder)
/// serves the same files with nothing to find on disk, and nothing comes from the internet. Each file carries an ETag
/// (revalidated on every load) and a content security policy that allows only this origin.
/// </summary>
internal static class ConsoleEndpoints
{
    private const string ResourcePrefix = "console/";
    private const string Policy = "default-src 'self'; img-src 'self' blob: data:; script-src 'self'; style-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";
    private static readonly FrozenDictionary<string, ConsoleFile> s_files = Load();

    public static void MapConsole(this WebApplication app)
    {
        app.MapGet("/", (HttpContext context) => Serve(context, "index.html")).ExcludeFromDescription();
        app.MapGet("/console/{file}", (string file, HttpContext context) => Serve(context, file)).ExcludeFromDescription();
    }

    private static IResult Serve(HttpContext context, string name)
    {
        if (!s_files.TryGetValue(name, out var file))
        {
            return TypedResults.Problem($"The console has no file '{name}'.", statusCode: StatusCodes.Status404NotFound);
        }
        var headers = context.Response.Headers;
        headers.ETag = file.ETag;
        headers.CacheControl = "no-cache";
        headers.XContentTypeOptions = "nosniff";
        headers.ContentSecurityPolicy = Policy;
        return context.Request.Headers.IfNoneMatch == file.ETag ? Results.StatusCode(StatusCodes.Status304NotModified) : Results.Bytes(file.Bytes, file.ContentType);
    }

    private static FrozenDictionary<string, ConsoleFile> Load()
    {
        var assembly = typeof(ConsoleEndpoints).Assembly;
        return assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)).ToFrozenDictionary(
            n => n[ResourcePrefix.Length..],
            n =>
            {
                using var stream = assembly.GetManifestResourceStream(n)!;
                using var buffer = new MemoryStream();
                stream.CopyTo(buffer);
                var bytes = buffer.ToArray();
                return new ConsoleFile(bytes, ContentType(n), $"\"{Convert.ToHexStringLower(SHA256.HashData(bytes))[..16]}\"");
            });
    }

    private static string ContentType(string name) => Path.GetExtension(name) switch
    {
        ".html" => "text/html; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".js" => "text/javascript; charset=utf-8",
        _ => "application/octet-stream",
    };

    private sealed record ConsoleFile(byte[] Bytes, string ContentType, string ETag);
}
