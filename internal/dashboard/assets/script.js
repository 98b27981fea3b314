// Script page: editor (save as a new version), Run now with parameter
// overrides, versions with diffs, parameters, write-only secrets,
// schedules with a live preview, and the script's recent runs.

import {h, badge, button, field, fmtDuration, fmtTime, fmtClock, relTime} from './dom.js';
import {api, enc, q} from './api.js';
import {Editor, errorLine} from './editor.js';
import {toast} from './app.js';

const TEMPLATE = `const puppeteer = require('puppeteer');

(async () => {
  const browser = await puppeteer.launch();
  const page = await browser.newPage();
  await page.goto(process.env.BASE_URL || 'https://example.com');
  console.log('title:', await page.title());
  await page.screenshot({ path: 'home.png' });
  await browser.close();
})();
`;

export async function scriptPage(main, id) {
  if (id === 'new') return newScript(main);
  const [sc, latest] = await Promise.all([api('GET', `/scripts/${enc(id)}`), api('GET', `/scripts/${enc(id)}/versions/latest`)]);
  let filename = latest.filename;
  const status = h('span', {class: 'muted'});
  const editor = new Editor({label: `Source of ${sc.name}`, value: latest.source, onSave: () => save()});
  const versionLabel = h('span', {class: 'pill'}, `v${latest.version}`);
  const saveErr = h('p', {class: 'error', role: 'alert'});

  async function save() {
    saveErr.textContent = '';
    try {
      const v = await api('PUT', `/scripts/${enc(id)}`, {source: editor.value});
      versionLabel.textContent = `v${v.version}`;
      editor.markLine(0);
      toast(`Saved as version ${v.version}`);
      versions.reload();
    } catch (e) {
      saveErr.textContent = e.message;
      if (e.line) editor.markLine(e.line, e.message);
    }
  }

  const runs = recentRuns(id, editor, () => filename);
  const versions = versionsSection(id, editor, versionLabel);
  main.append(
    h('div', {class: 'page-head'},
      h('div', {}, h('p', {class: 'crumbs'}, h('a', {href: '#/'}, 'Overview'), ' / script'),
        h('h1', {}, sc.name, ' ', versionLabel)),
      h('div', {class: 'actions'}, button('Save as new version', save, 'primary'),
        h('a', {class: 'button', href: `#/runs?script=${enc(id)}`}, 'Run history'))),
    h('div', {class: 'grid-2'},
      h('section', {class: 'card span-2', 'aria-labelledby': 'src-h'},
        h('h2', {id: 'src-h'}, 'Source ', h('span', {class: 'muted small'}, filename)), editor.el, saveErr, status),
      runNow(id),
      runs.el,
      schedules(id),
      params(id),
      secrets(id),
      versions.el,
      dangerZone(sc)));
  await Promise.all([runs.reload(), versions.reload()]);
}

async function newScript(main) {
  const name = h('input', {type: 'text', required: true, maxlength: 100});
  const filename = h('input', {type: 'text', value: 'script.js', maxlength: 200});
  const editor = new Editor({label: 'Source of the new script', value: TEMPLATE, onSave: () => create()});
  const err = h('p', {class: 'error', role: 'alert'});
  async function create() {
    err.textContent = '';
    try {
      const sc = await api('POST', '/scripts', {name: name.value, source: editor.value, filename: filename.value});
      toast(`Created ${sc.name}`);
      location.hash = `#/scripts/${enc(sc.id)}`;
    } catch (e) {
      err.textContent = e.message;
      if (e.line) editor.markLine(e.line, e.message);
      if (e.field === 'name') name.focus();
    }
  }
  main.append(h('div', {class: 'page-head'}, h('h1', {}, 'New script')),
    h('form', {class: 'card', onsubmit: (e) => { e.preventDefault(); create(); }},
      h('div', {class: 'row'}, field('Name', name), field('File name', filename, '.ts means TypeScript')),
      editor.el, err, h('button', {type: 'submit', class: 'primary'}, 'Create script')));
  name.focus();
}

