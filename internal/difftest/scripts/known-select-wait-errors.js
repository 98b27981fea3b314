// waitForSelector with a selector the page cannot run: Puppeteer's poller
// dies and the wait times out; Skriptable fails at once and says why.
const puppeteer = require('puppeteer');
(async () => {
  const browser = await puppeteer.launch();
  const page = await browser.newPage();
  await page.goto(process.env.BASE_URL + '/compat/select-selectors.html');
  for (const sel of ['##bad', 'xpath/!!', '::-p-nope(x)', 'aria/[foo="x"]', 'pierce/##']) {
    try {
      await page.waitForSelector(sel, { timeout: 300 });
      console.log(sel, 'found');
    } catch (e) {
      console.log(sel, '->', e.name + ': ' + e.message);
    }
  }
  try {
    await page.locator('##bad').setTimeout(300).click();
  } catch (e) {
    console.log('locator ->', e.name + ': ' + e.message);
  }
  await browser.close();
})();
