//! Site search without a server: an index built with the site, in files that `search.js` loads
//! lazily, per language.
//!
//! Every pilot, update and free page is a document of each language's index (text in the other
//! language stands in where a translation is missing, as on the page itself). Text becomes
//! terms as [`text`] describes (ICU4X's Thai dictionary, English stemming), the same rules
//! `search.js` applies to a query with `Intl.Segmenter`.
//!
//! Files of one language, under `search/<lang>/`:
//!
//! * `meta.json`: `{"version", "lang", "docs", "chunk", "stamp", "shards": [first term of each shard]}`.
//!   The only file every search needs; a few KB even for 10,000 pilots.
//! * `s/<n>.json`: a shard, `{"terms": [[term, idf, df, postings], ...]}`, terms sorted by code
//!   point, shard `n` holding the terms from `shards[n]` up to `shards[n + 1]` (about
//!   [`SHARD_BYTES`] each). `postings` is a string: per document, the gap from the previous
//!   document id (first: id + 1) as a base-32 varint, then the document's weight, one character,
//!   in the alphabet [`ALPHABET`]. Lists are cut to the [`MAX_POSTINGS`] best documents (then
//!   `df` is larger than the list).
//! * `f/<n>.json`: documents `n * chunk .. (n + 1) * chunk` to show as results: `{"docs": [{"u": url,
//!   "t": title, "k": kind, "p": provinces, "i": issues, "x": text}]}`, fetched only for the
//!   results shown.
//!
//! Every file but `meta.json` is fetched with `?v=stamp`, so a new build never mixes with
//! cached files of an old one.
//!
//! Ranking: a document's weight for a term is a BM25F-style saturation of its field-weighted
//! term frequency (title 6, provinces and issues 3, summary 2, context 1, length-normalised
//! body 1) plus a bonus for a title match, so that a title match always outranks a body-only
//! match of the same term. A query's score is the sum over its words of `idf × weight`, in
//! integers so that `search.js` computes exactly the same numbers. Every word must match
//! (words whose list was cut are optional); when no document has them all, the documents
//! matching the most words are shown.

mod text;

use std::collections::HashMap;
use std::fmt;

use rayon::prelude::*;
use serde::Serialize;

use crate::model::{Lang, PerLang, Site, province};
use crate::output::{Body, MemorySink, OutputError, Sink};
use crate::urls;

/// Fields of a document.
const TITLE: usize = 0;
/// Provinces, issues, places, organisations, indicators.
const FACTS: usize = 1;
const SUMMARY: usize = 2;
/// Of an update: its pilot's title, provinces and issues.
const CONTEXT: usize = 3;
const BODY: usize = 4;
/// Field weights: title, facts, summary, context (the body's is 1, after length normalisation).
const WEIGHTS: [u32; 4] = [6, 3, 2, 1];
const K1: f64 = 1.2;
const B: f64 = 0.75;
const TITLE_BONUS: f64 = 2.5;
/// Weights of updates are scaled by this, so that a pilot comes before its updates on a tie.
const UPDATE_PRIOR: f64 = 0.9;
/// Weights are `round(score × IMPACT_SCALE)`, 1 to 63.
const IMPACT_SCALE: f64 = 13.0;
/// idf is stored as `round(idf × IDF_SCALE)`.
const IDF_SCALE: f64 = 20.0;
/// A term's posting list keeps at most this many documents (its best ones).
pub const MAX_POSTINGS: usize = 10_000;
/// A shard is closed when the next term would take it over this many bytes.
pub const SHARD_BYTES: usize = 24 * 1024;
/// Documents per result file.
pub const CHUNK: usize = 4;
/// Bytes of text kept per document for snippets.
const MAX_TEXT: usize = 12_000;
/// Prefix search: at most this many terms, from at most this many shards.
const PREFIX_TERMS: usize = 16;
const PREFIX_SHARDS: usize = 3;
/// Factor (out of 10) for terms found by prefix rather than exactly.
const EXACT: u64 = 10;
const PREFIX: u64 = 7;
/// Query words considered.
const MAX_QUERY_TOKENS: usize = 10;
/// Query characters considered.
const MAX_QUERY_CHARS: usize = 200;
/// The digits of posting strings: 64 characters that need no escaping in JSON or URLs.
pub const ALPHABET: &[u8; 64] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_";

/// One result of [`SearchIndex::query`].
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    /// Root-relative URL of the page.
    pub url: String,
    /// Its title.
    pub title: String,
    /// `"pilot"`, `"update"` or `"page"`.
    pub kind: &'static str,
    /// The score `search.js` computes (higher first).
    pub score: f64,
}

