namespace Strata.Server.Components;

/// <summary>The UI's stylesheet, inlined into every page: readable on a laptop screen, visible keyboard focus.</summary>
internal static class Styles
{
    public const string Css = """
        :root { --fg:#1d2430; --muted:#5b6575; --line:#d8dde5; --accent:#2f5fd0; --bg:#f7f8fa; --user:#e8eefc; --bot:#ffffff; }
        * { box-sizing: border-box; }
        body { margin:0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color:var(--fg); background:var(--bg); }
        header.top { display:flex; gap:2rem; align-items:center; padding:.6rem 1.5rem; background:#fff; border-bottom:1px solid var(--line); }
        .brand { font-weight:700; color:var(--fg); text-decoration:none; }
        nav a { margin-right:1rem; color:var(--muted); text-decoration:none; }
        nav a.active { color:var(--accent); font-weight:600; }
        a:focus-visible, button:focus-visible, select:focus-visible, input:focus-visible, textarea:focus-visible { outline:3px solid var(--accent); outline-offset:2px; }
        main { max-width:960px; margin:0 auto; padding:1rem 1.5rem 3rem; }
        h1 { font-size:1.4rem; }
        .hint { color:var(--muted); }
        .settings { display:flex; flex-wrap:wrap; gap:.75rem 1.25rem; align-items:end; margin-bottom:1rem; }
        .settings label { display:flex; flex-direction:column; font-size:.85rem; color:var(--muted); }
        .settings .wide { flex-basis:100%; }
        input, select, textarea { font:inherit; padding:.35rem .5rem; border:1px solid var(--line); border-radius:6px; background:#fff; color:var(--fg); }
        textarea { width:100%; resize:vertical; }
        .transcript { display:flex; flex-direction:column; gap:.6rem; min-height:8rem; margin-bottom:1rem; }
        .message { padding:.6rem .8rem; border-radius:8px; white-space:pre-wrap; border:1px solid var(--line); }
        .message.user { background:var(--user); align-self:flex-end; max-width:80%; }
        .message.assistant { background:var(--bot); }
        .message.error { border-color:#c0392b; color:#c0392b; }
        .buttons { display:flex; gap:.5rem; margin-top:.5rem; }
        button { font:inherit; padding:.4rem 1rem; border-radius:6px; border:1px solid var(--accent); background:var(--accent); color:#fff; cursor:pointer; }
        button[type=button] { background:#fff; color:var(--accent); }
        button:disabled { opacity:.5; cursor:default; }
        .status { color:var(--muted); font-size:.9rem; min-height:1.4em; }
        table.grid { border-collapse:collapse; width:100%; background:#fff; }
        table.grid th, table.grid td { text-align:left; padding:.4rem .6rem; border-bottom:1px solid var(--line); }
        .visually-hidden { position:absolute; width:1px; height:1px; overflow:hidden; clip:rect(0 0 0 0); }
        code { background:#eef1f5; padding:0 .25rem; border-radius:4px; }
        h2 { font-size:1.1rem; margin-top:1.5rem; }
        .charts { display:flex; flex-wrap:wrap; gap:1rem; margin-top:1rem; }
        .chart { margin:0; background:#fff; border:1px solid var(--line); border-radius:8px; padding:.25rem; }
        .chart svg { max-width:100%; height:auto; }
        pre.config { background:#fff; border:1px solid var(--line); border-radius:8px; padding:.75rem; overflow:auto; }
        td.error, .status-crashed, .status-failed { color:#c0392b; }
        .status-running { color:var(--accent); }
        .signout { margin-left:auto; }
        button.link { background:none; border:none; color:var(--muted); padding:0; text-decoration:underline; }
        form.login { display:flex; flex-direction:column; gap:.5rem; max-width:24rem; }
        .error { color:#c0392b; }
        section.panel { background:#fff; border:1px solid var(--line); border-radius:8px; padding:.75rem 1rem 1rem; margin-bottom:1rem; }
        section.panel h2 { margin-top:.25rem; }
        .row { display:flex; flex-wrap:wrap; gap:.75rem 1rem; align-items:end; }
        .row label { display:flex; flex-direction:column; font-size:.85rem; color:var(--muted); }
        .row .grow { flex:1 1 16rem; }
        .state-ready { color:#1e7b34; } .state-failed { color:#c0392b; } .state-queued, .state-processing { color:var(--accent); }
        ol.results li, ol.citations li { margin-bottom:.6rem; }
        .snippet { white-space:pre-wrap; color:var(--fg); }
        .answer { white-space:pre-wrap; background:var(--bg); border:1px solid var(--line); border-radius:8px; padding:.6rem .8rem; min-height:2.5rem; }
        .chunk { background:#fff; border:1px solid var(--line); border-radius:8px; padding:.6rem .8rem; margin-bottom:.6rem; white-space:pre-wrap; }
        .chunk:target { border:2px solid var(--accent); background:var(--user); }
        .gallery { display:flex; flex-wrap:wrap; gap:.75rem; margin-top:1rem; }
        .gallery img { width:8rem; height:8rem; image-rendering:pixelated; border:1px solid var(--line); border-radius:6px; background:#fff; }
        progress { width:12rem; }
        """;
}
