//! Thai line breaking: Thai is written without spaces, and a browser's own dictionary misses
//! names and loanwords, so lines break inside words ("เซ|รามิก"). After a page is rendered, every
//! run of Thai letters in its visible text is cut into words (the site word list first, then
//! ICU4X's Thai dictionary), wrapped in `<span class="tw">` (which the stylesheet keeps on one
//! line) with a `<wbr>` between its words, so the browser breaks only between words.
//! Copying the text still gives plain text: `<wbr>` adds no characters.
//!
//! Never touched: tags and their attributes, comments, `<head>` text, `<script>`, `<style>`,
//! `<pre>`, `<code>`, `<kbd>`, `<samp>`, `<textarea>`, `<option>`, `<svg>` and `<math>`, and
//! any whitespace-separated token that looks like a URL or an e-mail address. Feeds, data files
//! and the search index never pass through here.
//!
//! The site word list is `content/words.txt`: one word a line, `#` starts a comment.

use std::path::Path;
use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, MatchKind};
use icu_segmenter::options::WordBreakInvariantOptions;
use icu_segmenter::{WordSegmenter, WordSegmenterBorrowed};

use crate::diagnostics::{Diagnostic, Diagnostics};

/// Where the site word list lives, relative to the site root.
pub const WORDS_FILE: &str = "content/words.txt";

/// Words of namrong's own labels that ICU's dictionary cuts in two ("ค่า|ฐาน", "เป้า|หมาย"):
/// always in the list, so headings, table labels and charts keep them whole.
pub const BUILTIN_WORDS: [&str; 5] = ["ค่าฐาน", "เป้าหมาย", "ล่าสุด", "ตัวชี้วัด", "ความก้าวหน้า"];

/// Words the site adds to the Thai dictionary (names, loanwords), from `content/words.txt`,
/// plus [`BUILTIN_WORDS`].
#[derive(Debug, Clone)]
pub struct WordList {
    words: Vec<String>,
    matcher: Option<AhoCorasick>,
}

impl Default for WordList {
    /// Only the built-in words.
    fn default() -> Self {
        WordList::new(Vec::<String>::new())
    }
}

impl WordList {
    /// A word list from words and [`BUILTIN_WORDS`] (blank ones are dropped, duplicates kept once).
    pub fn new<I: IntoIterator<Item = S>, S: Into<String>>(words: I) -> Self {
        let mut words: Vec<String> = words
            .into_iter()
            .map(Into::into)
            .map(|w| w.trim().to_string())
            .chain(BUILTIN_WORDS.map(String::from))
            .filter(|w| !w.is_empty())
            .collect();
        words.sort();
        words.dedup();
        let matcher = (!words.is_empty())
            .then(|| AhoCorasick::builder().match_kind(MatchKind::LeftmostLongest).build(&words).ok())
            .flatten();
        WordList { words, matcher }
    }

    /// Parses the text of a word list: one word a line, `#` starts a comment, blank lines are
    /// ignored. A line with a space in it is reported (and skipped): it is not one word.
    pub fn parse(text: &str, rel: &Path, problems: &mut Diagnostics) -> Self {
        let mut words = Vec::new();
        for (n, line) in text.lines().enumerate() {
            let word = line.split('#').next().unwrap_or("").trim();
            if word.is_empty() {
                continue;
            }
            if word.chars().any(char::is_whitespace) {
                problems.push(
                    Diagnostic::warning(rel, format!("line {} holds more than one word: \"{word}\"", n + 1))
                        .hint("put one word on each line of the word list (split it, or remove the space)"),
                );
                continue;
            }
            words.push(word.to_string());
        }
        WordList::new(words)
    }

    /// Reads `content/words.txt` under `root` when it exists; no file is an empty list.
    pub fn load(root: &Path, problems: &mut Diagnostics) -> Self {
        let rel = Path::new(WORDS_FILE);
        if !root.join(rel).is_file() {
            return WordList::default();
        }
        match crate::source::Source::read(root, rel) {
            Ok(src) => WordList::parse(&src.text, rel, problems),
            Err(d) => {
                problems.push(d);
                WordList::default()
            }
        }
    }

    /// The words, sorted, built-in ones included (for search: index each one as a single term).
    pub fn words(&self) -> &[String] {
        &self.words
    }

    /// True when `word` is in the list.
    pub fn contains(&self, word: &str) -> bool {
        self.words.binary_search_by(|w| w.as_str().cmp(word)).is_ok()
    }

