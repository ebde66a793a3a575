using Amazon.S3;
using Amazon.S3.Model;
using FaceRecognition.Cloud.Topology;

namespace FaceRecognition.Deploy;

/// <summary>Empties the deployment's buckets (CloudFormation deletes only empty ones), with the default credential chain.</summary>
internal static class BucketEmptier
{
    public static async Task EmptyAsync(CloudTopology topology, CancellationToken cancellationToken)
    {
        using var s3 = new AmazonS3Client();
        foreach (var bucket in topology.Buckets.Select(b => b.Name))
        {
            var deleted = 0;
            try
            {
                var request = new ListObjectsV2Request { BucketName = bucket };
                ListObjectsV2Response page;
                do
                {
                    page = await s3.ListObjectsV2Async(request, cancellationToken);
                    if (page.S3Objects is { Count: > 0 } objects)
                    {
                        await s3.DeleteObjectsAsync(new DeleteObjectsRequest { BucketName = bucket, Objects = [.. objects.Select(o => new KeyVersion { Key = o.Key })] }, cancellationToken);
                        deleted += objects.Count;
                    }
                    request.ContinuationToken = page.NextContinuationToken;
                }
                while (page.IsTruncated == true);
                Console.WriteLine($"{bucket}: {deleted} objects deleted");
            }
            catch (AmazonS3Exception e) when (e.ErrorCode == "NoSuchBucket")
            {
                Console.WriteLine($"{bucket}: not there");
            }
        }
    }
}
