import type { SuiteResult } from './runner';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * A horizontal bar chart of every comparison, hand-written SVG (no chart library is a dependency
 * and one is not worth adding for ~50 lines of rects and text). Each bar is warren's advantage on
 * a log2 axis centred on 1×: right/green = warren better, left/red = worse, whichever way the
 * metric points (for lower-is-better metrics the advantage is side ÷ warren). A tick marks the goal.
 */
export function renderSvg(results: SuiteResult[], subtitle: string): string {
  const rows = results.flatMap((r) =>
    r.comparisons.map((c) => {
      const m = r.metrics.find((x) => x.key === c.metric)!;
      const multi = new Set(r.comparisons.map((x) => x.warren)).size > 1;
      const adv = m.better === 'higher' ? c.ratio : 1 / c.ratio;
      const goalAdv = c.goal === undefined ? undefined : m.better === 'higher' ? c.goal : 1 / c.goal;
      const label = `${r.id} · ${m.label}${multi ? ` · ${c.warren}` : ''} vs ${c.against}`;
      return { label, ratio: c.ratio, adv, goalAdv, met: c.met };
    }),
  );
  const W = 1200;
  const labelW = 650;
  const rowH = 22;
  const top = 56;
  const H = top + Math.max(1, rows.length) * rowH + 40;
  const span = 4; // log2 units each side: 1/16× … 16×
  const plotW = W - labelW - 90;
  const cx = labelW + plotW / 2;
  const x = (adv: number) => cx + (Math.max(-span, Math.min(span, Math.log2(adv))) / span) * (plotW / 2);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="ui-monospace,Menlo,monospace" font-size="12">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="12" y="22" font-size="15" font-weight="bold">warren vs baselines and peers (advantage, log scale)</text>`,
    `<text x="12" y="40" fill="#555">${esc(subtitle)}</text>`,
  ];
  for (const t of [1 / 16, 1 / 4, 1, 4, 16]) {
    const tx = x(t);
    parts.push(
      `<line x1="${tx}" y1="${top - 6}" x2="${tx}" y2="${H - 30}" stroke="${t === 1 ? '#333' : '#ddd'}"/>`,
      `<text x="${tx}" y="${H - 14}" text-anchor="middle" fill="#555">${t >= 1 ? t : `1/${1 / t}`}×</text>`,
    );
  }
  rows.forEach((r, i) => {
    const y = top + i * rowH;
    const x1 = x(1);
    const x2 = x(r.adv);
    const color = r.adv >= 1 ? '#2e9d4f' : '#d0473b';
    parts.push(
      `<text x="${labelW - 8}" y="${y + 14}" text-anchor="end">${esc(r.label.length > 88 ? `${r.label.slice(0, 87)}…` : r.label)}</text>`,
      `<rect x="${Math.min(x1, x2)}" y="${y + 3}" width="${Math.max(1, Math.abs(x2 - x1))}" height="${rowH - 7}" fill="${color}"/>`,
      `<text x="${Math.max(x1, x2) + 6}" y="${y + 14}">${r.ratio.toFixed(2)}×${r.met === undefined ? '' : r.met ? ' ✓' : ' ✗'}</text>`,
    );
    if (r.goalAdv !== undefined) {
      const gx = x(r.goalAdv);
      parts.push(
        `<line x1="${gx}" y1="${y + 1}" x2="${gx}" y2="${y + rowH - 2}" stroke="#000" stroke-width="2"/>`,
      );
    }
  });
  if (!rows.length) parts.push(`<text x="12" y="${top + 14}">no comparisons in this run</text>`);
  parts.push('</svg>');
  return parts.join('\n');
}
