/* namrong search: no dependencies, no outside service. Reads the index namrong writes under
   search/<lang>/ and follows src/search.rs exactly (terms, Thai cutting, ranking). Thai queries
   are cut with Intl.Segmenter; without it, with the index's own words. */
(() => {
  "use strict";
  const A = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_";
  const MAX_TERM = 32, PREFIX_TERMS = 16, PREFIX_SHARDS = 3, EXACT = 10, PREFIX = 7, MAX_TOKENS = 10;
  const MAX_CHARS = 200, CONFIRM = 10, PAGE = 10, MAX_SHOWN = 100, CONTEXT = 60, SNIPPET = 220;
  const THAI = /[\u0E00-\u0E7F]/, DROP = /[.'\u2019:,;]/g, MARK = /[\u0E31\u0E34-\u0E3A\u0E47-\u0E4E]/;
  const VALUE = [];
  for (let i = 0; i < 64; i++) VALUE[A.charCodeAt(i)] = i;
  const re = (src, flags, old) => { try { return new RegExp(src, flags); } catch (e) { return old; } };
  const ALNUM = re("[\\p{L}\\p{N}]", "u", /[0-9A-Za-z\u00AA-\uFFFF]/);
  const WORD = re("[\\p{L}\\p{N}\\p{M}_]+(?:[.'\u2019:][\\p{L}\\p{N}\\p{M}_]+)*", "gu", /[0-9A-Za-z_\u00C0-\uFFFF]+/g);
  let SEG = null;
  try { SEG = new Intl.Segmenter("th", { granularity: "word" }); } catch (e) { /* fall back */ }

  // ---- Terms (src/search/text.rs): Porter steps 1a-1c, Thai digits, dropped punctuation ----
  const cons = (w, i) => !"aeiou".includes(w[i]) && (w[i] !== "y" || i === 0 || !cons(w, i - 1));
  const vowel = (w) => [...w].some((_, i) => !cons(w, i));
  function measure(w) {
    let i = 0, m = 0;
    while (i < w.length && cons(w, i)) i++;
    for (;;) {
      while (i < w.length && !cons(w, i)) i++;
      if (i >= w.length) return m;
      while (i < w.length && cons(w, i)) i++;
      m++;
    }
  }
  function stem(w) {
    if (/(sses|ies)$/.test(w)) w = w.slice(0, -2);
    else if (/[^s]s$/.test(w)) w = w.slice(0, -1);
    let extra = false;
    if (w.endsWith("eed")) { if (measure(w.slice(0, -3)) > 0) w = w.slice(0, -1); }
    else if (w.endsWith("ed") && vowel(w.slice(0, -2))) { w = w.slice(0, -2); extra = true; }
    else if (w.endsWith("ing") && vowel(w.slice(0, -3))) { w = w.slice(0, -3); extra = true; }
    if (extra) {
      const n = w.length, z = w[n - 1];
      if (/(at|bl|iz)$/.test(w)) w += "e";
      else if (n >= 2 && z === w[n - 2] && cons(w, n - 1) && !"lsz".includes(z)) w = w.slice(0, -1);
      else if (measure(w) === 1 && n >= 3 && cons(w, n - 3) && !cons(w, n - 2) && cons(w, n - 1) && !"wxy".includes(z)) w += "e";
    }
    if (w.length > 1 && w.endsWith("y") && vowel(w.slice(0, -1))) w = w.slice(0, -1) + "i";
    return w;
  }
  const thaiChars = (s) => [...s.replace(DROP, "")].map((c) => {
    const k = c.charCodeAt(0);
    return k >= 0x0E50 && k <= 0x0E59 ? String.fromCharCode(k - 0x0E50 + 48) : c;
  });
  function normalize(seg) {
    let t;
    if (THAI.test(seg)) t = thaiChars(seg).join("");
    else {
      t = seg.toLowerCase().replace(DROP, "");
      if (t.length > 3 && /^[a-z]+$/.test(t)) t = stem(t);
    }
    const n = [...t].length;
    return n >= 2 && n <= MAX_TERM && !/[\uD800-\uDFFF]/.test(t) && ALNUM.test(t) ? t : null;
  }
  // The query as {term, raw} (not Thai) and {chars, bounds} (Thai words written together).
  function pieces(q) {
    const out = [];
    let run = null;
    const flush = () => { if (run) out.push(run); run = null; };
    const word = (seg, start) => {
      if (!THAI.test(seg)) {
        flush();
        const term = normalize(seg);
        if (term) out.push({ term, raw: seg.toLowerCase().replace(DROP, "") });
        return;
      }
      const cs = thaiChars(seg);
      if (run && run.end === start) { run.chars.push(...cs); run.bounds.push(run.chars.length); }
      else { flush(); run = { chars: cs, bounds: [0, cs.length] }; }
      run.end = start + seg.length;
    };
    if (SEG) {
      for (const s of SEG.segment(q)) { if (s.isWordLike) word(s.segment, s.index); else flush(); }
    } else {
      for (const m of q.match(/[\u0E00-\u0E7F]+|[^\s\u0E00-\u0E7F]+/g) || []) {
        flush();
        if (THAI.test(m)) word(m, -1);
        else for (const w of m.match(WORD) || []) word(w, -1);
      }
    }
    flush();
    return out;
  }

  // ---- The index files ----
  const lowerBound = (entries, t) => {
    let lo = 0, hi = entries.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (entries[mid].term < t) lo = mid + 1; else hi = mid; }
    return lo;
  };
  function decode(e) {
    if (e.docs) return e;
    const s = e.raw, docs = [], w = [];
    for (let i = 0, doc = -1; i < s.length;) {
      let gap = 0, shift = 0, c;
      do { c = VALUE[s.charCodeAt(i++)]; gap += (c & 31) * 2 ** shift; shift += 5; } while (c & 32);
      docs.push(doc += gap);
      w.push(VALUE[s.charCodeAt(i++)]);
    }
    return Object.assign(e, { docs, w });
  }
  class Index {
    constructor(base) { this.base = base; this.meta = null; this.shards = {}; this.fragments = {}; }
    async get(path) {
      const url = this.base + path + (this.meta ? "?v=" + this.meta.stamp : "");
      const r = await fetch(url, this.meta ? {} : { cache: "no-cache" });
      if (!r.ok) throw new Error(r.status + " " + url);
      return r.json();
    }
    open() { return this.opening || (this.opening = this.get("meta.json").then((m) => (this.meta = m))); }
    shardOf(t) {
      const s = this.meta.shards;
      let lo = 0, hi = s.length;
      while (lo < hi) { const mid = (lo + hi) >> 1; if (s[mid] <= t) lo = mid + 1; else hi = mid; }
      return Math.max(0, lo - 1);
    }
    shard(i) {
      return this.shards[i] || (this.shards[i] = this.get("s/" + i + ".json")
        .then((j) => j.terms.map((e) => ({ term: e[0], idf: e[1], df: e[2], raw: e[3] }))));
    }
    // Starts loading the shard of t (errors surface when it is used).
    prefetch(t) { if (this.meta.shards.length) this.shard(this.shardOf(t)).catch(() => {}); }
    async find(t) {
      if (!this.meta.shards.length) return null;
      const entries = await this.shard(this.shardOf(t)), i = lowerBound(entries, t);
      return i < entries.length && entries[i].term === t ? entries[i] : null;
    }
    // Terms starting with p, from p's shard and the next two, the most frequent first.
    async prefixed(p) {
      const shards = this.meta.shards, found = [], s0 = this.shardOf(p);
      if (!shards.length) return [];
      for (let s = s0; s < Math.min(shards.length, s0 + PREFIX_SHARDS); s++) {
        if (s > s0 && !shards[s].startsWith(p)) break;
        const entries = await this.shard(s);
        let i = s === s0 ? lowerBound(entries, p) : 0;
        while (i < entries.length && entries[i].term.startsWith(p)) found.push(entries[i++]);
        if (i < entries.length) break;
      }
      found.sort((x, y) => y.df - x.df || (x.term < y.term ? -1 : 1));
      return found.slice(0, PREFIX_TERMS).map((e) => ({ e, f: PREFIX }));
    }
    // A Thai run: the longest term ending at a word boundary, else the longest term at all, else
    // the rest of the run as a prefix, else the next word as a prefix. Exact terms that follow
    // each other in the run (written without a space) make a compound, pushed onto `compounds`.
    async thai(chars, bounds, tokens, compounds) {
      const n = chars.length, sub = (a, b) => chars.slice(a, b).join("");
      bounds.forEach((a, x) => bounds.slice(x + 1).forEach((b) => this.prefetch(sub(a, b))));
      let run = [0, 0, 0];
      const close = () => { if (run[2] >= 2) compounds.push(sub(run[0], run[1])); run = [0, 0, 0]; };
      for (let pos = 0; pos < n;) {
        const ends = bounds.filter((e) => e > pos + 1 && e - pos <= MAX_TERM).reverse();
        for (let e = Math.min(n, pos + MAX_TERM); e >= pos + 2; e--) ends.push(e);
        let hit = null;
        for (const e of ends) { const f = await this.find(sub(pos, e)); if (f) { hit = [f, e]; break; } }
        if (hit) {
          tokens.push([{ e: hit[0], f: EXACT }]);
          run = run[2] ? [run[0], hit[1], run[2] + 1] : [pos, hit[1], 1];
          pos = hit[1];
          continue;
        }
        close();
        if (n - pos >= 2 && n - pos <= MAX_TERM) {
          const rest = await this.prefixed(sub(pos, n));
          if (rest.length) { tokens.push(rest); break; }
        }
        const e = bounds.find((b) => b > pos) ?? n;
        if (e - pos >= 2) tokens.push(await this.prefixed(sub(pos, e)));
        pos = e;
      }
      close();
    }
    async tokens(q) {
      const ps = pieces([...q].slice(0, MAX_CHARS).join("")), tokens = [], seen = new Set(), compounds = [];
      ps.forEach((p) => p.term && this.prefetch(p.term));
      for (const p of ps) {
        if (p.chars) { await this.thai(p.chars, p.bounds, tokens, compounds); continue; }
        const e = await this.find(p.term);
        tokens.push(e ? [{ e, f: EXACT }] : [...p.raw].length >= 3 ? await this.prefixed(p.raw) : []);
      }
      return {
        tokens: tokens.filter((t) => {
          const key = t.map((a) => a.e.term + ":" + a.f).join("|");
          return !seen.has(key) && seen.add(key);
        }).slice(0, MAX_TOKENS),
        compounds: compounds.filter((c, i) => c !== compounds[i - 1]),
      };
    }
    async search(q) {
      await this.open();
      const { tokens, compounds } = await this.tokens(q);
      let hits = rank(tokens);
      // Of the first results, those whose text holds every compound as written; when none
      // does, all of them (a misspelt compound finds what its parts find).
      if (compounds.length) {
        const first = hits.slice(0, CONFIRM), docs = await this.docs(first.map((h) => h.doc));
        const kept = first.filter((_, i) => {
          const text = thaiChars([docs[i].t, docs[i].p, docs[i].i, docs[i].x].join("\n")).join("");
          return compounds.every((c) => text.includes(c));
        });
        if (kept.length) hits = kept;
      }
      const terms = tokens.flat().map((a) => a.e.term).concat(compounds);
      return { hits, terms };
    }
    docs(ids) {
      const c = this.meta.chunk;
      return Promise.all(ids.map((id) => {
        const k = Math.floor(id / c);
        return (this.fragments[k] || (this.fragments[k] = this.get("f/" + k + ".json"))).then((f) => f.docs[id - k * c]);
      }));
    }
  }
  // Documents and scores, best first (src/search.rs, LangIndex::rank).
  function rank(tokens) {
    const per = tokens.map((alts) => {
      const m = new Map();
      for (const a of alts) {
        const e = decode(a.e);
        e.docs.forEach((d, j) => { const s = e.idf * e.w[j] * a.f; if (!(m.get(d) >= s)) m.set(d, s); });
      }
      return m;
    });
    const all = tokens.map((_, i) => i);
    const required = all.filter((i) => !(tokens[i].length && tokens[i].every((a) => decode(a.e).docs.length < a.e.df)));
    const covered = (req) => {
      const c = new Map();
      req.forEach((i) => per[i].forEach((_, d) => c.set(d, (c.get(d) || 0) + 1)));
      return c;
    };
    let coverage = covered(required);
    if (!coverage.size && required.length < tokens.length) coverage = covered(all);
    let best = 0;
    coverage.forEach((c) => { if (c > best) best = c; });
    const out = [];
    coverage.forEach((c, doc) => {
      if (c === best) out.push({ doc, score: per.reduce((s, m) => s + (m.get(doc) || 0), 0) });
    });
    return out.sort((x, y) => y.score - x.score || x.doc - y.doc);
  }

  // ---- Highlighting: Thai terms anywhere, other terms as whole words ----
  function ranges(text, terms) {
    const out = [], latin = new Set(terms.filter((t) => !THAI.test(t)));
    for (const t of terms) {
      if (THAI.test(t)) for (let i = text.indexOf(t); i >= 0; i = text.indexOf(t, i + t.length)) out.push([i, i + t.length]);
    }
    for (const m of text.matchAll(WORD)) {
      if (!THAI.test(m[0]) && latin.has(normalize(m[0]))) out.push([m.index, m.index + m[0].length]);
    }
    out.sort((x, y) => x[0] - y[0] || y[1] - x[1]);
    const merged = [];
    for (const r of out) {
      const last = merged[merged.length - 1];
      if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]); else merged.push(r);
    }
    return merged;
  }
  function marked(el, text, rs, from, to) {
    let at = from;
    for (const r of rs) {
      const a = Math.max(r[0], from), b = Math.min(r[1], to);
      if (b <= a || a < at) continue;
      el.append(text.slice(at, a), Object.assign(document.createElement("mark"), { textContent: text.slice(a, b) }));
      at = b;
    }
    el.append(text.slice(at, to));
  }
  // A word boundary near `at`: a space, else a segment boundary, never before a Thai mark.
  function boundary(text, at, forward) {
    if (at <= 0 || at >= text.length) return Math.max(0, Math.min(text.length, at));
    const lo = Math.max(0, at - 20), hi = Math.min(text.length, at + 20);
    const space = forward ? text.indexOf(" ", at) : text.lastIndexOf(" ", at);
    if (space >= lo && space <= hi) return forward ? space : space + 1;
    if (SEG) {
      let best = -1;
      for (const s of SEG.segment(text.slice(lo, hi))) {
        const b = lo + s.index;
        if (forward ? b >= at && best < 0 : b <= at) best = b;
      }
      if (best > 0) return best;
    }
    while (at < text.length && MARK.test(text[at])) at++;
    return at;
  }
  function snippet(el, text, terms) {
    const rs = ranges(text, terms);
    let from = rs.length && rs[0][0] > CONTEXT + 20 ? boundary(text, rs[0][0] - CONTEXT, false) : 0;
    if (rs.length && from > rs[0][0]) from = rs[0][0];
    const to = boundary(text, Math.min(text.length, from + SNIPPET), true);
    if (from > 0) el.append("… ");
    marked(el, text, rs, from, to);
    if (to < text.length) el.append(" …");
  }

  // ---- The page ----
  const el = (tag, cls, text) => Object.assign(document.createElement(tag), cls ? { className: cls } : {}, text ? { textContent: text } : {});
  function init() {
    const form = document.getElementById("search-form"), box = document.getElementById("search-results");
    if (!form || !box || !window.fetch) return;
    const input = form.querySelector("input[name=q]"), noJs = document.getElementById("search-no-js");
    if (noJs) noJs.hidden = true;
    const index = new Index(form.dataset.base), label = (k) => box.getAttribute("data-" + k) || "";
    const status = el("p", "search-status"), list = el("ol", "search-list");
    box.append(status, list);
    let current = 0, observer = null, timer = 0;
    async function render(seq, hits, terms, start) {
      const ids = hits.slice(start, Math.min(start + PAGE, MAX_SHOWN)).map((h) => h.doc);
      if (!ids.length) return;
      const docs = await index.docs(ids);
      if (seq !== current) return;
      for (const d of docs) {
        const li = el("li", "search-result"), h = el("h3"), a = el("a");
        a.href = d.u;
        marked(a, d.t, ranges(d.t, terms), 0, d.t.length);
        h.append(a);
        li.append(el("p", "search-kind", label("kind-" + d.k)), h);
        const meta = [d.p, d.i].filter(Boolean).join(" · ");
        if (meta) li.append(el("p", "search-meta", meta));
        const p = el("p", "search-snippet");
        snippet(p, d.x || "", terms);
        list.append(li);
        li.append(p);
      }
      const next = start + ids.length;
      if (next < Math.min(hits.length, MAX_SHOWN) && window.IntersectionObserver) {
        observer = new IntersectionObserver((entries) => {
          if (entries[0].isIntersecting) { observer.disconnect(); render(seq, hits, terms, next); }
        });
        observer.observe(list.lastChild);
      }
    }
    async function run(q, push) {
      const seq = ++current;
      if (observer) observer.disconnect();
      if (push) {
        const url = new URL(location.href);
        if (q) url.searchParams.set("q", q); else url.searchParams.delete("q");
        history.replaceState(null, "", url);
      }
      if (!q.trim()) { list.textContent = status.textContent = ""; box.removeAttribute("aria-busy"); return; }
      box.setAttribute("aria-busy", "true");
      status.textContent = label("loading");
      try {
        const r = await index.search(q);
        if (seq !== current) return;
        list.textContent = "";
        status.textContent = r.hits.length ? r.hits.length + " " + label("count") : label("none");
        await render(seq, r.hits, r.terms, 0);
      } catch (e) {
        if (seq === current) status.textContent = label("none");
      } finally {
        if (seq === current) box.removeAttribute("aria-busy");
      }
    }
    form.addEventListener("submit", (ev) => { ev.preventDefault(); clearTimeout(timer); run(input.value, true); });
    input.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(() => run(input.value, true), 250); });
    const q = new URLSearchParams(location.search).get("q");
    if (q) { input.value = q; run(q, false); }
  }
  if (typeof document !== "undefined") {
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init); else init();
  }
  if (typeof module === "object" && module.exports) module.exports = { Index, pieces, normalize, rank };
})();
