// Wait for content that shows up a little after the page has loaded.
const puppeteer = require('puppeteer');

const BASE_URL = process.env.BASE_URL || 'http://127.0.0.1:8080';

(async () => {
  const browser = await puppeteer.launch({ headless: true, defaultViewport: { width: 1024, height: 768 } });
  const page = await browser.newPage();
  page.setDefaultNavigationTimeout(15000);

  await page.goto(`${BASE_URL}/delayed?ms=1000`, { waitUntil: 'load' });
  console.log('Loaded', new URL(page.url()).pathname);

  const spinner = await page.waitForSelector('#spinner', { visible: true });
  console.log('Spinner visible at first:', spinner !== null);
  const early = await page.$('#late');
  console.log('Late content there right after load:', early !== null);

  const started = Date.now();
  await Promise.all([
    page.waitForSelector('#late', { visible: true, timeout: 5000 }),
    page.waitForSelector('#spinner', { hidden: true, timeout: 5000 }),
  ]);
  const waited = Date.now() - started;

  const text = await page.$eval('#late', el => el.textContent);
  console.log('Late content:', text);
  const display = await page.evaluate(() => getComputedStyle(document.querySelector('#spinner')).display);
  console.log('Spinner display is now:', display);
  console.log(waited > 0 ? 'We had to wait for it.' : 'It was already there.');
  console.log('Status:', await page.$eval('#status', el => el.textContent));

  await browser.close();
})();
