// title, url, content.
const puppeteer = require('puppeteer');
const base = process.env.BASE_URL;
(async () => {
  const browser = await puppeteer.launch();
  const page = await browser.newPage();
  console.log('blank', page.url(), JSON.stringify(await page.title()), await page.content());
  await page.goto(base + '/results?q=ada');
  console.log('title', await page.title(), page.url().replace(base, ''));
  const html = await page.content();
  console.log('content', html.startsWith('<!DOCTYPE html>'), html.includes('3 results for'), html.length > 300);
  await page.evaluate(() => { document.title = 'Changed <title>'; });
  console.log('changed', await page.title());
  await browser.close();
})();
