package browser

// Page-side helpers. Each constant is the source of one JS function that
// travels to the page as (part of) a Runtime.callFunctionOn declaration.
// They run in the page's own world, so they only use DOM APIs and capture
// nothing from Go; data always crosses as call arguments, never spliced in.

// jsCheckVisibility implements Puppeteer's visibility test: an element is
// visible when its computed visibility is neither hidden nor collapse and
// its bounding box is not empty. visible undefined means "any state".
const jsCheckVisibility = `function checkVisibility(node, visible) {
  if (!node) return visible === false;
  if (visible === undefined) return node;
  const element = node.nodeType === Node.TEXT_NODE ? node.parentElement : node;
  const style = window.getComputedStyle(element);
  const rect = element.getBoundingClientRect();
  const isVisible = !!style && style.visibility !== 'hidden' && style.visibility !== 'collapse' && rect.width > 0 && rect.height > 0;
  return visible === isVisible ? node : false;
}`

// jsPoll resolves with the first truthy value of predicate(), checking on
// every animation frame ("raf"), on DOM mutations ("mutation") or every N
// ms (a number). It gives up after timeoutMs (plus a grace period so that
// the Go side, which owns the timeout error, fires first) so an abandoned
// poller stops on its own.
const jsPoll = `function poll(predicate, polling, timeoutMs, root) {
  return new Promise((resolve, reject) => {
    let done = false;
    let cleanup = () => {};
    let timer;
    const finish = (value, error) => {
      if (done) return;
      done = true;
      cleanup();
      if (timer) clearTimeout(timer);
      if (error) reject(error); else resolve(value);
    };
    const check = async () => {
      try {
        const value = await predicate();
        if (value) { finish(value); return true; }
      } catch (error) { finish(undefined, error); return true; }
      return false;
    };
    if (timeoutMs > 0) {
      timer = setTimeout(() => finish(undefined, new Error('Waiting failed: ' + timeoutMs + 'ms exceeded')), timeoutMs + 2000);
    }
    if (polling === 'raf') {
      const step = async () => {
        if (done) return;
        if (!(await check())) requestAnimationFrame(step);
      };
      step();
    } else if (polling === 'mutation') {
      check().then(ok => {
        if (ok) return;
        const observer = new MutationObserver(() => { check(); });
        observer.observe(root || document, { childList: true, subtree: true, attributes: true, characterData: true });
        cleanup = () => observer.disconnect();
      });
    } else {
      const tick = async () => {
        if (done) return;
        if (!(await check())) setTimeout(tick, polling);
      };
      tick();
    }
  });
}`

// jsClientRects returns an element's client rects (for clicking), or null
// for non-elements.
const jsClientRects = `function(element) {
  if (!(element instanceof Element)) return null;
  return [...element.getClientRects()].map(r => ({ x: r.x, y: r.y, width: r.width, height: r.height }));
}`

// jsDocumentSize is the document's client size, to clip click boxes.
const jsDocumentSize = `function() {
  return { width: document.documentElement.clientWidth, height: document.documentElement.clientHeight };
}`

// jsAssertConnected returns an error message when the element cannot be
// interacted with.
const jsAssertConnected = `function(element) {
  if (!element.isConnected) return 'Node is detached from document';
  if (element.nodeType !== Node.ELEMENT_NODE) return 'Node is not of type HTMLElement';
  return '';
}`

// jsIsInViewport reports whether the element is fully in the viewport.
const jsIsInViewport = `async function(element) {
  const ratio = await new Promise(resolve => {
    const observer = new IntersectionObserver(entries => {
      resolve(entries[0].intersectionRatio);
      observer.disconnect();
    });
    observer.observe(element);
  });
  return ratio === 1;
}`

// jsFocus focuses an element as Puppeteer's ElementHandle.focus does.
const jsFocus = `function(element) {
  if (!(element instanceof HTMLElement)) throw new Error('Cannot focus non-HTMLElement');
  element.focus();
}`

// jsBoundingBox is the element's box relative to the main frame viewport.
const jsBoundingBox = `function(element) {
  if (!(element instanceof Element)) return null;
  if (element.getClientRects().length === 0) return null;
  const r = element.getBoundingClientRect();
  return { x: r.x, y: r.y, width: r.width, height: r.height };
}`

// JSIsVisible and JSIsHidden are elementHandle.isVisible and isHidden:
// Puppeteer's visibility test on the handle's node.
const (
	JSIsVisible = `function(node) {
  const checkVisibility = ` + jsCheckVisibility + `;
  return Boolean(checkVisibility(node, true));
}`
	JSIsHidden = `function(node) {
  const checkVisibility = ` + jsCheckVisibility + `;
  return Boolean(checkVisibility(node, false));
}`
)
