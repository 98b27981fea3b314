// Browser and BrowserContext basics: pages, defaultBrowserContext,
// browserContexts, page.browser()/browserContext(), close and closed.
const puppeteer = require('puppeteer');
(async () => {
  const browser = await puppeteer.launch();
  console.log('connected', browser.isConnected(), browser.connected);
  const ctx = browser.defaultBrowserContext();
  console.log('contexts', browser.browserContexts().length, browser.browserContexts()[0] === ctx);
  console.log('initial pages', (await browser.pages()).length, (await ctx.pages()).length);
  const p1 = await browser.newPage();
  const p2 = await ctx.newPage();
  console.log('pages after two newPage', (await browser.pages()).length);
  console.log('page.browser', p1.browser() === browser, 'page.browserContext', p1.browserContext() === ctx, ctx.browser() === browser);
  console.log('ids', typeof ctx.id);
  await p1.goto(process.env.BASE_URL + '/products');
  console.log('urls', (await browser.pages()).map((p) => p.url().replace(process.env.BASE_URL, 'BASE')).join(' '));
  console.log('isClosed before', p2.isClosed());
  await p2.close();
  console.log('isClosed after', p2.isClosed(), (await browser.pages()).length);
  try {
    await p2.goto(process.env.BASE_URL + '/');
  } catch (e) {
    console.log('goto on closed page threw', e.name);
  }
  const ua = await browser.userAgent();
  console.log('userAgent has Chrome', /Chrome\//.test(ua));
  console.log('version', /Chrome\/\d+/.test(await browser.version()));
  await browser.close();
  console.log('connected after close', browser.isConnected());
})();
