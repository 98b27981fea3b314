// Frame events on Page (frameattached, framenavigated, framedetached) for
// same-origin and cross-origin iframes, frame names/URLs/parents and
// isDetached after removal.
const puppeteer = require('puppeteer');
const base = process.env.BASE_URL;
const cross = process.env.CROSS_URL;
const rel = (u) => u.replace(base, 'BASE').replace(cross, 'CROSS').replace(/\?child=.*/, '?child=…');
const uniq = (xs) => [...new Set(xs)].sort();
(async () => {
  const browser = await puppeteer.launch();
  const page = await browser.newPage();
  const seen = { frameattached: [], framenavigated: [], framedetached: [] };
  for (const name of Object.keys(seen)) {
    page.on(name, (frame) => seen[name].push(frame));
  }
  const child = cross + '/compat/frames-child.html?n=cross';
  await page.goto(`${base}/compat/frames-oopif.html?child=${encodeURIComponent(child)}`);
  await Promise.all(page.mainFrame().childFrames().map((f) => f.waitForSelector('#late')));
  const describe = (f) => `${f === page.mainFrame() ? '(main)' : f.name()} ${rel(f.url())}`;
  console.log('attached', uniq(seen.frameattached.map(describe)).join(' | '));
  console.log('navigated', uniq(seen.framenavigated.map(describe)).join(' | '));
  console.log('attached are children', seen.frameattached.every((f) => f.parentFrame() === page.mainFrame()));
  console.log('detached so far', seen.framedetached.length);

  // A same-document navigation of the main frame.
  seen.framenavigated.length = 0;
  await page.evaluate(() => { location.hash = 'moved'; });
  await page.waitForFunction(() => location.hash === '#moved');
  await new Promise((r) => setTimeout(r, 100));
  console.log('hash navigated', uniq(seen.framenavigated.map(describe)).join(' | '));

  // Navigate the cross frame, then remove both iframes.
  const cf = page.frames().find((f) => f.name() === 'cross');
  const same = page.frames().find((f) => f.name() === 'same');
  seen.framenavigated.length = 0;
  await cf.goto(cross + '/compat/frames-child.html?n=again');
  console.log('frame goto navigated', uniq(seen.framenavigated.map(describe)).join(' | '));
  const detachedOnce = new Promise((r) => page.once('framedetached', r));
  await page.evaluate(() => document.getElementById('cross').remove());
  const first = await detachedOnce;
  console.log('first detached is cross', first === cf, cf.isDetached(), cf.detached);
  await page.evaluate(() => document.getElementById('same').remove());
  while (!same.isDetached()) await new Promise((r) => setTimeout(r, 10));
  console.log('detached', uniq(seen.framedetached.map((f) => f.name())).join(' | '), 'frames left', page.frames().length);
  await browser.close();
})();
