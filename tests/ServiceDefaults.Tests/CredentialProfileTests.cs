using Amazon.Runtime;
using Amazon.Runtime.CredentialManagement;

namespace FaceRecognition.ServiceDefaults.Tests;

/// <summary>With <c>Cloud:Backend=Aws</c> services use the default credential chain, which reads the user's AWS
/// profiles. SSO and assume-role profiles need SDK assemblies the chain loads at run time; without them every call
/// fails with "Assembly AWSSDK.… could not be found or loaded". These tests resolve such profiles as the chain does
/// and check that they get as far as asking the identity service.</summary>
public sealed class CredentialProfileTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("facerec-profiles-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private CredentialProfile Profile(string name, string config)
    {
        var path = Path.Combine(_directory, "config");
        File.WriteAllText(path, config);
        var chain = new CredentialProfileStoreChain(path);
        Assert.True(chain.TryGetProfile(name, out var profile), $"profile {name} not read from {config}");
        return profile;
    }

    [Fact]
    public async Task AnSsoProfileWithoutALoginAsksTheUserToSignIn()
    {
        var profile = Profile("sso", """
            [profile sso]
            sso_session = work
            sso_account_id = 123456789012
            sso_role_name = Developer
            region = eu-west-1
            [sso-session work]
            sso_start_url = https://example.awsapps.com/start
            sso_region = eu-west-1
            """);
        var credentials = AWSCredentialsFactory.GetAWSCredentials(profile, new CredentialProfileStoreChain(Path.Combine(_directory, "config")));
        var sso = Assert.IsType<SSOAWSCredentials>(credentials);
        // No cached token and no way to open a browser here: the SDK's SSO client says to sign in.
        sso.Options.SsoVerificationCallback = null;
        var error = await Assert.ThrowsAnyAsync<Exception>(() => sso.GetCredentialsAsync());
        Assert.DoesNotContain("could not be found or loaded", Flatten(error), StringComparison.Ordinal);
        Assert.Contains("SSO", Flatten(error), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnAssumeRoleProfileCallsTheSecurityTokenService()
    {
        var profile = Profile("deployer", """
            [profile base]
            aws_access_key_id = AKIAEXAMPLEEXAMPLE00
            aws_secret_access_key = secret
            [profile deployer]
            role_arn = arn:aws:iam::123456789012:role/deployer
            source_profile = base
            region = eu-west-1
            """);
        var credentials = Assert.IsType<AssumeRoleAWSCredentials>(
            AWSCredentialsFactory.GetAWSCredentials(profile, new CredentialProfileStoreChain(Path.Combine(_directory, "config"))));
        // The security token service, at an address where nothing listens: the call is made and refused at once.
        Environment.SetEnvironmentVariable("AWS_ENDPOINT_URL_STS", "http://127.0.0.1:9");
        try
        {
            var error = await Assert.ThrowsAnyAsync<Exception>(() => credentials.GetCredentialsAsync());
            Assert.DoesNotContain("could not be found or loaded", Flatten(error), StringComparison.Ordinal);
            Assert.Contains("arn:aws:iam::123456789012:role/deployer", Flatten(error), StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable("AWS_ENDPOINT_URL_STS", null);
        }
    }

    private static string Flatten(Exception error) => error.InnerException is null ? error.Message : error.Message + " / " + Flatten(error.InnerException);
}
