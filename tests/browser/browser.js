'use strict';
// Shared by the small browser checks (live.js, search.js): start Debian's headless Chromium
// with a fresh profile, and a pass/fail tally that prints each check.

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { chromium } = require('playwright-core');

/** Launches Chromium (with extra context `options` such as a viewport); `close()` also removes
 * its temporary profile. */
async function launch(name, options = {}) {
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), `namrong-${name}-`));
  const ctx = await chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.NAMRONG_CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-quic'],
    ...options,
  });
  const page = ctx.pages()[0] || (await ctx.newPage());
  const close = async () => {
    await ctx.close();
    fs.rmSync(userDataDir, { recursive: true, force: true });
  };
  return { page, close };
}

/** Records checks: `check(ok, what)` prints and remembers failures. */
function tally() {
  const failures = [];
  const check = (ok, what) => {
    console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
    if (!ok) failures.push(what);
  };
  return { failures, check };
}

module.exports = { launch, tally };
