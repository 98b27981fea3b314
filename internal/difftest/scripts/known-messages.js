// Errors where Skriptable's message says more than Puppeteer's.
const puppeteer = require('puppeteer');
const base = process.env.BASE_URL;
(async () => {
  const browser = await puppeteer.launch();
  const page = await browser.newPage();
  await page.goto(base + '/');
  try {
    await page.goto(base + '/slow?ms=3000', { timeout: 500 });
  } catch (e) {
    console.log(e.name, e.message.replace(base, 'BASE'));
  }
  try {
    await page.pdf({ format: 'Q9' });
  } catch (e) {
    console.log(e.name, e.message);
  }
  try {
    await page.waitForFunction(() => { throw new Error('inside'); }, { timeout: 500 });
  } catch (e) {
    console.log(e.name, e.message.split('\n')[0]);
  }
  await browser.close();
})();
