// $, $$, $eval and $$eval on the products page.
const puppeteer = require('puppeteer');
(async () => {
  const browser = await puppeteer.launch();
  const page = await browser.newPage();
  await page.goto(process.env.BASE_URL + '/products');
  const first = await page.$('.product');
  console.log('first', await first.evaluate((e) => e.dataset.id));
  console.log('missing', await page.$('.nothing-here'));
  const all = await page.$$('.product');
  console.log('count', all.length, (await page.$$('.nothing')).length);
  console.log('names', await page.$$eval('.product .name', (els) => els.map((e) => e.textContent)));
  console.log('price', await page.$eval('.sold-out .price', (e, suffix) => e.textContent + suffix, '!'));
  console.log('async fn', await page.$eval('#title', async (e) => { await new Promise((r) => setTimeout(r, 10)); return e.textContent; }));
  console.log('returns element as {}', await page.$eval('#title', (e) => e));
  console.log('count via $$eval', await page.$$eval('li', (els, min) => els.filter((e) => e.dataset.id > min).length, 4));
  const nested = await first.$('.price');
  console.log('nested', await nested.evaluate((e) => e.textContent), await first.$eval('.name', (e) => e.textContent));
  console.log('nested all', (await first.$$('span')).length, await first.$$eval('span', (s) => s.length));
  try {
    await page.$eval('.nothing', (e) => e);
  } catch (e) {
    console.log(e.name + ': ' + e.message);
  }
  try {
    await page.$('##bad');
  } catch (e) {
    console.log(e.name + ': ' + e.message.split('\n')[0]);
  }
  await browser.close();
})();
