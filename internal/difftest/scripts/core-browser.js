// Browser and context basics.
const puppeteer = require('puppeteer');
(async () => {
  const browser = await puppeteer.launch({ headless: true, slowMo: 0, defaultViewport: { width: 1024, height: 700 } });
  console.log('connected', browser.isConnected(), browser.connected);
  console.log('version', (await browser.version()).replace(/\/[\d.]+$/, '/X'));
  console.log('ua headless', /HeadlessChrome\//.test(await browser.userAgent()));
  console.log('pages at start', (await browser.pages()).length);
  const page = await browser.newPage();
  console.log('viewport', JSON.stringify(page.viewport()));
  const second = await browser.newPage();
  console.log('pages', (await browser.pages()).length, page.browser() === browser);
  const ctx = browser.defaultBrowserContext();
  console.log('context', ctx === page.browserContext(), (await ctx.pages()).length, ctx.browser() === browser);
  console.log('contexts', browser.browserContexts().length);
  await second.close();
  console.log('closed', second.isClosed(), (await browser.pages()).length);
  await browser.close();
  console.log('after close', browser.isConnected());
})();
