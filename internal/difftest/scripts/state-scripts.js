// Scripts in pages: evaluateOnNewDocument/removeScriptToEvaluateOnNewDocument,
// exposeFunction/removeExposedFunction, setContent, addScriptTag and
// addStyleTag (content, url and path).
const puppeteer = require('puppeteer');
const fs = require('fs');
const BASE = process.env.BASE_URL;
const fail = async (what, p) => {
  try {
    await p;
    console.log(what, 'did not fail');
  } catch (e) {
    console.log(what + ':', e.message);
  }
};
(async () => {
  const browser = await puppeteer.launch();
  const page = await browser.newPage();
  await page.evaluateOnNewDocument(() => {
    window.__early = document.readyState + ' ' + String(document.body);
  });
  const withArgs = await page.evaluateOnNewDocument((a, b, c) => {
    window.__args = [a, b, c];
  }, 'x', { n: 1 }, undefined);
  console.log('identifier', Object.keys(withArgs), typeof withArgs.identifier);
  await page.evaluateOnNewDocument('window.__str = "from a string";');
  await fail('string with args', page.evaluateOnNewDocument('1', 2));
  await page.goto(BASE + '/compat/state-page.html');
  console.log('new document', await page.evaluate(() => [window.__early, window.__args, window.__str]));
  await page.removeScriptToEvaluateOnNewDocument(withArgs.identifier);
  await page.reload();
  console.log('after remove', await page.evaluate(() => [typeof window.__args, window.__str]));
  await fail('remove unknown', page.removeScriptToEvaluateOnNewDocument('nope'));

  await page.exposeFunction('add', (a, b) => a + b);
  await page.exposeFunction('upper', async (s) => {
    await new Promise((r) => setTimeout(r, 20));
    return s.toUpperCase();
  });
  await page.exposeFunction('boom', () => {
    throw new Error('boom from the script');
  });
  await page.exposeFunction('asyncBoom', async () => {
    throw new TypeError('async boom');
  });
  await page.exposeFunction('throwsString', () => {
    throw 'a plain string';
  });
  await page.exposeFunction('wrap', { default: (x) => ({ got: x, nothing: undefined }) });
  await page.exposeFunction('nothing', () => {});
  await page.exposeFunction('askPage', async () => 'title: ' + (await page.title()));
  await page.exposeFunction('tagOf', async (el, n) => [typeof el.evaluate, await el.evaluate((e) => e.tagName), n]);
  console.log('exposed', await page.evaluate(async () => [await add(2, 3), await upper('hi'), await wrap([1, 'two']), await nothing()]));
  console.log('errors', await page.evaluate(async () => [
    await boom().catch((e) => [e instanceof Error, e.message]),
    await asyncBoom().catch((e) => e.message),
    await throwsString().catch((e) => e),
  ]));
  console.log('reentrant', await page.evaluate(() => askPage()));
  console.log('node argument', await page.evaluate(() => tagOf(document.querySelector('#msg'), 3)));
  console.log('many calls', await page.evaluate(() => Promise.all(Array.from({ length: 30 }, (_, i) => add(i, 1))).then((r) => r.reduce((a, b) => a + b))));
  console.log('typeof', await page.evaluate(() => typeof window.add));
  await page.goto(BASE + '/compat/state-page.html?again');
  console.log('after navigation', await page.evaluate(() => add(40, 2)));
  await page.goto(BASE + '/compat/core-frames.html');
  const child = page.frames().find((f) => f.name() === 'second');
  console.log('from a child frame', await child.evaluate(() => add(20, 3)), await child.evaluate(() => window.__str));
  await fail('expose twice', page.exposeFunction('add', () => 0));
  await page.removeExposedFunction('add');
  console.log('removed', await page.evaluate(() => typeof window.add));
  await fail('remove twice', page.removeExposedFunction('add'));

  await page.setContent('<html><head><title>set content</title></head><body><p id="x">hello</p></body></html>');
  console.log('setContent', await page.title(), await page.$eval('#x', (e) => e.textContent), page.url().replace(BASE, 'BASE'));
  await page.setContent('<p>with image</p><img src="' + BASE + '/compat/state-page.html">', { waitUntil: ['load', 'domcontentloaded'], timeout: 5000 });
  console.log('setContent waitUntil', await page.$$eval('p, img', (els) => els.length));
  await fail('bad waitUntil', page.setContent('<p>x</p>', { waitUntil: 'bogus' }));

  await page.goto(BASE + '/compat/state-page.html');
  const s1 = await page.addScriptTag({ content: 'window.__c = "content";' });
  console.log('script content', await s1.evaluate((e) => [e.tagName, e.type, e.parentElement.tagName]), await page.evaluate(() => window.__c));
  const s2 = await page.addScriptTag({ url: '/compat/state-script.js' });
  console.log('script url', await s2.evaluate((e) => e.src.replace(location.origin, '')), await page.evaluate(() => window.__fromScript));
  const s3 = await page.addScriptTag({ content: 'window.__module = typeof import.meta;', type: 'module', id: 'mod' });
  await page.waitForFunction(() => window.__module);
  console.log('script module', await s3.evaluate((e) => [e.id, e.type]), await page.evaluate(() => window.__module));
  fs.writeFileSync('state-inject.js', 'window.__fromPath = "path";\n');
  await page.addScriptTag({ path: 'state-inject.js' });
  console.log('script path', await page.evaluate(() => window.__fromPath));
  await fail('no source', page.addScriptTag({}));
  await fail('two sources', page.addScriptTag({ url: '/x.js', content: 'x' }));
  await fail('missing url', page.addScriptTag({ url: '/compat/state-missing.js' }));

  const st1 = await page.addStyleTag({ content: 'p { color: rgb(4, 5, 6); }' });
  console.log('style content', await st1.evaluate((e) => e.tagName), await page.$eval('p', (e) => getComputedStyle(e).color));
  const st2 = await page.addStyleTag({ url: '/compat/state-style.css' });
  console.log('style url', await st2.evaluate((e) => [e.tagName, e.rel]), await page.evaluate(() => getComputedStyle(document.body).backgroundColor));
  fs.writeFileSync('state-inject.css', 'p { font-size: 31px; }\n');
  await page.addStyleTag({ path: 'state-inject.css' });
  console.log('style path', await page.$eval('p', (e) => getComputedStyle(e).fontSize));
  await fail('style no source', page.addStyleTag({}));
  await fail('style missing url', page.addStyleTag({ url: '/compat/state-missing.css' }));
  await browser.close();
})();
