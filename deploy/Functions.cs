using Amazon.CDK;
using Amazon.CDK.AWS.IAM;
using Amazon.CDK.AWS.Lambda;
using Amazon.CDK.AWS.Lambda.EventSources;
using Amazon.CDK.AWS.Logs;
using Amazon.CDK.AWS.SQS;
using Constructs;
using FaceRecognition.Cloud.Topology;
using LambdaFunction = Amazon.CDK.AWS.Lambda.Function;

namespace FaceRecognition.Deploy;

/// <summary>A function of the topology on AWS: its package (the zip <c>Lambdas/Packaging</c> built, uploaded as a CDK
/// asset), provided.al2023 on x86_64, its own role with only its permissions, its own log group with a retention, and
/// its SQS event source mapping as locally.</summary>
internal static class Functions
{
    public static LambdaFunction Create(Construct scope, FunctionSpec spec, EventSourceSpec source, Queue queue,
        TopologyNames names, DeploySettings settings)
    {
        if (!settings.PackageZips.TryGetValue(spec.Name, out var zip) || !File.Exists(zip))
        {
            throw new InvalidOperationException($"No deployment package for {spec.Name} (expected {zip ?? "a zip"}); build it with: dotnet run --project Lambdas/Packaging -c Release");
        }
        var logGroup = new LogGroup(scope, spec.Name + "-log", new LogGroupProps
        {
            LogGroupName = "/aws/lambda/" + spec.Name,
            Retention = Retention(settings.LogRetentionDays),
            RemovalPolicy = RemovalPolicy.DESTROY,
        });
        var role = new Role(scope, spec.Name + "-role", new RoleProps
        {
            RoleName = SystemPermissions.RoleName(names, spec.Name),
            Description = $"The {spec.Name} function: only what its handler does.",
            AssumedBy = new ServicePrincipal("lambda.amazonaws.com"),
            InlinePolicies = new Dictionary<string, PolicyDocument>
            {
                ["least-privilege"] = new(new PolicyDocumentProps
                {
                    Statements = Statements.For(spec.Name, names),
                }),
            },
        });
        var function = new LambdaFunction(scope, spec.Name, new FunctionProps
        {
            FunctionName = spec.Name,
            Description = spec.Description,
            Runtime = Runtime.PROVIDED_AL2023,
            Architecture = Architecture.X86_64,
            Handler = FunctionSpec.Handler,
            Code = Code.FromAsset(zip),
            Timeout = Duration.Seconds(spec.TimeoutSeconds),
            MemorySize = spec.MemoryMb,
            ReservedConcurrentExecutions = spec.ReservedConcurrency,
            Environment = spec.Environment.ToDictionary(v => v.Key, v => v.Value),
            Role = role,
            LogGroup = logGroup,
            // Each invocation's segment in X-Ray (Lambda grants the role its two X-Ray writes with it).
            Tracing = Tracing.ACTIVE,
        });
        function.AddEventSource(new SqsEventSource(queue, new SqsEventSourceProps
        {
            BatchSize = source.BatchSize,
            MaxConcurrency = source.MaximumConcurrency,
            ReportBatchItemFailures = true,
        }));
        return function;
    }

    public static RetentionDays Retention(int days) => days switch
    {
        1 => RetentionDays.ONE_DAY,
        3 => RetentionDays.THREE_DAYS,
        5 => RetentionDays.FIVE_DAYS,
        7 => RetentionDays.ONE_WEEK,
        14 => RetentionDays.TWO_WEEKS,
        30 => RetentionDays.ONE_MONTH,
        90 => RetentionDays.THREE_MONTHS,
        _ => throw new ArgumentException($"CloudWatch Logs keeps logs for 1, 3, 5, 7, 14, 30 or 90 days here, not {days}.", nameof(days)),
    };
}
