// Overview: every script's health, failing ones first; refreshes itself
// (it is meant for a wall screen).

import {h, badge, pct, relTime, fmtClock, fmtDuration} from './dom.js';
import {api} from './api.js';
import {sparkline} from './charts.js';

const REFRESH_MS = 15000;

export async function overviewPage(main) {
  const body = h('div', {class: 'overview'});
  main.append(
    h('div', {class: 'page-head'}, h('h1', {}, 'Overview'),
      h('a', {class: 'button primary', href: '#/scripts/new'}, 'New script')),
    body);
  const load = async () => {
    const ov = await api('GET', '/overview');
    body.replaceChildren(...render(ov).filter(Boolean));
  };
  await load();
  const timer = setInterval(() => load().catch(() => {}), REFRESH_MS);
  return () => clearInterval(timer);
}

function render(ov) {
  const list = ov.scripts;
  if (!list.length) {
    return [h('div', {class: 'card empty'}, h('p', {}, 'No scripts yet.'),
      h('a', {class: 'button primary', href: '#/scripts/new'}, 'Create your first script'))];
  }
  const failing = list.filter((x) => x.failing).length;
  const tiles = h('div', {class: 'tiles'},
    tile('Scripts', list.length),
    tile('Failing', failing, failing ? 'bad' : 'good'),
    tile('Scheduled', list.filter((x) => x.next_run).length));
  const rows = list.map((x) => {
    const sc = x.script, last = x.last_run;
    return h('tr', {class: x.failing ? 'failing' : null},
      h('td', {'data-label': 'Status'}, badge(last && last.status)),
      h('th', {scope: 'row', 'data-label': 'Script'}, h('a', {href: `#/scripts/${encodeURIComponent(sc.id)}`}, sc.name)),
      h('td', {'data-label': 'Last run'}, h('span', {}, last ? h('a', {href: `#/runs/${encodeURIComponent(last.id)}`}, relTime(last.queued_at)) : '—',
        last && last.duration_ms !== undefined ? h('span', {class: 'muted'}, ` · ${fmtDuration(last.duration_ms)}`) : null)),
      h('td', {'data-label': 'Pass 24 h', class: 'num'}, h('span', {}, pct(x.pass_rate_24h), h('span', {class: 'muted small'}, ` (${x.finished_24h} runs)`))),
      h('td', {'data-label': 'Pass 7 d', class: 'num'}, h('span', {}, pct(x.pass_rate_7d), h('span', {class: 'muted small'}, ` (${x.finished_7d} runs)`))),
      h('td', {'data-label': 'Recent'}, sparkline(x.recent, `${sc.name}: durations of the last ${x.recent.length} runs`)),
      h('td', {'data-label': 'Next run'}, x.next_run ? h('time', {datetime: x.next_run, title: new Date(x.next_run).toString()},
        `${fmtClock(x.next_run)} (${relTime(x.next_run)})`) : h('span', {class: 'muted'}, 'not scheduled')));
  });
  return [tiles, h('div', {class: 'card table-card'}, h('table', {class: 'table responsive'},
    h('caption', {class: 'sr-only'}, 'Scripts, failing first'),
    h('thead', {}, h('tr', {}, ['Status', 'Script', 'Last run', 'Pass 24 h', 'Pass 7 d', 'Recent', 'Next run'].map((c) => h('th', {scope: 'col'}, c)))),
    h('tbody', {}, rows))),
  ov.truncated ? h('p', {class: 'muted'}, 'Only the first 1000 scripts are shown.') : null];
}

function tile(label, value, cls) {
  return h('div', {class: `tile ${cls || ''}`}, h('div', {class: 'tile-value'}, String(value)), h('div', {class: 'tile-label'}, label));
}
