//! Turning text into search terms, the same way at build time and in `search.js`.
//!
//! Words are found with ICU4X's word segmenter (its Thai dictionary), which is what the browser's
//! `Intl.Segmenter("th", {granularity: "word"})` does with ICU's own Thai dictionary. Each
//! word-like segment is normalised:
//!
//! * a segment with Thai letters keeps its letters, with Thai digits made ASCII;
//! * any other segment is lowercased and, when it is an ASCII word of more than three letters,
//!   stemmed with steps 1a–1c of Porter's algorithm (plurals, -ed, -ing, final -y), so that
//!   `wildfires` and `wildfire` meet;
//! * `.`, `'`, `’`, `:`, `,` and `;` inside a segment are dropped (`U.S.A` → `usa`, `1,000` → `1000`);
//! * terms shorter than two or longer than 32 characters, or with characters outside the Basic
//!   Multilingual Plane, are not indexed.
//!
//! Build-time speed: text is cut at white space into runs (white space always separates words,
//! so this changes nothing); pure-ASCII runs go through a small hand-written version of the
//! Unicode word rules (tested against ICU), and other runs through ICU with a per-thread memo,
//! since reports repeat phrases. A Thai run that contains a province name which the dictionary
//! splits differently (`เซรามิกลำปาง` → `เซรา|มิ|กลำ|ปาง`) also yields the province name.

use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, MatchKind};
use icu_segmenter::options::WordBreakInvariantOptions;
use icu_segmenter::{WordSegmenter, WordSegmenterBorrowed};

use crate::model::province;

/// Longest term, in characters.
pub const MAX_TERM_CHARS: usize = 32;

/// The word segmenter (ICU4X, compiled data, dictionary mode for Thai).
pub fn segmenter() -> WordSegmenterBorrowed<'static> {
    static SEGMENTER: OnceLock<WordSegmenterBorrowed<'static>> = OnceLock::new();
    *SEGMENTER.get_or_init(|| WordSegmenter::new_dictionary(WordBreakInvariantOptions::default()))
}

/// True for a character of the Thai block.
pub fn is_thai(c: char) -> bool {
    ('\u{0E00}'..='\u{0E7F}').contains(&c)
}

fn dropped(c: char) -> bool {
    matches!(c, '.' | '\'' | '\u{2019}' | ':' | ',' | ';')
}

/// A character of a Thai query word as the query sees it: punctuation that [`normalize`] drops
/// is `None`, Thai digits are ASCII, anything else is itself.
pub fn query_char(c: char) -> Option<char> {
    match c {
        c if dropped(c) => None,
        '\u{0E50}'..='\u{0E59}' => Some(char::from(b'0' + (c as u32 - 0x0E50) as u8)),
        c => Some(c),
    }
}

/// The term of one word-like segment, or `None` when it is not indexed.
pub fn normalize(segment: &str) -> Option<String> {
    let thai = segment.chars().any(is_thai);
    let mut term = String::with_capacity(segment.len());
    if thai {
        for c in segment.chars() {
            match c {
                '\u{0E50}'..='\u{0E59}' => term.push(char::from(b'0' + (c as u32 - 0x0E50) as u8)),
                c if dropped(c) => {}
                c => term.push(c),
            }
        }
    } else {
        for c in segment.chars().flat_map(char::to_lowercase) {
            if !dropped(c) {
                term.push(c);
            }
        }
        if term.len() > 3 && term.bytes().all(|b| b.is_ascii_lowercase()) {
            stem(&mut term);
        }
    }
    valid(&term).then_some(term)
}

fn valid(term: &str) -> bool {
    let mut n = 0;
    let mut alnum = false;
    for c in term.chars() {
        if c > '\u{FFFF}' {
            return false;
        }
        alnum = alnum || c.is_ascii_alphanumeric() || ('\u{0E01}'..='\u{0E2E}').contains(&c) || c.is_alphanumeric();
        n += 1;
    }
    (2..=MAX_TERM_CHARS).contains(&n) && alnum
}