// runNow is the "Run now" form with KEY=value overrides.
function runNow(id) {
  const overrides = h('textarea', {rows: 3, spellcheck: 'false', placeholder: 'KEY=value, one per line'});
  const err = h('p', {class: 'error', role: 'alert'});
  return h('section', {class: 'card', 'aria-labelledby': 'run-h'}, h('h2', {id: 'run-h'}, 'Run now'),
    h('form', {onsubmit: async (e) => {
      e.preventDefault();
      err.textContent = '';
      const p = {};
      for (const line of overrides.value.split('\n')) {
        if (!line.trim()) continue;
        const i = line.indexOf('=');
        if (i < 1) { err.textContent = `"${line}" is not KEY=value`; return; }
        p[line.slice(0, i).trim()] = line.slice(i + 1);
      }
      try {
        const run = await api('POST', `/scripts/${enc(id)}/runs`, {params: p});
        location.hash = `#/runs/${enc(run.id)}`;
      } catch (ex) { err.textContent = ex.message; }
    }},
    field('Parameter overrides (this run only)', overrides, 'Runs the latest saved version; these override the script\'s parameters below.'),
    h('button', {type: 'submit', class: 'primary'}, '▶ Run now'), err));
}

// recentRuns lists the script's last runs and marks the failing line of
// the newest failed one in the editor.
function recentRuns(id, editor, filename) {
  const body = h('div', {});
  const el = h('section', {class: 'card', 'aria-labelledby': 'runs-h'}, h('h2', {id: 'runs-h'}, 'Recent runs'), body);
  return {el, async reload() {
    const page = await api('GET', `/runs${q({script: id, limit: 8})}`);
    if (!page.items.length) { body.replaceChildren(h('p', {class: 'muted'}, 'No runs yet.')); return; }
    body.replaceChildren(h('ul', {class: 'runlist'}, page.items.map((r) => h('li', {},
      badge(r.status), ' ', h('a', {href: `#/runs/${enc(r.id)}`}, relTime(r.queued_at)),
      h('span', {class: 'muted'}, ` · v${r.script_version} · ${r.trigger} · ${fmtDuration(r.duration_ms)}`)))));
    const last = page.items.find((r) => r.finished_at);
    if (last && last.status !== 'passed' && last.error) {
      const n = errorLine(last.error, filename());
      if (n) editor.markLine(n, last.error.split('\n')[0]);
    }
  }};
}

// versionsSection lists versions; each can be diffed against the one
// before it or loaded into the editor.
function versionsSection(id, editor, versionLabel) {
  const list = h('ol', {class: 'versions', reversed: true});
  const diffBox = h('div', {class: 'diff-box'});
  const el = h('section', {class: 'card span-2', 'aria-labelledby': 'ver-h'}, h('h2', {id: 'ver-h'}, 'Versions'), list, diffBox);
  async function showDiff(v) {
    const d = await api('GET', `/scripts/${enc(id)}/diff${q({to: v, from: v - 1})}`);
    diffBox.replaceChildren(h('h3', {}, d.from ? `Changes from v${d.from} to v${d.to} ` : `Version ${d.to}, the first `,
      h('span', {class: 'add'}, `+${d.added}`), ' ', h('span', {class: 'del'}, `−${d.removed}`)), renderDiff(d.lines));
  }
  return {el, async reload() {
    const vs = (await api('GET', `/scripts/${enc(id)}/versions`)).items.slice().reverse();
    list.replaceChildren(...vs.map((v, i) => h('li', {},
      h('span', {class: 'pill'}, `v${v.version}`), ' ', h('time', {datetime: v.created_at}, fmtTime(v.created_at)),
      i === 0 ? h('span', {class: 'muted'}, ' (latest)') : null, ' ',
      button(v.version > 1 ? 'Diff with previous' : 'Show', () => showDiff(v.version), 'small'), ' ',
      i > 0 ? button('Load into editor', async () => {
        const full = await api('GET', `/scripts/${enc(id)}/versions/${v.version}`);
        editor.value = full.source;
        versionLabel.textContent = `v${v.version} (unsaved: save to make it the latest)`;
        toast(`Loaded version ${v.version}; save to restore it`);
      }, 'small') : null)));
  }};
}

