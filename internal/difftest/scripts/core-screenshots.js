// Screenshots: viewport, fullPage, clip, element, jpeg, scale factor, encodings.
const puppeteer = require('puppeteer');
(async () => {
  const browser = await puppeteer.launch();
  const page = await browser.newPage();
  await page.goto(process.env.BASE_URL + '/screenshot');
  await page.screenshot({ path: 'viewport.png' });
  await page.screenshot({ path: 'full.png', fullPage: true });
  await page.screenshot({ path: 'clip.jpg', type: 'jpeg', quality: 50, clip: { x: 10, y: 20, width: 200, height: 100 } });
  await page.setViewport({ width: 640, height: 480, deviceScaleFactor: 2 });
  await page.screenshot({ path: 'retina.png' });
  const el = await page.$('h1');
  await el.screenshot({ path: 'element.png' });
  const b64 = await page.screenshot({ encoding: 'base64', clip: { x: 0, y: 0, width: 10, height: 10 } });
  console.log('base64', typeof b64, b64.startsWith('iVBOR'));
  const buf = await page.screenshot({ clip: { x: 0, y: 0, width: 10, height: 10 } });
  console.log('buffer', Buffer.isBuffer(buf) || buf instanceof Uint8Array, buf[1] === 0x50);
  await page.screenshot({ path: 'out.webp', type: 'webp' }).then(() => console.log('webp ok'), (e) => console.log('webp', e.message));
  try {
    await page.screenshot({ path: 'bad.gif' });
  } catch (e) {
    console.log(e.message);
  }
  try {
    await page.screenshot({ type: 'png', quality: 50 });
  } catch (e) {
    console.log(e.message);
  }
  await browser.close();
})();
