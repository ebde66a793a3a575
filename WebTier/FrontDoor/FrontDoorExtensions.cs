using System.Globalization;
using System.Threading.RateLimiting;
using FaceRecognition.ServiceDefaults;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace FaceRecognition.WebTier.FrontDoor;

/// <summary>The web tier's front door: the API key (<see cref="ApiKeyAuthentication"/>) and a rate limit per client.</summary>
internal static class FrontDoorExtensions
{
    public static void AddFrontDoor(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<FrontDoorOptions>().Bind(builder.Configuration.GetSection(FrontDoorOptions.SectionName))
            .ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddAuthentication(ApiKeyAuthentication.SchemeName)
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, ApiKeyAuthentication>(ApiKeyAuthentication.SchemeName, null);
        builder.Services.AddSingleton<IAuthorizationHandler, ApiKeyRequirementHandler>();
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(nameof(KeyRequiredFor.Changes), p => p.AddRequirements(new ApiKeyRequirement(KeyRequiredFor.Changes)))
            .AddPolicy(nameof(KeyRequiredFor.Api), p => p.AddRequirements(new ApiKeyRequirement(KeyRequiredFor.Api)))
            .AddPolicy(nameof(KeyRequiredFor.All), p => p.AddRequirements(new ApiKeyRequirement(KeyRequiredFor.All)));
        builder.Services.AddRateLimiter(_ => { });
        builder.Services.AddOptions<RateLimiterOptions>().Configure<IOptionsMonitor<FrontDoorOptions>>((limiter, frontDoor) =>
        {
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
                // Health probes come from the orchestrator, not clients.
                context.Request.Path.StartsWithSegments(Extensions.HealthPath) || context.Request.Path.StartsWithSegments(Extensions.AlivePath)
                    ? RateLimitPartition.GetNoLimiter("probes")
                    : RateLimitPartition.GetTokenBucketLimiter(context.Connection.RemoteIpAddress?.ToString() ?? "unknown", _ => new TokenBucketRateLimiterOptions
                    {
                        TokenLimit = frontDoor.CurrentValue.Burst,
                        TokensPerPeriod = frontDoor.CurrentValue.RequestsPerSecond,
                        ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                        QueueLimit = 0,
                        AutoReplenishment = true,
                    }));
            limiter.OnRejected = async (context, cancellationToken) =>
            {
                var http = context.HttpContext;
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)) : 1;
                http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                http.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
                await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = http,
                    ProblemDetails = { Status = StatusCodes.Status429TooManyRequests, Detail = $"Too many requests from this client: try again in {retryAfter} s." },
                });
            };
        });
    }

    public static void UseFrontDoor(this WebApplication app)
    {
        app.UseRateLimiter();
        app.UseAuthentication();
        app.UseAuthorization();
    }

    /// <summary>The endpoint needs the API key when <see cref="FrontDoorOptions.KeyRequiredFor"/> reaches <paramref name="level"/>.</summary>
    public static TBuilder RequireApiKey<TBuilder>(this TBuilder endpoint, KeyRequiredFor level) where TBuilder : IEndpointConventionBuilder =>
        endpoint.RequireAuthorization(level.ToString());
}