/// The search index of a site, both languages, kept so a preview can update one pilot cheaply.
pub struct SearchIndex {
    langs: PerLang<LangIndex>,
}

impl fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("SearchIndex");
        for lang in Lang::ALL {
            let b = &self.langs.get(lang).built;
            d.field(
                lang.code(),
                &format_args!("{} docs, {} terms, {} shards", b.docs.len(), b.terms.len(), b.shards.len()),
            );
        }
        d.finish()
    }
}

/// One language's index.
struct LangIndex {
    lang: Lang,
    vocab: Vocab,
    /// One group per pilot (the pilot, then its updates), then one per free page.
    groups: Vec<Vec<DocData>>,
    built: Built,
}

/// A document after analysis.
struct DocData {
    url: String,
    title: String,
    kind: &'static str,
    /// One per term.
    postings: Vec<Posting>,
    /// Terms in the body.
    body_len: u32,
}

#[derive(Clone, Copy)]
struct Posting {
    term: u32,
    /// Weighted frequency in title, facts, summary and context; top bit: in the title.
    fixed: u16,
    /// Frequency in the body.
    body: u16,
}

const IN_TITLE: u16 = 1 << 15;

/// Terms and their ids. Ids only grow (a preview may leave unused ones); files never show them.
#[derive(Default)]
struct Vocab {
    ids: HashMap<Box<str>, u32, text::FxBuild>,
    strs: Vec<Box<str>>,
}

impl Vocab {
    fn intern_owned(&mut self, term: Box<str>) -> u32 {
        if let Some(&id) = self.ids.get(&term) {
            return id;
        }
        let id = self.strs.len() as u32;
        self.strs.push(term.clone());
        self.ids.insert(term, id);
        id
    }

    fn str(&self, id: u32) -> &str {
        &self.strs[id as usize]
    }
}

/// The assembled index: what the files say, in memory.
#[derive(Default)]
struct Built {
    /// (group, index in group) of each document id.
    docs: Vec<(u32, u32)>,
    /// Term ids in code point order (terms of no document left out).
    terms: Vec<u32>,
    idf: Vec<u32>,
    df: Vec<u32>,
    /// Postings of term `k` (in `terms` order): `starts[k]..starts[k + 1]`.
    starts: Vec<usize>,
    post_doc: Vec<u32>,
    post_weight: Vec<u8>,
    /// Index in `terms` of the first term of each shard.
    shard_first: Vec<usize>,
    /// The shard files.
    shards: Vec<Vec<u8>>,
}

// ---------------------------------------------------------------------------------------------
// What each document says

/// A document's texts and what a result shows of it.
struct DocSource<'a> {
    url: String,
    title: &'a str,
    kind: &'static str,
    /// The pilot it belongs to (its provinces and issues are shown with it).
    pilot: Option<usize>,
    /// Texts with their field: [`TITLE`], [`FACTS`], [`SUMMARY`], [`CONTEXT`] or [`BODY`].
    fields: Vec<(usize, &'a str)>,
    summary: Option<&'a str>,
    body: Option<&'a str>,
}

/// The provinces and issues of pilot `i`, as a result shows them.
fn pilot_labels(site: &Site, lang: Lang, i: usize) -> (String, String) {
    let p = &site.pilots[i];
    let provinces: Vec<&str> = p.provinces.iter().map(|&k| province::all()[k].name(lang)).collect();
    let issues: Vec<&str> = p
        .issues
        .iter()
        .map(|&k| site.issues[k].label.resolve(lang).map_or(site.issues[k].key.as_str(), |t| t.0))
        .collect();
    (provinces.join(", "), issues.join(", "))
}

/// A document's fields: its title, `more` (facts or context), its summary and its body.
fn fields<'a>(
    title: &'a str,
    mut more: Vec<(usize, &'a str)>,
    summary: Option<&'a str>,
    body: Option<&'a str>,
) -> Vec<(usize, &'a str)> {
    more.push((TITLE, title));
    more.extend(summary.map(|s| (SUMMARY, s)));
    more.extend(body.map(|b| (BODY, b)));
    more
}

