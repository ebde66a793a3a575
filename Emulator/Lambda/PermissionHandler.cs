using System.Text.RegularExpressions;
using FaceRecognition.Emulator.Storage;

namespace FaceRecognition.Emulator.Lambda;

/// <summary>A function's resource-based policy: AddPermission, GetPolicy, RemovePermission (what lets S3 invoke it).</summary>
internal sealed partial class PermissionHandler(EmulatorStore store, LambdaStore lambda, LambdaNames names)
{
    public async Task AddPermission(LambdaCall call, string parameter)
    {
        var request = call.Read(LambdaJson.Default.AddPermissionRequest);
        var name = names.FunctionName(parameter);
        if (request.StatementId is not { Length: > 0 and <= 100 } statementId || !StatementIdPattern().IsMatch(statementId))
        {
            throw LambdaErrors.Validation("statementId", request.StatementId, "Member must satisfy regular expression pattern: ([a-zA-Z0-9-_.]+) and have length 1 to 100");
        }
        if (request.Action is not { Length: > 0 } action || !ActionPattern().IsMatch(action))
        {
            throw LambdaErrors.Validation("action", request.Action, "Member must satisfy regular expression pattern: (lambda:[*]|lambda:[a-zA-Z]+|[*])");
        }
        if (request.Principal is not { Length: > 0 } principal) throw LambdaErrors.Validation("principal", null, "Member must not be null");
        var statement = FunctionPolicy.Statement(statementId, action, principal, names.FunctionArn(name), request.SourceArn, request.SourceAccount);
        await store.WriteAsync(changes =>
        {
            var function = lambda.GetFunction(name, names.FunctionArn(name));
            if (request.RevisionId is not null && request.RevisionId != function.RevisionId) throw LambdaErrors.PreconditionFailed(function.RevisionId);
            if (function.Policy.Any(s => FunctionPolicy.StatementId(s) == statementId))
            {
                throw LambdaErrors.Conflict($"The statement id ({statementId}) provided already exists. Please provide a new statement id, or remove the existing statement.");
            }
            lambda.UpdateFunction(changes, function with { Policy = [.. function.Policy, statement] });
        });
        await call.Json(201, new AddPermissionResponse(statement), LambdaJson.Default.AddPermissionResponse);
    }

    public Task GetPolicy(LambdaCall call, string parameter)
    {
        var name = names.FunctionName(parameter);
        var function = store.Read(() => lambda.GetFunction(name, names.FunctionArn(name)));
        if (function.Policy.Count == 0) throw new Protocol.AwsException(404, "ResourceNotFoundException", "The resource you requested does not exist.");
        return call.Json(200, new GetPolicyResponse(FunctionPolicy.Document(function.Policy), function.RevisionId), LambdaJson.Default.GetPolicyResponse);
    }

    public async Task RemovePermission(LambdaCall call, string parameter, string statementId)
    {
        var name = names.FunctionName(parameter);
        await store.WriteAsync(changes =>
        {
            var function = lambda.GetFunction(name, names.FunctionArn(name));
            var remaining = function.Policy.Where(s => FunctionPolicy.StatementId(s) != statementId).ToList();
            if (remaining.Count == function.Policy.Count)
            {
                throw new Protocol.AwsException(404, "ResourceNotFoundException", $"Statement {statementId} is not found in resource policy.");
            }
            lambda.UpdateFunction(changes, function with { Policy = remaining });
        });
        call.NoContent();
    }

    [GeneratedRegex(@"^[a-zA-Z0-9-_.]+$")]
    private static partial Regex StatementIdPattern();

    [GeneratedRegex(@"^(lambda:[*]|lambda:[a-zA-Z]+|[*])$")]
    private static partial Regex ActionPattern();
}
