// Touch input: page.tap, elementHandle.tap, page.touchscreen (tap,
// touchStart, touchMove, touchEnd), touch handles and ElementHandle's
// touchStart/touchMove/touchEnd, with a touch-enabled viewport.
const puppeteer = require('puppeteer');
(async () => {
  const browser = await puppeteer.launch();
  const page = await browser.newPage();
  await page.setViewport({ width: 600, height: 400, hasTouch: true });
  await page.goto(process.env.BASE_URL + '/compat/select-form.html');
  const log = () => page.$eval('#log', (e) => { const t = e.textContent; e.textContent = ''; return t; });
  const box = await (await page.$('#pad')).boundingBox();

  await page.tap('#tap-me');
  console.log('page.tap:', await log());
  await (await page.$('text/Tap me')).tap();
  console.log('element.tap:', await log());
  await page.touchscreen.tap(box.x + 10.4, box.y + 20.6);
  console.log('touchscreen.tap:', await log());

  const t1 = await page.touchscreen.touchStart(box.x + 5, box.y + 5);
  await page.touchscreen.touchMove(box.x + 50, box.y + 40);
  await t1.move(box.x + 60, box.y + 45);
  const t2 = await page.touchscreen.touchStart(box.x + 100, box.y + 100);
  await page.touchscreen.touchEnd();
  await t2.end();
  console.log('two touches:', await log());

  const pad = await page.$('#pad');
  const t3 = await pad.touchStart();
  await pad.touchMove();
  await pad.touchMove(t3);
  await pad.touchEnd();
  console.log('element touches:', await log());

  for (const [what, fn] of [
    ['touchMove without touch', () => page.touchscreen.touchMove(1, 1)],
    ['touchEnd without touch', () => page.touchscreen.touchEnd()],
    ['tap missing', () => page.tap('#nope')],
    ['tap hidden', async () => (await page.$('#gone')).tap()],
  ]) {
    try {
      await fn();
      console.log(what, 'ok');
    } catch (e) {
      console.log(what, '->', e.name + ': ' + e.message, e instanceof Error);
    }
  }
  await browser.close();
})();
