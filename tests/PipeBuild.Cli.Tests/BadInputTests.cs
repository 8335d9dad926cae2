using System.Text.RegularExpressions;
using CliWrap;
using CliWrap.Buffered;

namespace PipeBuild.Cli.Tests;

/// <summary>Every kind of bad input: a clear PIPE error, exit code 1, and a store left exactly as it was.</summary>
public sealed class BadInputTests : IDisposable
{
    // IO_FileExists_Name, not an environment variable such as PIPE_WORKER_JOB
    private static readonly Regex ResourceKey = new(@"\b(?![A-Z0-9_]+\b)[A-Z][A-Za-z]+_[A-Z][A-Za-z]+(?:_[A-Za-z]+)*\b", RegexOptions.CultureInvariant);

    private readonly TempWorkspace ws = new();
    private readonly string file;

    public BadInputTests()
    {
        ws.Run("repo", "create", "data").ShouldSucceed();
        file = ws.Write("in/a.csv", "x,y\n1,2\n");
        ws.Run("file", "put", "data@master:a.csv", "-f", file).ShouldSucceed();
        ws.Write("rsp", "sneaky"); // were '@rsp' read as a response file, 'repo create @rsp' would create 'sneaky'
        ws.Write("bad/subst.pipeproj", """
            <Project Sdk="PipeBuild.Sdk">
              <PropertyGroup>
                <Command>for f in /pfs/data/*; do cp "$f" /pfs/out/$(basename "$f"); done</Command>
              </PropertyGroup>
              <ItemGroup>
                <PipeInput Include="data" Glob="/*" />
              </ItemGroup>
            </Project>
            """);
        ws.Write("bad/empty.pipeproj", "");
        ws.Write("bad/truncated.pipeproj", "<Project>\n");
        foreach (var (name, properties, items) in BadProjects)
        {
            ws.Write($"bad/{name}.pipeproj", $"""<Project Sdk="PipeBuild.Sdk"><PropertyGroup><Command>cat</Command>{properties}</PropertyGroup><ItemGroup>{items}</ItemGroup></Project>""");
        }

        foreach (var (name, json) in BadSpecs)
        {
            ws.Write($"bad/{name}.json", json);
        }

        ws.Write("bad/spec.yaml", "pipeline:\n  name: y\n  - bad");
        File.WriteAllBytes(Path.Combine(ws.Root, "bad", "not-utf8.json"), [.. "{\"pipeline\":{\"name\":\"j"u8, 0xFF, .. "\"},\"transform\":{\"cmd\":[\"cat\"]},\"input\":{\"pfs\":{\"repo\":\"data\",\"glob\":\"/*\"}}}"u8]);
        foreach (var (name, xml) in BadProjectFiles)
        {
            ws.Write($"bad/{name}.pipeproj", xml);
        }

        ws.Write("specs/good.json", """{"pipeline":{"name":"j"},"transform":{"cmd":["cat"]},"input":{"pfs":{"repo":"data","glob":"/*"}}}"""); // fine: what is bad is elsewhere
    }

