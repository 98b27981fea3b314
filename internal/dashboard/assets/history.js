// Run history: filters (script, status, time range), a chart of
// durations and failures, and the runs, newest first.

import {h, badge, field, fmtDuration, fmtTime} from './dom.js';
import {api, enc, q} from './api.js';
import {historyChart} from './charts.js';

const RANGES = [['', 'All time'], ['1', 'Last hour'], ['24', 'Last 24 hours'], ['168', 'Last 7 days'], ['720', 'Last 30 days']];
const STATUSES = ['', 'queued', 'running', 'passed', 'failed', 'timed_out', 'cancelled', 'errored', 'invalid'];

export async function historyPage(main, query) {
  const params = new URLSearchParams(query || '');
  const scripts = await allScripts();
  const scriptSel = h('select', {name: 'script'}, h('option', {value: ''}, 'All scripts'),
    scripts.map((s) => h('option', {value: s.id, selected: s.id === params.get('script') || null}, s.name)));
  const statusSel = h('select', {name: 'status'}, STATUSES.map((s) =>
    h('option', {value: s, selected: s === (params.get('status') || '') || null}, s ? s.replace('_', ' ') : 'Any status')));
  const rangeSel = h('select', {name: 'hours'}, RANGES.map(([v, l]) =>
    h('option', {value: v, selected: v === (params.get('hours') || '') || null}, l)));
  const apply = () => {
    location.hash = `#/runs${q({script: scriptSel.value, status: statusSel.value, hours: rangeSel.value})}`;
  };
  for (const sel of [scriptSel, statusSel, rangeSel]) sel.addEventListener('change', apply);

  const chart = h('div', {class: 'chart-box'});
  const tbody = h('tbody', {});
  const more = h('div', {});
  const summary = h('p', {class: 'muted', 'aria-live': 'polite'});
  main.append(h('div', {class: 'page-head'}, h('h1', {}, 'Runs')),
    h('form', {class: 'card filters row', 'aria-label': 'Filters', onsubmit: (e) => { e.preventDefault(); apply(); }},
      field('Script', scriptSel), field('Status', statusSel), field('Time range', rangeSel)),
    h('section', {class: 'card', 'aria-labelledby': 'chart-h'}, h('h2', {id: 'chart-h'}, 'Durations and failures'), chart,
      h('p', {class: 'legend'}, h('span', {class: 'lg-ok'}, '● passed'), ' ', h('span', {class: 'lg-fail'}, '✕ failed'))),
    h('section', {class: 'card table-card', 'aria-labelledby': 'list-h'}, h('h2', {id: 'list-h'}, 'History'), summary,
      h('table', {class: 'table responsive'},
        h('thead', {}, h('tr', {}, ['Status', 'Script', 'Queued', 'Duration', 'Trigger', 'Version'].map((c) => h('th', {scope: 'col'}, c)))),
        tbody), more));

  const hours = Number(params.get('hours') || 0);
  const filter = {script: params.get('script') || '', status: params.get('status') || '',
    since: hours ? new Date(Date.now() - hours * 3600e3).toISOString() : '', limit: 100};
  const all = [];
  async function load(cursor) {
    const page = await api('GET', `/runs${q({...filter, cursor})}`);
    all.push(...page.items);
    tbody.append(...page.items.map(row));
    chart.replaceChildren(historyChart(all, chart.clientWidth));
    summary.textContent = `${all.length} run${all.length === 1 ? '' : 's'} shown`;
    more.replaceChildren(page.next_cursor ? h('button', {type: 'button', onclick: () => load(page.next_cursor)}, 'Load more') : '');
  }
  await load('');
  // Redraw the chart at the new width (a rotated phone, a resized window).
  let raf = 0;
  const redraw = () => { cancelAnimationFrame(raf); raf = requestAnimationFrame(() => chart.replaceChildren(historyChart(all, chart.clientWidth))); };
  window.addEventListener('resize', redraw);
  return () => window.removeEventListener('resize', redraw);
}

function row(r) {
  return h('tr', {},
    h('td', {'data-label': 'Status'}, badge(r.status)),
    h('th', {scope: 'row', 'data-label': 'Script'}, h('a', {href: `#/runs/${enc(r.id)}`}, r.script_name)),
    h('td', {'data-label': 'Queued'}, h('time', {datetime: r.queued_at}, fmtTime(r.queued_at))),
    h('td', {'data-label': 'Duration', class: 'num'}, fmtDuration(r.duration_ms)),
    h('td', {'data-label': 'Trigger'}, r.trigger),
    h('td', {'data-label': 'Version'}, `v${r.script_version}`));
}

async function allScripts() {
  const out = [];
  let cursor = '';
  do {
    const page = await api('GET', `/scripts${q({cursor, limit: 200})}`);
    out.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor && out.length < 1000);
  return out;
}
