// URL and URLSearchParams for scripts, following the WHATWG URL standard
// closely enough for what Puppeteer scripts do with them. Parsing is done
// by the host (parse returns components or null); this file keeps state
// and serialises. It evaluates to a factory so nothing leaks into globals.
(function (parse) {
  'use strict';
  const state = new WeakMap();

  function formEncode(s) {
    return encodeURIComponent(s).replace(/%20/g, '+').replace(/[!'()~]/g, c =>
      '%' + c.charCodeAt(0).toString(16).toUpperCase());
  }
  function formDecode(s) {
    try { return decodeURIComponent(s.replace(/\+/g, ' ')); } catch (e) { return s; }
  }
  function invalid(input) {
    const err = new TypeError('Invalid URL');
    err.code = 'ERR_INVALID_URL';
    err.input = input;
    return err;
  }

  class URLSearchParams {
    constructor(init) {
      const list = [];
      state.set(this, { list, url: null });
      if (init === undefined || init === null) return;
      if (typeof init === 'object' && typeof init[Symbol.iterator] === 'function') {
        for (const pair of init) {
          const p = Array.from(pair);
          if (p.length !== 2) throw new TypeError('Each query pair must be an iterable [name, value] tuple');
          list.push([String(p[0]), String(p[1])]);
        }
      } else if (typeof init === 'object') {
        for (const k of Object.keys(init)) list.push([k, String(init[k])]);
      } else {
        let s = String(init);
        if (s.startsWith('?')) s = s.slice(1);
        for (const part of s.split('&')) {
          if (part === '') continue;
          const i = part.indexOf('=');
          list.push(i < 0 ? [formDecode(part), ''] : [formDecode(part.slice(0, i)), formDecode(part.slice(i + 1))]);
        }
      }
    }
    get size() { return state.get(this).list.length; }
    append(name, value) { state.get(this).list.push([String(name), String(value)]); this._update(); }
    delete(name, value) {
      const st = state.get(this);
      st.list = st.list.filter(([k, v]) => !(k === String(name) && (value === undefined || v === String(value))));
      this._update();
    }
    get(name) { const e = state.get(this).list.find(([k]) => k === String(name)); return e ? e[1] : null; }
    getAll(name) { return state.get(this).list.filter(([k]) => k === String(name)).map(e => e[1]); }
    has(name, value) {
      return state.get(this).list.some(([k, v]) => k === String(name) && (value === undefined || v === String(value)));
    }
    set(name, value) {
      const st = state.get(this);
      const i = st.list.findIndex(([k]) => k === String(name));
      if (i < 0) st.list.push([String(name), String(value)]);
      else {
        st.list[i] = [String(name), String(value)];
        st.list = st.list.filter(([k], j) => j <= i || k !== String(name));
      }
      this._update();
    }
    sort() { state.get(this).list.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)); this._update(); }
    forEach(fn, thisArg) { for (const [k, v] of state.get(this).list) fn.call(thisArg, v, k, this); }
    keys() { return state.get(this).list.map(e => e[0])[Symbol.iterator](); }
    values() { return state.get(this).list.map(e => e[1])[Symbol.iterator](); }
    entries() { return state.get(this).list.map(e => [e[0], e[1]])[Symbol.iterator](); }
    [Symbol.iterator]() { return this.entries(); }
    toString() { return state.get(this).list.map(([k, v]) => formEncode(k) + '=' + formEncode(v)).join('&'); }
    _update() {
      const st = state.get(this);
      if (st.url) { const s = this.toString(); state.get(st.url).search = s ? '?' + s : ''; }
    }
  }
  Object.defineProperty(URLSearchParams.prototype, '_update', { enumerable: false });

  const special = { 'http:': 80, 'https:': 443, 'ws:': 80, 'wss:': 443, 'ftp:': 21, 'file:': '' };

  class URL {
    constructor(input, base) {
      const parts = base === undefined ? parse(String(input)) : parse(String(input), String(base));
      if (!parts) throw invalid(String(input));
      state.set(this, Object.assign({}, parts, { params: null }));
    }
    static canParse(input, base) {
      return !!(base === undefined ? parse(String(input)) : parse(String(input), String(base)));
    }
    get protocol() { return state.get(this).protocol; }
    set protocol(v) { v = String(v).replace(/:.*$/, '').toLowerCase() + ':'; if ((v in special) === !!state.get(this).special) state.get(this).protocol = v; }
    get username() { return state.get(this).username; }
    set username(v) { state.get(this).username = encodeURIComponent(String(v)); }
    get password() { return state.get(this).password; }
    set password(v) { state.get(this).password = encodeURIComponent(String(v)); }
    get hostname() { return state.get(this).hostname; }
    set hostname(v) { state.get(this).hostname = String(v).toLowerCase(); }
    get port() { return state.get(this).port; }
    set port(v) {
      const st = state.get(this);
      const p = String(v).replace(/[^0-9].*$/, '');
      st.port = p === String(special[st.protocol]) ? '' : p;
    }
    get host() { const st = state.get(this); return st.port ? st.hostname + ':' + st.port : st.hostname; }
    set host(v) {
      const s = String(v);
      const i = s.lastIndexOf(':');
      if (i > 0 && !s.endsWith(']')) { this.hostname = s.slice(0, i); this.port = s.slice(i + 1); } else { this.hostname = s; }
    }
    get origin() {
      const st = state.get(this);
      return st.special && st.protocol !== 'file:' ? st.protocol + '//' + this.host : 'null';
    }
    get pathname() { const st = state.get(this); return st.opaque || st.pathname; }
    set pathname(v) {
      let p = String(v);
      if (state.get(this).special && !p.startsWith('/')) p = '/' + p;
      state.get(this).pathname = encodeURI(p).replace(/%25([0-9A-Fa-f]{2})/g, '%$1').replace(/\?/g, '%3F').replace(/#/g, '%23');
    }
    get search() { return state.get(this).search; }
    set search(v) {
      let s = String(v);
      if (s.startsWith('?')) s = s.slice(1);
      state.get(this).search = s ? '?' + encodeURI(s).replace(/#/g, '%23') : '';
      const st = state.get(this);
      if (st.params) {
        const fresh = new URLSearchParams(s);
        state.get(st.params).list = state.get(fresh).list;
      }
    }
    get searchParams() {
      const st = state.get(this);
      if (!st.params) {
        st.params = new URLSearchParams(st.search);
        state.get(st.params).url = this;
      }
      return st.params;
    }
    get hash() { return state.get(this).hash; }
    set hash(v) { let s = String(v); if (s.startsWith('#')) s = s.slice(1); state.get(this).hash = s ? '#' + encodeURI(s) : ''; }
    get href() {
      const st = state.get(this);
      if (st.opaque) return st.protocol + st.opaque + st.search + st.hash;
      let auth = '';
      if (st.username || st.password) auth = st.username + (st.password ? ':' + st.password : '') + '@';
      const slashes = st.special || st.hostname ? '//' : '';
      return st.protocol + slashes + auth + this.host + st.pathname + st.search + st.hash;
    }
    set href(v) {
      const parts = parse(String(v));
      if (!parts) throw invalid(String(v));
      const st = state.get(this);
      Object.assign(st, parts);
      if (st.params) state.get(st.params).list = state.get(new URLSearchParams(st.search)).list;
    }
    toString() { return this.href; }
    toJSON() { return this.href; }
  }
  const inspect = Symbol.for('nodejs.util.inspect.custom');
  URL.prototype[inspect] = function () {
    const view = Object.create(URL.prototype);
    const fields = { href: this.href, origin: this.origin, protocol: this.protocol, username: this.username,
      password: this.password, host: this.host, hostname: this.hostname, port: this.port,
      pathname: this.pathname, search: this.search, searchParams: this.searchParams, hash: this.hash };
    for (const k of Object.keys(fields)) Object.defineProperty(view, k, { value: fields[k], enumerable: true });
    Object.defineProperty(view, inspect, { value: undefined });
    return view;
  };
  URLSearchParams.prototype[inspect] = function () {
    const entries = state.get(this).list;
    if (entries.length === 0) return 'URLSearchParams {}';
    return 'URLSearchParams { ' + entries.map(([k, v]) => `'${k}' => '${v}'`).join(', ') + ' }';
  };
  return { URL, URLSearchParams };
})
