//! The TOML mistakes editors make most (a missing quote, a missing comma, `:` for `=`, text
//! without quotes, curly quotes from a word processor, a date in another form), recognised from
//! the parser's message and the text around it, and explained in plain words. The parser often
//! notices a missing closing quote only on a later line, so an unclosed string before the
//! parser's position wins: the message then points where the quote opened.
//!
//! Every message and hint shown to editors is written in [`Mistake::explain`], in one place, so
//! it can be translated.

use std::ops::Range;

/// A recognised mistake, with what its explanation needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Mistake {
    /// A string opened with `"` or `'` is not closed on its line; `example` is the start of the text.
    UnclosedQuote { quote: char, example: String },
    /// `"""` or `'''` never closed.
    UnclosedMultiline { quote: char },
    /// A value written in “curly quotes”; `fixed` is the value in straight quotes.
    CurlyQuotes { fixed: String },
    /// A date written as 7/5/2567 or 7 พ.ค. 2567 or 2024-5-7; `fixed` is the TOML date when known.
    DateForm { written: String, fixed: Option<String> },
    /// Text without quotes; `thai` when it is Thai text.
    Unquoted { thai: bool, fixed: String },
    /// `key: value` instead of `key = value`; `fixed` is the line corrected.
    ColonForEquals { fixed: String },
    /// Two entries of an inline table `{ ... }` or an array `[ ... ]` without a comma.
    MissingComma { array: bool },
    /// An inline table `{ ... }` not closed on its line.
    UnclosedTable,
    /// A table name `[name` without its `]`; `fixed` is the line corrected.
    UnclosedHeader { fixed: String },
    /// A key written in Thai or with spaces.
    BadKey,
}

impl Mistake {
    /// The message and hint shown to the editor.
    pub(super) fn explain(&self) -> (String, String) {
        match self {
            Mistake::UnclosedQuote { quote, example } => (
                format!("the closing quote {quote} is missing: the text that starts here is never closed"),
                format!(
                    "put a {quote} where the text ends, on the same line, e.g. {quote}{example}{quote}; \
                     each text value needs a quote at both ends"
                ),
            ),
            Mistake::UnclosedMultiline { quote } => (
                format!("the text opened with {q}{q}{q} here is never closed", q = quote),
                format!("end it with {q}{q}{q}", q = quote),
            ),
            Mistake::CurlyQuotes { fixed } => (
                "curly quotes “ ” are not quotes in TOML (they come from pasting out of a word processor)".into(),
                format!("type straight quotes instead: {fixed}"),
            ),
            Mistake::DateForm { written, fixed } => (
                format!("`{written}` is not a date namrong can read"),
                match fixed {
                    Some(f) => format!(
                        "write dates as year-month-day in the Common Era, without quotes: {f} \
                         (pages show them in the Buddhist Era)"
                    ),
                    None => "write dates as year-month-day in the Common Era, without quotes, e.g. 2024-05-07 \
                             (pages show them in the Buddhist Era)"
                        .into(),
                },
            ),
            Mistake::Unquoted { thai: true, fixed } => {
                ("Thai text must be in quotes".into(), format!("put straight double quotes around it: {fixed}"))
            }
            Mistake::Unquoted { thai: false, fixed } => {
                ("text must be in quotes".into(), format!("put straight double quotes around it: {fixed}"))
            }
            Mistake::ColonForEquals { fixed } => {
                ("use = between a key and its value, not :".into(), format!("write: {fixed}"))
            }
            Mistake::MissingComma { array: false } => (
                "a comma is missing between two entries inside { ... }".into(),
                "separate the entries with commas: { th = \"...\", en = \"...\" }".into(),
            ),
            Mistake::MissingComma { array: true } => (
                "a comma is missing between two items of the list [ ... ]".into(),
                "separate the items with commas: [\"ลำปาง\", \"ลำพูน\"]".into(),
            ),
            Mistake::UnclosedTable => (
                "the { ... } that starts on this line is not closed".into(),
                "end it with } on the same line: { th = \"...\", en = \"...\" }".into(),
            ),
            Mistake::UnclosedHeader { fixed } => {
                ("the [ that opens this table name is not closed".into(), format!("write: {fixed}"))
            }
            Mistake::BadKey => (
                "this key is not allowed: keys are English words such as title or status".into(),
                "see the comments in a file made by `namrong new` for the keys; Thai text goes after =, in quotes"
                    .into(),
            ),
        }
    }
}

