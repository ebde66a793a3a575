using System.Globalization;
using FaceRecognition.Emulator.Lambda.Execution;
using FaceRecognition.Emulator.Sqs;
using FaceRecognition.Emulator.Storage;

namespace FaceRecognition.Emulator.Lambda;

/// <summary>Function operations: create, get, list, update code and configuration, delete; reserved concurrency,
/// asynchronous invocation settings, tags and account settings.</summary>
internal sealed class FunctionHandler(
    EmulatorStore store,
    LambdaStore lambda,
    SqsStore sqs,
    LambdaNames names,
    CodePackages packages,
    LambdaExecutor executor,
    ConcurrencyGate concurrency,
    CodeLocation codeLocation,
    TimeProvider clock)
{
    private const int MaxListItems = 50;

    public async Task CreateFunction(LambdaCall call)
    {
        var request = call.Read(LambdaJson.Default.CreateFunctionRequest);
        var name = names.FunctionName(request.FunctionName);
        FunctionValidation.PackageAndArchitectures(request.PackageType, request.Architectures, request.Layers);
        var runtime = FunctionValidation.Runtime(request.Runtime);
        var role = FunctionValidation.Role(request.Role);
        var handler = FunctionValidation.Handler(request.Handler);
        var timeout = FunctionValidation.Timeout(request.Timeout);
        var memory = FunctionValidation.MemorySize(request.MemorySize);
        var description = FunctionValidation.Description(request.Description);
        var variables = FunctionValidation.Variables(request.Environment?.Variables);
        var deadLetter = DeadLetterTarget(request.DeadLetterConfig?.TargetArn);
        if (request.Code is null) throw LambdaErrors.Validation("code", null, "Member must not be null");
        if (request.Code.ImageUri is not null) throw LambdaErrors.NotSupported("Code.ImageUri (container images)");
        if (store.Read(() => lambda.FindFunction(name)) is not null) throw LambdaErrors.FunctionExists(name);

        var package = await packages.StoreAsync(request.Code.ZipFile, request.Code.S3Bucket, request.Code.S3Key, runtime, call.Aborted);
        var function = new FunctionRecord(name, runtime, role, handler, description, timeout, memory, variables, package.BlobId, package.Sha256,
            package.Size, Now, NewRevision(), null, deadLetter, request.Tags ?? [], [], null, null);
        var created = false;
        try
        {
            await store.WriteAsync(changes =>
            {
                lambda.CreateFunction(changes, function);
                created = true;
            });
        }
        finally
        {
            if (!created) store.Blobs.Discard(package.BlobId);
        }
        await call.Json(201, Configuration(function), LambdaJson.Default.FunctionConfiguration);
    }

    public Task GetFunction(LambdaCall call, string parameter)
    {
        var function = Find(parameter);
        var concurrencySettings = function.ReservedConcurrency is { } reserved ? new ConcurrencyDto(reserved) : null;
        var location = codeLocation.Url(call.Http.Request, function.Name, function.CodeSha256);
        return call.Json(200, new GetFunctionResponse(Configuration(function), new FunctionCodeLocation("S3", location), function.Tags, concurrencySettings),
            LambdaJson.Default.GetFunctionResponse);
    }

    public Task GetFunctionConfiguration(LambdaCall call, string parameter) =>
        call.Json(200, Configuration(Find(parameter)), LambdaJson.Default.FunctionConfiguration);

    public Task ListFunctions(LambdaCall call)
    {
        var max = call.Target.Get("MaxItems") is { } text
            ? int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= 10000 ? Math.Min(n, MaxListItems)
                : throw LambdaErrors.Validation("maxItems", text, "Member must have value between 1 and 10000")
            : MaxListItems;
        var marker = call.Target.Get("Marker");
        var all = store.Read(lambda.Functions);
        var page = all.Where(f => marker is null || string.CompareOrdinal(f.Name, marker) > 0).Take(max + 1).ToList();
        var next = page.Count > max ? page[max - 1].Name : null;
        return call.Json(200, new ListFunctionsResponse([.. page.Take(max).Select(Configuration)], next), LambdaJson.Default.ListFunctionsResponse);
    }

    public async Task UpdateFunctionCode(LambdaCall call, string parameter)
    {
        var request = call.Read(LambdaJson.Default.UpdateFunctionCodeRequest);
        var current = Find(parameter);
        CheckRevision(current, request.RevisionId);
        FunctionValidation.PackageAndArchitectures(null, request.Architectures, null);
        if (request.ImageUri is not null) throw LambdaErrors.NotSupported("ImageUri (container images)");
        var package = await packages.StoreAsync(request.ZipFile, request.S3Bucket, request.S3Key, current.Runtime, call.Aborted);
        if (request.DryRun == true)
        {
            store.Blobs.Discard(package.BlobId);
            await call.Json(200, Configuration(current with { CodeSha256 = package.Sha256, CodeSize = package.Size }), LambdaJson.Default.FunctionConfiguration);
            return;
        }
        var updated = await Update(current.Name, request.RevisionId, f => f with
        {
            CodeBlobId = package.BlobId,
            CodeSha256 = package.Sha256,
            CodeSize = package.Size,
        }, package.BlobId);
        await call.Json(200, Configuration(updated), LambdaJson.Default.FunctionConfiguration);
    }

    public async Task UpdateFunctionConfiguration(LambdaCall call, string parameter)
    {
        var request = call.Read(LambdaJson.Default.UpdateFunctionConfigurationRequest);
        var name = Find(parameter).Name;
        FunctionValidation.PackageAndArchitectures(null, null, request.Layers);
        var runtime = request.Runtime is null ? null : FunctionValidation.Runtime(request.Runtime);
        var role = request.Role is null ? null : FunctionValidation.Role(request.Role);
        var handler = request.Handler is null ? null : FunctionValidation.Handler(request.Handler);
        var timeout = request.Timeout is null ? (int?)null : FunctionValidation.Timeout(request.Timeout);
        var memory = request.MemorySize is null ? (int?)null : FunctionValidation.MemorySize(request.MemorySize);
        var description = request.Description is null ? null : FunctionValidation.Description(request.Description);
        var variables = request.Environment is null ? null : FunctionValidation.Variables(request.Environment.Variables);
        var deadLetter = request.DeadLetterConfig is null ? null : DeadLetterTarget(request.DeadLetterConfig.TargetArn) ?? "";
        var updated = await Update(name, request.RevisionId, f => f with
        {
            Runtime = runtime ?? f.Runtime,
            Role = role ?? f.Role,
            Handler = handler ?? f.Handler,
            Timeout = timeout ?? f.Timeout,
            MemorySize = memory ?? f.MemorySize,
            Description = description ?? f.Description,
            Environment = variables ?? f.Environment,
            DeadLetterTargetArn = deadLetter is null ? f.DeadLetterTargetArn : deadLetter.Length == 0 ? null : deadLetter,
        });
        await call.Json(200, Configuration(updated), LambdaJson.Default.FunctionConfiguration);
    }

    public async Task DeleteFunction(LambdaCall call, string parameter)
    {
        var name = names.FunctionName(parameter);
        await store.WriteAsync(changes => lambda.DeleteFunction(changes, lambda.GetFunction(name, names.FunctionArn(name))));
        await executor.FunctionDeletedAsync(name);
        packages.RemoveUnused(store.Read(() => lambda.Functions().Select(f => f.CodeSha256).ToHashSet(StringComparer.Ordinal)));
        call.NoContent();
    }

    public async Task PutFunctionConcurrency(LambdaCall call, string parameter)
    {
        var request = call.Read(LambdaJson.Default.PutConcurrencyRequest);
        if (request.ReservedConcurrentExecutions is not { } reserved) throw LambdaErrors.Validation("reservedConcurrentExecutions", null, "Member must not be null");
        if (reserved < 0) throw LambdaErrors.Validation("reservedConcurrentExecutions", reserved, "Member must have value greater than or equal to 0");
        var name = Find(parameter).Name;
        // AWS keeps at least 100 of the account's concurrency unreserved (here a tenth, for accounts set below 1,000).
        var minimumUnreserved = Math.Min(100, concurrency.AccountLimit / 10);
        await Update(name, null, f =>
        {
            var othersReserved = lambda.Functions().Where(o => o.Name != f.Name).Sum(o => o.ReservedConcurrency ?? 0);
            if (concurrency.AccountLimit - othersReserved - reserved < minimumUnreserved)
            {
                throw LambdaErrors.InvalidParameter(
                    $"Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [{minimumUnreserved}].");
            }
            return f with { ReservedConcurrency = reserved };
        }, revises: false);
        await call.Json(200, new ConcurrencyDto(reserved), LambdaJson.Default.ConcurrencyDto);
    }

    public Task GetFunctionConcurrency(LambdaCall call, string parameter) =>
        call.Json(200, new ConcurrencyDto(Find(parameter).ReservedConcurrency), LambdaJson.Default.ConcurrencyDto);

    public async Task DeleteFunctionConcurrency(LambdaCall call, string parameter)
    {
        await Update(Find(parameter).Name, null, f => f with { ReservedConcurrency = null }, revises: false);
        call.NoContent();
    }

    public async Task PutFunctionEventInvokeConfig(LambdaCall call, string parameter)
    {
        var request = call.Read(LambdaJson.Default.EventInvokeConfigRequest);
        if (request.MaximumRetryAttempts is < 0 or > 2) throw LambdaErrors.Validation("maximumRetryAttempts", request.MaximumRetryAttempts, "Member must have value between 0 and 2");
        if (request.MaximumEventAgeInSeconds is < 60 or > 21600)
        {
            throw LambdaErrors.Validation("maximumEventAgeInSeconds", request.MaximumEventAgeInSeconds, "Member must have value between 60 and 21600");
        }
        var updated = await Update(Find(parameter).Name, null, f => f with
        {
            MaximumRetryAttempts = request.MaximumRetryAttempts ?? f.MaximumRetryAttempts,
            MaximumEventAgeInSeconds = request.MaximumEventAgeInSeconds ?? f.MaximumEventAgeInSeconds,
        }, revises: false);
        await call.Json(200, EventInvokeConfig(updated), LambdaJson.Default.EventInvokeConfigResponse);
    }

    public Task GetFunctionEventInvokeConfig(LambdaCall call, string parameter)
    {
        var function = Find(parameter);
        if (function.MaximumRetryAttempts is null && function.MaximumEventAgeInSeconds is null)
        {
            throw new Protocol.AwsException(404, "ResourceNotFoundException", $"The function {names.FunctionArn(function.Name)} doesn't have an EventInvokeConfig");
        }
        return call.Json(200, EventInvokeConfig(function), LambdaJson.Default.EventInvokeConfigResponse);
    }

    public async Task DeleteFunctionEventInvokeConfig(LambdaCall call, string parameter)
    {
        await Update(Find(parameter).Name, null, f => f with { MaximumRetryAttempts = null, MaximumEventAgeInSeconds = null }, revises: false);
        call.NoContent();
    }

    public Task ListTags(LambdaCall call, string arn) =>
        call.Json(200, new TagsResponse(Find(arn).Tags), LambdaJson.Default.TagsResponse);

    public async Task TagResource(LambdaCall call, string arn)
    {
        var request = call.Read(LambdaJson.Default.TagResourceRequest);
        if (request.Tags is null || request.Tags.Count == 0) throw LambdaErrors.Validation("tags", null, "Member must not be null");
        await Update(Find(arn).Name, null, f => f with { Tags = new Dictionary<string, string>(f.Tags.Concat(request.Tags).GroupBy(t => t.Key).Select(g => g.Last())) }, revises: false);
        call.NoContent();
    }

    public async Task UntagResource(LambdaCall call, string arn)
    {
        var keys = call.Target.Query.Where(q => q.Name == "tagKeys").Select(q => q.Value).ToHashSet(StringComparer.Ordinal);
        await Update(Find(arn).Name, null, f => f with { Tags = f.Tags.Where(t => !keys.Contains(t.Key)).ToDictionary() }, revises: false);
        call.NoContent();
    }

    public Task GetAccountSettings(LambdaCall call)
    {
        var functions = store.Read(lambda.Functions);
        var unreserved = concurrency.AccountLimit - functions.Sum(f => f.ReservedConcurrency ?? 0);
        return call.Json(200, new AccountSettingsResponse(
            new AccountLimit(80L * 1024 * 1024 * 1024, CodePackages.MaxUnzippedBytes, CodePackages.MaxDirectUploadBytes, concurrency.AccountLimit, unreserved),
            new AccountUsage(functions.Sum(f => f.CodeSize), functions.Count)), LambdaJson.Default.AccountSettingsResponse);
    }

    /// <summary>Changes a function in one store change; a change of code or configuration (<paramref name="revises"/>)
    /// gives it a new revision and retires its environments. Throws PreconditionFailed when a given RevisionId is stale.</summary>
    private async Task<FunctionRecord> Update(string name, string? revisionId, Func<FunctionRecord, FunctionRecord> change, string? newBlobId = null, bool revises = true)
    {
        var stored = false;
        FunctionRecord updated;
        try
        {
            updated = await store.WriteAsync(changes =>
            {
                var current = lambda.GetFunction(name, names.FunctionArn(name));
                CheckRevision(current, revisionId);
                var next = change(current);
                if (revises) next = next with { RevisionId = NewRevision(), LastModified = Now };
                lambda.UpdateFunction(changes, next);
                stored = true;
                return next;
            });
        }
        finally
        {
            if (!stored && newBlobId is not null) store.Blobs.Discard(newBlobId);
        }
        if (revises) await executor.FunctionChangedAsync(name, updated.RevisionId);
        return updated;
    }

    private static void CheckRevision(FunctionRecord function, string? revisionId)
    {
        if (revisionId is not null && revisionId != function.RevisionId) throw LambdaErrors.PreconditionFailed(function.RevisionId);
    }

    public FunctionRecord Find(string parameter)
    {
        var name = names.FunctionName(parameter);
        return store.Read(() => lambda.GetFunction(name, names.FunctionArn(name)));
    }

    /// <summary>A dead-letter target must be an existing SQS queue of this emulator (SNS topics are not emulated).</summary>
    private string? DeadLetterTarget(string? arn)
    {
        if (string.IsNullOrEmpty(arn)) return null;
        var queue = names.QueueName(arn);
        if (queue is null || !store.Read(() => sqs.Exists(queue)))
        {
            throw LambdaErrors.InvalidParameter($"The provided target arn {arn} is invalid: name an existing SQS queue of this account and region (SNS topics are not emulated).");
        }
        return arn;
    }

    public FunctionConfiguration Configuration(FunctionRecord function) => new(
        function.Name,
        names.FunctionArn(function.Name),
        function.Runtime,
        function.Role,
        function.Handler,
        function.CodeSize,
        function.Description,
        function.Timeout,
        function.MemorySize,
        DateTimeOffset.FromUnixTimeMilliseconds(function.LastModified).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'+0000'", CultureInfo.InvariantCulture),
        function.CodeSha256,
        "$LATEST",
        new EnvironmentDto { Variables = new Dictionary<string, string>(function.Environment) },
        function.DeadLetterTargetArn is null ? null : new DeadLetterConfigDto { TargetArn = function.DeadLetterTargetArn },
        function.RevisionId,
        "Active",
        "Successful",
        "Zip",
        ["x86_64"],
        new EphemeralStorageDto(512),
        new TracingConfigDto("PassThrough"),
        new LoggingConfigDto("Text", $"/aws/lambda/{function.Name}"));

    private EventInvokeConfigResponse EventInvokeConfig(FunctionRecord function) =>
        new(names.FunctionArn(function.Name), function.LastModified / 1000.0, function.MaximumRetryAttempts ?? AsyncEvents.DefaultRetryAttempts,
            function.MaximumEventAgeInSeconds ?? AsyncEvents.DefaultMaximumEventAgeSeconds);

    private long Now => clock.GetUtcNow().ToUnixTimeMilliseconds();

    private static string NewRevision() => Guid.NewGuid().ToString();
}
