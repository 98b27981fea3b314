// End-to-end test of the dashboard, run by Skriptable's own runner
// (see e2e_test.go). It prints "e2e: all checks passed" at the end and
// throws on the first failed check.
const puppeteer = require('puppeteer');

const BASE = process.env.BASE_URL;
const KEY = process.env.KEY;
const SITE = process.env.SITE_URL;

// The script the test creates through the dashboard. Its first log line
// tries to inject markup; FAIL=1 makes it fail on the marked line.
const SRC = [
  "const puppeteer = require('puppeteer');",
  '',
  '(async () => {',
  '  console.log(\'<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>\');',
  '  const browser = await puppeteer.launch();',
  '  const page = await browser.newPage();',
  "  await page.goto(process.env.BASE_URL + '/screenshot');",
  "  console.log('step 1: page loaded');",
  '  await new Promise((r) => setTimeout(r, 1500));',
  "  await page.screenshot({ path: 'shots/home.png' });",
  "  console.log('step 2: screenshot taken');",
  '  await new Promise((r) => setTimeout(r, 1500));',
  '  await browser.close();',
  "  if (process.env.FAIL === '1') {",
  "    throw new Error('checkout button missing');",
  '  }',
  '})();',
  '',
].join('\n');
const FAIL_LINE = SRC.split('\n').findIndex((l) => l.includes('throw new Error')) + 1;

function check(cond, what) {
  if (!cond) throw new Error(`check failed: ${what}`);
  console.log(`ok - ${what}`);
}

async function waitText(page, sel, text, timeout = 30000) {
  await page.waitForFunction((s, t) => [...document.querySelectorAll(s)].some((e) => e.textContent.includes(t)),
    {timeout}, sel, text);
}

// watch records uncaught errors and CSP violations in the document (again
// after every full load).
async function watch(page) {
  await page.evaluate(() => {
    window.__problems = [];
    addEventListener('error', (e) => window.__problems.push(`error: ${e.message}`));
    addEventListener('unhandledrejection', (e) => window.__problems.push(`unhandled: ${e.reason}`));
    document.addEventListener('securitypolicyviolation', (e) => window.__problems.push(`CSP: ${e.violatedDirective} ${e.blockedURI}`));
  });
}

async function collect(page, problems) {
  problems.push(...(await page.evaluate(() => window.__problems || [])));
}

async function text(page, sel) {
  return page.$eval(sel, (e) => e.textContent);
}

// snap saves the page at 1280×800 and at phone width (390 px), after
// checking that every control on it has a label.
async function snap(page, name) {
  const unlabelled = await page.evaluate(() => [...document.querySelectorAll('input, select, textarea, button')]
    .filter((el) => !(el.labels && el.labels.length) && !el.getAttribute('aria-label') && !(el.tagName === 'BUTTON' && el.textContent.trim()))
    .map((el) => el.outerHTML.slice(0, 80)));
  check(unlabelled.length === 0, `${name}: every control is labelled${unlabelled.length ? `: ${unlabelled.join(' ')}` : ''}`);
  await page.setViewport({width: 390, height: 844});
  await new Promise((r) => setTimeout(r, 300));
  await page.screenshot({path: `shots/${name}-phone.png`, fullPage: true});
  await page.setViewport({width: 1280, height: 800});
  await new Promise((r) => setTimeout(r, 300));
  await page.screenshot({path: `shots/${name}-desktop.png`, fullPage: true});
}

