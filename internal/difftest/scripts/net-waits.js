// Network waits (waitForRequest, waitForResponse with URLs, predicates and
// async predicates, timeouts; waitForNetworkIdle) and the page's network
// settings: extra headers, user agent, credentials, cache, offline mode.
const puppeteer = require('puppeteer');
(async () => {
  const browser = await puppeteer.launch();
  const page = await browser.newPage();
  const base = process.env.BASE_URL;
  const short = s => String(s).split(base).join('BASE');
  await page.goto(base + '/net/page');

  const fetchIt = (u, opts) => page.evaluate((u, o) => fetch(u, o).then(r => r.text()), u, opts || {});
  const [byUrl] = await Promise.all([page.waitForRequest(base + '/net/data.json'), fetchIt(base + '/net/data.json')]);
  console.log('waitForRequest url', short(byUrl.url()), byUrl.method());
  const [byPred] = await Promise.all([
    page.waitForResponse(r => r.url().includes('/echo') && r.status() === 200),
    fetchIt(base + '/status/404'), fetchIt(base + '/echo?x=1'),
  ]);
  console.log('waitForResponse predicate', short(byPred.url()), byPred.status(), byPred.request().method());
  const [byAsync] = await Promise.all([
    page.waitForResponse(async r => r.status() === 200 && (await r.text()).includes('redirected')),
    fetchIt(base + '/echo?y=2'), fetchIt(base + '/net/redirect/1'),
  ]);
  console.log('waitForResponse async', short(byAsync.url()), byAsync.status());
  const byUrlRes = await Promise.all([page.waitForResponse(base + '/status/404'), fetchIt(base + '/status/404')]);
  console.log('waitForResponse url', byUrlRes[0].status(), byUrlRes[0].ok());
  for (const [name, p] of [['request', page.waitForRequest('nothing', { timeout: 50 })], ['response', page.waitForResponse(() => false, { timeout: 60 })]]) {
    try { await p; } catch (e) { console.log(name, 'timeout', e.name, e.message, e instanceof puppeteer.TimeoutError); }
  }
  try {
    await Promise.all([page.waitForRequest(() => { throw new Error('predicate broke'); }), fetchIt(base + '/echo?z')]);
  } catch (e) { console.log('throwing predicate', e.message); }

  // waitForNetworkIdle: resolves once requests stop; times out while busy.
  const t0 = Date.now();
  await Promise.all([page.waitForNetworkIdle({ idleTime: 100 }), fetchIt(base + '/slow?ms=300')]);
  console.log('idle after slow', Date.now() - t0 >= 300);
  await Promise.all([page.waitForRequest(base + '/slow?ms=1500'), page.evaluate(u => { fetch(u); }, base + '/slow?ms=1500')]);
  try { await page.waitForNetworkIdle({ idleTime: 100, timeout: 400 }); } catch (e) { console.log('busy', e.name, e.message); }
  await page.waitForNetworkIdle({ idleTime: 50, concurrency: 1 });
  console.log('idle with concurrency 1');
  await page.waitForNetworkIdle();
  console.log('idle default');

  // Extra headers and user agent reach the server.
  await page.setExtraHTTPHeaders({ 'X-Extra': 'one', 'Accept-Language': 'fr' });
  await page.setUserAgent('SkriptableTest/1.0');
  let echo = await (await page.goto(base + '/echo')).json();
  console.log('headers', echo.headers['X-Extra'], echo.headers['Accept-Language'], echo.headers['User-Agent']);
  console.log('ua in page', await page.evaluate(() => navigator.userAgent));
  try { await page.setExtraHTTPHeaders({ 'X-Num': 1 }); } catch (e) { console.log('bad header', e.message); }
  await page.setExtraHTTPHeaders({});
  await page.setUserAgent('Meta/2.0', { brands: [{ brand: 'Test', version: '2' }], platform: 'Linux', platformVersion: '', architecture: 'x86', model: '', mobile: false });
  echo = await (await page.goto(base + '/echo')).json();
  console.log('after reset', echo.headers['X-Extra'], echo.headers['User-Agent'], await page.evaluate(() => navigator.userAgentData && navigator.userAgentData.platform));
  await page.setUserAgent({ userAgent: 'Options/3.0', platform: 'Plan9' });
  console.log('options form', await page.evaluate(() => navigator.userAgent + ' ' + navigator.platform));

  // Credentials.
  const noAuth = await page.goto(base + '/net/auth').then(r => r.status(), e => short(e.message));
  console.log('no credentials', noAuth);
  let auth;
  await page.authenticate({ username: 'grace', password: 'hopper' });
  auth = await page.goto(base + '/net/auth');
  console.log('credentials', auth.status(), (await auth.text()).trim());
  await page.authenticate(null);

  // Cache: the second load of /cached comes from the cache unless disabled.
  await page.goto(base + '/net/page');
  const load = () => page.evaluate(u => fetch(u).then(r => r.text()), base + '/cached');
  const cachedFlags = [];
  page.on('response', r => { if (r.url().endsWith('/cached')) cachedFlags.push(r.fromCache()); });
  await load(); await load();
  await page.setCacheEnabled(false);
  await load();
  await page.setCacheEnabled();
  console.log('fromCache', cachedFlags.join(','));

  // Offline.
  await page.setOfflineMode(true);
  const offline = await page.goto(base + '/echo').then(() => 'loaded', e => e.message.split(' at ')[0]);
  console.log('offline', offline);
  await page.setOfflineMode(false);
  console.log('online', (await page.goto(base + '/echo')).status());
  await browser.close();
})();
