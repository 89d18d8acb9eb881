'use strict';
// Search in a real browser: on a built site (the sample site), types Thai and English queries
// on the search pages, as a person would, and checks the right pilots come back with the match
// highlighted. Run by tests/browser.rs:
//
//   node tests/browser/search.js --site DIR
//
// Exit status: 0 passed, 1 a check failed, 2 could not run.

const { launch, tally } = require('./browser');
const { serve } = require('./server');

const CASES = [
  // [search page, query typed, a result URL that must appear, a result URL that must not]
  ['/search/', 'หมอกควัน', '/pilots/lampang-haze-wildfire/', '/pilots/yala-tha-sap-social-protection/'],
  ['/search/', 'ลำปาง', '/pilots/lampang-aging-society/', '/pilots/prachinburi-social-network/'],
  ['/en/search/', 'wildfires', '/en/pilots/lampang-haze-wildfire/', '/en/pilots/yala-tha-sap-social-protection/'],
];

async function main() {
  const i = process.argv.indexOf('--site');
  if (i < 0 || !process.argv[i + 1]) {
    console.error('usage: node search.js --site DIR');
    process.exit(2);
  }
  const site = await serve(process.argv[i + 1]);
  const { page, close } = await launch('search');
  const { failures, check } = tally();
  try {
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    for (const [at, query, wanted, unwanted] of CASES) {
      await page.goto(site.origin + at, { waitUntil: 'load', timeout: 60000 });
      await page.locator('#search-q').click();
      await page.keyboard.type(query, { delay: 20 });
      await page.keyboard.press('Enter');
      const hit = page.locator(`#search-results a[href$="${wanted}"]`);
      await hit.first().waitFor({ state: 'visible', timeout: 10000 }).catch(() => {});
      check((await hit.count()) > 0, `${at} "${query}" finds ${wanted}`);
      check((await page.locator(`#search-results a[href$="${unwanted}"]`).count()) === 0, `${at} "${query}" leaves out ${unwanted}`);
      check((await page.locator('#search-results mark').count()) > 0, `${at} "${query}" highlights the match`);
    }
    check(errors.length === 0, `no console errors (${errors.join('; ')})`);
  } finally {
    await close();
    await site.close();
  }
  console.log(`${failures.length ? 'FAILED' : 'passed'}: ${failures.length} checks failed`);
  process.exit(failures.length ? 1 : 0);
}

main().catch((e) => {
  console.error(e);
  process.exit(2);
});
