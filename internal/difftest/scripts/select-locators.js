// The Locator API: click, fill, hover, scroll, wait, waitHandle, filter,
// map, race, clone and the set* options, including elements that appear,
// become enabled or settle only later.
const puppeteer = require('puppeteer');
(async () => {
  const browser = await puppeteer.launch();
  const page = await browser.newPage();
  await page.goto(process.env.BASE_URL + '/compat/select-locator.html');
  const log = () => page.$eval('#log', (e) => e.textContent);
  const clear = () => page.$eval('#log', (e) => { e.textContent = ''; });

  // An element that appears later.
  await page.evaluate(() => setTimeout(() => {
    const b = document.createElement('button');
    b.id = 'late';
    b.textContent = 'Late button';
    b.onclick = () => log('late clicked');
    document.body.prepend(b);
  }, 150));
  const late = page.locator('#late');
  let actions = 0;
  late.on('action', () => { actions++; });
  await late.click();
  console.log('appeared and clicked:', await log(), 'actions', actions);
  await clear();

  // A disabled button that becomes enabled later.
  await page.evaluate(() => setTimeout(() => { document.querySelector('#enable-later').disabled = false; }, 150));
  await page.locator('::-p-text(Enable later)').click();
  console.log('enabled then clicked:', await log());
  await clear();

  // A moving element: the stable-bounding-box precondition waits for it.
  await page.evaluate(() => {
    const b = document.createElement('button');
    b.id = 'mover';
    b.textContent = 'moving';
    b.style.position = 'relative';
    b.onclick = () => log('mover clicked at ' + b.style.left);
    document.body.prepend(b);
    let n = 0;
    const step = () => { n++; b.style.left = n * 3 + 'px'; if (n < 20) requestAnimationFrame(step); };
    requestAnimationFrame(step);
  });
  await page.locator('#mover').click();
  console.log('stable:', await log());
  await clear();

  // Out of the viewport: scrolled into view first.
  await page.locator('#far').click();
  console.log('far:', await log(), await page.evaluate(() => window.scrollY > 1000));
  await page.evaluate(() => window.scrollTo(0, 0));
  await clear();

  // fill on every kind of field.
  await page.locator('#name').fill('Ada Lovelace');
  await page.locator('#prefilled').fill('Hello world');
  await page.locator('#bio').fill('x'.repeat(120));
  await page.locator('#color').fill('blue');
  await page.locator('#agree').fill(true);
  await page.locator('#when').fill('2024-02-29');
  await page.locator('#editor').fill('new text');
  console.log('values', JSON.stringify(await page.evaluate(() => ({
    name: document.querySelector('#name').value,
    prefilled: document.querySelector('#prefilled').value,
    bio: document.querySelector('#bio').value.length,
    color: document.querySelector('#color').value,
    agree: document.querySelector('#agree').checked,
    when: document.querySelector('#when').value,
    editor: document.querySelector('#editor').innerText,
  }))));
  console.log('fill events:', await log());
  await clear();
  await page.locator('#agree').fill(true);
  console.log('agree already checked, no click:', JSON.stringify(await log()));

  // hover and scroll.
  await page.locator('#hover-target').hover();
  console.log('hover:', await log());
  await page.locator('#scroller').scroll({ scrollTop: 120 });
  console.log('scrollTop', await page.$eval('#scroller', (e) => e.scrollTop));

  // wait, waitHandle, map, filter.
  console.log('wait', await page.locator('#items li').map((li) => li.textContent.toUpperCase()).wait());
  // filter waits until the predicate holds for the located element.
  await page.evaluate(() => setTimeout(() => { document.querySelector('li').classList.add('ready'); }, 100));
  const ready = await page.locator('li').filter((li) => li.classList.contains('ready')).waitHandle();
  console.log('filter', await ready.evaluate((e) => e.textContent));
  console.log('function locator', await page.locator(() => document.querySelectorAll('li').length === 3 && 'three items').wait());
  console.log('element asLocator', await (await page.$('#items')).asLocator().map((e) => e.children.length).wait());
  console.log('frame locator', await page.mainFrame().locator('h1').map((e) => e.textContent).wait());

  // Options.
  const base = page.locator('#plain');
  console.log('timeouts', base.timeout, base.setTimeout(1234).timeout, base.clone().timeout);
  page.setDefaultTimeout(5000);
  console.log('default timeout', page.locator('x').timeout);
  const hiddenLater = page.locator('#hover-target').setVisibility('hidden');
  await page.evaluate(() => setTimeout(() => { document.querySelector('#hover-target').style.display = 'none'; }, 100));
  console.log('visibility hidden', await hiddenLater.map((e) => e.id).wait());

  // race: the first locator to find an element wins.
  const raced = puppeteer.Locator.race([page.locator('#missing').setTimeout(500), page.locator('#items li:last-child')]);
  console.log('race', raced.timeout, await raced.map((e) => e.textContent).wait());

  // Failures end in a TimeoutError naming the operation.
  for (const [what, fn] of [
    ['click missing', () => page.locator('#nothing').setTimeout(300).click()],
    ['fill unfillable', () => page.locator('#plain').setTimeout(300).fill('x')],
    ['hover missing', () => page.locator('text/nothing here').setTimeout(300).hover()],
    ['wait missing', () => page.locator('#nothing').setTimeout(300).wait()],
    ['filter never', () => page.locator('li').setTimeout(300).filter(() => false).wait()],
    ['disabled', () => page.locator('#enable-later').setTimeout(300).click()],
  ]) {
    if (what === 'disabled') await page.evaluate(() => { document.querySelector('#enable-later').disabled = true; });
    try {
      await fn();
      console.log(what, 'succeeded');
    } catch (e) {
      console.log(what, e.name, e.message, e.cause && e.cause.message);
    }
  }
  console.log('no enabled wait', await page.locator('#enable-later').setWaitForEnabled(false).setTimeout(1000).click().then(() => 'clicked'));
  try {
    puppeteer.Locator.race([page.locator('a'), {}]);
  } catch (e) {
    console.log(e.message);
  }
  await browser.close();
})();