/// Porter's steps 1a, 1b and 1c on a lowercase ASCII word of more than three letters.
pub fn stem(word: &mut String) {
    // SAFETY of the byte work below: the word is ASCII, so every byte is a char.
    let mut w: Vec<u8> = std::mem::take(word).into_bytes();
    // Step 1a.
    if w.ends_with(b"sses") || w.ends_with(b"ies") {
        w.truncate(w.len() - 2);
    } else if !w.ends_with(b"ss") && w.ends_with(b"s") {
        w.pop();
    }
    // Step 1b.
    let mut extra = false;
    if w.ends_with(b"eed") {
        if measure(&w[..w.len() - 3]) > 0 {
            w.pop();
        }
    } else if w.ends_with(b"ed") && has_vowel(&w[..w.len() - 2]) {
        w.truncate(w.len() - 2);
        extra = true;
    } else if w.ends_with(b"ing") && has_vowel(&w[..w.len() - 3]) {
        w.truncate(w.len() - 3);
        extra = true;
    }
    if extra {
        if w.ends_with(b"at") || w.ends_with(b"bl") || w.ends_with(b"iz") {
            w.push(b'e');
        } else if ends_double_consonant(&w) && !matches!(w[w.len() - 1], b'l' | b's' | b'z') {
            w.pop();
        } else if measure(&w) == 1 && cvc(&w) {
            w.push(b'e');
        }
    }
    // Step 1c.
    if w.len() > 1 && w[w.len() - 1] == b'y' && has_vowel(&w[..w.len() - 1]) {
        let last = w.len() - 1;
        w[last] = b'i';
    }
    *word = String::from_utf8(w).expect("ASCII stays ASCII");
}

fn consonant(w: &[u8], i: usize) -> bool {
    match w[i] {
        b'a' | b'e' | b'i' | b'o' | b'u' => false,
        b'y' => i == 0 || !consonant(w, i - 1),
        _ => true,
    }
}

/// Porter's m: the number of vowel-consonant sequences.
fn measure(w: &[u8]) -> usize {
    let n = w.len();
    let mut i = 0;
    while i < n && consonant(w, i) {
        i += 1;
    }
    let mut m = 0;
    loop {
        while i < n && !consonant(w, i) {
            i += 1;
        }
        if i >= n {
            return m;
        }
        while i < n && consonant(w, i) {
            i += 1;
        }
        m += 1;
    }
}

fn has_vowel(w: &[u8]) -> bool {
    (0..w.len()).any(|i| !consonant(w, i))
}

fn ends_double_consonant(w: &[u8]) -> bool {
    let n = w.len();
    n >= 2 && w[n - 1] == w[n - 2] && consonant(w, n - 1)
}

fn cvc(w: &[u8]) -> bool {
    let n = w.len();
    n >= 3
        && consonant(w, n - 3)
        && !consonant(w, n - 2)
        && consonant(w, n - 1)
        && !matches!(w[n - 1], b'w' | b'x' | b'y')
}

/// Calls `f` with every word of a pure-ASCII run (no white space), exactly as the Unicode word
/// rules (UAX #29, as ICU applies them) cut it: letters, digits and `_` join; `: . '` join two
/// letters; `, ; . '` join two digits.
pub fn ascii_words(run: &[u8], mut f: impl FnMut(&[u8])) {
    let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let n = run.len();
    let mut i = 0;
    while i < n {
        if !word(run[i]) {
            i += 1;
            continue;
        }
        let start = i;
        loop {
            while i < n && word(run[i]) {
                i += 1;
            }
            if i + 1 < n && word(run[i + 1]) {
                let (prev, mid, next) = (run[i - 1], run[i], run[i + 1]);
                let letters =
                    prev.is_ascii_alphabetic() && next.is_ascii_alphabetic() && matches!(mid, b':' | b'.' | b'\'');
                let digits =
                    prev.is_ascii_digit() && next.is_ascii_digit() && matches!(mid, b',' | b';' | b'.' | b'\'');
                if letters || digits {
                    i += 1;
                    continue;
                }
            }
            break;
        }
        f(&run[start..i]);
    }
}

/// Calls `f` with the (start, end) byte range of every word-like segment of `text`, per ICU.
pub fn icu_words(text: &str, mut f: impl FnMut(usize, usize)) {
    let mut last = 0;
    for (i, kind) in segmenter().segment_str(text).iter_with_word_type() {
        if i > 0 && kind.is_word_like() {
            f(last, i);
        }
        last = i;
    }
}

struct Provinces {
    matcher: AhoCorasick,
    names: Vec<&'static str>,
}

