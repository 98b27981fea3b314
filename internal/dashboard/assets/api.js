// The API client. The session cookie (HttpOnly) authenticates every
// request; state-changing ones also carry the session's CSRF token.

export class ApiError extends Error {
  constructor(status, body) {
    const e = (body && body.error) || {};
    super(e.message || `HTTP ${status}`);
    this.status = status;
    this.code = e.code || '';
    this.field = e.field || '';
    this.line = e.line || 0;
    this.column = e.column || 0;
  }
}

// session is the signed-in caller (GET /api/v1/session), or null.
export const state = {session: null, onSignedOut: () => {}};

// api sends a request to /api/v1 + path and returns the decoded JSON
// (null for 204). A 401 ends the session in the UI.
export async function api(method, path, body) {
  const headers = {Accept: 'application/json'};
  if (method !== 'GET' && state.session && state.session.csrf_token) {
    headers['X-CSRF-Token'] = state.session.csrf_token;
  }
  const init = {method, headers, credentials: 'same-origin'};
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const res = await fetch(`/api/v1${path}`, init);
  let data = null;
  if (res.status !== 204) {
    const text = await res.text();
    try { data = text ? JSON.parse(text) : null; } catch { data = null; }
  }
  if (!res.ok) {
    const err = new ApiError(res.status, data);
    if (res.status === 401 && path !== '/session') {
      state.session = null;
      state.onSignedOut(err.message);
    }
    throw err;
  }
  return data;
}

// loadSession asks who we are; null when not signed in.
export async function loadSession() {
  try {
    state.session = await api('GET', '/session');
  } catch (e) {
    if (e.status !== 401) throw e;
    state.session = null;
  }
  return state.session;
}

export async function signIn(key) {
  state.session = await api('POST', '/session', {key});
  return state.session;
}

export async function signOut() {
  try { await api('DELETE', '/session'); } finally { state.session = null; }
}

// q builds a query string from the non-empty values of obj.
export function q(obj) {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(obj)) {
    if (v !== '' && v !== null && v !== undefined) p.set(k, v);
  }
  const s = p.toString();
  return s ? `?${s}` : '';
}

// enc escapes a path segment.
export const enc = encodeURIComponent;
