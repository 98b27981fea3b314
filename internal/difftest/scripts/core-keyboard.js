// Keyboard: type, press, down/up with modifiers, sendCharacter.
const puppeteer = require('puppeteer');
(async () => {
  const browser = await puppeteer.launch();
  const page = await browser.newPage();
  await page.goto(process.env.BASE_URL + '/compat/core-input.html');
  await page.focus('#name');
  await page.keyboard.type('Hi!', { delay: 5 });
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('Backspace');
  await page.keyboard.down('Shift');
  await page.keyboard.press('KeyA');
  await page.keyboard.up('Shift');
  await page.keyboard.sendCharacter('嗨');
  await page.keyboard.press('Enter');
  console.log('value', await page.$eval('#name', (e) => e.value));
  await page.type('#notes', 'line1\nline2');
  await page.keyboard.down('Control');
  await page.keyboard.press('a');
  await page.keyboard.up('Control');
  await page.keyboard.press('Delete');
  await page.keyboard.type('ok', { delay: 1 });
  console.log('notes', JSON.stringify(await page.$eval('#notes', (e) => e.value)));
  const log = await page.evaluate(() => window.log);
  console.log(log.join('\n'));
  try {
    await page.keyboard.press('NoSuchKey');
  } catch (e) {
    console.log(e.message);
  }
  await browser.close();
})();
