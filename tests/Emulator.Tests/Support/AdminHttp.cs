using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.Signing;

namespace FaceRecognition.Emulator.Tests.Support;

/// <summary>A client of the emulator's own endpoints (<c>/_emulator/…</c>), signed (SigV4, service <c>emulator</c>) with
/// the given key, as those endpoints require an administrator's.</summary>
internal static class AdminHttp
{
    public static HttpClient Create(string serviceUrl, string accessKey, string secretKey, TimeSpan? timeout = null) =>
        new(new SigV4SigningHandler(new BasicAWSCredentials(accessKey, secretKey), RegionEndpoint.USEast1, "emulator", new SocketsHttpHandler()))
        {
            BaseAddress = new Uri(serviceUrl.TrimEnd('/') + "/"),
            Timeout = timeout ?? TimeSpan.FromSeconds(100),
        };
}