/// Thai spellings of every province, to find them inside Thai runs.
fn provinces() -> &'static Provinces {
    static P: OnceLock<Provinces> = OnceLock::new();
    P.get_or_init(|| {
        let mut names: Vec<&'static str> = province::all()
            .iter()
            .flat_map(|p| std::iter::once(p.th).chain(p.variants.iter().copied()))
            .filter(|n| n.chars().any(is_thai) && !n.contains(' '))
            .collect();
        names.sort_unstable();
        names.dedup();
        let matcher = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .build(&names)
            .expect("province names make an automaton");
        Provinces { matcher, names }
    })
}

/// The terms of one run that is not pure ASCII, joined by `\0`.
fn icu_run_terms(run: &str) -> Box<str> {
    let mut out = String::new();
    let mut spans = Vec::new();
    icu_words(run, |s, e| {
        spans.push((s, e));
        if let Some(t) = normalize(&run[s..e]) {
            if !out.is_empty() {
                out.push('\0');
            }
            out.push_str(&t);
        }
    });
    if run.chars().any(is_thai) {
        let p = provinces();
        for m in p.matcher.find_iter(run) {
            if !spans.contains(&(m.start(), m.end())) {
                if !out.is_empty() {
                    out.push('\0');
                }
                out.push_str(p.names[m.pattern().as_usize()]);
            }
        }
    }
    out.into_boxed_str()
}

thread_local! {
    static MEMO: RefCell<HashMap<Box<str>, Box<str>, FxBuild>> = RefCell::new(HashMap::default());
}

/// Memo entries kept per thread before it is emptied.
const MEMO_LIMIT: usize = 1 << 18;

/// The runs of `text`: its pieces between white space (as `char::is_whitespace` says, read
/// byte by byte for speed).
pub fn runs(text: &str) -> Runs<'_> {
    Runs { text, pos: 0 }
}

/// Iterator of [`runs`].
pub struct Runs<'a> {
    text: &'a str,
    pos: usize,
}

/// Bytes that may start a white-space character: ASCII spaces and controls, and the lead
/// bytes of U+0085, U+00A0, U+1680, U+2000–U+205F and U+3000.
const fn may_space() -> [bool; 256] {
    let mut t = [false; 256];
    let mut i = 0;
    while i <= 0x20 {
        t[i] = true;
        i += 1;
    }
    t[0xC2] = true;
    t[0xE1] = true;
    t[0xE2] = true;
    t[0xE3] = true;
    t
}

static MAY_SPACE: [bool; 256] = may_space();

/// The length in bytes of the white-space character at `b[i]`, or 0.
#[inline(always)]
fn space_len(b: &[u8], i: usize) -> usize {
    if !MAY_SPACE[b[i] as usize] {
        return 0;
    }
    let at = |k: usize| b.get(i + k).copied().unwrap_or(0);
    match b[i] {
        b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r' => 1,
        0xC2 => 2 * usize::from(matches!(at(1), 0x85 | 0xA0)),
        0xE1 => 3 * usize::from(at(1) == 0x9A && at(2) == 0x80),
        0xE2 => 3 * usize::from(matches!((at(1), at(2)), (0x80, 0x80..=0x8A | 0xA8 | 0xA9 | 0xAF) | (0x81, 0x9F))),
        0xE3 => 3 * usize::from(at(1) == 0x80 && at(2) == 0x80),
        _ => 0,
    }
}

impl<'a> Iterator for Runs<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let b = self.text.as_bytes();
        let n = b.len();
        let mut i = self.pos;
        while i < n {
            match space_len(b, i) {
                0 => break,
                l => i += l,
            }
        }
        if i >= n {
            self.pos = n;
            return None;
        }
        let start = i;
        // Continuation bytes never start a space, so stepping by bytes is safe.
        i += 1;
        while i < n && !(MAY_SPACE[b[i] as usize] && space_len(b, i) > 0) {
            i += 1;
        }
        self.pos = i;
        Some(&self.text[start..i])
    }
}

