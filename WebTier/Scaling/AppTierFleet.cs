using Amazon.EC2;
using Amazon.EC2.Model;

namespace FaceRecognition.WebTier.Scaling;

/// <summary>The app-tier instances as EC2 sees them (tag Name matching the pattern), started and stopped by id: the
/// same calls on AWS and against the emulator.</summary>
internal sealed class AppTierFleet(IAmazonEC2 ec2, string namePattern)
{
    public async Task<IReadOnlyList<Instance>> DescribeAsync(CancellationToken cancellationToken)
    {
        var instances = new List<Instance>();
        var request = new DescribeInstancesRequest { Filters = [new Filter("tag:Name", [namePattern])] };
        do
        {
            var page = await ec2.DescribeInstancesAsync(request, cancellationToken);
            instances.AddRange((page.Reservations ?? []).SelectMany(r => r.Instances ?? []));
            request.NextToken = page.NextToken;
        }
        while (!string.IsNullOrEmpty(request.NextToken));
        return [.. instances.OrderBy(Name, NaturalOrder.Instance)];
    }

    public Task StartAsync(IEnumerable<Instance> instances, CancellationToken cancellationToken) =>
        ec2.StartInstancesAsync(new StartInstancesRequest { InstanceIds = [.. instances.Select(i => i.InstanceId)] }, cancellationToken);

    public Task StopAsync(IEnumerable<Instance> instances, CancellationToken cancellationToken) =>
        ec2.StopInstancesAsync(new StopInstancesRequest { InstanceIds = [.. instances.Select(i => i.InstanceId)] }, cancellationToken);

    public static string Name(Instance instance) => instance.Tags?.FirstOrDefault(t => t.Key == "Name")?.Value ?? instance.InstanceId;

    /// <summary>app-tier-instance-2 before app-tier-instance-10.</summary>
    private sealed class NaturalOrder : IComparer<string>
    {
        public static readonly NaturalOrder Instance = new();

        public int Compare(string? x, string? y)
        {
            var (xs, xn) = Split(x ?? "");
            var (ys, yn) = Split(y ?? "");
            var byStem = string.CompareOrdinal(xs, ys);
            return byStem != 0 ? byStem : xn.CompareTo(yn);
        }

        private static (string Stem, long Number) Split(string name)
        {
            var digits = name.Length - name.Reverse().TakeWhile(char.IsAsciiDigit).Count();
            return (name[..digits], long.TryParse(name.AsSpan(digits), out var n) ? n : -1);
        }
    }
}
