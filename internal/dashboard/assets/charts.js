// Charts drawn as SVG elements built one by one (no markup strings).

import {s, fmtDuration, fmtTime} from './dom.js';

const FAILED = new Set(['failed', 'timed_out', 'errored', 'invalid']);

// sparkline draws recent run durations as bars, failed ones in red.
// runs: [{status, duration_ms}], oldest first.
export function sparkline(runs, label) {
  const w = 120, hgt = 28, n = Math.max(runs.length, 1);
  const maxD = Math.max(1, ...runs.map((r) => r.duration_ms || 0));
  const bw = w / Math.max(n, 10);
  const svg = s('svg', {class: 'spark', viewBox: `0 0 ${w} ${hgt}`, width: w, height: hgt, role: 'img',
    'aria-label': label || `durations of the last ${runs.length} runs`});
  runs.forEach((r, i) => {
    const bh = Math.max(2, Math.round(((r.duration_ms || 0) / maxD) * (hgt - 2)));
    svg.append(s('rect', {x: (i * bw + 1).toFixed(1), y: hgt - bh, width: Math.max(1, bw - 2).toFixed(1), height: bh,
      class: FAILED.has(r.status) ? 'bar-fail' : 'bar-ok'}, s('title', {}, `${r.status}, ${fmtDuration(r.duration_ms)}`)));
  });
  if (!runs.length) svg.append(s('line', {x1: 0, y1: hgt - 1, x2: w, y2: hgt - 1, class: 'axis'}));
  return svg;
}

// historyChart plots runs over time: duration on the y axis, failures
// as red crosses, passes as dots joined by a line.
// width is the drawing's width in CSS pixels (the container's), so text
// is never stretched.
export function historyChart(runs, width) {
  const W = Math.max(280, Math.round(width || 800)), H = 220, L = 60, R = 16, T = 10, B = 30;
  const done = runs.filter((r) => r.finished_at).sort((a, b) => a.queued_at.localeCompare(b.queued_at));
  const failed = done.filter((r) => FAILED.has(r.status)).length;
  const svg = s('svg', {class: 'chart', viewBox: `0 0 ${W} ${H}`, width: W, height: H, role: 'img',
    'aria-label': `${done.length} finished runs, ${failed} failed`});
  if (!done.length) {
    svg.append(s('text', {x: W / 2, y: H / 2, 'text-anchor': 'middle', class: 'muted-text'}, 'No finished runs to chart'));
    return svg;
  }
  const t0 = Date.parse(done[0].queued_at), t1 = Math.max(t0 + 1, Date.parse(done[done.length - 1].queued_at));
  const maxD = Math.max(1, ...done.map((r) => r.duration_ms || 0));
  const x = (t) => L + ((Date.parse(t) - t0) / (t1 - t0)) * (W - L - R);
  const y = (d) => T + (1 - (d || 0) / maxD) * (H - T - B);
  svg.append(
    s('line', {x1: L, y1: H - B, x2: W - R, y2: H - B, class: 'axis'}),
    s('line', {x1: L, y1: T, x2: L, y2: H - B, class: 'axis'}),
    s('line', {x1: L, y1: y(maxD / 2), x2: W - R, y2: y(maxD / 2), class: 'grid'}),
    s('text', {x: L - 6, y: T + 10, 'text-anchor': 'end', class: 'tick'}, fmtDuration(maxD)),
    s('text', {x: L - 6, y: y(maxD / 2) + 4, 'text-anchor': 'end', class: 'tick'}, fmtDuration(Math.round(maxD / 2))),
    s('text', {x: L - 6, y: H - B, 'text-anchor': 'end', class: 'tick'}, '0'),
    s('text', {x: L, y: H - 8, class: 'tick'}, fmtTime(done[0].queued_at)),
    s('text', {x: W - R, y: H - 8, 'text-anchor': 'end', class: 'tick'}, fmtTime(done[done.length - 1].queued_at)));
  const ok = done.filter((r) => !FAILED.has(r.status));
  if (ok.length > 1) {
    svg.append(s('polyline', {class: 'line-ok', points: ok.map((r) => `${x(r.queued_at).toFixed(1)},${y(r.duration_ms).toFixed(1)}`).join(' ')}));
  }
  for (const r of done) {
    const cx = x(r.queued_at), cy = y(r.duration_ms);
    const tip = s('title', {}, `${r.script_name}: ${r.status}, ${fmtDuration(r.duration_ms)}, ${fmtTime(r.queued_at)}`);
    if (FAILED.has(r.status)) {
      svg.append(s('path', {class: 'pt-fail', d: `M${cx - 5},${cy - 5}L${cx + 5},${cy + 5}M${cx + 5},${cy - 5}L${cx - 5},${cy + 5}`}, tip));
    } else {
      svg.append(s('circle', {class: r.status === 'passed' ? 'pt-ok' : 'pt-other', cx, cy, r: 3.5}, tip));
    }
  }
  return svg;
}
