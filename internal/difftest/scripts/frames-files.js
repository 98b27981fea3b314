// elementHandle.uploadFile, page.waitForFileChooser and FileChooser,
// popups (window.open, target=_blank) and web workers.
const puppeteer = require('puppeteer');
const fs = require('fs');
const base = process.env.BASE_URL;
const rel = (u) => u.replace(base, 'BASE');
// Awaits an event promise with a timer running: Skriptable ends a script
// whose only pending work is an event listener (Node stays alive while the
// browser connection is open).
const within = (p, ms) => {
  let t;
  const timer = new Promise((_, reject) => { t = setTimeout(() => reject(new Error('timed out')), ms); });
  return Promise.race([p, timer]).finally(() => clearTimeout(t));
};
(async () => {
  const browser = await puppeteer.launch();
  const page = await browser.newPage();
  await page.goto(base + '/compat/frames-files.html');
  fs.writeFileSync('hello.txt', 'hello upload');
  fs.writeFileSync('data.json', JSON.stringify({ a: 1, b: [2, 3] }));

  const single = await page.$('#single');
  await single.uploadFile('hello.txt');
  console.log('single', JSON.stringify(await single.evaluate((e) => [...e.files].map((f) => [f.name, f.size, f.type]))));
  try {
    await single.uploadFile('hello.txt', 'data.json');
  } catch (e) {
    console.log('two files on single:', e.message);
  }
  const multi = await page.$('#multi');
  await multi.uploadFile('hello.txt', 'data.json');
  console.log('multi', JSON.stringify(await multi.evaluate((e) => [...e.files].map((f) => [f.name, f.size, f.type]))));
  console.log('content', await multi.evaluate((e) => e.files[1].text()));
  await multi.uploadFile();
  console.log('cleared', await multi.evaluate((e) => e.files.length));
  console.log('events', await page.$eval('#events', (e) => e.textContent.trim()));

  // File chooser: intercept the picker a click opens.
  const [chooser] = await Promise.all([page.waitForFileChooser(), page.click('#multi')]);
  console.log('chooser multiple', chooser.isMultiple());
  await chooser.accept(['data.json']);
  try {
    await chooser.cancel();
  } catch (e) {
    console.log('cancel after accept:', e.message);
  }
  console.log('chosen', await multi.evaluate((e) => [...e.files].map((f) => f.name).join(',')));
  const [again] = await Promise.all([page.waitForFileChooser({ timeout: 5000 }), page.click('#single')]);
  console.log('single chooser multiple', again.isMultiple());
  await again.cancel();
  try {
    await page.waitForFileChooser({ timeout: 50 });
  } catch (e) {
    console.log('no chooser:', e.name, e.message);
  }

  // Submit the form: the server reports what it received.
  await Promise.all([page.waitForNavigation(), page.click('#send')]);
  console.log('upload result', JSON.stringify(await page.evaluate(() => document.body.innerText)));

  // Popups. A popup is a background page: rAF-based waits stall there in
  // headless Chromium, so wait for its load event from inside.
  const loaded = (p) => p.evaluate(() => new Promise((r) => {
    if (document.readyState === 'complete') r();
    else addEventListener('load', () => r());
  }));
  await page.goto(base + '/compat/frames-files.html');
  const [viaOpen] = await Promise.all([new Promise((r) => page.once('popup', r)), page.click('#open')]);
  await loaded(viaOpen);
  console.log('popup open', rel(viaOpen.url()), await viaOpen.$eval('#label', (e) => e.textContent));
  await page.bringToFront(); // the popup took the foreground
  const [viaLink] = await Promise.all([new Promise((r) => page.once('popup', r)), page.click('#blank')]);
  await loaded(viaLink);
  console.log('popup link', rel(viaLink.url()), (await browser.pages()).length);
  await viaOpen.close();
  await viaLink.close();
  await page.bringToFront();

  // Workers.
  console.log('workers before', page.workers().length);
  const created = new Promise((r) => page.once('workercreated', r));
  console.log('worker reply', await page.evaluate(() => window.startWorker()));
  const worker = await created;
  console.log('worker', rel(worker.url()), page.workers().length, page.workers()[0] === worker);
  console.log('worker evaluate', await worker.evaluate(() => self.answer), await worker.evaluate((x) => x * 3, 5));
  const h = await worker.evaluateHandle(() => ({ kind: typeof WorkerGlobalScope }));
  console.log('worker handle', JSON.stringify(await h.jsonValue()));
  const destroyed = new Promise((r) => page.once('workerdestroyed', r));
  await page.evaluate(() => window.stopWorker());
  console.log('destroyed same', (await within(destroyed, 5000)) === worker, page.workers().length);
  const second = new Promise((r) => page.once('workercreated', r));
  await page.evaluate(() => window.startWorker());
  const other = await within(second, 5000);
  const closed = new Promise((r) => page.once('workerdestroyed', r));
  await other.close();
  console.log('closed by script', (await within(closed, 5000)) === other, page.workers().length);

  try {
    await single.uploadFile('/etc/passwd');
    console.log('uploaded a file the script did not write');
  } catch (e) {
    console.log('foreign file rejected');
  }
  await browser.close();
})();
