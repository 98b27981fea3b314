// Emulation: emulate + KnownDevices, media type/features, timezone, vision
// deficiency, CPU throttling, network conditions +
// PredefinedNetworkConditions, idle state, geolocation, JavaScript on/off,
// bypassing CSP, bringToFront, emulateFocusedPage.
const puppeteer = require('puppeteer');
const BASE = process.env.BASE_URL;
const fail = async (what, p) => {
  try {
    await p;
    console.log(what, 'did not fail');
  } catch (e) {
    console.log(what + ':', e.message);
  }
};
(async () => {
  const devices = puppeteer.KnownDevices;
  console.log('devices', Object.keys(devices).length, Object.isFrozen(devices), Object.keys(devices).slice(0, 3));
  console.log(devices['iPhone X']);
  console.log(devices['Pixel 5'].viewport, devices['iPad Pro landscape'].viewport.isLandscape);
  console.log(puppeteer.PredefinedNetworkConditions, Object.isFrozen(puppeteer.PredefinedNetworkConditions));

  const browser = await puppeteer.launch();
  const page = await browser.newPage();
  await page.goto(BASE + '/compat/state-page.html');
  await page.emulate(devices['iPhone X']);
  console.log('emulated', await page.evaluate(() => [navigator.userAgent, innerWidth, devicePixelRatio, matchMedia('(pointer: coarse)').matches]));
  console.log('viewport', page.viewport());
  await page.emulate(devices['Galaxy S9+ landscape']);
  console.log('landscape', await page.evaluate(() => [innerWidth, innerHeight, screen.orientation.type]));

  await page.emulateMediaType('print');
  console.log('print', await page.evaluate(() => [matchMedia('print').matches, matchMedia('screen').matches]));
  await page.emulateMediaType();
  console.log('media reset', await page.evaluate(() => matchMedia('screen').matches));
  await fail('media type', page.emulateMediaType('paper'));

  await page.emulateMediaFeatures([
    { name: 'prefers-color-scheme', value: 'dark' },
    { name: 'prefers-reduced-motion', value: 'reduce' },
  ]);
  console.log('features', await page.evaluate(() => [matchMedia('(prefers-color-scheme: dark)').matches, matchMedia('(prefers-reduced-motion: reduce)').matches]));
  await page.emulateMediaFeatures();
  console.log('features reset', await page.evaluate(() => matchMedia('(prefers-reduced-motion: reduce)').matches));
  await fail('media feature', page.emulateMediaFeatures([{ name: 'prefers-bogus', value: 'x' }]));

  await page.emulateTimezone('Asia/Tokyo');
  console.log('tokyo', await page.evaluate(() => [Intl.DateTimeFormat().resolvedOptions().timeZone, new Date(0).getHours()]));
  await page.emulateTimezone('America/New_York');
  console.log('new york', await page.evaluate(() => new Date(0).getHours()));
  await fail('timezone', page.emulateTimezone('Bogus'));
  await page.emulateTimezone();

  await page.emulateVisionDeficiency('achromatopsia');
  await page.emulateVisionDeficiency('blurredVision');
  await page.emulateVisionDeficiency('none');
  await page.emulateVisionDeficiency();
  await fail('vision', page.emulateVisionDeficiency('xray'));
  await page.emulateCPUThrottling(2);
  await page.emulateCPUThrottling(null);
  await fail('cpu', page.emulateCPUThrottling(0.5));
  console.log('vision and cpu done');

  await page.emulateNetworkConditions(puppeteer.PredefinedNetworkConditions['Fast 4G']);
  const r = await page.goto(BASE + '/compat/state-page.html');
  console.log('throttled goto', r.status());
  await page.emulateNetworkConditions({ offline: true, download: -1, upload: -1, latency: 0 });
  await fail('offline goto', page.goto(BASE + '/compat/state-page.html?offline'));
  await page.emulateNetworkConditions(null);
  console.log('back online', (await page.goto(BASE + '/compat/state-page.html')).status());

  await page.emulateIdleState({ isUserActive: false, isScreenUnlocked: false });
  await page.emulateIdleState();
  console.log('idle done');

  await browser.defaultBrowserContext().overridePermissions(BASE, ['geolocation']);
  await page.setGeolocation({ latitude: 59.95, longitude: 30.31667 });
  console.log('position', await page.evaluate(() => new Promise((resolve, reject) =>
    navigator.geolocation.getCurrentPosition((p) => resolve([p.coords.latitude, p.coords.longitude, p.coords.accuracy]), (e) => reject(new Error(e.message))))));
  await fail('longitude', page.setGeolocation({ longitude: 200, latitude: 0 }));
  await fail('latitude', page.setGeolocation({ longitude: 0, latitude: -91 }));
  await fail('accuracy', page.setGeolocation({ longitude: 0, latitude: 0, accuracy: -1 }));

  console.log('js enabled', page.isJavaScriptEnabled());
  await page.setJavaScriptEnabled(false);
  console.log('js enabled after', page.isJavaScriptEnabled());
  await page.goto(BASE + '/compat/state-page.html?nojs');
  console.log('script ran without js', await page.$eval('body', (b) => b.dataset.js || 'no'));
  await page.setJavaScriptEnabled(true);
  await page.reload();
  console.log('script ran with js', await page.$eval('body', (b) => b.dataset.js || 'no'));

  await page.goto(BASE + '/state/csp');
  await page.addScriptTag({ content: 'window.__injected = 42;' });
  console.log('csp blocks inline', await page.evaluate(() => typeof window.__injected));
  await page.setBypassCSP(true);
  await page.reload();
  await page.addScriptTag({ content: 'window.__injected = 42;' });
  console.log('csp bypassed', await page.evaluate(() => window.__injected));

  const other = await browser.newPage();
  await page.bringToFront();
  console.log('front', await page.evaluate(() => document.visibilityState), await other.evaluate(() => document.visibilityState));
  console.log('focus before', await other.evaluate(() => document.hasFocus()));
  await other.emulateFocusedPage(true);
  console.log('focus emulated', await other.evaluate(() => document.hasFocus()));
  await other.emulateFocusedPage(false);
  await browser.close();
})();
