// ES module style with top-level await and named imports.
import puppeteer from 'puppeteer';
import { TimeoutError } from 'puppeteer';
import path from 'node:path';

const browser = await puppeteer.launch();
const page = await browser.newPage();
await page.goto(process.env.BASE_URL + '/products');
console.log(await page.title(), path.posix.join('a', 'b'));
try {
  await page.waitForSelector('#missing', { timeout: 100 });
} catch (e) {
  console.log(e instanceof TimeoutError, e.name);
}
await browser.close();
