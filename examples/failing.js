// This script fails on purpose: it waits for an element that never appears.
const puppeteer = require('puppeteer');

const BASE_URL = process.env.BASE_URL || 'http://127.0.0.1:8080';

(async () => {
  const browser = await puppeteer.launch({ headless: true });
  const page = await browser.newPage();
  await page.goto(BASE_URL);
  console.log('Opened:', await page.title());
  console.log('Waiting for #never...');
  await page.waitForSelector('#never', { timeout: 1000 });
  console.log('This line is never reached.');
  await browser.close();
})();