/// Calls `f` with every term of one run (a piece of text without white space), in order; a
/// province name found inside a Thai run comes after the run's own terms.
pub fn run_terms(run: &str, mut f: impl FnMut(&str)) {
    if run.is_ascii() {
        let mut buf = String::new();
        ascii_words(run.as_bytes(), |w| {
            buf.clear();
            // The word is ASCII, so a byte is a char.
            buf.extend(w.iter().filter(|&&b| !dropped(b as char)).map(|&b| b.to_ascii_lowercase() as char));
            if buf.len() > 3 && buf.bytes().all(|b| b.is_ascii_lowercase()) {
                stem(&mut buf);
            }
            if valid(&buf) {
                f(&buf);
            }
        });
        return;
    }
    MEMO.with(|memo| {
        let mut memo = memo.borrow_mut();
        if let Some(joined) = memo.get(run) {
            joined.split('\0').filter(|t| !t.is_empty()).for_each(&mut f);
            return;
        }
        if memo.len() >= MEMO_LIMIT {
            memo.clear();
        }
        let joined = icu_run_terms(run);
        joined.split('\0').filter(|t| !t.is_empty()).for_each(&mut f);
        memo.insert(run.into(), joined);
    });
}

/// Calls `f` with every term of `text`, in order.
#[cfg(test)]
pub fn terms(text: &str, mut f: impl FnMut(&str)) {
    for run in runs(text) {
        run_terms(run, &mut f);
    }
}

/// A fast hash for short strings (FxHash, as in rustc), for tables the build fills itself.
#[derive(Default, Clone, Copy)]
pub struct Fx(u64);

const FX_K: u64 = 0xf135_7aea_2e62_a9c5;

impl Hasher for Fx {
    fn write(&mut self, bytes: &[u8]) {
        let mut h = self.0;
        let mut words = bytes.chunks_exact(8);
        for w in &mut words {
            h = (h.rotate_left(5) ^ u64::from_le_bytes(w.try_into().expect("8 bytes"))).wrapping_mul(FX_K);
        }
        let rest = words.remainder();
        if !rest.is_empty() {
            let mut b = [0u8; 8];
            b[..rest.len()].copy_from_slice(rest);
            h = (h.rotate_left(5) ^ u64::from_le_bytes(b)).wrapping_mul(FX_K);
        }
        self.0 = h;
    }

    fn write_u8(&mut self, i: u8) {
        self.0 = (self.0.rotate_left(5) ^ u64::from(i)).wrapping_mul(FX_K);
    }

    fn write_usize(&mut self, i: usize) {
        self.0 = (self.0.rotate_left(5) ^ i as u64).wrapping_mul(FX_K);
    }

    fn finish(&self) -> u64 {
        self.0.rotate_left(26)
    }
}

/// Builds [`Fx`] hashers.
pub type FxBuild = BuildHasherDefault<Fx>;

/// One piece of a query: a normalised non-Thai term, or a run of Thai words written together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    /// A non-Thai word: its term and the lowercased word before stemming (for prefix search).
    Latin {
        /// The normalised term.
        term: String,
        /// Lowercased, without dropped punctuation, not stemmed.
        raw: String,
    },
    /// Thai words with no space or punctuation between them.
    Thai {
        /// The characters of the run.
        chars: Vec<char>,
        /// Word boundaries, as character positions, from 0 to `chars.len()`.
        bounds: Vec<usize>,
    },
}

