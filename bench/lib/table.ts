import type { SuiteResult } from './runner';

/** 12345 → "12,345", 3.14159 → "3.14", 0.01234 → "0.0123". */
export function fmt(v: number): string {
  const a = Math.abs(v);
  if (a >= 100) return Math.round(v).toLocaleString('en-US');
  if (a >= 10) return v.toFixed(1);
  if (a >= 1) return v.toFixed(2);
  return v.toPrecision(3);
}

const cut = (s: string, n: number) => (s.length <= n ? s : `${s.slice(0, n - 1)}…`);

/**
 * One plain-text table for the whole run: per suite and metric, every side's median, and for the
 * non-warren sides the ratio warren/side with the goal check. Hand-written (a few lines of
 * padding) rather than a table library, which is not a direct dependency of the repo.
 */
export function renderTable(results: SuiteResult[], rounds: number): string {
  const head = ['suite · metric', 'side', 'role', 'durability', 'median', 'warren ÷ side', 'goal'];
  const rows: string[][] = [];
  for (const r of results) {
    const warrens = r.sides.filter((s) => s.role === 'warren' && s.status === 'ok');
    if (r.status !== 'ok') {
      rows.push([r.id, `${r.status.toUpperCase()}: ${cut(r.reason ?? '', 90)}`, '', '', '', '', '']);
      continue;
    }
    r.metrics.forEach((m, mi) => {
      const title = `${r.id} · ${m.label}${m.better === 'higher' ? ' ↑' : ' ↓'}`;
      let first = true;
      for (const s of r.sides) {
        if (mi > 0 && s.status !== 'ok') continue; // a skipped side is shown once per suite
        // A side that does not report this metric (e.g. one variant per metric) gets no row.
        if (s.status === 'ok' && s.median[m.key] === undefined) continue;
        const n = warrens.indexOf(s);
        const label = first ? title : '';
        first = false;
        if (s.status !== 'ok') {
          rows.push([label, cut(s.name, 46), s.role, `${s.status}: ${cut(s.reason ?? '', 70)}`, '', '', '']);
          continue;
        }
        const v = s.median[m.key];
        // One ratio per warren side (a suite may measure several warren variants).
        const cs = r.comparisons.filter((x) => x.metric === m.key && x.against === s.name);
        const tag = (i: number) => (cs.length > 1 ? ` (${i + 1})` : '');
        const ratio = cs.map((c, i) => `${c.ratio.toFixed(2)}×${tag(i)}`).join(' ');
        const goal = cs
          .filter((c) => c.goal !== undefined)
          .map((c, i) => `${m.better === 'higher' ? '≥' : '≤'}${c.goal}× ${c.met ? '✓' : '✗'}${tag(i)}`)
          .join(' ');
        rows.push([
          label,
          warrens.length > 1 && n >= 0 ? `(${n + 1}) ${cut(s.name, 42)}` : cut(s.name, 46),
          s.role,
          cut(s.durability ?? '', 34),
          v === undefined ? '—' : `${fmt(v)} ${m.unit}`,
          ratio,
          goal,
        ]);
      }
    });
  }
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === 4 || i === 5 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  const sep = widths.map((w) => '─'.repeat(w)).join('  ');
  const out = [line(head), sep];
  let prev = '';
  for (const row of rows) {
    if (row[0] && prev && row[0].split(' · ')[0] !== prev) out.push('');
    if (row[0]) prev = row[0].split(' · ')[0]!;
    out.push(line(row));
  }
  out.push(
    sep,
    `medians of ${rounds} alternating rounds; ↑ higher is better, ↓ lower is better; ` +
      `ratio = warren ÷ that side (✓ goal met, ✗ missed)`,
  );
  return out.join('\n');
}
