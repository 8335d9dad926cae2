namespace PipeBuild.WebConsole;

/// <summary>The page script and style, served from the tool itself (the content security policy allows no other).</summary>
internal static class ConsoleAssets
{
    /// <summary>
    /// Asks before an action's form is sent (<c>data-confirm</c>). Listens to <c>/events</c> and, on a change, fetches the page again and swaps its <c>main</c> in: the page
    /// follows runs from other shells without reloading and without asking the server on a timer.
    /// <c>data-refreshes</c> on the root element counts the swaps.
    /// </summary>
    public const string Script = """
        (() => {
          const root = document.documentElement;
          root.dataset.refreshes = "0";
          let running = false, again = false;
          async function refresh() {
            if (running) { again = true; return; }
            running = true;
            try {
              do {
                again = false;
                const response = await fetch(location.href, { credentials: "same-origin", cache: "no-store" });
                if (!response.ok) break;
                const next = new DOMParser().parseFromString(await response.text(), "text/html");
                const fresh = next.getElementById("main"), current = document.getElementById("main");
                // The same content is left alone: nothing under the pointer is replaced for no change.
                if (fresh && current && fresh.innerHTML !== current.innerHTML) {
                  current.replaceWith(document.adoptNode(fresh));
                  document.title = next.title;
                  root.dataset.refreshes = String(Number(root.dataset.refreshes) + 1);
                }
              } while (again);
            } finally {
              running = false;
            }
          }
          // An action asks first; listening on the document, it holds for forms of pages swapped in later.
          document.addEventListener("submit", event => {
            const form = event.target;
            if (form.dataset.confirm && !confirm(form.dataset.confirm)) event.preventDefault();
          });
          const version = document.querySelector('meta[name="pipe-version"]')?.content ?? "";
          const events = new EventSource("/events?since=" + encodeURIComponent(version));
          events.addEventListener("change", refresh);
          events.addEventListener("open", () => { root.dataset.live = "true"; });
        })();
        """;

    public const string Style = """
        :root { color-scheme: light; font-family: system-ui, sans-serif; color: #1f2328; }
        body { margin: 0; }
        header { display: flex; gap: 1em; align-items: baseline; padding: .6em 1.2em; background: #24292f; color: #eee; }
        header .brand { color: #fff; font-weight: 600; text-decoration: none; }
        header nav a { color: #dde; margin-right: 1em; text-decoration: none; }
        header .where { color: #aab; font-size: .85em; }
        table.diff { font-family: ui-monospace, monospace; font-size: .85em; }
        table.diff td { border: 0; padding: 0 .6em 0 0; white-space: pre-wrap; }
        table.diff td.n { color: #8c959f; text-align: right; }
        table.diff tr.add { background: #e6ffec; }
        table.diff tr.del { background: #ffebe9; }
        table.diff tr.hunk td { color: #57606a; background: #ddf4ff; padding: .2em .6em; }
        table.csv td, table.csv th { font-size: .85em; }
        pre.file { background: #f6f8fa; padding: .8em; overflow: auto; max-height: 50em; }
        img.file { max-width: 100%; border: 1px solid #e5e7eb; }
        main { padding: 1em 1.2em 3em; max-width: 1200px; }
        h1 small, h2 small { font-weight: normal; color: #667; font-size: .6em; }
        table { border-collapse: collapse; margin: .5em 0 1.2em; }
        th, td { text-align: left; padding: .3em .8em .3em 0; border-bottom: 1px solid #e5e7eb; vertical-align: top; }
        table.fields th { color: #555; font-weight: 500; white-space: nowrap; }
        code, pre { font-family: ui-monospace, monospace; font-size: .9em; }
        pre.log { background: #0d1117; color: #e6edf3; padding: .8em; overflow: auto; max-height: 40em; white-space: pre-wrap; }
        .badge { white-space: nowrap; display: inline-block; padding: .05em .5em; border-radius: 1em; font-size: .8em; border: 1px solid #ccc; background: #f6f8fa; vertical-align: middle; }
        .badge.up-to-date, .badge.job-success { background: #e3f6e8; border-color: #2e8540; }
        .badge.out-of-date { background: #fff4d6; border-color: #b07d00; }
        .badge.running, .badge.job-running, .badge.job-starting { background: #dcecff; border-color: #1f6feb; }
        .badge.failed, .badge.job-failure, .badge.job-killed { background: #fde2e1; border-color: #cf222e; }
        .graph { overflow: auto; margin: .5em 0 1em; }
        .why, .muted { color: #555; }
        .reason { color: #cf222e; }
        details.failure { margin: .5em 0; }
        details.failure summary { cursor: pointer; }
        tr.datum-failed td { background: #fff5f5; }
        nav.filter a, nav.pages a { margin-right: .6em; }
        nav.filter a[aria-current] { font-weight: 600; }
        svg.chart rect { fill: #2e8540; }
        svg.chart rect.job-failure, svg.chart rect.job-killed { fill: #cf222e; }
        svg.chart rect.job-running, svg.chart rect.job-starting { fill: #1f6feb; }
        progress { width: 24em; }
        form.action { display: inline-block; margin: .3em .6em .6em 0; }
        form.action button { font: inherit; padding: .25em 1em; border-radius: 6px; border: 1px solid #8c959f; background: #f6f8fa; cursor: pointer; }
        form.kill button { border-color: #cf222e; color: #cf222e; }
        """;
}
