// Network events: request → response → requestfinished per request (and a
// redirect chain's hops in order), requestfailed, the identity of the
// request/response objects, and HTTPRequest/HTTPResponse members.
const puppeteer = require('puppeteer');
(async () => {
  const browser = await puppeteer.launch();
  const page = await browser.newPage();
  const base = process.env.BASE_URL;
  const short = u => u.replace(base, 'BASE');
  const seq = new Map();
  const note = (u, what) => { if (u.includes('favicon')) return; if (!seq.has(u)) seq.set(u, []); seq.get(u).push(what); };
  const reqs = [];
  page.on('request', r => { if (!r.url().includes('favicon')) reqs.push(r); note(short(r.url()), 'request'); });
  page.on('response', r => note(short(r.url()), 'response ' + r.status()));
  page.on('requestfinished', r => note(short(r.url()), 'finished'));
  page.on('requestfailed', r => note(short(r.url()), 'failed ' + r.failure().errorText));
  const res = await page.goto(base + '/net/page', { waitUntil: 'networkidle0' });
  console.log('goto', res.status(), res.ok(), res.statusText(), short(res.url()));
  for (const [u, evs] of [...seq.entries()].sort()) console.log(u, evs.join(' > '));
  for (const r of reqs.slice().sort((a, b) => a.url() < b.url() ? -1 : 1)) {
    const resp = r.response();
    console.log(short(r.url()), r.method(), r.resourceType(), r.isNavigationRequest(),
      r.frame() === page.mainFrame(), resp && resp.request() === r, resp && resp.status(),
      resp && resp.headers()['content-type'], r.failure(), r.redirectChain().length,
      typeof r.headers()['user-agent'], r.postData(), r.hasPostData());
  }
  const data = reqs.find(r => r.url().endsWith('/data.json')).response();
  console.log('text', await data.text());
  console.log('json', JSON.stringify(await data.json()));
  const buf = await data.buffer();
  console.log('buffer', Buffer.isBuffer(buf), buf.length, buf.toString('utf8', 0, 7));
  const content = await data.content();
  console.log('content', content instanceof Uint8Array, content.length);
  console.log('fromCache', data.fromCache(), 'sw', data.fromServiceWorker(), 'security', data.securityDetails());
  console.log('remote', data.remoteAddress().ip, typeof data.remoteAddress().port);
  console.log('timing', typeof data.timing(), typeof data.timing().requestTime);
  console.log('initiator', data.request().initiator().type);
  console.log('frame', data.frame() === page.mainFrame());

  // Redirects: each hop is its own request; the final one has the chain.
  seq.clear(); reqs.length = 0;
  const r2 = await page.goto(base + '/net/redirect/2');
  console.log('redirect', r2.status(), short(r2.url()), await r2.text());
  for (const [u, evs] of seq.entries()) console.log(' ', u, evs.join(' > '));
  const chain = r2.request().redirectChain();
  console.log('chain', chain.map(r => short(r.url()) + ' ' + r.response().status()).join(', '));
  console.log('chain[0] response', chain[0].response().headers().location, chain[0].response().ok());
  try { await chain[0].response().text(); } catch (e) { console.log('redirect body:', e.message); }
  console.log('same objects', reqs[0] === chain[0], reqs[2] === r2.request());

  // A failed request.
  seq.clear();
  await page.evaluate(u => fetch(u).catch(() => 'failed'), 'http://127.0.0.1:1/nothing');
  await new Promise(r => setTimeout(r, 200));
  for (const [u, evs] of [...seq.entries()].sort()) console.log('fail', u, evs.join(' > '));

  // POST data.
  const [post] = await Promise.all([
    page.waitForRequest(r => r.method() === 'POST'),
    page.evaluate(u => fetch(u, { method: 'POST', body: 'a=1&b=2' }).then(r => r.text()), base + '/echo'),
  ]);
  console.log('post', post.postData(), post.hasPostData(), post.resourceType(), post.headers()['content-type'], await post.fetchPostData());
  await browser.close();
})();