    public static TheoryData<string, string[]> Cases() => new()
    {
        { "PIPE5001", ["file", "put", "nope@master:a.csv", "-f", "in/a.csv"] },
        { "PIPE5001", ["file", "list", "nope@master"] },
        { "PIPE5004", ["file", "list", "data@nobranch"] },
        { "PIPE5006", ["file", "list", "data@abcdef12"] },
        { "PIPE5003", ["repo", "create", "bad name!"] },
        { "PIPE5002", ["repo", "create", "data"] },
        { "PIPE1004", ["branch", "create", "data@bad.branch!"] },
        { "PIPE1004", ["file", "list", "data@master^x"] },
        { "PIPE5009", ["commit", "finish", "data@master"] },
        { "PIPE5008", ["file", "put", "data@master^:b.csv", "-f", "in/a.csv"] },
        { "PIPE1005", ["file", "put", "data@master:b.csv", "-f", "in/missing.csv"] },
        { "PIPE1005", ["file", "put", "data@master", "-f", "in"] },
        { "PIPE5010", ["file", "put", "data@master:../escape.csv", "-f", "in/a.csv"] },
        { "PIPE5010", ["file", "put", "data@master:x/./y.csv", "-f", "in/a.csv"] },
        { "PIPE5011", ["file", "get", "data@master:missing.csv"] },
        { "PIPE5011", ["file", "delete", "data@master:missing.csv"] },
        { "PIPE5018", ["file", "get", "data@master:/"] },
        { "PIPE5020", ["file", "put", "data@master:a.csv/inner.csv", "-f", "in/a.csv"] },
        { "PIPE5019", ["file", "put", "data@master:j", "-f", "in/a.csv", "--split", "json"] },
        { "PIPE1008", ["file", "glob", "data@master:/[a"] },
        { "PIPE1001", ["file", "put", "data@master:a.csv"] },
        { "PIPE1001", ["no-such-command"] },
        { "PIPE1010", ["console", "--urls", "ftp://127.0.0.1:21"] },
        { "PIPE1010", ["console", "--urls", "http://127.0.0.1:5080/sub/path"] },
        { "PIPE1010", ["console", "--urls", "http://999.1.1.1:5080"] },
        { "PIPE1010", ["s3", "serve", "--urls", "http://no-such-host.example:9000"] },
        { "PIPE1001", ["dag", "--format", "png"] },
        { "PIPE5004", ["branch", "delete", "data@nobranch"] },

        // limits of numeric options
        { "PIPE1001", ["file", "put", "data@master:s", "-f", "in/a.csv", "--split", "line", "--target-file-datums", "0"] },
        { "PIPE1001", ["file", "put", "data@master:s", "-f", "in/a.csv", "--split", "line", "--target-file-datums", "-1"] },
        { "PIPE1001", ["file", "put", "data@master:s", "-f", "in/a.csv", "--split", "line", "--target-file-bytes", "-1"] },
        { "PIPE1001", ["file", "put", "data@master:s", "-f", "in/a.csv", "--split", "csv", "--header-records", "-1"] },
        { "PIPE1001", ["file", "put", "data@master:s", "-f", "in/a.csv", "--parallelism", "0"] },
        { "PIPE1001", ["file", "put", "data@master:s", "-f", "in/a.csv", "--parallelism", "-3"] },
        { "PIPE1001", ["file", "put", "data@master:s", "-f", "in/a.csv", "--split", "xml"] },
        { "PIPE1001", ["gc", "--grace", "-1"] },
        { "PIPE1001", ["commit", "list", "data", "-n", "0"] },

        // names a command line would misread, and response files
        { "PIPE5003", ["repo", "create", "--", "-x"] },
        { "PIPE5003", ["repo", "create", "@rsp"] },
        { "PIPE5003", ["repo", "create", ""] },
        { "PIPE5003", ["repo", "create", "a/b"] },
        { "PIPE5003", ["repo", "create", new string('r', 64)] },

        // paths
        { "PIPE5010", ["file", "put", $"data@master:{new string('x', 300)}.csv", "-f", "in/a.csv"] },
        { "PIPE5010", ["file", "put", $"data@master:dir/{new string('é', 128)}", "-f", "in/a.csv"] },
        { "PIPE5010", ["file", "list", "data@master:../x"] },
        { "PIPE1001", ["file", "get", "data@master:/", "-r", "-o", "in/a.csv"] },

        // references
        { "PIPE5006", ["commit", "inspect", "data@master^^^^^^"] },
        { "PIPE5004", ["branch", "create", "data@dev", "--head", "nope"] },
        { "PIPE5004", ["file", "diff", "data@master", "data@nope"] },
        { "PIPE4006", ["job", "inspect", "nosuchjob"] },
        { "PIPE4001", ["pipeline", "inspect", "nope"] },
        { "PIPE1002", ["--workspace", "/nonexistent", "repo", "list"] },

        // pipeline files
        { "PIPE2002", ["pipeline", "create", "-f", "bad/subst.pipeproj"] },
        { "PIPE2001", ["pipeline", "create", "-f", "bad/empty.pipeproj"] },
        { "PIPE2001", ["pipeline", "create", "-f", "bad/truncated.pipeproj"] },
        { "PIPE1005", ["pipeline", "create", "-f", "bad/missing.pipeproj"] },

        // numbers that are not numbers, or too large (the parser's own error, not a crash)
        { "PIPE1001", ["commit", "list", "data", "-n", "abc"] },
        { "PIPE1001", ["commit", "list", "data", "-n", "99999999999"] },
        { "PIPE1001", ["gc", "--grace", "abc"] },
        { "PIPE1001", ["gc", "--grace", "1.5"] },
        { "PIPE1001", ["file", "put", "data@master:s", "-f", "in/a.csv", "--split", "csv", "--header-records", "abc"] },
        { "PIPE1001", ["file", "put", "data@master:s", "-f", "in/a.csv", "--parallelism", "many"] },
        { "PIPE1001", ["file", "put", "data@master:s", "-f", "in/a.csv", "--split", "line", "--target-file-datums", "1e3"] },
        { "PIPE1001", ["commit", "wait", "data@master", "--timeout", "-1"] },
        { "PIPE1001", ["file", "list", "data@master", "--history", "abc"] },
        { "PIPE1001", ["file", "list", "data@master", "--history", "-5"] },
        { "PIPE1001", ["s3", "serve", "--port", "99999"] },
        { "PIPE1001", ["s3", "serve", "--port", "-1"] },

        // options and arguments
        { "PIPE1001", ["repo", "create"] },
        { "PIPE1001", ["repo", "list", "--output", "yaml"] },
        { "PIPE1001", ["job", "list", "--output", "xml"] },
        { "PIPE1001", ["datum", "list"] },
        { "PIPE1001", ["pipeline", "create"] },
        { "PIPE1001", ["store", "sync", "pull"] },
        { "PIPE1001", ["config", "set", "nope", "value"] },
        { "PIPE1001", ["config", "get", "nope"] },
        { "PIPE1001", ["config", "set", "executor", "nope"] },
        { "PIPE1001", ["config", "set", "default-branch", "bad name"] },
        { "PIPE1001", ["file", "diff", "data@master", "data@master", "--no-such-flag"] },
        { "PIPE1001", ["dag", "--format", "svg", "-o", "/nonexistent/x.svg"] },
        { "PIPE1001", ["file", "get", "data@master:a.csv", "--offset", "-1"] },
        { "PIPE4202", ["worker"] },
        { "PIPE4302", ["next-datum"] },

        // references and names
        { "PIPE5001", ["repo", "inspect", "nope"] },
        { "PIPE5001", ["repo", "delete", "nope"] },
        { "PIPE5001", ["branch", "list", "nope"] },
        { "PIPE5001", ["commit", "start", "nope@master"] },
        { "PIPE5003", ["branch", "create", "@dev"] },
        { "PIPE5003", ["repo", "create", "a b"] },
        { "PIPE5003", ["file", "get", ""] },
        { "PIPE5003", ["file", "get", "@master:a.csv"] },
        { "PIPE1004", ["branch", "create", "data@"] },
        { "PIPE1004", ["commit", "inspect", "data@"] },
        { "PIPE1004", ["commit", "inspect", "data@master:a.csv"] },
        { "PIPE1001", ["file", "get", "data@master:a.csv", "-o", ""] },
        { "PIPE1004", ["file", "list", "data@master^999999999999999"] },
        { "PIPE1004", ["file", "list", "data@master.0"] },
        { "PIPE1004", ["file", "list", "data@master.-1"] },
        { "PIPE1004", ["branch", "create", "data@x", "--head", "other@master"] },
        { "PIPE5004", ["commit", "wait", "data@nope"] },
        { "PIPE5006", ["commit", "delete", "data@master^5"] },
        { "PIPE5006", ["file", "diff", "data@master", "data@master^5"] },
        { "PIPE4001", ["pipeline", "inspect", ""] },
        { "PIPE4001", ["pipeline", "delete", "nope"] },
        { "PIPE4001", ["logs", "--pipeline", "nope"] },
        { "PIPE4001", ["job", "list", "--pipeline", "nope"] },
        { "PIPE4006", ["job", "inspect", ""] },
        { "PIPE4006", ["job", "logs", "nope"] },
        { "PIPE4006", ["job", "kill", "nope"] },
        { "PIPE4006", ["job", "wait", "nope"] },
        { "PIPE4006", ["job", "restart", "nope"] },
        { "PIPE4006", ["datum", "list", "nope"] },
        { "PIPE4006", ["datum", "inspect", "nope", "nope"] },
        { "PIPE4006", ["logs", "--job", "nope"] },

        // paths in the repo and on this machine
        { "PIPE5010", ["file", "put", "data@master:b\nc.csv", "-f", "in/a.csv"] },
        { "PIPE5010", ["file", "put", "data@master:b\\c.csv", "-f", "in/a.csv"] },
        { "PIPE5010", ["file", "put", "data@master:..", "-f", "in/a.csv"] },
        { "PIPE5010", ["file", "put", "data@master:.", "-f", "in/a.csv"] },
        { "PIPE5010", ["file", "copy", "data@master:a.csv", "data@master:../b.csv"] },
        { "PIPE5020", ["file", "put", "data@master:a.csv/", "-f", "in/a.csv"] },
        { "PIPE5011", ["file", "get", "data@master:nope", "-o", "out.csv"] },
        { "PIPE5011", ["file", "list", "data@master:a.csv/x"] },
        { "PIPE5011", ["file", "copy", "data@master:nope", "data@master:b.csv"] },
        { "PIPE5011", ["file", "history", "data@master:nope"] },
        { "PIPE5011", ["file", "lineage", "data@master:nope"] },
        { "PIPE1005", ["file", "put", "data@master:b.csv", "-f", "/nonexistent/file.csv"] },
        { "PIPE1005", ["file", "put", "data@master:b.csv", "-f", "/proc/self/mem"] },
        { "PIPE1005", ["file", "put", "data@master:x.csv", "-f", "http://127.0.0.1:1/x.csv"] },
        { "PIPE1005", ["file", "put", "data@master:x.csv", "-f", ""] },
        { "PIPE1012", ["file", "get", "data@master:a.csv", "-o", "/proc/version"] },
        { "PIPE1012", ["init", "/proc/pipebuild-workspace"] },
        { "PIPE1003", ["init", "."] },
        { "PIPE5109", ["store", "sync", "pull", "/nonexistent"] },
        { "PIPE5101", ["store", "sync", "push", "s3://"] },

        // pipeline files: values, inputs, and spec files
        { "PIPE1005", ["pipeline", "create", "-f", "/etc"] },
        { "PIPE2006", ["pipeline", "create", "-f", "in/a.csv"] },
        { "PIPE2006", ["pipeline", "create", "-f", "bad/spec.yaml"] },
        { "PIPE1005", ["pipeline", "update", "-f", "bad/missing.pipeproj"] },
        { "PIPE2007", ["run", "--file", "bad/missing.pipeproj"] },
        { "PIPE2002", ["pipeline", "create", "-f", "bad/parallelism-word.pipeproj"] },
        { "PIPE2002", ["pipeline", "create", "-f", "bad/parallelism-huge.pipeproj"] },
        { "PIPE4003", ["pipeline", "create", "-f", "bad/missing-repo.pipeproj"] },
        { "PIPE2002", ["pipeline", "create", "-f", "bad/glob.pipeproj"] },
        { "PIPE2002", ["pipeline", "create", "-f", "bad/executor.pipeproj"] },
        { "PIPE2002", ["pipeline", "create", "-f", "bad/timeout.pipeproj"] },
        { "PIPE2002", ["pipeline", "create", "-f", "bad/tries.pipeproj"] },
        { "PIPE2002", ["pipeline", "create", "-f", "bad/same-input-twice.pipeproj"] },
        { "PIPE2002", ["pipeline", "create", "-f", "bad/branch.pipeproj"] },
        { "PIPE2002", ["pipeline", "create", "-f", "bad/env.pipeproj"] },
        { "PIPE2002", ["pipeline", "create", "-f", "bad/parallelism.json"] },
        { "PIPE2002", ["pipeline", "create", "-f", "bad/trigger-size.json"] },
        { "PIPE2002", ["pipeline", "create", "-f", "bad/trigger-commits.json"] },
        { "PIPE2002", ["pipeline", "create", "-f", "bad/trigger-self.json"] },
        { "PIPE2002", ["pipeline", "create", "-f", "bad/trigger-cron.json"] },
        { "PIPE2002", ["pipeline", "create", "-f", "bad/trigger-no-condition.json"] },
        { "PIPE2002", ["pipeline", "create", "-f", "bad/trigger-size.pipeproj"] },
        { "PIPE2002", ["pipeline", "create", "-f", "bad/trigger-commits.pipeproj"] },
        { "PIPE2002", ["pipeline", "create", "-f", "bad/trigger-self.pipeproj"] },
        { "PIPE2002", ["pipeline", "create", "-f", "bad/trigger-cron.pipeproj"] },
        { "PIPE2002", ["pipeline", "create", "-f", "bad/trigger-without-branch.pipeproj"] },
        { "PIPE1001", ["branch", "create", "data@staging", "--trigger", "master", "--trigger-size", "lots"] },
        { "PIPE1001", ["branch", "create", "data@staging", "--trigger", "master", "--trigger-commits", "-1"] },
        { "PIPE1001", ["branch", "create", "data@staging", "--trigger", "master", "--trigger-commits", "three"] },
        { "PIPE1001", ["branch", "create", "data@staging", "--trigger", "staging", "--trigger-commits", "3"] },
        { "PIPE1001", ["branch", "create", "data@staging", "--trigger", "master", "--trigger-cron", "every hour"] },
        { "PIPE1001", ["branch", "create", "data@staging", "--trigger", "master"] },
        { "PIPE1001", ["branch", "create", "data@staging", "--trigger-size", "1M"] },
        { "PIPE2002", ["pipeline", "create", "-f", "bad/cmd-string.json"] },
        { "PIPE2002", ["pipeline", "create", "-f", "bad/empty-cross.json"] },
        { "PIPE2002", ["pipeline", "create", "-f", "bad/no-input.json"] },
        { "PIPE2003", ["pipeline", "create", "-f", "bad/array.json"] },
        { "PIPE2002", ["pipeline", "create", "-f", "bad/two-kinds.json"] },
        { "PIPE2002", ["pipeline", "create", "-f", "bad/cross-twice.json"] },

        // commands that act on a commit or a branch: a path or an ancestry step in the reference is refused, not ignored
        // (commit delete data@master:a.csv deleted the commit, branch delete data@master:x the branch master)
        { "PIPE1004", ["commit", "start", "data@master^"] },
        { "PIPE1004", ["commit", "start", "data@master.1"] },
        { "PIPE1004", ["commit", "start", "data@master:a.csv"] },
        { "PIPE1004", ["commit", "finish", "data@master:x"] },
        { "PIPE1004", ["commit", "delete", "data@master:a.csv"] },
        { "PIPE1004", ["commit", "wait", "data@master:a.csv"] },
        { "PIPE1004", ["commit", "list", "data@master~1"] },
        { "PIPE1004", ["commit", "list", "data@master:a.csv"] },
        { "PIPE1004", ["branch", "create", "data@dev:x"] },
        { "PIPE1004", ["branch", "create", "data@dev~2"] },
        { "PIPE1004", ["branch", "create", "data@dev", "--head", "master:a.csv"] },
        { "PIPE1004", ["branch", "delete", "data@master:x"] },
        { "PIPE1004", ["branch", "delete", "data@master^"] },

        // references malformed in other ways, and what they name missing, for each command that takes one
        { "PIPE1004", ["commit", "inspect", "data@@master"] },
        { "PIPE1004", ["commit", "inspect", "data@master@x"] },
        { "PIPE1004", ["commit", "inspect", "data@^"] },
        { "PIPE1004", ["commit", "inspect", "data@master~-1"] },
        { "PIPE1004", ["commit", "inspect", "data@master.abc"] },
        { "PIPE1004", ["branch", "create", "data@-dev"] },
        { "PIPE1004", ["branch", "create", "data@dev", "--head", ""] },
        { "PIPE1004", ["file", "glob", "data@master~x:/*"] },
        { "PIPE5006", ["commit", "inspect", "data@master.1.2"] },
        { "PIPE5006", ["commit", "finish", "data@0000000000000000"] },
        { "PIPE5006", ["file", "lineage", "data@master~5:a.csv"] },
        { "PIPE5004", ["commit", "inspect", "data@ABCDEF12"] },
        { "PIPE5004", ["commit", "finish", "data@nope"] },
        { "PIPE5004", ["commit", "delete", "data@nope"] },
        { "PIPE5004", ["file", "history", "data@nope:a.csv"] },
        { "PIPE5004", ["file", "lineage", "data@nope:a.csv"] },
        { "PIPE5001", ["commit", "finish", "nope@master"] },
        { "PIPE5001", ["commit", "delete", "nope@master"] },
        { "PIPE5001", ["file", "diff", "data@master", "nope@master"] },
        { "PIPE5001", ["file", "glob", "nope@master:/*"] },
        { "PIPE5001", ["file", "copy", "data@master:a.csv", "nope@master:b.csv"] },
        { "PIPE5003", ["commit", "list", ""] },
        { "PIPE5003", ["branch", "list", "data@master"] },
        { "PIPE4006", ["job", "inspect", "j@"] },
        { "PIPE4006", ["logs", "--job", "nope", "--pipeline", "nope"] },
        { "PIPE4001", ["pipeline", "delete", "data"] },
        { "PIPE4001", ["pipeline", "update", "-f", "specs/good.json"] },

        // paths: file diff compared the new side's path at both commits, never reading the old side's
        { "PIPE5010", ["file", "diff", "data@master:a.csv", "data@master:../x"] },
        { "PIPE1001", ["file", "diff", "data@master:a.csv", "data@master:b.csv"] },
        { "PIPE5010", ["file", "delete", "data@master:../a.csv"] },
        { "PIPE5010", ["file", "history", "data@master:../a"] },
        { "PIPE5010", ["file", "copy", "data@master:a.csv", "data@master:"] },
        { "PIPE5008", ["file", "delete", "data@master^:a.csv"] },
        { "PIPE5008", ["file", "copy", "data@master:a.csv", "data@master^:b.csv"] },
        { "PIPE5020", ["file", "copy", "data@master:a.csv", "data@master:a.csv/b"] },
        { "PIPE5018", ["file", "lineage", "data@master:/"] },
        { "PIPE5011", ["file", "get", "data@master:a.csv:b"] },
        { "PIPE1008", ["file", "glob", "data@master:/{a,b"] },

        // sources and outputs on this machine: a URL that is none, a file where a folder must go, a full device
        // (-o /dev/full was replaced by a regular file: the write went to a temp file renamed over it)
        { "PIPE1005", ["file", "put", "data@master:b.csv", "-f", "https://"] },
        { "PIPE1005", ["file", "put", "data@master", "-f", "http://[::1"] },
        { "PIPE1001", ["file", "put", "data@master:b.csv", "-f", "in/a.csv", "-f", "in/a.csv"] },
        { "PIPE1012", ["file", "get", "data@master:a.csv", "-o", "/dev/full"] },
        { "PIPE1012", ["file", "get", "data@master:/", "-r", "-o", "in/a.csv/x"] },
        { "PIPE1012", ["file", "get", "data@master:a.csv", "-r", "-o", "in/a.csv/x"] },
        { "PIPE1012", ["pipeline", "convert", "specs/good.json", "--out", "/nonexistent/x.pipeproj"] },
        { "PIPE1012", ["pipeline", "convert", "specs/good.json", "--out", "in"] },
        { "PIPE1001", ["pipeline", "convert", "specs/good.json", "--out", ""] },
        { "PIPE1001", ["run", "-f", ""] },
        { "PIPE1012", ["init", "in/a.csv"] },

        // numbers at and past their limits (a delay or a date too large was an internal error)
        { "PIPE1001", ["watch", "--interval", "-1"] },
        { "PIPE1001", ["watch", "--interval", "NaN"] },
        { "PIPE1001", ["watch", "--interval", "1e300"] },
        { "PIPE1001", ["gc", "--grace", "2147483647"] },
        { "PIPE1001", ["file", "history", "data@master:a.csv", "--history", "0"] },
        { "PIPE1001", ["file", "put", "data@master:s", "-f", "in/a.csv", "--split", "line", "--target-file-bytes", "abc"] },
        { "PIPE1001", ["next-datum", "--status", "abc"] },

        // options that conflict, are unknown, or name nothing
        { "PIPE1001", ["file", "diff", "data@master", "data@master", "--stat", "--name-only"] },
        { "PIPE1001", ["pipeline", "update", "-f", "specs/good.json", "--reprocess", "--no-reprocess"] },
        { "PIPE1001", ["pipeline", "inspect", "nope", "-f", "specs/good.json"] },
        { "PIPE1001", ["pipeline", "create", "-f", "specs/good.json", "--executor", "vm"] },
        { "PIPE1001", ["pipeline", "list", "--output", "csv"] },
        { "PIPE1001", ["logs"] },
        { "PIPE1001", ["store", "sync", "fetch", "x"] },
        { "PIPE1001", ["fsck", "--repair"] },
        { "PIPE1001", ["config", "set", "store", "s3://bucket"] },
        { "PIPE1001", ["config", "set", "executor", ""] },
        { "PIPE1001", ["init", "sub", "--executor", "vm"] },
        { "PIPE1007", ["init", "sub", "--store", "nope"] },
        { "PIPE5101", ["init", "sub", "--store", "s3://"] },
        { "PIPE5003", ["init", "sub", "--default-branch", "a b"] },
        { "PIPE5109", ["store", "sync", "push", "."] },
        { "PIPE5109", ["store", "sync", "push", "in/a.csv"] },
        { "PIPE5101", ["store", "sync", "push", "s3://bucket", "--s3-endpoint", "ftp://x:1"] },

        // server addresses: '' or ',' fell back to the web server's own default, port 5000
        { "PIPE1010", ["console", "--urls", ""] },
        { "PIPE1010", ["s3", "serve", "--urls", " , "] },
        { "PIPE1010", ["s3", "serve", "--urls", "http://127.0.0.1:abc"] },
        { "PIPE1010", ["console", "--urls", "http://[::1"] },
        { "PIPE1011", ["s3", "serve", "--urls", "http://127.0.0.1:0", "--access-key", "a"] },

        // -p:Name=Value: a name MSBuild refuses was an internal error; values are checked as the file's own
        { "PIPE1001", ["pipeline", "inspect", "-f", "bad/props.pipeproj", "-p:a.b=x"] },
        { "PIPE1001", ["pipeline", "create", "-f", "bad/props.pipeproj", "-p:a b=x"] },
        { "PIPE1001", ["run", "-p:1x=y"] },
        { "PIPE1001", ["pipeline", "inspect", "-f", "bad/props.pipeproj", "-p:=x"] },
        { "PIPE2002", ["pipeline", "create", "-f", "bad/props.pipeproj", "-p:Parallelism=-4"] },
        { "PIPE2002", ["pipeline", "create", "-f", "bad/props.pipeproj", "-p:Executor=vm"] },
        { "PIPE2002", ["pipeline", "inspect", "-f", "bad/props.pipeproj", "-p:DatumBatching=maybe"] },
        { "PIPE2002", ["pipeline", "create", "-f", "bad/props.pipeproj", "-p:Command="] },

        // .pipeproj files: more values, and files that are not projects MSBuild can evaluate
        { "PIPE2002", ["pipeline", "create", "-f", "bad/parallelism-negative.pipeproj"] },
        { "PIPE2002", ["pipeline", "create", "-f", "bad/timeout-negative.pipeproj"] },
        { "PIPE2002", ["pipeline", "create", "-f", "bad/tries-word.pipeproj"] },
        { "PIPE2002", ["pipeline", "create", "-f", "bad/name.pipeproj"] },
        { "PIPE2002", ["pipeline", "create", "-f", "bad/glob-brace.pipeproj"] },
        { "PIPE2002", ["pipeline", "create", "-f", "bad/input-repo.pipeproj"] },
        { "PIPE2002", ["pipeline", "create", "-f", "bad/input-name.pipeproj"] },
        { "PIPE2002", ["pipeline", "create", "-f", "bad/no-command.pipeproj"] },
        { "PIPE2002", ["pipeline", "create", "-f", "bad/no-input.pipeproj"] },
        { "PIPE2001", ["pipeline", "create", "-f", "bad/unknown-sdk.pipeproj"] },
        { "PIPE2001", ["pipeline", "create", "-f", "bad/two-roots.pipeproj"] },
        { "PIPE2001", ["pipeline", "create", "-f", "bad/mismatched.pipeproj"] },
        { "PIPE2001", ["pipeline", "create", "-f", "bad/import.pipeproj"] },
        { "PIPE2001", ["pipeline", "create", "-f", "bad/function.pipeproj"] },
        { "PIPE2001", ["pipeline", "create", "-f", "bad/not-a-project.pipeproj"] },
        { "PIPE2001", ["pipeline", "create", "-f", "bad/empty-include.pipeproj"] },
        { "PIPE2001", ["pipeline", "inspect", "-f", "bad/entity.pipeproj"] },

        // Pachyderm spec files: missing parts, wrong types, unsupported kinds, JSON that is not one value
        { "PIPE2002", ["pipeline", "create", "-f", "bad/no-name.json"] },
        { "PIPE2002", ["pipeline", "create", "-f", "bad/name-number.json"] },
        { "PIPE2002", ["pipeline", "create", "-f", "bad/name-empty.json"] },
        { "PIPE2002", ["pipeline", "create", "-f", "bad/no-transform.json"] },
        { "PIPE2002", ["pipeline", "create", "-f", "bad/cmd-empty.json"] },
        { "PIPE2002", ["pipeline", "create", "-f", "bad/cmd-numbers.json"] },
        { "PIPE2002", ["pipeline", "create", "-f", "bad/parallelism-negative.json"] },
        { "PIPE2002", ["pipeline", "create", "-f", "bad/parallelism-huge.json"] },
        { "PIPE2002", ["pipeline", "create", "-f", "bad/glob.json"] },
        { "PIPE2002", ["pipeline", "create", "-f", "bad/no-repo.json"] },
        { "PIPE2002", ["pipeline", "create", "-f", "bad/empty-union.json"] },
        { "PIPE2002", ["pipeline", "create", "-f", "bad/duplicate-names.json"] },
        { "PIPE2002", ["pipeline", "create", "-f", "bad/input-array.json"] },
        { "PIPE2002", ["pipeline", "create", "-f", "bad/env-number.json"] },
        { "PIPE2002", ["pipeline", "create", "-f", "bad/tries.json"] },
        { "PIPE2002", ["pipeline", "create", "-f", "bad/timeout.json"] },
        { "PIPE2002", ["pipeline", "create", "-f", "bad/job-timeout.json"] },
        { "PIPE2002", ["pipeline", "create", "-f", "bad/job-timeout-number.json"] },
        { "PIPE2002", ["pipeline", "create", "-f", "bad/job-timeout.pipeproj"] },
        { "PIPE2002", ["pipeline", "create", "-f", "bad/job-timeout-zero.pipeproj"] },
        { "PIPE2002", ["pipeline", "create", "-f", "bad/empty-files.json"] },
        { "PIPE2002", ["pipeline", "create", "-f", "bad/empty-files-number.json"] },
        { "PIPE2002", ["pipeline", "create", "-f", "bad/empty-files.pipeproj"] },
        { "PIPE2002", ["pipeline", "create", "-f", "bad/empty-files-one.pipeproj"] },
        { "PIPE2004", ["pipeline", "create", "-f", "bad/git-input.json"] },
        { "PIPE2002", ["pipeline", "create", "-f", "bad/egress.json"] },
        { "PIPE2004", ["pipeline", "create", "-f", "bad/egress-sql.json"] },
        { "PIPE2002", ["pipeline", "create", "-f", "bad/egress-relative.json"] },
        { "PIPE2002", ["pipeline", "create", "-f", "bad/egress-scheme.pipeproj"] },
        { "PIPE2002", ["pipeline", "create", "-f", "bad/egress-dotdot.pipeproj"] },
        { "PIPE2002", ["pipeline", "create", "-f", "bad/cron-spec.json"] },
        { "PIPE2002", ["pipeline", "create", "-f", "bad/cron-start.json"] },
        { "PIPE2002", ["pipeline", "create", "-f", "bad/cron-spec.pipeproj"] },
        { "PIPE2002", ["pipeline", "create", "-f", "bad/cron-glob.pipeproj"] },
        { "PIPE2002", ["pipeline", "create", "-f", "bad/cron-overwrite.pipeproj"] },
        { "PIPE2002", ["pipeline", "create", "-f", "bad/working-dir.json"] },
        { "PIPE2002", ["pipeline", "create", "-f", "bad/user-empty.json"] },
        { "PIPE2002", ["pipeline", "create", "-f", "bad/user-spaces.json"] },
        { "PIPE2002", ["pipeline", "create", "-f", "bad/working-dir.pipeproj"] },
        { "PIPE2002", ["pipeline", "create", "-f", "bad/user.pipeproj"] },
        { "PIPE2002", ["pipeline", "create", "-f", "bad/spout-input.json"] },
        { "PIPE2002", ["pipeline", "create", "-f", "bad/spout-type.json"] },
        { "PIPE2004", ["pipeline", "create", "-f", "bad/spout-overwrite.json"] },
        { "PIPE2004", ["pipeline", "create", "-f", "bad/spout-service.json"] },
        { "PIPE4310", ["pipeline", "create", "-f", "bad/spout-local.json", "--executor", "docker", "--no-run"] },
        { "PIPE2002", ["pipeline", "create", "-f", "bad/spout-value.pipeproj"] },
        { "PIPE2002", ["pipeline", "create", "-f", "bad/spout-input.pipeproj"] },
        { "PIPE4310", ["pipeline", "create", "-f", "bad/spout-docker.pipeproj", "--no-run"] },
        { "PIPE1001", ["pipeline", "stop"] },
        { "PIPE2002", ["pipeline", "create", "-f", "bad/service-port.json"] },
        { "PIPE2002", ["pipeline", "create", "-f", "bad/service-port-type.json"] },
        { "PIPE2002", ["pipeline", "create", "-f", "bad/service-no-port.json"] },
        { "PIPE2002", ["pipeline", "create", "-f", "bad/service-type.json"] },
        { "PIPE2004", ["pipeline", "create", "-f", "bad/service-field.json"] },
        { "PIPE4311", ["pipeline", "create", "-f", "bad/service-ports.json", "--no-run"] },
        { "PIPE4310", ["pipeline", "create", "-f", "bad/service-ports.json", "--executor", "kubernetes", "--no-run"] },
        { "PIPE2002", ["pipeline", "create", "-f", "bad/service-port.pipeproj"] },
        { "PIPE2002", ["pipeline", "create", "-f", "bad/spout-service.pipeproj"] },
        { "PIPE2002", ["pipeline", "create", "-f", "bad/spout-and-service.json"] },
        { "PIPE2002", ["pipeline", "create", "-f", "bad/service-external.pipeproj"] },
        { "PIPE2002", ["pipeline", "create", "-f", "bad/service-type.pipeproj"] },
        { "PIPE4001", ["pipeline", "start", "nope"] },
        { "PIPE2002", ["pipeline", "create", "-f", "bad/output-branch.json"] },
        { "PIPE4004", ["pipeline", "create", "-f", "bad/own-output.json"] },
        { "PIPE2003", ["pipeline", "create", "-f", "bad/trailing.json"] },
        { "PIPE2003", ["pipeline", "create", "-f", "bad/duplicate-key.json"] },
        { "PIPE2003", ["pipeline", "create", "-f", "bad/deep.json"] },
        { "PIPE2003", ["pipeline", "create", "-f", "bad/empty.json"] },

        // bytes that are not UTF-8 in a spec, and a -p name MSBuild reserves, were internal errors
        { "PIPE2003", ["pipeline", "create", "-f", "bad/not-utf8.json"] },
        { "PIPE2003", ["pipeline", "inspect", "-f", "bad/not-utf8.json"] },
        { "PIPE2003", ["pipeline", "convert", "bad/not-utf8.json"] },
        { "PIPE2002", ["pipeline", "create", "-f", "bad/props.pipeproj", "-p:MSBuildProjectFile=y"] },
        { "PIPE2002", ["pipeline", "inspect", "-f", "bad/props.pipeproj", "-p:msbuildthisfile=y"] },

        // files of several specs are registered whole or not at all; -p with JSON specs only was ignored
        { "PIPE2002", ["pipeline", "create", "-f", "bad/same-name-twice.json"] },
        { "PIPE2002", ["run", "-f", "bad/same-name-twice.json"] },
        { "PIPE2002", ["pipeline", "inspect", "-f", "bad/same-name-twice.json"] },
        { "PIPE2002", ["pipeline", "create", "-f", "bad/second-bad.json"] },
        { "PIPE4003", ["pipeline", "create", "-f", "bad/second-missing-repo.json"] },
        { "PIPE4004", ["pipeline", "create", "-f", "bad/cycle.json"] },
        { "PIPE4001", ["pipeline", "update", "-f", "bad/cycle.json"] },
        { "PIPE2002", ["run", "-f", "specs/good.json", "-f", "specs/good.json", "-f", "bad/second-of-good.json"] },
        { "PIPE1001", ["pipeline", "create", "-f", "specs/good.json", "-p:Seed=7"] },
        { "PIPE1001", ["pipeline", "update", "-f", "specs/good.json", "-p:Seed=7"] },
        { "PIPE1001", ["pipeline", "inspect", "-f", "specs/good.json", "-p:PipeDefaultExecutor=docker", "-p:Image=x"] },
        { "PIPE1001", ["run", "-f", "specs/good.json", "-p:Seed=7"] },
    };

