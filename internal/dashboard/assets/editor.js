// A small code editor: a <textarea> (which keeps native editing, undo,
// selection and screen-reader support) over a highlighted copy of its
// text, with line numbers and an optional marked line (where a run
// failed). Highlighting only builds text nodes inside <span>s.

import {h} from './dom.js';

const KEYWORDS = new Set(('await async break case catch class const continue debugger default delete do else ' +
  'export extends finally for from function if import in instanceof let new of return static super switch this ' +
  'throw try typeof var void while with yield type interface enum implements as').split(' '));
const LITERALS = new Set(['true', 'false', 'null', 'undefined', 'NaN', 'Infinity']);

// tokenize splits JavaScript/TypeScript source into [class, text] pairs.
// It is a highlighter, not a parser: regex literals are plain text, and a
// template literal is one string.
export function tokenize(src) {
  const out = [];
  const re = /(\/\/[^\n]*)|(\/\*[\s\S]*?(?:\*\/|$))|('(?:\\[\s\S]|[^'\\\n])*'?|"(?:\\[\s\S]|[^"\\\n])*"?|`(?:\\[\s\S]|[^`\\])*`?)|(\b(?:0[xX][\da-fA-F_]+|\d[\d_]*(?:\.\d+)?(?:[eE][+-]?\d+)?n?)\b)|([A-Za-z_$][\w$]*)|(\s+)|([^\sA-Za-z_$\d'"`/]+|\/)/g;
  let m;
  while ((m = re.exec(src)) !== null) {
    if (m[0] === '') { re.lastIndex++; continue; }
    let cls = '';
    if (m[1] || m[2]) cls = 'tk-com';
    else if (m[3]) cls = 'tk-str';
    else if (m[4]) cls = 'tk-num';
    else if (m[5]) {
      if (KEYWORDS.has(m[5])) cls = 'tk-kw';
      else if (LITERALS.has(m[5])) cls = 'tk-lit';
      else if (src[re.lastIndex] === '(') cls = 'tk-fn';
    } else if (m[7]) cls = 'tk-op';
    out.push([cls, m[0]]);
  }
  return out;
}

// highlightLines returns one array of nodes per source line.
export function highlightLines(src) {
  const lines = [[]];
  for (const [cls, text] of tokenize(src)) {
    const parts = text.split('\n');
    parts.forEach((p, i) => {
      if (i > 0) lines.push([]);
      if (p !== '') lines[lines.length - 1].push(cls ? h('span', {class: cls}, p) : document.createTextNode(p));
    });
  }
  return lines;
}

// Editor is a highlighted textarea. opts: {label, value, readOnly, onSave}.
export class Editor {
  constructor(opts) {
    this.mark = 0;
    this.markText = '';
    this.gutter = h('div', {class: 'gutter', 'aria-hidden': 'true'});
    this.code = h('pre', {class: 'code', 'aria-hidden': 'true'});
    this.area = h('textarea', {
      class: 'input', spellcheck: 'false', autocapitalize: 'off', autocomplete: 'off', wrap: 'off',
      'aria-label': opts.label || 'Script source', readonly: opts.readOnly || null,
      'aria-describedby': opts.readOnly ? null : 'editor-help',
    });
    this.area.value = opts.value || '';
    this.note = h('p', {class: 'editor-note', role: 'status'});
    this.box = h('div', {class: 'editor'}, this.gutter, h('div', {class: 'code-wrap'}, this.code, this.area));
    this.el = h('div', {class: 'editor-box'}, this.box,
      opts.readOnly ? null : h('p', {class: 'hint', id: 'editor-help'}, 'Tab indents; press Esc then Tab to leave the editor. Ctrl+S saves.'),
      this.note);
    let escaped = false;
    this.area.addEventListener('input', () => this.schedule());
    this.area.addEventListener('scroll', () => this.sync());
    this.area.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') { escaped = true; return; }
      if (e.key === 'Tab' && !escaped && !e.shiftKey && !this.area.readOnly) {
        e.preventDefault();
        document.execCommand('insertText', false, '  ') || this.insert('  ');
      } else if ((e.ctrlKey || e.metaKey) && e.key === 's' && opts.onSave) {
        e.preventDefault();
        opts.onSave();
      }
      escaped = false;
    });
    this.render();
  }

  get value() { return this.area.value; }
  set value(v) { this.area.value = v; this.render(); }

  // insert replaces the selection (fallback when execCommand is missing).
  insert(text) {
    const {selectionStart: a, selectionEnd: b, value} = this.area;
    this.area.value = value.slice(0, a) + text + value.slice(b);
    this.area.selectionStart = this.area.selectionEnd = a + text.length;
    this.render();
  }

  schedule() {
    if (this.pending) return;
    this.pending = requestAnimationFrame(() => { this.pending = 0; this.render(); });
  }

  // markLine highlights line n (1-based; 0 clears) with a message.
  markLine(n, text) {
    this.mark = n;
    this.markText = text || '';
    this.render();
    if (n > 0) this.reveal(n);
  }

  reveal(n) {
    const lh = parseFloat(getComputedStyle(this.area).lineHeight) || 20;
    this.area.scrollTop = Math.max(0, (n - 4) * lh);
    this.sync();
  }

  render() {
    const lines = highlightLines(this.area.value);
    this.code.replaceChildren(...lines.map((nodes, i) =>
      h('div', {class: i + 1 === this.mark ? 'line marked' : 'line'}, nodes.length ? nodes : '\u200b')));
    this.gutter.replaceChildren(h('div', {class: 'gutter-inner'}, lines.map((_, i) =>
      h('div', {class: i + 1 === this.mark ? 'marked' : null, title: i + 1 === this.mark ? this.markText : null}, String(i + 1)))));
    this.note.textContent = this.mark > 0 ? `Line ${this.mark} failed: ${this.markText}` : '';
    this.note.hidden = this.mark === 0;
    // As tall as the text (plus room to type), within the CSS limits.
    this.box.style.height = `${lines.length * 20 + 16 + (this.area.readOnly ? 0 : 100)}px`;
    this.sync();
  }

  sync() {
    const {scrollTop: t, scrollLeft: l} = this.area;
    this.code.style.transform = `translate(${-l}px, ${-t}px)`;
    const inner = this.gutter.firstChild;
    if (inner) inner.style.transform = `translateY(${-t}px)`;
  }
}

// errorLine finds "<filename>:<line>:<col>" of the script in an error
// message or stack, returning the line (0 when absent).
export function errorLine(message, filename) {
  if (!message) return 0;
  const name = (filename || 'script.js').replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const m = new RegExp(`(?:^|[\\s(/])${name}:(\\d+)(?::\\d+)?`).exec(message);
  return m ? Number(m[1]) : 0;
}
