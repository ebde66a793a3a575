using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace FaceRecognition.WebTier.FrontDoor;

/// <summary>An endpoint's level: it needs the key when <see cref="FrontDoorOptions.KeyRequiredFor"/> reaches it.</summary>
internal sealed record ApiKeyRequirement(KeyRequiredFor Level) : IAuthorizationRequirement;

/// <summary>Lets a request through when its endpoint's level does not need the key now, or when it is signed in with it.</summary>
internal sealed class ApiKeyRequirementHandler(IOptionsMonitor<FrontDoorOptions> options) : AuthorizationHandler<ApiKeyRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, ApiKeyRequirement requirement)
    {
        var keyNeeded = options.CurrentValue.KeyRequiredFor >= requirement.Level;
        if (!keyNeeded || context.User.Identity?.AuthenticationType == ApiKeyAuthentication.SchemeName)
        {
            context.Succeed(requirement);
        }
        return Task.CompletedTask;
    }
}
