// Every selector form and combinator with $, $$, $eval and $$eval: CSS,
// pierce/, text/, xpath/, aria/, the P-selectors ::-p-text, ::-p-xpath,
// ::-p-aria, >>> and >>>> mixed with CSS, on a page with shadow DOM.
const puppeteer = require('puppeteer');
(async () => {
  const browser = await puppeteer.launch();
  const page = await browser.newPage();
  await page.goto(process.env.BASE_URL + '/compat/select-selectors.html');
  const name = (e) => {
    if (e.nodeType !== 1) return e.nodeName + ':' + e.textContent.trim();
    if (e.id) return '#' + e.id;
    if (e.className) return e.nodeName.toLowerCase() + '.' + e.className;
    return e.nodeName.toLowerCase();
  };
  const all = async (sel, root = page) => {
    const hs = await root.$$(sel);
    const names = [];
    for (const h of hs) names.push(await h.evaluate(name));
    return names.join(' ');
  };
  const one = async (sel, root = page) => {
    const h = await root.$(sel);
    return h ? await h.evaluate(name) : 'null';
  };
  const selectors = [
    'button', '#form button', 'li:nth-child(2)', 'li ~ li', '.para, #title',
    'pierce/button', 'pierce/span', 'pierce/.deep', 'pierce/#host',
    'text/Sign in', 'text/Item', 'text/Shadow', 'text/Deep shadow', 'text/ada', 'text/Some notes', 'text/from a script', 'text/Closed', 'text/spaced   text', 'text/nowhere', 'text=Inner',
    'xpath///li', 'xpath=//td[text()="Pear"]', 'xpath///li/text()', 'xpath///*[@id="list"]/li[last()]',
    'aria/Sign in', 'aria/Cancel sign in', 'aria/Remember me', 'aria/[role="button"]', 'aria/Fake button[role="button"]', 'aria/[role="link"]', 'aria/About us[role="link"]', 'aria/Main[role="navigation"]', 'aria/Shadow action', 'aria/Nobody',
    '::-p-text(Sign in)', 'button::-p-text(Sign)', 'form ::-p-text(button)', 'li::-p-text(Item)', 'ul ::-p-text("Item t")', "::-p-text('world')",
    '::-p-xpath(//th)', 'tr ::-p-xpath(./td[1])', 'table::-p-xpath(.//td)',
    '::-p-aria(Sign in)', 'form ::-p-aria([role="button"])', '::-p-aria(Shadow action)', 'nav ::-p-aria([role="link"])',
    '#host >>> span', '#host >>> .deep', '#host >>>> .deep', '#host >>>> p', '#host >>>> #inner-host >>>> span', '>>> button', '>>>> span', 'div >>> button', 'div >>> ::-p-text(Deep)',
    '#host >>> ::-p-aria([role="button"])', ':scope >>> .deep-button', '#closed-host >>> span',
    '::-p-text(Item) > em', 'li::-p-text(four) em', '#list li.hidden::-p-text(three), #title',
  ];
  for (const sel of selectors) {
    console.log(JSON.stringify(sel), '| $:', await one(sel), '| $$:', await all(sel));
  }
  // Relative to an element handle.
  const form = await page.$('#form');
  for (const sel of ['button', 'text/Sign', 'xpath/.//input', 'xpath///h1', 'aria/[role="button"]', '::-p-text(button)', 'pierce/input', ':scope > button']) {
    console.log('form', JSON.stringify(sel), '| $:', await one(sel, form), '| $$:', await all(sel, form));
  }
  const host = await page.$('#host');
  for (const sel of ['>>> span', '>>>> p', 'pierce/span', 'text/Deep', 'span']) {
    console.log('host', JSON.stringify(sel), '| $:', await one(sel, host), '| $$:', await all(sel, host));
  }
  console.log('$eval', await page.$eval('text/Inner', (e, s) => e.className + s, '!'));
  console.log('$$eval', await page.$$eval('#host >>> button', (es) => es.map((e) => e.textContent).join(',')));
  console.log('$$eval aria', await page.$$eval('aria/[role="link"]', (es) => es.length));
  console.log('element $eval', await form.$eval('::-p-aria(Cancel sign in)', (e) => e.id));
  console.log('element $$eval', await form.$$eval('xpath/.//label', (es) => es.map((e) => e.htmlFor)));
  console.log('frame $', await one('pierce/.deep-button', page.mainFrame()));
  await browser.close();
})();