/// Recognises the mistake behind a TOML syntax error. `text` is the TOML, `span` the parser's
/// position in it and `raw` its message. Returns the mistake and the span to point at.
pub(super) fn recognise(text: &str, span: Range<usize>, raw: &str) -> Option<(Mistake, Range<usize>)> {
    if let Some(open) = first_unclosed_string(text)
        && open.start <= span.start
    {
        return Some(open_mistake(text, open));
    }
    let line = line_around(text, span.start);
    let written = text.get(span.clone()).unwrap_or("").trim();
    let mistake = if raw.starts_with("string values must be quoted") || raw.starts_with("missing opening quote") {
        let value = if written.is_empty() { rest_of_line(text, span.start) } else { written };
        unquoted(value, &text[line.clone()], span.start - line.start)
    } else if raw.starts_with("invalid date") {
        Mistake::DateForm { written: written.to_string(), fixed: fix_date(written) }
    } else if raw.contains("expected `=`") && text[line.clone()].contains(':') {
        Mistake::ColonForEquals { fixed: text[line.clone()].trim().replacen(':', " =", 1).replace("  =", " =") }
    } else if raw.starts_with("missing comma between key-value pairs") {
        Mistake::MissingComma { array: false }
    } else if raw.starts_with("missing comma between array elements") {
        Mistake::MissingComma { array: true }
    } else if raw.starts_with("unclosed inline table") {
        let open = text[line.clone()].find('{').map_or(span.start, |i| line.start + i);
        return Some((Mistake::UnclosedTable, open..open + 1));
    } else if raw.starts_with("unclosed table") {
        let fixed = format!("{}]", text[line.clone()].trim().trim_end_matches(']'));
        return Some((Mistake::UnclosedHeader { fixed }, line.start..line.start + 1));
    } else if raw.starts_with("invalid unquoted key") {
        Mistake::BadKey
    } else {
        return None;
    };
    Some((mistake, span))
}

/// The mistake for an unclosed string starting at `open` (the quote or triple quote).
fn open_mistake(text: &str, open: Range<usize>) -> (Mistake, Range<usize>) {
    let quote = text[open.start..].chars().next().unwrap_or('"');
    if open.len() == 3 {
        return (Mistake::UnclosedMultiline { quote }, open);
    }
    let after = rest_of_line(text, open.end);
    // The text most likely ends before the next comma or brace (as in `{ th = "ท่าสาป, en = ... }`).
    let example = after.split([',', '}', ']']).next().unwrap_or(after).trim_end();
    let example = if example.is_empty() { "..." } else { example };
    let end = open.start + 1 + after.len();
    (Mistake::UnclosedQuote { quote, example: example.to_string() }, open.start..end)
}

/// What is wrong with a value the parser found without quotes.
fn unquoted(value: &str, line: &str, column: usize) -> Mistake {
    let key = line[..column.min(line.len())].trim_end().trim_end_matches('=').trim_end();
    let in_table = key.contains('{') || key.contains(',');
    let assign = |v: String| if in_table || key.is_empty() { v } else { format!("{key} = {v}") };
    if value.contains(['“', '”', '‘', '’', '„', '«', '»']) {
        let inner = value.trim_matches(|c| matches!(c, '“' | '”' | '‘' | '’' | '„' | '«' | '»' | '"'));
        let inner = inner.split(['“', '”']).next().unwrap_or(inner);
        return Mistake::CurlyQuotes { fixed: assign(format!("\"{inner}\"")) };
    }
    let value = value.trim_end_matches(['"', '\'']);
    if looks_like_date(value) {
        return Mistake::DateForm { written: value.to_string(), fixed: fix_date(value) };
    }
    let thai = value.chars().any(is_thai);
    let text = value.split([',', '}', ']']).next().unwrap_or(value).trim();
    Mistake::Unquoted { thai, fixed: assign(format!("\"{text}\"")) }
}

/// True for a character of the Thai block.
fn is_thai(c: char) -> bool {
    ('\u{0E00}'..='\u{0E7F}').contains(&c)
}

