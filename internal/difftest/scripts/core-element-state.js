// Element geometry and visibility: boundingBox, boxModel, clickablePoint,
// isVisible/isHidden, isIntersectingViewport, scrollIntoView.
const puppeteer = require('puppeteer');
(async () => {
  const browser = await puppeteer.launch();
  const page = await browser.newPage();
  await page.setViewport({ width: 800, height: 600 });
  await page.goto(process.env.BASE_URL + '/products');
  await page.evaluate(() => {
    document.body.insertAdjacentHTML('beforeend', `
      <div id="box" style="position:absolute;left:10px;top:20px;width:100px;height:50px;padding:5px;border:2px solid red;margin:3px">box</div>
      <div id="hidden" style="display:none">hidden</div>
      <div id="invisible" style="visibility:hidden">invisible</div>
      <div id="far" style="position:absolute;top:3000px;left:0;width:10px;height:10px">far</div>`);
  });
  const box = await page.$('#box');
  const bb = await box.boundingBox();
  console.log('boundingBox', JSON.stringify(bb));
  const bm = await box.boxModel();
  console.log('boxModel', bm.width, bm.height, JSON.stringify(bm.content[0]), JSON.stringify(bm.border[0]), JSON.stringify(bm.margin[0]));
  console.log('clickablePoint', JSON.stringify(await box.clickablePoint()), JSON.stringify(await box.clickablePoint({ x: 1, y: 2 })));
  for (const id of ['box', 'hidden', 'invisible', 'far']) {
    const h = await page.$('#' + id);
    console.log(id, 'visible', await h.isVisible(), 'hidden', await h.isHidden(), 'inViewport', await h.isIntersectingViewport());
  }
  const hidden = await page.$('#hidden');
  console.log('hidden boundingBox', await hidden.boundingBox(), 'boxModel', await hidden.boxModel());
  try {
    await hidden.clickablePoint();
  } catch (e) {
    console.log('hidden clickablePoint:', e.message);
  }
  const far = await page.$('#far');
  await far.scrollIntoView();
  console.log('after scrollIntoView', await far.isIntersectingViewport(), await page.evaluate(() => window.scrollY > 0));
  console.log('threshold', await box.isIntersectingViewport({ threshold: 1 }));
  await browser.close();
})();