/// The documents of group `g` in `lang`: pilot `g` and its updates, or free page `g - pilots`.
fn group_sources(site: &Site, lang: Lang, g: usize) -> Vec<DocSource<'_>> {
    let c = &site.config;
    if g >= site.pilots.len() {
        let p = &site.pages[g - site.pilots.len()];
        let title = p.title.resolve(lang).map_or(p.name.as_str(), |t| t.0);
        let summary = p.description.resolve(lang).map(|t| t.0);
        let body = p.body.resolve(lang).map(|d| d.0.plain.as_str());
        return vec![DocSource {
            url: c.href(&urls::page(lang, &p.name)),
            title,
            kind: "page",
            pilot: None,
            fields: fields(title, Vec::new(), summary, body),
            summary,
            body,
        }];
    }
    let p = &site.pilots[g];
    let all = province::all();
    let title = p.title.resolve(lang).map_or(p.slug.as_str(), |t| t.0);
    let summary = p.summary.resolve(lang).map(|t| t.0);
    let body = p.narrative.resolve(lang).map(|d| d.0.plain.as_str());
    let issues: Vec<&str> = p
        .issues
        .iter()
        .map(|&i| site.issues[i].label.resolve(lang).map_or(site.issues[i].key.as_str(), |t| t.0))
        .collect();
    // Both languages' names, so a Thai search finds "Lampang" and an English one "ลำปาง".
    let places: Vec<&str> = p.provinces.iter().flat_map(|&i| [all[i].th, all[i].en]).collect();
    let issue_names: Vec<&str> =
        p.issues.iter().flat_map(|&i| Lang::ALL.into_iter().filter_map(move |l| site.issues[i].label.get(l))).collect();
    let mut facts: Vec<(usize, &str)> = places.iter().chain(&issue_names).map(|&t| (FACTS, t)).collect();
    for t in [&p.district, &p.tambon, &p.lead] {
        facts.extend(t.resolve(lang).map(|t| (FACTS, t.0)));
    }
    facts.extend(p.partners.iter().filter_map(|t| t.resolve(lang).map(|t| (FACTS, t.0))));
    facts.extend(p.indicators.iter().filter_map(|ind| ind.name.resolve(lang).map(|t| (FACTS, t.0))));
    let mut docs = vec![DocSource {
        url: c.href(&urls::pilot(lang, &p.slug)),
        title,
        kind: "pilot",
        pilot: Some(g),
        fields: fields(title, facts, summary, body),
        summary,
        body,
    }];
    // An update is found by its pilot's title and provinces too, at a low weight.
    let mut context = vec![(CONTEXT, title)];
    context.extend(places.iter().chain(&issues).map(|&t| (CONTEXT, t)));
    for u in &p.updates {
        let ut = u.title.resolve(lang).map_or(u.stem.as_str(), |t| t.0);
        let summary = u.summary.resolve(lang).map(|t| t.0);
        let body = u.body.resolve(lang).map(|d| d.0.plain.as_str());
        docs.push(DocSource {
            url: c.href(&urls::update(lang, &p.slug, &u.stem)),
            title: ut,
            kind: "update",
            pilot: Some(g),
            fields: fields(ut, context.clone(), summary, body),
            summary,
            body,
        });
    }
    docs
}

/// Terms of a few groups and their local ids (strings are moved to the global [`Vocab`] after).
#[derive(Default)]
struct LocalVocab {
    ids: HashMap<Box<str>, u32, text::FxBuild>,
}

impl LocalVocab {
    fn intern(&mut self, term: &str) -> u32 {
        if let Some(&id) = self.ids.get(term) {
            return id;
        }
        let id = self.ids.len() as u32;
        self.ids.insert(term.into(), id);
        id
    }

    /// Global ids of the local ids, interning the terms in `global`.
    fn into_global(self, global: &mut Vocab) -> Vec<u32> {
        let mut map = vec![0; self.ids.len()];
        for (term, id) in self.ids {
            map[id as usize] = global.intern_owned(term);
        }
        map
    }
}

/// Analysis state of a few groups: a local vocabulary, and the term ids of each run seen.
struct Local<'a> {
    vocab: LocalVocab,
    runs: HashMap<&'a str, (u32, u32), text::FxBuild>,
    ids: Vec<u32>,
    /// Per local term id: its index in `counts` while a document is analysed, else `NONE`.
    slot: Vec<u32>,
    /// Per term of the current document: its id and frequency per field.
    counts: Vec<(u32, [u32; 5])>,
}

const NONE: u32 = u32::MAX;

impl<'a> Local<'a> {
    fn new() -> Self {
        Local {
            vocab: LocalVocab::default(),
            runs: HashMap::default(),
            ids: Vec::new(),
            slot: Vec::new(),
            counts: Vec::new(),
        }
    }

