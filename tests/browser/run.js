'use strict';
// Browser checks of a built namrong site. Run by tests/browser.rs (cargo test); by hand:
//
//   node tests/browser/run.js --site public [--port N] [--artifacts DIR] [--jobs N]
//                             [--docs-screenshots docs/screenshots]
//
// Serves the site on 127.0.0.1, opens every generated page in headless Debian Chromium at
// 360 px and 1280 px and checks: no horizontal overflow, no broken image, no console error,
// no failed request, Thai text in the self-hosted Sarabun font, a language switch that lands on
// the same page in the other language, no serious or critical axe-core violation; one
// representative page per page type and language also gets the keyboard checks (skip link,
// visible focus, main navigation by Tab), a real click on the language switch and full-page
// screenshots. The Nu Html Checker (vnu.jar) checks every generated HTML file in one JVM run.
// Artifacts (default target/browser-artifacts/<site folder name>/): screenshots/<type>-<lang>-
// <width>.png, failures/*.png for pages that failed, report.json. --docs-screenshots DIR also
// writes the small first-screen JPEGs kept in docs/screenshots/ (home, pilot and province page).
// NAMRONG_BROWSER_TIMING=1 writes timing.txt (time spent per page and step) beside them.
// Exit status: 0 all passed, 1 a check failed, 2 the suite could not run.

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { serve } = require('./server');

const CHROMIUM = process.env.NAMRONG_CHROMIUM || '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
];
const WIDTHS = [
  { width: 360, height: 740 },
  { width: 1280, height: 800 },
];
const REQUIRED_TYPES = [
  'home', 'pilots', 'pilot', 'update', 'provinces', 'province',
  'issues', 'issue', 'updates', 'data', 'page', '404',
];
const OPTIONAL_TYPES = ['search'];
const THAI = /[\u0E00-\u0E7F]/;

// ---------------------------------------------------------------------------------------------
// Arguments

function parseArgs(argv) {
  const opts = { port: 0, jobs: Math.max(2, Math.min(4, os.cpus().length + 1)) };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      if (i + 1 >= argv.length) usage(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--site') opts.site = path.resolve(next());
    else if (a === '--port') opts.port = Number(next());
    else if (a === '--artifacts') opts.artifacts = path.resolve(next());
    else if (a === '--docs-screenshots') opts.docsScreenshots = path.resolve(next());
    else if (a === '--jobs') opts.jobs = Math.max(1, Number(next()));
    else if (a === '--help' || a === '-h') usage();
    else usage(`unknown argument ${a}`);
  }
  if (!opts.site) usage('--site is required');
  if (!fs.existsSync(path.join(opts.site, 'index.html'))) usage(`no index.html in ${opts.site}: build the site first`);
  if (!opts.artifacts) {
    opts.artifacts = path.resolve(__dirname, '..', '..', 'target', 'browser-artifacts', path.basename(opts.site));
  }
  return opts;
}

function usage(problem) {
  if (problem) console.error(`error: ${problem}`);
  console.error('usage: node run.js --site DIR [--port N] [--artifacts DIR] [--jobs N] [--docs-screenshots DIR]');
  process.exit(2);
}

// ---------------------------------------------------------------------------------------------
// Results

const results = { passed: 0, failed: 0, failures: [], notes: [] };

function pass() {
  results.passed++;
}

function fail(check, where, message) {
  results.failed++;
  results.failures.push({ check, where, message });
}

function check(ok, checkName, where, message) {
  if (ok) pass();
  else fail(checkName, where, typeof message === 'function' ? message() : message);
  return ok;
}

function note(text) {
  results.notes.push(text);
}

// ---------------------------------------------------------------------------------------------
// The site's pages

function listHtml(root) {
  const out = [];
  const walk = (dir) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) walk(full);
      else if (e.isFile() && e.name.endsWith('.html')) out.push(full);
    }
  };
  walk(root);
  return out.sort();
}

function urlPathOf(root, file) {
  const rel = path.relative(root, file).split(path.sep).join('/');
  if (rel === 'index.html') return '/';
  if (rel.endsWith('/index.html')) return '/' + rel.slice(0, -'index.html'.length);
  return '/' + rel;
}

// The language-neutral path and language of a URL path (Thai at the root, English under /en/).
function splitLang(p) {
  if (p === '/en/' || p.startsWith('/en/')) return { lang: 'en', neutral: p.slice(3) || '/' };
  return { lang: 'th', neutral: p };
}

