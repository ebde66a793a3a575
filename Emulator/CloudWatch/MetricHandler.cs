using System.Text.RegularExpressions;

namespace FaceRecognition.Emulator.CloudWatch;

/// <summary>Reading metrics: GetMetricData (metric statistics, not metric math), GetMetricStatistics, ListMetrics.</summary>
internal sealed partial class MetricHandler(MetricStore metrics)
{
    private static readonly string[] s_statistics = ["SampleCount", "Average", "Sum", "Minimum", "Maximum"];

    public WireValue Invoke(string operation, WireValue request) => operation switch
    {
        "GetMetricData" => GetMetricData(request),
        "GetMetricStatistics" => GetMetricStatistics(request),
        "ListMetrics" => ListMetrics(request),
        _ => throw CloudWatchErrors.InvalidAction(operation),
    };

    private WireStructure GetMetricData(WireValue request)
    {
        var queries = request["MetricDataQueries"]?.Items ?? throw CloudWatchErrors.MissingParameter("MetricDataQueries");
        if (queries.Count is 0 or > 500) throw CloudWatchErrors.InvalidParameterValue("MetricDataQueries must hold 1 to 500 queries.");
        var (start, end) = Interval(request);
        var ascending = (request["ScanBy"]?.Text ?? "TimestampDescending") == "TimestampAscending";
        var results = new List<WireValue>();
        foreach (var query in queries)
        {
            var id = query["Id"]?.Text ?? throw CloudWatchErrors.MissingParameter("MetricDataQueries.member.N.Id");
            if (!IdPattern().IsMatch(id)) throw CloudWatchErrors.InvalidParameterValue($"The value {id} for parameter MetricDataQueries.member.N.Id is not valid: it must start with a lower-case letter.");
            if (query["Expression"] is not null) throw CloudWatchErrors.InvalidParameterValue("Metric math (Expression) is not supported by this emulator; query metrics with MetricStat.");
            var stat = query["MetricStat"] ?? throw CloudWatchErrors.MissingParameter($"MetricDataQueries.member.N.MetricStat (query {id})");
            var metric = Metric(stat["Metric"] ?? throw CloudWatchErrors.MissingParameter("MetricStat.Metric"));
            var period = Period(stat["Period"]);
            var statistic = Statistic(stat["Stat"]?.Text ?? throw CloudWatchErrors.MissingParameter("MetricStat.Stat"));
            if (query["ReturnData"]?.Text == "false") continue;
            var points = metrics.Query(metric, start, end, period);
            if (!ascending) points = [.. points.Reverse()];
            results.Add(new WireStructure()
                .Add("Id", new WireString(id))
                .Add("Label", new WireString(query["Label"]?.Text ?? metric.Name))
                .Add("Timestamps", new WireList([.. points.Select(p => (WireValue)new WireTime(DateTimeOffset.FromUnixTimeSeconds(p.PeriodStart)))]))
                .Add("Values", new WireList([.. points.Select(p => (WireValue)new WireNumber(p.Statistics.Get(statistic)!.Value))]))
                .Add("StatusCode", new WireString("Complete")));
        }
        return new WireStructure().Add("MetricDataResults", new WireList(results)).Add("Messages", new WireList([]));
    }

    private WireStructure GetMetricStatistics(WireValue request)
    {
        var metric = Metric(request);
        var (start, end) = Interval(request);
        var period = Period(request["Period"]);
        var statistics = request["Statistics"]?.Items.Select(s => Statistic(s.Text ?? "")).ToList() ?? [];
        if (statistics.Count == 0) throw CloudWatchErrors.MissingParameter("Statistics");
        var unit = metric.Name == "Duration" ? "Milliseconds" : "Count";
        var points = metrics.Query(metric, start, end, period).Select(p =>
        {
            var point = new WireStructure().Add("Timestamp", new WireTime(DateTimeOffset.FromUnixTimeSeconds(p.PeriodStart)));
            foreach (var statistic in statistics) point.Add(statistic, new WireNumber(p.Statistics.Get(statistic)!.Value));
            return (WireValue)point.Add("Unit", new WireString(unit));
        });
        return new WireStructure().Add("Label", new WireString(metric.Name)).Add("Datapoints", new WireList([.. points]));
    }

    private WireStructure ListMetrics(WireValue request)
    {
        var ns = request["Namespace"]?.Text;
        var name = request["MetricName"]?.Text;
        var dimensions = request["Dimensions"]?.Items.Select(d => (Name: d["Name"]?.Text ?? "", Value: d["Value"]?.Text)).ToList() ?? [];
        var found = metrics.List()
            .Where(m => (ns is null || m.Namespace == ns) && (name is null || m.Name == name) &&
                dimensions.All(d => m.Dimensions.Any(md => md.Key == d.Name && (d.Value is null || md.Value == d.Value))))
            .OrderBy(m => m.Namespace, StringComparer.Ordinal).ThenBy(m => m.Name, StringComparer.Ordinal).ThenBy(m => m.Dimensions.Count)
            .Select(m => (WireValue)new WireStructure()
                .Add("Namespace", new WireString(m.Namespace))
                .Add("MetricName", new WireString(m.Name))
                .Add("Dimensions", new WireList([.. m.Dimensions.Select(d => (WireValue)new WireStructure().Add("Name", new WireString(d.Key)).Add("Value", new WireString(d.Value)))])));
        return new WireStructure().Add("Metrics", new WireList([.. found]));
    }

    private static MetricId Metric(WireValue metric)
    {
        var ns = metric["Namespace"]?.Text ?? throw CloudWatchErrors.MissingParameter("Namespace");
        var name = metric["MetricName"]?.Text ?? throw CloudWatchErrors.MissingParameter("MetricName");
        var dimensions = metric["Dimensions"]?.Items.Select(d => (d["Name"]?.Text ?? "", d["Value"]?.Text ?? "")).ToArray() ?? [];
        return MetricId.Of(ns, name, dimensions);
    }

    private static (DateTimeOffset Start, DateTimeOffset End) Interval(WireValue request)
    {
        var start = request["StartTime"]?.Time ?? throw CloudWatchErrors.MissingParameter("StartTime");
        var end = request["EndTime"]?.Time ?? throw CloudWatchErrors.MissingParameter("EndTime");
        if (end <= start) throw CloudWatchErrors.InvalidParameterValue("The parameter StartTime must be less than the parameter EndTime.");
        return (start, end);
    }

    private static int Period(WireValue? value)
    {
        var period = value?.Number ?? throw CloudWatchErrors.MissingParameter("Period");
        if (period is not (1 or 5 or 10 or 30) && (period < 60 || period % 60 != 0))
        {
            throw CloudWatchErrors.InvalidParameterValue($"The parameter Period must be a whole number of seconds (1, 5, 10, 30, or a multiple of 60); it is {period}.");
        }
        // The emulator keeps minutes: shorter periods report whole minutes.
        return Math.Max(60, (int)period);
    }

    private static string Statistic(string statistic) => s_statistics.Contains(statistic)
        ? statistic
        : throw CloudWatchErrors.InvalidParameterValue($"The statistic {statistic} is not supported (the emulator computes SampleCount, Average, Sum, Minimum and Maximum).");

    [GeneratedRegex("^[a-z][a-zA-Z0-9_]*$")]
    private static partial Regex IdPattern();
}