    /// <summary>.pipeproj files with one bad value each: name, properties, items.</summary>
    private static readonly (string Name, string Properties, string Items)[] BadProjects =
    [
        ("parallelism-word", "<Parallelism>abc</Parallelism>", "<PipeInput Include=\"data\" Glob=\"/*\" />"),
        ("parallelism-huge", "<Parallelism>99999999999</Parallelism>", "<PipeInput Include=\"data\" Glob=\"/*\" />"),
        ("missing-repo", "", "<PipeInput Include=\"nope\" Glob=\"/*\" />"),
        ("glob", "", "<PipeInput Include=\"data\" Glob=\"/[\" />"),
        ("executor", "<Executor>vm</Executor>", "<PipeInput Include=\"data\" Glob=\"/*\" />"),
        ("timeout", "<DatumTimeout>soon</DatumTimeout>", "<PipeInput Include=\"data\" Glob=\"/*\" />"),
        ("tries", "<DatumTries>-1</DatumTries>", "<PipeInput Include=\"data\" Glob=\"/*\" />"),
        ("same-input-twice", "", "<PipeInput Include=\"data\" Glob=\"/*\" /><PipeInput Include=\"data\" Glob=\"/*\" />"),
        ("branch", "", "<PipeInput Include=\"data\" Glob=\"/*\" Branch=\"bad name\" />"),
        ("env", "", "<PipeInput Include=\"data\" Glob=\"/*\" /><PipeEnv Include=\"1BAD\" Value=\"x\" />"),
        ("props", "", "<PipeInput Include=\"data\" Glob=\"/*\" />"), // fine: its bad values come from -p
        ("parallelism-negative", "<Parallelism>-1</Parallelism>", "<PipeInput Include=\"data\" Glob=\"/*\" />"),
        ("timeout-negative", "<DatumTimeout>-00:01:00</DatumTimeout>", "<PipeInput Include=\"data\" Glob=\"/*\" />"),
        ("job-timeout", "<JobTimeout>an hour</JobTimeout>", "<PipeInput Include=\"data\" Glob=\"/*\" />"),
        ("job-timeout-zero", "<JobTimeout>0s</JobTimeout>", "<PipeInput Include=\"data\" Glob=\"/*\" />"),
        ("empty-files", "", "<PipeInput Include=\"data\" Glob=\"/*\" EmptyFiles=\"perhaps\" />"),
        ("empty-files-one", "", "<PipeInput Include=\"data\" Glob=\"/*\" EmptyFiles=\"1\" />"),
        ("trigger-size", "", "<PipeInput Include=\"data\" Glob=\"/*\" Branch=\"staging\" Trigger=\"master\" TriggerSize=\"lots\" />"),
        ("trigger-commits", "", "<PipeInput Include=\"data\" Glob=\"/*\" Branch=\"staging\" Trigger=\"master\" TriggerCommits=\"-1\" />"),
        ("trigger-self", "", "<PipeInput Include=\"data\" Glob=\"/*\" Trigger=\"master\" TriggerCommits=\"3\" />"),
        ("trigger-cron", "", "<PipeInput Include=\"data\" Glob=\"/*\" Branch=\"staging\" Trigger=\"master\" TriggerCron=\"every hour\" />"),
        ("trigger-without-branch", "", "<PipeInput Include=\"data\" Glob=\"/*\" Branch=\"staging\" TriggerSize=\"1M\" />"),
        ("tries-word", "<DatumTries>many</DatumTries>", "<PipeInput Include=\"data\" Glob=\"/*\" />"),
        ("name", "<PipelineName>a b</PipelineName>", "<PipeInput Include=\"data\" Glob=\"/*\" />"),
        ("glob-brace", "", "<PipeInput Include=\"data\" Glob=\"/{a\" />"),
        ("input-repo", "", "<PipeInput Include=\"a b\" Glob=\"/*\" />"),
        ("input-name", "", "<PipeInput Include=\"data\" Glob=\"/*\" Name=\"a b\" />"),
        ("no-command", "<Command></Command>", "<PipeInput Include=\"data\" Glob=\"/*\" />"),
        ("no-input", "", ""),
        ("empty-include", "", "<PipeInput Include=\"\" Glob=\"/*\" />"),
        ("egress-scheme", "<Egress>ftp://host/dir</Egress>", "<PipeInput Include=\"data\" Glob=\"/*\" />"),
        ("egress-dotdot", "<Egress>file:///srv/../etc</Egress>", "<PipeInput Include=\"data\" Glob=\"/*\" />"),
        ("cron-spec", "", "<PipeInput Include=\"tick\" Cron=\"@every soon\" />"),
        ("cron-glob", "", "<PipeInput Include=\"tick\" Cron=\"@hourly\" Glob=\"/\" />"),
        ("cron-overwrite", "", "<PipeInput Include=\"tick\" Cron=\"@hourly\" Overwrite=\"sometimes\" />"),
        ("working-dir", "<WorkingDir>code</WorkingDir>", "<PipeInput Include=\"data\" Glob=\"/*\" />"),
        ("user", "<User>app user</User>", "<PipeInput Include=\"data\" Glob=\"/*\" />"),
        ("spout-value", "<Spout>maybe</Spout>", ""),
        ("spout-input", "<Spout>true</Spout>", "<PipeInput Include=\"data\" Glob=\"/*\" />"),
        ("spout-docker", "<Spout>true</Spout><Executor>docker</Executor><Image>alpine</Image>", ""),
        ("spout-service", "<Spout>true</Spout><ServiceInternalPort>8080</ServiceInternalPort>", ""),
        ("service-port", "<ServiceInternalPort>http</ServiceInternalPort>", "<PipeInput Include=\"data\" Glob=\"/*\" />"),
        ("service-external", "<ServiceExternalPort>8080</ServiceExternalPort>", "<PipeInput Include=\"data\" Glob=\"/*\" />"),
        ("service-type", "<ServiceInternalPort>8080</ServiceInternalPort><ServiceType>Ingress</ServiceType>", "<PipeInput Include=\"data\" Glob=\"/*\" />"),
    ];

