// process.exit with a status ends the run at once.
const puppeteer = require('puppeteer');
(async () => {
  const browser = await puppeteer.launch();
  const page = await browser.newPage();
  await page.goto(process.env.BASE_URL + '/');
  console.log('title', await page.title());
  await browser.close();
  process.exitCode = 0;
  if ((await page.isClosed()) === false) console.log('page still open?');
  process.exit(4);
})();