    /// The words of a run of Thai letters: site words where they occur (longest first), ICU's
    /// Thai dictionary for the text between them.
    pub fn split<'t>(&self, run: &'t str) -> Vec<&'t str> {
        let mut cuts = vec![0];
        let icu = |from: usize, to: usize, cuts: &mut Vec<usize>| {
            if from < to {
                cuts.extend(segmenter().segment_str(&run[from..to]).map(|b| from + b).filter(|&b| b > from && b < to));
                cuts.push(to);
            }
        };
        let mut at = 0;
        if let Some(m) = &self.matcher {
            for found in m.find_iter(run) {
                if !is_boundary(run, found.start()) || !is_boundary(run, found.end()) {
                    continue;
                }
                icu(at, found.start(), &mut cuts);
                cuts.push(found.end());
                at = found.end();
            }
        }
        icu(at, run.len(), &mut cuts);
        cuts.dedup();
        cuts.retain(|&c| c == 0 || c == run.len() || is_boundary(run, c));
        cuts.windows(2).map(|w| &run[w[0]..w[1]]).collect()
    }
}

/// The word segmenter (ICU4X compiled data, Thai dictionary).
fn segmenter() -> WordSegmenterBorrowed<'static> {
    static SEGMENTER: OnceLock<WordSegmenterBorrowed<'static>> = OnceLock::new();
    *SEGMENTER.get_or_init(|| WordSegmenter::new_dictionary(WordBreakInvariantOptions::default()))
}

/// Thai letters, vowels, tone marks and digits (the Thai block).
fn is_thai(c: char) -> bool {
    ('\u{0E01}'..='\u{0E5B}').contains(&c)
}

/// Marks that sit on the letter before them (above or below vowels, tone marks).
fn is_mark(c: char) -> bool {
    matches!(c, '\u{0E31}' | '\u{0E33}'..='\u{0E3A}' | '\u{0E47}'..='\u{0E4E}')
}

/// Vowels and signs that never begin a word (sara a, sara aa, sara am, lakkhangyao, mai yamok).
fn never_starts(c: char) -> bool {
    is_mark(c) || matches!(c, '\u{0E30}' | '\u{0E32}' | '\u{0E33}' | '\u{0E45}' | '\u{0E46}' | '\u{0E2F}')
}

/// True when a word may end at byte `i` of `run`: not before a mark or a vowel that follows its
/// consonant, not after a leading vowel.
fn is_boundary(run: &str, i: usize) -> bool {
    if i == 0 || i >= run.len() {
        return true;
    }
    let next = run[i..].chars().next().is_some_and(never_starts);
    let prev = run[..i].chars().next_back().is_some_and(|c| ('\u{0E40}'..='\u{0E44}').contains(&c));
    !next && !prev
}

/// Elements whose text is left exactly as it is.
const UNTOUCHED: [&str; 13] =
    ["head", "script", "style", "pre", "code", "kbd", "samp", "textarea", "option", "svg", "math", "title", "template"];

/// Adds Thai word boundaries to the visible text of an HTML page (see the module docs).
pub fn mark_html(html: &str, words: &WordList) -> String {
    let mut out = String::with_capacity(html.len() + html.len() / 8);
    let mut skip: Vec<String> = Vec::new();
    let mut rest = html;
    while !rest.is_empty() {
        let Some(lt) = rest.find('<') else {
            push_text(&mut out, rest, skip.is_empty(), words);
            break;
        };
        push_text(&mut out, &rest[..lt], skip.is_empty(), words);
        rest = &rest[lt..];
        if rest.starts_with("<!--") {
            let end = rest.find("-->").map_or(rest.len(), |e| e + 3);
            out.push_str(&rest[..end]);
            rest = &rest[end..];
            continue;
        }
        let end = tag_end(rest);
        let tag = &rest[..end];
        out.push_str(tag);
        rest = &rest[end..];
        let closing = tag.starts_with("</");
        let name: String = tag
            .trim_start_matches('<')
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        if !UNTOUCHED.contains(&name.as_str()) || tag.ends_with("/>") {
            continue;
        }
        if closing {
            if let Some(pos) = skip.iter().rposition(|n| *n == name) {
                skip.truncate(pos);
            }
        } else if matches!(name.as_str(), "script" | "style" | "textarea" | "title") {
            // Raw text: copy up to the closing tag without reading tags inside.
            let close = format!("</{name}");
            let stop = find_ignore_case(rest, &close).unwrap_or(rest.len());
            out.push_str(&rest[..stop]);
            rest = &rest[stop..];
        } else {
            skip.push(name);
        }
    }
    out
}

