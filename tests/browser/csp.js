'use strict';
// Pages under the web server's Content-Security-Policy: against a running server (nginx with
// docs/deploy/nginx.conf, started by tests/nginx.rs), loads the home pages and the search pages
// in headless Chromium, runs a search, and checks that nothing broke the policy: no
// `securitypolicyviolation` event, no CSP console message, no page error, no failed request.
// A probe page with an inline script (csp-probe.html, written by the test) must be blocked,
// which proves the policy is really enforced and that violations are seen.
//
//   node tests/browser/csp.js --base http://127.0.0.1:PORT/ [--query หมอกควัน]
//
// Exit status: 0 passed, 1 a check failed, 2 could not run.

const { launch, tally } = require('./browser');

function arg(name, fallback) {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

async function main() {
  const base = arg('--base');
  if (!base) {
    console.error('usage: node csp.js --base URL [--query TEXT]');
    process.exit(2);
  }
  const query = arg('--query', 'หมอกควัน');
  const { page, close } = await launch('csp');
  const { failures, check } = tally();
  try {
    // Collected in the page before any of its own scripts run (not subject to the policy).
    await page.addInitScript(() => {
      window.__csp = [];
      document.addEventListener('securitypolicyviolation', (e) => {
        window.__csp.push(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'} (${e.sourceFile || ''}:${e.lineNumber || ''})`);
      });
    });
    let problems = [];
    page.on('pageerror', (e) => problems.push(`page error: ${e}`));
    page.on('console', (m) => {
      if (m.type() === 'error' || /Content Security Policy/i.test(m.text())) problems.push(`console: ${m.text()}`);
    });
    page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} ${r.failure() && r.failure().errorText}`));
    page.on('response', (r) => r.status() >= 400 && problems.push(`${r.status()} ${r.url()}`));

    const visit = async (path) => {
      problems = [];
      const response = await page.goto(new URL(path, base).href, { waitUntil: 'load', timeout: 60000 });
      check(response && response.headers()['content-security-policy'], `${path} is served with a Content-Security-Policy`);
      return response;
    };
    const clean = async (what) => {
      await page.waitForTimeout(300);
      const violations = await page.evaluate(() => window.__csp);
      check(violations.length === 0 && problems.length === 0, `${what}: no CSP violation or error ${JSON.stringify([...violations, ...problems])}`);
    };

    for (const path of ['/', '/en/']) {
      await visit(path);
      const styled = await page.evaluate(() => getComputedStyle(document.querySelector('.site-header')).display !== '' &&
        [...document.styleSheets].some((s) => s.href && /\/style\.[0-9a-f]{8,}\.css$/.test(s.href) && s.cssRules.length > 0));
      check(styled, `${path}: the stylesheet applies`);
      await clean(path);
    }
    for (const [path, q] of [['/search/', query], ['/en/search/', 'Lampang']]) {
      await visit(path);
      await page.locator('#search-q').fill(q);
      await page.keyboard.press('Enter');
      const hit = page.locator('#search-results a');
      await hit.first().waitFor({ state: 'visible', timeout: 15000 }).catch(() => {});
      check((await hit.count()) > 0, `${path}: searching "${q}" shows results under the policy`);
      await clean(`${path} search "${q}"`);
    }

    // The probe: its inline script must be blocked and reported.
    await visit('/csp-probe.html');
    await page.waitForTimeout(300);
    const seen = await page.evaluate(() => ({ violations: window.__csp.length, title: document.title }));
    check(seen.violations > 0 && seen.title === 'probe', `an inline script is blocked and reported (${JSON.stringify(seen)})`);
  } finally {
    await close();
  }
  console.log(`${failures.length ? 'FAILED' : 'passed'}: ${failures.length} checks failed`);
  process.exit(failures.length ? 1 : 0);
}

main().catch((e) => {
  console.error(e);
  process.exit(2);
});
