// HTTPResponse and HTTPRequest from page.goto: status, ok, statusText,
// headers, url, request(), method, resourceType, isNavigationRequest.
const puppeteer = require('puppeteer');
(async () => {
  const browser = await puppeteer.launch();
  const page = await browser.newPage();
  const base = process.env.BASE_URL;
  for (const path of ['/products', '/status/404', '/status/500', '/redirect']) {
    const res = await page.goto(base + path);
    const req = res.request();
    console.log(path, res.status(), res.ok(), JSON.stringify(res.statusText()), res.url().replace(base, 'BASE'));
    console.log('  content-type', res.headers()['content-type'], 'fromCache', res.fromCache(), 'fromServiceWorker', res.fromServiceWorker());
    console.log('  request', req.method(), req.resourceType(), req.isNavigationRequest(), req.url().replace(base, 'BASE'), req.response() === res);
    console.log('  frame', res.frame() === page.mainFrame(), req.frame() === page.mainFrame(), 'failure', req.failure(), 'hasPostData', req.hasPostData());
    console.log('  remote', res.remoteAddress().ip, typeof res.remoteAddress().port);
  }
  const same = await page.goto(base + '/redirect#frag');
  console.log('hash-only nav', same === null || same.status());
  await browser.close();
})();