    /// Counts the terms of `text` in `field`; returns how many.
    fn add(&mut self, text: &'a str, field: usize) -> u32 {
        let mut n = 0;
        for run in text::runs(text) {
            let (start, len) = match self.runs.get(run) {
                Some(&r) => r,
                None => {
                    let start = self.ids.len();
                    let (vocab, ids) = (&mut self.vocab, &mut self.ids);
                    text::run_terms(run, |t| ids.push(vocab.intern(t)));
                    self.slot.resize(self.vocab.ids.len(), NONE);
                    let r = (start as u32, (self.ids.len() - start) as u32);
                    self.runs.insert(run, r);
                    r
                }
            };
            for &id in &self.ids[start as usize..(start + len) as usize] {
                let slot = &mut self.slot[id as usize];
                if *slot == NONE {
                    *slot = self.counts.len() as u32;
                    self.counts.push((id, [0; 5]));
                }
                self.counts[*slot as usize].1[field] += 1;
            }
            n += len;
        }
        n
    }

    /// Analyses one document.
    fn analyze(&mut self, src: &DocSource<'a>) -> DocData {
        let mut body_len = 0u32;
        for &(field, t) in &src.fields {
            let n = self.add(t, field);
            if field == BODY {
                body_len += n;
            }
        }
        let postings = self
            .counts
            .drain(..)
            .map(|(term, counts)| {
                self.slot[term as usize] = NONE;
                let fixed: u32 = (0..4).map(|f| WEIGHTS[f] * counts[f]).sum();
                let mut fixed = fixed.min(u32::from(IN_TITLE - 1)) as u16;
                if counts[TITLE] > 0 {
                    fixed |= IN_TITLE;
                }
                Posting { term, fixed, body: counts[BODY].min(u32::from(u16::MAX)) as u16 }
            })
            .collect();
        DocData { url: src.url.clone(), title: src.title.to_string(), kind: src.kind, postings, body_len }
    }
}

/// Analyses groups with a local vocabulary; the result's term ids are the local ones.
fn analyze_groups(site: &Site, lang: Lang, groups: impl Iterator<Item = usize>) -> (LocalVocab, Vec<Vec<DocData>>) {
    let mut local = Local::new();
    let docs = groups.map(|g| group_sources(site, lang, g).iter().map(|src| local.analyze(src)).collect()).collect();
    (local.vocab, docs)
}

