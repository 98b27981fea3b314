// page.metrics() and the metrics event, page.tracing (with a path),
// page.coverage (JS and CSS) and page.accessibility.snapshot.
const puppeteer = require('puppeteer');
const fs = require('fs');
const base = process.env.BASE_URL;
const rel = (u) => u.replace(base, 'BASE');
(async () => {
  const browser = await puppeteer.launch();
  const page = await browser.newPage();

  await page.tracing.start({ path: 'trace.json', screenshots: true });
  try {
    await page.tracing.start();
  } catch (e) {
    console.log('second start:', e.message);
  }
  await page.coverage.startJSCoverage();
  await page.coverage.startCSSCoverage();
  try {
    await page.coverage.startJSCoverage();
  } catch (e) {
    console.log('second JS start:', e.message);
  }
  await page.goto(base + '/compat/frames-tools.html');
  const js = await page.coverage.stopJSCoverage();
  const css = await page.coverage.stopCSSCoverage();
  const trace = await page.tracing.stop();
  try {
    await page.coverage.stopCSSCoverage();
  } catch (e) {
    console.log('second CSS stop:', e.message);
  }
  for (const entry of [...js, ...css].sort((a, b) => a.url.localeCompare(b.url))) {
    const used = entry.ranges.map((r) => entry.text.slice(r.start, r.end)).join('');
    console.log('coverage', rel(entry.url), Object.keys(entry).sort().join(','), 'ranges', entry.ranges.length,
      'text', entry.text.length, 'used', JSON.stringify(used.replace(/\s+/g, ' ').slice(0, 160)));
  }
  const parsed = JSON.parse(Buffer.from(trace).toString('utf8'));
  const events = parsed.traceEvents || parsed;
  console.log('trace', trace instanceof Uint8Array, Array.isArray(events), events.length > 0,
    events.some((e) => e.cat && e.cat.includes('devtools.timeline')));
  const written = fs.readFileSync('trace.json');
  console.log('trace file matches', written.length === trace.length);
  // The trace's size differs from run to run: keep a stable summary.
  fs.writeFileSync('trace.json', JSON.stringify({ checked: written.length === trace.length }));

  await page.tracing.start({ categories: ['devtools.timeline'] });
  await page.evaluate(() => document.body.offsetHeight);
  const narrow = JSON.parse(Buffer.from(await page.tracing.stop()).toString('utf8'));
  const cats = new Set((narrow.traceEvents || narrow).map((e) => e.cat));
  console.log('categories only timeline', [...cats].every((c) => c === '__metadata' || c.split(',').includes('devtools.timeline')));

  const metrics = await page.metrics();
  console.log('metrics', Object.keys(metrics).sort().join(','), Object.values(metrics).every((v) => typeof v === 'number'));
  const got = new Promise((resolve) => page.once('metrics', resolve));
  await page.evaluate(() => console.timeStamp('mark-1'));
  const ev = await got;
  console.log('metrics event', ev.title, Object.keys(ev.metrics).sort().join(','));

  const snap = await page.accessibility.snapshot();
  const show = (n, depth = 0) => {
    const props = Object.keys(n).filter((k) => !['role', 'children', 'elementHandle', 'backendNodeId', 'loaderId'].includes(k))
      .sort().map((k) => `${k}=${JSON.stringify(n[k])}`);
    console.log(`${'  '.repeat(depth)}${n.role} ${props.join(' ')}`);
    for (const c of n.children || []) show(c, depth + 1);
  };
  show(snap);
  console.log('node fields', typeof snap.elementHandle, typeof snap.backendNodeId, typeof snap.loaderId);
  const full = await page.accessibility.snapshot({ interestingOnly: false });
  let count = 0;
  const walk = (n) => { count++; (n.children || []).forEach(walk); };
  walk(full);
  console.log('full tree larger', count > 10);
  const region = await page.$('#section');
  const sub = await page.accessibility.snapshot({ root: region });
  show(sub);
  const button = sub.children.find((c) => c.role === 'button');
  const handle = await button.elementHandle();
  console.log('elementHandle', await handle.evaluate((e) => e.outerHTML));
  console.log('no match', await page.accessibility.snapshot({ root: await page.$('script') }));
  await browser.close();
})();
