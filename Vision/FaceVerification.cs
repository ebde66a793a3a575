namespace FaceRecognition.Vision;

/// <summary>Whether two faces are the same person: their descriptors' distance against the match threshold.</summary>
public sealed record FaceVerification(float Distance, float Threshold)
{
    public bool SamePerson => Distance <= Threshold;
}
