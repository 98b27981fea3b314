// ElementHandle actions: click, type, press, hover, focus, scrollIntoView.
const puppeteer = require('puppeteer');
(async () => {
  const browser = await puppeteer.launch();
  const page = await browser.newPage();
  await page.goto(process.env.BASE_URL + '/compat/core-input.html');
  const name = await page.$('#name');
  await name.click();
  await name.type('abc', { delay: 2 });
  await name.press('Backspace');
  await name.press('Shift+X').catch((e) => console.log('combo:', e.message));
  console.log('value', await name.evaluate((e) => e.value));
  const btn = await page.$('#btn');
  await btn.click({ count: 1 });
  await (await page.$('#hoverme')).hover();
  const notes = await page.$('#notes');
  await notes.focus();
  console.log('active', await page.evaluate(() => document.activeElement.id));
  const invisible = await page.$('#invisible');
  console.log('invisible visible?', await invisible.isVisible(), await invisible.isIntersectingViewport());
  await (await page.$('#tall')).scrollIntoView();
  console.log('tall in view', await (await page.$('#tall')).isIntersectingViewport());
  try {
    await (await page.$('#hidden')).click();
  } catch (e) {
    console.log('hidden click:', e.message);
  }
  const log = await page.evaluate(() => window.log.filter((l) => !l.startsWith('mousemove')));
  console.log(log.join('\n'));
  await browser.close();
})();
