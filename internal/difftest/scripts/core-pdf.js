// PDFs: formats, landscape, ranges, background, returned buffer.
const puppeteer = require('puppeteer');
(async () => {
  const browser = await puppeteer.launch();
  const page = await browser.newPage();
  await page.goto(process.env.BASE_URL + '/products');
  await page.pdf({ path: 'a4.pdf', format: 'A4' });
  await page.pdf({ path: 'letter-landscape.pdf', format: 'letter', landscape: true, printBackground: true });
  await page.goto(process.env.BASE_URL + '/screenshot');
  await page.pdf({ path: 'tall.pdf', width: '400px', height: '300px' });
  await page.pdf({ path: 'range.pdf', width: '400px', height: '300px', pageRanges: '1-2' });
  const buf = await page.pdf({ format: 'A5', margin: { top: '1cm', bottom: '1cm' } });
  console.log('buffer starts', Buffer.from(buf).subarray(0, 5).toString());
  await browser.close();
})();
