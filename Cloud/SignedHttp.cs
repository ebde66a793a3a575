using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.Signing;

namespace FaceRecognition.Cloud;

/// <summary>An <see cref="HttpClient"/> whose requests the AWS SDK's own signer signs (SigV4), for HTTP APIs without an
/// SDK client here: the Lambda API, and the emulator's own endpoints (signed as service <c>emulator</c>).</summary>
public static class SignedHttp
{
    public static HttpClient Create(Uri baseAddress, AWSCredentials credentials, string region, string service, TimeSpan? timeout = null)
    {
        var signer = new SigV4SigningHandler(credentials, RegionEndpoint.GetBySystemName(region), service, new SocketsHttpHandler());
        return new HttpClient(signer) { BaseAddress = baseAddress, Timeout = timeout ?? TimeSpan.FromSeconds(100) };
    }
}
