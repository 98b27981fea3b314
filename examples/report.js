// Save the product page as a full-page screenshot, a cropped JPEG and a PDF.
const puppeteer = require('puppeteer');

const BASE_URL = process.env.BASE_URL || 'http://127.0.0.1:8080';

(async () => {
  const browser = await puppeteer.launch({
    headless: true,
    defaultViewport: { width: 1280, height: 720 },
  });
  const page = await browser.newPage();
  page.setDefaultNavigationTimeout(20000);

  const response = await page.goto(`${BASE_URL}/products`, { waitUntil: 'networkidle0' });
  if (!response.ok()) {
    throw new Error(`Could not load the product page: HTTP ${response.status()}`);
  }
  console.log('Building a report for:', await page.title());

  await page.screenshot({ path: 'report-full.png', fullPage: true });
  console.log('Saved report-full.png (full page)');

  await page.screenshot({
    path: 'report-header.jpg',
    type: 'jpeg',
    quality: 80,
    clip: { x: 0, y: 0, width: 640, height: 120 },
  });
  console.log('Saved report-header.jpg (header only)');

  await page.pdf({ path: 'report.pdf', format: 'A4' });
  console.log('Saved report.pdf');

  await browser.close();
  console.log('Report done.');
})();
