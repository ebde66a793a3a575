using System.Globalization;
using FaceRecognition.Cloud.Topology;
using FaceRecognition.ServiceDefaults;
using Microsoft.Extensions.Configuration;

namespace FaceRecognition.AppHost.Functions;

/// <summary>
/// The AppHost's settings for the functions, applied to the topology before it is provisioned: each function's section
/// (<c>VideoSplit</c>, <c>FaceRecognition</c>) goes to the function as variables (<c>VideoSplit__Mode</c>, …), except
/// what Lambda itself governs: <c>Concurrency</c> (reserved concurrency, and the event source's maximum),
/// <c>BatchSize</c>, <c>TimeoutSeconds</c> (the notification queue then hides an event as long), <c>MemoryMb</c> and
/// <c>MaxReceiveCount</c> (the queue's redrive policy).
/// </summary>
internal static class FunctionSettings
{
    private static readonly (string Function, string Section)[] s_sections =
    [
        (TopologyNames.VideoSplitFunction, "VideoSplit"),
        (TopologyNames.FaceRecognitionFunction, "FaceRecognition"),
    ];

    private static readonly HashSet<string> s_lambdaKeys = new(StringComparer.OrdinalIgnoreCase) { "Concurrency", "BatchSize", "TimeoutSeconds", "MemoryMb", "MaxReceiveCount" };

    public static CloudTopology Apply(CloudTopology topology, IConfiguration configuration)
    {
        foreach (var (function, section) in s_sections)
        {
            var settings = configuration.GetSection(section);
            var variables = settings.GetChildren().Where(c => c.Value is not null && !s_lambdaKeys.Contains(c.Key))
                .ToDictionary(c => SettingNames.Variable($"{section}:{c.Key}"), c => c.Value!);
            var concurrency = Number(settings, "Concurrency", section, 1, 1000);
            var timeout = Number(settings, "TimeoutSeconds", section, 1, 900);
            var memory = Number(settings, "MemoryMb", section, 128, 10240);
            var batchSize = Number(settings, "BatchSize", section, 1, 10);
            var maxReceives = Number(settings, "MaxReceiveCount", section, 1, 1000);
            var queue = topology.EventSources.Single(e => e.Function == function).Queue;
            topology = topology
                .WithFunctionChanged(function, f => f with
                {
                    Environment = new Dictionary<string, string>(f.Environment.Concat(variables)),
                    ReservedConcurrency = concurrency ?? f.ReservedConcurrency,
                    TimeoutSeconds = timeout ?? f.TimeoutSeconds,
                    MemoryMb = memory ?? f.MemoryMb,
                })
                .WithEventSourceChanged(function, e => e with
                {
                    BatchSize = batchSize ?? e.BatchSize,
                    // Lambda's event source mappings run at least two batches at once.
                    MaximumConcurrency = concurrency is { } c ? Math.Max(2, c) : e.MaximumConcurrency,
                });
            topology = topology with
            {
                Queues = [.. topology.Queues.Select(q => q.Name != queue ? q : q with
                {
                    Attributes = timeout is { } t ? new Dictionary<string, string>(q.Attributes) { ["VisibilityTimeout"] = t.ToString(CultureInfo.InvariantCulture) } : q.Attributes,
                    DeadLetter = maxReceives is { } m && q.DeadLetter is { } d ? d with { MaxReceiveCount = m } : q.DeadLetter,
                })],
            };
        }
        return topology;
    }

    private static int? Number(IConfigurationSection section, string key, string name, int min, int max)
    {
        if (section[key] is not { } text) return null;
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new DistributedApplicationException($"{name}:{key} is '{text}'; use a whole number from {min} to {max}.");
    }
}
