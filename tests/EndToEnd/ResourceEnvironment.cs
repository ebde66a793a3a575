using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;

namespace FaceRecognition.EndToEnd.Tests;

/// <summary>The environment variables the AppHost gives a resource, evaluated as it does when it starts the process.</summary>
internal static class ResourceEnvironment
{
    /// <summary>Every variable, resolved to its text (for a started application: endpoints are allocated at start).</summary>
    public static async Task<IReadOnlyDictionary<string, string>> ReadAsync(DistributedApplication app, string resourceName, CancellationToken cancellationToken)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in await ReadRawAsync(app, resourceName, cancellationToken))
        {
            values[name] = await TextAsync(value, cancellationToken);
        }
        return values;
    }

    /// <summary>The variables as the callbacks set them (text, parameters, endpoint references), unresolved.</summary>
    public static async Task<IReadOnlyDictionary<string, object>> ReadRawAsync(DistributedApplication app, string resourceName, CancellationToken cancellationToken)
    {
        var resource = app.Services.GetRequiredService<DistributedApplicationModel>().Resources.Single(r => r.Name == resourceName);
        var context = new EnvironmentCallbackContext(app.Services.GetRequiredService<DistributedApplicationExecutionContext>(), resource, cancellationToken: cancellationToken);
        foreach (var callback in resource.Annotations.OfType<EnvironmentCallbackAnnotation>())
        {
            await callback.Callback(context);
        }
        return context.EnvironmentVariables.ToDictionary(v => v.Key, v => v.Value, StringComparer.Ordinal);
    }

    public static async Task<string> TextAsync(object? value, CancellationToken cancellationToken) => value switch
    {
        string text => text,
        IValueProvider provider => await provider.GetValueAsync(cancellationToken) ?? "",
        _ => value?.ToString() ?? "",
    };
}