/// Moves groups analysed with a local vocabulary to global ids: `map[local id]`.
fn remap(map: &[u32], groups: &mut [Vec<DocData>]) {
    for doc in groups.iter_mut().flatten() {
        for p in &mut doc.postings {
            p.term = map[p.term as usize];
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Assembly

impl LangIndex {
    fn build(site: &Site, lang: Lang) -> LangIndex {
        let n = site.pilots.len() + site.pages.len();
        // Groups in a few dozen pieces: enough to keep every core busy, few enough that each
        // piece's vocabulary and run memo pay off.
        let piece = (n / 24).clamp(32, 512);
        let parts: Vec<(LocalVocab, Vec<Vec<DocData>>)> =
            (0..n).into_par_iter().chunks(piece).map(|gs| analyze_groups(site, lang, gs.into_iter())).collect();
        let mut vocab = Vocab::default();
        let (locals, mut pieces): (Vec<LocalVocab>, Vec<Vec<Vec<DocData>>>) = parts.into_iter().unzip();
        let maps: Vec<Vec<u32>> = locals.into_iter().map(|local| local.into_global(&mut vocab)).collect();
        pieces.par_iter_mut().zip(maps.par_iter()).for_each(|(groups, map)| remap(map, groups));
        let groups: Vec<Vec<DocData>> = pieces.into_iter().flatten().collect();
        let built = assemble(&vocab, &groups);
        LangIndex { lang, vocab, groups, built }
    }

    fn replace_groups(&mut self, site: &Site, gs: &[usize]) {
        if gs.is_empty() {
            return;
        }
        let (local, mut docs) = analyze_groups(site, self.lang, gs.iter().copied());
        let map = local.into_global(&mut self.vocab);
        remap(&map, &mut docs);
        for (&g, group) in gs.iter().zip(docs) {
            self.groups[g] = group;
        }
        self.built = assemble(&self.vocab, &self.groups);
    }
}

fn idf(n: usize, df: usize) -> u32 {
    let (n, df) = (n as f64, df as f64);
    let idf = (1.0 + (n - df + 0.5) / (df + 0.5)).ln();
    ((idf * IDF_SCALE).round() as u32).max(1)
}

/// A document's weight for a term, 1 to 63: `norm` is its body length over the average, `prior`
/// a factor for its kind.
fn weight(p: &Posting, norm: f64, prior: f64) -> u8 {
    let wtf = f64::from(p.fixed & !IN_TITLE) + f64::from(p.body) / norm;
    let mut s = wtf * (K1 + 1.0) / (K1 + wtf);
    if p.fixed & IN_TITLE != 0 {
        s += TITLE_BONUS;
    }
    // Rounds half up: `s` is positive.
    (s * prior * IMPACT_SCALE + 0.5).clamp(1.0, 63.0) as u8
}

/// Pilots and pages first when all else is equal: an update weighs a little less.
fn prior(kind: &str) -> f64 {
    if kind == "update" { UPDATE_PRIOR } else { 1.0 }
}

fn assemble(vocab: &Vocab, groups: &[Vec<DocData>]) -> Built {
    let docs: Vec<(u32, u32)> =
        groups.iter().enumerate().flat_map(|(g, ds)| (0..ds.len()).map(move |k| (g as u32, k as u32))).collect();
    let all: Vec<&DocData> = groups.iter().flatten().collect();
    let n = all.len();
    let total: f64 = all.iter().map(|d| f64::from(d.body_len)).sum();
    let avg = if n == 0 || total == 0.0 { 1.0 } else { total / n as f64 };
    let mut df = vec![0u32; vocab.strs.len()];
    for d in &all {
        for p in &d.postings {
            df[p.term as usize] += 1;
        }
    }
    let mut terms: Vec<u32> = (0..vocab.strs.len() as u32).filter(|&t| df[t as usize] > 0).collect();
    terms.par_sort_unstable_by(|&a, &b| vocab.str(a).cmp(vocab.str(b)));
    let mut rank = vec![u32::MAX; vocab.strs.len()];
    for (k, &t) in terms.iter().enumerate() {
        rank[t as usize] = k as u32;
    }
    // Full lists in term order, documents in order within each.
    let mut starts = Vec::with_capacity(terms.len() + 1);
    starts.push(0usize);
    for &t in &terms {
        starts.push(starts[starts.len() - 1] + df[t as usize] as usize);
    }
    let total = starts[terms.len()];
    let mut post_doc = vec![0u32; total];
    let mut post_weight = vec![0u8; total];
    let mut fill = starts[..terms.len()].to_vec();
    for (doc, d) in all.iter().enumerate() {
        let norm = 1.0 - B + B * f64::from(d.body_len) / avg;
        let prior = prior(d.kind);
        for p in &d.postings {
            let k = rank[p.term as usize] as usize;
            post_doc[fill[k]] = doc as u32;
            post_weight[fill[k]] = weight(p, norm, prior);
            fill[k] += 1;
        }
    }
    drop(fill);
    // Cut long lists to their best documents, moving the others down.
    if terms.iter().any(|&t| df[t as usize] as usize > MAX_POSTINGS) {
        let mut at = 0;
        for k in 0..terms.len() {
            let (a, b) = (starts[k], starts[k + 1]);
            starts[k] = at;
            if b - a > MAX_POSTINGS {
                let mut best: Vec<(u32, u8)> = (a..b).map(|j| (post_doc[j], post_weight[j])).collect();
                best.sort_unstable_by(|x, y| y.1.cmp(&x.1).then(x.0.cmp(&y.0)));
                best.truncate(MAX_POSTINGS);
                best.sort_unstable_by_key(|p| p.0);
                for (j, (d, w)) in best.into_iter().enumerate() {
                    post_doc[at + j] = d;
                    post_weight[at + j] = w;
                }
                at += MAX_POSTINGS;
            } else {
                post_doc.copy_within(a..b, at);
                post_weight.copy_within(a..b, at);
                at += b - a;
            }
        }
        starts[terms.len()] = at;
        post_doc.truncate(at);
        post_weight.truncate(at);
    }
    let mut built = Built {
        docs,
        idf: terms.iter().map(|&t| idf(n, df[t as usize] as usize)).collect(),
        df: terms.iter().map(|&t| df[t as usize]).collect(),
        starts,
        post_doc,
        post_weight,
        ..Built::default()
    };
    // Shards.
    let entries: Vec<Vec<u8>> = (0..terms.len())
        .into_par_iter()
        .map(|k| {
            let (a, b) = (built.starts[k], built.starts[k + 1]);
            let mut e = Vec::with_capacity(32 + (b - a) * 3);
            e.push(b'[');
            serde_json::to_writer(&mut e, vocab.str(terms[k])).expect("a string serialises");
            e.push(b',');
            push_uint(&mut e, u64::from(built.idf[k]));
            e.push(b',');
            push_uint(&mut e, u64::from(built.df[k]));
            e.extend_from_slice(b",\"");
            encode_postings(&built.post_doc[a..b], &built.post_weight[a..b], &mut e);
            e.extend_from_slice(b"\"]");
            e
        })
        .collect();
    let mut shard: Vec<u8> = Vec::new();
    for (k, e) in entries.iter().enumerate() {
        if !shard.is_empty() && shard.len() + e.len() + 3 > SHARD_BYTES {
            shard.extend_from_slice(b"]}");
            built.shards.push(std::mem::take(&mut shard));
        }
        if shard.is_empty() {
            built.shard_first.push(k);
            shard.extend_from_slice(b"{\"terms\":[");
        } else {
            shard.push(b',');
        }
        shard.extend_from_slice(e);
    }
    if !shard.is_empty() {
        shard.extend_from_slice(b"]}");
        built.shards.push(shard);
    }
    built.terms = terms;
    built
}

fn push_uint(out: &mut Vec<u8>, mut v: u64) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[i..]);
}

fn encode_postings(docs: &[u32], weights: &[u8], out: &mut Vec<u8>) {
    let mut prev: i64 = -1;
    for (&doc, &w) in docs.iter().zip(weights) {
        let mut gap = (i64::from(doc) - prev) as u64;
        prev = i64::from(doc);
        while gap >= 32 {
            out.push(ALPHABET[(32 | (gap & 31)) as usize]);
            gap >>= 5;
        }
        out.push(ALPHABET[gap as usize]);
        out.push(ALPHABET[w as usize]);
    }
}

// ---------------------------------------------------------------------------------------------
// Files

#[derive(Serialize)]
struct FragmentDoc<'a> {
    u: &'a str,
    t: &'a str,
    k: &'a str,
    p: String,
    i: String,
    x: String,
}

