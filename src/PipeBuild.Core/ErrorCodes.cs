namespace PipeBuild.Core;

/// <summary>
/// Every <c>PIPEnnnn</c> code in one place, by area: 1xxx CLI, 2xxx pipeline files, 3xxx MSBuild tasks,
/// 4xxx engine, 5xxx store, 6xxx executors. docs/errors.md explains each one; a code is never reused.
/// </summary>
public static class ErrorCodes
{
    public const string InvalidArguments = "PIPE1001";
    public const string NoWorkspace = "PIPE1002";
    public const string WorkspaceExists = "PIPE1003";
    public const string InvalidReference = "PIPE1004";
    public const string SourceUnreadable = "PIPE1005";
    public const string OutputEscapesTarget = "PIPE1006";
    public const string InvalidConfig = "PIPE1007";
    public const string InvalidGlob = "PIPE1008";
    public const string Timeout = "PIPE1009";
    public const string ConsoleCannotListen = "PIPE1010";
    public const string S3GatewayNeedsKeys = "PIPE1011";
    public const string OutputUnwritable = "PIPE1012";
    public const string InvalidSecret = "PIPE1013";
    public const string SecretExists = "PIPE1014";

    public const string MalformedProjectFile = "PIPE2001";
    public const string InvalidPipelineValue = "PIPE2002";
    public const string MalformedJsonSpec = "PIPE2003";
    public const string UnsupportedSpecField = "PIPE2004";
    public const string InvalidInputExpression = "PIPE2005";
    public const string UnsupportedPipelineFile = "PIPE2006";
    public const string PipelineFileNotFound = "PIPE2007";
    public const string MSBuildNotFound = "PIPE2008";

    public const string JobFailed = "PIPE3001";
    public const string ToolFailed = "PIPE3002";
    public const string ToolNotFound = "PIPE3003";
    public const string InvalidTaskParameter = "PIPE3004";
    public const string TaskCancelled = "PIPE3005";
    public const string TransformPackageNotFound = "PIPE3010";
    public const string NotAToolPackage = "PIPE3011";
    public const string PackageSourceFailed = "PIPE3012";

    public const string PipelineNotFound = "PIPE4001";
    public const string PipelineExists = "PIPE4002";
    public const string InputRepoMissing = "PIPE4003";
    public const string PipelineCycle = "PIPE4004";
    public const string OutputCollision = "PIPE4005";
    public const string JobNotFound = "PIPE4006";
    public const string OutputEscapesSandbox = "PIPE4008";
    public const string DatumNotFound = "PIPE4009";
    public const string JobDidNotSucceed = "PIPE4010";
    public const string EgressFailed = "PIPE4011";
    public const string SecretNotFound = "PIPE4012";

    public const string WorkerRunNotFound = "PIPE4201";
    public const string WorkerJobRequired = "PIPE4202";
    public const string WorkersFailed = "PIPE4203";
    public const string DatumLostTooOften = "PIPE4204";

    public const string DatumBatchingUnsupported = "PIPE4300";
    public const string DatumBatchingNeedsUnix = "PIPE4301";
    public const string NotInBatchedTransform = "PIPE4302";
    public const string SpoutUnsupported = "PIPE4310";
    public const string ServicePortUnmapped = "PIPE4311";

    public const string RepoNotFound = "PIPE5001";
    public const string RepoExists = "PIPE5002";
    public const string InvalidName = "PIPE5003";
    public const string BranchNotFound = "PIPE5004";
    public const string CommitNotFound = "PIPE5006";
    public const string AmbiguousCommit = "PIPE5007";
    public const string CommitFinished = "PIPE5008";
    public const string CommitNotOpen = "PIPE5009";
    public const string InvalidPath = "PIPE5010";
    public const string PathNotFound = "PIPE5011";
    public const string NonUtf8Name = "PIPE5012";
    public const string RepoInUse = "PIPE5013";
    public const string CommitAlreadyOpen = "PIPE5014";
    public const string Contention = "PIPE5015";
    public const string Corrupt = "PIPE5016";
    public const string LockTimeout = "PIPE5017";
    public const string NotAFile = "PIPE5018";
    public const string SplitFailed = "PIPE5019";
    public const string PathConflict = "PIPE5020";
    public const string CommitHasChildren = "PIPE5021";
    public const string StoreFull = "PIPE5022";

    public const string InvalidStoreUrl = "PIPE5101";
    public const string S3Unreachable = "PIPE5102";
    public const string S3AccessDenied = "PIPE5103";
    public const string S3BucketNotFound = "PIPE5104";
    public const string S3RequestFailed = "PIPE5105";
    public const string LeaseTimeout = "PIPE5106";
    public const string StoreFormat = "PIPE5107";
    public const string SyncDiverged = "PIPE5108";
    public const string SyncTarget = "PIPE5109";

    public const string TransformStartFailed = "PIPE6001";
    public const string ExecutorUnavailable = "PIPE6002";
    public const string LocalCannotHonour = "PIPE6003";

    public const string DockerUnreachable = "PIPE6101";
    public const string ImageUnavailable = "PIPE6102";
    public const string ImageNotSet = "PIPE6103";
    public const string ContainerStartFailed = "PIPE6104";
    public const string DockerRequestFailed = "PIPE6105";
    public const string KubernetesNeedsSharedStore = "PIPE6201";
    public const string KubernetesNoImage = "PIPE6202";
    public const string KubernetesConfig = "PIPE6203";
    public const string KubernetesApi = "PIPE6204";
    public const string KubernetesPodsPending = "PIPE6205";
}
