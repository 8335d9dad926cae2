using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PipeBuild.Core;
using PipeBuild.Engine;
using PipeBuild.Store;

namespace PipeBuild.WebConsole;

/// <summary>
/// The console's web server: Kestrel serving the pages of <see cref="ConsolePages"/> over one workspace's store and
/// engine, which it reads as any command does, so runs from other shells show up as they happen
/// (<see cref="ChangeFeed"/>). Loopback only unless a token guards it. docs/console.md
/// </summary>
public sealed class ConsoleServer : IAsyncDisposable
{
    private const string TokenCookie = "pipe_console_token";
    private readonly WebApplication app;
    private readonly BackgroundRuns runs;

    private ConsoleServer(WebApplication app, BackgroundRuns runs, IReadOnlyList<Uri> addresses, string? token)
    {
        this.app = app;
        this.runs = runs;
        Addresses = addresses;
        Token = token;
    }

    /// <summary>Where it listens (ports chosen by the system filled in).</summary>
    public IReadOnlyList<Uri> Addresses { get; }

    /// <summary>The token requests need, or null on loopback addresses without one.</summary>
    public string? Token { get; }

    /// <summary>The address to open: the first one, with the token when there is one.</summary>
    public Uri StartUri => Token is null ? Addresses[0] : new Uri(Addresses[0], $"/?token={Uri.EscapeDataString(Token)}");

    /// <summary>Starts listening; PIPE1010 when an address is invalid or taken.</summary>
    public static async Task<ConsoleServer> StartAsync(VersionStore store, PipelineEngine engine, ConsoleOptions options, CancellationToken cancellationToken)
    {
        var urls = options.Urls.Select(u => ListenAddress.Parse(u, ConsoleOptions.DefaultUrl)).ToList();
        var token = options.Token ?? (urls.All(ListenAddress.IsLoopback) ? null : Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24)));

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls([.. options.Urls]);
        var feed = new ChangeFeed(store, engine, options.ChangeInterval);
        builder.Services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "pipe_console_antiforgery";
            o.Cookie.SameSite = SameSiteMode.Strict;
        });
        var app = builder.Build();
        app.Use(async (context, next) =>
        {
            var headers = context.Response.Headers;
            headers.ContentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "no-referrer";
            if (token is not null && !Authorized(context, token))
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                await context.Response.WriteAsync("401: this console needs its token. Open the address `dotnet pipe console` printed (it ends in ?token=...).", context.RequestAborted);
                return;
            }

            try
            {
                await next(context);
            }
            catch (Exception e) when (!context.RequestAborted.IsCancellationRequested)
            {
                // A page the console could not make: said on its stderr with the request, and a plain 500 to the browser.
                lock (options.Errors)
                {
                    options.Errors.WriteLine($"console: {context.Request.Method} {context.Request.Path}: {e.GetType().Name}: {e.Message}");
                }

                if (!context.Response.HasStarted)
                {
                    context.Response.StatusCode = StatusCodes.Status500InternalServerError;
                    await context.Response.WriteAsync($"500: the console could not make this page ({e.GetType().Name}: {e.Message}).", CancellationToken.None);
                }
            }
        });
        var runs = new BackgroundRuns(options.Errors);
        new ConsolePages(store, engine, options, runs, feed, app.Services.GetRequiredService<IAntiforgery>()).Map(app);

        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or System.Net.Sockets.SocketException)
        {
            await app.DisposeAsync();
            await runs.DisposeAsync();
            throw new PipeException(ErrorCodes.ConsoleCannotListen, $"cannot listen on {string.Join(", ", options.Urls)}: {e.Message}");
        }

        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Select(a => new Uri(a)).ToList();
        return new ConsoleServer(app, runs, addresses, token);
    }

    /// <summary>Runs until <paramref name="cancellationToken"/> (Ctrl+C) ends it.</summary>
    public async Task WaitAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Stops serving, then cancels the runs it started (their jobs end killed).</summary>
    public async ValueTask DisposeAsync()
    {
        await app.StopAsync(CancellationToken.None);
        await app.DisposeAsync();
        await runs.DisposeAsync();
    }

    /// <summary>
    /// The token from the query (a link someone opened: kept as a cookie for the pages that follow), the cookie, or an
    /// Authorization header; compared in constant time.
    /// </summary>
    private static bool Authorized(HttpContext context, string token)
    {
        if (context.Request.Query.TryGetValue("token", out var query) && Same(query.ToString(), token))
        {
            context.Response.Cookies.Append(TokenCookie, token, new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Strict, Path = "/" });
            return true;
        }

        if (context.Request.Cookies.TryGetValue(TokenCookie, out var cookie) && Same(cookie, token))
        {
            return true;
        }

        var header = context.Request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.Ordinal) && Same(header["Bearer ".Length..], token);
    }

    private static bool Same(string given, string token) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(token));
}
