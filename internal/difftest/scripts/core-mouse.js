// Mouse: move, down/up, click with button/clickCount/delay, wheel; page.click/hover.
const puppeteer = require('puppeteer');
(async () => {
  const browser = await puppeteer.launch();
  const page = await browser.newPage();
  await page.goto(process.env.BASE_URL + '/compat/core-input.html');
  await page.mouse.move(10, 10);
  await page.mouse.move(50, 30, { steps: 2 });
  await page.mouse.down();
  await page.mouse.up();
  await page.mouse.click(100, 100, { button: 'right' });
  await page.mouse.click(120, 110, { clickCount: 2, delay: 5 });
  await page.mouse.down({ button: 'middle' });
  await page.mouse.up({ button: 'middle' });
  await page.click('#btn');
  await page.click('#btn', { count: 2 });
  await page.hover('#hoverme');
  await page.mouse.wheel({ deltaY: 120 });
  await page.waitForFunction(() => window.scrollY > 0);
  console.log('scrollY', await page.evaluate(() => window.scrollY));
  const log = await page.evaluate(() => window.log.filter((l) => !l.startsWith('mousemove') || l.includes('50,30') || l.includes('30,20')));
  console.log(log.join('\n'));
  try {
    await page.click('#hidden');
  } catch (e) {
    console.log(e.message);
  }
  await browser.close();
})();