    /// <summary>.pipeproj files MSBuild cannot evaluate: name, whole text.</summary>
    private static readonly (string Name, string Xml)[] BadProjectFiles =
    [
        ("unknown-sdk", """<Project Sdk="No.Such.Sdk"><PropertyGroup><Command>cat</Command></PropertyGroup></Project>"""),
        ("two-roots", """<Project Sdk="PipeBuild.Sdk"><PropertyGroup><Command>cat</Command></PropertyGroup></Project><x/>"""),
        ("mismatched", """<Project Sdk="PipeBuild.Sdk"><PropertyGroup><Command>cat</Command></PropertyGroup></Projct>"""),
        ("import", """<Project Sdk="PipeBuild.Sdk"><Import Project="nope.props" /><PropertyGroup><Command>cat</Command></PropertyGroup></Project>"""),
        ("function", """<Project Sdk="PipeBuild.Sdk"><PropertyGroup><Command>$([System.IO.File]::ReadAllText(/nonexistent))</Command></PropertyGroup></Project>"""),
        ("not-a-project", "<Foo/>"),
        ("entity", """<!DOCTYPE p [<!ENTITY a "cat">]><Project Sdk="PipeBuild.Sdk"><PropertyGroup><Command>&a;</Command></PropertyGroup></Project>"""),
    ];