function mirrored(p) {
  const { lang, neutral } = splitLang(p);
  return lang === 'en' ? neutral : '/en' + neutral;
}

function pageType(neutral) {
  // Later pages of a paginated list (/updates/page/2/) are of their list's type.
  neutral = neutral.replace(/(^|\/)page\/\d+\/$/, '$1');
  const rules = [
    [/^\/$/, 'home'],
    [/^\/pilots\/$/, 'pilots'],
    [/^\/pilots\/[^/]+\/$/, 'pilot'],
    [/^\/pilots\/[^/]+\/updates\/[^/]+\/$/, 'update'],
    [/^\/provinces\/$/, 'provinces'],
    [/^\/provinces\/[^/]+\/$/, 'province'],
    [/^\/issues\/$/, 'issues'],
    [/^\/issues\/[^/]+\/$/, 'issue'],
    [/^\/updates\/$/, 'updates'],
    [/^\/data\/$/, 'data'],
    [/^\/search\/$/, 'search'],
    [/^\/404\.html$/, '404'],
  ];
  for (const [re, type] of rules) if (re.test(neutral)) return type;
  return 'page';
}

function discover(root) {
  const pages = listHtml(root).map((file) => {
    const p = urlPathOf(root, file);
    const { lang, neutral } = splitLang(p);
    return { file, path: p, lang, neutral, type: pageType(neutral), size: fs.statSync(file).size };
  });
  // One representative per page type (the same page in both languages): the free page
  // /about/ if there is one, otherwise the largest page of that type (most content to check).
  const reps = new Map();
  for (const type of [...REQUIRED_TYPES, ...OPTIONAL_TYPES]) {
    const ofType = pages.filter((pg) => pg.type === type);
    if (!ofType.length) continue;
    const sizes = new Map();
    for (const pg of ofType) sizes.set(pg.neutral, (sizes.get(pg.neutral) || 0) + pg.size);
    let chosen = [...sizes.keys()].sort((a, b) => sizes.get(b) - sizes.get(a) || a.localeCompare(b))[0];
    if (type === 'page' && sizes.has('/about/')) chosen = '/about/';
    if (type === 'updates' && sizes.has('/updates/')) chosen = '/updates/';
    reps.set(type, chosen);
  }
  for (const pg of pages) pg.representative = reps.get(pg.type) === pg.neutral;
  return { pages, reps };
}

// ---------------------------------------------------------------------------------------------
// Nu Html Checker: every generated HTML file in one JVM run

