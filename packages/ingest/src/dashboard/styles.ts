/** Dashboard CSS: system fonts, CSS variables, light and dark from `prefers-color-scheme`. */
export const dashboardCss = `
:root {
  --bg: #f6f7f9; --panel: #ffffff; --ink: #16181d; --muted: #667085; --line: #e4e7ec;
  --accent: #5b5bd6; --ok: #12b76a; --ok-bg: #ecfdf3; --warn: #f79009; --warn-bg: #fffaeb;
  --bad: #f04438; --bad-bg: #fef3f2; --idle: #98a2b3; --shadow: 0 1px 2px rgba(16,24,40,.06), 0 1px 3px rgba(16,24,40,.08);
  color-scheme: light dark;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0d1017; --panel: #151a23; --ink: #e6e9ef; --muted: #8b95a7; --line: #252c38;
    --accent: #8b8cf8; --ok: #32d583; --ok-bg: rgba(50,213,131,.12); --warn: #fdb022; --warn-bg: rgba(253,176,34,.12);
    --bad: #f97066; --bad-bg: rgba(249,112,102,.13); --idle: #667085; --shadow: 0 1px 2px rgba(0,0,0,.4);
  }
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--ink);
  font: 14px/1.45 ui-sans-serif, system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  -webkit-font-smoothing: antialiased; }
.mono, code { font-family: ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, "Liberation Mono", monospace; }
.wrap { max-width: 1240px; margin: 0 auto; padding: 24px 28px 48px; }
header { display: flex; align-items: center; gap: 14px; margin-bottom: 22px; }
.logo { display: flex; align-items: center; gap: 10px; font-weight: 700; font-size: 20px; letter-spacing: -.02em; }
.logo svg { width: 28px; height: 28px; }
.pill { display: inline-flex; align-items: center; gap: 6px; padding: 2px 10px; border-radius: 999px;
  font-size: 12px; font-weight: 600; border: 1px solid var(--line); color: var(--muted); background: var(--panel); white-space: nowrap; }
.pill.ok { color: var(--ok); background: var(--ok-bg); border-color: transparent; }
.pill.warn { color: var(--warn); background: var(--warn-bg); border-color: transparent; }
.pill.bad { color: var(--bad); background: var(--bad-bg); border-color: transparent; }
.spacer { flex: 1; }
.live { display: flex; align-items: center; gap: 8px; color: var(--muted); font-size: 13px; }
.dot { width: 8px; height: 8px; border-radius: 50%; background: var(--ok); box-shadow: 0 0 0 0 var(--ok); animation: pulse 2s infinite; }
.dot.stale { background: var(--bad); animation: none; }
@keyframes pulse { 0% { box-shadow: 0 0 0 0 rgba(18,183,106,.5); } 70% { box-shadow: 0 0 0 8px rgba(18,183,106,0); } 100% { box-shadow: 0 0 0 0 rgba(18,183,106,0); } }
.tiles { display: grid; grid-template-columns: repeat(5, minmax(0, 1fr)); gap: 14px; margin-bottom: 28px; }
.tile, .card { background: var(--panel); border: 1px solid var(--line); border-radius: 12px; box-shadow: var(--shadow); }
.tile { padding: 14px 16px; }
.label { color: var(--muted); font-size: 12px; font-weight: 600; text-transform: uppercase; letter-spacing: .06em; }
.big { font-size: 28px; font-weight: 700; letter-spacing: -.02em; font-variant-numeric: tabular-nums; margin-top: 4px; }
.big small { font-size: 13px; font-weight: 500; color: var(--muted); margin-left: 4px; letter-spacing: 0; }
h2 { font-size: 13px; font-weight: 700; text-transform: uppercase; letter-spacing: .08em; color: var(--muted); margin: 28px 0 12px; display: flex; align-items: center; gap: 8px; }
h2 .count { font-weight: 600; color: var(--idle); }
.grid { display: grid; gap: 14px; grid-template-columns: repeat(auto-fit, minmax(260px, 1fr)); }
.grid.queues { grid-template-columns: repeat(auto-fill, minmax(360px, 1fr)); }
.card { padding: 16px; position: relative; overflow: hidden; }
.card .bar { position: absolute; left: 0; top: 0; bottom: 0; width: 4px; background: var(--ok); }
.card .bar.warn { background: var(--warn); } .card .bar.bad { background: var(--bad); }
.card-head { display: flex; align-items: center; gap: 8px; margin-bottom: 10px; }
.card-title { font-weight: 650; font-size: 15px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.kv { display: grid; grid-template-columns: repeat(3, minmax(0, 170px)); gap: 8px 12px; }
.kv div { min-width: 0; }
.kv .v { font-size: 16px; font-weight: 650; font-variant-numeric: tabular-nums; }
.kv .k { color: var(--muted); font-size: 12px; }
.depth { display: flex; align-items: flex-end; justify-content: space-between; gap: 12px; margin: 2px 0 12px; }
.depth .big { margin: 0; font-size: 34px; }
.spark { flex: 1; max-width: 220px; height: 44px; }
.spark path.line { fill: none; stroke: var(--accent); stroke-width: 1.8; }
.spark path.area { fill: var(--accent); opacity: .12; stroke: none; }
table { width: 100%; border-collapse: collapse; }
.card.table { padding: 0; }
th, td { text-align: left; padding: 10px 16px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { color: var(--muted); font-size: 12px; font-weight: 600; text-transform: uppercase; letter-spacing: .05em; }
tr:last-child td { border-bottom: 0; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.err { color: var(--bad); word-break: break-word; }
.err b { font-weight: 650; }
.muted { color: var(--muted); }
.empty { padding: 18px 16px; color: var(--muted); text-align: center; }
.banner { display: none; margin-bottom: 16px; padding: 10px 14px; border-radius: 10px; background: var(--bad-bg); color: var(--bad); font-weight: 600; }
.banner.show { display: flex; gap: 10px; align-items: center; }
#keyform { display: none; gap: 8px; flex: 1; }
.banner input { flex: 1; max-width: 320px; padding: 6px 10px; border-radius: 8px; border: 1px solid var(--line); background: var(--panel); color: var(--ink); }
.banner button { padding: 6px 12px; border-radius: 8px; border: 0; background: var(--accent); color: #fff; font-weight: 600; cursor: pointer; }
@media (max-width: 900px) { .tiles { grid-template-columns: repeat(2, 1fr); } }
`;
