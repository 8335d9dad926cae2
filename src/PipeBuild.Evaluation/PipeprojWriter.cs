using System.Globalization;
using System.Xml;
using PipeBuild.Core;
using PipeBuild.Core.Pipelines;

namespace PipeBuild.Evaluation;

/// <summary>
/// Writes a <see cref="PipelineSpec"/> as a <c>.pipeproj</c> (<c>dotnet pipe pipeline convert spec.json</c>).
/// The file evaluates back to an equal spec: an argv that is not <c>SHELL -c SCRIPT</c> is written as
/// <c>CommandShell</c> <c>none</c> plus the shell-quoted words, stdin lines as the <c>Stdin</c> property, inputs as
/// <c>PipeInput</c> items when they are flat and as <c>InputExpression</c> when nested, and everything MSBuild
/// would expand (<c>$(</c>, <c>@(</c>, <c>%XX</c>) escaped.
/// </summary>
public static class PipeprojWriter
{
    public const string SdkName = "PipeBuild.Sdk";

    private const string PropertyIndent = "    ";

    /// <summary>
    /// The project text. <see cref="PipelineSpec.TransformFiles"/> are written relative to
    /// <paramref name="projectDirectory"/> (the folder the file will be saved in) when given, absolute otherwise.
    /// Branches equal to <paramref name="defaultBranch"/> (the workspace's, which the file will be read with) are left out.
    /// </summary>
    public static string Write(PipelineSpec spec, string? projectDirectory = null, string defaultBranch = CommitRef.DefaultBranch)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var settings = new XmlWriterSettings
        {
            Indent = true,
            IndentChars = "  ",
            NewLineChars = "\n",
            NewLineHandling = NewLineHandling.Replace,
            OmitXmlDeclaration = true,
        };
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        using (var xml = XmlWriter.Create(text, settings))
        {
            if (spec.SourceFile is { } source)
            {
                xml.WriteComment($" Converted from {Path.GetFileName(source)} by dotnet pipe pipeline convert. ");
            }

            xml.WriteStartElement("Project");
            xml.WriteAttributeString("Sdk", SdkName);
            WriteProperties(xml, spec, defaultBranch);
            WriteItems(xml, spec, projectDirectory, defaultBranch);
            xml.WriteEndElement();
        }

