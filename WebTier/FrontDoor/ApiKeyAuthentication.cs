using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace FaceRecognition.WebTier.FrontDoor;

/// <summary>
/// Signs a request in when its <c>X-Api-Key</c> header holds the configured key (compared in constant time). A request
/// that needs the key and lacks it gets 401 with <c>WWW-Authenticate</c>; one with a wrong key, or sent to a web tier
/// that has no key configured, gets 403; both with a problem saying which.
/// </summary>
internal sealed class ApiKeyAuthentication(IOptionsMonitor<AuthenticationSchemeOptions> schemes, ILoggerFactory logger, UrlEncoder encoder,
    IOptionsMonitor<FrontDoorOptions> frontDoor, IProblemDetailsService problems)
    : AuthenticationHandler<AuthenticationSchemeOptions>(schemes, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string Header = Api.ApiNames.ApiKeyHeader;

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue(Header, out var sent) || sent.Count == 0)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }
        if (frontDoor.CurrentValue.ApiKey is not { Length: > 0 } key || !SameKey(sent.ToString(), key))
        {
            return Task.FromResult(AuthenticateResult.Fail($"The {Header} header does not hold this system's API key."));
        }
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, "api-key holder")], SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (frontDoor.CurrentValue.ApiKey is not { Length: > 0 })
        {
            return Refuse(StatusCodes.Status403Forbidden,
                $"This web tier has no API key configured ({FrontDoorOptions.SectionName}:ApiKey), so it refuses this request to everyone.");
        }
        if (!Request.Headers.ContainsKey(Header))
        {
            Response.Headers.WWWAuthenticate = $"{SchemeName} header=\"{Header}\"";
            return Refuse(StatusCodes.Status401Unauthorized,
                $"This endpoint needs the system's API key in the {Header} header (scripts/api-key.sh prints it).");
        }
        return Refuse(StatusCodes.Status403Forbidden, $"The {Header} header does not hold this system's API key.");
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        Refuse(StatusCodes.Status403Forbidden, "This request is not allowed with this key.");

    private async Task Refuse(int status, string detail)
    {
        Response.StatusCode = status;
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails = { Status = status, Detail = detail },
        });
    }

    private static bool SameKey(string sent, string key) =>
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(sent)), SHA256.HashData(Encoding.UTF8.GetBytes(key)));
}
