using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FaceRecognition.Vision;

public static class VisionServiceCollectionExtensions
{
    /// <summary>Binds <see cref="VisionOptions"/> from the "Vision" section (validated at start) and registers one <see cref="FaceRecognizer"/>.</summary>
    public static IServiceCollection AddVision(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<VisionOptions>()
            .Bind(configuration.GetSection(VisionOptions.SectionName))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<VisionOptions>, VisionOptionsValidator>();
        services.AddSingleton<FaceRecognizer>();
        return services;
    }
}
