// Same-origin frames: tree, names, URLs, queries and waits inside a frame.
const puppeteer = require('puppeteer');
const base = process.env.BASE_URL;
const rel = (u) => u.replace(base, '');
(async () => {
  const browser = await puppeteer.launch();
  const page = await browser.newPage();
  await page.goto(base + '/compat/core-frames.html');
  const frames = page.frames();
  console.log('frames', frames.length, frames.map((f) => `${f.name() || '(main)'} ${rel(f.url())}`).join(' | '));
  const main = page.mainFrame();
  console.log('main', main === frames[0], main.parentFrame(), main.childFrames().length);
  const second = frames.find((f) => f.name() === 'second');
  console.log('parent is main', second.parentFrame() === main);
  console.log('label', await second.$eval('#label', (e) => e.textContent));
  const late = await second.waitForSelector('#late');
  console.log('late', await late.evaluate((e) => e.textContent));
  await second.type('#field', 'typed in frame');
  console.log('field', await second.$eval('#field', (e) => e.value));
  console.log('title', await second.title(), 'evaluate', await second.evaluate(() => location.search));
  await second.waitForFunction(() => document.readyState === 'complete');
  await second.goto(base + '/compat/core-child.html?n=9');
  console.log('after frame goto', rel(second.url()), await second.$eval('#label', (e) => e.textContent));
  await browser.close();
})();
