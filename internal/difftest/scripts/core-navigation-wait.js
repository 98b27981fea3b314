// waitForNavigation after clicks and form submits, with waitUntil options.
const puppeteer = require('puppeteer');
const base = process.env.BASE_URL;
(async () => {
  const browser = await puppeteer.launch();
  const page = await browser.newPage();
  await page.goto(base + '/search', { waitUntil: 'domcontentloaded' });
  await page.type('#q', 'engine');
  const [res] = await Promise.all([page.waitForNavigation(), page.click('#go')]);
  console.log('submitted', res.status(), new URL(page.url()).search, await page.$eval('#count', (e) => e.textContent));
  const [res2] = await Promise.all([
    page.waitForNavigation({ waitUntil: ['load', 'networkidle0'] }),
    page.click('#results a'),
  ]);
  console.log('followed', res2.status(), new URL(page.url()).pathname, await page.title());
  await page.goto(base + '/products', { waitUntil: 'networkidle2' });
  console.log('networkidle2', await page.title());
  const [res3] = await Promise.all([
    page.waitForNavigation({ waitUntil: 'domcontentloaded' }),
    page.evaluate(() => { location.href = '/login'; }),
  ]);
  console.log('script navigation', res3.status(), new URL(page.url()).pathname);
  try {
    await page.waitForNavigation({ timeout: 300 });
  } catch (e) {
    console.log(e.name, e.message);
  }
  await browser.close();
})();
