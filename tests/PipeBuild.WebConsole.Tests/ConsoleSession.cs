using System.Text.RegularExpressions;
using PipeBuild.Core.Pipelines;
using Microsoft.Playwright;

namespace PipeBuild.WebConsole.Tests;

/// <summary>
/// A workspace's store and engine (<see cref="EngineFixture"/>), the console serving them on a free loopback port,
/// and, for the browser tests, Debian's chromium driven by Playwright (eng/setup/40-browser.sh installs it).
/// </summary>
internal sealed class ConsoleSession : IAsyncDisposable
{
    private IPlaywright? playwright;
    private IBrowser? browser;

    private ConsoleSession(EngineFixture fx, ConsoleServer server)
    {
        Fx = fx;
        Server = server;
    }

    public EngineFixture Fx { get; }

    public ConsoleServer Server { get; }

    public Uri Address => Server.Addresses[0];

    /// <summary>Where the tests save a screenshot of every page they look at (docs/console.md shows them).</summary>
    public static string Screenshots { get; } = Path.Combine(RepoRoot(), "artifacts", "screenshots");

    public static async Task<ConsoleSession> StartAsync(ConsoleOptions? options = null, Func<EngineFixture, Task>? prepare = null)
    {
        var fx = new EngineFixture();
        try
        {
            if (prepare is not null)
            {
                await prepare(fx);
            }

            options ??= new ConsoleOptions { Urls = ["http://127.0.0.1:0"] };
            return new ConsoleSession(fx, await ConsoleServer.StartAsync(fx.Store, fx.Engine, options, default));
        }
        catch
        {
            fx.Dispose();
            throw;
        }
    }

    /// <summary>
    /// A prepare step many tests share: <paramref name="files"/> (default: a.txt) put in <paramref name="repo"/>, and a
    /// pipeline <c>copy</c> that copies each of its files, not yet run.
    /// </summary>
    public static async Task CopyPipelineAsync(EngineFixture fx, string repo = "data", Dictionary<string, string>? files = null)
    {
        await fx.PutAsync(repo, files ?? new Dictionary<string, string> { ["a.txt"] = "alpha\n" });
        await fx.CreateAsync(EngineFixture.Shell("copy", $"cp \"${repo}\" /pfs/out/", new PfsInput(repo, "/*")));
    }

    /// <summary>Skips (in CI: fails) unless the browser is installed.</summary>
    public static void RequireBrowser() =>
        RequiredComponent.Require("a browser (Debian's chromium)", File.Exists(Chromium) ? null : $"{Chromium} is not there", "run eng/test.sh, which installs it (eng/setup/40-browser.sh)");

    /// <summary>A new page of a headless chromium, at <paramref name="path"/> of the console.</summary>
    public async Task<IPage> OpenAsync(string path)
    {
        RequireBrowser();
        playwright ??= await Playwright.CreateAsync();
        browser ??= await playwright.Chromium.LaunchAsync(new() { ExecutablePath = Chromium, Headless = true, Args = ["--no-sandbox"] });
        var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1100, Height = 900 } });
        page.SetDefaultTimeout(30_000);
        await page.GotoAsync(new Uri(Address, path).ToString());
        return page;
    }

    /// <summary>
    /// Waits until the page is at <paramref name="url"/> (a glob: ** any text, * any text without '/') and its document
    /// is parsed. Not with Playwright's WaitForURL: when the address already matched it waited for a load state of its
    /// own tracking, which twice in CI runs under load never came ("commit", then "domcontentloaded", with the page at
    /// the address and idle); the address and document.readyState are read from the page itself.
    /// </summary>
    public static async Task ArrivedAsync(IPage page, string url)
    {
        var pattern = "^" + Regex.Escape(url).Replace(@"\*\*", ".*", StringComparison.Ordinal).Replace(@"\*", "[^/]*", StringComparison.Ordinal) + "$";
        await Assertions.Expect(page).ToHaveURLAsync(new Regex(pattern), new() { Timeout = 30_000 });
        await page.WaitForFunctionAsync("() => document.readyState !== 'loading'");
    }

    public static async Task ScreenshotAsync(IPage page, string name)
    {
        Directory.CreateDirectory(Screenshots);
        // The viewport only: a full-page shot resizes the page and back, and a click right after could land mid-resize.
        await page.ScreenshotAsync(new() { Path = Path.Combine(Screenshots, name + ".png") });
    }

    public async ValueTask DisposeAsync()
    {
        if (browser is not null)
        {
            await browser.DisposeAsync();
        }

        playwright?.Dispose();
        await Server.DisposeAsync();
        Fx.Dispose();
    }

    private static string Chromium => Environment.GetEnvironmentVariable("PIPE_TEST_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    private static string RepoRoot()
    {
        var folder = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(folder, "PipeBuild.sln")))
        {
            folder = Path.GetDirectoryName(folder) ?? throw new InvalidOperationException("the tests run outside the repository");
        }

        return folder;
    }
}