function runVnu(files) {
  const jar = require.resolve('vnu-jar/build/dist/vnu.jar');
  return new Promise((resolve) => {
    const args = ['-Xss4m', '-jar', jar, '--errors-only', '--format', 'json', '--exit-zero-always', ...files];
    const child = spawn('java', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', (e) => resolve({ error: `could not start java: ${e.message}` }));
    child.on('close', (code) => {
      const text = (err.trim() || out.trim());
      try {
        resolve({ json: JSON.parse(text), code });
      } catch {
        resolve({ error: `vnu exited ${code} without JSON output:\n${(err + out).slice(0, 2000)}` });
      }
    });
  });
}

function reportVnu(vnu, root, pages) {
  if (vnu.error) {
    fail('html', 'vnu', vnu.error);
    return;
  }
  const byFile = new Map();
  for (const m of vnu.json.messages || []) {
    if (m.type !== 'error' && m.type !== 'non-document-error') continue;
    let file = m.url ? decodeURIComponent(m.url.replace(/^file:(\/\/)?/, '')) : '(unknown)';
    if (!byFile.has(file)) byFile.set(file, []);
    byFile.get(file).push(m);
  }
  for (const pg of pages) {
    const msgs = byFile.get(pg.file) || [];
    byFile.delete(pg.file);
    check(!msgs.length, 'html', pg.path, () =>
      `${msgs.length} Nu Html Checker error(s):\n` +
      msgs.slice(0, 10).map((m) => `      line ${m.lastLine ?? '?'}: ${m.message}${m.extract ? `  [${m.extract.replace(/\s+/g, ' ').trim().slice(0, 120)}]` : ''}`).join('\n'));
  }
  for (const [file, msgs] of byFile) {
    fail('html', path.relative(root, file) || file, msgs.map((m) => m.message).join('; '));
  }
}

// ---------------------------------------------------------------------------------------------
// In-page probes (run inside the browser)

async function waitForImages(page) {
  await page.evaluate(async () => {
    const imgs = [...document.images];
    for (const img of imgs) if (img.loading === 'lazy') img.loading = 'eager';
    await Promise.all(imgs.map((img) => (img.complete ? null : new Promise((r) => {
      img.addEventListener('load', r, { once: true });
      img.addEventListener('error', r, { once: true });
      setTimeout(r, 10000);
    }))));
    await document.fonts.ready;
  });
}

function probeLayout() {
  const describe = (el) => {
    let s = el.tagName.toLowerCase();
    if (el.id) s += '#' + el.id;
    if (el.classList.length) s += '.' + [...el.classList].join('.');
    return s;
  };
  const vw = window.innerWidth;
  const overflow = document.documentElement.scrollWidth;
  const wide = [];
  if (overflow > vw) {
    for (const el of document.body.querySelectorAll('*')) {
      const r = el.getBoundingClientRect();
      if (r.right > vw + 0.5 && r.width > 0) {
        // report the outermost offenders only
        if (!wide.some((w) => w.el.contains(el))) wide.push({ el, right: Math.round(r.right) });
      }
    }
  }
  const brokenImages = [...document.images]
    .filter((img) => !(img.complete && img.naturalWidth > 0))
    .map((img) => img.getAttribute('src'));
  const html = document.documentElement;
  const other = document.querySelector('a.lang-switch')?.getAttribute('hreflang') || null;
  const switches = [...document.querySelectorAll('a.lang-switch')];
  const alt = other ? document.querySelector(`link[rel="alternate"][hreflang="${other}"]`) : null;
  return {
    lang: html.lang,
    innerWidth: vw,
    scrollWidth: overflow,
    wide: wide.slice(0, 5).map((w) => `${describe(w.el)} (right edge at ${w.right}px)`),
    brokenImages,
    switchCount: switches.length,
    switchHref: switches[0] ? new URL(switches[0].getAttribute('href'), location.href).href : null,
    switchLang: other,
    alternate: alt ? new URL(alt.getAttribute('href'), location.href).href : null,
    bodyFont: getComputedStyle(document.body).fontFamily,
  };
}

// Thai words: namrong writes each run of Thai as <span class="tw"> with <wbr> between the words
// its segmenter and the site word list (content/words.txt) found, so each text node inside such
// a span is one word. A word whose range has line boxes on two lines was broken inside.
function probeThaiWords() {
  const broken = [];
  let words = 0;
  for (const run of document.querySelectorAll('span.tw')) {
    if (!run.getClientRects().length) continue; // not displayed
    for (const node of run.childNodes) {
      if (node.nodeType !== Node.TEXT_NODE || !node.data) continue;
      words++;
      const range = document.createRange();
      range.selectNodeContents(node);
      const rects = [...range.getClientRects()].filter((r) => r.width > 0);
      const lines = new Set(rects.map((r) => Math.round(r.top)));
      if (lines.size > 1) broken.push(node.data);
    }
  }
  return { words, broken };
}

function probeFonts() {
  const faces = [...document.fonts].map((f) => ({
    family: f.family.replace(/["']/g, ''),
    weight: f.weight,
    status: f.status,
    thai: /U\+0?E01|U\+0?E[0-5]/i.test(f.unicodeRange) || f.unicodeRange === 'U+0-10FFFF',
  }));
  const sarabun = faces.filter((f) => f.family === 'Sarabun');
  // Mark the first element whose own text is Thai, to ask the renderer which font drew it.
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  let thaiEl = null;
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (/[\u0E00-\u0E7F]/.test(n.nodeValue) && n.parentElement && n.parentElement.getClientRects().length) {
      thaiEl = n.parentElement;
      break;
    }
  }
  if (thaiEl) thaiEl.setAttribute('data-thai-probe', '');
  return {
    loaded: sarabun.filter((f) => f.status === 'loaded').length,
    thaiLoaded: sarabun.some((f) => f.thai && f.status === 'loaded'),
    check: document.fonts.check('16px Sarabun', 'ก'),
    faces: sarabun.map((f) => `${f.weight}${f.thai ? ' thai' : ''}:${f.status}`),
    thaiText: thaiEl ? thaiEl.textContent.trim().slice(0, 40) : null,
  };
}

// The font the renderer really used for the marked Thai text (Chrome DevTools Protocol).
async function renderedThaiFonts(page) {
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send('DOM.enable');
    await cdp.send('CSS.enable');
    const { root } = await cdp.send('DOM.getDocument', { depth: 0 });
    const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector: '[data-thai-probe]' });
    if (!nodeId) return null;
    const { fonts } = await cdp.send('CSS.getPlatformFontsForNode', { nodeId });
    return fonts;
  } finally {
    await cdp.detach().catch(() => {});
    await page.evaluate(() => document.querySelector('[data-thai-probe]')?.removeAttribute('data-thai-probe')).catch(() => {});
  }
}

