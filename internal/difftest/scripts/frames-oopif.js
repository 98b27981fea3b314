// Cross-origin iframes (out-of-process, on CROSS_URL): the frame tree,
// queries, evaluation, input and waits inside them, frame elements and
// page.waitForFrame.
const puppeteer = require('puppeteer');
const base = process.env.BASE_URL;
const cross = process.env.CROSS_URL;
const rel = (u) => u.replace(base, 'BASE').replace(cross, 'CROSS').replace(/\?child=.*/, '?child=…');
(async () => {
  const browser = await puppeteer.launch();
  const page = await browser.newPage();
  const child = cross + '/compat/frames-child.html?n=cross';
  await page.goto(`${base}/compat/frames-oopif.html?child=${encodeURIComponent(child)}`);
  const frames = page.frames();
  console.log('frames', frames.map((f) => `${f.name() || '(main)'} ${rel(f.url())}`).sort().join(' | '));
  const cf = frames.find((f) => f.name() === 'cross');
  console.log('parent', cf.parentFrame() === page.mainFrame(), 'children', page.mainFrame().childFrames().length,
    cf.childFrames().length, 'detached', cf.isDetached(), cf.detached, 'page', cf.page() === page);
  console.log('label', await cf.$eval('#label', (e) => e.textContent));
  console.log('origin', rel(await cf.evaluate(() => location.origin)), 'title', await cf.title());
  const handle = await cf.evaluateHandle(() => ({ where: location.hostname }));
  console.log('handle', JSON.stringify(await handle.jsonValue()));
  const late = await cf.waitForSelector('#late');
  console.log('late', await late.evaluate((e) => e.textContent));
  console.log('$$', (await cf.$$('p')).length, await cf.$$eval('p', (ps) => ps.length), (await cf.$('#btn')) !== null);
  await cf.click('#btn');
  await cf.click('#btn');
  await cf.type('#field', 'cross typed');
  console.log('count', await cf.$eval('#count', (e) => e.textContent), 'field', await cf.$eval('#field', (e) => e.value));
  await cf.waitForFunction(() => document.getElementById('count').textContent === '2');

  const el = await cf.frameElement();
  console.log('frameElement', await el.evaluate((e) => e.id), 'contentFrame', (await el.contentFrame()) === cf);
  console.log('main frameElement', await page.mainFrame().frameElement());
  const same = await page.$('#same');
  console.log('same contentFrame', (await same.contentFrame()).name());
  console.log('h1 contentFrame', await (await page.$('#top')).contentFrame());

  console.log('waitForFrame url', (await page.waitForFrame(child)) === cf);
  const tree = await page.accessibility.snapshot({ includeIframes: true });
  const names = [];
  const walk = (n, depth) => { names.push(`${depth}:${n.role}:${n.name || ''}`); (n.children || []).forEach((c) => walk(c, depth + 1)); };
  walk(tree, 0);
  console.log('a11y with iframes', names.join(' '));
  const [later] = await Promise.all([
    page.waitForFrame(async (f) => f.url().includes('n=later'), { timeout: 5000 }),
    page.evaluate((u) => {
      const f = document.createElement('iframe');
      f.name = 'later';
      f.src = u;
      document.body.appendChild(f);
    }, cross + '/compat/frames-child.html?n=later'),
  ]);
  console.log('waited', rel(later.url()), 'parent', later.parentFrame() === page.mainFrame());
  await later.waitForSelector('#late');
  console.log('later label', await later.$eval('#label', (e) => e.textContent));

  await cf.goto(cross + '/compat/frames-child.html?n=moved');
  console.log('after goto', rel(cf.url()), await cf.$eval('#label', (e) => e.textContent));
  try {
    await page.waitForFrame('nope', { timeout: 100 });
  } catch (e) {
    console.log('waitForFrame timeout', e.name, e.message);
  }
  await browser.close();
})();
