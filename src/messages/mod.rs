//! Messages for editors in Thai or English. Every diagnostic, hint and summary line is written in
//! English where it is made; this module translates it when it is shown, by matching it against a
//! catalogue of English templates with their Thai text (`catalogue.toml`, read once). Keeping the
//! translation at the output step means the places that make messages stay as they are.
//!
//! A template is literal text with holes: `{}` is copied as it is (paths, keys, numbers, quoted
//! values), `{lang}` is the word `Thai` or `English` and is translated, `{*}` is a message of its
//! own and is translated in turn. Holes in the Thai text are filled in order, or by number
//! (`{0}`, `{1}`) when Thai puts them in another order.
//!
//! Which language: the `--messages` flag, then `messages = "th"` in namrong.toml, then the
//! locale (`LC_ALL`, `LC_MESSAGES`, `LANG` starting with `th`), else English.

use std::sync::OnceLock;

use serde::Deserialize;

use crate::lang::Lang;

/// The catalogue as shipped: English templates and their Thai text.
const CATALOGUE: &str = include_str!("catalogue.toml");

/// Picks the language of messages: the flag wins over the setting, the setting over the locale.
/// `env` looks up an environment variable (`std::env::var` in the command).
pub fn choose(flag: Option<Lang>, setting: Option<Lang>, env: impl Fn(&str) -> Option<String>) -> Lang {
    flag.or(setting).or_else(|| from_locale(env)).unwrap_or(Lang::En)
}

/// The language the locale asks for, as POSIX reads it: the first set of `LC_ALL`,
/// `LC_MESSAGES`, `LANG`. Thai when it starts with `th`, English for any other locale.
pub fn from_locale(env: impl Fn(&str) -> Option<String>) -> Option<Lang> {
    let value = ["LC_ALL", "LC_MESSAGES", "LANG"].into_iter().find_map(|k| env(k).filter(|v| !v.is_empty()))?;
    Some(if value.starts_with("th") { Lang::Th } else { Lang::En })
}

/// `text` in `lang`: the Thai translation when there is one, else `text` unchanged.
pub fn localize(text: &str, lang: Lang) -> String {
    match lang {
        Lang::En => text.to_string(),
        Lang::Th => translate(text).unwrap_or_else(|| text.to_string()),
    }
}

/// Like [`localize`], line by line, keeping each line's indentation (for multi-line reports).
pub fn localize_lines(text: &str, lang: Lang) -> String {
    if lang == Lang::En {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let (body, end) = line.strip_suffix('\n').map_or((line, ""), |b| (b, "\n"));
        let indent = body.len() - body.trim_start().len();
        out.push_str(&body[..indent]);
        out.push_str(&localize(&body[indent..], lang));
        out.push_str(end);
    }
    out
}

/// The Thai text of an English message, or `None` when the catalogue has no template for it.
pub fn translate(text: &str) -> Option<String> {
    if text.is_empty() {
        return Some(String::new());
    }
    let mut best: Option<(usize, Vec<&str>, &Template)> = None;
    for t in catalogue() {
        if best.as_ref().is_some_and(|(weight, ..)| *weight >= t.weight) {
            continue;
        }
        let mut captures = Vec::with_capacity(t.holes.len());
        if t.matches(text, 0, 0, &mut captures) {
            best = Some((t.weight, captures, t));
        }
    }
    let (_, captures, t) = best?;
    Some(t.fill(&captures))
}

/// The English templates of the catalogue with holes written `{}`, for checking that every
/// message made in the code has an entry.
pub fn templates() -> impl Iterator<Item = String> {
    catalogue().iter().map(|t| {
        let mut s = t.pieces[0].clone();
        for piece in &t.pieces[1..] {
            s.push_str("{}");
            s.push_str(piece);
        }
        s
    })
}

/// What a hole in an English template stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Hole {
    /// Copied as it is.
    Verbatim,
    /// `Thai` or `English`.
    Lang,
    /// A message of its own, translated too.
    Nested,
}

/// One piece of the Thai text.
#[derive(Debug)]
enum Part {
    Text(String),
    Hole(usize),
}

