using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace FaceRecognition.Api;

/// <summary>
/// The web tier's API, typed. Sends the API key when given. A request the web tier turns away for now (503: the cloud
/// is unreachable; 429: too many requests) is sent again after its <c>Retry-After</c>, else after 0.5, 1, 2, 4 s, up to
/// <paramref name="maxAttempts"/> in all (default 5); <see cref="Retrying"/> tells each wait. Other refusals throw
/// <see cref="ApiException"/> with the reason the web tier gave. Paths are relative to <paramref name="baseAddress"/>.
/// </summary>
public sealed class FaceRecognitionClient(HttpClient http, Uri baseAddress, string? apiKey = null, int maxAttempts = 5)
{
    private readonly Uri _base = baseAddress.AbsoluteUri.EndsWith('/') ? baseAddress : new Uri(baseAddress.AbsoluteUri + "/");

    /// <summary>Raised before each wait to send a request again: the status that caused it and the wait.</summary>
    public event Action<HttpStatusCode, TimeSpan>? Retrying;

    /// <summary>The original contract: <c>POST /</c> with the picture in <c>inputFile</c>; the answer <c>stem:name</c>.</summary>
    public async Task<string> RecognizeOriginalAsync(string fileName, ReadOnlyMemory<byte> picture, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(() => Post("", Form(ApiNames.OriginalField, fileName, picture)), cancellationToken);
        return (await response.Content.ReadAsStringAsync(cancellationToken)).Trim();
    }

    public async Task<RecognitionResponse> RecognizeAsync(string fileName, ReadOnlyMemory<byte> picture, CancellationToken cancellationToken,
        float? threshold = null, int? maxFaces = null, bool landmarks = false)
    {
        var query = Query((ApiNames.Threshold, threshold?.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            (ApiNames.MaxFaces, maxFaces?.ToString(System.Globalization.CultureInfo.InvariantCulture)), (ApiNames.Landmarks, landmarks ? "true" : null));
        using var response = await SendAsync(() => Post("api/recognitions" + query, Form(ApiNames.FileField, fileName, picture)), cancellationToken);
        return await ReadAsync(response, ApiJson.Default.RecognitionResponse, cancellationToken);
    }

    /// <summary>Enrols the pictures as faces of <paramref name="name"/> (needs the API key).</summary>
    public async Task<EnrollmentResponse> EnrollAsync(string name, IReadOnlyList<(string FileName, ReadOnlyMemory<byte> Picture)> pictures, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(() =>
        {
            var form = new MultipartFormDataContent();
            foreach (var (fileName, picture) in pictures)
            {
                form.Add(File(picture), "picture", fileName);
            }
            return Post($"api/identities/{Uri.EscapeDataString(name)}/faces", form);
        }, cancellationToken);
        return await ReadAsync(response, ApiJson.Default.EnrollmentResponse, cancellationToken);
    }

    public async Task<IdentitySummary[]> IdentitiesAsync(CancellationToken cancellationToken)
    {
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, Address("api/identities")), cancellationToken);
        return await ReadAsync(response, ApiJson.Default.IdentitySummaryArray, cancellationToken);
    }

    /// <summary>Forgets <paramref name="name"/> and all its faces (needs the API key).</summary>
    public async Task ForgetAsync(string name, CancellationToken cancellationToken)
    {
        using var _ = await SendAsync(() => new HttpRequestMessage(HttpMethod.Delete, Address($"api/identities/{Uri.EscapeDataString(name)}")), cancellationToken);
    }

    private async Task<HttpResponseMessage> SendAsync(Func<HttpRequestMessage> request, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            using var message = request();
            if (apiKey is { Length: > 0 })
            {
                message.Headers.Add(ApiNames.ApiKeyHeader, apiKey);
            }
            var response = await http.SendAsync(message, cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                return response;
            }
            using (response)
            {
                if (response.StatusCode is HttpStatusCode.ServiceUnavailable or HttpStatusCode.TooManyRequests && attempt < maxAttempts)
                {
                    var wait = response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(0.5 * Math.Pow(2, attempt - 1));
                    Retrying?.Invoke(response.StatusCode, wait);
                    await Task.Delay(wait, cancellationToken);
                    continue;
                }
                throw new ApiException(response.StatusCode, await DetailAsync(response, cancellationToken));
            }
        }
    }

    private static async Task<string> DetailAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        try
        {
            return JsonSerializer.Deserialize(body, ApiJson.Default.Problem)?.Detail ?? body.Trim();
        }
        catch (JsonException)
        {
            return body.Trim();
        }
    }

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, CancellationToken cancellationToken) =>
        await response.Content.ReadFromJsonAsync(type, cancellationToken) ?? throw new ApiException(response.StatusCode, "The answer was empty.");

    private HttpRequestMessage Post(string path, HttpContent content) => new(HttpMethod.Post, Address(path)) { Content = content };

    private Uri Address(string path) => new(_base, path);

    private static MultipartFormDataContent Form(string field, string fileName, ReadOnlyMemory<byte> picture) => new() { { File(picture), field, fileName } };

    private static ReadOnlyMemoryContent File(ReadOnlyMemory<byte> picture)
    {
        var content = new ReadOnlyMemoryContent(picture);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return content;
    }

    private static string Query(params (string Name, string? Value)[] parameters)
    {
        var given = parameters.Where(p => p.Value is not null).Select(p => $"{p.Name}={Uri.EscapeDataString(p.Value!)}").ToArray();
        return given.Length == 0 ? "" : "?" + string.Join('&', given);
    }
}

/// <summary>The detail of an RFC 9457 problem.</summary>
internal sealed record ProblemBody(string? Title, string? Detail, int? Status);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(RecognitionResponse))]
[JsonSerializable(typeof(EnrollmentResponse))]
[JsonSerializable(typeof(IdentitySummary[]))]
[JsonSerializable(typeof(ProblemBody), TypeInfoPropertyName = "Problem")]
internal sealed partial class ApiJson : JsonSerializerContext;
