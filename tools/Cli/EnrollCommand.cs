using System.CommandLine;
using FaceRecognition.Identities;
using FaceRecognition.Vision;
using FaceRecognition.Vision.Imaging;
using Spectre.Console;

namespace FaceRecognition.Cli;

/// <summary><c>facerec enroll --gallery people.gallery photos/</c>: every subfolder is a person, every picture in it a face of them.</summary>
internal static class EnrollCommand
{
    public static Command Create()
    {
        var gallery = new Option<FileInfo>("--gallery") { Description = "Gallery file to create or add to.", Required = true };
        var folder = new Argument<DirectoryInfo>("folder") { Description = "Folder with one subfolder per person, named after them." };
        var command = new Command("enroll", "Enrol the people of a folder (one subfolder each) into a gallery file.") { gallery, folder };
        command.SetAction((parse, cancellationToken) => CliConsole.Run(() =>
            Task.FromResult(Enroll(parse.GetValue(gallery)!, parse.GetValue(folder)!, cancellationToken))));
        return command;
    }

    private static int Enroll(FileInfo galleryFile, DirectoryInfo folder, CancellationToken cancellationToken)
    {
        if (!folder.Exists)
        {
            return CliConsole.Error($"folder {folder.FullName} does not exist.");
        }
        var people = folder.EnumerateDirectories().OrderBy(d => d.Name, StringComparer.Ordinal).ToArray();
        var invalid = people.FirstOrDefault(p => !IdentityName.IsValid(p.Name));
        if (invalid is not null)
        {
            return CliConsole.Error($"subfolder '{invalid.Name}' is not a valid name: use 1 to {IdentityName.MaxLength} letters, digits, '_', '-' or '.'.");
        }
        if (people.Length == 0)
        {
            return CliConsole.Error($"{folder.FullName} has no subfolders; make one per person, named after them.");
        }

        var gallery = galleryFile.Exists ? Gallery.LoadFromFile(galleryFile.FullName) : new Gallery();
        using var engine = CliConsole.CreateEngine();
        var work = people.Select(p => (Person: p.Name, Pictures: CliConsole.Pictures(p.FullName))).ToArray();
        var problems = new List<(string Picture, string Problem)>();
        var enrolled = new Dictionary<string, int>();

        CliConsole.Messages.Progress().Start(progress =>
        {
            var task = progress.AddTask("Enrolling", maxValue: Math.Max(1, work.Sum(w => w.Pictures.Length)));
            foreach (var (person, pictures) in work)
            {
                var descriptors = new List<float[]>();
                foreach (var picture in pictures)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var (descriptor, problem) = OneFace(engine, picture);
                    if (descriptor is not null)
                    {
                        descriptors.Add(descriptor);
                    }
                    else
                    {
                        problems.Add((Path.GetRelativePath(folder.FullName, picture), problem!));
                    }
                    task.Increment(1);
                }
                if (descriptors.Count > 0)
                {
                    gallery.Enroll(person, descriptors);
                }
                enrolled[person] = descriptors.Count;
            }
        });

        gallery.SaveToFile(galleryFile.FullName);
        Report(work, enrolled, problems, gallery, galleryFile);
        return enrolled.Values.Any(count => count > 0) ? CliConsole.Success : CliConsole.Error("no face was enrolled.");
    }

    private static (float[]? Descriptor, string? Problem) OneFace(FaceRecognizer engine, string picture)
    {
        try
        {
            var check = engine.CheckForEnrolment(engine.Decode(File.ReadAllBytes(picture)));
            return check.Accepted ? (check.Face!.Descriptor, null) : (null, check.Problem);
        }
        catch (ImageRejectedException e)
        {
            return (null, e.Message);
        }
    }

    private static void Report((string Person, string[] Pictures)[] work, Dictionary<string, int> enrolled,
        List<(string Picture, string Problem)> problems, Gallery gallery, FileInfo galleryFile)
    {
        var table = new Table().AddColumns("Person", "Pictures", "Faces enrolled");
        foreach (var (person, pictures) in work)
        {
            table.AddRow(Markup.Escape(person), pictures.Length.ToString(), enrolled[person].ToString());
        }
        CliConsole.Messages.Write(table);
        foreach (var (picture, problem) in problems)
        {
            CliConsole.Messages.MarkupLine($"[yellow]skipped[/] {Markup.Escape(picture)}: {Markup.Escape(problem)}");
        }
        CliConsole.Messages.MarkupLine($"{Markup.Escape(galleryFile.FullName)}: {gallery.Identities.Count} people, {gallery.FaceCount} faces.");
    }
}