// renderDiff draws a unified diff, collapsing long unchanged runs.
export function renderDiff(lines) {
  const rows = [];
  const ctx = 3;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    if (l.op === '=') {
      const near = lines.slice(Math.max(0, i - ctx), i + ctx + 1).some((x) => x.op !== '=');
      if (!near) {
        if (!rows.length || rows[rows.length - 1].dataset.gap !== '1') rows.push(h('div', {class: 'dl gap', 'data-gap': '1'}, '⋯'));
        continue;
      }
    }
    const cls = l.op === '+' ? 'dl add' : l.op === '-' ? 'dl del' : 'dl';
    rows.push(h('div', {class: cls}, h('span', {class: 'dn'}, l.old || ''), h('span', {class: 'dn'}, l.new || ''),
      h('span', {class: 'dop', 'aria-label': l.op === '+' ? 'added' : l.op === '-' ? 'removed' : null}, l.op === '=' ? ' ' : l.op === '-' ? '−' : '+'),
      h('span', {class: 'dt'}, l.text)));
  }
  return h('div', {class: 'diff', role: 'region', 'aria-label': 'Diff', tabindex: '0'}, rows);
}

// params edits the script's parameters (plain values, shown).
function params(id) {
  const body = h('div', {});
  const name = h('input', {type: 'text', pattern: '[A-Za-z_][A-Za-z0-9_]*', required: true});
  const value = h('input', {type: 'text'});
  const err = h('p', {class: 'error', role: 'alert'});
  const reload = async () => {
    const ps = (await api('GET', `/scripts/${enc(id)}/params`)).items;
    body.replaceChildren(ps.length ? h('table', {class: 'table'}, h('thead', {}, h('tr', {}, h('th', {scope: 'col'}, 'Name'), h('th', {scope: 'col'}, 'Value'), h('th', {scope: 'col'}, h('span', {class: 'sr-only'}, 'Actions')))),
      h('tbody', {}, ps.map((p) => h('tr', {}, h('td', {}, h('code', {}, p.name)), h('td', {class: 'wrap'}, p.value),
        h('td', {}, button('Delete', async () => { await api('DELETE', `/scripts/${enc(id)}/params/${enc(p.name)}`); reload(); }, 'small danger')))))) :
      h('p', {class: 'muted'}, 'No parameters. Scripts read them as process.env.NAME.'));
  };
  reload();
  return h('section', {class: 'card', 'aria-labelledby': 'par-h'}, h('h2', {id: 'par-h'}, 'Parameters'), body,
    h('form', {class: 'row', onsubmit: async (e) => {
      e.preventDefault(); err.textContent = '';
      try { await api('PUT', `/scripts/${enc(id)}/params/${enc(name.value)}`, {value: value.value}); name.value = value.value = ''; reload(); } catch (ex) { err.textContent = ex.message; }
    }}, field('Name', name), field('Value', value), h('button', {type: 'submit'}, 'Set parameter')), err);
}

// secrets: names only; values go in and never come back.
function secrets(id) {
  const body = h('div', {});
  const name = h('input', {type: 'text', pattern: '[A-Za-z_][A-Za-z0-9_]*', required: true});
  const value = h('input', {type: 'password', autocomplete: 'new-password', required: true});
  const err = h('p', {class: 'error', role: 'alert'});
  const reload = async () => {
    const ss = (await api('GET', `/scripts/${enc(id)}/secrets`)).items;
    body.replaceChildren(ss.length ? h('ul', {class: 'plain'}, ss.map((x) => h('li', {}, h('code', {}, x.name),
      h('span', {class: 'muted'}, ` · set ${relTime(x.updated_at)} · ••••••• `),
      button('Delete', async () => { await api('DELETE', `/scripts/${enc(id)}/secrets/${enc(x.name)}`); reload(); }, 'small danger')))) :
      h('p', {class: 'muted'}, 'No secrets.'));
  };
  reload();
  return h('section', {class: 'card', 'aria-labelledby': 'sec-h'}, h('h2', {id: 'sec-h'}, 'Secrets'),
    h('p', {class: 'muted small'}, 'Write-only: values are encrypted and never shown again, nor written to logs.'), body,
    h('form', {class: 'row', onsubmit: async (e) => {
      e.preventDefault(); err.textContent = '';
      try { await api('PUT', `/scripts/${enc(id)}/secrets/${enc(name.value)}`, {value: value.value}); name.value = value.value = ''; toast('Secret saved'); reload(); } catch (ex) { err.textContent = ex.message; }
    }}, field('Name', name), field('Value', value), h('button', {type: 'submit'}, 'Set secret')), err);
}