/// `7/5/2567`, `07-05-2024`, `7 พ.ค. 2567`: digits and date separators, with a year.
fn looks_like_date(value: &str) -> bool {
    let digits = value.chars().filter(char::is_ascii_digit).count();
    let first = value.split([' ', ',', '}']).next().unwrap_or("");
    let numeric_date = digits >= 6
        && first.chars().all(|c| c.is_ascii_digit() || c == '/' || c == '-' || c == '.')
        && first.matches(['/', '-', '.']).count() == 2;
    let thai_month = digits >= 4 && value.chars().any(is_thai) && value.contains('.') && value.len() < 40;
    numeric_date || thai_month
}

/// The TOML date (Common Era) for a date written as y-m-d, d/m/y or d-m-y, if it can be read.
fn fix_date(written: &str) -> Option<String> {
    let numbers: Vec<u32> = written
        .split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty())
        .map(|s| s.parse().ok())
        .collect::<Option<_>>()?;
    let [a, b, c] = numbers[..] else { return None };
    let (year, month, day) = if a > 31 { (a, b, c) } else { (c, b, a) };
    let year = if year >= 2400 { year - 543 } else { year };
    chrono::NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day).map(|d| d.format("%Y-%m-%d").to_string())
}

/// Byte range of the line containing `offset`, without its line break.
fn line_around(text: &str, offset: usize) -> Range<usize> {
    let offset = floor_boundary(text, offset);
    let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
    start..end
}

/// The text from `offset` to the end of its line.
fn rest_of_line(text: &str, offset: usize) -> &str {
    let offset = floor_boundary(text, offset);
    let line = &text[offset..];
    line.split('\n').next().unwrap_or(line).trim_end_matches('\r')
}

