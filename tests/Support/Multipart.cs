using System.Net.Http.Headers;

namespace FaceRecognition.Tests.Support;

/// <summary>Multipart forms as the API's clients send them.</summary>
public static class Multipart
{
    /// <summary>A form with each file under its field (sent as application/octet-stream: the web tier judges by content).</summary>
    public static MultipartFormDataContent Files(params (string Field, byte[] Bytes, string FileName)[] files)
    {
        var form = new MultipartFormDataContent();
        foreach (var (field, bytes, fileName) in files)
        {
            var content = new ByteArrayContent(bytes);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            form.Add(content, field, fileName);
        }
        return form;
    }
}
