using FaceRecognition.Emulator.Iam;

namespace FaceRecognition.Emulator.Tests;

/// <summary>IAM's evaluation of an identity policy, as the emulator applies it to a principal's requests.</summary>
public sealed class IdentityPolicyTests
{
    private static string? None(string key) => null;

    [Fact]
    public void Actions_match_with_wildcards_and_any_case_resources_with_wildcards_and_exact_case()
    {
        var policy = IdentityPolicy.Parse("""
            {"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":["s3:Get*","sqs:SendMessage"],"Resource":"arn:aws:s3:::b/photos/*.jpg"}}
            """);
        Assert.True(policy.Allows("s3:GetObject", "arn:aws:s3:::b/photos/a.jpg", None));
        Assert.True(policy.Allows("S3:GETOBJECT", "arn:aws:s3:::b/photos/2026/a.jpg", None));
        Assert.True(policy.Allows("sqs:sendmessage", "arn:aws:s3:::b/photos/x.jpg", None));
        Assert.False(policy.Allows("s3:PutObject", "arn:aws:s3:::b/photos/a.jpg", None));
        Assert.False(policy.Allows("s3:GetObject", "arn:aws:s3:::b/Photos/a.jpg", None));
        Assert.False(policy.Allows("s3:GetObject", "arn:aws:s3:::b/photos/a.png", None));
    }

    [Fact]
    public void An_explicit_deny_wins_over_any_allow_and_nothing_allowed_is_denied()
    {
        var policy = IdentityPolicy.Parse("""
            {"Statement":[
              {"Effect":"Allow","Action":"s3:*","Resource":"*"},
              {"Effect":"Deny","Action":"s3:DeleteBucket","Resource":"arn:aws:s3:::keep"}]}
            """);
        Assert.True(policy.Allows("s3:DeleteBucket", "arn:aws:s3:::other", None));
        Assert.False(policy.Allows("s3:DeleteBucket", "arn:aws:s3:::keep", None));
        Assert.False(policy.Allows("sqs:DeleteQueue", "arn:aws:sqs:us-east-1:000000000000:q", None));
    }

    [Fact]
    public void Conditions_hold_on_the_requests_keys_and_a_missing_key_fails_unless_negated_or_if_exists()
    {
        var policy = IdentityPolicy.Parse("""
            {"Statement":[{"Effect":"Allow","Action":"ec2:StartInstances","Resource":"*",
              "Condition":{"StringEquals":{"ec2:ResourceTag/Deployment":"prod"},"StringLike":{"ec2:ResourceTag/Name":["app-*","worker-?"]}}}]}
            """);
        Func<string, string?> Tags(string? deployment, string? name) => key => key switch
        {
            "ec2:ResourceTag/Deployment" => deployment,
            "ec2:ResourceTag/Name" => name,
            _ => null,
        };
        Assert.True(policy.Allows("ec2:StartInstances", "i-1", Tags("prod", "app-tier-1")));
        Assert.True(policy.Allows("ec2:StartInstances", "i-1", Tags("prod", "worker-7")));
        Assert.False(policy.Allows("ec2:StartInstances", "i-1", Tags("test", "app-tier-1")));
        Assert.False(policy.Allows("ec2:StartInstances", "i-1", Tags("prod", "web-tier")));
        Assert.False(policy.Allows("ec2:StartInstances", "i-1", Tags("prod", null)));

        var lenient = IdentityPolicy.Parse("""
            {"Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*",
              "Condition":{"StringLikeIfExists":{"s3:prefix":"public/*"},"StringNotEquals":{"s3:delimiter":"|"}}}]}
            """);
        Assert.True(lenient.Allows("s3:ListBucket", "arn:aws:s3:::b", None));
        Assert.True(lenient.Allows("s3:ListBucket", "arn:aws:s3:::b", k => k == "s3:prefix" ? "public/a" : null));
        Assert.False(lenient.Allows("s3:ListBucket", "arn:aws:s3:::b", k => k == "s3:prefix" ? "private/" : null));
        Assert.False(lenient.Allows("s3:ListBucket", "arn:aws:s3:::b", k => k == "s3:delimiter" ? "|" : null));
    }

    [Theory]
    [InlineData("not json", "not JSON")]
    [InlineData("""{"Version":"2012-10-17"}""", "Statement")]
    [InlineData("""{"Statement":{"Effect":"Allow","NotAction":"s3:*","Resource":"*"}}""", "'NotAction' is not supported")]
    [InlineData("""{"Statement":{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}}""", "'Principal' is not supported")]
    [InlineData("""{"Statement":{"Effect":"Maybe","Action":"s3:*","Resource":"*"}}""", "Allow or Deny")]
    [InlineData("""{"Statement":{"Effect":"Allow","Action":"s3:*"}}""", "needs Resource")]
    [InlineData("""{"Statement":{"Effect":"Allow","Action":[],"Resource":"*"}}""", "non-empty list")]
    [InlineData("""{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"NumericLessThan":{"s3:max-keys":"10"}}}}""", "'NumericLessThan' is not supported")]
    public void A_policy_the_emulator_cannot_evaluate_exactly_is_refused_saying_why(string json, string reason)
    {
        var error = Assert.Throws<FormatException>(() => IdentityPolicy.Parse(json));
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }
}
