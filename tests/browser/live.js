'use strict';
// Live preview in a real browser: opens a page served by `namrong serve`, edits the page's
// source file, and checks that the page reloads by itself with the new text; then breaks the
// pilot's record and checks the error overlay appears over the last good page, and that fixing
// the file removes it. Run by tests/browser.rs:
//
//   node tests/browser/live.js --url URL --site DIR
//
// Exit status: 0 passed, 1 a check failed, 2 could not run.

const fs = require('node:fs');
const path = require('node:path');
const { launch, tally } = require('./browser');

function arg(name) {
  const i = process.argv.indexOf(name);
  if (i < 0 || i + 1 >= process.argv.length) {
    console.error(`usage: node live.js --url URL --site DIR (missing ${name})`);
    process.exit(2);
  }
  return process.argv[i + 1];
}

function replaceIn(file, from, to) {
  const text = fs.readFileSync(file, 'utf8');
  if (!text.includes(from)) throw new Error(`${file} does not contain ${from}`);
  fs.writeFileSync(file, text.replace(from, to));
}

async function main() {
  const url = arg('--url');
  const site = arg('--site');
  const narrative = path.join(site, 'content/pilots/alpha/en.md');
  const record = path.join(site, 'content/pilots/alpha/pilot.toml');
  const { page, close } = await launch('live');
  const { failures, check } = tally();
  try {
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60000 });
    // Edit only once the page's live-reload channel is connected (the server counts open tabs).
    const status = new URL('/__namrong/status', url).toString();
    for (let i = 0; i < 300; i++) {
      const s = await (await fetch(status)).json();
      if (s.tabs >= 1) break;
      await page.waitForTimeout(100);
    }
    check(await page.locator('h1').isVisible(), 'the preview page opens');

    // 1. Save an edit: the page reloads by itself and shows it.
    const reloaded = page.waitForEvent('load', { timeout: 15000 });
    replaceIn(narrative, 'every year', 'every single spring');
    await reloaded;
    check((await page.content()).includes('every single spring'), 'the page reloads by itself with the edited text');

    // 2. Break the record: an overlay shows the error; the last good page stays underneath.
    replaceIn(record, '"active"', '"actve"');
    const overlay = page.locator('#namrong-error');
    await overlay.waitFor({ state: 'visible', timeout: 15000 }).catch(() => {});
    const text = (await overlay.count()) ? await overlay.innerText() : '';
    check(text.includes('content/pilots/alpha/pilot.toml:6') && text.includes('unknown status'), `the overlay names the file, line and problem (${JSON.stringify(text.slice(0, 120))})`);
    check((await page.content()).includes('every single spring'), 'the last good page is still shown');

    // 3. Fix it: the overlay goes away by itself.
    replaceIn(record, '"actve"', '"active"');
    await overlay.waitFor({ state: 'detached', timeout: 15000 }).catch(() => {});
    check((await overlay.count()) === 0, 'fixing the file removes the overlay');
    check(errors.length === 0, `no script errors (${errors.join('; ')})`);
  } finally {
    await close();
  }
  console.log(`${failures.length ? 'FAILED' : 'passed'}: ${failures.length} of 5 checks failed`);
  process.exit(failures.length ? 1 : 0);
}

main().catch((e) => {
  console.error(e);
  process.exit(2);
});
