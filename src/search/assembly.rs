//! Assembly and sharding: the analysed documents of one language become weighted posting lists
//! in term order (cut to the best [`MAX_POSTINGS`]), encoded and packed into shards of about
//! [`SHARD_BYTES`].

use rayon::prelude::*;

use super::analysis::{LocalVocab, analyze_groups, remap};
use super::*;

impl LangIndex {
    pub(super) fn build(site: &Site, lang: Lang) -> LangIndex {
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

    pub(super) fn replace_groups(&mut self, site: &Site, gs: &[usize]) {
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

pub(super) fn idf(n: usize, df: usize) -> u32 {
    let (n, df) = (n as f64, df as f64);
    let idf = (1.0 + (n - df + 0.5) / (df + 0.5)).ln();
    ((idf * IDF_SCALE).round() as u32).max(1)
}

/// A document's weight for a term, 1 to 63: `norm` is its body length over the average, `prior`
/// a factor for its kind.
pub(super) fn weight(p: &Posting, norm: f64, prior: f64) -> u8 {
    let wtf = f64::from(p.fixed & !IN_TITLE) + f64::from(p.body) / norm;
    let mut s = wtf * (K1 + 1.0) / (K1 + wtf);
    if p.fixed & IN_TITLE != 0 {
        s += TITLE_BONUS;
    }
    // Rounds half up: `s` is positive.
    (s * prior * IMPACT_SCALE + 0.5).clamp(1.0, 63.0) as u8
}

/// Pilots and pages first when all else is equal: an update weighs a little less.
pub(super) fn prior(kind: &str) -> f64 {
    if kind == "update" { UPDATE_PRIOR } else { 1.0 }
}

pub(super) fn assemble(vocab: &Vocab, groups: &[Vec<DocData>]) -> Built {
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

pub(super) fn push_uint(out: &mut Vec<u8>, mut v: u64) {
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

pub(super) fn encode_postings(docs: &[u32], weights: &[u8], out: &mut Vec<u8>) {
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
