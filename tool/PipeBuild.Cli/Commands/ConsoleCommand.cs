using System.CommandLine;
using System.Diagnostics;
using PipeBuild.Core;
using PipeBuild.WebConsole;

namespace PipeBuild.Cli.Commands;

/// <summary><c>console</c>: the workspace in a browser, served until Ctrl+C (docs/console.md).</summary>
internal static class ConsoleCommand
{
    public static Command Create()
    {
        var urls = new Option<string[]>("--urls") { Description = $"Addresses to listen on, comma or space separated (default {ConsoleOptions.DefaultUrl}; port 0 picks a free one). Any address but loopback needs a token.", Arity = ArgumentArity.OneOrMore, AllowMultipleArgumentsPerToken = true };
        var token = new Option<string?>("--token") { Description = "The token every request must carry (default: none on loopback, a random one printed at start on any other address)." };
        var readOnly = new Option<bool>("--read-only") { Description = "Show, never act: no run, restart or kill from the page." };
        var open = new Option<bool>("--open") { Description = "Open the console in the default browser." };
        return Cli.Command("console", "Serve the workspace's pipelines, jobs, datums and logs as web pages on this machine, live, until Ctrl+C.", [urls, token, readOnly, open], async (s, ct) =>
        {
            var options = new ConsoleOptions
            {
                Urls = Cli.ListenUrls(s.Get(urls), ConsoleOptions.DefaultUrl),
                Token = s.Get(token),
                ReadOnly = s.Get(readOnly),
                Errors = s.Console.Error,
                StopWorkers = (job, token) => ExecutorFactory.StopWorkersAsync(s, job, token),
            };
            await using var server = await ConsoleServer.StartAsync(s.Store, s.Engine, options, ct);
            s.Console.Out.WriteLine($"console at {server.StartUri}");
            if (server.Token is not null && s.Get(token) is null)
            {
                s.Console.Error.WriteLine("this address is reachable from other machines: every request needs the token in the address above");
            }

            s.Console.Error.WriteLine("Ctrl+C to stop");
            if (s.Get(open))
            {
                Open(s, server.StartUri);
            }

            await server.WaitAsync(ct);
            return ExitCodes.Ok;
        }, formatOption: false);
    }

    private static void Open(Session s, Uri address)
    {
        try
        {
            Process.Start(new ProcessStartInfo(address.ToString()) { UseShellExecute = true })?.Dispose();
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            s.Console.Error.WriteLine($"could not open a browser ({e.Message}); open {address} yourself");
        }
    }
}
