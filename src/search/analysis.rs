//! Text to counted terms: each document's fields are cut into terms by [`text`](super::text)
//! and counted per field, with a vocabulary local to a few groups so that pieces of the site are
//! analysed in parallel and merged after.

use std::collections::HashMap;

use super::documents::{DocSource, group_sources};
use super::*;

/// Terms of a few groups and their local ids (strings are moved to the global [`Vocab`] after).
#[derive(Default)]
pub(super) struct LocalVocab {
    pub(super) ids: HashMap<Box<str>, u32, text::FxBuild>,
}

impl LocalVocab {
    pub(super) fn intern(&mut self, term: &str) -> u32 {
        if let Some(&id) = self.ids.get(term) {
            return id;
        }
        let id = self.ids.len() as u32;
        self.ids.insert(term.into(), id);
        id
    }

    /// Global ids of the local ids, interning the terms in `global`.
    pub(super) fn into_global(self, global: &mut Vocab) -> Vec<u32> {
        let mut map = vec![0; self.ids.len()];
        for (term, id) in self.ids {
            map[id as usize] = global.intern_owned(term);
        }
        map
    }
}

/// Analysis state of a few groups: a local vocabulary, and the term ids of each run seen.
pub(super) struct Local<'a> {
    pub(super) vocab: LocalVocab,
    pub(super) runs: HashMap<&'a str, (u32, u32), text::FxBuild>,
    pub(super) ids: Vec<u32>,
    /// Per local term id: its index in `counts` while a document is analysed, else `NONE`.
    pub(super) slot: Vec<u32>,
    /// Per term of the current document: its id and frequency per field.
    pub(super) counts: Vec<(u32, [u32; 5])>,
}

pub(super) const NONE: u32 = u32::MAX;

impl<'a> Local<'a> {
    pub(super) fn new() -> Self {
        Local {
            vocab: LocalVocab::default(),
            runs: HashMap::default(),
            ids: Vec::new(),
            slot: Vec::new(),
            counts: Vec::new(),
        }
    }

    /// Counts the terms of `text` in `field`; returns how many.
    pub(super) fn add(&mut self, text: &'a str, field: usize) -> u32 {
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
    pub(super) fn analyze(&mut self, src: &DocSource<'a>) -> DocData {
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
pub(super) fn analyze_groups(
    site: &Site,
    lang: Lang,
    groups: impl Iterator<Item = usize>,
) -> (LocalVocab, Vec<Vec<DocData>>) {
    let mut local = Local::new();
    let docs = groups.map(|g| group_sources(site, lang, g).iter().map(|src| local.analyze(src)).collect()).collect();
    (local.vocab, docs)
}

/// Moves groups analysed with a local vocabulary to global ids: `map[local id]`.
pub(super) fn remap(map: &[u32], groups: &mut [Vec<DocData>]) {
    for doc in groups.iter_mut().flatten() {
        for p in &mut doc.postings {
            p.term = map[p.term as usize];
        }
    }
}
