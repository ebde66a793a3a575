using FaceRecognition.ServiceDefaults;
using FaceRecognition.Tests.Support;
using FaceRecognition.WebTier.FrontDoor;
using FaceRecognition.WebTier.Scaling;

namespace FaceRecognition.WebTier.Tests;

/// <summary>Each setting the AppHost gives the web tier reaches the option it names.</summary>
public sealed class SettingNamesTests
{
    [Fact]
    public void The_web_tier_settings_bind_to_its_options()
    {
        Assert.Equal("lookup", SettingBinding.Bind<WebTierOptions>(WebTierOptions.SectionName, SettingNames.WebTier.Mode, "lookup").Mode);
        Assert.Equal("web-tier-2", SettingBinding.Bind<WebTierOptions>(WebTierOptions.SectionName, SettingNames.WebTier.InstanceId, "web-tier-2").InstanceId);
    }

    [Fact]
    public void The_autoscaler_settings_bind_to_its_options()
    {
        Assert.True(SettingBinding.Bind<ScalingOptions>(ScalingOptions.SectionName, SettingNames.Scaling.Enabled, "true").Enabled);
        Assert.Equal(7, SettingBinding.Bind<ScalingOptions>(ScalingOptions.SectionName, SettingNames.Scaling.MaxInstances, "7").MaxInstances);
        Assert.Equal(2, SettingBinding.Bind<ScalingOptions>(ScalingOptions.SectionName, SettingNames.Scaling.MaxStartingInstances, "2").MaxStartingInstances);
        Assert.Equal("/tmp/s.json", SettingBinding.Bind<ScalingOptions>(ScalingOptions.SectionName, SettingNames.Scaling.OverridesFile, "/tmp/s.json").OverridesFile);
    }

    [Fact]
    public void The_front_door_settings_bind_to_its_options()
    {
        Assert.Equal("a-key-of-sixteen-chars", SettingBinding.Bind<FrontDoorOptions>(FrontDoorOptions.SectionName, SettingNames.FrontDoor.ApiKey, "a-key-of-sixteen-chars").ApiKey);
        Assert.Equal(KeyRequiredFor.Api, SettingBinding.Bind<FrontDoorOptions>(FrontDoorOptions.SectionName, SettingNames.FrontDoor.KeyRequiredFor, "Api").KeyRequiredFor);
        Assert.Equal(9, SettingBinding.Bind<FrontDoorOptions>(FrontDoorOptions.SectionName, SettingNames.FrontDoor.RequestsPerSecond, "9").RequestsPerSecond);
        Assert.Equal(4, SettingBinding.Bind<FrontDoorOptions>(FrontDoorOptions.SectionName, SettingNames.FrontDoor.Burst, "4").Burst);
    }
}
