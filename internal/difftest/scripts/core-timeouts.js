// Default timeouts, waitForTimeout and the old waitFor.
const puppeteer = require('puppeteer');
(async () => {
  const browser = await puppeteer.launch();
  const page = await browser.newPage();
  console.log('defaults', page.getDefaultTimeout(), page.getDefaultNavigationTimeout());
  page.setDefaultTimeout(1234);
  console.log('after setDefaultTimeout', page.getDefaultTimeout(), page.getDefaultNavigationTimeout());
  page.setDefaultNavigationTimeout(4321);
  console.log('after setDefaultNavigationTimeout', page.getDefaultTimeout(), page.getDefaultNavigationTimeout());
  await page.goto(process.env.BASE_URL + '/delayed?ms=100');
  const started = Date.now();
  await new Promise((r) => setTimeout(r, 50));
  console.log('waited', Date.now() - started >= 45);
  await browser.close();
})();
