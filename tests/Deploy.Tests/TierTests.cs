using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Amazon.CDK.Assertions;
using static FaceRecognition.Deploy.Tests.TemplateValues;

namespace FaceRecognition.Deploy.Tests;

/// <summary>The image path's tiers on EC2: one web tier serving HTTP on its port only, twenty app-tier instances that
/// install themselves and stop until the web tier's autoscaler starts them, each running its build under systemd.</summary>
public sealed class TierTests(SynthesizedStack stack)
{
    private IEnumerable<(string Id, JsonObject Properties)> Instances => stack.OfType("AWS::EC2::Instance");

    private (string Id, JsonObject Properties) Instance(string name) =>
        Instances.Single(i => Tag(i.Properties, "Name") == name);

    private static string? Tag(JsonObject properties, string key) =>
        properties["Tags"]?.AsArray().Where(t => (string?)t!["Key"] == key).Select(t => (string?)t!["Value"]).SingleOrDefault();

    private static string UserData(JsonObject properties) => Render(properties["UserData"]!["Fn::Base64"]);

    [Fact]
    public void Twenty_app_tier_instances_are_tagged_for_the_autoscaler_and_for_this_deployment()
    {
        var appTier = Instances.Where(i => Tag(i.Properties, "Name")!.StartsWith("app-tier-instance-", StringComparison.Ordinal)).ToList();
        Assert.Equal(Enumerable.Range(1, 20).Select(n => $"app-tier-instance-{n}").Order(), appTier.Select(i => Tag(i.Properties, "Name")!).Order());
        Assert.All(Instances, i => Assert.Equal(stack.Names.Prefix, Tag(i.Properties, "FaceRecognition:Deployment")));
        Assert.Equal(21, Instances.Count());
    }

    [Fact]
    public void Every_instance_runs_Amazon_Linux_2023_and_requires_IMDSv2()
    {
        var parameters = stack.Root["Parameters"]!;
        foreach (var (_, properties) in Instances)
        {
            var parameter = parameters[Target(properties["ImageId"])]!;
            Assert.Equal("/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-6.1-x86_64", (string?)parameter["Default"]);
            var template = stack.Resources[Target(properties["LaunchTemplate"]!["Version"])]!["Properties"]!;
            Assert.Equal("required", (string?)template["LaunchTemplateData"]!["MetadataOptions"]!["HttpTokens"]);
        }
    }

    [Fact]
    public void The_web_tier_lets_in_its_HTTP_port_only_and_the_app_tier_nothing()
    {
        var groups = stack.OfType("AWS::EC2::SecurityGroup").ToDictionary(g => g.Id, g => g.Properties);
        var web = groups[Target(Assert.Single(Instance("web-instance").Properties["SecurityGroupIds"]!.AsArray()))];
        var ingress = Assert.Single(web["SecurityGroupIngress"]!.AsArray())!;
        Assert.Equal(("tcp", 80, 80, "0.0.0.0/0"), ((string?)ingress["IpProtocol"], (int)ingress["FromPort"]!, (int)ingress["ToPort"]!, (string?)ingress["CidrIp"]));
        foreach (var n in Enumerable.Range(1, 20))
        {
            var app = groups[Target(Assert.Single(Instance($"app-tier-instance-{n}").Properties["SecurityGroupIds"]!.AsArray()))];
            Assert.Null(app["SecurityGroupIngress"]);
        }
        Assert.Empty(stack.OfType("AWS::EC2::SecurityGroupIngress"));
    }

