// Scrape the product list, then filter it by category.
const puppeteer = require('puppeteer');

const BASE_URL = process.env.BASE_URL || 'http://127.0.0.1:8080';

(async () => {
  const browser = await puppeteer.launch({ headless: true });
  const page = await browser.newPage();
  await page.goto(`${BASE_URL}/products`, { waitUntil: 'networkidle0' });

  const products = await page.$$eval('ul#products > li.product', items =>
    items.map(item => ({
      name: item.querySelector('.name').textContent,
      price: item.querySelector('.price').textContent,
      soldOut: item.classList.contains('sold-out'),
    }))
  );
  console.log('Products:');
  console.log(products);

  const total = products.reduce((sum, p) => sum + parseFloat(p.price.replace('$', '')), 0);
  const soldOut = await page.$$('li.product.sold-out');
  console.log(`Found ${products.length} products worth $${total.toFixed(2)} in total, ${soldOut.length} sold out`);

  const third = await page.$eval('li.product:nth-child(3) .name', el => el.textContent);
  console.log('Third product:', third);

  // Pick the "Mugs" category the way a user would, firing the change event.
  await page.evaluate(() => {
    const select = document.querySelector('#category');
    select.value = 'mugs';
    select.dispatchEvent(new Event('change', { bubbles: true }));
  });
  const mugs = await page.$$eval('#products li.product .name', els => els.map(el => el.textContent));
  console.log(`After filtering by mugs: ${mugs.length} products (${mugs.join(', ')})`);

  const shown = await page.$('#shown');
  console.log('Summary line:', await page.evaluate(el => el.textContent, shown));

  await page.close();
  await browser.close();
})();
