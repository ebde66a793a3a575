namespace FaceRecognition.Cloud.Messaging;

/// <summary>The input itself is unusable (not a video, too large, not a request): retrying cannot help, so its message
/// goes to the dead-letter queue at once with this message as its cause (<see cref="DeadLetterRule"/>).</summary>
public sealed class InputRejectedException(string message, Exception? inner = null) : Exception(message, inner);