/// One catalogue entry, split into the literal pieces between its holes.
#[derive(Debug)]
struct Template {
    /// Literal text: one more piece than there are holes.
    pieces: Vec<String>,
    holes: Vec<Hole>,
    thai: Vec<Part>,
    /// Characters of literal text: among templates that match, the most specific wins.
    weight: usize,
}

impl Template {
    fn parse(en: &str, th: &str) -> Result<Template, String> {
        let mut pieces = vec![String::new()];
        let mut holes = Vec::new();
        for token in tokens(en) {
            match token {
                Token::Text(s) => pieces.last_mut().expect("one piece").push_str(s),
                Token::Hole(name) => {
                    holes.push(match name {
                        "" => Hole::Verbatim,
                        "lang" => Hole::Lang,
                        "*" => Hole::Nested,
                        other => return Err(format!("unknown hole {{{other}}} in {en:?}")),
                    });
                    pieces.push(String::new());
                }
            }
        }
        let mut thai = Vec::new();
        let mut next = 0;
        for token in tokens(th) {
            match token {
                Token::Text(s) => thai.push(Part::Text(s.to_string())),
                Token::Hole(name) => {
                    let n = match name {
                        "" | "lang" | "*" => {
                            next += 1;
                            next - 1
                        }
                        digits => digits.parse().map_err(|_| format!("unknown hole {{{digits}}} in {th:?}"))?,
                    };
                    if n >= holes.len() {
                        return Err(format!("{th:?} has more holes than {en:?}"));
                    }
                    thai.push(Part::Hole(n));
                }
            }
        }
        let weight = pieces.iter().map(|p| p.chars().count()).sum();
        Ok(Template { pieces, holes, thai, weight })
    }

    /// Matches `text[at..]` against the pieces from `piece` on, trying each place a piece
    /// occurs so that a hole's text may contain the next piece's text.
    fn matches<'t>(&self, text: &'t str, at: usize, piece: usize, captures: &mut Vec<&'t str>) -> bool {
        let lit = &self.pieces[piece];
        if piece == 0 {
            if !text.starts_with(lit.as_str()) {
                return false;
            }
            return if self.pieces.len() == 1 {
                text.len() == lit.len()
            } else {
                self.matches(text, lit.len(), 1, captures)
            };
        }
        let hole = self.holes[piece - 1];
        let rest = &text[at..];
        if piece == self.pieces.len() - 1 {
            let Some(captured) = rest.strip_suffix(lit.as_str()) else { return false };
            if !fits(hole, captured) {
                return false;
            }
            captures.push(captured);
            return true;
        }
        for (i, _) in rest.match_indices(lit.as_str()) {
            let captured = &rest[..i];
            if fits(hole, captured) {
                captures.push(captured);
                if self.matches(text, at + i + lit.len(), piece + 1, captures) {
                    return true;
                }
                captures.pop();
            }
        }
        false
    }

    fn fill(&self, captures: &[&str]) -> String {
        let mut out = String::new();
        for part in &self.thai {
            match part {
                Part::Text(s) => out.push_str(s),
                Part::Hole(n) => {
                    let c = captures[*n];
                    match self.holes[*n] {
                        Hole::Verbatim => out.push_str(c),
                        Hole::Lang => out.push_str(if c == "Thai" {
                            "ภาษาไทย"
                        } else {
                            "ภาษาอังกฤษ"
                        }),
                        Hole::Nested => out.push_str(&translate(c).unwrap_or_else(|| c.to_string())),
                    }
                }
            }
        }
        out
    }
}

/// Whether `captured` can fill `hole`.
fn fits(hole: Hole, captured: &str) -> bool {
    match hole {
        Hole::Lang => captured == "Thai" || captured == "English",
        Hole::Verbatim => !captured.is_empty(),
        Hole::Nested => true,
    }
}

enum Token<'a> {
    Text(&'a str),
    Hole(&'a str),
}

/// Splits a template into text and holes. Only `{}`, `{lang}`, `{*}` and `{digits}` are holes;
/// any other brace (`{ th = "..." }`) is text.
fn tokens(s: &str) -> Vec<Token<'_>> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while let Some(open) = s[i..].find('{').map(|o| i + o) {
        let close = s[open..].find('}').map(|c| open + c);
        let name = close.map(|c| &s[open + 1..c]);
        match (close, name) {
            (Some(c), Some(n)) if n.is_empty() || n == "lang" || n == "*" || n.bytes().all(|b| b.is_ascii_digit()) => {
                if open > start {
                    out.push(Token::Text(&s[start..open]));
                }
                out.push(Token::Hole(n));
                start = c + 1;
                i = c + 1;
            }
            _ => i = open + 1,
        }
    }
    if start < s.len() {
        out.push(Token::Text(&s[start..]));
    }
    out
}

