using Microsoft.Extensions.Configuration;

namespace FaceRecognition.Tests.Support;

/// <summary>Binds one configuration key, as another project sets it, to the options class that should read it.</summary>
public static class SettingBinding
{
    /// <returns>The options bound from <paramref name="section"/> of a configuration holding only <paramref name="key"/>.</returns>
    public static TOptions Bind<TOptions>(string section, string key, string value) where TOptions : class, new()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection([new KeyValuePair<string, string?>(key, value)]).Build();
        var options = new TOptions();
        configuration.GetSection(section).Bind(options);
        return options;
    }
}
