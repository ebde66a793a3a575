using Amazon;
using Amazon.EC2;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.SQS;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace FaceRecognition.ServiceDefaults;

/// <summary>Builds AWS SDK clients from <see cref="AwsOptions"/>. The only place that knows an endpoint override exists.</summary>
public static class AwsClients
{
    /// <summary>Registers <see cref="IAmazonS3"/> and <see cref="IAmazonSQS"/> from the validated <c>Aws</c> options.</summary>
    public static TBuilder AddAwsClients<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddOptions<AwsOptions>()
            .Bind(builder.Configuration.GetSection(AwsOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<IAmazonS3>(sp => CreateS3(sp.GetRequiredService<IOptions<AwsOptions>>().Value));
        builder.Services.AddSingleton<IAmazonSQS>(sp => CreateSqs(sp.GetRequiredService<IOptions<AwsOptions>>().Value));
        return builder;
    }

    /// <summary>Registers <see cref="IAmazonEC2"/> too, for the service that scales the app tier.</summary>
    public static TBuilder AddAwsEc2Client<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddSingleton<IAmazonEC2>(sp => CreateEc2(sp.GetRequiredService<IOptions<AwsOptions>>().Value));
        return builder;
    }

    public static AmazonEC2Client CreateEc2(AwsOptions options)
    {
        var config = new AmazonEC2Config();
        if (options.ServiceUrl is null)
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(options.Region);
        }
        else
        {
            config.ServiceURL = options.ServiceUrl;
            config.AuthenticationRegion = options.Region;
        }
        var credentials = Credentials(options);
        return credentials is null ? new AmazonEC2Client(config) : new AmazonEC2Client(credentials, config);
    }

    public static AmazonS3Client CreateS3(AwsOptions options)
    {
        var config = new AmazonS3Config();
        if (options.ServiceUrl is null)
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(options.Region);
        }
        else
        {
            // AuthenticationRegion, not RegionEndpoint: RegionEndpoint would override ServiceURL and call real AWS.
            config.ServiceURL = options.ServiceUrl;
            config.ForcePathStyle = true;
            config.AuthenticationRegion = options.Region;
        }
        var credentials = Credentials(options);
        return credentials is null ? new AmazonS3Client(config) : new AmazonS3Client(credentials, config);
    }

    public static AmazonSQSClient CreateSqs(AwsOptions options)
    {
        var config = new AmazonSQSConfig();
        if (options.ServiceUrl is null)
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(options.Region);
        }
        else
        {
            config.ServiceURL = options.ServiceUrl;
            config.AuthenticationRegion = options.Region;
        }
        var credentials = Credentials(options);
        return credentials is null ? new AmazonSQSClient(config) : new AmazonSQSClient(credentials, config);
    }

    private static BasicAWSCredentials? Credentials(AwsOptions options) =>
        string.IsNullOrEmpty(options.AccessKey) ? null : new BasicAWSCredentials(options.AccessKey, options.SecretKey);
}