/// Cuts a query into pieces, with ICU segmentation (as `search.js` does with `Intl.Segmenter`).
pub fn query_pieces(q: &str) -> Vec<Piece> {
    let mut pieces = Vec::new();
    let mut thai: Option<(Vec<char>, Vec<usize>, usize)> = None; // chars, bounds, end byte
    let flush = |thai: &mut Option<(Vec<char>, Vec<usize>, usize)>, pieces: &mut Vec<Piece>| {
        if let Some((chars, bounds, _)) = thai.take() {
            pieces.push(Piece::Thai { chars, bounds });
        }
    };
    icu_words(q, |s, e| {
        let seg = &q[s..e];
        if seg.chars().any(is_thai) {
            let cs: Vec<char> = seg.chars().filter_map(query_char).collect();
            match &mut thai {
                Some((chars, bounds, end)) if *end == s => {
                    chars.extend(cs);
                    bounds.push(chars.len());
                    *end = e;
                }
                _ => {
                    flush(&mut thai, &mut pieces);
                    let n = cs.len();
                    thai = Some((cs, vec![0, n], e));
                }
            }
        } else {
            flush(&mut thai, &mut pieces);
            if let Some(term) = normalize(seg) {
                let raw: String = seg.chars().flat_map(char::to_lowercase).filter(|&c| !dropped(c)).collect();
                pieces.push(Piece::Latin { term, raw });
            }
        }
    });
    flush(&mut thai, &mut pieces);
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all_terms(text: &str) -> Vec<String> {
        let mut v = Vec::new();
        terms(text, |t| v.push(t.to_string()));
        v
    }

    fn icu_terms(text: &str) -> Vec<String> {
        let mut v = Vec::new();
        icu_words(text, |s, e| v.extend(normalize(&text[s..e])));
        v
    }

    #[test]
    fn stems_plurals_and_endings_alike() {
        for (a, b) in [
            ("wildfires", "wildfire"),
            ("provinces", "province"),
            ("studies", "study"),
            ("planned", "plan"),
            ("burning", "burned"),
            ("communities", "community"),
        ] {
            assert_eq!(normalize(a), normalize(b), "{a} / {b}");
        }
        assert_eq!(normalize("LAMPANG").as_deref(), Some("lampang"));
        assert_eq!(normalize("gas").as_deref(), Some("gas"));
        assert_eq!(normalize("hopping").as_deref(), Some("hop"));
        assert_eq!(normalize("filing").as_deref(), Some("file"));
        assert_eq!(normalize("U.S.A").as_deref(), Some("usa"));
    }

    #[test]
    fn thai_compounds_are_cut_into_words() {
        let t = all_terms("ปัญหาหมอกควันไฟป่า");
        assert!(t.contains(&"หมอก".to_string()) && t.contains(&"ควัน".to_string()), "{t:?}");
        assert_eq!(normalize("๒๕๖๗").as_deref(), Some("2567"));
    }

    #[test]
    fn province_names_are_found_inside_missegmented_runs() {
        let t = all_terms("เซรามิกลำปางสู่อุตสาหกรรมสร้างสรรค์");
        assert!(t.contains(&"ลำปาง".to_string()), "{t:?}");
    }

    #[test]
    fn the_ascii_fast_path_agrees_with_icu() {
        let samples = [
            "a:b c.d e'f 1,000 1.5 a_b a1 1a a.1 1.a a..b _ __x x_ 1;2 a;b a,b 1:2 ,, don't. U.S.A. e-mail",
            "(STI) 13th 2024-2027 \"quoted\" [link](x) x--y a'' ''b 3.14.15 ab:cd:ef a.b.c. !#$%&*+/<=>?@\\^`{|}~",
        ];
        let mut rng = 0x2545_f491_4f6c_dd1du64;
        let alphabet = b"ab1_.,;:'- x!Z9";
        let mut random = Vec::new();
        for _ in 0..3000 {
            let mut s = String::new();
            for _ in 0..12 {
                rng ^= rng << 13;
                rng ^= rng >> 7;
                rng ^= rng << 17;
                s.push(alphabet[(rng % alphabet.len() as u64) as usize] as char);
            }
            random.push(s);
        }
        for s in samples.iter().copied().chain(random.iter().map(String::as_str)) {
            assert_eq!(all_terms(s), icu_terms(s), "{s:?}");
        }
    }

    #[test]
    fn runs_split_at_every_white_space_character() {
        let spaces: Vec<char> = (0..=0x3000u32).filter_map(char::from_u32).filter(|c| c.is_whitespace()).collect();
        let mut text = String::from("  ก\u{0E01}x");
        for (i, c) in spaces.iter().enumerate() {
            text.push(*c);
            text.push_str(["ลำปาง", "a", "\u{2009}b", "é", "\u{00A1}", "\u{2030}"][i % 6]);
        }
        text.push_str("\u{E000}\u{1F600} end ");
        let expected: Vec<&str> = text.split(char::is_whitespace).filter(|r| !r.is_empty()).collect();
        assert_eq!(runs(&text).collect::<Vec<_>>(), expected);
    }

    #[test]
    fn query_pieces_keep_thai_runs_together() {
        let p = query_pieces("หมอกควัน Wildfires");
        assert_eq!(p.len(), 2);
        match &p[0] {
            Piece::Thai { chars, bounds } => {
                assert_eq!(chars.iter().collect::<String>(), "หมอกควัน");
                assert_eq!(bounds, &vec![0, 4, 8]);
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(p[1], Piece::Latin { term: "wildfire".into(), raw: "wildfires".into() });
    }
}
