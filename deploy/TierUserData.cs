using System.Globalization;
using Amazon.CDK;
using Amazon.CDK.AWS.EC2;

namespace FaceRecognition.Deploy;

/// <summary>
/// What an instance runs at its first boot (Amazon Linux 2023, as root): fetch its tier's build from the asset bucket,
/// install it under /opt/facerec as a systemd service that restarts on failure and starts at every boot, and the
/// CloudWatch agent that ships the service's log to its log group and its traces (OTLP on 127.0.0.1:4317) to X-Ray.
/// Each step may run again (cloud-init reruns a script a stop interrupted). An app-tier instance then stops itself:
/// it stays stopped until the web tier's autoscaler starts it. Secrets (variable -> Secrets Manager ARN) are read at
/// boot into a root-only environment file, with the shell's tracing off so that no log holds them.
/// </summary>
internal static class TierUserData
{
    public static UserData Render(TierDefinition tier, string buildUrl, string logGroup, IReadOnlyDictionary<string, string> environment, bool stopWhenInstalled,
        IReadOnlyDictionary<string, string>? secrets = null)
    {
        var secretsFile = $"/opt/facerec/{tier.Name}.env";
        var home = "/opt/facerec/" + tier.Name;
        var log = $"/var/log/facerec/{tier.Name}.log";
        var service = "facerec-" + tier.Name;
        var variables = string.Join('\n', environment.OrderBy(v => v.Key, StringComparer.Ordinal).Select(v => $"Environment={v.Key}={v.Value}"));
        var userData = UserData.ForLinux(new LinuxUserDataOptions { Shebang = "#!/bin/bash" });
        userData.AddCommands(
            "set -euxo pipefail",
            "dnf install -y amazon-cloudwatch-agent",
            "id facerec || useradd --system --no-create-home --shell /sbin/nologin facerec",
            "mkdir -p /opt/facerec /var/log/facerec && chown facerec /var/log/facerec",
            $"aws s3 cp '{buildUrl}' /opt/facerec/{tier.Name}.zip --region {Aws.REGION}",
            $"rm -rf {home}.new && python3 -c \"import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])\" /opt/facerec/{tier.Name}.zip {home}.new",
            $"chmod +x {home}.new/{tier.Executable} && rm -rf {home} && mv {home}.new {home}");
        if (secrets is { Count: > 0 })
        {
            userData.AddCommands(["set +x", $"(umask 077 && : > {secretsFile})",
                .. secrets.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s =>
                    $"printf '%s=%s\\n' {s.Key} \"$(aws secretsmanager get-secret-value --secret-id '{s.Value}' --query SecretString --output text --region {Aws.REGION})\" >> {secretsFile}"),
                "set -x"]);
        }
        userData.AddCommands(
            $"cat > /etc/systemd/system/{service}.service <<'UNIT'",
            "[Unit]",
            $"Description=FaceRecognition {tier.Name}",
            "Wants=network-online.target",
            "After=network-online.target",
            "[Service]",
            "User=facerec",
            $"WorkingDirectory={home}",
            $"ExecStart={home}/{tier.Executable}",
            secrets is { Count: > 0 } ? $"{variables}\nEnvironmentFile={secretsFile}" : variables,
            "Restart=always",
            "RestartSec=2",
            // SIGTERM lets an app tier finish or release its messages (its host waits up to 25 s).
            "TimeoutStopSec=40",
            $"StandardOutput=append:{log}",
            "StandardError=inherit",
            "AmbientCapabilities=CAP_NET_BIND_SERVICE",
            "[Install]",
            "WantedBy=multi-user.target",
            "UNIT",
            $"cat > /etc/logrotate.d/{service} <<'ROTATE'",
            $"{log} {{ daily rotate 3 compress missingok copytruncate }}",
            "ROTATE",
            "cat > /opt/aws/amazon-cloudwatch-agent/etc/facerec.json <<'AGENT'",
            AgentConfiguration(log, logGroup),
            "AGENT",
            "/opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl -a fetch-config -m ec2 -s -c file:/opt/aws/amazon-cloudwatch-agent/etc/facerec.json",
            "systemctl daemon-reload",
            $"systemctl enable --now {service}");
        if (stopWhenInstalled)
        {
            userData.AddCommands(
                "if [ ! -e /opt/facerec/.first-boot-done ]; then touch /opt/facerec/.first-boot-done; shutdown -h now; fi");
        }
        return userData;
    }

    private static string AgentConfiguration(string log, string logGroup) => string.Create(CultureInfo.InvariantCulture, $$"""
        {
          "logs": { "logs_collected": { "files": { "collect_list": [
            { "file_path": "{{log}}", "log_group_name": "{{logGroup}}", "log_stream_name": "{instance_id}" }
          ] } } },
          "traces": { "traces_collected": { "otlp": { "grpc_endpoint": "127.0.0.1:4317" } } }
        }
        """);
}