// schedules lists and creates schedules; the cron field previews itself.
function schedules(id) {
  const body = h('div', {});
  const cron = h('input', {type: 'text', required: true, placeholder: '*/5 * * * *', spellcheck: 'false'});
  const tz = h('input', {type: 'text', value: Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC'});
  const preview = h('p', {class: 'preview', 'aria-live': 'polite', id: 'cron-preview'});
  const err = h('p', {class: 'error', role: 'alert'});
  let timer = 0;
  const update = () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      if (!cron.value.trim()) { preview.textContent = ''; return; }
      try {
        const p = await api('GET', `/schedule-preview${q({cron: cron.value.trim(), timezone: tz.value.trim()})}`);
        preview.className = 'preview';
        preview.textContent = describe(p);
      } catch (ex) {
        preview.className = 'preview bad';
        preview.textContent = ex.message;
      }
    }, 250);
  };
  cron.addEventListener('input', update);
  tz.addEventListener('input', update);
  const reload = async () => {
    const ss = (await api('GET', `/scripts/${enc(id)}/schedules`)).items;
    body.replaceChildren(ss.length ? h('ul', {class: 'plain schedules'}, ss.map((x) => h('li', {class: x.enabled ? null : 'disabled'},
      h('div', {}, h('code', {}, x.cron), ' ', h('span', {class: 'muted small'}, x.timezone), x.enabled ? null : h('span', {class: 'pill'}, 'paused')),
      h('div', {class: 'schedule-desc'}, describe(x)),
      h('div', {class: 'actions'},
        button(x.enabled ? 'Pause' : 'Resume', async () => { await api('PATCH', `/scripts/${enc(id)}/schedules/${enc(x.id)}`, {enabled: !x.enabled}); reload(); }, 'small'),
        button('Delete', async () => { await api('DELETE', `/scripts/${enc(id)}/schedules/${enc(x.id)}`); reload(); }, 'small danger'))))) :
      h('p', {class: 'muted'}, 'Not scheduled.'));
  };
  reload();
  return h('section', {class: 'card', 'aria-labelledby': 'sch-h'}, h('h2', {id: 'sch-h'}, 'Schedules'), body,
    h('form', {onsubmit: async (e) => {
      e.preventDefault(); err.textContent = '';
      try {
        await api('POST', `/scripts/${enc(id)}/schedules`, {cron: cron.value.trim(), timezone: tz.value.trim()});
        cron.value = ''; preview.textContent = ''; toast('Schedule added'); reload();
      } catch (ex) { err.textContent = ex.message; }
    }},
    h('div', {class: 'row'}, field('Cron', cron, '5 fields, @daily or @every 10m'), field('Time zone', tz)),
    preview, h('button', {type: 'submit'}, 'Add schedule'), err));
}

// describe renders "every 5 minutes — next at 12:05, 12:10, 12:15".
export function describe(p) {
  const next = (p.next_runs || []).map(fmtClock).join(', ');
  return next ? `${p.description} — next at ${next}` : p.description || '';
}

function dangerZone(sc) {
  return h('section', {class: 'card span-2 danger-zone', 'aria-labelledby': 'del-h'}, h('h2', {id: 'del-h'}, 'Delete'),
    h('p', {class: 'muted'}, 'Deleting removes the script with its versions, parameters, secrets and schedules. Its runs stay.'),
    button(`Delete ${sc.name}`, async () => {
      if (!confirm(`Delete the script "${sc.name}"?`)) return;
      await api('DELETE', `/scripts/${enc(sc.id)}`);
      toast(`Deleted ${sc.name}`);
      location.hash = '#/';
    }, 'danger'));
}
