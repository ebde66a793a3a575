using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

// A custom runtime written against the Lambda Runtime API directly (no shared code with the system's own runtime), so
// that what it observes is the Lambda service's behaviour. The payload says what to do:
//   {"echo": x}               answer {"echo": x, "pid": …, "stream": AWS_LAMBDA_LOG_STREAM_NAME, "deadlineMs": …, "vars": {…}}
//   {"vars": ["NAME", …]}     include those environment variables in the answer
//   {"sleepMs": n}            wait n ms, then answer
//   {"fail": "message"}       report an error of type TestError
//   {"exit": code}            end the process with that code (a crash)
//   {"bytes": n}              answer a string of n characters
//   an SQS batch              answer batchItemFailures naming the records whose body contains "fail"; a body holding
//                             "sleep" waits 5 s, one holding "crash" ends the process
//   an S3 notification        log "s3 object <key>"; a key holding "fail" is an error
// TEST_INIT=fail reports an init error; TEST_INIT=exit ends the process before asking for work.
var api = Environment.GetEnvironmentVariable("AWS_LAMBDA_RUNTIME_API") ?? throw new InvalidOperationException("AWS_LAMBDA_RUNTIME_API is not set.");
using var http = new HttpClient { BaseAddress = new Uri($"http://{api}/2018-06-01/runtime/"), Timeout = Timeout.InfiniteTimeSpan };
switch (Environment.GetEnvironmentVariable("TEST_INIT"))
{
    case "fail":
        await Post("init/error", """{"errorMessage":"the test function was told to fail its init","errorType":"TestInitError"}""", "TestInitError");
        return 1;
    case "exit":
        return 3;
}
Console.WriteLine($"test function started (pid {Environment.ProcessId})");
while (true)
{
    using var next = await http.GetAsync("invocation/next");
    if (!next.IsSuccessStatusCode) return 0;
    var requestId = next.Headers.GetValues("Lambda-Runtime-Aws-Request-Id").First();
    var deadline = long.Parse(next.Headers.GetValues("Lambda-Runtime-Deadline-Ms").First(), System.Globalization.CultureInfo.InvariantCulture);
    var payload = JsonNode.Parse(await next.Content.ReadAsStringAsync()) as JsonObject ?? [];
    Console.WriteLine($"handling {requestId}");
    if (payload["Records"] is JsonArray records && records.All(r => (string?)r?["eventSource"] == "aws:sqs"))
    {
        var failures = new JsonArray();
        foreach (var record in records)
        {
            var body = (string?)record!["body"] ?? "";
            if (body.Contains("crash", StringComparison.Ordinal)) return 4;
            if (body.Contains("sleep", StringComparison.Ordinal)) await Task.Delay(5000);
            if (body.Contains("fail", StringComparison.Ordinal)) failures.Add(new JsonObject { ["itemIdentifier"] = (string?)record["messageId"] });
        }
        await Post($"invocation/{requestId}/response", new JsonObject { ["batchItemFailures"] = failures }.ToJsonString());
        continue;
    }
    if (payload["Records"] is JsonArray s3Records && (string?)s3Records[0]?["eventSource"] == "aws:s3")
    {
        var key = (string?)s3Records[0]!["s3"]?["object"]?["key"] ?? "";
        Console.WriteLine($"s3 object {key}");
        if (key.Contains("fail", StringComparison.Ordinal))
        {
            await Post($"invocation/{requestId}/error", new JsonObject { ["errorMessage"] = $"cannot handle {key}", ["errorType"] = "TestError" }.ToJsonString(), "TestError");
        }
        else
        {
            await Post($"invocation/{requestId}/response", "{}");
        }
        continue;
    }
    if (payload["exit"] is JsonNode exit) return (int)exit;
    if (payload["sleepMs"] is JsonNode sleep) await Task.Delay((int)sleep);
    if (payload["fail"] is JsonNode fail)
    {
        await Post($"invocation/{requestId}/error", new JsonObject { ["errorMessage"] = (string?)fail, ["errorType"] = "TestError" }.ToJsonString(), "TestError");
        continue;
    }
    var answer = new JsonObject
    {
        ["echo"] = payload["echo"]?.DeepClone(),
        ["pid"] = Environment.ProcessId,
        ["stream"] = Environment.GetEnvironmentVariable("AWS_LAMBDA_LOG_STREAM_NAME"),
        ["deadlineMs"] = deadline,
        ["slept"] = payload["sleepMs"]?.DeepClone(),
    };
    if (payload["vars"] is JsonArray names)
    {
        answer["vars"] = new JsonObject(names.Select(n => (string)n!).Select(n => KeyValuePair.Create(n, (JsonNode?)Environment.GetEnvironmentVariable(n))));
    }
    if (payload["bytes"] is JsonNode bytes) answer["filler"] = new string('x', (int)bytes);
    await Post($"invocation/{requestId}/response", answer.ToJsonString());
}

async Task Post(string path, string json, string? errorType = null)
{
    using var content = new StringContent(json, Encoding.UTF8, new MediaTypeHeaderValue("application/json"));
    using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
    if (errorType is not null) request.Headers.Add("Lambda-Runtime-Function-Error-Type", errorType);
    using var response = await http.SendAsync(request);
    Debug.Assert(response.IsSuccessStatusCode);
}
