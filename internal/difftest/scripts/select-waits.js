// waitForSelector (page, frame, element) with every selector form, for
// elements that appear, change or hide later; timeouts name the selector.
const puppeteer = require('puppeteer');
(async () => {
  const browser = await puppeteer.launch();
  const page = await browser.newPage();
  await page.goto(process.env.BASE_URL + '/compat/select-selectors.html');
  const later = (ms, fn) => page.evaluate((ms, src) => { setTimeout(() => (0, eval)(src)(), ms); }, ms, '(' + fn.toString() + ')');
  const id = (h) => (h ? h.evaluate((e) => e.id || e.className || e.nodeName) : 'null');

  await later(50, () => document.body.insertAdjacentHTML('beforeend', '<p id="late-text">Arrived late</p>'));
  console.log('text/', await id(await page.waitForSelector('text/Arrived late')));

  await later(50, () => document.body.insertAdjacentHTML('beforeend', '<div id="late-x"><i>xp</i></div>'));
  console.log('xpath/', await id(await page.waitForSelector('xpath///div[@id="late-x"]/i')));

  await later(50, () => document.querySelector('#fake-button').setAttribute('aria-label', 'Renamed'));
  console.log('aria/', await id(await page.waitForSelector('aria/Renamed[role="button"]')));

  await later(50, () => {
    const d = document.createElement('div');
    d.id = 'late-host';
    d.attachShadow({ mode: 'open' }).innerHTML = '<b class="in-late-shadow">deep</b>';
    document.body.append(d);
  });
  console.log('>>>', await id(await page.waitForSelector('#late-host >>> b')));
  console.log('pierce/', await id(await page.waitForSelector('pierce/.in-late-shadow')));

  await later(50, () => { document.querySelector('#list').insertAdjacentHTML('beforeend', '<li data-n="5">Item five</li>'); });
  console.log('::-p-text', await id(await page.waitForSelector('#list ::-p-text(five)')));

  // visible / hidden with P-selectors.
  await later(50, () => document.querySelector('li.hidden').classList.remove('hidden'));
  const three = await page.waitForSelector('li::-p-text(three)', { visible: true });
  console.log('visible', await three.evaluate((e) => e.dataset.n));
  await later(50, () => { document.querySelector('li[data-n="3"]').style.visibility = 'collapse'; });
  console.log('hidden (collapse)', await id(await page.waitForSelector('li::-p-text(three)', { hidden: true })));
  console.log('isVisible collapse', await three.isVisible(), await three.isHidden());

  // Relative to an element, and through the main frame.
  const list = await page.$('#list');
  await later(50, () => { document.querySelector('#list').insertAdjacentHTML('beforeend', '<li data-n="6">Item six</li>'); });
  console.log('element text/', await id(await list.waitForSelector('text/six')));
  console.log('frame aria/', await id(await page.mainFrame().waitForSelector('aria/Sign in')));

  for (const sel of ['text/Never there', '::-p-text(Never)', 'aria/Nobody', 'xpath///never', '#host >>> .never']) {
    try {
      await page.waitForSelector(sel, { timeout: 200 });
    } catch (e) {
      console.log(e.name + ': ' + e.message, e instanceof puppeteer.TimeoutError, String(e.cause && e.cause.message));
    }
  }
  await browser.close();
})();
