// Take a screenshot of a page.
const puppeteer = require('puppeteer');

const BASE_URL = process.env.BASE_URL || 'http://127.0.0.1:8080';

(async () => {
  const browser = await puppeteer.launch();
  const page = await browser.newPage();
  await page.goto(`${BASE_URL}/screenshot`);
  await page.screenshot({ path: 'screenshot.png' });
  await browser.close();
})();
