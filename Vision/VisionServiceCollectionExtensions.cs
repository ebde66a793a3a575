using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace FaceRecognition.Vision;

public static class VisionServiceCollectionExtensions
{
    /// <summary>Binds <see cref="VisionOptions"/> from the "Vision" section (validated at start) and registers one <see cref="FaceRecognizer"/>.</summary>
    public static IServiceCollection AddVision(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<VisionOptions>()
            .Bind(configuration.GetSection(VisionOptions.SectionName))
            .ValidateDataAnnotations()
            .Validate(o => Directory.Exists(o.ResolveModelDirectory()), "Vision:ModelDirectory does not exist.")
            .ValidateOnStart();
        services.AddSingleton<FaceRecognizer>();
        return services;
    }
}