function focusInfo() {
  const el = document.activeElement;
  if (!el || el === document.body) return { tag: 'body' };
  const cs = getComputedStyle(el);
  const r = el.getBoundingClientRect();
  const outline = cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) > 0 && cs.outlineColor !== 'rgba(0, 0, 0, 0)';
  const shadow = cs.boxShadow && cs.boxShadow !== 'none';
  let s = el.tagName.toLowerCase();
  if (el.id) s += '#' + el.id;
  if (el.classList.length) s += '.' + [...el.classList].join('.');
  const text = (el.textContent || '').trim().replace(/\s+/g, ' ').slice(0, 30);
  return {
    tag: el.tagName.toLowerCase(),
    desc: `${s}${text ? ` "${text}"` : ''}`,
    skip: el.classList.contains('skip-link'),
    inNav: !!el.closest('nav.main-nav, header nav'),
    indicator: outline || shadow,
    inViewport: r.width > 0 && r.height > 0 && r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight && r.right <= innerWidth,
    visible: cs.visibility !== 'hidden' && parseFloat(cs.opacity) > 0,
  };
}

// ---------------------------------------------------------------------------------------------
// One page at one width

async function visit(ctx, env, pg, vp) {
  const where = `${pg.path} (${pg.lang}, ${vp.width}px)`;
  const t0 = Date.now();
  const lap = (name) => env.timing && env.timing.push(`${where} ${name} ${Date.now() - t0}ms`);
  const page = await ctx.newPage();
  await page.setViewportSize(vp);
  const consoleErrors = [];
  const failedRequests = [];
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(`uncaught: ${e.message}`));
  page.on('requestfailed', (r) => {
    if (!env.external.has(r.url())) failedRequests.push(`${r.url()} (${r.failure()?.errorText})`);
  });
  page.on('response', (r) => {
    if (r.status() >= 400) failedRequests.push(`${r.url()} (HTTP ${r.status()})`);
  });
  try {
    const resp = await page.goto(env.origin + pg.path, { waitUntil: 'load', timeout: 30000 });
    check(resp && resp.ok(), 'requests', where, `the page itself answered HTTP ${resp && resp.status()}`);
    lap('loaded');
    await waitForImages(page);
    const layout = await page.evaluate(probeLayout);

    check(layout.scrollWidth <= layout.innerWidth, 'overflow', where, () =>
      `horizontal overflow: scrollWidth ${layout.scrollWidth} > innerWidth ${layout.innerWidth}; wider than the screen: ${layout.wide.join(', ') || '(no single element found)'}`);
    const thai = await page.evaluate(probeThaiWords);
    check(!thai.broken.length, 'thai-words', where, () =>
      `line broken inside Thai word(s): ${[...new Set(thai.broken)].slice(0, 12).join(', ')}`);
    if (pg.lang === 'th') {
      check(thai.words > 0, 'thai-words', where, 'no marked Thai words on a Thai page (is the word-break step running?)');
    }
    check(!layout.brokenImages.length, 'images', where, () => `broken image(s): ${layout.brokenImages.join(', ')}`);

    // Thai web font
    const fonts = await page.evaluate(probeFonts);
    const rendered = fonts.thaiText ? await renderedThaiFonts(page) : null;
    const renderedSarabun = rendered && rendered.some((f) => f.familyName === 'Sarabun' && f.isCustomFont);
    check(
      /^"?Sarabun"?(,|$)/.test(layout.bodyFont) && fonts.loaded > 0 &&
        (fonts.thaiText ? fonts.thaiLoaded && fonts.check && renderedSarabun : pg.lang !== 'th'),
      'font', where, () =>
        `Thai text is not in the Sarabun web font: body font-family ${layout.bodyFont}; Sarabun faces ${fonts.faces.join(', ') || 'none'}; ` +
        `document.fonts.check('16px Sarabun','ก') = ${fonts.check}; ` +
        (fonts.thaiText ? `"${fonts.thaiText}" drawn with ${rendered ? rendered.map((f) => `${f.familyName}${f.isCustomFont ? ' (web font)' : ''}`).join(', ') : 'unknown'}` : 'no Thai text on the page'));

    // Language switch: one link, to the other language, at the hreflang alternate or mirrored path
    const expected = layout.alternate || env.origin + mirrored(pg.path);
    const sameTarget = layout.switchHref && new URL(layout.switchHref).pathname === new URL(expected).pathname;
    check(layout.switchCount === 1 && layout.switchLang && layout.switchLang !== layout.lang && sameTarget, 'lang-switch', where, () =>
      `language switch: ${layout.switchCount} a.lang-switch, hreflang ${layout.switchLang} on a page in ${layout.lang}, ` +
      `href ${layout.switchHref} but the ${layout.alternate ? 'hreflang alternate' : 'mirrored path'} is ${expected}`);
    if (vp.width === WIDTHS[WIDTHS.length - 1].width) {
      env.switchMap.set(pg.path, { lang: layout.lang, target: layout.switchHref ? new URL(layout.switchHref).pathname : null });
    }

    lap('fonts');
    // axe-core: every page at the narrow width, representative pages at both widths
    if (vp.width === WIDTHS[0].width || pg.representative) await axeCheck(page, env, pg, where);
    lap('axe');
    if (pg.representative) {
      await representativeChecks(page, env, pg, vp, where, lap);
      lap('representative');
    }

    // Requests and console, after everything the page did
    await page.waitForTimeout(50);
    check(!failedRequests.length, 'requests', where, () => `failed request(s): ${[...new Set(failedRequests)].join(', ')}`);
    check(!consoleErrors.length, 'console', where, () => `console error(s): ${[...new Set(consoleErrors)].join(' | ')}`);
  } catch (e) {
    fail('visit', where, `the page could not be checked: ${e.message.split('\n')[0]}`);
  } finally {
    if (results.failures.some((f) => f.where === where)) {
      const dir = path.join(env.artifacts, 'failures');
      fs.mkdirSync(dir, { recursive: true });
      await page.screenshot({ path: path.join(dir, `${slugOf(pg.path)}-${vp.width}.png`), fullPage: true }).catch(() => {});
    }
    await page.close().catch(() => {});
  }
}

