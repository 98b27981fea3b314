// EventEmitter surface on Page: on/once/off/listenerCount/removeAllListeners
// with the load, domcontentloaded and dialog events.
const puppeteer = require('puppeteer');
(async () => {
  const browser = await puppeteer.launch();
  const page = await browser.newPage();
  const seen = [];
  const onLoad = () => seen.push('load');
  page.on('load', onLoad);
  page.once('domcontentloaded', () => seen.push('dcl-once'));
  page.on('domcontentloaded', () => seen.push('dcl'));
  console.log('counts', page.listenerCount('load'), page.listenerCount('domcontentloaded'), page.listenerCount('dialog'));
  await page.goto(process.env.BASE_URL + '/products');
  console.log('after first goto', seen.join(','), page.listenerCount('domcontentloaded'));
  page.off('load', onLoad);
  await page.reload();
  console.log('after reload', seen.join(','), page.listenerCount('load'));
  page.removeAllListeners('domcontentloaded');
  await page.reload();
  console.log('after removeAll', seen.join(','), page.listenerCount('domcontentloaded'));
  page.once('dialog', async (d) => {
    console.log('dialog', d.type(), d.message());
    await d.accept();
  });
  await page.evaluate(() => alert('hi there'));
  console.log('dialog listeners left', page.listenerCount('dialog'));
  const chained = page.on('load', () => {});
  console.log('on returns page', chained === page);
  page.removeAllListeners('load');
  console.log('all removed', page.listenerCount('load'));
  await browser.close();
})();