    /// <summary>Pachyderm spec files with one bad value each.</summary>
    private static readonly (string Name, string Json)[] BadSpecs =
    [
        ("parallelism", """{"pipeline":{"name":"j"},"transform":{"cmd":["cat"]},"input":{"pfs":{"repo":"data","glob":"/*"}},"parallelism_spec":{"constant":"x"}}"""),
        ("cmd-string", """{"pipeline":{"name":"j"},"transform":{"cmd":"cat"},"input":{"pfs":{"repo":"data","glob":"/*"}}}"""),
        ("empty-cross", """{"pipeline":{"name":"j"},"transform":{"cmd":["cat"]},"input":{"cross":[]}}"""),
        ("no-input", """{"pipeline":{"name":"j"},"transform":{"cmd":["cat"]}}"""),
        ("array", "[1,2]"),
        ("two-kinds", """{"pipeline":{"name":"j"},"transform":{"cmd":["cat"]},"input":{"pfs":{"repo":"data","glob":"/*"},"cross":[{"pfs":{"repo":"data","glob":"/*"}}]}}"""),
        ("cross-twice", """{"pipeline":{"name":"j"},"transform":{"cmd":["cat"]},"input":{"cross":[{"pfs":{"repo":"data","glob":"/*"}},{"pfs":{"repo":"data","glob":"/a*"}}]}}"""),
        ("no-name", """{"transform":{"cmd":["cat"]},"input":{"pfs":{"repo":"data","glob":"/*"}}}"""),
        ("name-number", """{"pipeline":{"name":5},"transform":{"cmd":["cat"]},"input":{"pfs":{"repo":"data","glob":"/*"}}}"""),
        ("name-empty", """{"pipeline":{"name":""},"transform":{"cmd":["cat"]},"input":{"pfs":{"repo":"data","glob":"/*"}}}"""),
        ("no-transform", """{"pipeline":{"name":"j"},"input":{"pfs":{"repo":"data","glob":"/*"}}}"""),
        ("cmd-empty", """{"pipeline":{"name":"j"},"transform":{"cmd":[]},"input":{"pfs":{"repo":"data","glob":"/*"}}}"""),
        ("cmd-numbers", """{"pipeline":{"name":"j"},"transform":{"cmd":[1,2]},"input":{"pfs":{"repo":"data","glob":"/*"}}}"""),
        ("parallelism-negative", """{"pipeline":{"name":"j"},"transform":{"cmd":["cat"]},"input":{"pfs":{"repo":"data","glob":"/*"}},"parallelism_spec":{"constant":-2}}"""),
        ("parallelism-huge", """{"pipeline":{"name":"j"},"transform":{"cmd":["cat"]},"input":{"pfs":{"repo":"data","glob":"/*"}},"parallelism_spec":{"constant":1e30}}"""),
        ("glob", """{"pipeline":{"name":"j"},"transform":{"cmd":["cat"]},"input":{"pfs":{"repo":"data","glob":"/[a"}}}"""),
        ("no-repo", """{"pipeline":{"name":"j"},"transform":{"cmd":["cat"]},"input":{"pfs":{"glob":"/*"}}}"""),
        ("empty-union", """{"pipeline":{"name":"j"},"transform":{"cmd":["cat"]},"input":{"union":[]}}"""),
        ("duplicate-names", """{"pipeline":{"name":"j"},"transform":{"cmd":["cat"]},"input":{"cross":[{"pfs":{"repo":"data","glob":"/*","name":"x"}},{"pfs":{"repo":"data","glob":"/a*","name":"x"}}]}}"""),
        ("input-array", """{"pipeline":{"name":"j"},"transform":{"cmd":["cat"]},"input":[{"pfs":{"repo":"data","glob":"/*"}}]}"""),
        ("env-number", """{"pipeline":{"name":"j"},"transform":{"cmd":["cat"],"env":{"A":1}},"input":{"pfs":{"repo":"data","glob":"/*"}}}"""),
        ("tries", """{"pipeline":{"name":"j"},"transform":{"cmd":["cat"]},"input":{"pfs":{"repo":"data","glob":"/*"}},"datum_tries":-1}"""),
        ("timeout", """{"pipeline":{"name":"j"},"transform":{"cmd":["cat"]},"input":{"pfs":{"repo":"data","glob":"/*"}},"datum_timeout":"forever"}"""),
        ("job-timeout", """{"pipeline":{"name":"j"},"transform":{"cmd":["cat"]},"input":{"pfs":{"repo":"data","glob":"/*"}},"job_timeout":"10 minutes"}"""),
        ("empty-files", """{"pipeline":{"name":"j"},"transform":{"cmd":["cat"]},"input":{"pfs":{"repo":"data","glob":"/*","empty_files":"maybe"}}}"""),
        ("trigger-size", """{"pipeline":{"name":"j"},"transform":{"cmd":["cat"]},"input":{"pfs":{"repo":"data","glob":"/*","branch":"staging","trigger":{"branch":"master","size":"lots"}}}}"""),
        ("trigger-commits", """{"pipeline":{"name":"j"},"transform":{"cmd":["cat"]},"input":{"pfs":{"repo":"data","glob":"/*","branch":"staging","trigger":{"branch":"master","commits":-1}}}}"""),
        ("trigger-self", """{"pipeline":{"name":"j"},"transform":{"cmd":["cat"]},"input":{"pfs":{"repo":"data","glob":"/*","branch":"staging","trigger":{"branch":"staging","commits":3}}}}"""),
        ("trigger-cron", """{"pipeline":{"name":"j"},"transform":{"cmd":["cat"]},"input":{"pfs":{"repo":"data","glob":"/*","branch":"staging","trigger":{"branch":"master","cron_spec":"every hour"}}}}"""),
        ("trigger-no-condition", """{"pipeline":{"name":"j"},"transform":{"cmd":["cat"]},"input":{"pfs":{"repo":"data","glob":"/*","branch":"staging","trigger":{"branch":"master"}}}}"""),
        ("empty-files-number", """{"pipeline":{"name":"j"},"transform":{"cmd":["cat"]},"input":{"cross":[{"pfs":{"repo":"data","glob":"/*","emptyFiles":1}}]}}"""),
        ("job-timeout-number", """{"pipeline":{"name":"j"},"transform":{"cmd":["cat"]},"input":{"pfs":{"repo":"data","glob":"/*"}},"job_timeout":600}"""),
        ("git-input", """{"pipeline":{"name":"j"},"transform":{"cmd":["cat"]},"input":{"git":{"url":"x"}}}"""),
        ("egress", """{"pipeline":{"name":"j"},"transform":{"cmd":["cat"]},"input":{"pfs":{"repo":"data","glob":"/*"}},"egress":{"URL":"s3://x"}}"""),
        ("egress-sql", """{"pipeline":{"name":"j"},"transform":{"cmd":["cat"]},"input":{"pfs":{"repo":"data","glob":"/*"}},"egress":{"sql_database":{"url":"snowflake://db"}}}"""),
        ("egress-relative", """{"pipeline":{"name":"j"},"transform":{"cmd":["cat"]},"input":{"pfs":{"repo":"data","glob":"/*"}},"egress":{"URL":"file://out"}}"""),
        ("cron-spec", """{"pipeline":{"name":"j"},"transform":{"cmd":["cat"]},"input":{"cron":{"name":"tick","spec":"* * *"}}}"""),
        ("cron-start", """{"pipeline":{"name":"j"},"transform":{"cmd":["cat"]},"input":{"cron":{"name":"tick","spec":"@hourly","start":"soon"}}}"""),
        ("working-dir", """{"pipeline":{"name":"j"},"transform":{"cmd":["cat"],"working_dir":"code"},"input":{"pfs":{"repo":"data","glob":"/*"}}}"""),
        ("service-port", """{"pipeline":{"name":"j"},"transform":{"cmd":["cat"]},"input":{"pfs":{"repo":"data","glob":"/"}},"service":{"internal_port":70000}}"""),
        ("service-port-type", """{"pipeline":{"name":"j"},"transform":{"cmd":["cat"]},"input":{"pfs":{"repo":"data","glob":"/"}},"service":{"internal_port":[8888]}}"""),
        ("service-no-port", """{"pipeline":{"name":"j"},"transform":{"cmd":["cat"]},"input":{"pfs":{"repo":"data","glob":"/"}},"service":{"external_port":8888}}"""),
        ("service-type", """{"pipeline":{"name":"j"},"transform":{"cmd":["cat"]},"input":{"pfs":{"repo":"data","glob":"/"}},"service":{"internal_port":8888,"type":"Ingress"}}"""),
        ("service-field", """{"pipeline":{"name":"j"},"transform":{"cmd":["cat"]},"input":{"pfs":{"repo":"data","glob":"/"}},"service":{"internal_port":8888,"ip":"1.2.3.4"}}"""),
        ("service-ports", """{"pipeline":{"name":"j"},"transform":{"cmd":["cat"]},"input":{"pfs":{"repo":"data","glob":"/"}},"service":{"internal_port":8888,"external_port":30888}}"""),
        ("spout-and-service", """{"pipeline":{"name":"j"},"spout":{},"service":{"internal_port":8888},"transform":{"cmd":["cat"]}}"""),
        ("spout-input", """{"pipeline":{"name":"j"},"spout":{},"transform":{"cmd":["cat"]},"input":{"pfs":{"repo":"data","glob":"/*"}}}"""),
        ("spout-type", """{"pipeline":{"name":"j"},"spout":true,"transform":{"cmd":["cat"]}}"""),
        ("spout-overwrite", """{"pipeline":{"name":"j"},"spout":{"overwrite":true},"transform":{"cmd":["cat"]}}"""),
        ("spout-service", """{"pipeline":{"name":"j"},"spout":{"service":{"internal_port":8000,"external_port":31800}},"transform":{"cmd":["cat"]}}"""),
        ("spout-local", """{"pipeline":{"name":"j"},"spout":{},"transform":{"cmd":["cat"],"image":"alpine"}}"""),
        ("user-empty", """{"pipeline":{"name":"j"},"transform":{"cmd":["cat"],"user":""},"input":{"pfs":{"repo":"data","glob":"/*"}}}"""),
        ("user-spaces", """{"pipeline":{"name":"j"},"transform":{"cmd":["cat"],"user":"app user"},"input":{"pfs":{"repo":"data","glob":"/*"}}}"""),
        ("output-branch", """{"pipeline":{"name":"j"},"transform":{"cmd":["cat"]},"input":{"pfs":{"repo":"data","glob":"/*"}},"output_branch":"bad branch"}"""),
        ("own-output", """{"pipeline":{"name":"j"},"transform":{"cmd":["cat"]},"input":{"pfs":{"repo":"j","glob":"/*"}}}"""),
        ("trailing", """{"pipeline":{"name":"j"},"transform":{"cmd":["cat"]},"input":{"pfs":{"repo":"data","glob":"/*"}}} x"""),
        ("duplicate-key", """{"pipeline":{"name":"j"},"pipeline":{"name":"k"},"transform":{"cmd":["cat"]},"input":{"pfs":{"repo":"data","glob":"/*"}}}"""),
        ("deep", new string('[', 100) + new string(']', 100)),
        ("empty", ""),
        ("same-name-twice", """{"pipeline":{"name":"j"},"transform":{"cmd":["cat"]},"input":{"pfs":{"repo":"data","glob":"/*"}}}""" + "\n---\n" + """{"pipeline":{"name":"j"},"transform":{"cmd":["cp"]},"input":{"pfs":{"repo":"data","glob":"/*"}}}"""),
        ("second-bad", """{"pipeline":{"name":"j"},"transform":{"cmd":["cat"]},"input":{"pfs":{"repo":"data","glob":"/*"}}}{"pipeline":{"name":"k"},"transform":{"cmd":"cat"},"input":{"pfs":{"repo":"j","glob":"/*"}}}"""),
        ("second-missing-repo", """{"pipeline":{"name":"j"},"transform":{"cmd":["cat"]},"input":{"pfs":{"repo":"data","glob":"/*"}}}{"pipeline":{"name":"k"},"transform":{"cmd":["cat"]},"input":{"pfs":{"repo":"nope","glob":"/*"}}}"""),
        ("cycle", """{"pipeline":{"name":"j"},"transform":{"cmd":["cat"]},"input":{"pfs":{"repo":"k","glob":"/*"}}}{"pipeline":{"name":"k"},"transform":{"cmd":["cat"]},"input":{"pfs":{"repo":"j","glob":"/*"}}}"""),
        ("second-of-good", """{"pipeline":{"name":"j"},"transform":{"cmd":["cp"]},"input":{"pfs":{"repo":"data","glob":"/*"}}}"""),
    ];

