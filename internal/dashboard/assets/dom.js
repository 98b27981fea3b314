// DOM helpers. Every piece of text from scripts, runs and users enters
// the page through text nodes or attribute values set with
// setAttribute: nothing in the dashboard assigns innerHTML.

const SVG_NS = 'http://www.w3.org/2000/svg';

// h builds an element: h('a', {href: '#/', class: 'x', onclick: fn}, 'text', child).
// Attributes named on* become event listeners; null/false attributes and
// children are skipped; strings and numbers become text nodes.
export function h(tag, attrs, ...children) {
  return build(document.createElement(tag), attrs, children);
}

// s builds an SVG element the same way.
export function s(tag, attrs, ...children) {
  return build(document.createElementNS(SVG_NS, tag), attrs, children);
}

function build(el, attrs, children) {
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') {
      el.addEventListener(k.slice(2), v);
    } else if (k === 'value' && 'value' in el && el.namespaceURI !== SVG_NS) {
      el.value = v;
    } else {
      el.setAttribute(k, v === true ? '' : String(v));
    }
  }
  append(el, children);
  return el;
}

// append adds children (nested arrays flattened) to el.
export function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

// fill replaces el's children with children (nested arrays flattened,
// null skipped) — unlike replaceChildren, which would print an array.
export function fill(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

// clear removes every child of el.
export function clear(el) {
  el.replaceChildren();
  return el;
}

// fmtDuration renders milliseconds as "850 ms", "12.3 s" or "4 min 5 s".
export function fmtDuration(ms) {
  if (ms === null || ms === undefined) return '—';
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60000) return `${(ms / 1000).toFixed(1)} s`;
  const m = Math.floor(ms / 60000);
  return `${m} min ${Math.round((ms % 60000) / 1000)} s`;
}

// fmtTime renders an RFC 3339 time in the viewer's zone.
export function fmtTime(t) {
  if (!t) return '—';
  const d = new Date(t);
  const today = new Date();
  const sameDay = d.toDateString() === today.toDateString();
  const time = d.toLocaleTimeString([], {hour: '2-digit', minute: '2-digit', second: sameDay ? '2-digit' : undefined, hourCycle: 'h23'});
  return sameDay ? time : `${d.toLocaleDateString([], {month: 'short', day: 'numeric'})} ${time}`;
}

// fmtClock renders only the wall-clock time ("12:05").
export function fmtClock(t) {
  return new Date(t).toLocaleTimeString([], {hour: '2-digit', minute: '2-digit', hourCycle: 'h23'});
}

// relTime renders how long ago (or until) a time is: "3 min ago", "in 2 h".
export function relTime(t) {
  if (!t) return '—';
  const diff = (new Date(t).getTime() - Date.now()) / 1000;
  const abs = Math.abs(diff);
  let v;
  if (abs < 60) v = `${Math.round(abs)} s`;
  else if (abs < 3600) v = `${Math.round(abs / 60)} min`;
  else if (abs < 86400) v = `${Math.round(abs / 3600)} h`;
  else v = `${Math.round(abs / 86400)} d`;
  return diff < 0 ? `${v} ago` : `in ${v}`;
}

// pct renders a 0..1 rate as "87 %", or "—".
export function pct(r) {
  return r === null || r === undefined ? '—' : `${Math.round(r * 100)} %`;
}

// badge is a run status pill.
export function badge(status) {
  return h('span', {class: `badge st-${status || 'none'}`}, status ? status.replace('_', ' ') : 'never run');
}

// field is a labelled form control.
export function field(label, control, hint) {
  const id = control.id || `f-${Math.random().toString(36).slice(2, 9)}`;
  control.id = id;
  let hintEl = null;
  if (hint) {
    hintEl = h('span', {class: 'hint', id: `${id}-hint`}, hint);
    control.setAttribute('aria-describedby', `${id}-hint`);
  }
  return h('div', {class: 'field'}, h('label', {for: id}, label), control, hintEl);
}

// button builds a <button type="button">.
export function button(label, onclick, cls) {
  return h('button', {type: 'button', class: cls || null, onclick}, label);
}
