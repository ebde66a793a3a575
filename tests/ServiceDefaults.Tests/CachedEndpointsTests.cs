using System.Collections;
using Amazon.Runtime;
using Amazon.Runtime.Endpoints;
using Amazon.S3.Endpoints;
using Amazon.S3.Internal;
using Amazon.SQS.Endpoints;
using Amazon.SQS.Internal;

namespace FaceRecognition.ServiceDefaults.Tests;

public sealed class CachedEndpointsTests
{
    /// <summary>Where S3 calls can go: the emulator, real regions, FIPS, dual-stack, S3 Express, access points.</summary>
    public static TheoryData<string, string, string?, bool, bool, bool> S3Targets => new()
    {
        { "facerec-in-bucket", "us-east-1", "http://127.0.0.1:4566", true, false, false },
        { "facerec-in-bucket", "eu-west-1", "http://localhost:4566", false, false, false },
        { "facerec-in-bucket", "us-east-1", null, false, false, false },
        { "facerec-in-bucket", "eu-central-1", null, true, false, false },
        { "facerec-in-bucket", "us-gov-west-1", null, false, true, false },
        { "facerec-in-bucket", "ap-southeast-2", null, false, false, true },
        { "facerec--use1-az4--x-s3", "us-east-1", null, false, false, false },
        { "arn:aws:s3:us-west-2:123456789012:accesspoint/facerec", "us-west-2", null, false, false, false },
    };

    [Theory]
    [MemberData(nameof(S3Targets))]
    public void S3_rules_give_the_same_endpoint_whatever_the_object_key_prefix_or_copy_source(string bucket, string region, string? endpoint,
        bool pathStyle, bool fips, bool dualStack)
    {
        // What lets the cache keep one entry per bucket; if an SDK update starts reading these, this fails.
        var rules = new AmazonS3EndpointProvider();
        var plain = Describe(rules.ResolveEndpoint(S3(bucket, region, endpoint, pathStyle, fips, dualStack)));
        foreach (var (key, prefix, copySource) in new (string?, string?, string?)[]
        {
            ("photo.jpg", null, null), ("../../x y/%2F?#", "a/", "other-bucket/k"), ("test_000/0193.jpg", "test_", "facerec-in-bucket/test_000"),
            (new string('k', 1024), "", ""), ("--x-s3", "arn:aws:s3:::x", "arn:aws:s3:us-east-1:1:accesspoint/a/object/k"),
        })
        {
            var parameters = S3(bucket, region, endpoint, pathStyle, fips, dualStack);
            parameters.Key = key;
            parameters.Prefix = prefix;
            parameters.CopySource = copySource;
            Assert.Equal(plain, Describe(rules.ResolveEndpoint(parameters)));
        }
    }

    [Theory]
    [MemberData(nameof(S3Targets))]
    public void Cached_S3_endpoints_are_the_rules_answers(string bucket, string region, string? endpoint, bool pathStyle, bool fips, bool dualStack)
    {
        var cached = new CachedEndpoints(new AmazonS3EndpointProvider(), AwsClients.S3ParametersTheRulesIgnore);
        var expected = Describe(new AmazonS3EndpointProvider().ResolveEndpoint(S3(bucket, region, endpoint, pathStyle, fips, dualStack)));

        Assert.Equal(expected, Describe(cached.ResolveEndpoint(S3(bucket, region, endpoint, pathStyle, fips, dualStack))));
        Assert.Equal(expected, Describe(cached.ResolveEndpoint(S3(bucket, region, endpoint, pathStyle, fips, dualStack))));
    }

    [Fact]
    public void The_rules_run_once_per_bucket_and_place_not_per_object()
    {
        var rules = new CountingRules(new AmazonS3EndpointProvider());
        var cached = new CachedEndpoints(rules, AwsClients.S3ParametersTheRulesIgnore);

        var urls = new HashSet<string>();
        foreach (var bucket in new[] { "facerec-in-bucket", "facerec-out-bucket" })
        {
            for (var i = 0; i < 50; i++)
            {
                var parameters = S3(bucket, "us-east-1", "http://127.0.0.1:4566", true, false, false);
                parameters.Key = $"test_{i:000}.jpg";
                urls.Add(cached.ResolveEndpoint(parameters).URL);
            }
        }
        urls.Add(cached.ResolveEndpoint(S3("facerec-in-bucket", "eu-west-1", "http://127.0.0.1:4566", true, false, false)).URL);
        urls.Add(cached.ResolveEndpoint(S3("facerec-in-bucket", "us-east-1", "http://127.0.0.1:4567", true, false, false)).URL);

        Assert.Equal(4, rules.Calls);
        Assert.Equal(["http://127.0.0.1:4566/facerec-in-bucket", "http://127.0.0.1:4566/facerec-out-bucket", "http://127.0.0.1:4567/facerec-in-bucket"], urls.Order());
    }

    [Fact]
    public void Each_caller_gets_its_own_copy_because_the_SDK_edits_the_URL()
    {
        var cached = new CachedEndpoints(new AmazonSQSEndpointProvider());
        var parameters = new SQSEndpointParameters { Region = "us-east-1", Endpoint = "http://127.0.0.1:4566", UseFIPS = false, UseDualStack = false };

        var first = cached.ResolveEndpoint(parameters);
        first.URL += "/";

        Assert.Equal("http://127.0.0.1:4566", cached.ResolveEndpoint(parameters).URL);
    }

    [Fact]
    public void Settings_the_rules_refuse_are_refused_every_time()
    {
        var rules = new CountingRules(new AmazonS3EndpointProvider());
        var cached = new CachedEndpoints(rules, AwsClients.S3ParametersTheRulesIgnore);

        for (var i = 0; i < 2; i++)
        {
            var error = Assert.Throws<AmazonClientException>(() => cached.ResolveEndpoint(S3("facerec-in-bucket", "us-east-1", "http://127.0.0.1:4566", true, true, false)));
            Assert.Contains("FIPS", error.Message, StringComparison.Ordinal);
        }
        Assert.Equal(2, rules.Calls);
    }

    private static S3EndpointParameters S3(string bucket, string region, string? endpoint, bool pathStyle, bool fips, bool dualStack) => new()
    {
        Bucket = bucket,
        Region = region,
        Endpoint = endpoint,
        ForcePathStyle = pathStyle,
        UseFIPS = fips,
        UseDualStack = dualStack,
        Accelerate = false,
        UseGlobalEndpoint = false,
        UseArnRegion = true,
        DisableMultiRegionAccessPoints = false,
    };

    /// <summary>URL, headers and the authentication attributes the SDK reads from an endpoint.</summary>
    private static string Describe(Endpoint endpoint)
    {
        var text = endpoint.URL;
        if (endpoint.Attributes?["authSchemes"] is IList schemes)
        {
            foreach (IPropertyBag scheme in schemes)
            {
                text += $" | {scheme["name"]} {scheme["signingName"]} {scheme["signingRegion"]} {scheme["disableDoubleEncoding"]}";
            }
        }
        if (endpoint.Attributes is not null)
        {
            text += $" | backend {endpoint.Attributes["backend"]}";
        }
        foreach (var header in endpoint.Headers ?? new Dictionary<string, IList<string>>())
        {
            text += $" | {header.Key}: {string.Join(',', header.Value)}";
        }
        return text;
    }

    private sealed class CountingRules(IEndpointProvider inner) : IEndpointProvider
    {
        public int Calls { get; private set; }

        public Endpoint ResolveEndpoint(EndpointParameters parameters)
        {
            Calls++;
            return inner.ResolveEndpoint(parameters);
        }
    }
}
