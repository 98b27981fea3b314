// Request interception: continue with overrides, abort with error codes,
// respond with status/headers/contentType/body, resolution state, the
// cooperative (priority) mode, and the errors of misuse.
const puppeteer = require('puppeteer');
(async () => {
  const browser = await puppeteer.launch();
  const page = await browser.newPage();
  const base = process.env.BASE_URL;
  const short = u => u.replace(base, 'BASE');

  // Interception off: the state says so and continue() throws.
  let first;
  page.once('request', r => { first = r; });
  await page.goto(base + '/echo');
  console.log('disabled', JSON.stringify(first.interceptResolutionState()), first.isInterceptResolutionHandled());
  try { await first.continue(); } catch (e) { console.log('continue without interception:', e.message); }

  await page.setRequestInterception(true);
  const log = [];
  const handler = async req => {
    const u = req.url();
    if (u.includes('favicon')) return req.abort('blockedbyclient');
    log.push(['intercepted', short(u), req.method(), JSON.stringify(req.interceptResolutionState())].join(' '));
    if (u.endsWith('/style.css') || u.endsWith('/pixel.svg')) {
      await req.abort(u.endsWith('.css') ? 'accessdenied' : undefined);
    } else if (u.endsWith('/data.json')) {
      await req.respond({ status: 201, headers: { 'X-Mock': 'yes', 'X-Multi': ['a', 'b'] }, contentType: 'application/json', body: '{"items":[9]}' });
    } else if (u.endsWith('/app.js')) {
      await req.respond({ body: Buffer.from('console.log("mocked script")'), contentType: 'text/javascript' });
    } else if (u.includes('/echo?rewrite')) {
      await req.continue({ url: base + '/echo?rewritten=1', method: 'POST', postData: 'x=1', headers: { ...req.headers(), 'x-added': 'yes' } });
    } else {
      await req.continue();
    }
    log.push(['handled', short(u), req.isInterceptResolutionHandled(), JSON.stringify(req.interceptResolutionState())].join(' '));
  };
  page.on('request', handler);
  const failed = [];
  page.on('requestfailed', r => { if (!r.url().includes('favicon')) failed.push(short(r.url()) + ' ' + r.failure().errorText); });
  const res = await page.goto(base + '/net/page', { waitUntil: 'networkidle0' });
  console.log('page', res.status(), await page.$eval('#out', e => e.textContent));
  console.log('failed', failed.sort().join(' | '));
  console.log(log.sort().join('\n'));
  log.length = 0;
  const resp = await page.waitForResponse(() => true, { timeout: 1 }).catch(e => e.name);
  console.log('late wait', resp);

  const echoed = await page.evaluate(u => fetch(u).then(r => r.json()), base + '/echo?rewrite');
  console.log('rewritten', echoed.method, JSON.stringify(echoed.query), echoed.body, echoed.headers['X-Added']);
  const mocked = await page.evaluate(u => fetch(u).then(async r => [r.status, r.statusText, r.headers.get('x-mock'), r.headers.get('x-multi'), r.headers.get('content-type'), r.headers.get('content-length'), await r.text()]), base + '/net/data.json');
  console.log('mocked', JSON.stringify(mocked));
  console.log(log.sort().join('\n'));

  // Misuse: handled twice, unknown error code.
  page.off('request', handler);
  const caught = [];
  page.on('request', async req => {
    if (req.url().includes('favicon')) return req.abort();
    try { await req.abort('nonsense'); } catch (e) { caught.push(e.message); }
    await req.continue();
    try { await req.continue(); } catch (e) { caught.push(e.message); }
    try { await req.respond({ body: 'x' }); } catch (e) { caught.push(e.message); }
  });
  await page.goto(base + '/echo');
  console.log('errors', caught.join(' | '));
  page.removeAllListeners('request');

  // Cooperative mode: the highest priority wins; ties prefer abort, then respond.
  const states = [];
  page.on('request', req => {
    if (req.url().includes('favicon')) return req.abort('failed', 0);
    req.continue({ headers: { ...req.headers(), 'x-coop': '1' } }, 1);
    states.push(JSON.stringify(req.interceptResolutionState()));
  });
  page.on('request', req => {
    if (req.url().includes('favicon')) return;
    if (req.url().includes('mock')) req.respond({ status: 200, contentType: 'text/plain', body: 'cooperative' }, 2);
    if (req.url().includes('block')) req.abort('connectionrefused', 1);
    states.push(JSON.stringify(req.interceptResolutionState()));
  });
  page.on('request', req => {
    if (req.url().includes('favicon')) return;
    states.push([!!req.continueRequestOverrides().headers, req.responseForRequest() && req.responseForRequest().body, req.abortErrorReason()].join(','));
  });
  page.on('request', req => {
    if (!req.url().includes('late')) return;
    req.enqueueInterceptAction(async () => {
      await new Promise(r => setTimeout(r, 30));
      req.respond({ status: 200, contentType: 'text/plain', body: 'late vote' }, 3);
      states.push('late ' + JSON.stringify(req.interceptResolutionState()));
    });
  });
  page.on('request', async req => {
    if (!req.url().includes('async')) return;
    await new Promise(r => setTimeout(r, 30));
    req.respond({ status: 200, contentType: 'text/plain', body: 'async vote' }, 3);
  });
  await page.goto(base + '/echo?async');
  console.log('coop async', await page.evaluate(() => document.body.textContent));
  await page.goto(base + '/echo?mock');
  console.log('coop mock', await page.evaluate(() => document.body.textContent));
  await page.goto(base + '/echo?late');
  console.log('coop late', await page.evaluate(() => document.body.textContent.includes('late vote') ? 'late vote' : 'echo'));
  const echo2 = await page.goto(base + '/echo?plain');
  console.log('coop continue', (await echo2.json()).headers['X-Coop']);
  const blocked = await page.goto(base + '/echo?block').catch(e => e.message);
  console.log('coop abort', short(blocked));
  console.log('states', states.join(' | '));

  page.removeAllListeners('request');
  await page.setRequestInterception(false);
  const back = await page.goto(base + '/echo');
  console.log('off again', back.status());
  await browser.close();
})();
