//! The index's files, as `search.js` reads them: result fragments, shards and `meta.json`,
//! written into a sink.

use rayon::prelude::*;
use serde::Serialize;

use super::documents::{DocSource, group_sources, pilot_labels};
use super::*;
use crate::output::{Body, OutputError, Sink};

#[derive(Serialize)]
pub(super) struct FragmentDoc<'a> {
    u: &'a str,
    t: &'a str,
    k: &'a str,
    p: String,
    i: String,
    x: String,
}

#[derive(Serialize)]
pub(super) struct Fragment<'a> {
    docs: Vec<FragmentDoc<'a>>,
}

#[derive(Serialize)]
pub(super) struct Meta<'a> {
    version: u32,
    lang: &'a str,
    docs: usize,
    chunk: usize,
    stamp: String,
    shards: Vec<&'a str>,
}

pub(super) fn snippet_text(src: &DocSource) -> String {
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

pub(super) fn hash(bytes: &[u8]) -> u64 {
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
    pub(super) fn write(&self, site: &Site, sink: &dyn Sink) -> Result<(), OutputError> {
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
