// An uncaught error ends the run with Node's exit status and error line.
const puppeteer = require('puppeteer');
(async () => {
  const browser = await puppeteer.launch();
  const page = await browser.newPage();
  await page.goto(process.env.BASE_URL + '/products');
  console.log('before');
  await page.waitForSelector('#not-on-the-page', { timeout: 250 });
  console.log('never printed');
})();
