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
//!
//! Parts, in the order a build uses them: [`documents`] (what each document says), [`text`] and
//! [`analysis`] (text to counted terms), [`assembly`] (weights, posting lists, shards), [`files`]
//! (the files `search.js` reads) and [`query`] (the same query engine in Rust, for tests and tools).

mod analysis;
mod assembly;
mod documents;
mod files;
mod query;
mod text;

use std::collections::HashMap;
use std::fmt;

use crate::model::{Lang, PerLang, Site, province};
use crate::output::{MemorySink, OutputError, Sink};
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
