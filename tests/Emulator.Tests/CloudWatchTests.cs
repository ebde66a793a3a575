using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.Signing;
using FaceRecognition.Emulator.Tests.Support;
using FaceRecognition.Tests.Support;

namespace FaceRecognition.Emulator.Tests;

/// <summary>Lambda's standard metrics in CloudWatch (namespace AWS/Lambda), read with GetMetricData, GetMetricStatistics
/// and ListMetrics over the AWS JSON 1.0 and query protocols (the CBOR protocol current botocore speaks is tested with
/// boto3, in LambdaCliTests).</summary>
public sealed class CloudWatchTests(LambdaFixture emulator) : IClassFixture<LambdaFixture>, IDisposable
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;
    private readonly string _name = Names.Unique("metered");
    private readonly HttpClient _monitoring = new(new SigV4SigningHandler(new BasicAWSCredentials(EmulatorFixture.AccessKey, EmulatorFixture.SecretKey),
        RegionEndpoint.USEast1, "monitoring", new SocketsHttpHandler()));

    [Fact]
    public async Task Invocations_errors_durations_and_concurrency_are_read_back_per_function_in_JSON()
    {
        await InvokeSome();
        var now = DateTimeOffset.UtcNow;

        var response = await Json("GetMetricData", new JsonObject
        {
            ["StartTime"] = now.AddMinutes(-10).ToUnixTimeSeconds(),
            ["EndTime"] = now.AddMinutes(1).ToUnixTimeSeconds(),
            ["MetricDataQueries"] = new JsonArray(
                Query("invocations", "Invocations", "Sum"),
                Query("errors", "Errors", "Sum"),
                Query("slowest", "Duration", "Maximum"),
                Query("concurrency", "ConcurrentExecutions", "Maximum")),
        });

        var results = response.Json!["MetricDataResults"]!.AsArray().ToDictionary(r => (string)r!["Id"]!, r => r!["Values"]!.AsArray().Select(v => (double)v!).ToArray());
        Assert.Equal(4, results["invocations"].Sum());
        Assert.Equal(1, results["errors"].Sum());
        Assert.True(results["slowest"].Max() >= 800, $"the 800 ms invocation shows in Duration's maximum ({results["slowest"].Max()})");
        Assert.Equal(2, results["concurrency"].Max());
    }

    [Fact]
    public async Task The_query_protocol_reads_statistics_and_lists_the_metrics()
    {
        await InvokeSome();
        var now = DateTime.UtcNow;

        var statistics = await Query(new Dictionary<string, string>
        {
            ["Action"] = "GetMetricStatistics",
            ["Version"] = "2010-08-01",
            ["Namespace"] = "AWS/Lambda",
            ["MetricName"] = "Invocations",
            ["Dimensions.member.1.Name"] = "FunctionName",
            ["Dimensions.member.1.Value"] = _name,
            ["StartTime"] = now.AddMinutes(-10).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
            ["EndTime"] = now.AddMinutes(1).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
            ["Period"] = "600",
            ["Statistics.member.1"] = "Sum",
            ["Statistics.member.2"] = "SampleCount",
        });
        var listed = await Query(new Dictionary<string, string>
        {
            ["Action"] = "ListMetrics",
            ["Version"] = "2010-08-01",
            ["Namespace"] = "AWS/Lambda",
            ["Dimensions.member.1.Name"] = "FunctionName",
            ["Dimensions.member.1.Value"] = _name,
        });

        XNamespace ns = "http://monitoring.amazonaws.com/doc/2010-08-01/";
        var sums = statistics.Descendants(ns + "Datapoints").Elements(ns + "member").Select(p => double.Parse(p.Element(ns + "Sum")!.Value, CultureInfo.InvariantCulture));
        Assert.Equal(4, sums.Sum());
        var names = listed.Descendants(ns + "MetricName").Select(n => n.Value).ToHashSet();
        Assert.Superset(new HashSet<string> { "Invocations", "Errors", "Duration", "ConcurrentExecutions" }, names);
    }

    [Fact]
    public async Task Requests_CloudWatch_would_refuse_get_its_errors_in_the_protocol_spoken()
    {
        var missing = await Json("GetMetricData", new JsonObject { ["MetricDataQueries"] = new JsonArray(Query("a", "Invocations", "Sum")) });
        var expression = await Json("GetMetricData", new JsonObject
        {
            ["StartTime"] = 0,
            ["EndTime"] = 100,
            ["MetricDataQueries"] = new JsonArray(new JsonObject { ["Id"] = "e", ["Expression"] = "SUM(METRICS())" }),
        });
        var badPeriod = await Query(new Dictionary<string, string>
        {
            ["Action"] = "GetMetricStatistics",
            ["Namespace"] = "AWS/Lambda",
            ["MetricName"] = "Invocations",
            ["StartTime"] = "2026-01-01T00:00:00Z",
            ["EndTime"] = "2026-01-01T01:00:00Z",
            ["Period"] = "7",
            ["Statistics.member.1"] = "Sum",
        }, HttpStatusCode.BadRequest);

        Assert.Equal(HttpStatusCode.BadRequest, missing.Status);
        Assert.Equal("com.amazonaws.cloudwatch#MissingRequiredParameterException", (string?)missing.Json!["__type"]);
        Assert.Equal("MissingParameter;Sender", missing.Headers["x-amzn-query-error"]);
        Assert.Contains("Metric math", (string?)expression.Json!["message"], StringComparison.Ordinal);
        XNamespace ns = "http://monitoring.amazonaws.com/doc/2010-08-01/";
        Assert.Equal("InvalidParameterValue", badPeriod.Descendants(ns + "Code").Single().Value);
    }

    /// <summary>Four invocations of a fresh function: two at once (one of them 800 ms long), then one that fails and one more.</summary>
    private async Task InvokeSome()
    {
        (await emulator.Lambda.CreateFunctionAsync(_name, TestFunctionPackage.Zip(), cancellationToken: _ct)).EnsureSuccess();
        await Task.WhenAll(
            emulator.Lambda.InvokeAsync(_name, new JsonObject { ["sleepMs"] = 800 }, cancellationToken: _ct),
            emulator.Lambda.InvokeAsync(_name, new JsonObject { ["sleepMs"] = 300 }, cancellationToken: _ct));
        await emulator.Lambda.InvokeAsync(_name, new JsonObject { ["fail"] = "counted" }, cancellationToken: _ct);
        await emulator.Lambda.InvokeAsync(_name, new JsonObject { ["echo"] = 1 }, cancellationToken: _ct);
    }

    private JsonObject Query(string id, string metric, string stat) => new()
    {
        ["Id"] = id,
        ["MetricStat"] = new JsonObject
        {
            ["Metric"] = new JsonObject
            {
                ["Namespace"] = "AWS/Lambda",
                ["MetricName"] = metric,
                ["Dimensions"] = new JsonArray(new JsonObject { ["Name"] = "FunctionName", ["Value"] = _name }),
            },
            ["Period"] = 60,
            ["Stat"] = stat,
        },
    };

    private async Task<LambdaResponse> Json(string operation, JsonObject body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, emulator.ServiceUrl + "/")
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/x-amz-json-1.0"),
        };
        request.Headers.Add("X-Amz-Target", "GraniteServiceVersion20100801." + operation);
        using var response = await _monitoring.SendAsync(request, _ct);
        var headers = response.Headers.ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase);
        return new LambdaResponse(response.StatusCode, headers, await response.Content.ReadAsStringAsync(_ct));
    }

    private async Task<XDocument> Query(Dictionary<string, string> parameters, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await _monitoring.PostAsync(emulator.ServiceUrl + "/", new FormUrlEncodedContent(parameters), _ct);
        var text = await response.Content.ReadAsStringAsync(_ct);
        Assert.True(response.StatusCode == expected, $"{(int)response.StatusCode}: {text}");
        return XDocument.Parse(text);
    }

    public void Dispose() => _monitoring.Dispose();
}
