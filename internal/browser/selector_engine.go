package browser

import (
	"strings"
)

// jsSelectorEngine is the page side of Puppeteer's query handlers: a
// factory that takes the custom query handlers (name → {queryOne,
// queryAll}) and returns query(root, spec, one). spec is a parsed selector
// ({h: handler, s: selector, p: P-selector, n: custom name}); query
// resolves to the first match (or null) when one is true, otherwise to an
// array of all matches. The matching rules follow Puppeteer's injected
// handlers:
//
//   - css: querySelector / querySelectorAll on the root;
//   - pierce: CSS matched against every element below the root, inside
//     open shadow roots too (never the root itself);
//   - text: the deepest elements whose text (their own and their
//     descendants', shadow roots included; the value of inputs, textareas
//     and selects) contains the selector;
//   - xpath: document.evaluate with the root as context node;
//   - aria: the accessibility tree, through the __skriptable_aria binding
//     (see aria.go);
//   - p: P-selectors (CSS, ::-p-* handlers, >>> and >>>>), results
//     deduplicated and in tree order (shadow trees after their host's
//     position).
const jsSelectorEngine = `function makeQuery(custom) {
  const TRIVIAL_VALUE_TYPES = new Set(['checkbox', 'image', 'radio']);
  const UNSUITABLE = new Set(['SCRIPT', 'STYLE']);
  const suitable = node => !UNSUITABLE.has(node.nodeName) && !document.head?.contains(node);
  const valueNode = node => node instanceof HTMLSelectElement || node instanceof HTMLTextAreaElement ||
    (node instanceof HTMLInputElement && !TRIVIAL_VALUE_TYPES.has(node.type));
  const texts = new Map();
  const fullText = node => {
    if (texts.has(node)) return texts.get(node);
    let full = '';
    if (suitable(node)) {
      if (valueNode(node)) {
        full = node.value;
      } else {
        for (let child = node.firstChild; child; child = child.nextSibling) {
          if (child.nodeType === Node.TEXT_NODE) full += child.nodeValue ?? '';
          else if (child.nodeType === Node.ELEMENT_NODE) full += fullText(child);
        }
        if (node instanceof Element && node.shadowRoot) full += fullText(node.shadowRoot);
      }
    }
    texts.set(node, full);
    return full;
  };
  const textAll = (root, text) => {
    const found = [];
    for (const node of root.childNodes) {
      if (node instanceof Element && suitable(node)) {
        found.push(...textAll(node.shadowRoot ? node.shadowRoot : node, text));
      }
    }
    if (found.length) return found;
    if (root instanceof Element && suitable(root) && fullText(root).includes(text)) return [root];
    return [];
  };
  const xpathAll = (root, expression, max) => {
    const doc = root.ownerDocument || document;
    const iterator = doc.evaluate(expression, root, null, XPathResult.ORDERED_NODE_ITERATOR_TYPE);
    const items = [];
    let item;
    while ((item = iterator.iterateNext())) {
      items.push(item);
      if (items.length === max) break;
    }
    return items;
  };
  const pierceAll = (root, selector, one) => {
    const found = [];
    if (root instanceof Document) root = root.documentElement;
    const collect = top => {
      const walker = document.createTreeWalker(top, NodeFilter.SHOW_ELEMENT);
      do {
        const node = walker.currentNode;
        if (node.shadowRoot) collect(node.shadowRoot);
        if (node instanceof ShadowRoot) continue;
        if (node !== top && !(one && found.length) && node.matches(selector)) found.push(node);
      } while (!(one && found.length) && walker.nextNode());
    };
    collect(root);
    return found;
  };
  const ariaAll = (root, selector) => new Promise((resolve, reject) => {
    const key = '__skriptable_aria_state';
    if (!Object.prototype.hasOwnProperty.call(globalThis, key)) {
      Object.defineProperty(globalThis, key, { value: { seq: 0, pending: new Map() }, enumerable: false });
    }
    const state = globalThis[key];
    const seq = ++state.seq;
    state.pending.set(seq, { root, selector, resolve, reject });
    globalThis.__skriptable_aria(String(seq));
  });
  for (const name of Object.keys(custom)) {
    const handler = custom[name];
    if (!handler.queryOne && handler.queryAll) {
      const queryAll = handler.queryAll;
      handler.queryOne = (node, selector) => {
        for (const result of queryAll(node, selector)) return result;
        return null;
      };
    } else if (handler.queryOne && !handler.queryAll) {
      const queryOne = handler.queryOne;
      handler.queryAll = (node, selector) => {
        const result = queryOne(node, selector);
        return result ? [result] : [];
      };
    }
  }
  const collectAll = async results => {
    if (results && typeof results[Symbol.asyncIterator] === 'function') {
      const out = [];
      for await (const r of results) out.push(r);
      return out;
    }
    return Array.from(await results);
  };
  const customHandler = name => {
    const handler = custom[name];
    if (!handler) throw new Error('Unknown selector type: ' + name);
    return handler;
  };

  const IDENT_START = /[-\w\P{ASCII}*]/u;
  const queryable = node => 'querySelectorAll' in node;
  const pierceOne = node => ('shadowRoot' in node && node.shadowRoot instanceof ShadowRoot) ? [node.shadowRoot] : [node];
  const pierceDeep = node => {
    const root = pierceOne(node)[0];
    const out = [root];
    const walkers = [document.createTreeWalker(root, NodeFilter.SHOW_ELEMENT)];
    for (let i = 0; i < walkers.length; i++) {
      let n;
      while ((n = walkers[i].nextNode())) {
        if (!n.shadowRoot) continue;
        out.push(n.shadowRoot);
        walkers.push(document.createTreeWalker(n.shadowRoot, NodeFilter.SHOW_ELEMENT));
      }
    }
    return out;
  };
  const applyCSS = (element, selector) => {
    if (selector[0] && IDENT_START.test(selector[0])) {
      return queryable(element) ? [...element.querySelectorAll(selector)] : [];
    }
    if (!element.parentElement) {
      return queryable(element) ? [...element.querySelectorAll(selector)] : [];
    }
    let index = 0;
    for (const child of element.parentElement.children) {
      ++index;
      if (child === element) break;
    }
    return [...element.parentElement.querySelectorAll(':scope>:nth-child(' + index + ')' + selector)];
  };
  const applyP = async (element, selector) => {
    switch (selector.name) {
      case 'text': return textAll(element, selector.value);
      case 'xpath': return xpathAll(element, selector.value, -1);
      case 'aria': return await ariaAll(element, selector.value);
      default: return await collectAll(customHandler(selector.name).queryAll(element, selector.value));
    }
  };
  const path = (cache, node, tail) => {
    if (node === null) return tail;
    if (node instanceof ShadowRoot) node = node.host;
    const cached = cache.get(node);
    if (cached) return [...cached, ...tail];
    let index = 0;
    for (let s = node.previousSibling; s; s = s.previousSibling) ++index;
    const value = path(cache, node.parentNode, [index]);
    cache.set(node, value);
    return [...value, ...tail];
  };
  const compare = (a, b) => {
    for (let k = 0; k < Math.max(a.length, b.length); k++) {
      const i = k < a.length ? a[k] : -1, j = k < b.length ? b[k] : -1;
      if (i !== j) return i < j ? -1 : 1;
    }
    return 0;
  };
  const pAll = async (root, selectors) => {
    const results = new Set();
    for (const complex of selectors) {
      let elements = [root];
      let first = true;
      for (const part of complex) {
        if (part === '>>>>') { elements = elements.flatMap(pierceOne); continue; }
        if (part === '>>>') { elements = elements.flatMap(pierceDeep); continue; }
        for (const selector of part) {
          if (first) {
            first = false;
            if (typeof selector === 'string' && selector.trimStart() === ':scope') continue;
          }
          const next = [];
          for (const element of elements) {
            next.push(...(typeof selector === 'string' ? applyCSS(element, selector) : await applyP(element, selector)));
          }
          elements = next;
        }
      }
      for (const element of elements) results.add(element);
    }
    const cache = new WeakMap();
    return [...results].map(r => [r, path(cache, r, [])]).sort((a, b) => compare(a[1], b[1])).map(x => x[0]);
  };

  return async (root, spec, one) => {
    root = root || document;
    const pick = all => one ? (all.length ? all[0] : null) : all;
    switch (spec.h) {
      case 'css': return one ? root.querySelector(spec.s) : [...root.querySelectorAll(spec.s)];
      case 'p': return pick(await pAll(root, spec.p));
      case 'xpath': return pick(xpathAll(root, spec.s, one ? 1 : -1));
      case 'text': return pick(textAll(root, spec.s));
      case 'pierce': return pick(pierceAll(root, spec.s, one));
      case 'aria': return pick(await ariaAll(root, spec.s));
      case 'custom': {
        const handler = customHandler(spec.n);
        return one ? await handler.queryOne(root, spec.s) : await collectAll(handler.queryAll(root, spec.s));
      }
    }
    throw new Error('Unknown query handler: ' + spec.h);
  };
}`

// CustomQueryHandler is a query handler registered by a script
// (Puppeteer's registerCustomQueryHandler): the sources of its page
// functions; either may be empty.
type CustomQueryHandler struct {
	QueryOne string
	QueryAll string
}

// engine returns the expression that builds query(root, spec, one) with
// the given custom handlers spliced in as functions (their source is the
// script's own page functions, like any evaluate()).
func engine(custom []namedHandler) string {
	var b strings.Builder
	b.WriteString("(")
	b.WriteString(jsSelectorEngine)
	b.WriteString(")({")
	for i, h := range custom {
		if i > 0 {
			b.WriteString(", ")
		}
		b.Write(jsonString(h.name))
		b.WriteString(": { queryOne: ")
		writeFn(&b, h.QueryOne)
		b.WriteString(", queryAll: ")
		writeFn(&b, h.QueryAll)
		b.WriteString(" }")
	}
	b.WriteString("})")
	return b.String()
}

func writeFn(b *strings.Builder, src string) {
	if src == "" {
		b.WriteString("undefined")
		return
	}
	b.WriteString("(")
	b.WriteString(src)
	b.WriteString("\n)")
}

type namedHandler struct {
	name string
	CustomQueryHandler
}