#[derive(Serialize)]
struct Fragment<'a> {
    docs: Vec<FragmentDoc<'a>>,
}

#[derive(Serialize)]
struct Meta<'a> {
    version: u32,
    lang: &'a str,
    docs: usize,
    chunk: usize,
    stamp: String,
    shards: Vec<&'a str>,
}

fn snippet_text(src: &DocSource) -> String {
    let mut x = String::new();
    for part in [src.summary, src.body].into_iter().flatten() {
        if !x.is_empty() {
            x.push(' ');
        }
        x.push_str(part);
    }
    if x.len() > MAX_TEXT {
        let mut end = MAX_TEXT;
        while !x.is_char_boundary(end) {
            end -= 1;
        }
        x.truncate(end);
    }
    x
}

fn hash(bytes: &[u8]) -> u64 {
    use std::hash::Hasher;
    let mut h = text::Fx::default();
    h.write(bytes);
    h.write_usize(bytes.len());
    h.finish()
}

impl LangIndex {
    /// Writes this language's files into `sink`: each result file as soon as it is made (so
    /// they are never all in memory at once), then the shards, then `meta.json`, whose stamp
    /// hashes all the others.
    fn write(&self, site: &Site, sink: &dyn Sink) -> Result<(), OutputError> {
        let base = urls::search_dir(self.lang);
        let put = |path: String, bytes: Vec<u8>| sink.put(&path, Body::Bytes(bytes)).map(|_| ());
        let built = &self.built;
        let sources: Vec<Vec<DocSource>> =
            (0..self.groups.len()).into_par_iter().map(|g| group_sources(site, self.lang, g)).collect();
        let flat: Vec<&DocSource> = sources.iter().flatten().collect();
        let fragment_hashes = flat
            .par_chunks(CHUNK)
            .enumerate()
            .map(|(n, docs)| {
                let f = Fragment {
                    docs: docs
                        .iter()
                        .map(|d| {
                            let (p, i) = d.pilot.map(|g| pilot_labels(site, self.lang, g)).unwrap_or_default();
                            FragmentDoc { u: &d.url, t: d.title, k: d.kind, p, i, x: snippet_text(d) }
                        })
                        .collect(),
                };
                let size: usize =
                    f.docs.iter().map(|d| d.x.len() + d.t.len() + d.u.len() + d.p.len() + d.i.len() + 64).sum();
                let mut out = Vec::with_capacity(size + size / 8);
                serde_json::to_writer(&mut out, &f).expect("a fragment serialises");
                let h = hash(&out);
                put(format!("{base}f/{n}.json"), out)?;
                Ok(h)
            })
            .collect::<Result<Vec<u64>, OutputError>>()?;
        let mut hashes: Vec<u64> = built.shards.par_iter().map(|b| hash(b)).collect();
        hashes.extend(fragment_hashes);
        let stamp = hash(&hashes.iter().flat_map(|h| h.to_le_bytes()).collect::<Vec<u8>>());
        built.shards.par_iter().enumerate().try_for_each(|(n, s)| put(format!("{base}s/{n}.json"), s.clone()))?;
        let meta = Meta {
            version: 1,
            lang: self.lang.code(),
            docs: built.docs.len(),
            chunk: CHUNK,
            stamp: format!("{stamp:016x}"),
            shards: built.shard_first.iter().map(|&k| self.vocab.str(built.terms[k])).collect(),
        };
        put(format!("{base}meta.json"), serde_json::to_vec(&meta).expect("meta serialises"))
    }
}

