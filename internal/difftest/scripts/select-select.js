// page.select, frame.select and elementHandle.select on single and
// multiple selects, with any selector form, and their errors.
const puppeteer = require('puppeteer');
(async () => {
  const browser = await puppeteer.launch();
  const page = await browser.newPage();
  await page.goto(process.env.BASE_URL + '/compat/select-form.html');
  const log = () => page.$eval('#log', (e) => { const t = e.textContent; e.textContent = ''; return t; });
  const state = () => page.evaluate(() => [...document.querySelectorAll('select')].map((s) => s.id + ':' + [...s.selectedOptions].map((o) => o.value).join(',')).join(' '));

  console.log('single', await page.select('#single', 'pear'), await state(), await log());
  console.log('single, first matching option', await page.select('#single', 'nothing', 'plum', 'apple'), await state(), await log());
  console.log('single, no match', await page.select('#single', 'nothing'), await state(), await log());
  console.log('multi', await page.select('#multi', 'b', 'd', 'zzz'), await state(), await log());
  console.log('multi, none', await page.select('#multi'), await state(), await log());
  console.log('frame, aria selector', await page.mainFrame().select('select[multiple]', 'c'), await state(), await log());
  const single = await page.$('#single');
  console.log('element', await single.select('apple'), await state(), await log());
  console.log('text selector', await page.select('xpath///select[@id="single"]', 'plum'), await state(), await log());

  for (const [what, fn] of [
    ['not a select', () => page.select('#text', 'x')],
    ['missing element', () => page.select('#nope', 'x')],
    ['missing element and bad value', () => page.select('#nope', 1)],
    ['number value', () => page.select('#single', 'apple', 42)],
    ['null value', () => single.select(null)],
    ['object value', () => single.select({})],
    ['bad selector type', () => page.select(7, 'x')],
  ]) {
    try {
      console.log(what, await fn());
    } catch (e) {
      console.log(what, '->', e.name + ': ' + e.message.split('\n')[0]);
    }
  }
  console.log('unchanged', await state(), JSON.stringify(await log()));
  await browser.close();
})();