fn floor_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// The first string in `text` that is never closed: a `"` or `'` string still open at the end
/// of its line, or a `"""` / `'''` string open at the end of the file. Returns the range of its
/// opening quote(s). Comments are skipped; escapes count in `"` strings only.
pub(super) fn first_unclosed_string(text: &str) -> Option<Range<usize>> {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'#' => i = text[i..].find('\n').map_or(bytes.len(), |n| i + n),
            q @ (b'"' | b'\'') if bytes[i..].starts_with(&[q, q, q]) => {
                let close = text[i + 3..].find(if q == b'"' { "\"\"\"" } else { "'''" });
                match close {
                    // A closing run may hold up to two more quotes that belong to the text.
                    Some(n) => i = i + 3 + n + 3 + bytes[i + 6 + n..].iter().take(2).take_while(|&&b| b == q).count(),
                    None => return Some(i..i + 3),
                }
            }
            q @ (b'"' | b'\'') => {
                let mut j = i + 1;
                loop {
                    match bytes.get(j) {
                        None | Some(b'\n') => return Some(i..i + 1),
                        Some(b'\r') if bytes.get(j + 1) == Some(&b'\n') => return Some(i..i + 1),
                        Some(b'\\') if q == b'"' && !matches!(bytes.get(j + 1), None | Some(b'\n')) => j += 2,
                        Some(&b) if b == q => break,
                        Some(_) => j += 1,
                    }
                }
                i = j + 1;
            }
            _ => i += 1,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::super::Source;
    use super::*;

    /// Parses `text` as a pilot.toml and returns (line, column, message, hint) of the error.
    fn error_of(text: &str) -> (usize, usize, String, String) {
        let src = Source::new("content/pilots/x/pilot.toml", text.to_string());
        let d = src.parse_toml::<toml::Table>(&src.text, 0).expect_err("the TOML is broken");
        assert_eq!(d.path, std::path::Path::new("content/pilots/x/pilot.toml"));
        (d.line, d.column, d.message, d.hint.unwrap_or_default())
    }

    const HEAD: &str = "title = { th = \"ชื่อ\", en = \"Name\" }\nprovinces = [\"ลำปาง\"]\nstatus = \"active\"\n";

    #[test]
    fn points_a_missing_closing_quote_at_the_line_where_it_opened() {
        let (line, column, message, hint) =
            error_of(&format!("{HEAD}tambon = {{ th = \"ท่าสาป, en = Tha Sap }}\nstart = 2024-05-07\n"));
        assert_eq!((line, column), (4, 17));
        assert_eq!(message, "the closing quote \" is missing: the text that starts here is never closed");
        assert!(hint.contains("e.g. \"ท่าสาป\""), "{hint}");
    }

    #[test]
    fn points_a_missing_closing_quote_on_the_last_line() {
        let (line, column, ..) = error_of(&format!("{HEAD}summary = \"ยังไม่จบ\n"));
        assert_eq!((line, column), (4, 11));
        let (line, _, message, _) = error_of("a = 1\nb = '''never closed\n\nc = 2\n");
        assert_eq!(line, 2);
        assert!(message.contains("''' here is never closed"), "{message}");
    }

    #[test]
    fn explains_a_missing_comma_in_an_inline_table() {
        let (line, _, message, hint) = error_of(&format!("{HEAD}tambon = {{ th = \"ท่าสาป\" en = \"Tha Sap\" }}\n"));
        assert_eq!(line, 4);
        assert_eq!(message, "a comma is missing between two entries inside { ... }");
        assert!(hint.contains("th = \"...\", en"), "{hint}");
        let (line, _, message, _) = error_of(&format!("{HEAD}issues = [\"haze\" \"water\"]\n"));
        assert_eq!(line, 4);
        assert!(message.contains("list [ ... ]"), "{message}");
    }

    #[test]
    fn explains_a_colon_written_for_equals() {
        let (line, _, message, hint) = error_of(&format!("{HEAD}start: 2024-05-07\n"));
        assert_eq!(line, 4);
        assert_eq!(message, "use = between a key and its value, not :");
        assert_eq!(hint, "write: start = 2024-05-07");
        let (line, _, _, hint) = error_of(&format!("{HEAD}lead = {{ th: \"กรม\" }}\n"));
        assert_eq!(line, 4);
        assert_eq!(hint, "write: lead = { th = \"กรม\" }");
    }

    #[test]
    fn explains_thai_text_without_quotes() {
        let (line, column, message, hint) = error_of(&format!("{HEAD}district = ท่าสาป\n"));
        assert_eq!((line, column), (4, 12));
        assert_eq!(message, "Thai text must be in quotes");
        assert_eq!(hint, "put straight double quotes around it: district = \"ท่าสาป\"");
        let (line, _, message, hint) = error_of("a = 1\nstatus = active\n");
        assert_eq!((line, message.as_str()), (2, "text must be in quotes"));
        assert!(hint.ends_with("status = \"active\""), "{hint}");
    }

    #[test]
    fn explains_curly_quotes_from_a_word_processor() {
        let (line, _, message, hint) = error_of(&format!("{HEAD}summary = “โครงการนำร่อง”\n"));
        assert_eq!(line, 4);
        assert!(message.starts_with("curly quotes “ ” are not quotes"), "{message}");
        assert_eq!(hint, "type straight quotes instead: summary = \"โครงการนำร่อง\"");
        let (line, _, message, hint) = error_of(&format!("{HEAD}lead = {{ th = “กรม”, en = \"Dept\" }}\n"));
        assert_eq!(line, 4);
        assert!(message.starts_with("curly quotes"), "{message}");
        assert!(hint.ends_with("\"กรม\""), "{hint}");
    }

    #[test]
    fn explains_dates_in_other_forms_with_the_common_era_fix() {
        let (line, _, message, hint) = error_of(&format!("{HEAD}start = 7/5/2567\n"));
        assert_eq!(line, 4);
        assert_eq!(message, "`7/5/2567` is not a date namrong can read");
        assert!(hint.contains(": 2024-05-07"), "{hint}");
        let (line, _, _, hint) = error_of(&format!("{HEAD}start = 2567-5-7\n"));
        assert_eq!(line, 4);
        assert!(hint.contains(": 2024-05-07"), "{hint}");
    }

    #[test]
    fn finds_the_first_unclosed_string_but_not_closed_or_commented_ones() {
        assert_eq!(first_unclosed_string("a = \"x\" # don't\nb = 'y'\n"), None);
        let escaped = "a = \"say \\\"hi\\\"\"\nb = \"open\n";
        assert_eq!(first_unclosed_string(escaped), Some(21..22));
        assert_eq!(&escaped[21..], "\"open\n");
        assert_eq!(first_unclosed_string("a = \"\"\"two\nlines\"\"\"\nb = 'x\n"), Some(24..25));
    }
}
