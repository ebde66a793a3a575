using Amazon.S3;
using Amazon.SQS;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace FaceRecognition.ServiceDefaults.Tests;

public sealed class AwsClientsTests
{
    private static IHost Build(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddAwsClients();
        return builder.Build();
    }

    [Fact]
    public void AServiceUrlGivesPathStyleClientsSignedForTheConfiguredRegion()
    {
        using var host = Build(new()
        {
            ["Aws:ServiceUrl"] = "http://127.0.0.1:4566",
            ["Aws:Region"] = "eu-west-1",
            ["Aws:AccessKey"] = "AKIAEXAMPLE",
            ["Aws:SecretKey"] = "secret",
        });
        var s3 = (AmazonS3Client)host.Services.GetRequiredService<IAmazonS3>();
        var s3Config = (AmazonS3Config)s3.Config;
        Assert.Equal("http://127.0.0.1:4566/", s3Config.ServiceURL);
        Assert.True(s3Config.ForcePathStyle);
        Assert.Equal("eu-west-1", s3Config.AuthenticationRegion);
        // RegionEndpoint would send calls to real AWS whatever ServiceURL says.
        Assert.Null(s3Config.RegionEndpoint);

        var sqsConfig = host.Services.GetRequiredService<IAmazonSQS>().Config;
        Assert.Equal("http://127.0.0.1:4566/", sqsConfig.ServiceURL);
        Assert.Equal("eu-west-1", sqsConfig.AuthenticationRegion);
    }

    [Fact]
    public void In_a_Lambda_environment_of_a_local_cloud_the_standard_endpoint_variable_and_the_default_credential_chain_are_used()
    {
        using var host = Build(new() { [AwsOptions.EndpointVariable] = "http://127.0.0.1:4566", ["Aws:Region"] = "eu-west-1" });
        var s3Config = (AmazonS3Config)host.Services.GetRequiredService<IAmazonS3>().Config;
        Assert.Equal("http://127.0.0.1:4566/", s3Config.ServiceURL);
        Assert.True(s3Config.ForcePathStyle);
        Assert.True(host.Services.GetRequiredService<IOptions<AwsOptions>>().Value.EndpointFromEnvironment);
    }

    [Fact]
    public void An_explicit_service_url_wins_over_the_standard_endpoint_variable()
    {
        using var host = Build(new()
        {
            [AwsOptions.EndpointVariable] = "http://127.0.0.1:1111",
            ["Aws:ServiceUrl"] = "http://127.0.0.1:4566",
            ["Aws:AccessKey"] = "AKIAEXAMPLE",
            ["Aws:SecretKey"] = "secret",
        });
        Assert.Equal("http://127.0.0.1:4566/", host.Services.GetRequiredService<IAmazonSQS>().Config.ServiceURL);
    }

    [Fact]
    public void WithoutAServiceUrlClientsTargetTheRealRegion()
    {
        using var host = Build(new() { ["Aws:Region"] = "eu-central-1" });
        var config = host.Services.GetRequiredService<IAmazonS3>().Config;
        Assert.Equal(Amazon.RegionEndpoint.EUCentral1, config.RegionEndpoint);
        Assert.Null(config.ServiceURL);
    }

    [Theory]
    [InlineData("not a url", "AKIA", "secret", "absolute http or https URL")]
    [InlineData("ftp://127.0.0.1", "AKIA", "secret", "absolute http or https URL")]
    [InlineData("http://127.0.0.1:4566", "AKIA", null, "given together")]
    [InlineData("http://127.0.0.1:4566", null, null, "needs Aws:AccessKey")]
    public void InvalidSettingsAreReportedByName(string serviceUrl, string? accessKey, string? secretKey, string expected)
    {
        using var host = Build(new() { ["Aws:ServiceUrl"] = serviceUrl, ["Aws:AccessKey"] = accessKey, ["Aws:SecretKey"] = secretKey });
        var error = Assert.Throws<OptionsValidationException>(() => host.Services.GetRequiredService<IOptions<AwsOptions>>().Value);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ABadRegionIsReported()
    {
        using var host = Build(new() { ["Aws:Region"] = "mars" });
        var error = Assert.Throws<OptionsValidationException>(() => host.Services.GetRequiredService<IOptions<AwsOptions>>().Value);
        Assert.Contains("us-east-1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ValidationRunsAtStartNotAtFirstUse()
    {
        using var host = Build(new() { ["Aws:ServiceUrl"] = "http://127.0.0.1:4566" });
        await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));
    }
}
