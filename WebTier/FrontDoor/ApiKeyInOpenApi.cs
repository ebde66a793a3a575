using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace FaceRecognition.WebTier.FrontDoor;

/// <summary>The OpenAPI document says how to send the API key (a security scheme <c>ApiKey</c>: the <c>X-Api-Key</c>
/// header) and which operations may need it, so the reference page offers to send it.</summary>
internal static class ApiKeyInOpenApi
{
    public const string SchemeName = "ApiKey";

    public static void Describe(OpenApiOptions options)
    {
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[SchemeName] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Header,
                Name = ApiKeyAuthentication.Header,
                Description = "The system's API key (scripts/api-key.sh prints it). Enrolment and deletion always need it; FrontDoor:KeyRequiredFor can ask for it on all of /api.",
            };
            return Task.CompletedTask;
        });
        options.AddOperationTransformer((operation, context, _) =>
        {
            if (context.Description.ActionDescriptor.EndpointMetadata.OfType<IAuthorizeData>().Any())
            {
                operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(SchemeName, context.Document)] = [] }];
            }
            return Task.CompletedTask;
        });
    }
}
