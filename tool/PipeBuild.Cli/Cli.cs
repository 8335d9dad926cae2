using System.CommandLine;
using System.Globalization;
using System.Numerics;
using PipeBuild.Core;

namespace PipeBuild.Cli;

/// <summary>Small helpers that keep each command's definition to its arguments and its action.</summary>
internal static class Cli
{
    public static Command Group(string name, string description, params Command[] subcommands)
    {
        var group = new Command(name, description);
        foreach (var subcommand in subcommands)
        {
            group.Subcommands.Add(subcommand);
        }

        return group;
    }

    /// <summary>A runnable command; it takes <c>--output table|json</c> unless <paramref name="formatOption"/> is false.</summary>
    public static Command Command(
        string name, string description, Symbol[] symbols, Func<Session, CancellationToken, Task<int>> action, bool formatOption = true)
    {
        var command = new Command(name, description);
        foreach (var symbol in symbols)
        {
            switch (symbol)
            {
                case Argument argument:
                    command.Arguments.Add(argument);
                    break;
                case Option option:
                    command.Options.Add(option);
                    break;
            }
        }

        if (formatOption)
        {
            command.Options.Add(GlobalOptions.Output);
        }

        command.SetAction(async (parseResult, cancellationToken) =>
        {
            await using var session = new Session(parseResult);
            return await action(session, cancellationToken);
        });
        return command;
    }

    /// <summary>Refuses a value below <paramref name="minimum"/> as a usage error that names the option.</summary>
    public static Option<T> AtLeast<T>(this Option<T> option, T minimum)
        where T : struct, INumber<T> => option.Between(minimum, null);

    /// <summary>
    /// Refuses NaN, and a value below <paramref name="minimum"/> or above <paramref name="maximum"/>, as a usage error
    /// that names the option: a value too large for a delay or a date is the user's mistake, not an internal error.
    /// </summary>
    public static Option<T> Between<T>(this Option<T> option, T minimum, T? maximum)
        where T : struct, INumber<T>
    {
        option.Validators.Add(result =>
        {
            if (result.Tokens.Any(t => !T.TryParse(t.Value, CultureInfo.InvariantCulture, out _)))
            {
                return; // not a number: the parser reports that itself, and reading the value would throw
            }

            var value = result.GetValueOrDefault<T>();
            if (T.IsNaN(value))
            {
                result.AddError($"{option.Name} must be a number (got NaN).");
            }
            else if (value < minimum)
            {
                result.AddError(string.Create(CultureInfo.InvariantCulture, $"{option.Name} must be at least {minimum} (got {value})."));
            }
            else if (maximum is { } most && value > most)
            {
                result.AddError(string.Create(CultureInfo.InvariantCulture, $"{option.Name} must be at most {most} (got {value})."));
            }
        });
        return option;
    }

    /// <summary>Refuses an empty word ('') as a usage error that names the option and <paramref name="what"/> it needs.</summary>
    public static T NotEmpty<T>(this T option, string what)
        where T : Option
    {
        option.Validators.Add(result =>
        {
            if (result.Tokens.Any(t => t.Value.Length == 0))
            {
                result.AddError($"{option.Name} needs {what} (it was given an empty one).");
            }
        });
        return option;
    }

    /// <summary>
    /// A server's <c>--urls</c> (comma or space separated), or <paramref name="defaultUrl"/> when there are none; given
    /// but naming no address ('' or ','), it is an error, not the web server's own default.
    /// </summary>
    public static string[] ListenUrls(string[]? given, string defaultUrl)
    {
        if (given is not { Length: > 0 })
        {
            return [defaultUrl];
        }

        string[] urls = [.. given.SelectMany(u => u.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))];
        return urls.Length > 0 ? urls
            : throw new PipeException(ErrorCodes.ConsoleCannotListen, $"--urls '{string.Join(' ', given)}' names no address: write http://HOST:PORT, for example {defaultUrl}.");
    }

    public static Command WithAliases(this Command command, params string[] aliases)
    {
        foreach (var alias in aliases)
        {
            command.Aliases.Add(alias);
        }

        return command;
    }

    /// <summary>How long before <paramref name="now"/> (default: now) <paramref name="time"/> was, as "1 minute ago", "3 hours ago".</summary>
    public static string Ago(DateTimeOffset? time, DateTimeOffset? now = null)
    {
        if (time is null)
        {
            return "-";
        }

        var age = (now ?? DateTimeOffset.UtcNow) - time.Value;
        return age.TotalSeconds < 60 ? Count(Math.Max(0, (int)age.TotalSeconds), "second")
            : age.TotalMinutes < 60 ? Count((int)age.TotalMinutes, "minute")
            : age.TotalHours < 24 ? Count((int)age.TotalHours, "hour")
            : Count((int)age.TotalDays, "day");

        static string Count(int n, string unit) => n == 1 ? $"1 {unit} ago" : $"{n} {unit}s ago";
    }

    public static string Bytes(long bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB"];
        double value = bytes;
        var unit = 0;
        while (value >= 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }

        return unit == 0 ? $"{bytes} B" : $"{value:0.##} {units[unit]}";
    }
}
