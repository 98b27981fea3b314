// waitForFunction: polling modes, arguments, results, timeouts.
const puppeteer = require('puppeteer');
(async () => {
  const browser = await puppeteer.launch();
  const page = await browser.newPage();
  await page.goto(process.env.BASE_URL + '/');
  await page.evaluate(() => { window.n = 0; setInterval(() => window.n++, 20); });
  let h = await page.waitForFunction(() => window.n >= 5 && 'five');
  console.log('raf', await h.jsonValue());
  h = await page.waitForFunction((min) => window.n >= min && window.n >= min, { polling: 50 }, 8);
  console.log('interval', await h.jsonValue());
  h = await page.waitForFunction('window.n > 10');
  console.log('string', await h.jsonValue());
  h = await page.waitForFunction(() => document.title, { polling: 'mutation' });
  console.log('mutation', await h.jsonValue());
  try {
    await page.waitForFunction(() => false, { timeout: 200 });
  } catch (e) {
    console.log(e.name, e.message);
  }
  await browser.close();
})();
