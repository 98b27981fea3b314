// The dashboard's entry point: layout, sign-in and a hash router
// (#/, #/scripts/<id>, #/runs/<id>, #/runs, #/settings).

import {h, clear, button} from './dom.js';
import {state, loadSession, signIn, signOut} from './api.js';
import {overviewPage} from './overview.js';
import {scriptPage} from './script.js';
import {runPage} from './run.js';
import {historyPage} from './history.js';
import {settingsPage} from './settings.js';

const routes = [
  [/^#?\/?$/, overviewPage],
  [/^#\/scripts\/([^/?]+)$/, scriptPage],
  [/^#\/runs\/([^/?]+)$/, runPage],
  [/^#\/runs(?:\?(.*))?$/, historyPage],
  [/^#\/settings$/, settingsPage],
];

const root = document.getElementById('app');
let cleanup = null; // the current page's teardown (timers, streams)

// toast shows a short message in the live region.
export function toast(msg, kind) {
  const t = document.getElementById('toast');
  t.textContent = msg;
  t.className = `toast show ${kind || ''}`;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { t.className = 'toast'; }, 4000);
}

function navLink(href, label) {
  const cur = location.hash || '#/';
  const active = href === '#/' ? cur === '#/' || cur === '' || cur.startsWith('#/scripts') : cur.startsWith(href);
  return h('a', {href, 'aria-current': active ? 'page' : null}, label);
}

function layout() {
  const who = state.session ? `${state.session.tenant.name} · ${state.session.key.name}` : '';
  return h('div', {class: 'shell'},
    h('a', {class: 'skip', href: '#main', onclick: (e) => { e.preventDefault(); document.getElementById('main').focus(); }}, 'Skip to content'),
    h('header', {class: 'top'},
      h('a', {class: 'brand', href: '#/'}, h('span', {class: 'logo', 'aria-hidden': 'true'}, '▶'), 'Skriptable'),
      h('nav', {'aria-label': 'Main'}, navLink('#/', 'Overview'), navLink('#/runs', 'Runs'), navLink('#/settings', 'Settings')),
      h('div', {class: 'who'}, h('span', {class: 'muted'}, who),
        button('Sign out', async () => { await signOut().catch(() => {}); render(); }, 'link'))),
    h('main', {id: 'main', tabindex: '-1'}),
    h('div', {id: 'toast', class: 'toast', role: 'status', 'aria-live': 'polite'}));
}

function signInPage(message) {
  const input = h('input', {type: 'password', name: 'key', autocomplete: 'current-password', required: true,
    placeholder: 'sk_…', id: 'signin-key'});
  const err = h('p', {class: 'error', role: 'alert'}, message || '');
  const form = h('form', {class: 'card signin', 'aria-labelledby': 'signin-title', onsubmit: async (e) => {
    e.preventDefault();
    err.textContent = '';
    try {
      await signIn(input.value.trim());
      render();
    } catch (ex) {
      err.textContent = ex.message;
      input.focus();
    }
  }},
  h('h1', {id: 'signin-title'}, h('span', {class: 'logo', 'aria-hidden': 'true'}, '▶'), ' Skriptable'),
  h('p', {class: 'muted'}, 'Sign in with an API key. `skriptable serve` printed the admin key at first start (also in <data-dir>/admin-key).'),
  h('div', {class: 'field'}, h('label', {for: 'signin-key'}, 'API key'), input),
  h('button', {type: 'submit', class: 'primary'}, 'Sign in'), err);
  clear(root).append(h('main', {id: 'main', class: 'center'}, form));
  input.focus();
}

let navigated = false; // a hash change (not the first load) brought us here

async function route() {
  if (cleanup) { cleanup(); cleanup = null; }
  if (!state.session) return signInPage();
  const hash = location.hash || '#/';
  clear(root).append(layout());
  const main = document.getElementById('main');
  for (const [re, page] of routes) {
    const m = re.exec(hash);
    if (!m) continue;
    try {
      cleanup = (await page(main, ...m.slice(1).map((x) => (x === undefined ? '' : decodeURIComponent(x))))) || null;
      // Name the page, and start keyboard and screen-reader users at it.
      const h1 = main.querySelector('h1');
      document.title = h1 ? `${h1.firstChild ? h1.firstChild.textContent : h1.textContent} · Skriptable` : 'Skriptable';
      if (navigated && !main.contains(document.activeElement)) main.focus({preventScroll: true});
    } catch (e) {
      if (e.status === 401) return;
      main.append(h('p', {class: 'error', role: 'alert'}, `Could not load this page: ${e.message}`));
    }
    return;
  }
  main.append(h('h1', {}, 'Not found'), h('p', {}, h('a', {href: '#/'}, 'Back to the overview')));
}

async function render() {
  if (!state.session) await loadSession().catch(() => null);
  route();
}

state.onSignedOut = (msg) => { if (cleanup) { cleanup(); cleanup = null; } signInPage(msg); };
window.addEventListener('hashchange', () => { navigated = true; route(); });
render();