function slugOf(p) {
  return p.replace(/^\/|\/$/g, '').replace(/[^A-Za-z0-9.-]+/g, '_') || 'home';
}

async function axeCheck(page, env, pg, where) {
  await page.addScriptTag({ content: env.axeSource });
  const axe = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 5),
      count: v.nodes.length,
    }));
  });
  const serious = axe.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  check(!serious.length, 'axe', where, () =>
    'serious/critical accessibility violations:\n' +
    serious.map((v) => `      ${v.impact} ${v.id}: ${v.help} (${v.count}×: ${v.nodes.join(', ')})`).join('\n'));
  for (const v of axe.filter((x) => !serious.includes(x))) {
    const key = `${v.impact} ${v.id}: ${v.help}`;
    if (!env.minorAxe.has(key)) env.minorAxe.set(key, new Set());
    env.minorAxe.get(key).add(pg.path);
  }
}

async function representativeChecks(page, env, pg, vp, where, lap = () => {}) {
  // Screenshot artifact (full page, PNG)
  const shots = path.join(env.artifacts, 'screenshots');
  fs.mkdirSync(shots, { recursive: true });
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(shots, `${pg.type}-${pg.lang}-${vp.width}.png`), fullPage: true });
  if (env.docsScreenshots && ['home', 'pilot', 'province'].includes(pg.type)) {
    fs.mkdirSync(env.docsScreenshots, { recursive: true });
    await page.screenshot({
      path: path.join(env.docsScreenshots, `${pg.type}-${pg.lang}-${vp.width}.jpg`),
      type: 'jpeg',
      quality: 70,
      fullPage: false,
    });
  }

  lap('screenshots');
  // Keyboard: the skip link is hidden until focused, shows on focus and moves focus to main
  const before = await page.evaluate(() => {
    const s = document.querySelector('.skip-link');
    if (!s) return null;
    const r = s.getBoundingClientRect();
    return { hidden: r.bottom <= 0 || r.right <= 0 || r.top >= innerHeight || r.width <= 1 || r.height <= 1, href: s.getAttribute('href') };
  });
  await page.keyboard.press('Tab');
  const first = await page.evaluate(focusInfo);
  check(before && before.hidden && first.skip && first.inViewport && first.visible && first.indicator, 'keyboard', where, () =>
    !before ? 'no skip link (.skip-link)' :
      `skip link: hidden before focus ${before.hidden}; first Tab focuses ${first.desc || first.tag}; visible on focus ${!!(first.inViewport && first.visible)}; focus indicator ${first.indicator}`);
  if (first.skip) {
    await page.keyboard.press('Enter');
    await page.waitForTimeout(50);
    const target = await page.evaluate(() => ({
      active: document.activeElement && document.activeElement.tagName.toLowerCase(),
      isMain: document.activeElement === document.querySelector('main'),
      hash: location.hash,
    }));
    check(target.isMain, 'keyboard', where, `skip link: Enter moves focus to ${target.active} (${target.hash}), not to main`);
  }

  lap('skip-link');
  // Keyboard: walk every Tab stop; the main navigation is reachable and every stop shows focus
  await page.goto(env.origin + pg.path, { waitUntil: 'load' });
  const seen = [];
  let navReached = false;
  const noIndicator = [];
  // The whole tab order at the wide width; at the narrow one, up to the main navigation.
  const fullWalk = vp.width === WIDTHS[WIDTHS.length - 1].width;
  for (let i = 0; i < 400; i++) {
    if (!fullWalk && navReached) break;
    await page.keyboard.press('Tab');
    const f = await page.evaluate(focusInfo);
    if (f.tag === 'body' || (i > 0 && f.skip)) break;
    seen.push(f.desc);
    if (f.inNav) navReached = true;
    if (!f.indicator && !f.skip) noIndicator.push(f.desc);
  }
  check(navReached, 'keyboard', where, `the main navigation is not reachable by Tab (stops: ${seen.slice(0, 8).join(', ')})`);
  check(!noIndicator.length, 'keyboard', where, () => `no visible focus (outline or box-shadow) on: ${noIndicator.slice(0, 8).join(', ')}`);

  lap('tab-walk');
  // Language switch: really click it (at the wide width) and land on the same page in the other language
  if (!fullWalk) return;
  const want = await page.evaluate(() => {
    const a = document.querySelector('a.lang-switch');
    return a ? { href: new URL(a.getAttribute('href'), location.href).pathname, lang: a.getAttribute('hreflang') } : null;
  });
  if (want) {
    await Promise.all([page.waitForLoadState('load'), page.click('a.lang-switch')]);
    await page.waitForURL((u) => u.pathname === want.href, { timeout: 10000 }).catch(() => {});
    const landed = await page.evaluate(() => ({ path: location.pathname, lang: document.documentElement.lang }));
    check(landed.path === want.href && landed.lang === want.lang, 'lang-switch', where,
      `clicking the language switch lands on ${landed.path} (lang ${landed.lang}), expected ${want.href} (lang ${want.lang})`);
  }
}

