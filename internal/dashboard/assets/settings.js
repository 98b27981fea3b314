// Settings: API keys (create — the plaintext is shown once — and
// revoke) and, for admin tenants, tenants.

import {h, button, field, fmtTime, relTime} from './dom.js';
import {api, enc, state} from './api.js';
import {toast} from './app.js';

export async function settingsPage(main) {
  const s = state.session;
  main.append(h('div', {class: 'page-head'}, h('h1', {}, 'Settings')),
    h('section', {class: 'card', 'aria-labelledby': 'me-h'}, h('h2', {id: 'me-h'}, 'Signed in'),
      h('dl', {class: 'facts'},
        h('div', {class: 'fact'}, h('dt', {}, 'Tenant'), h('dd', {}, s.tenant.name, s.tenant.admin ? ' (admin)' : '')),
        h('div', {class: 'fact'}, h('dt', {}, 'Key'), h('dd', {}, s.key.name, ' ', h('code', {}, `${s.key.prefix}…`))),
        s.expires_at ? h('div', {class: 'fact'}, h('dt', {}, 'Session ends'), h('dd', {}, fmtTime(s.expires_at))) : null)),
    keysSection(),
    s.tenant.admin ? tenantsSection() : null);
}

// shownOnce displays a freshly minted key with a copy button.
function shownOnce(label, key) {
  const input = h('input', {type: 'text', readonly: true, value: key, class: 'mono', 'aria-label': label});
  return h('div', {class: 'once', role: 'alert'},
    h('p', {}, h('strong', {}, `${label}: `), 'copy it now — it is shown only once.'),
    h('div', {class: 'row'}, input, button('Copy', async () => {
      input.select();
      try { await navigator.clipboard.writeText(key); toast('Copied'); } catch { document.execCommand('copy'); }
    })));
}

function keysSection() {
  const body = h('div', {});
  const fresh = h('div', {});
  const name = h('input', {type: 'text', required: true, maxlength: 100});
  const err = h('p', {class: 'error', role: 'alert'});
  const reload = async () => {
    const ks = (await api('GET', '/keys')).items;
    body.replaceChildren(h('table', {class: 'table responsive', id: 'keys'},
      h('thead', {}, h('tr', {}, ['Name', 'Prefix', 'Created', 'Last used', 'State', ''].map((c) => h('th', {scope: 'col'}, c || h('span', {class: 'sr-only'}, 'Actions'))))),
      h('tbody', {}, ks.map((k) => h('tr', {class: k.revoked_at ? 'revoked' : null},
        h('th', {scope: 'row', 'data-label': 'Name'}, k.name, k.id === state.session.key.id ? h('span', {class: 'pill'}, 'this session') : null),
        h('td', {'data-label': 'Prefix'}, h('code', {}, `${k.prefix}…`)),
        h('td', {'data-label': 'Created'}, fmtTime(k.created_at)),
        h('td', {'data-label': 'Last used'}, k.last_used_at ? relTime(k.last_used_at) : 'never'),
        h('td', {'data-label': 'State'}, k.revoked_at ? `revoked ${relTime(k.revoked_at)}` : 'active'),
        h('td', {}, k.revoked_at ? null : button('Revoke', async () => {
          const self = k.id === state.session.key.id;
          if (!confirm(self ? `Revoke "${k.name}"? It signs this session out.` : `Revoke the key "${k.name}"? Clients using it stop working.`)) return;
          await api('DELETE', `/keys/${enc(k.id)}`);
          toast(`Revoked ${k.name}`);
          reload();
        }, 'small danger')))))));
  };
  reload();
  return h('section', {class: 'card', 'aria-labelledby': 'keys-h'}, h('h2', {id: 'keys-h'}, 'API keys'), fresh, body,
    h('form', {class: 'row', onsubmit: async (e) => {
      e.preventDefault(); err.textContent = '';
      try {
        const k = await api('POST', '/keys', {name: name.value});
        fresh.replaceChildren(shownOnce(`New key "${k.name}"`, k.key));
        name.value = '';
        reload();
      } catch (ex) { err.textContent = ex.message; }
    }}, field('New key name', name), h('button', {type: 'submit'}, 'Create key')), err);
}

function tenantsSection() {
  const body = h('div', {});
  const fresh = h('div', {});
  const name = h('input', {type: 'text', required: true, maxlength: 100});
  const err = h('p', {class: 'error', role: 'alert'});
  const reload = async () => {
    const ts = (await api('GET', '/tenants')).items;
    body.replaceChildren(h('ul', {class: 'plain'}, ts.map((t) => h('li', {}, t.name, t.admin ? h('span', {class: 'pill'}, 'admin') : null,
      h('span', {class: 'muted small'}, ` · since ${fmtTime(t.created_at)}`)))));
  };
  reload();
  return h('section', {class: 'card', 'aria-labelledby': 'ten-h'}, h('h2', {id: 'ten-h'}, 'Tenants'), fresh, body,
    h('form', {class: 'row', onsubmit: async (e) => {
      e.preventDefault(); err.textContent = '';
      try {
        const t = await api('POST', '/tenants', {name: name.value});
        fresh.replaceChildren(shownOnce(`First key of "${t.tenant.name}"`, t.key));
        name.value = '';
        reload();
      } catch (ex) { err.textContent = ex.message; }
    }}, field('New tenant name', name), h('button', {type: 'submit'}, 'Create tenant')), err);
}