// ---------------------------------------------------------------------------------------------
// Queries

/// A query word: the terms (index in `Built::terms`) it matches, with their factor.
type Token = Vec<(usize, u64)>;

impl LangIndex {
    fn find(&self, term: &str) -> Option<usize> {
        self.built.terms.binary_search_by(|&t| self.vocab.str(t).cmp(term)).ok()
    }

    fn shard_of_term(&self, term: &str) -> usize {
        let b = &self.built;
        b.shard_first.partition_point(|&k| self.vocab.str(b.terms[k]) <= term).saturating_sub(1)
    }

    /// Terms starting with `p` from the shard `p` falls in and the next two, the most frequent first.
    fn prefixed(&self, p: &str) -> Token {
        let b = &self.built;
        if b.shard_first.is_empty() {
            return Vec::new();
        }
        let s0 = self.shard_of_term(p);
        let end = b.shard_first.get(s0 + PREFIX_SHARDS).copied().unwrap_or(b.terms.len());
        let start = b.terms.partition_point(|&t| self.vocab.str(t) < p);
        let mut found: Vec<usize> =
            (start..end.max(start)).take_while(|&k| self.vocab.str(b.terms[k]).starts_with(p)).collect();
        found.sort_by(|&a, &c| b.df[c].cmp(&b.df[a]).then(a.cmp(&c)));
        found.truncate(PREFIX_TERMS);
        found.into_iter().map(|k| (k, PREFIX)).collect()
    }

    /// The words of a query, as `search.js` finds them.
    fn tokens(&self, q: &str) -> Vec<Token> {
        let q: String = q.chars().take(MAX_QUERY_CHARS).collect();
        let mut tokens: Vec<Token> = Vec::new();
        for piece in text::query_pieces(&q) {
            match piece {
                text::Piece::Latin { term, raw } => match self.find(&term) {
                    Some(k) => tokens.push(vec![(k, EXACT)]),
                    None if raw.chars().count() >= 3 => tokens.push(self.prefixed(&raw)),
                    None => tokens.push(Vec::new()),
                },
                text::Piece::Thai { chars, bounds } => self.thai_tokens(&chars, &bounds, &mut tokens),
            }
        }
        let mut seen = Vec::new();
        tokens.retain(|t| {
            let new = !seen.contains(t);
            if new {
                seen.push(t.clone());
            }
            new
        });
        tokens.truncate(MAX_QUERY_TOKENS);
        tokens
    }

    /// Cuts a Thai run into index terms: the longest term ending at a word boundary, else the
    /// longest term at all, else the rest of the run as a prefix, else the next word as a prefix.
    fn thai_tokens(&self, chars: &[char], bounds: &[usize], tokens: &mut Vec<Token>) {
        let sub = |a: usize, b: usize| -> String { chars[a..b].iter().collect() };
        let max = text::MAX_TERM_CHARS;
        let n = chars.len();
        let mut pos = 0;
        while pos < n {
            let aligned = bounds.iter().rev().copied().filter(|&e| e > pos + 1 && e - pos <= max);
            let any = (pos + 2..=n.min(pos + max)).rev();
            let hit = aligned.chain(any).find_map(|e| self.find(&sub(pos, e)).map(|k| (k, e)));
            if let Some((k, e)) = hit {
                tokens.push(vec![(k, EXACT)]);
                pos = e;
                continue;
            }
            // No term starts here: the rest may be a word being typed, else skip to the next word.
            if n - pos >= 2 && n - pos <= max {
                let alts = self.prefixed(&sub(pos, n));
                if !alts.is_empty() {
                    tokens.push(alts);
                    break;
                }
            }
            let e = bounds.iter().copied().find(|&b| b > pos).unwrap_or(n);
            if e - pos >= 2 {
                tokens.push(self.prefixed(&sub(pos, e)));
            }
            pos = e;
        }
    }

    fn truncated(&self, k: usize) -> bool {
        let b = &self.built;
        (b.starts[k + 1] - b.starts[k]) < b.df[k] as usize
    }

