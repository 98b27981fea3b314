// goBack, goForward and reload return responses and move the URL.
const puppeteer = require('puppeteer');
const base = process.env.BASE_URL;
const path = (u) => u.startsWith(base) ? u.slice(base.length) : u;
(async () => {
  const browser = await puppeteer.launch();
  const page = await browser.newPage();
  await page.goBack().catch((e) => console.log('back on a fresh page:', e.message));
  await page.goto(base + '/login');
  await page.goto(base + '/products');
  await page.goto(base + '/search');
  let r = await page.goBack();
  console.log('back', path(page.url()), r && r.status());
  r = await page.goBack();
  console.log('back', path(page.url()), r && r.status());
  r = await page.goForward();
  console.log('forward', path(page.url()), r && r.status());
  r = await page.reload();
  console.log('reload', path(page.url()), r && r.status(), await page.title());
  await page.goto(base + '/products#a');
  await page.goto(base + '/products#b');
  r = await page.goBack();
  console.log('back within the document', path(page.url()), r);
  await page.goForward();
  await page.goForward().catch((e) => console.log('forward past the end:', e.message, path(page.url())));
  await browser.close();
})();
