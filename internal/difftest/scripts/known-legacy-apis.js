// APIs removed from Puppeteer that Skriptable keeps for old scripts.
const puppeteer = require('puppeteer');
(async () => {
  const browser = await puppeteer.launch();
  const page = await browser.newPage();
  await page.goto(process.env.BASE_URL + '/delayed?ms=100');
  console.log('waitForTimeout', typeof page.waitForTimeout);
  console.log('waitFor', typeof page.waitFor);
  console.log('errors', typeof puppeteer.errors);
  if (page.waitForTimeout) await page.waitForTimeout(10);
  if (page.waitFor) {
    await page.waitFor(10);
    await page.waitFor('#late');
    await page.waitFor(() => true);
    console.log('waitFor forms work');
  }
  await browser.close();
})();
