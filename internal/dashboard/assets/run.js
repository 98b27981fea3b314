// Run page: status, duration, step timeline, console log, screenshots
// (click to enlarge), artifacts and the error with its script line; live
// over Server-Sent Events while the run is going.

import {h, fill, badge, button, fmtDuration, fmtTime} from './dom.js';
import {api, enc} from './api.js';
import {Editor, errorLine} from './editor.js';
import {toast} from './app.js';

const LIVE = new Set(['queued', 'running']);

export async function runPage(main, id) {
  let run = await api('GET', `/runs/${enc(id)}`);
  const head = h('div', {class: 'run-head'});
  const errBox = h('div', {});
  const steps = h('ol', {class: 'timeline', 'aria-label': 'Steps'});
  const log = h('div', {class: 'log', id: 'log', role: 'log', 'aria-live': 'polite', 'aria-label': 'Console log', tabindex: '0'});
  const shots = h('div', {class: 'shots'});
  const arts = h('div', {});
  const source = h('div', {});
  let stepMax = 1;
  const stepItems = [];
  const logEvents = []; // for the fallback timeline when the run reports no steps
  let failedStep = ''; // the first failed test case's error: its line beats the run's

  main.append(
    h('p', {class: 'crumbs'}, h('a', {href: '#/'}, 'Overview'), ' / ',
      h('a', {href: `#/scripts/${enc(run.script_id)}`}, run.script_name), ' / run'),
    head, errBox,
    h('div', {class: 'grid-2'},
      h('section', {class: 'card span-2', 'aria-labelledby': 'log-h'}, h('h2', {id: 'log-h'}, 'Console'), log),
      h('section', {class: 'card', 'aria-labelledby': 'steps-h'}, h('h2', {id: 'steps-h'}, 'Timeline'), steps),
      h('section', {class: 'card', 'aria-labelledby': 'shots-h'}, h('h2', {id: 'shots-h'}, 'Screenshots'), shots),
      h('section', {class: 'card', 'aria-labelledby': 'art-h'}, h('h2', {id: 'art-h'}, 'Artifacts'), arts),
      h('section', {class: 'card span-2', 'aria-labelledby': 'src-h'}, h('h2', {id: 'src-h'}, `Source (v${run.script_version})`), source)));

  let ticker = 0;
  function renderHead() {
    const live = LIVE.has(run.status);
    const dur = run.duration_ms !== undefined ? run.duration_ms :
      run.started_at ? Date.now() - Date.parse(run.started_at) : null;
    head.replaceChildren(
      h('div', {class: 'page-head'},
        h('h1', {}, run.script_name, ' ', badge(run.status)),
        h('div', {class: 'actions'},
          live ? button('Cancel run', async () => { run = await api('POST', `/runs/${enc(id)}/cancel`); renderHead(); }, 'danger') : null,
          !live ? button('Run again', async () => {
            const r = await api('POST', `/scripts/${enc(run.script_id)}/runs`, {});
            location.hash = `#/runs/${enc(r.id)}`;
          }, 'primary') : null)),
      h('dl', {class: 'facts'},
        fact('Duration', h('span', {id: 'duration'}, dur === null ? '—' : fmtDuration(dur)), live ? h('span', {class: 'live-dot', title: 'live'}, ' live') : null),
        fact('Queued', fmtTime(run.queued_at)),
        fact('Trigger', run.trigger),
        fact('Version', `v${run.script_version}`),
        fact('Attempt', `${run.attempt} of ${run.max_attempts}`),
        run.limit ? fact('Limit hit', run.limit) : null,
        Object.keys(run.params || {}).length ? fact('Params', Object.entries(run.params).map(([k, v]) => `${k}=${v}`).join(', ')) : null));
    clearInterval(ticker);
    if (live && run.started_at) {
      ticker = setInterval(() => {
        const el = document.getElementById('duration');
        if (el) el.textContent = fmtDuration(Date.now() - Date.parse(run.started_at));
      }, 500);
    }
  }

  // renderLogTimeline shows, for a run without test steps, when each log
  // line came and how long until the next one.
  function renderLogTimeline() {
    const t0 = Date.parse(logEvents[0].time);
    const times = logEvents.map((e) => Date.parse(e.time));
    const gaps = times.map((t, i) => (i + 1 < times.length ? times[i + 1] - t : 0));
    const maxGap = Math.max(1, ...gaps);
    fill(steps, h('li', {class: 'muted small'}, 'No test steps reported (describe/it); the timeline of the log:'),
      logEvents.map((e, i) => h('li', {class: 'step'},
        h('span', {class: 'step-name'}, `+${fmtDuration(times[i] - t0)} ${e.text.split('\n')[0]}`),
        h('span', {class: 'step-dur'}, i + 1 < times.length ? fmtDuration(gaps[i]) : ''),
        h('span', {class: 'step-track', 'aria-hidden': 'true'}, bar(gaps[i] / maxGap)))));
  }

  function bar(frac) {
    const b = h('span', {class: 'step-bar'});
    b.style.width = `${Math.max(1, frac * 100)}%`;
    return b;
  }

  function addEvent(ev) {
    if (ev.kind === 'step' && ev.step) {
      if (!stepItems.length) steps.replaceChildren();
      stepMax = Math.max(stepMax, ev.step.duration_ms || 0);
      const bar = h('span', {class: `step-bar st-${ev.step.status}`});
      stepItems.push([bar, ev.step.duration_ms || 0]);
      if (ev.step.status === 'failed' && !failedStep) failedStep = ev.step.error;
      steps.append(h('li', {class: `step st-${ev.step.status}`},
        h('span', {class: 'step-name'}, ev.step.name), h('span', {class: 'step-dur'}, fmtDuration(ev.step.duration_ms)),
        h('span', {class: 'step-track', 'aria-hidden': 'true'}, bar),
        ev.step.error ? h('span', {class: 'step-err'}, ev.step.error) : null));
      for (const [b, d] of stepItems) b.style.width = `${Math.max(1, (d / stepMax) * 100)}%`;
    }
    if (ev.kind !== 'step' && !stepItems.length && logEvents.length < 200) {
      logEvents.push(ev);
      renderLogTimeline();
    }
    const level = ev.kind === 'log' ? ev.level || 'log' : ev.kind;
    const text = ev.kind === 'step' && ev.step ? `${ev.step.status} ${ev.step.name} (${fmtDuration(ev.step.duration_ms)})${ev.step.error ? `: ${ev.step.error}` : ''}` : ev.text;
    const stick = log.scrollHeight - log.scrollTop - log.clientHeight < 30;
    log.append(h('div', {class: `ll lv-${level}`}, h('time', {datetime: ev.time}, new Date(ev.time).toISOString().slice(11, 23)),
      h('span', {class: 'lvl'}, level), h('span', {class: 'lt'}, text)));
    if (stick) log.scrollTop = log.scrollHeight;
  }

  async function renderEnd() {
    if (run.error) {
      const n = errorLine(failedStep, filename) || errorLine(run.error, filename);
      errBox.replaceChildren(h('div', {class: 'card errbox', role: 'alert'},
        h('h2', {}, n ? `Error at line ${n}` : 'Error'), h('pre', {class: 'err-text'}, run.error)));
      if (editor && n) editor.markLine(n, (errorLine(failedStep, filename) ? failedStep : run.error).split('\n')[0]);
    } else {
      errBox.replaceChildren();
    }
    const as = (await api('GET', `/runs/${enc(id)}/artifacts`)).items;
    const images = as.filter((a) => /^image\//.test(a.content_type));
    shots.replaceChildren(...(images.length ? images.map(shot) : [h('p', {class: 'muted'}, LIVE.has(run.status) ? 'Screenshots appear when the run ends.' : 'No screenshots.')]));
    arts.replaceChildren(as.length ? h('ul', {class: 'plain'}, as.map((a) => h('li', {},
      h('a', {href: a.download_url, download: a.name.split('/').pop()}, a.name),
      h('span', {class: 'muted small'}, ` · ${a.content_type} · ${size(a.size)}`)))) : h('p', {class: 'muted'}, 'No artifacts.'));
  }

  let editor = null, filename = 'script.js';
  try {
    const v = await api('GET', `/scripts/${enc(run.script_id)}/versions/${run.script_version}`);
    filename = v.filename;
    editor = new Editor({label: `Source of ${run.script_name}, version ${run.script_version}`, value: v.source, readOnly: true});
    source.append(editor.el);
  } catch {
    source.append(h('p', {class: 'muted'}, 'The script was deleted.'));
  }
  renderHead();
  await renderEnd();

  // The stream replays every stored event, then follows live ones.
  const es = new EventSource(`/api/v1/runs/${enc(id)}/events`);
  for (const kind of ['log', 'step', 'system']) {
    es.addEventListener(kind, (e) => addEvent(JSON.parse(e.data)));
  }
  es.addEventListener('status', (e) => { run = JSON.parse(e.data); renderHead(); });
  es.addEventListener('end', (e) => {
    run = JSON.parse(e.data);
    es.close();
    renderHead();
    renderEnd();
    if (!log.childElementCount) log.append(h('p', {class: 'muted'}, 'The run wrote nothing.'));
  });
  es.onerror = () => { if (es.readyState === EventSource.CLOSED) toast('Live updates stopped; reload to retry', 'bad'); };
  return () => { es.close(); clearInterval(ticker); };
}

function fact(label, ...value) {
  return h('div', {class: 'fact'}, h('dt', {}, label), h('dd', {}, value));
}

function size(n) {
  if (n < 1024) return `${n} B`;
  if (n < 1 << 20) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / (1 << 20)).toFixed(1)} MiB`;
}

// shot shows a screenshot; clicking (or Enter) opens it full size.
function shot(a) {
  const open = () => {
    const dlg = h('dialog', {class: 'lightbox', 'aria-label': a.name},
      h('form', {method: 'dialog'}, h('button', {type: 'submit', class: 'close', 'aria-label': 'Close'}, '×')),
      h('img', {src: a.download_url, alt: `Screenshot ${a.name}, full size`}));
    dlg.addEventListener('close', () => dlg.remove());
    dlg.addEventListener('click', (e) => { if (e.target === dlg) dlg.close(); });
    document.body.append(dlg);
    dlg.showModal();
  };
  return h('figure', {class: 'shot'},
    h('button', {type: 'button', class: 'shot-btn', onclick: open, 'aria-label': `Enlarge screenshot ${a.name}`},
      h('img', {src: a.download_url, alt: `Screenshot ${a.name}`, loading: 'lazy'})),
    h('figcaption', {}, a.name));
}
