using Amazon;
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
    /// <summary>S3 endpoint parameters that name an object, not where its bucket is served.</summary>
    public static readonly string[] S3ParametersTheRulesIgnore = ["Key", "Prefix", "CopySource"];

    /// <summary>Registers <see cref="IAmazonS3"/> and <see cref="IAmazonSQS"/> from the validated <c>Aws</c> options.</summary>
    public static TBuilder AddAwsClients<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddOptions<AwsOptions>()
            .Bind(builder.Configuration.GetSection(AwsOptions.SectionName))
            .PostConfigure(o =>
            {
                if (o.ServiceUrl is null && builder.Configuration[AwsOptions.EndpointVariable] is { Length: > 0 } endpoint)
                {
                    o.ServiceUrl = endpoint;
                    o.EndpointFromEnvironment = true;
                }
            })
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<IAmazonS3>(sp => CreateS3(sp.GetRequiredService<IOptions<AwsOptions>>().Value));
        builder.Services.AddSingleton<IAmazonSQS>(sp => CreateSqs(sp.GetRequiredService<IOptions<AwsOptions>>().Value));
        return builder;
    }

    public static AmazonS3Client CreateS3(AwsOptions options)
    {
        var config = Endpoint(new AmazonS3Config(), options);
        // Local endpoints serve buckets by path; virtual hosts would need DNS for <bucket>.localhost.
        config.ForcePathStyle = options.ServiceUrl is not null;
        config.EndpointProvider = new CachedEndpoints(config.EndpointProvider, S3ParametersTheRulesIgnore);
        return Credentials(options) is { } credentials ? new AmazonS3Client(credentials, config) : new AmazonS3Client(config);
    }

    public static AmazonSQSClient CreateSqs(AwsOptions options)
    {
        var config = Endpoint(new AmazonSQSConfig(), options);
        config.EndpointProvider = new CachedEndpoints(config.EndpointProvider);
        return Credentials(options) is { } credentials ? new AmazonSQSClient(credentials, config) : new AmazonSQSClient(config);
    }

    /// <summary>The region's AWS endpoint, or the service URL with the region only for signing: AuthenticationRegion,
    /// not RegionEndpoint, which would override ServiceURL and call real AWS.</summary>
    public static TConfig Endpoint<TConfig>(TConfig config, AwsOptions options) where TConfig : ClientConfig
    {
        if (options.ServiceUrl is null)
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(options.Region);
        }
        else
        {
            config.ServiceURL = options.ServiceUrl;
            config.AuthenticationRegion = options.Region;
        }
        return config;
    }

    /// <summary>The configured keys, or null for the SDK's default credential chain.</summary>
    public static BasicAWSCredentials? Credentials(AwsOptions options) =>
        string.IsNullOrEmpty(options.AccessKey) ? null : new BasicAWSCredentials(options.AccessKey, options.SecretKey);
}
