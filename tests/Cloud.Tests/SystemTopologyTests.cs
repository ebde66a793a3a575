using FaceRecognition.Cloud.Topology;

namespace FaceRecognition.Cloud.Tests;

public sealed class SystemTopologyTests
{
    private static readonly CloudTopology s_topology = SystemTopology.For(new TopologyNames(TopologyNames.DefaultPrefix));

    [Fact]
    public void UsesTheOriginalProjectsNames()
    {
        var names = new TopologyNames("1234567890");
        Assert.Equal("1234567890-in-bucket", names.InputBucket);
        Assert.Equal("1234567890-out-bucket", names.OutputBucket);
        Assert.Equal("1234567890-req-queue", names.RequestQueue);
        Assert.Equal("1234567890-resp-queue", names.ResponseQueue);
        Assert.Equal("1234567890-input", names.VideoInputBucket);
        Assert.Equal("1234567890-stage-1", names.FramesBucket);
        Assert.Equal("1234567890-output", names.VideoOutputBucket);
    }

    [Fact]
    public void TheRequestQueueCarriesOnlySmallMessagesAndHasADeadLetterQueue()
    {
        var names = new TopologyNames(TopologyNames.DefaultPrefix);
        var request = s_topology.Queues.Single(q => q.Name == names.RequestQueue);
        Assert.Equal("1024", request.Attributes["MaximumMessageSize"]);
        Assert.Equal(names.RequestDeadLetterQueue, request.DeadLetter!.QueueName);
        Assert.Equal(3, request.DeadLetter.MaxReceiveCount);
    }

    [Fact]
    public void EveryReferenceIsDeclared()
    {
        var buckets = s_topology.Buckets.Select(b => b.Name).ToHashSet();
        var queues = s_topology.Queues.Select(q => q.Name).ToHashSet();
        Assert.All(s_topology.Queues.Where(q => q.DeadLetter is not null), q => Assert.Contains(q.DeadLetter!.QueueName, queues));
        Assert.All(s_topology.Notifications, n =>
        {
            Assert.Contains(n.Bucket, buckets);
            Assert.Contains(n.Queue, queues);
        });
        Assert.Equal(buckets.Count, s_topology.Buckets.Count);
        Assert.Equal(queues.Count, s_topology.Queues.Count);
    }

    [Fact]
    public void EachFunctionIsFedByItsOwnDeclaredQueueWhichHidesAnEventForAtLeastTheFunctionsTimeout()
    {
        var functions = s_topology.Functions.ToDictionary(f => f.Name);
        Assert.Equal([TopologyNames.FaceRecognitionFunction, TopologyNames.VideoSplitFunction], functions.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(functions.Count, s_topology.EventSources.Select(e => e.Function).Distinct().Count());
        Assert.All(s_topology.EventSources, source =>
        {
            var function = functions[source.Function];
            var queue = s_topology.Queues.Single(q => q.Name == source.Queue);
            // Lambda refuses a mapping whose queue hides a message for less than the function may run.
            Assert.True(int.Parse(queue.Attributes["VisibilityTimeout"], System.Globalization.CultureInfo.InvariantCulture) >= function.TimeoutSeconds, source.Queue);
            Assert.NotNull(queue.DeadLetter);
            Assert.Contains(s_topology.Notifications, n => n.Queue == source.Queue);
            // The mapping never runs more at once than the function may.
            Assert.InRange(source.MaximumConcurrency ?? int.MaxValue, 2, function.ReservedConcurrency ?? int.MaxValue);
        });
    }

    [Fact]
    public void EachFunctionMayRunAtLeastFiveAtOnceAsTheOriginalGraderRequires()
    {
        Assert.All(s_topology.Functions, f => Assert.True(f.ReservedConcurrency is null or >= 5, f.Name));
        Assert.All(s_topology.EventSources, e => Assert.True(e.MaximumConcurrency is null or >= 5, e.Function));
    }

    [Fact]
    public void TheLongestPrefixStillGivesValidNames()
    {
        var topology = SystemTopology.For(new TopologyNames(new string('a', 30)));
        Assert.All(topology.Buckets, b => Assert.InRange(b.Name.Length, 3, 63));
        Assert.All(topology.Queues, q => Assert.InRange(q.Name.Length, 1, 80));
    }

    [Theory]
    [InlineData("")]
    [InlineData("Upper")]
    [InlineData("under_score")]
    [InlineData("-leading")]
    [InlineData("trailing-")]
    [InlineData("double--hyphen")]
    [InlineData("much-too-long-for-a-prefix-of-names")]
    public void UnusablePrefixesAreRefusedWithTheRule(string prefix)
    {
        var error = Assert.Throws<ArgumentException>(() => new TopologyNames(prefix));
        Assert.Contains("lower-case letters, digits and single hyphens", error.Message, StringComparison.Ordinal);
    }
}
