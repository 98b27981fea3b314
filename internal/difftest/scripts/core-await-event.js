// A script whose remaining work is only an awaited browser event: the run
// must stay alive until the event arrives (Node's pipe to Chromium keeps
// the process open), then end once the browser is closed.
const puppeteer = require('puppeteer');
(async () => {
  const browser = await puppeteer.launch();
  const page = await browser.newPage();
  await page.goto(process.env.BASE_URL + '/products');
  await page.evaluate(() => { setTimeout(() => alert('late dialog'), 300); });
  const message = await new Promise((resolve) => page.once('dialog', async (d) => {
    await d.accept();
    resolve(d.message());
  }));
  console.log('dialog arrived:', message);
  await page.evaluate(() => { setTimeout(() => location.reload(), 300); });
  await new Promise((resolve) => page.on('load', resolve));
  console.log('reloaded');
  browser.on('disconnected', () => console.log('disconnected'));
  await browser.close();
  console.log('closed');
})();
