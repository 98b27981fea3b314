// The Target API: browser.targets()/target()/waitForTarget, context
// targets, page.target(), Target objects (type, url, page, opener,
// browser, browserContext) and the targetcreated/targetdestroyed events,
// with a popup opened by window.open.
const puppeteer = require('puppeteer');
const base = process.env.BASE_URL;
const rel = (u) => u.replace(base, 'BASE');
const within = (p, ms) => {
  let t;
  const timer = new Promise((_, reject) => { t = setTimeout(() => reject(new Error('timed out')), ms); });
  return Promise.race([p, timer]).finally(() => clearTimeout(t));
};
(async () => {
  const browser = await puppeteer.launch();
  const bt = browser.target();
  console.log('browser target', bt.type(), bt.url() === '', await bt.page(), bt.opener());
  console.log('browser target listed', browser.targets().includes(bt));
  const page = await browser.newPage();
  const pt = page.target();
  console.log('page target', pt.type(), rel(pt.url()), pt === page.target());
  console.log('page target page', (await pt.page()) === page, (await pt.asPage()) === page);
  console.log('page target browser', pt.browser() === browser, pt.browserContext() === browser.defaultBrowserContext());
  console.log('page target worker', await pt.worker(), pt.opener());
  await page.goto(base + '/compat/frames-files.html');
  console.log('after goto', rel(pt.url()));
  console.log('listed', browser.targets().includes(pt), browser.defaultBrowserContext().targets().includes(pt));
  const pageTypes = browser.targets().filter((t) => t.type() === 'page').length;
  console.log('page targets', pageTypes, (await browser.pages()).length);

  const created = [];
  const destroyed = [];
  const onCreated = (t) => { if (t.type() === 'page') created.push(t); };
  const onDestroyed = (t) => { if (t.type() === 'page') destroyed.push(t); };
  browser.on('targetcreated', onCreated);
  browser.on('targetdestroyed', onDestroyed);
  const ctxCreated = [];
  browser.defaultBrowserContext().on('targetcreated', (t) => { if (t.type() === 'page') ctxCreated.push(t); });

  const [popupTarget] = await Promise.all([
    browser.waitForTarget((t) => t.opener() === pt && t.url().includes('popup-open')),
    page.click('#open'),
  ]);
  console.log('popup target', popupTarget.type(), rel(popupTarget.url()), popupTarget.opener() === pt);
  const popup = await popupTarget.page();
  console.log('popup page', rel(popup.url()), popup.target() === popupTarget);
  console.log('popup context', popupTarget.browserContext() === browser.defaultBrowserContext());
  console.log('created', created.includes(popupTarget), ctxCreated.includes(popupTarget));
  const again = await browser.waitForTarget((t) => t === popupTarget);
  console.log('existing target found', again === popupTarget);
  const viaContext = await browser.defaultBrowserContext().waitForTarget(async (t) => t.url().includes('popup-open'));
  console.log('context waitForTarget', viaContext === popupTarget);

  const gone = new Promise((resolve) => browser.on('targetdestroyed', (t) => { if (t === popupTarget) resolve(); }));
  await popup.close();
  await within(gone, 5000);
  console.log('destroyed', destroyed.includes(popupTarget), browser.targets().includes(popupTarget));

  try {
    await browser.waitForTarget((t) => t.url() === 'nowhere', { timeout: 100 });
  } catch (e) {
    console.log('timeout:', e.name, e.message);
  }

  // A target in a created context.
  const context = await browser.createBrowserContext();
  const waited = context.waitForTarget((t) => t.type() === 'page');
  const other = await context.newPage();
  const ot = await waited;
  console.log('context target', ot === other.target(), ot.browserContext() === context, context.targets().filter((t) => t.type() === 'page').length);
  console.log('default excludes it', browser.defaultBrowserContext().targets().includes(ot));
  await context.close();

  // Frame.setContent, addScriptTag and addStyleTag, in a same-process
  // frame and in an out-of-process one.
  const cross = process.env.CROSS_URL;
  await page.goto(base + '/compat/frames-oopif.html?child=' + encodeURIComponent(cross + '/compat/frames-child.html?n=cross'));
  const oopifTarget = await browser.waitForTarget((t) => t.url().includes('n=cross'));
  console.log('oopif target', oopifTarget.type(), rel(oopifTarget.url().replace(cross, 'CROSS')), await oopifTarget.page());
  console.log('oopif target context', oopifTarget.browserContext() === browser.defaultBrowserContext(), oopifTarget.opener());
  for (const name of ['same', 'cross']) {
    const frame = page.frames().find((f) => f.name() === name);
    await frame.waitForSelector('#late');
    await frame.setContent('<p id="set">set in ' + name + '</p>');
    console.log(name, 'setContent', await frame.$eval('#set', (e) => e.textContent), await frame.$$eval('#late', (es) => es.length));
    const script = await frame.addScriptTag({ content: 'window.added = "script in ' + name + '";' });
    console.log(name, 'script tag', await script.evaluate((e) => e.tagName), await frame.evaluate(() => window.added));
    const style = await frame.addStyleTag({ content: '#set { color: rgb(1, 2, 3); }' });
    console.log(name, 'style tag', await style.evaluate((e) => e.tagName), await frame.$eval('#set', (e) => getComputedStyle(e).color));
    const typed = await frame.addScriptTag({ content: 'window.mod = 1;', type: 'module', id: 'm' });
    console.log(name, 'module tag', await typed.evaluate((e) => [e.type, e.id].join(' ')));
  }
  const changed = [];
  const onChanged = (t) => { if (t === pt) changed.push(rel(t.url())); };
  browser.on('targetchanged', onChanged);
  await page.goto(base + '/compat/frames-child.html?n=changed');
  await page.waitForFunction(() => document.readyState === 'complete');
  console.log('targetchanged', changed.includes('BASE/compat/frames-child.html?n=changed'));
  browser.off('targetchanged', onChanged);
  console.log('main changed', await page.$eval('#label', (e) => e.textContent));

  browser.off('targetcreated', onCreated);
  browser.removeAllListeners('targetdestroyed');
  await browser.close();
})();
