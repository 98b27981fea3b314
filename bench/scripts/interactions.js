// 50 $evals and 50 clicks on a local page; prints the time the 100
// operations took, measured inside the script (start-up excluded).
const puppeteer = require('puppeteer');
(async () => {
  const browser = await puppeteer.launch();
  const page = await browser.newPage();
  await page.goto(process.env.BASE_URL + '/compat/core-input.html');
  const start = Date.now();
  let n = 0;
  for (let i = 0; i < 50; i++) {
    n += (await page.$eval('#btn', (e) => e.textContent)).length;
  }
  for (let i = 0; i < 50; i++) {
    await page.click('#btn');
  }
  const ms = Date.now() - start;
  const clicks = await page.evaluate(() => window.log.filter((l) => l.startsWith('btn click')).length);
  if (n !== 250 || clicks !== 50) throw new Error(`unexpected results: ${n} chars, ${clicks} clicks`);
  console.log(`ops ${ms}`);
  await browser.close();
})();
