'use strict';
// Photos in a real browser: opens a pilot page with phone photos as a 360 px phone at device
// pixel ratio 2 and as a 1280 px desktop, scrolls to the end so every lazy picture loads, and
// checks what was downloaded against the targets (350 KB on the phone, 600 KB on the desktop),
// that every picture loaded and that the lead picture is upright (as tall as it should be).
// Run by tests/browser.rs:
//
//   node tests/browser/photos.js --site DIR --page /pilots/<slug>/ [--screenshots DIR]
//
// Prints the bytes per request and in total. Exit status: 0 passed, 1 a check failed, 2 could not run.

const fs = require('node:fs');
const path = require('node:path');
const { launch, tally } = require('./browser');
const { serve } = require('./server');

const SETUPS = [
  { name: 'phone-360', viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, budget: 350 * 1024 },
  { name: 'desktop-1280', viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1, budget: 600 * 1024 },
];

function arg(name) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function measure(site, at, setup, screenshots, check) {
  const { page, close } = await launch(`photos-${setup.name}`, {
    viewport: setup.viewport,
    deviceScaleFactor: setup.deviceScaleFactor,
  });
  try {
    const responses = [];
    page.on('response', (r) => responses.push(r));
    await page.goto(site.origin + at, { waitUntil: 'load', timeout: 60000 });
    // Scroll to the end a screen at a time, as a reader would, so lazy pictures load.
    for (let i = 0; i < 60; i++) {
      const done = await page.evaluate(() => {
        window.scrollBy(0, window.innerHeight * 0.8);
        return window.scrollY + window.innerHeight >= document.documentElement.scrollHeight - 2;
      });
      await page.waitForTimeout(150);
      if (done) break;
    }
    await page.waitForLoadState('networkidle', { timeout: 20000 }).catch(() => {});
    const images = await page.evaluate(() =>
      [...document.querySelectorAll('main img')].map((img) => ({
        src: img.currentSrc || img.src,
        complete: img.complete,
        natural: [img.naturalWidth, img.naturalHeight],
        attrs: [Number(img.getAttribute('width')), Number(img.getAttribute('height'))],
      })),
    );
    let total = 0;
    for (const r of responses) {
      const sizes = await r.request().sizes().catch(() => null);
      const bytes = sizes ? sizes.responseBodySize + sizes.responseHeadersSize : 0;
      total += bytes;
      console.log(`     ${setup.name} ${String(bytes).padStart(8)} ${r.url().replace(site.origin, '')}`);
    }
    console.log(`     ${setup.name} total ${(total / 1024).toFixed(0)} KB`);
    const photos = images.filter((i) => /\.(webp|jpg|png)$/.test(i.src));
    check(photos.length >= 2, `${setup.name}: the page shows at least two photos (${photos.length})`);
    for (const i of photos) {
      check(i.complete && i.natural[0] > 0, `${setup.name}: ${i.src} loaded`);
      const ratio = i.natural[1] / i.natural[0];
      const expected = i.attrs[1] / i.attrs[0];
      check(Math.abs(ratio - expected) < 0.02, `${setup.name}: ${i.src} has the shape its width and height say`);
      check(i.src.endsWith('.webp'), `${setup.name}: ${i.src} is the WebP file`);
    }
    check(total <= setup.budget, `${setup.name}: downloaded ${(total / 1024).toFixed(0)} KB, at most ${setup.budget / 1024} KB`);
    if (screenshots) {
      fs.mkdirSync(screenshots, { recursive: true });
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.screenshot({ path: path.join(screenshots, `photos-${setup.name}.png`), fullPage: true });
    }
  } finally {
    await close();
  }
}

async function main() {
  const dir = arg('--site');
  const at = arg('--page');
  if (!dir || !at) {
    console.error('usage: node photos.js --site DIR --page /pilots/<slug>/ [--screenshots DIR]');
    process.exit(2);
  }
  const site = await serve(dir);
  const { failures, check } = tally();
  try {
    for (const setup of SETUPS) await measure(site, at, setup, arg('--screenshots'), check);
  } finally {
    await site.close();
  }
  console.log(`${failures.length ? 'FAILED' : 'passed'}: ${failures.length} checks failed`);
  process.exit(failures.length ? 1 : 0);
}

main().catch((e) => {
  console.error(e);
  process.exit(2);
});
