using FaceRecognition.Emulator.Hosting;
using FaceRecognition.ServiceDefaults;
using FaceRecognition.Tests.Support;

namespace FaceRecognition.Emulator.Tests;

/// <summary>Each setting the AppHost gives the emulator reaches the option it names.</summary>
public sealed class SettingNamesTests
{
    private static EmulatorOptions Bind(string key, string value) => SettingBinding.Bind<EmulatorOptions>(EmulatorOptions.SectionName, key, value);

    [Fact]
    public void The_emulator_settings_bind_to_its_options()
    {
        Assert.Equal(4599, Bind(SettingNames.Emulator.Port, "4599").Port);
        Assert.Equal("localhost", Bind(SettingNames.Emulator.Host, "localhost").Host);
        Assert.Equal("/data/emulator", Bind(SettingNames.Emulator.DataDirectory, "/data/emulator").DataDirectory);
        Assert.Equal("eu-west-1", Bind(SettingNames.Emulator.Region, "eu-west-1").Region);
        Assert.Equal(["AKIA:secret"], Bind(SettingNames.Emulator.Credentials + ":0", "AKIA:secret").Credentials);
        Assert.Equal(TimeSpan.FromSeconds(9), Bind(SettingNames.Emulator.Lambda + ":IdleTimeout", "00:00:09").Lambda.IdleTimeout);
    }

    [Fact]
    public void Each_principal_setting_binds_to_the_principal_at_its_index()
    {
        var principal = Assert.Single(Bind(SettingNames.Emulator.Principal(0, "Name"), "facerec-app-tier").Principals);
        Assert.Equal("facerec-app-tier", principal.Name);
        Assert.Equal("key:secret", Assert.Single(Bind(SettingNames.Emulator.Principal(0, "Credential"), "key:secret").Principals).Credential);
        Assert.Equal("{}", Assert.Single(Bind(SettingNames.Emulator.Principal(0, "Policy"), "{}").Principals).Policy);
    }
}