    [Theory]
    [MemberData(nameof(Cases))]
    public void Bad_input_is_a_clear_error_and_changes_nothing(string code, string[] args)
    {
        var before = ws.StoreFingerprint();
        var result = ws.Run(args).ShouldFailWith(code);
        Assert.DoesNotMatch(ResourceKey, result.Stderr); // words, not a .NET resource key such as IO_FileExists_Name
        Assert.Equal(before, ws.StoreFingerprint());
    }

    [Fact]
    public async Task The_packaged_tool_prints_the_runtimes_messages_in_words()
    {
        // In a process of its own, as users run it: a trimmed build of the runtime's messages printed resource keys.
        var result = await ws.Command(["pipeline", "create", "-f", "bad/empty.pipeproj"]).WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("error PIPE2001:", result.StandardError);
        Assert.Contains("Root element is missing", result.StandardError);
        Assert.DoesNotMatch(ResourceKey, result.StandardError);
    }

    [Fact]
    public void A_shell_substitution_in_a_command_shows_the_escape_that_keeps_it()
    {
        var error = ws.Run("pipeline", "create", "-f", "bad/subst.pipeproj").ShouldFailWith("PIPE2002").Stderr;
        Assert.Contains("subst.pipeproj(3,5): error PIPE2002: Command has '$(basename \"$f\")'", error);
        Assert.Contains("write %24(basename \"$f\")", error);

        ws.Write("bad/subst.pipeproj", File.ReadAllText(Path.Combine(ws.Root, "bad", "subst.pipeproj")).Replace("$(basename", "%24(basename", StringComparison.Ordinal));
        ws.Run("pipeline", "create", "-f", "bad/subst.pipeproj").ShouldSucceed();
        Assert.Equal("x,y\n1,2\n", ws.Run("file", "get", "subst@master:a.csv").ShouldSucceed().Stdout);
    }

