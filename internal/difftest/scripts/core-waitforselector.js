// waitForSelector: appear, visible, hidden, timeouts.
const puppeteer = require('puppeteer');
const base = process.env.BASE_URL;
(async () => {
  const browser = await puppeteer.launch();
  const page = await browser.newPage();
  await page.goto(base + '/delayed?ms=300');
  const late = await page.waitForSelector('#late');
  console.log('appeared', await late.evaluate((e) => e.textContent));
  const hiddenResult = await page.waitForSelector('#spinner', { hidden: true });
  console.log('hidden', hiddenResult === null ? 'null' : hiddenResult.constructor.name);
  const vis = await page.waitForSelector('#late', { visible: true });
  console.log('visible', vis !== null);
  try {
    await page.waitForSelector('#never-there', { timeout: 200 });
  } catch (e) {
    console.log(e.name, e.message, e instanceof puppeteer.TimeoutError);
  }
  try {
    await page.waitForSelector('#late', { hidden: true, timeout: 200 });
  } catch (e) {
    console.log(e.name, e.message);
  }
  page.setDefaultTimeout(150);
  try {
    await page.waitForSelector('.nope');
  } catch (e) {
    console.log('default timeout:', e.message);
  }
  console.log('missing & hidden resolves', await page.waitForSelector('.nope', { hidden: true }));
  await browser.close();
})();
