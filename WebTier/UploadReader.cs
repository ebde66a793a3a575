using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace FaceRecognition.WebTier;

/// <summary>A checked upload: its stem, its format by content, its bytes, and the form field it came in.</summary>
internal sealed record Upload(string Stem, string Extension, MemoryStream Content, string Field = "");

/// <summary>A refused upload: the HTTP status and what was wrong, for the person who sent it.</summary>
internal sealed record UploadProblem(int Status, string Detail);

/// <summary>Reads one picture from a multipart form and checks size, file name and content, in that order.</summary>
internal sealed class UploadReader(IOptions<WebTierOptions> options)
{
    public async Task<(Upload? Upload, UploadProblem? Problem)> ReadAsync(HttpRequest request, string field, CancellationToken cancellationToken)
    {
        var (uploads, problem) = await ReadAllAsync(request, field, cancellationToken);
        return (uploads?.FirstOrDefault(), problem);
    }

    /// <summary>Every file of the form (<paramref name="field"/> null: under any field name), each checked.</summary>
    public async Task<(IReadOnlyList<Upload>? Uploads, UploadProblem? Problem)> ReadAllAsync(HttpRequest request, string? field, CancellationToken cancellationToken)
    {
        var limit = options.Value.MaxUploadBytes;
        if (request.ContentLength > limit + FormOverheadBytes)
        {
            return (null, TooLarge(limit));
        }
        if (!request.HasFormContentType)
        {
            return (null, new UploadProblem(StatusCodes.Status400BadRequest, $"Send the picture as multipart/form-data in the field '{field}'."));
        }

        IFormCollection form;
        try
        {
            form = await request.ReadFormAsync(cancellationToken);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, TooLarge(limit));
        }
        catch (InvalidDataException e) when (e.Message.Contains("limit", StringComparison.OrdinalIgnoreCase))
        {
            return (null, TooLarge(limit));
        }
        catch (Exception e) when (e is InvalidDataException or BadHttpRequestException or IOException)
        {
            return (null, new UploadProblem(StatusCodes.Status400BadRequest, $"The multipart form could not be read: {e.Message}"));
        }

        IFormFile[] files = field is null ? [.. form.Files] : form.Files.GetFile(field) is { } one ? [one] : [];
        if (files.Length == 0)
        {
            var sent = form.Files.Count == 0 ? "no file" : $"a file in '{form.Files[0].Name}'";
            return (null, new UploadProblem(StatusCodes.Status400BadRequest, field is null
                ? "The form has no file: send one or more pictures."
                : $"The picture must be in the multipart field '{field}' (the form had {sent})."));
        }
        if (files.Sum(f => f.Length) > limit)
        {
            return (null, TooLarge(limit));
        }
        var uploads = new List<Upload>();
        foreach (var file in files)
        {
            var (upload, problem) = await CheckAsync(file, limit, cancellationToken);
            if (problem is not null)
            {
                return (null, files.Length > 1 ? problem with { Detail = $"{file.FileName}: {problem.Detail}" } : problem);
            }
            uploads.Add(upload!);
        }
        return (uploads, null);
    }

    private static async Task<(Upload? Upload, UploadProblem? Problem)> CheckAsync(IFormFile file, long limit, CancellationToken cancellationToken)
    {
        if (file.Length > limit)
        {
            return (null, TooLarge(limit));
        }
        if (file.Length == 0)
        {
            return (null, new UploadProblem(StatusCodes.Status400BadRequest, "The file is empty."));
        }
        if (!PictureUpload.TryGetStem(file.FileName, out var stem, out var problem))
        {
            return (null, new UploadProblem(StatusCodes.Status400BadRequest, problem));
        }

        var content = new MemoryStream((int)file.Length);
        await file.CopyToAsync(content, cancellationToken);
        var extension = PictureUpload.SniffExtension(content.GetBuffer().AsSpan(0, (int)Math.Min(content.Length, 32)));
        if (extension is null)
        {
            return (null, new UploadProblem(StatusCodes.Status415UnsupportedMediaType, "The file is not a picture by its content: send JPEG, PNG, WebP or BMP."));
        }
        content.Position = 0;
        return (new Upload(stem, extension, content, file.Name), null);
    }

    /// <summary>Room for the multipart boundaries and headers around the file itself.</summary>
    public const long FormOverheadBytes = 64 * 1024;

    /// <summary>Kestrel and form limits that let a file of the configured size through and stop anything much larger.</summary>
    public static void ConfigureLimits(WebApplicationBuilder builder)
    {
        var limit = builder.Configuration.GetValue<long?>($"{WebTierOptions.SectionName}:{nameof(WebTierOptions.MaxUploadBytes)}") ?? new WebTierOptions().MaxUploadBytes;
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = limit + FormOverheadBytes);
        builder.Services.Configure<FormOptions>(f => f.MultipartBodyLengthLimit = limit + FormOverheadBytes);
    }

    private static UploadProblem TooLarge(long limit) =>
        new(StatusCodes.Status413PayloadTooLarge, $"The upload is larger than the limit of {limit:N0} bytes.");
}
