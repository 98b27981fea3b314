// Dialogs: alert, confirm, prompt; accept with text, dismiss.
const puppeteer = require('puppeteer');
(async () => {
  const browser = await puppeteer.launch();
  const page = await browser.newPage();
  await page.goto(process.env.BASE_URL + '/compat/core-dialogs.html');
  const answers = [['accept'], ['accept'], ['accept', 'Grace'], ['dismiss']];
  page.on('dialog', async (d) => {
    console.log('dialog', d.type(), JSON.stringify(d.message()), JSON.stringify(d.defaultValue()));
    const [how, text] = answers.shift();
    if (how === 'accept') await d.accept(text);
    else await d.dismiss();
  });
  for (const id of ['#alert', '#confirm', '#prompt', '#prompt']) {
    await page.click(id);
    console.log(await page.$eval('#out', (e) => e.textContent));
  }
  await browser.close();
})();
