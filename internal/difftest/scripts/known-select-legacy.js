// Selector APIs removed from Puppeteer (22 and earlier) that Skriptable
// keeps for old scripts: $x and waitForXPath on pages, frames and
// elements, and the module-level custom query handler functions.
const puppeteer = require('puppeteer');
(async () => {
  const browser = await puppeteer.launch();
  const page = await browser.newPage();
  await page.goto(process.env.BASE_URL + '/compat/select-selectors.html');
  console.log('page', typeof page.$x, typeof page.waitForXPath);
  console.log('frame', typeof page.mainFrame().$x, typeof page.mainFrame().waitForXPath);
  console.log('module', typeof puppeteer.registerCustomQueryHandler, typeof puppeteer.customQueryHandlerNames);
  if (page.$x) {
    const items = await page.$x('//li');
    console.log('$x', items.length, await items[1].evaluate((e) => e.textContent));
    console.log('frame $x', (await page.mainFrame().$x('//button')).length);
    const list = await page.$('#list');
    // "//" is relative to the element, as in Puppeteer 21.
    console.log('element $x', (await list.$x('//li')).length, (await list.$x('//h1')).length, (await list.$x('/html/body/h1')).length);
    await page.evaluate(() => setTimeout(() => document.body.insertAdjacentHTML('beforeend', '<p class="x-late">late</p>'), 50));
    const late = await page.waitForXPath('//p[@class="x-late"]');
    console.log('waitForXPath', await late.evaluate((e) => e.textContent));
    console.log('frame waitForXPath', await (await page.mainFrame().waitForXPath('//h1')).evaluate((e) => e.id));
    console.log('element waitForXPath', await (await list.waitForXPath('//li[2]')).evaluate((e) => e.dataset.n));
    console.log('hidden', await page.waitForXPath('//li[@data-n="3"]', { hidden: true }) !== null);
    try {
      await page.waitForXPath('//never', { timeout: 100 });
    } catch (e) {
      console.log(e.name + ': ' + e.message);
    }
  }
  if (puppeteer.registerCustomQueryHandler) {
    puppeteer.registerCustomQueryHandler('nth', { queryOne: (root, n) => root.querySelectorAll('li')[Number(n)] || null });
    console.log('names', puppeteer.customQueryHandlerNames());
    console.log('nth/2', await page.$eval('nth/2', (e) => e.textContent));
    puppeteer.unregisterCustomQueryHandler('nth');
    puppeteer.clearCustomQueryHandlers();
    console.log('names', puppeteer.customQueryHandlerNames());
  }
  await browser.close();
})();