        return text + "\n";
    }

    private static void WriteProperties(XmlWriter xml, PipelineSpec spec, string defaultBranch)
    {
        xml.WriteStartElement("PropertyGroup");
        Property(xml, "PipelineName", spec.Name);
        Property(xml, "OutputBranch", spec.OutputBranch == defaultBranch ? null : spec.OutputBranch);
        Property(xml, "Description", spec.Description is null ? null : MultilineText.Format(spec.Description.Split('\n'), PropertyIndent + "  ", PropertyIndent));
        Property(xml, "Image", spec.Image);
        Property(xml, "WorkingDir", spec.WorkingDir);
        Property(xml, "User", spec.User);
        Property(xml, "Executor", spec.Executor == ExecutorNames.Local ? null : spec.Executor);
        Property(xml, "Network", spec.Network);
        Property(xml, "Cpus", spec.Cpus is { } cpus ? ResourceQuantities.FormatCpus(cpus) : null);
        Property(xml, "Memory", spec.Memory is { } memory ? ResourceQuantities.FormatMemory(memory) : null);

        var (shell, command) = CommandText(spec.Command);
        Property(xml, "CommandShell", shell);
        Property(xml, "Command", command);
        if (spec.Stdin.Count > 0)
        {
            Property(xml, "Stdin", MultilineText.Format(spec.Stdin, PropertyIndent + "  ", PropertyIndent));
        }

        if (spec.ErrorCommand.Count > 0)
        {
            // One CommandShell runs both: a script for that shell stays a script, other words are quoted for it.
            Property(xml, "ErrorCommand", spec.ErrorCommand is [var errorShell, "-c", var script] && errorShell == (shell ?? "sh") ? script : ShellWords.Join(spec.ErrorCommand));
        }

        if (spec.ErrorStdin.Count > 0)
        {
            Property(xml, "ErrorStdin", MultilineText.Format(spec.ErrorStdin, PropertyIndent + "  ", PropertyIndent));
        }

        Property(xml, "Spout", spec.Spout ? "true" : null);
        Property(xml, "ServiceInternalPort", spec.Service?.InternalPort.ToString(CultureInfo.InvariantCulture));
        Property(xml, "ServiceExternalPort", spec.Service is { } service && service.ExternalPort != service.InternalPort ? service.ExternalPort.ToString(CultureInfo.InvariantCulture) : null);
        Property(xml, "ServiceType", spec.Service?.Type);
        if (ItemInputs(spec.Input) is null)
        {
            Property(xml, "InputExpression", InputExpression.Format(spec.Input, defaultBranch));
        }

        Property(xml, "Parallelism", spec.Parallelism == 0 ? null : spec.Parallelism.ToString(CultureInfo.InvariantCulture));
        Property(xml, "DatumTries", spec.DatumTries == PipelineSpec.DefaultDatumTries ? null : spec.DatumTries.ToString(CultureInfo.InvariantCulture));
        Property(xml, "DatumBatching", spec.DatumBatching ? "true" : null);
        Property(xml, "DatumTimeout", spec.DatumTimeout is { } timeout ? Durations.FormatSeconds(timeout) : null);
        Property(xml, "JobTimeout", spec.JobTimeout is { } jobTimeout ? Durations.FormatSeconds(jobTimeout) : null);
        Property(xml, "AcceptReturnCode", spec.AcceptReturnCodes.Count == 0 ? null : string.Join(';', spec.AcceptReturnCodes.Select(c => c.ToString(CultureInfo.InvariantCulture))));
        Property(xml, "Egress", spec.Egress?.Text);
        foreach (var (name, value) in KubernetesProperties.Write(spec.Kubernetes))
        {
            Property(xml, name, value);
        }
        xml.WriteEndElement();
    }

    private static void WriteItems(XmlWriter xml, PipelineSpec spec, string? projectDirectory, string defaultBranch)
    {
        xml.WriteStartElement("ItemGroup");
        foreach (var (pfs, combine) in ItemInputs(spec.Input) ?? [])
        {
            xml.WriteStartElement("PipeInput");
            xml.WriteAttributeString("Include", MSBuildText.Escape(pfs.Repo, include: true));
            xml.WriteAttributeString("Glob", MSBuildText.Escape(pfs.Glob));
            Attribute(xml, "Branch", pfs.Branch == defaultBranch ? null : pfs.Branch);
            Attribute(xml, "Name", pfs.Name);
            Attribute(xml, "Combine", combine);
            Attribute(xml, "JoinOn", pfs.JoinOn);
            Attribute(xml, "GroupBy", pfs.GroupBy);
            Attribute(xml, "OuterJoin", pfs.OuterJoin ? "true" : null);
            Attribute(xml, "EmptyFiles", pfs.EmptyFiles ? "true" : null);
            Attribute(xml, "Cron", pfs.Cron?.Spec);
            Attribute(xml, "CronStart", pfs.Cron?.Start?.ToString("O", CultureInfo.InvariantCulture));
            Attribute(xml, "Overwrite", pfs.Cron is { Overwrite: true } ? "true" : null);
            Attribute(xml, "Trigger", pfs.Trigger?.Branch);
            Attribute(xml, "TriggerSize", pfs.Trigger?.Size);
            Attribute(xml, "TriggerCommits", pfs.Trigger?.Commits?.ToString(CultureInfo.InvariantCulture));
            Attribute(xml, "TriggerCron", pfs.Trigger?.Cron);
            Attribute(xml, "TriggerAll", pfs.Trigger is { All: true } ? "true" : null);
            xml.WriteEndElement();
        }

        foreach (var file in spec.TransformFiles)
        {
            xml.WriteStartElement("TransformFile");
            var relative = projectDirectory is null ? file : Path.GetRelativePath(projectDirectory, file);
            xml.WriteAttributeString("Include", MSBuildText.Escape(relative, include: true));
            xml.WriteEndElement();
        }

        foreach (var package in spec.TransformPackages)
        {
            xml.WriteStartElement("TransformPackage");
            xml.WriteAttributeString("Include", package.Id);
            xml.WriteAttributeString("Version", package.Version);
            xml.WriteEndElement();
        }

        foreach (var (name, value) in spec.Env)
        {
            xml.WriteStartElement("PipeEnv");
            xml.WriteAttributeString("Include", name);
            xml.WriteAttributeString("Value", MSBuildText.Escape(value));
            xml.WriteEndElement();
        }

        foreach (var secret in spec.Secrets)
        {
            xml.WriteStartElement("PipeSecret");
            xml.WriteAttributeString("Include", secret.Name);
            Attribute(xml, "Key", secret.Key);
            Attribute(xml, "EnvVar", secret.EnvVar);
            Attribute(xml, "MountPath", secret.MountPath);
            xml.WriteEndElement();
        }

        xml.WriteEndElement();
    }

    /// <summary>
    /// <c>[SHELL, "-c", SCRIPT]</c> as CommandShell (omitted for sh) and the script; any other argv as
    /// CommandShell none and the quoted words, which the evaluator splits back into the same argv.
    /// </summary>
    private static (string? Shell, string Command) CommandText(IReadOnlyList<string> argv)
    {
        if (argv is [var shell, "-c", var script]
            && shell.Length > 0 && !shell.Any(char.IsWhiteSpace) && !shell.Equals("none", StringComparison.OrdinalIgnoreCase)
            && !string.IsNullOrWhiteSpace(script))
        {
            var lines = script.Split('\n');
            var formatted = MultilineText.Format(lines, PropertyIndent + "  ", PropertyIndent);
            if (string.Join('\n', MultilineText.Lines(formatted)) == script)
            {
                return (shell == "sh" ? null : shell, formatted);
            }
        }

        return ("none", ShellWords.Join(argv));
    }

    /// <summary>The inputs as PipeInput items with their Combine value, or null when only an expression says it.</summary>
    private static List<(PfsInput Input, string? Combine)>? ItemInputs(PipelineInput input) => input switch
    {
        PfsInput pfs => [(pfs, null)],
        CrossInput { Inputs.Count: 0 } => [], // a spout: no PipeInput items
        CrossInput { Inputs.Count: >= 2 } cross when cross.Inputs.All(i => i is PfsInput) => [.. cross.Inputs.Cast<PfsInput>().Select(p => (p, (string?)null))],
        UnionInput { Inputs.Count: >= 2 } union when union.Inputs.All(i => i is PfsInput) => [.. union.Inputs.Cast<PfsInput>().Select(p => (p, (string?)"union"))],
        JoinInput { Inputs.Count: >= 1 } join => [.. join.Inputs.Select(p => (p, (string?)"join"))],
        GroupInput { Inputs.Count: >= 1 } group => [.. group.Inputs.Select(p => (p, (string?)"group"))],
        _ => null,
    };

    private static void Property(XmlWriter xml, string name, string? value)
    {
        if (value is not null)
        {
            xml.WriteStartElement(name);
            xml.WriteRaw(XmlText(MSBuildText.Escape(value)));
            xml.WriteEndElement();
        }
    }

    /// <summary>
    /// Element text escaped by hand: XmlWriter also escapes every '&gt;', which makes shell redirections in
    /// scripts unreadable, while XML only needs '&amp;', '&lt;' and the '&gt;' of "]]&gt;". A carriage return is
    /// written as a reference, since a parser turns a literal one into a newline.
    /// </summary>
    private static string XmlText(string value)
    {
        var text = new System.Text.StringBuilder(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            switch (c)
            {
                case '&':
                    text.Append("&amp;");
                    break;
                case '<':
                    text.Append("&lt;");
                    break;
                case '>' when i >= 2 && value[i - 1] == ']' && value[i - 2] == ']':
                    text.Append("&gt;");
                    break;
                case '\r':
                    text.Append("&#xD;");
                    break;
                case < ' ' and not ('\t' or '\n'):
                    throw new PipeException(ErrorCodes.InvalidPipelineValue, $"the pipeline has the control character U+{(int)c:X4}, which a .pipeproj (XML) cannot hold. Remove it from the spec.");
                default:
                    text.Append(c);
                    break;
            }
        }

        return text.ToString();
    }

    private static void Attribute(XmlWriter xml, string name, string? value)
    {
        if (value is not null)
        {
            xml.WriteAttributeString(name, MSBuildText.Escape(value));
        }
    }
}
