// setViewport and what the page sees.
const puppeteer = require('puppeteer');
(async () => {
  const browser = await puppeteer.launch();
  const page = await browser.newPage();
  await page.goto(process.env.BASE_URL + '/');
  const seen = () => page.evaluate(() => [innerWidth, innerHeight, devicePixelRatio, matchMedia('(pointer: coarse)').matches].join(' '));
  console.log('default', JSON.stringify(page.viewport()), await seen());
  await page.setViewport({ width: 1280, height: 800 });
  console.log('1280', JSON.stringify(page.viewport()), await seen());
  await page.setViewport({ width: 375, height: 667, deviceScaleFactor: 3, isMobile: true, hasTouch: true });
  console.log('mobile', JSON.stringify(page.viewport()), await seen());
  await page.setViewport({ width: 500, height: 400, isLandscape: true });
  console.log('landscape', JSON.stringify(page.viewport()), await seen());
  try {
    await page.setViewport({ width: 0, height: 10 });
  } catch (e) {
    console.log('zero width:', e.message.split('\n')[0]);
  }
  await browser.close();
})();