let failPage = null;
(async () => {
  const browser = await puppeteer.launch();
  const page = await browser.newPage();
  failPage = page;
  await page.setViewport({width: 1280, height: 800});
  const problems = [];
  page.on('dialog', (d) => d.accept());

  // Sign in: a wrong key is refused, the right one lands on the overview.
  await page.goto(`${BASE}/`);
  await watch(page);
  await page.waitForSelector('#signin-key');
  await snap(page, '01-signin');
  await page.type('#signin-key', 'sk_wrong');
  await page.keyboard.press('Enter');
  await waitText(page, '.signin .error', 'invalid API key');
  check(true, 'a wrong key is refused with a message');
  await page.$eval('#signin-key', (e) => { e.value = ''; });
  await page.type('#signin-key', KEY);
  await page.keyboard.press('Enter');
  await waitText(page, 'h1', 'Overview');
  check(!(await page.evaluate(() => document.cookie)).includes('skriptable_session'), 'the session cookie is HttpOnly');
  await snap(page, '02-overview-empty');

  // Create a script.
  await page.click('a[href="#/scripts/new"]');
  await page.waitForSelector('form .editor textarea');
  await page.type('form input[type=text]', 'checkout flow');
  await page.$eval('.editor textarea', (e, src) => { e.value = src; e.dispatchEvent(new Event('input')); }, SRC);
  // The editor re-renders (and grows) on the next frame; click after that.
  await page.waitForFunction((n) => document.querySelectorAll('.gutter-inner > div').length === n, {}, SRC.split('\n').length);
  await page.click('form button[type=submit]');
  await page.waitForFunction(() => /^#\/scripts\/[0-9A-Z]+$/.test(location.hash));
  await waitText(page, 'h1', 'checkout flow');
  const scriptID = await page.evaluate(() => location.hash.split('/')[2]);
  check(await page.$$eval('.code .line .tk-kw', (els) => els.length) > 3, 'the editor highlights keywords');
  check((await page.$$eval('.gutter-inner > div', (els) => els.length)) === SRC.split('\n').length, 'the editor numbers every line');

  // Parameter: where the script goes.
  await page.type('section[aria-labelledby="par-h"] input[pattern]', 'BASE_URL');
  const valueInput = (await page.$$('section[aria-labelledby="par-h"] form input'))[1];
  await valueInput.type(SITE);
  await page.click('section[aria-labelledby="par-h"] form button[type=submit]');
  await waitText(page, 'section[aria-labelledby="par-h"] td', SITE);
  check(true, 'a parameter is set');

  // A secret is accepted and never shown.
  await page.type('section[aria-labelledby="sec-h"] input[pattern]', 'PASSWORD');
  await page.type('section[aria-labelledby="sec-h"] input[type=password]', 'hunter2-secret-value');
  await page.click('section[aria-labelledby="sec-h"] form button[type=submit]');
  await waitText(page, 'section[aria-labelledby="sec-h"] li', 'PASSWORD');
  check(!(await page.evaluate(() => document.body.textContent.includes('hunter2'))), 'the secret value is not shown');

  // Schedule every minute, with a live preview.
  await page.type('section[aria-labelledby="sch-h"] input[placeholder]', '* * * * *');
  await waitText(page, '#cron-preview', 'every minute — next at');
  check(true, `the schedule preview reads "${await text(page, '#cron-preview')}"`);
  await page.click('section[aria-labelledby="sch-h"] form button[type=submit]');
  await waitText(page, '.schedules li', 'every minute — next at');
  await snap(page, '03-script');

  // Save a second version and look at its diff.
  await page.$eval('.editor textarea', (e) => {
    e.value = e.value.replace("console.log('step 2: screenshot taken');", "console.log('step 2: screenshot saved');");
    e.dispatchEvent(new Event('input'));
  });
  await page.click('.page-head .primary');
  await waitText(page, 'h1 .pill', 'v2');
  await waitText(page, '.versions li', 'v2');
  await page.click('.versions li button');
  await waitText(page, '.diff-box h3', 'Changes from v1 to v2');
  check((await page.$$eval('.dl.add', (e) => e.length)) === 1 && (await page.$$eval('.dl.del', (e) => e.length)) === 1, 'the diff shows one line changed');

  // Run now with an override that makes it fail; watch it live.
  await page.type('section[aria-labelledby="run-h"] textarea', 'FAIL=1');
  await page.click('section[aria-labelledby="run-h"] button[type=submit]');
  await page.waitForFunction(() => location.hash.startsWith('#/runs/'));
  await page.evaluate(() => { window.__sameDocument = true; });
  await waitText(page, '#log', 'step 1: page loaded', 60000);
  const liveStatus = await text(page, 'h1 .badge');
  if (liveStatus !== 'running') console.log(await text(page, '#log'), await page.evaluate(() => document.querySelector('.errbox') && document.querySelector('.errbox').textContent));
  check(liveStatus === 'running', `the log streams while the run is ${liveStatus}`);
  await snap(page, '04-run-live');
  await waitText(page, 'h1 .badge', 'failed', 60000);
  check(await page.evaluate(() => window.__sameDocument === true), 'the page followed the run without a reload');
  check((await text(page, '#log')).includes('step 2: screenshot saved'), 'the log has every line');
  const timeline = await text(page, '.timeline');
  check(timeline.includes('step 1: page loaded') && !timeline.includes('[object'), 'without test steps, the timeline follows the log');

  // Markup in the log is text.
  check((await text(page, '#log')).includes('<script>window.__xss=2</script>'), 'a <script> in the log shows as text');
  check((await page.$$eval('#log script, #log img', (e) => e.length)) === 0, 'the log contains no elements from the run');
  check(await page.evaluate(() => window.__xss === undefined), 'nothing from the log ran');

  // The error points at its line, in the error box and the source.
  await waitText(page, '.errbox h2', `Error at line ${FAIL_LINE}`);
  check((await text(page, '.gutter .marked')) === String(FAIL_LINE), `line ${FAIL_LINE} is marked in the source`);
  check((await text(page, '.errbox pre')).includes('checkout button missing'), 'the error message is shown');

  // The screenshot shows inline and enlarges.
  await page.waitForFunction(() => { const i = document.querySelector('.shot img'); return i && i.complete && i.naturalWidth > 0; }, {timeout: 30000});
  check(true, 'the screenshot loads inline');
  check((await page.$$eval('a[download]', (e) => e.map((a) => a.textContent))).includes('shots/home.png'), 'the artifact can be downloaded');
  await snap(page, '05-run-failed');
  await page.click('.shot-btn');
  await page.waitForSelector('dialog.lightbox[open] img');
  await page.screenshot({path: 'shots/06-lightbox-desktop.png'});
  await page.keyboard.press('Escape');
  await page.waitForFunction(() => !document.querySelector('dialog.lightbox'));
  check(true, 'the screenshot enlarges and closes with Escape');

  // The script page marks the failing line too.
  await page.click(`.crumbs a[href="#/scripts/${scriptID}"]`);
  await page.waitForSelector('section[aria-labelledby="run-h"]'); // the script page, not the run page
  await page.waitForSelector('.gutter .marked');
  check((await text(page, '.gutter .marked')) === String(FAIL_LINE), 'the script page marks the failing line');
  check((await text(page, '.editor-note')).includes('checkout button missing'), 'the editor says why the line failed');
  await snap(page, '07-script-failed-line');

  // Run again without the override: it passes.
  await page.click('section[aria-labelledby="run-h"] button[type=submit]');
  await page.waitForFunction(() => location.hash.startsWith('#/runs/'));
  await waitText(page, 'h1 .badge', 'passed', 60000);
  await page.waitForSelector('.shot img');
  await snap(page, '08-run-passed');
  // The keyboard opens and closes the enlarged screenshot too.
  await page.focus('.shot-btn');
  await page.keyboard.press('Enter');
  await page.waitForSelector('dialog.lightbox[open]');
  check(await page.evaluate(() => document.activeElement.closest('dialog') !== null), 'focus moves into the enlarged screenshot');
  await page.keyboard.press('Escape');
  await page.waitForFunction(() => !document.querySelector('dialog.lightbox'));
  check(true, 'Enter opens the screenshot and Escape closes it');

  // A script with test cases: each case is a step on the timeline.
  const stepsRun = await page.evaluate(async (site) => {
    const csrf = (await (await fetch('/api/v1/session')).json()).csrf_token;
    const post = async (path, body) => (await fetch(path, {method: 'POST', headers: {'Content-Type': 'application/json', 'X-CSRF-Token': csrf}, body: JSON.stringify(body)})).json();
    const sc = await post('/api/v1/scripts', {name: 'login steps', source: [
      "const puppeteer = require('puppeteer');",
      "let browser, page;",
      "describe('login', () => {",
      "  it('opens the page', async () => { browser = await puppeteer.launch(); page = await browser.newPage(); await page.goto('" + site + "/'); });",
      "  it('waits a moment', async () => { await new Promise((r) => setTimeout(r, 300)); });",
      "  it('finds the form', async () => { await page.waitForSelector('#no-such-form', { timeout: 500 }); });",
      "  it('closes', async () => { await browser.close(); });",
      "});",
    ].join('\n')});
    return post(`/api/v1/scripts/${sc.id}/runs`, {});
  }, SITE);
  await page.goto(`${BASE}/#/runs/${stepsRun.id}`);
  await watch(page);
  await waitText(page, 'h1 .badge', 'failed', 60000);
  await page.waitForFunction(() => document.querySelectorAll('.timeline .step').length >= 4);
  const stepNames = await page.$$eval('.timeline .step-name', (e) => e.map((x) => x.textContent));
  check(stepNames.join('|') === 'login opens the page|login waits a moment|login finds the form|login closes', `the timeline lists the test cases: ${stepNames.join('|')}`);
  check((await page.$$eval('.timeline .step.st-failed', (e) => e.length)) === 1, 'the failed case is marked');
  await waitText(page, '.errbox h2', 'Error at line 6');
  check((await text(page, '.gutter .marked')) === '6', 'the failed case\'s line is marked in the source');
  await snap(page, '085-run-steps');
  await collect(page, problems);

  // History with filters and chart.
  await page.click('nav a[href="#/runs"]');
  await page.waitForFunction(() => document.querySelectorAll('tbody tr').length >= 2);
  check((await page.$$eval('.chart .pt-fail', (e) => e.length)) >= 1, 'the chart marks the failure');
  await snap(page, '09-history');
  await page.select('select[name=status]', 'failed');
  await page.waitForFunction(() => location.hash.includes('status=failed') && document.querySelectorAll('tbody tr').length >= 1);
  await page.waitForFunction(() => [...document.querySelectorAll('tbody .badge')].every((b) => b.textContent === 'failed'));
  check(true, 'the status filter shows only failed runs');

  // Settings: a key is shown once, then revoked.
  await page.click('nav a[href="#/settings"]');
  await waitText(page, 'h2', 'API keys');
  await page.type('section[aria-labelledby="keys-h"] form input', 'ci-temp');
  await page.click('section[aria-labelledby="keys-h"] form button[type=submit]');
  await page.waitForSelector('.once input');
  const newKey = await page.$eval('.once input', (e) => e.value);
  check(newKey.startsWith('sk_'), 'a new key is shown once');
  await waitText(page, '#keys th', 'ci-temp');
  await snap(page, '10-settings');
  const status = (k) => page.evaluate(async (key) => (await fetch('/api/v1/session', {headers: {Authorization: `Bearer ${key}`}})).status, k);
  check((await status(newKey)) === 200, 'the new key works');
  await page.evaluate(() => {
    const row = [...document.querySelectorAll('#keys tbody tr')].find((r) => r.textContent.includes('ci-temp'));
    row.querySelector('button').click();
  });
  await page.waitForFunction(() => [...document.querySelectorAll('#keys tbody tr')].some((r) => r.textContent.includes('ci-temp') && r.textContent.includes('revoked')));
  check((await status(newKey)) === 401, 'the revoked key is refused');

  // The schedule fires within a minute: its run appears in the history.
  await collect(page, problems);
  await page.goto(`${BASE}/#/runs?script=${scriptID}`);
  const deadline = Date.now() + 100000;
  for (;;) {
    await waitText(page, '.table-card p', 'shown'); // the list has loaded

    const triggers = await page.$$eval('td[data-label="Trigger"]', (e) => e.map((x) => x.textContent));
    if (triggers.includes('schedule')) break;
    if (Date.now() > deadline) throw new Error(`no scheduled run appeared; triggers: ${triggers}`);
    await new Promise((r) => setTimeout(r, 3000));
    await collect(page, problems);
    await page.reload();
  }
  await watch(page);
  check(true, 'the scheduled run appears in the history');
  await snap(page, '11-history-scheduled');

  // Overview with the script's health.
  await page.click('nav a[href="#/"]');
  await page.waitForSelector('tbody tr .spark');
  const names = await page.$$eval('tbody th', (e) => e.map((x) => x.textContent));
  check(names.join('|') === 'login steps|checkout flow', `the overview lists the failing script first: ${names.join('|')}`);
  await snap(page, '12-overview');

  // CSRF: a write without the token is refused even with the cookie.
  const csrf = await page.evaluate(async () => (await fetch('/api/v1/keys', {method: 'POST', headers: {'Content-Type': 'application/json'}, body: '{"name":"x"}'})).status);
  check(csrf === 403, 'a cookie write without the CSRF token is refused');

  // Sign out.
  await page.click('.who button');
  await page.waitForSelector('#signin-key');
  check((await page.evaluate(async () => (await fetch('/api/v1/scripts')).status)) === 401, 'signed out, the API refuses the browser');

  await collect(page, problems);
  check(problems.length === 0, `no script errors or CSP violations${problems.length ? `: ${problems.join('; ')}` : ''}`);
  await browser.close();
  console.log('e2e: all checks passed');
})().catch(async (e) => {
  // Leave a picture of the moment it failed.
  if (failPage) await failPage.screenshot({path: 'shots/failure.png', fullPage: true}).catch(() => {});
  throw e;
});
