using System.Text.Json.Serialization;
using PipeBuild.Cli.Commands;
using PipeBuild.Engine;
using PipeBuild.Store;

namespace PipeBuild.Cli;

/// <summary>Source-generated JSON for everything the CLI prints or reads: no reflection at start-up.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true,
    WriteIndented = true,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip,
    AllowTrailingCommas = true)]
[JsonSerializable(typeof(WorkspaceConfig))]
[JsonSerializable(typeof(Dictionary<string, string>))]
[JsonSerializable(typeof(DeletedResult))]
[JsonSerializable(typeof(SecretInfo))]
[JsonSerializable(typeof(IReadOnlyList<SecretInfo>))]
[JsonSerializable(typeof(LineageNode))]
[JsonSerializable(typeof(InitResult))]
[JsonSerializable(typeof(VersionResult))]
[JsonSerializable(typeof(PutResult))]
[JsonSerializable(typeof(RepoSummary))]
[JsonSerializable(typeof(List<RepoSummary>))]
[JsonSerializable(typeof(RepoInfo))]
[JsonSerializable(typeof(BranchInfo))]
[JsonSerializable(typeof(IReadOnlyList<BranchInfo>))]
[JsonSerializable(typeof(CommitInfo))]
[JsonSerializable(typeof(IReadOnlyList<CommitInfo>))]
[JsonSerializable(typeof(List<FileRow>))]
[JsonSerializable(typeof(List<FileVersion>))]
[JsonSerializable(typeof(DatumDetails))]
[JsonSerializable(typeof(IReadOnlyList<FileChange>))]
[JsonSerializable(typeof(FsckResult))]
[JsonSerializable(typeof(GcReport))]
[JsonSerializable(typeof(SyncReport))]
[JsonSerializable(typeof(PipelineDocument))]
[JsonSerializable(typeof(PipeBuild.Core.Pipelines.PipelineSpec))]
[JsonSerializable(typeof(IReadOnlyList<PipeBuild.Core.Pipelines.PipelineSpec>))]
[JsonSerializable(typeof(IReadOnlyList<PipelineDocument>))]
[JsonSerializable(typeof(JobInfo))]
[JsonSerializable(typeof(IReadOnlyList<JobInfo>))]
[JsonSerializable(typeof(List<JobInfo>))]
[JsonSerializable(typeof(IReadOnlyList<JobDatum>))]
[JsonSerializable(typeof(IReadOnlyList<PipelineStatus>))]
internal sealed partial class CliJson : JsonSerializerContext;
