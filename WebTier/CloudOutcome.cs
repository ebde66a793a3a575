using FaceRecognition.Cloud.Messaging;

namespace FaceRecognition.WebTier;

/// <summary>
/// A request through the cloud as the HTTP layer answers it: the reply, or the status and reason to answer with. One
/// mapping for every endpoint: the app tier's error codes, no reply in time (504), S3/SQS unreachable (503).
/// </summary>
internal sealed record CloudOutcome(string RequestId, RecognitionReply? Reply, UploadProblem? Problem)
{
    public static async Task<CloudOutcome> Of(Func<Task<(string RequestId, RecognitionReply Reply)>> call)
    {
        try
        {
            var (id, reply) = await call();
            if (reply.Error is not { } error)
            {
                return new CloudOutcome(id, reply, null);
            }
            var status = error.Code switch
            {
                ReplyErrorCodes.BadImage => StatusCodes.Status415UnsupportedMediaType,
                ReplyErrorCodes.NotInTable or ReplyErrorCodes.NotEnrolled => StatusCodes.Status404NotFound,
                ReplyErrorCodes.NoFace or ReplyErrorCodes.NoFaceInPicture => StatusCodes.Status422UnprocessableEntity,
                _ => StatusCodes.Status502BadGateway,
            };
            var detail = string.Join(" ", [$"Request {id}: {error.Message}", .. reply.Notes ?? []]);
            return new CloudOutcome(id, null, new UploadProblem(status, detail));
        }
        catch (ReplyTimeoutException e)
        {
            return new CloudOutcome(e.RequestId, null, new UploadProblem(StatusCodes.Status504GatewayTimeout, e.Message));
        }
        catch (CloudUnavailableException e)
        {
            return new CloudOutcome("", null, new UploadProblem(StatusCodes.Status503ServiceUnavailable, e.Message));
        }
    }
}