/// [`mark_html`] on a rendered page's bytes (a page that is not UTF-8 is returned unchanged).
pub fn mark_page(page: Vec<u8>, words: &WordList) -> Vec<u8> {
    match std::str::from_utf8(&page) {
        Ok(html) => mark_html(html, words).into_bytes(),
        Err(_) => page,
    }
}

/// Removes what [`mark_html`] added: the text as it was before marking (for tests and tools
/// that compare text).
pub fn unmark(html: &str) -> String {
    const OPEN: &str = "<span class=\"tw\">";
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find(OPEN) {
        out.push_str(&rest[..start]);
        rest = &rest[start + OPEN.len()..];
        let end = rest.find("</span>").unwrap_or(rest.len());
        out.push_str(&rest[..end].replace("<wbr>", ""));
        rest = rest.get(end + "</span>".len()..).unwrap_or("");
    }
    out.push_str(rest);
    out
}

/// The length of the tag at the start of `s`, quoted attribute values included.
fn tag_end(s: &str) -> usize {
    let mut quote = None;
    for (i, c) in s.char_indices().skip(1) {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '>') => return i + 1,
            _ => {}
        }
    }
    s.len()
}

fn find_ignore_case(hay: &str, needle: &str) -> Option<usize> {
    hay.as_bytes().windows(needle.len()).position(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

/// Copies a text node, marking Thai words when `mark` is set.
fn push_text(out: &mut String, text: &str, mark: bool, words: &WordList) {
    if !mark || !text.chars().any(is_thai) {
        out.push_str(text);
        return;
    }
    let mut token_start = 0;
    for (i, c) in text.char_indices().chain(std::iter::once((text.len(), ' '))) {
        if c.is_whitespace() {
            let token = &text[token_start..i];
            if token.contains("://") || token.starts_with("www.") || token.contains('@') {
                out.push_str(token);
            } else {
                push_token(out, token, words);
            }
            if i < text.len() {
                out.push(c);
            }
            token_start = i + c.len_utf8();
        }
    }
}

fn push_token(out: &mut String, token: &str, words: &WordList) {
    let mut rest = token;
    while let Some(start) = rest.find(|c: char| is_thai(c) && !is_mark(c)) {
        out.push_str(&rest[..start]);
        let run_len = rest[start..].find(|c: char| !is_thai(c)).unwrap_or(rest.len() - start);
        let run = &rest[start..start + run_len];
        let parts = words.split(run);
        // One word of ICU's dictionary is one word to the browser too; only a site word needs
        // to be kept whole.
        if parts.len() < 2 && !words.contains(run) {
            out.push_str(run);
        } else {
            out.push_str("<span class=\"tw\">");
            for (k, part) in parts.iter().enumerate() {
                if k > 0 {
                    out.push_str("<wbr>");
                }
                out.push_str(part);
            }
            out.push_str("</span>");
        }
        rest = &rest[start + run_len..];
    }
    out.push_str(rest);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site_words() -> WordList {
        WordList::new(["เซรามิก", "ลูกเหรียง", "ท่าสาป", "ขับเคลื่อน", "กลุ่มเปราะบาง"])
    }

    /// The words of `text` as marked: the pieces between `<wbr>`, tags removed.
    fn pieces(html: &str) -> Vec<String> {
        html.replace("<span class=\"tw\">", "").replace("</span>", "").split("<wbr>").map(str::to_string).collect()
    }

    #[test]
    fn known_words_get_no_break_inside() {
        let w = site_words();
        let marked = mark_html("<p>อุตสาหกรรมเซรามิกสร้างสรรค์</p>", &w);
        assert_eq!(marked, "<p><span class=\"tw\">อุตสาหกรรม<wbr>เซรามิก<wbr>สร้างสรรค์</span></p>");
        for (text, word) in [
            ("โครงการขับเคลื่อนเศรษฐกิจ", "ขับเคลื่อน"),
            ("คุ้มครองกลุ่มเปราะบางในตำบลท่าสาป", "กลุ่มเปราะบาง"),
            ("คุ้มครองกลุ่มเปราะบางในตำบลท่าสาป", "ท่าสาป"),
            ("เด็กลูกเหรียงได้รับการดูแล", "ลูกเหรียง"),
        ] {
            let marked = mark_html(text, &w);
            assert!(
                !pieces(&marked).iter().any(|p| word.contains(p.as_str()) && p != word),
                "{word} split in {marked}"
            );
            assert!(marked.replace("<wbr>", "").contains(word), "{word} lost in {marked}");
        }
    }

    #[test]
    fn the_site_name_ends_on_a_whole_word() {
        let marked = mark_html("<h1>รายงานโครงการนำร่องเชิงพื้นที่</h1>", &WordList::default());
        assert_eq!(marked, "<h1><span class=\"tw\">รายงาน<wbr>โครงการ<wbr>นำร่อง<wbr>เชิง<wbr>พื้นที่</span></h1>");
        let marked = mark_html("<h1>รายงานโครงการนำร่องเชิงพื้นที่</h1>", &WordList::new(["เชิงพื้นที่"]));
        assert!(marked.contains("<wbr>เชิงพื้นที่</span>"), "{marked}");
    }

    #[test]
    fn without_the_word_list_icu_splits_loanwords() {
        // The reason for content/words.txt: ICU's dictionary alone cuts this loanword.
        let plain = mark_html("อุตสาหกรรมเซรามิกสร้างสรรค์", &WordList::default());
        assert!(!plain.contains("<wbr>เซรามิก<wbr>"), "{plain}");
        // Even then no piece starts with a vowel that follows its consonant ("สร้|าง").
        assert!(!plain.contains("<wbr>า"), "{plain}");
    }

    #[test]
    fn attributes_code_urls_and_scripts_are_untouched() {
        let w = site_words();
        let html = concat!(
            "<html><head><title>อุตสาหกรรมเซรามิก</title><meta content=\"อุตสาหกรรมเซรามิก\"></head>",
            "<body><a href=\"/th/จังหวัด/\" title=\"อุตสาหกรรมเซรามิก\">ลำปาง</a>",
            "<pre>อุตสาหกรรม<b>เซรามิก</b></pre><code>อุตสาหกรรมเซรามิก</code>",
            "<script>var s = \"<p>อุตสาหกรรมเซรามิก</p>\";</script>",
            "<svg><text>อุตสาหกรรมเซรามิก</text></svg>",
            "<!-- อุตสาหกรรมเซรามิก --> https://example.org/อุตสาหกรรมเซรามิก",
            "<p>หลัง</p></body></html>"
        );
        let marked = mark_html(html, &w);
        assert_eq!(marked.matches("<wbr>").count(), 0, "{marked}");
        let html = html.replace("<p>หลัง</p>", "<p>อุตสาหกรรมเซรามิก</p>");
        let marked = mark_html(&html, &w);
        assert_eq!(marked.matches("<wbr>").count(), 1, "{marked}");
        assert!(marked.ends_with("<p><span class=\"tw\">อุตสาหกรรม<wbr>เซรามิก</span></p></body></html>"));
    }

    #[test]
    fn marking_only_adds_tags() {
        let w = site_words();
        let html = "<p>ค่าฐาน 12 ราย, เป้าหมาย ≥ 70% (Lampang) ไม่ใช่ ๆ ฯลฯ &amp; เซรามิก</p>";
        let marked = mark_html(html, &w);
        let stripped = marked.replace("<wbr>", "").replace("<span class=\"tw\">", "").replace("</span>", "");
        assert_eq!(stripped, html);
        assert_eq!(unmark(&marked), html);
        assert!(marked.contains("<span class=\"tw\">เซรามิก</span>"), "a site word alone is kept whole: {marked}");
        assert!(marked.contains(" ราย,"), "one dictionary word needs no mark: {marked}");
        assert!(marked.contains("<span class=\"tw\">ค่าฐาน</span>"), "built-in terms stay whole: {marked}");
        assert!(marked.contains("<span class=\"tw\">เป้าหมาย</span>"), "built-in terms stay whole: {marked}");
        assert!(!marked.contains('\u{200B}'));
    }

    #[test]
    fn no_break_before_a_mark_or_after_a_leading_vowel() {
        let w = WordList::new(["กา", "เก"]);
        for run in ["กำลัง", "เกม", "ไก่", "เกี่ยว"] {
            for piece in w.split(run) {
                assert!(!piece.starts_with(is_mark), "{run}: {piece}");
                assert!(!piece.ends_with(|c| ('\u{0E40}'..='\u{0E44}').contains(&c)), "{run}: {piece}");
            }
        }
    }

    #[test]
    fn the_word_list_file_is_one_word_a_line() {
        let mut problems = Diagnostics::new();
        let w = WordList::parse(
            "# names\nเซรามิก\n\n  ลูกเหรียง  # orphans\nท่า สาป\nเซรามิก\n",
            Path::new(WORDS_FILE),
            &mut problems,
        );
        let site: Vec<&String> = w.words().iter().filter(|x| !BUILTIN_WORDS.contains(&x.as_str())).collect();
        assert_eq!(site, ["ลูกเหรียง", "เซรามิก"]);
        assert_eq!(problems.warning_count(), 1);
        assert!(problems.0[0].to_string().contains("line 5"), "{}", problems.0[0]);
    }
}
