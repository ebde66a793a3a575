using FaceRecognition.Cloud;
using FaceRecognition.Tests.Support;
using Microsoft.Extensions.Configuration;

namespace FaceRecognition.ServiceDefaults.Tests;

/// <summary>Each setting the AppHost gives every service reaches the option it names, and travels as the environment
/// variable .NET's configuration reads back as that key.</summary>
public sealed class SettingNamesTests
{
    [Fact]
    public void The_cloud_settings_bind_to_their_options()
    {
        Assert.Equal("http://localhost:4566", SettingBinding.Bind<AwsOptions>(AwsOptions.SectionName, SettingNames.Aws.ServiceUrl, "http://localhost:4566").ServiceUrl);
        Assert.Equal("eu-west-1", SettingBinding.Bind<AwsOptions>(AwsOptions.SectionName, SettingNames.Aws.Region, "eu-west-1").Region);
        Assert.Equal("AKIA", SettingBinding.Bind<AwsOptions>(AwsOptions.SectionName, SettingNames.Aws.AccessKey, "AKIA").AccessKey);
        Assert.Equal("secret", SettingBinding.Bind<AwsOptions>(AwsOptions.SectionName, SettingNames.Aws.SecretKey, "secret").SecretKey);
        Assert.Equal("mine", SettingBinding.Bind<CloudOptions>(CloudOptions.SectionName, SettingNames.Cloud.Prefix, "mine").Prefix);
    }

    [Fact]
    public void A_setting_travels_as_the_environment_variable_configuration_reads_back_as_its_key()
    {
        var variable = SettingNames.Variable(SettingNames.Emulator.Principal(2, "Policy"));
        Environment.SetEnvironmentVariable(variable, "{}");
        try
        {
            var configuration = new ConfigurationBuilder().AddEnvironmentVariables().Build();
            Assert.Equal("{}", configuration[SettingNames.Emulator.Principal(2, "Policy")]);
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }
}
