// Log in to the demo site, check the welcome message and take a screenshot.
const puppeteer = require('puppeteer');

const BASE_URL = process.env.BASE_URL || 'http://127.0.0.1:8080';

(async () => {
  const browser = await puppeteer.launch({
    headless: true,
    defaultViewport: { width: 1280, height: 800 },
  });
  const page = await browser.newPage();
  page.setDefaultTimeout(10000);

  console.log('Opening the login page...');
  const response = await page.goto(`${BASE_URL}/login`, { waitUntil: 'domcontentloaded' });
  console.log('Login page status:', response.status());
  await page.waitForSelector('#username');

  // First try a wrong password, typing with the keyboard like a user would.
  await page.focus('#username');
  await page.keyboard.type('ada');
  await page.focus('#password');
  await page.keyboard.type('wrong-password');
  const [failed] = await Promise.all([
    page.waitForNavigation(),
    page.keyboard.press('Enter'),
  ]);
  const error = await page.$eval('#error', el => el.textContent);
  console.log(`Wrong password rejected (HTTP ${failed.status()}): ${error}`);

  // Now log in for real.
  await page.type('#username', 'ada', { delay: 25 });
  await page.type('#password', 'lovelace');
  console.log('Submitting the login form...');
  await Promise.all([
    page.waitForNavigation({ waitUntil: 'load' }),
    page.click('#login'),
  ]);

  const welcome = await page.$eval('#welcome', el => el.textContent.trim());
  if (welcome !== 'Welcome, ada') {
    throw new Error(`Unexpected welcome message: ${welcome}`);
  }
  console.log('Logged in! The page says:', welcome);
  console.log('Page title:', await page.title());

  await page.screenshot({ path: 'login.png' });
  console.log('Saved login.png');

  await browser.close();
})();