    [Theory]
    [InlineData("web-instance", "FaceRecognition.WebTier")]
    [InlineData("app-tier-instance-7", "FaceRecognition.AppTier")]
    public void An_instance_installs_its_own_build_as_a_systemd_service_that_restarts_and_starts_at_boot(string instance, string executable)
    {
        var tier = instance.StartsWith("web", StringComparison.Ordinal) ? "web-tier" : "app-tier";
        var script = UserData(Instance(instance).Properties);
        Assert.StartsWith("#!/bin/bash\nset -euxo pipefail\n", script, StringComparison.Ordinal);
        // The build it downloads is the one its role may read, and nothing else.
        var download = Regex.Match(script, @"aws s3 cp 's3://(?<bucket>[^/]+)/(?<key>[0-9a-f]{64}\.zip)'");
        Assert.True(download.Success, script);
        var role = InstanceRole(instance);
        var readable = RoleResources(role, "s3:GetObject").Where(r => r.Contains("cdk-", StringComparison.Ordinal)).ToList();
        Assert.Equal($"arn:${{AWS::Partition}}:s3:::{download.Groups["bucket"].Value}/{download.Groups["key"].Value}", Assert.Single(readable));
        Assert.Contains($"ExecStart=/opt/facerec/{tier}/{executable}\n", script, StringComparison.Ordinal);
        Assert.Contains("Restart=always\n", script, StringComparison.Ordinal);
        Assert.Contains("WantedBy=multi-user.target\n", script, StringComparison.Ordinal);
        Assert.Contains($"systemctl enable --now facerec-{tier}", script, StringComparison.Ordinal);
        Assert.Contains($"Environment=Cloud__Prefix={stack.Names.Prefix}\n", script, StringComparison.Ordinal);
        Assert.Contains("Environment=Aws__Region=${AWS::Region}\n", script, StringComparison.Ordinal);
        // Its log to its own log group, its traces to X-Ray, through the CloudWatch agent.
        Assert.Contains($"\"log_group_name\": \"/facerec/{stack.Names.Prefix}/{tier}\"", script, StringComparison.Ordinal);
        Assert.Contains("Environment=OTEL_EXPORTER_OTLP_TRACES_ENDPOINT=http://127.0.0.1:4317\n", script, StringComparison.Ordinal);
        Assert.Contains("\"traces_collected\": { \"otlp\": { \"grpc_endpoint\": \"127.0.0.1:4317\" } }", script, StringComparison.Ordinal);
    }

    [Fact]
    public void App_tier_instances_stop_once_installed_and_the_web_tiers_autoscaler_manages_all_twenty()
    {
        Assert.All(Enumerable.Range(1, 20), n => Assert.Contains("shutdown -h now", UserData(Instance($"app-tier-instance-{n}").Properties), StringComparison.Ordinal));
        var web = UserData(Instance("web-instance").Properties);
        Assert.DoesNotContain("shutdown", web, StringComparison.Ordinal);
        Assert.Contains("Environment=Scaling__Enabled=true\n", web, StringComparison.Ordinal);
        Assert.Contains("Environment=Scaling__MaxInstances=20\n", web, StringComparison.Ordinal);
        Assert.Contains("Environment=Scaling__InstanceNamePattern=app-tier-instance-*\n", web, StringComparison.Ordinal);
        Assert.Contains("Environment=ASPNETCORE_HTTP_PORTS=80\n", web, StringComparison.Ordinal);
    }

    [Fact]
    public void The_autoscaler_may_start_and_stop_only_this_deployments_app_tier_instances()
    {
        var role = InstanceRole("web-instance");
        var scaling = RoleStatements(role).Where(s => Items(s["Action"]).Select(Render).Any(a => a is "ec2:StartInstances" or "ec2:StopInstances")).ToList();
        var statement = Assert.Single(scaling);
        var condition = statement["Condition"]!;
        Assert.Equal(stack.Names.Prefix, (string?)condition["StringEquals"]!["ec2:ResourceTag/FaceRecognition:Deployment"]);
        var pattern = (string)condition["StringLike"]!["ec2:ResourceTag/Name"]!;
        var matches = new Regex("^" + Regex.Escape(pattern).Replace(@"\*", ".*", StringComparison.Ordinal) + "$");
        Assert.All(Enumerable.Range(1, 20), n => Assert.Matches(matches, $"app-tier-instance-{n}"));
        Assert.DoesNotMatch(matches, "web-instance");
        // No other statement of any tier role mentions EC2 instances.
        Assert.DoesNotContain(RoleStatements(InstanceRole("app-tier-instance-1")), s => Items(s["Action"]).Select(Render).Any(a => a.StartsWith("ec2:", StringComparison.Ordinal)));
    }

