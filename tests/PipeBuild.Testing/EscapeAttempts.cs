namespace PipeBuild.Testing;

/// <summary>
/// Scripts of a hostile transform trying to make the host store its own files: links direct, through linked
/// folders, chains, relative <c>..</c>, dangling, <c>/proc/self/root</c> and <c>/proc/self/fd</c>, a FIFO, a link to a
/// folder. Each runs as one datum with <c>$SECRET</c> naming a host file; <see cref="MustFail"/> ones must fail the
/// datum with PIPE4008, <see cref="MayRun"/> ones (a file swapped for a link while outputs are collected, a hard
/// link, writes above <c>/pfs/out</c>) may succeed, but nothing of the host may be stored.
/// </summary>
public static class EscapeAttempts
{
    private const string Prelude = "O=\"$PIPE_PFS/out\"; P=\"$PIPE_PFS\"\n";

    public static IReadOnlyDictionary<string, string> MustFail { get; } = Build();

    /// <param name="hardLink">whether to try a hard link to the host file: under a container executor the host file
    /// is not there to link; under the local executor the transform runs as the user and could copy it anyway</param>
    public static IReadOnlyDictionary<string, string> MayRun(bool hardLink)
    {
        var scripts = new Dictionary<string, string>
        {
            ["may-swap-file-for-link"] = Prelude + """
                i=0
                while [ $i -lt 200 ] && [ -d "$O" ]; do
                  echo safe > "$O/r.tmp"; mv -f "$O/r.tmp" "$O/r"
                  ln -sf "$SECRET" "$O/r.lnk"; mv -f "$O/r.lnk" "$O/r"
                  i=$((i+1))
                done >/dev/null 2>&1 &
                exit 0
                """,
            ["may-write-above-out"] = Prelude + "echo leaked > \"$O/../above\" ; echo leaked > \"$O/../../above\" ; exit 0\n",
        };
        if (hardLink)
        {
            scripts["may-hard-link"] = Prelude + "ln \"$SECRET\" \"$O/h\" 2>/dev/null; exit 0\n";
        }

        return scripts;
    }

    private static Dictionary<string, string> Build()
    {
        var scripts = new Dictionary<string, string>();
        (string Name, string Path)[] targets = [("secret", "$SECRET"), ("passwd", "/etc/passwd"), ("proc-root", "/proc/self/root$SECRET")];
        foreach (var (name, target) in targets)
        {
            var set = $"T=\"{target}\"; D=$(dirname \"$T\"); B=$(basename \"$T\")\n";
            void Add(string attack, string script) => scripts[$"{attack}-{name}"] = Prelude + set + script + "\nexit 0\n";
            Add("direct", "ln -s \"$T\" \"$O/x\"");
            Add("through-linked-folder", "ln -s \"$D\" \"$P/evil\"; ln -s \"$P/evil/$B\" \"$O/x\"");
            Add("linked-folder-in-out", "ln -s \"$D\" \"$O/d\"");
            Add("linked-folder-nested", "mkdir \"$O/sub\"; ln -s \"$D\" \"$O/sub/d\"");
            Add("chain-absolute", "ln -s \"$T\" \"$P/a\"; ln -s \"$P/a\" \"$O/x\"");
            Add("chain-relative", "ln -s \"$T\" \"$P/a\"; ln -s ../a \"$O/x\"");
            Add("relative-dotdot", "ln -s \"../../../../../../../../../../..$T\" \"$O/x\"");
            Add("dotdot-through-input", "ln -s \"../attack/../../../../../../../../../..$T\" \"$O/x\"");
            Add("proc-self-root-in-sandbox", "ln -s /proc/self/root \"$P/r\"; ln -s \"$P/r$T\" \"$O/x\"");
            Add("dangling", "ln -s \"$P/nothing/$B\" \"$O/x\"");
        }

        scripts["proc-self-fd"] = Prelude + "ln -s /proc/self/fd \"$P/f\"; ln -s \"$P/f/0\" \"$O/x\"\nexit 0\n";
        scripts["fifo"] = Prelude + "mkfifo \"$O/x\"\nexit 0\n";
        scripts["link-to-folder-in-sandbox"] = Prelude + "ln -s \"$P/attack\" \"$O/x\"\nexit 0\n";
        return scripts;
    }
}