// ---------------------------------------------------------------------------------------------

async function pool(items, jobs, fn) {
  let next = 0;
  const workers = Array.from({ length: Math.min(jobs, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++];
      await fn(item);
    }
  });
  await Promise.all(workers);
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const started = Date.now();
  if (!fs.existsSync(CHROMIUM)) {
    console.error(`error: ${CHROMIUM} not found. Install Debian's Chromium: apt-get install -y chromium`);
    process.exit(2);
  }
  let chromium;
  try {
    ({ chromium } = require('playwright-core'));
  } catch {
    console.error('error: playwright-core is not installed: run `npm ci` in tests/browser');
    process.exit(2);
  }

  const { pages, reps } = discover(opts.site);
  fs.rmSync(opts.artifacts, { recursive: true, force: true });
  fs.mkdirSync(opts.artifacts, { recursive: true });

  console.log(`browser suite: ${pages.length} pages in ${opts.site}`);
  for (const type of REQUIRED_TYPES) {
    check(reps.has(type), 'types', type, `no page of type "${type}" in the build`);
  }
  console.log('page types: ' + [...REQUIRED_TYPES, ...OPTIONAL_TYPES].filter((t) => reps.has(t))
    .map((t) => `${t} ${reps.get(t)}`).join(', '));
  if (!reps.has('search')) note('no /search/ page in this build: search not checked');

  // Start the HTML checker first: the JVM works while the browser does.
  const vnuPromise = runVnu(pages.map((p) => p.file));

  const server = await serve(opts.site, opts.port);
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'namrong-chromium-'));
  let ctx;
  const cleanup = async () => {
    if (ctx) await ctx.close().catch(() => {});
    ctx = null;
    await server.close();
    fs.rmSync(userDataDir, { recursive: true, force: true });
  };
  const onSignal = (sig) => {
    cleanup().finally(() => process.exit(sig === 'SIGINT' ? 130 : 143));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const env = {
    origin: server.origin,
    artifacts: opts.artifacts,
    docsScreenshots: opts.docsScreenshots,
    axeSource: fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8'),
    minorAxe: new Map(),
    switchMap: new Map(),
    external: new Set(),
    timing: process.env.NAMRONG_BROWSER_TIMING ? [] : null,
  };
  try {
    ctx = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      chromiumSandbox: false,
      args: CHROMIUM_ARGS,
      viewport: WIDTHS[1],
      deviceScaleFactor: 1,
      locale: 'th-TH',
      timezoneId: 'Asia/Bangkok',
      serviceWorkers: 'block',
    });
    // Nothing leaves this machine: any request off 127.0.0.1 is stopped and reported.
    await ctx.route((url) => url.hostname !== '127.0.0.1', (route) => {
      env.external.add(route.request().url());
      return route.abort('blockedbyclient');
    });

    const tasks = [];
    // Representative pages first, so their screenshots and keyboard checks run early.
    const ordered = [...pages].sort((a, b) => Number(b.representative) - Number(a.representative));
    for (const pg of ordered) for (const vp of WIDTHS) tasks.push({ pg, vp });
    await pool(tasks, opts.jobs, ({ pg, vp }) => visit(ctx, env, pg, vp));
  } finally {
    await cleanup();
  }

  // The language switch leads to a page in the other language that switches back.
  for (const [p, s] of env.switchMap) {
    const there = s.target && env.switchMap.get(s.target);
    check(there && there.lang !== s.lang && there.target === p, 'lang-switch', p, () =>
      !there ? `the language switch points to ${s.target}, which is not a page of the site`
        : `the language switch points to ${s.target} (lang ${there.lang}), which switches back to ${there.target}`);
  }
  for (const url of env.external) fail('requests', url, 'request to another host (sites must not load third-party resources)');

  const vnu = await vnuPromise;
  reportVnu(vnu, opts.site, pages);

  // Report
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (env.minorAxe.size) {
    console.log('axe-core, moderate and minor (reported, not failing):');
    for (const [key, where] of env.minorAxe) console.log(`  ${key} — ${where.size} page(s), e.g. ${[...where].slice(0, 3).join(', ')}`);
  }
  if (env.timing) fs.writeFileSync(path.join(opts.artifacts, 'timing.txt'), env.timing.join('\n') + '\n');
  for (const n of results.notes) console.log(`note: ${n}`);
  const byCheck = new Map();
  for (const f of results.failures) byCheck.set(f.check, (byCheck.get(f.check) || 0) + 1);
  for (const f of results.failures) console.log(`FAIL ${f.check} ${f.where}: ${f.message}`);
  fs.writeFileSync(path.join(opts.artifacts, 'report.json'), JSON.stringify({ ...results, seconds }, null, 2));
  console.log(`screenshots and report: ${opts.artifacts}`);
  console.log(`checked ${pages.length} pages × ${WIDTHS.map((w) => w.width + 'px').join(' and ')} in ${seconds} s` +
    (byCheck.size ? `; failures by check: ${[...byCheck].map(([c, n]) => `${c} ${n}`).join(', ')}` : ''));
  console.log(`browser: ${results.passed} passed, ${results.failed} failed`);
  process.exitCode = results.failed ? 1 : 0;
}

main().catch((e) => {
  console.error(`error: the browser suite could not run: ${e.stack || e}`);
  process.exit(2);
});
