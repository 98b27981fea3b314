// Custom query handlers (Puppeteer.registerCustomQueryHandler and
// friends): used with "name/" and "name=" prefixes, inside P-selectors,
// by $$eval, waitForSelector, click and locators; registry errors.
const puppeteer = require('puppeteer');
const { Puppeteer } = puppeteer;
(async () => {
  const browser = await puppeteer.launch();
  const page = await browser.newPage();
  await page.goto(process.env.BASE_URL + '/compat/select-selectors.html');
  Puppeteer.registerCustomQueryHandler('byData', {
    queryAll: (root, n) => root.querySelectorAll(`[data-n="${n}"]`),
  });
  Puppeteer.registerCustomQueryHandler('firstWord', {
    queryOne: (root, word) => [...root.querySelectorAll('*')].find((e) => e.children.length === 0 && e.textContent.trim().startsWith(word)) || null,
  });
  Puppeteer.registerCustomQueryHandler('both', {
    queryOne: (root, s) => root.querySelector(s),
    queryAll: (root, s) => [...root.querySelectorAll(s)].reverse(),
  });
  console.log('names', Puppeteer.customQueryHandlerNames());
  const name = (e) => e.id || e.textContent.trim();
  console.log('byData/2', await page.$eval('byData/2', name));
  console.log('byData=4 all', await page.$$eval('byData=4', (es) => es.map((e) => e.textContent)));
  console.log('firstWord/Inner', await page.$eval('firstWord/Inner', name));
  console.log('firstWord all', await page.$$eval('firstWord/Item', (es) => es.length));
  console.log('both $', await page.$eval('both/li', name), 'both $$', await page.$$eval('both/li', (es) => es.map((e) => e.dataset.n).join('')));
  console.log('in P-selector', await page.$$eval('#list ::-p-byData(3)', (es) => es.map((e) => e.textContent)));
  console.log('element root', await (await page.$('#list')).$eval('byData/1', name));
  await page.evaluate(() => setTimeout(() => document.querySelector('#list').insertAdjacentHTML('beforeend', '<li data-n="9">Item nine</li>'), 50));
  console.log('waitForSelector', await (await page.waitForSelector('byData/9')).evaluate(name));
  console.log('locator', await page.locator('byData/9').map((e) => e.textContent).wait());
  console.log('missing', await page.$('byData/77'));

  for (const [what, fn] of [
    ['again', () => Puppeteer.registerCustomQueryHandler('byData', { queryOne: () => null })],
    ['bad name', () => Puppeteer.registerCustomQueryHandler('by-data', { queryOne: () => null })],
    ['no methods', () => Puppeteer.registerCustomQueryHandler('empty', {})],
    ['unregister unknown', () => Puppeteer.unregisterCustomQueryHandler('nope')],
  ]) {
    try {
      fn();
      console.log(what, 'ok');
    } catch (e) {
      console.log(what, '->', e.name + ': ' + e.message);
    }
  }
  Puppeteer.unregisterCustomQueryHandler('firstWord');
  console.log('after unregister', Puppeteer.customQueryHandlerNames());
  try {
    await page.$('firstWord/Item');
    console.log('firstWord/ is now plain CSS?');
  } catch (e) {
    console.log('firstWord/ as CSS ->', e.message.split('\n')[0]);
  }
  try {
    await page.$('::-p-firstWord(Item)');
  } catch (e) {
    console.log('::-p-firstWord ->', e.message.split('\n')[0]);
  }
  Puppeteer.clearCustomQueryHandlers();
  console.log('cleared', Puppeteer.customQueryHandlerNames());
  await browser.close();
})();