    [Fact]
    public void Write_to_a_finished_commit_id_is_refused()
    {
        var id = JsonOutput.Parse(ws.Run("commit", "inspect", "data@master", "--output", "json")).GetProperty("id").GetString()!;
        var before = ws.StoreFingerprint();
        ws.Run("file", "put", $"data@{id}:b.csv", "-f", file).ShouldFailWith("PIPE5008");
        ws.Run("file", "delete", $"data@{id}:a.csv").ShouldFailWith("PIPE5008");
        Assert.Equal(before, ws.StoreFingerprint());
    }

    [Fact]
    public void A_second_open_commit_on_a_branch_is_refused()
    {
        ws.Run("commit", "start", "data@master").ShouldSucceed();
        ws.Run("commit", "start", "data@master").ShouldFailWith("PIPE5014");
    }

    [Fact]
    public void Names_that_are_not_utf8_are_refused_before_anything_is_stored()
    {
        var folder = Path.Combine(ws.Root, "weird");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "ok.csv"), "fine");
        var created = System.Diagnostics.Process.Start("bash", ["-c", $"printf x > '{folder}'/$'\\xff\\xfe.csv'"]);
        created.WaitForExit();
        var before = ws.StoreFingerprint();
        ws.Run("file", "put", "data@master", "-r", "-f", folder).ShouldFailWith("PIPE5012");
        Assert.Equal(before, ws.StoreFingerprint());
    }

    [Fact]
    public void File_get_never_writes_through_a_symlink_out_of_its_target()
    {
        ws.Run("file", "put", "data@master:sub/secret.csv", "-f", file).ShouldSucceed();
        var outside = Directory.CreateTempSubdirectory("pipe-outside-").FullName;
        var target = Path.Combine(ws.Root, "target");
        Directory.CreateDirectory(target);
        Directory.CreateSymbolicLink(Path.Combine(target, "sub"), outside);

        ws.Run("file", "get", "data@master:/", "-r", "-o", target).ShouldFailWith("PIPE1006");
        Assert.Empty(Directory.GetFiles(outside));
        Directory.Delete(outside, true);
    }

    [Fact]
    public void A_store_of_a_newer_format_is_refused_and_left_as_it_is()
    {
        File.WriteAllText(Path.Combine(ws.Root, ".pipe", "format"), """{"format":99}""");
        var before = ws.StoreFingerprint();
        var result = ws.Run("file", "list", "data@master").ShouldFailWith("PIPE5107");
        Assert.Contains("the store has format 99, written by a newer dotnet pipe; this one reads format 3 and older", result.Stderr);
        Assert.Equal(before, ws.StoreFingerprint());
    }

    [Theory]
    [InlineData("refs/data/master", "garbage{{")]
    [InlineData("refs/data/master", "null")]
    [InlineData("repos/data", "")]
    [InlineData("commits/data/HEAD", "{\"id\":")]
    [InlineData("refs/data/master", "[]")]
    [InlineData("repos/data", "{}")]
    [InlineData("commits/data/HEAD", "0")]
    public void A_damaged_store_document_is_named_by_fsck_and_is_a_clear_error_elsewhere(string document, string content)
    {
        var head = JsonOutput.Parse(ws.Run("commit", "inspect", "data@master", "--output", "json")).GetProperty("id").GetString()!;
        var key = document.Replace("HEAD", head, StringComparison.Ordinal);
        File.WriteAllText(Path.Combine(ws.PipeFolder, key), content);

        var fsck = ws.Run("fsck");
        Assert.NotEqual(0, fsck.ExitCode);
        Assert.Contains($"problem: the store document '{key}' is damaged", fsck.Stdout + fsck.Stderr);
        Assert.Contains("error PIPE5016: the store at", fsck.Stderr);
        foreach (var command in new[] { new[] { "file", "list", "data@master" }, ["commit", "list", "data"] })
        {
            var result = ws.Run(command);
            Assert.NotEqual(0, result.ExitCode);
            Assert.Contains("error PIPE5016: the store document", result.Stderr);
            Assert.DoesNotContain("   at ", result.Stderr);
        }
    }

    [Fact]
    public void Outside_a_workspace_the_error_says_how_to_make_one()
    {
        using var bare = new TempWorkspace(init: false);
        bare.Run("repo", "list").ShouldFailWith("PIPE1002");
        Assert.Contains("dotnet pipe init", bare.Run("repo", "list").Stderr);
    }

    public void Dispose() => ws.Dispose();
}