    /// Documents and scores for `tokens`, best first.
    fn rank(&self, tokens: &[Token]) -> Vec<(u32, u64)> {
        let b = &self.built;
        let per_token: Vec<HashMap<u32, u64>> = tokens
            .iter()
            .map(|alts| {
                let mut m: HashMap<u32, u64> = HashMap::new();
                for &(k, factor) in alts {
                    let idf = u64::from(b.idf[k]);
                    for j in b.starts[k]..b.starts[k + 1] {
                        let s = idf * u64::from(b.post_weight[j]) * factor;
                        let e = m.entry(b.post_doc[j]).or_insert(0);
                        *e = (*e).max(s);
                    }
                }
                m
            })
            .collect();
        let optional: Vec<bool> =
            tokens.iter().map(|alts| !alts.is_empty() && alts.iter().all(|&(k, _)| self.truncated(k))).collect();
        let mut required: Vec<usize> = (0..tokens.len()).filter(|&i| !optional[i]).collect();
        let covered = |required: &[usize]| {
            let mut coverage: HashMap<u32, usize> = HashMap::new();
            for &i in required {
                for &d in per_token[i].keys() {
                    *coverage.entry(d).or_insert(0) += 1;
                }
            }
            coverage
        };
        let mut coverage = covered(&required);
        if coverage.is_empty() && required.len() < tokens.len() {
            required = (0..tokens.len()).collect();
            coverage = covered(&required);
        }
        let best = coverage.values().copied().max().unwrap_or(0);
        let mut out: Vec<(u32, u64)> = coverage
            .into_iter()
            .filter(|&(_, c)| c == best)
            .map(|(d, _)| (d, per_token.iter().map(|m| m.get(&d).copied().unwrap_or(0)).sum()))
            .collect();
        out.sort_by(|a, c| c.1.cmp(&a.1).then(a.0.cmp(&c.0)));
        out
    }
}

// ---------------------------------------------------------------------------------------------
// The API

impl SearchIndex {
    /// Segments and indexes every pilot, update and free page of `site`, both languages, in parallel.
    pub fn build(site: &Site) -> SearchIndex {
        let (th, en) = rayon::join(|| LangIndex::build(site, Lang::Th), || LangIndex::build(site, Lang::En));
        SearchIndex { langs: PerLang { th, en } }
    }

    /// Re-indexes pilot `i` (its narrative, facts and updates) after it changed; other documents
    /// are reused. When pilots or pages were added or removed, rebuilds everything.
    pub fn replace_pilot(&mut self, site: &Site, i: usize) {
        self.replace_pilots(site, &[i]);
    }

    /// Re-indexes several changed pilots at once (the index is assembled once).
    pub fn replace_pilots(&mut self, site: &Site, pilots: &[usize]) {
        let groups = self.langs.th.groups.len();
        if groups != site.pilots.len() + site.pages.len() || pilots.iter().any(|&i| i >= site.pilots.len()) {
            *self = SearchIndex::build(site);
            return;
        }
        let PerLang { th, en } = &mut self.langs;
        rayon::join(|| th.replace_groups(site, pilots), || en.replace_groups(site, pilots));
    }

    /// Writes every file of the index into `sink` (site paths such as `search/th/meta.json`),
    /// in parallel and in no particular order, holding few in memory.
    pub fn write(&self, site: &Site, sink: &dyn Sink) -> Result<(), OutputError> {
        let (th, en) = rayon::join(|| self.langs.th.write(site, sink), || self.langs.en.write(site, sink));
        th.and(en)
    }

    /// Every file of the index in memory, sorted by path.
    pub fn files(&self, site: &Site) -> Vec<(String, Vec<u8>)> {
        let sink = MemorySink::default();
        self.write(site, &sink).expect("collecting in memory cannot fail");
        sink.into_files()
    }

    /// Runs a query the way `search.js` does (same segmentation rules, same ranking).
    pub fn query(&self, lang: Lang, q: &str) -> Vec<Hit> {
        let index = self.langs.get(lang);
        let tokens = index.tokens(q);
        index
            .rank(&tokens)
            .into_iter()
            .map(|(d, score)| {
                let (g, k) = index.built.docs[d as usize];
                let doc = &index.groups[g as usize][k as usize];
                Hit { url: doc.url.clone(), title: doc.title.clone(), kind: doc.kind, score: score as f64 }
            })
            .collect()
    }

    /// The folder of one language's index, as a site path: `search/th/`.
    pub fn base(lang: Lang) -> String {
        urls::search_dir(lang)
    }
}
