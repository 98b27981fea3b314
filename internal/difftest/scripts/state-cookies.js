// Cookies: page.cookies/setCookie/deleteCookie, browser.cookies/setCookie/
// deleteCookie/deleteMatchingCookies, browserContext.cookies/setCookie/
// deleteCookie/deleteMatchingCookies, with the object shapes Puppeteer prints.
const puppeteer = require('puppeteer');
const BASE = process.env.BASE_URL;
const port = Number(new URL(BASE).port);
// Ports differ between runs: show them as PORT; Chromium caps expiry
// times at 400 days from now: show a future expiry as FUTURE. Sort: the
// browser's order is not part of the contract.
const show = (cs) =>
  cs
    .map((c) => ({
      ...c,
      ...(c.sourcePort === port ? { sourcePort: 'PORT' } : {}),
      ...(c.expires > 1e9 ? { expires: 'FUTURE' } : {}),
    }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
(async () => {
  const browser = await puppeteer.launch();
  const page = await browser.newPage();
  try {
    await page.setCookie({ name: 'early', value: '1' });
  } catch (e) {
    console.log('about:blank setCookie:', e.name, e.message);
  }
  await page.goto(BASE + '/set-cookie?srv=fromserver');
  console.log('server cookie', show(await page.cookies()));
  await page.setCookie(
    { name: 'persist', value: 'p', expires: 2000000000 },
    { name: 'strict', value: 's', sameSite: 'Strict', httpOnly: true, path: '/' },
  );
  console.log('after setCookie', show(await page.cookies()));
  console.log('document.cookie', await page.evaluate(() => document.cookie.split('; ').sort().join('; ')));
  await page.goto(BASE + '/cookies');
  console.log('server sees', await page.evaluate(() => document.body.innerText.trim().split('\n').join(' | ')));
  console.log('cookies(url)', show(await page.cookies(BASE + '/x', 'http://other.invalid/')).map((c) => c.name));
  console.log('cookies(other)', await page.cookies('http://other.invalid/'));
  await page.deleteCookie({ name: 'persist' });
  console.log('after deleteCookie', show(await page.cookies()).map((c) => c.name));

  console.log('browser.cookies', show(await browser.cookies()).map((c) => [c.name, c.value, typeof c.size, c.sameParty]));
  await browser.setCookie({ name: 'bc', value: 'browser', domain: '127.0.0.1', path: '/' });
  console.log('browser cookie on page', show(await page.cookies()).map((c) => c.name));
  const full = show(await browser.cookies()).find((c) => c.name === 'bc');
  console.log('browser cookie object', full);
  await browser.deleteCookie(full);
  console.log('after browser.deleteCookie', show(await browser.cookies()).map((c) => c.name));

  const ctx = browser.defaultBrowserContext();
  await ctx.setCookie(
    { name: 'm1', value: 'a', domain: '127.0.0.1', path: '/' },
    { name: 'm2', value: 'b', domain: '127.0.0.1', path: '/' },
  );
  console.log('context cookies', show(await ctx.cookies()).map((c) => c.name + '=' + c.value));
  await ctx.deleteMatchingCookies({ name: 'm1' });
  console.log('after deleteMatchingCookies', show(await ctx.cookies()).map((c) => c.name));
  await browser.deleteMatchingCookies({ name: 'm2', domain: 'elsewhere.invalid' });
  console.log('after browser.deleteMatchingCookies', show(await ctx.cookies()).map((c) => c.name));
  const ck = show(await ctx.cookies()).find((c) => c.name === 'strict');
  await ctx.deleteCookie(ck);
  console.log('after context deleteCookie', show(await ctx.cookies()).map((c) => c.name));

  await page.goto('data:text/html,<p>data</p>');
  try {
    await page.setCookie({ name: 'd', value: '1' });
  } catch (e) {
    console.log('data: setCookie:', e.message);
  }
  await browser.close();
})();
