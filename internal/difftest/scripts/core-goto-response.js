// goto's response for pages, redirects, error statuses and failures.
const puppeteer = require('puppeteer');
const base = process.env.BASE_URL;
(async () => {
  const browser = await puppeteer.launch();
  const page = await browser.newPage();
  let res = await page.goto(base + '/login');
  console.log('login', res.status(), res.ok(), res.statusText(), res.url() === base + '/login');
  console.log('content-type', res.headers()['content-type']);
  console.log('request', res.request().method(), res.request().resourceType(), res.request().isNavigationRequest());
  res = await page.goto(base + '/status/404');
  console.log('404', res.status(), res.ok(), await page.evaluate(() => document.body.innerText.trim()));
  res = await page.goto(base + '/status/500');
  console.log('500', res.status(), res.ok());
  res = await page.goto(base + '/redirect?to=/products');
  console.log('redirect', res.status(), res.url() === base + '/products', page.url() === base + '/products');
  const chain = res.request();
  console.log('after redirect title', await page.title());
  res = await page.goto(base + '/products#section');
  console.log('hash nav', res === null ? 'null' : res.status(), page.url().endsWith('#section'));
  try {
    await page.goto('http://127.0.0.1:1/nothing');
  } catch (e) {
    console.log('refused:', e.name, e.message.replace(/:1\b/, ':PORT'));
  }
  try {
    await page.goto('not a url');
  } catch (e) {
    console.log('invalid:', e.name, e.message);
  }
  res = await page.goto('about:blank');
  console.log('about:blank', res);
  res = await page.goto('data:text/html,<title>data</title>');
  console.log('data url', res === null ? 'null' : res.status(), await page.title());
  await browser.close();
})();
