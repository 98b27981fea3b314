// Members removed in Puppeteer 22 that Skriptable keeps for old scripts:
// puppeteer.devices, puppeteer.networkConditions,
// browser.createIncognitoBrowserContext and browserContext.isIncognito.
const puppeteer = require('puppeteer');
(async () => {
  console.log('devices', typeof puppeteer.devices, puppeteer.devices && puppeteer.devices === puppeteer.KnownDevices);
  console.log('networkConditions', typeof puppeteer.networkConditions);
  const browser = await puppeteer.launch();
  console.log('createIncognitoBrowserContext', typeof browser.createIncognitoBrowserContext);
  if (browser.createIncognitoBrowserContext) {
    const ctx = await browser.createIncognitoBrowserContext();
    console.log('incognito', ctx.isIncognito(), browser.defaultBrowserContext().isIncognito());
    const page = await ctx.newPage();
    await page.emulate(puppeteer.devices['iPhone 6']);
    console.log('width', await page.evaluate(() => innerWidth));
    await ctx.close();
  }
  await browser.close();
})();
