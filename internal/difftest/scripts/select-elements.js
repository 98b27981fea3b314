// ElementHandle.toElement, backendNodeId, boxModel and drag and drop,
// with and without drag interception.
const puppeteer = require('puppeteer');
(async () => {
  const browser = await puppeteer.launch();
  const page = await browser.newPage();
  await page.goto(process.env.BASE_URL + '/compat/select-form.html');
  const log = () => page.$eval('#log', (e) => { const t = e.textContent; e.textContent = ''; return t; });

  const single = await page.$('#single');
  console.log('toElement same handle', (await single.toElement('select')) === single, (await single.toElement('SELECT')) === single);
  try {
    await single.toElement('input');
  } catch (e) {
    console.log(e.name + ': ' + e.message);
  }
  const id = await single.backendNodeId();
  console.log('backendNodeId', typeof id, id > 0, id === (await single.backendNodeId()));

  const round = (q) => q.map((p) => Math.round(p.x) + ',' + Math.round(p.y)).join(' ');
  const model = await (await page.$('#source')).boxModel();
  for (const k of ['content', 'padding', 'border', 'margin']) console.log(k, round(model[k]));
  console.log('size', model.width, model.height);
  console.log('hidden boxModel', await (await page.$('#gone')).boxModel());
  const rect = await (await page.$('#rect')).boxModel();
  console.log('svg', round(rect.border));

  // isIntersectingViewport with thresholds, after scrolling half of it out.
  const src = await page.$('#source');
  await page.evaluate(() => {
    document.body.style.minHeight = '3000px';
    const r = document.querySelector('#source').getBoundingClientRect();
    window.scrollTo(0, r.top + r.height / 2 + window.scrollY);
  });
  console.log('intersecting', await src.isIntersectingViewport(), await src.isIntersectingViewport({ threshold: 1 }), await src.isIntersectingViewport({ threshold: 0.9 }), await src.isIntersectingViewport({ threshold: 0.1 }));
  await page.evaluate(() => { document.body.style.minHeight = ''; window.scrollTo(0, 0); });

  // Chrome's autofill needs a form it recognises; here it reports that.
  try {
    await (await page.$('#text')).autofill({ creditCard: { number: '4444444444444444', name: 'Ada', expiryMonth: '01', expiryYear: '2030', cvc: '123' } });
    console.log('autofill ok');
  } catch (e) {
    console.log('autofill', e.name + ': ' + e.message);
  }

  // Drag with the real mouse: drag, then drop.
  const source = await page.$('#source');
  const target = await page.$('#target');
  console.log('interception', page.isDragInterceptionEnabled());
  await source.drag(target);
  await target.drop(source);
  console.log('mouse drag and drop:', await log());

  // Drag interception: the drag data comes back, drop dispatches it.
  await page.setDragInterception(true);
  console.log('interception', page.isDragInterceptionEnabled());
  const data = await source.drag(target);
  console.log('intercepted', JSON.stringify(data.items), data.dragOperationsMask);
  await target.dragEnter(data);
  await target.dragOver(data);
  await target.drop(data);
  await page.mouse.up();
  console.log('intercepted drop:', await log());
  await source.dragAndDrop(target);
  console.log('dragAndDrop:', await log());
  const s = await source.boundingBox();
  const t = await target.boundingBox();
  const start = { x: s.x + 5, y: s.y + 5 };
  const end = { x: t.x + 5, y: t.y + 5 };
  const d2 = await page.mouse.drag(start, end);
  await page.mouse.dragEnter(end, d2);
  await page.mouse.dragOver(end, d2);
  await page.mouse.drop(end, d2);
  await page.mouse.up();
  console.log('mouse.drag:', await log());
  await page.mouse.dragAndDrop(start, end, { delay: 10 });
  console.log('mouse.dragAndDrop:', await log());
  await page.setDragInterception(false);
  try {
    await source.dragAndDrop(target);
  } catch (e) {
    console.log(e.name + ': ' + e.message);
  }
  await browser.close();
})();
