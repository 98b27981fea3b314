// Browser contexts: createBrowserContext, browserContexts,
// defaultBrowserContext, context newPage/pages/close/closed,
// overridePermissions/clearPermissionOverrides/setPermission (also on the
// browser), and cookie isolation.
const puppeteer = require('puppeteer');
const BASE = process.env.BASE_URL;
const names = (cs) => cs.map((c) => c.name + '=' + c.value).sort().join(',');
const perm = (page) => page.evaluate(() => navigator.permissions.query({ name: 'geolocation' }).then((r) => r.state));
(async () => {
  const browser = await puppeteer.launch();
  const def = browser.defaultBrowserContext();
  const ctx = await browser.createBrowserContext();
  const all = browser.browserContexts();
  console.log('contexts', all.length, all[0] === def, all[1] === ctx, ctx === def, typeof ctx.id, ctx.closed);
  console.log('ctx.browser', ctx.browser() === browser);
  const p1 = await def.newPage();
  const p2 = await ctx.newPage();
  const ctxPages = await ctx.pages();
  console.log('ctx pages', ctxPages.length, ctxPages[0] === p2, p2.browserContext() === ctx, p1.browserContext() === def);
  console.log('default has p2', (await def.pages()).includes(p2), 'browser has p2', (await browser.pages()).includes(p2));

  await p1.goto(BASE + '/set-cookie?who=default');
  await p2.goto(BASE + '/set-cookie?who=second');
  console.log('p1 cookies', names(await p1.cookies()));
  console.log('p2 cookies', names(await p2.cookies()));
  console.log('default context', names(await def.cookies()), 'second context', names(await ctx.cookies()));
  console.log('browser.cookies is the default context', names(await browser.cookies()));
  await ctx.setCookie({ name: 'only', value: 'second', domain: '127.0.0.1', path: '/' });
  await p2.goto(BASE + '/cookies');
  console.log('server sees in second', await p2.evaluate(() => document.body.innerText.trim().split('\n').join(' | ')));
  await p1.goto(BASE + '/cookies');
  console.log('server sees in default', await p1.evaluate(() => document.body.innerText.trim().split('\n').join(' | ')));

  console.log('permission before', await perm(p2));
  await ctx.overridePermissions(BASE, ['geolocation', 'notifications']);
  console.log('permission granted', await perm(p2), 'default context', await perm(p1));
  await ctx.clearPermissionOverrides();
  console.log('permission cleared', await perm(p2));
  await ctx.setPermission(BASE, { permission: { name: 'geolocation' }, state: 'granted' });
  await browser.setPermission(BASE, { permission: { name: 'geolocation' }, state: 'denied' });
  console.log('setPermission', await perm(p2), 'default context', await perm(p1));
  await ctx.setPermission('*', { permission: { name: 'geolocation' }, state: 'prompt' });
  console.log('setPermission any origin', await perm(p2));
  await browser.defaultBrowserContext().clearPermissionOverrides();
  console.log('default cleared', await perm(p1));
  try {
    await ctx.overridePermissions(BASE, ['geolocation', 'telepathy']);
  } catch (e) {
    console.log('bad permission:', e.message);
  }
  try {
    await def.close();
  } catch (e) {
    console.log('default close:', e.message);
  }
  const ctx2 = await browser.createBrowserContext();
  console.log('three contexts', browser.browserContexts().length, browser.browserContexts()[2] === ctx2);
  await ctx.close();
  console.log('after close', ctx.closed, browser.browserContexts().length, browser.browserContexts()[1] === ctx2);
  const p3 = await ctx2.newPage();
  await p3.goto(BASE + '/cookies');
  console.log('fresh context sees', JSON.stringify(await p3.evaluate(() => document.body.innerText.trim())));
  await ctx2.close();
  console.log('contexts at end', browser.browserContexts().length);
  await browser.close();
})();