    [Fact]
    public void The_web_tier_reads_its_generated_API_key_at_boot_and_no_log_or_template_holds_it()
    {
        var (secretId, secret) = Assert.Single(stack.OfType("AWS::SecretsManager::Secret"));
        Assert.Equal($"{stack.Names.Prefix}/api-key", (string?)secret["Name"]);
        var generated = secret["GenerateSecretString"]!;
        Assert.True((int)generated["PasswordLength"]! >= 32);
        Assert.True((bool)generated["ExcludePunctuation"]!);
        Assert.Null(secret["SecretString"]);

        var web = UserData(Instance("web-instance").Properties);
        var read = Regex.Match(web, @"set \+x\n\(umask 077 && : > /opt/facerec/web-tier\.env\)\nprintf '%s=%s\\n' FrontDoor__ApiKey ""\$\(aws secretsmanager get-secret-value --secret-id '\$\{(?<secret>\w+)\}' [^\n]+\)"" >> /opt/facerec/web-tier\.env\nset -x\n");
        Assert.True(read.Success, web);
        Assert.Equal(secretId, read.Groups["secret"].Value);
        Assert.Contains("EnvironmentFile=/opt/facerec/web-tier.env\n", web, StringComparison.Ordinal);
        Assert.DoesNotContain("secretsmanager", UserData(Instance("app-tier-instance-1").Properties), StringComparison.Ordinal);

        var readers = RoleStatements(InstanceRole("web-instance")).Where(s => Items(s["Action"]).Select(Render).Contains("secretsmanager:GetSecretValue")).ToList();
        Assert.Equal($"${{{secretId}}}", Render(Assert.Single(readers)["Resource"]));
        Assert.DoesNotContain(RoleStatements(InstanceRole("app-tier-instance-1")), s => Items(s["Action"]).Select(Render).Any(a => a.StartsWith("secretsmanager:", StringComparison.Ordinal)));
        Assert.Equal($"{stack.Names.Prefix}/api-key", Render(stack.Root["Outputs"]!["ApiKeySecret"]!["Value"]));
    }

    [Fact]
    public void Deploying_prints_the_web_tiers_url()
    {
        var output = stack.Root["Outputs"]!["WebTierUrl"]!;
        Assert.Equal($"http://${{{Instance("web-instance").Id}.PublicDnsName}}/", Render(output["Value"]));
    }

    [Fact]
    public void Each_tier_has_its_log_group_kept_for_two_weeks()
    {
        foreach (var tier in new[] { "web-tier", "app-tier" })
        {
            stack.Template.HasResourceProperties("AWS::Logs::LogGroup", new Dictionary<string, object>
            {
                ["LogGroupName"] = $"/facerec/{stack.Names.Prefix}/{tier}",
                ["RetentionInDays"] = 14,
            });
        }
    }

    private string InstanceRole(string name)
    {
        var profile = stack.Resources[Target(Instance(name).Properties["IamInstanceProfile"])]!["Properties"]!;
        return Target(Assert.Single(profile["Roles"]!.AsArray()));
    }

    private IEnumerable<JsonObject> RoleStatements(string role) =>
        stack.Resources[role]!["Properties"]!["Policies"]!.AsArray().SelectMany(p => p!["PolicyDocument"]!["Statement"]!.AsArray()).Select(s => s!.AsObject());

    private IEnumerable<string> RoleResources(string role, string action) =>
        RoleStatements(role).Where(s => Items(s["Action"]).Select(Render).Contains(action)).SelectMany(s => Items(s["Resource"]).Select(Render));
}
