'use strict';
// Live preview in a real browser: opens a page served by `namrong serve`, edits the page's
// source file, and checks that the page reloads by itself with the new text; then breaks the
// pilot's record and checks the error overlay appears over the last good page, and that fixing
// the file removes it. Then, for each kind of source file (pilot.toml, namrong.toml, issues.toml,
// a template, an update's front matter), a missing quote shows the overlay and the fix removes
// it and updates the page, whichever way the preview rebuilt. With `--lang th` (the server runs
// with --messages th) it checks the overlay speaks Thai instead. Run by tests/browser.rs:
//
//   node tests/browser/live.js --url URL --site DIR [--lang th]
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

/** Waits until `f()` is true, for up to `ms`; returns whether it became true. */
async function until(page, f, ms = 15000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    try {
      if (await f()) return true;
    } catch (e) {
      // The page is reloading; try again.
    }
    await page.waitForTimeout(100);
  }
  return false;
}

async function main() {
  const url = arg('--url');
  const site = arg('--site');
  const thai = process.argv.includes('--lang') && process.argv[process.argv.indexOf('--lang') + 1] === 'th';
  const narrative = path.join(site, 'content/pilots/alpha/en.md');
  const record = path.join(site, 'content/pilots/alpha/pilot.toml');
  const { page, close } = await launch('live');
  const { failures, check: tick } = tally();
  let total = 0;
  const check = (ok, what) => {
    total += 1;
    tick(ok, what);
  };
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
    const problem = thai ? 'ข้อผิดพลาด: ไม่รู้จักสถานะ "actve"' : 'unknown status';
    check(text.includes('content/pilots/alpha/pilot.toml:6') && text.includes(problem), `the overlay names the file, line and problem (${JSON.stringify(text.slice(0, 160))})`);
    if (thai) {
      check(text.includes('การแก้ไขล่าสุดมีข้อผิดพลาด') && !text.includes('the last edit has errors'), 'the overlay heading is in Thai');
      check((await overlay.getAttribute('lang')) === 'th', 'the overlay is marked lang="th"');
    }
    check((await page.content()).includes('every single spring'), 'the last good page is still shown');

    // 3. Fix it: the overlay goes away by itself.
    replaceIn(record, '"actve"', '"active"');
    await overlay.waitFor({ state: 'detached', timeout: 15000 }).catch(() => {});
    check((await overlay.count()) === 0, 'fixing the file removes the overlay');

    // 4. A missing quote in each kind of file, then the fix with a change the page shows: the
    // overlay must go and the page update, whichever rebuild the change took.
    const cases = thai ? [] : [
      ['content/pilots/alpha/pilot.toml', 'status    = "active"', 'status    = "active',
        ['en = "Lampang haze reduction"', 'en = "Lampang haze cut"'], 'Lampang haze cut', 'pilot.toml'],
      ['namrong.toml', 'en = "Pilot test site"', 'en = "Pilot test site',
        ['en = "Pilot test site"', 'en = "Pilot trial site"'], 'Pilot trial site', 'namrong.toml'],
      ['content/issues.toml', 'en = "Haze and wildfire"', 'en = "Haze and wildfire',
        ['en = "Haze and wildfire"', 'en = "Haze and forest fire"'], 'Haze and forest fire', 'issues.toml'],
      ['themes/default/templates/pilot.html', '<h1>{{ pilot.title | text }}</h1>', '<h1>{{ pilot.title | text }</h1>',
        ['<h1>{{ pilot.title | text }}</h1>', '<h1>{{ pilot.title | text }}</h1><p>fixed template</p>'], 'fixed template', 'pilot.html'],
      ['content/pilots/alpha/updates/2024-09-25-workshop.en.md', 'title = "Workshop held"', 'title = "Workshop held',
        ['title = "Workshop held"', 'title = "Workshop done"'], 'Workshop done', '2024-09-25-workshop.en.md'],
    ];
    for (const [rel, good, broken, [from, to], shown, named] of cases) {
      const file = path.join(site, rel);
      replaceIn(file, good, broken);
      const appeared = await until(page, async () => (await overlay.count()) > 0 && (await overlay.innerText()).includes(named));
      check(appeared, `${rel}: a missing quote shows the overlay naming the file`);
      // The fix and a change the page shows, saved at once.
      const text = fs.readFileSync(file, 'utf8').replace(broken, good);
      if (!text.includes(from)) throw new Error(`${rel} does not contain ${from}`);
      fs.writeFileSync(file, text.replace(from, to));
      const gone = await until(page, async () => (await overlay.count()) === 0);
      const s = await (await fetch(status)).json();
      check(gone && s.ok, `${rel}: fixing it removes the overlay and the status is ok (${JSON.stringify(s.text || '').slice(0, 160)})`);
      const updated = await until(page, async () => (await page.content()).includes(shown));
      check(updated, `${rel}: the page shows the fixed file's change`);
    }
    check(errors.length === 0, `no script errors (${errors.join('; ')})`);
  } finally {
    await close();
  }
  console.log(`${failures.length ? 'FAILED' : 'passed'}: ${failures.length} of ${total} checks failed`);
  process.exit(failures.length ? 1 : 0);
}

main().catch((e) => {
  console.error(e);
  process.exit(2);
});
