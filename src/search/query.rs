//! Queries, the way `search.js` runs them: the same cutting of words (exact terms, Thai runs cut
//! by the index's own terms, prefixes of words being typed) and the same integer ranking, so the
//! two engines give the same results; `tests/search_quality.rs` holds them to it.

use std::collections::HashMap;

use super::*;

/// A query word: the terms (index in `Built::terms`) it matches, with their factor.
pub(super) type Token = Vec<(usize, u64)>;

impl LangIndex {
    pub(super) fn find(&self, term: &str) -> Option<usize> {
        self.built.terms.binary_search_by(|&t| self.vocab.str(t).cmp(term)).ok()
    }

    pub(super) fn shard_of_term(&self, term: &str) -> usize {
        let b = &self.built;
        b.shard_first.partition_point(|&k| self.vocab.str(b.terms[k]) <= term).saturating_sub(1)
    }

    /// Terms starting with `p` from the shard `p` falls in and the next two, the most frequent first.
    pub(super) fn prefixed(&self, p: &str) -> Token {
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
    pub(super) fn tokens(&self, q: &str) -> Vec<Token> {
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
    pub(super) fn thai_tokens(&self, chars: &[char], bounds: &[usize], tokens: &mut Vec<Token>) {
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

    pub(super) fn truncated(&self, k: usize) -> bool {
        let b = &self.built;
        (b.starts[k + 1] - b.starts[k]) < b.df[k] as usize
    }

    /// Documents and scores for `tokens`, best first.
    pub(super) fn rank(&self, tokens: &[Token]) -> Vec<(u32, u64)> {
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
