using FaceRecognition.Cloud.Messaging;

namespace FaceRecognition.Lambdas.Runtime;

/// <summary>
/// A function: handles the S3 event of one invocation. Returning means every record was handled; throwing fails the
/// invocation (retried, then dead-lettered), and <see cref="InputRejectedException"/> fails it for good at once.
/// The same class runs under the AWS Lambda Runtime API and under the local SQS event source.
/// </summary>
public interface IS3EventHandler
{
    Task HandleAsync(S3Event s3Event, FunctionContext context);
}

/// <summary>What an invocation knows about itself, as a Lambda context does.</summary>
/// <param name="CancellationToken">Cancelled at the deadline or when the host stops.</param>
public sealed record FunctionContext(string FunctionName, string RequestId, DateTimeOffset Deadline, Microsoft.Extensions.Logging.ILogger Logger,
    CancellationToken CancellationToken);