#[derive(Deserialize)]
struct File {
    message: Vec<Entry>,
}

#[derive(Deserialize)]
struct Entry {
    en: String,
    th: String,
}

/// The catalogue, parsed on first use.
fn catalogue() -> &'static [Template] {
    static TEMPLATES: OnceLock<Vec<Template>> = OnceLock::new();
    TEMPLATES.get_or_init(|| parse_catalogue(CATALOGUE).expect("the message catalogue is checked by its tests"))
}

fn parse_catalogue(text: &str) -> Result<Vec<Template>, String> {
    let file: File = toml::from_str(text).map_err(|e| e.to_string())?;
    file.message.iter().map(|e| Template::parse(&e.en, &e.th)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |k| vars.iter().find(|(n, _)| *n == k).map(|(_, v)| v.to_string())
    }

    #[test]
    fn the_catalogue_parses_and_every_thai_text_is_thai() {
        let parsed = parse_catalogue(CATALOGUE).unwrap();
        assert!(parsed.len() > 50);
        let file: File = toml::from_str(CATALOGUE).unwrap();
        for e in &file.message {
            assert!(e.th.chars().any(|c| ('\u{0e00}'..='\u{0e7f}').contains(&c)), "not Thai: {:?}", e.th);
            let holes = |s: &str| tokens(s).iter().filter(|t| matches!(t, Token::Hole(_))).count();
            assert_eq!(holes(&e.en), holes(&e.th), "holes differ: {:?} / {:?}", e.en, e.th);
        }
        let mut seen = std::collections::BTreeSet::new();
        for t in templates() {
            assert!(seen.insert(t.clone()), "listed twice: {t:?}");
        }
    }

    #[test]
    fn fills_holes_and_keeps_technical_tokens() {
        assert_eq!(translate("unknown status \"actve\"").unwrap(), "ไม่รู้จักสถานะ \"actve\"");
        let t = translate("missing translation: this pilot has no English narrative").unwrap();
        assert!(t.contains("ภาษาอังกฤษ"), "{t}");
        assert!(translate("no such message anywhere").is_none());
    }

    #[test]
    fn nested_messages_are_translated_too() {
        let t = translate("--base-url: base_url `x` must start with https:// or http://").unwrap();
        assert_eq!(t, "ค่า --base-url: base_url `x` ต้องขึ้นต้นด้วย https:// หรือ http://");
        let t = translate("symbolic link to a folder, so it cannot be published").unwrap();
        assert!(!t.contains("so it cannot be published"), "{t}");
    }

    #[test]
    fn lines_keep_their_indentation() {
        let text = "translation coverage:\n  pilots: 2, Thai 2/2, English 1/2\n";
        let th = localize_lines(text, Lang::Th);
        assert!(th.starts_with("ความครบถ้วนของคำแปล:\n  "), "{th}");
        assert!(th.ends_with('\n'));
        assert_eq!(localize_lines(text, Lang::En), text);
    }

    #[test]
    fn flag_beats_setting_beats_locale() {
        let thai = [("LANG", "th_TH.UTF-8")];
        assert_eq!(choose(None, None, env(&thai)), Lang::Th);
        assert_eq!(choose(None, Some(Lang::En), env(&thai)), Lang::En);
        assert_eq!(choose(Some(Lang::Th), Some(Lang::En), env(&[])), Lang::Th);
        assert_eq!(choose(None, None, env(&[])), Lang::En);
        assert_eq!(choose(None, None, env(&[("LC_ALL", "C"), ("LANG", "th_TH.UTF-8")])), Lang::En);
        assert_eq!(choose(None, None, env(&[("LC_ALL", ""), ("LC_MESSAGES", "th_TH")])), Lang::Th);
    }
}
