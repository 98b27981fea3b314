// Search the demo site and read the results (ES module, top-level await).
import puppeteer from 'puppeteer';

const BASE_URL = process.env.BASE_URL || 'http://127.0.0.1:8080';

const browser = await puppeteer.launch({ headless: true });
const version = await browser.version();
console.log('Running in a Chrome browser:', version.includes('Chrome'));

const page = await browser.newPage();
await page.setViewport({ width: 1024, height: 768 });
await page.goto(`${BASE_URL}/search`, { waitUntil: 'networkidle2' });
console.log('On page:', await page.title());

await page.type('#q', 'analytical engine');
const [response] = await Promise.all([
  page.waitForNavigation({ waitUntil: 'networkidle0' }),
  page.click('#go'),
]);
const url = new URL(response.url());
console.log('Navigated to', url.pathname + url.search, '- ok:', response.ok(), 'status:', response.status());

const count = await page.$eval('#count', el => el.textContent);
console.log(count);
console.log('Title:', await page.title());

const links = await page.$$eval('#results a', anchors =>
  anchors.map(a => `${a.textContent} -> ${a.getAttribute('href')}`)
);
for (const link of links) {
  console.log(' -', link);
}

const html = await page.content();
console.log('HTML contains the result list:', html.includes('<ul id="results"'));

await browser.close();
