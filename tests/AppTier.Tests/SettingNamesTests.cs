using FaceRecognition.ServiceDefaults;
using FaceRecognition.Tests.Support;

namespace FaceRecognition.AppTier.Tests;

/// <summary>Each setting the AppHost gives the app tier reaches the option it names.</summary>
public sealed class SettingNamesTests
{
    [Fact]
    public void The_recognition_settings_bind_to_its_options()
    {
        Assert.Equal("lookup", SettingBinding.Bind<RecognitionOptions>(RecognitionOptions.SectionName, SettingNames.Recognition.Mode, "lookup").Mode);
        Assert.Equal("/data/labels.csv", SettingBinding.Bind<RecognitionOptions>(RecognitionOptions.SectionName, SettingNames.Recognition.LookupTable, "/data/labels.csv").LookupTable);
        Assert.Equal(SettingNames.AppTier.Section, AppTierOptions.SectionName);
    }
}
