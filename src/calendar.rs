//! The calendar lint: Thai readers expect Buddhist-Era years (พ.ศ.) in Thai text and English
//! readers Common-Era years, so a year from the other calendar is a warning naming the file and
//! line, with the year converted. A year marked with its era (`ค.ศ. 2024`, `B.E. 2567`) is left
//! alone, as are URLs, code, link targets and TOML dates (which are always Common Era).
//! `calendar_lint = false` in namrong.toml turns it off; `validate` decides when it runs.
//!
//! The messages are written in [`warning`], in one place, so they can be translated.

use std::ops::Range;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::model::Lang;
use crate::source::Source;

/// Years 1900-2100 in Thai text are taken for Common-Era years.
const CE_YEARS: Range<u32> = 1900..2101;
/// Years 2400-2600 in English text are taken for Buddhist-Era years.
const BE_YEARS: Range<u32> = 2400..2601;
/// The difference between the two calendars.
const BE_OFFSET: u32 = 543;

/// Checks a Markdown file written in `lang`: its body and the text values of its front matter.
pub fn lint_markdown(source: &Source, lang: Lang, problems: &mut Diagnostics) {
    let mut in_front = source.text.starts_with("+++");
    let mut in_fence = false;
    let mut offset = 0;
    for (n, line) in source.text.split_inclusive('\n').enumerate() {
        let trimmed = line.trim();
        if n > 0 && in_front && trimmed == "+++" {
            in_front = false;
        } else if in_front {
            // Only quoted text in front matter: `date = 2024-09-25` is a TOML date.
            for span in quoted_strings(line) {
                lint_text(source, lang, offset + span.start, &line[span], problems);
            }
        } else if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            in_fence = !in_fence;
        } else if !in_fence {
            lint_text(source, lang, offset, line, problems);
        }
        offset += line.len();
    }
}

/// Checks the `th = "..."` and `en = "..."` texts of a TOML file such as pilot.toml.
pub fn lint_toml(source: &Source, problems: &mut Diagnostics) {
    let mut offset = 0;
    for line in source.text.split_inclusive('\n') {
        if !line.trim_start().starts_with('#') {
            for lang in Lang::ALL {
                let key = format!("{} = \"", lang.code());
                let mut from = 0;
                while let Some(i) = line[from..].find(&key) {
                    let start = from + i + key.len();
                    let end = line[start..].find('"').map_or(line.len(), |j| start + j);
                    lint_text(source, lang, offset + start, &line[start..end], problems);
                    from = end;
                }
            }
        }
        offset += line.len();
    }
}

/// Byte ranges of the insides of `"..."` strings on a TOML line (no escapes needed for years).
fn quoted_strings(line: &str) -> Vec<Range<usize>> {
    let code = line.split(" #").next().unwrap_or(line);
    let quotes: Vec<usize> = code.match_indices('"').map(|(i, _)| i).collect();
    quotes.chunks_exact(2).map(|q| q[0] + 1..q[1]).collect()
}

/// Checks one piece of text starting at byte `at` of the file.
fn lint_text(source: &Source, lang: Lang, at: usize, text: &str, problems: &mut Diagnostics) {
    let skip = skipped(text);
    for (span, year) in years(text) {
        if skip.iter().any(|s| s.start <= span.start && span.end <= s.end) {
            continue;
        }
        let before = text[..span.start].trim_end();
        let wrong = match lang {
            Lang::Th => CE_YEARS.contains(&year) && !marks_common_era(before),
            Lang::En => BE_YEARS.contains(&year) && !marks_buddhist_era(before),
        };
        if wrong {
            let said_year = before.ends_with("ปี");
            problems.push(warning(source, lang, year, said_year, at + span.start..at + span.end));
        }
    }
}

/// The warning for `year` found in text written in `lang`.
fn warning(source: &Source, lang: Lang, year: u32, said_year: bool, span: Range<usize>) -> Diagnostic {
    let (message, hint) = match lang {
        Lang::Th => {
            let be = year + BE_OFFSET;
            let (from, to) = if said_year {
                (format!("ปี {year}"), format!("ปี {be}"))
            } else {
                (year.to_string(), be.to_string())
            };
            (
                format!("the year {year} in Thai text looks like a Common-Era year: {from} → {to}"),
                format!(
                    "Thai readers expect Buddhist-Era years (พ.ศ.): write {be}; if the Common-Era year is meant \
                     (e.g. quoting a source), write ค.ศ. {year}. To turn this check off: calendar_lint = false in namrong.toml"
                ),
            )
        }
        Lang::En => {
            let ce = year - BE_OFFSET;
            (
                format!("the year {year} in English text looks like a Buddhist-Era year: {year} → {ce}"),
                format!(
                    "English readers expect Common-Era years: write {ce}; if the Buddhist-Era year is meant, \
                     write B.E. {year}. To turn this check off: calendar_lint = false in namrong.toml"
                ),
            )
        }
    };
    Diagnostic::warning(&source.path, message).at(source, span).hint(hint)
}

/// True when the text before a year names the Common Era (ค.ศ., คศ., CE, AD).
fn marks_common_era(before: &str) -> bool {
    ["ค.ศ.", "ค.ศ", "คศ.", "คศ", "CE", "C.E.", "AD", "A.D."].iter().any(|m| before.ends_with(m))
}

/// True when the text before a year names the Buddhist Era (B.E., BE, พ.ศ.).
fn marks_buddhist_era(before: &str) -> bool {
    ["B.E.", "BE", "พ.ศ.", "พ.ศ", "BE.", "Buddhist Era"].iter().any(|m| before.ends_with(m))
}

/// Four-digit numbers standing alone in `text`: not part of a longer number, a word, a path, a
/// decimal, a thousands group, a time or an ISO date (2024-05-07, which is always Common Era).
fn years(text: &str) -> Vec<(Range<usize>, u32)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        if i - start != 4 {
            continue;
        }
        let prev = start.checked_sub(1).map(|p| bytes[p]);
        let next = bytes.get(i).copied();
        let after_next = bytes.get(i + 1).copied();
        let glued_before = prev.is_some_and(|b| b.is_ascii_alphabetic() || b"/_.:,#@=-".contains(&b));
        let glued_after = next.is_some_and(|b| b.is_ascii_alphabetic() || b"/_@=".contains(&b))
            || (next.is_some_and(|b| b"-.:,".contains(&b)) && after_next.is_some_and(|b| b.is_ascii_digit()));
        if glued_before || glued_after {
            continue;
        }
        if let Ok(year) = text[start..i].parse() {
            out.push((start..i, year));
        }
    }
    out
}

/// Parts of a Markdown line that are not prose: code spans, link targets, URLs and HTML tags.
fn skipped(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut pairs = |open: &str, close: char| {
        let mut from = 0;
        while let Some(i) = text[from..].find(open) {
            let start = from + i;
            let inner = start + open.len();
            let end = text[inner..].find(close).map_or(text.len(), |j| inner + j + 1);
            out.push(start..end);
            from = end;
        }
    };
    pairs("`", '`');
    pairs("](", ')');
    pairs("<", '>');
    let mut at = 0;
    for word in text.split_inclusive(char::is_whitespace) {
        if word.contains("://") || word.starts_with("www.") {
            out.push(at..at + word.len());
        }
        at += word.len();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lint(path: &str, text: &str, lang: Lang) -> Vec<String> {
        let source = Source::new(path, text.to_string());
        let mut problems = Diagnostics::new();
        if path.ends_with(".toml") {
            lint_toml(&source, &mut problems);
        } else {
            lint_markdown(&source, lang, &mut problems);
        }
        problems.iter().map(|d| format!("{}:{}:{}: {}", d.path.display(), d.line, d.column, d.message)).collect()
    }

    #[test]
    fn warns_about_common_era_years_in_thai_text_with_the_buddhist_era_year() {
        let got = lint("th.md", "ก่อนหน้า\nเริ่มในปี 2024 และ (2024–2027)\n", Lang::Th);
        assert_eq!(
            got,
            [
                "th.md:2:11: the year 2024 in Thai text looks like a Common-Era year: ปี 2024 → ปี 2567",
                "th.md:2:21: the year 2024 in Thai text looks like a Common-Era year: 2024 → 2567",
                "th.md:2:26: the year 2027 in Thai text looks like a Common-Era year: 2027 → 2570",
            ]
        );
    }

    #[test]
    fn accepts_marked_common_era_years_buddhist_years_and_non_years() {
        let text = "+++\ntitle = \"ปี 2567\"\ndate = 2024-09-25\n+++\nค.ศ. 2024 หรือ ค.ศ.2024, พ.ศ. 2567, 1,950 คน, 12.2024, \
                    `2024`, [ลิงก์](https://x.org/2024/a), https://x.org/2024 เวลา 20.30 น. 2024-05-07 ห้อง 204\n\
                    ```\n2024\n```\n";
        assert_eq!(lint("th.md", text, Lang::Th), Vec::<String>::new());
    }

    #[test]
    fn checks_front_matter_titles_and_pilot_toml_texts() {
        assert_eq!(
            lint("u.th.md", "+++\ntitle = \"ประชุมปี 2023\"\n+++\n", Lang::Th),
            ["u.th.md:2:19: the year 2023 in Thai text looks like a Common-Era year: ปี 2023 → ปี 2566"]
        );
        let toml = "title = { th = \"แผนปี 2024\", en = \"Plan for 2024\" }\nstart = 2024-05-07\n# th = \"2024\"\nsummary = { th = \"ปี 2567\", en = \"since 2567\" }\n";
        assert_eq!(
            lint("pilot.toml", toml, Lang::Th),
            [
                "pilot.toml:1:23: the year 2024 in Thai text looks like a Common-Era year: ปี 2024 → ปี 2567",
                "pilot.toml:4:41: the year 2567 in English text looks like a Buddhist-Era year: 2567 → 2024",
            ]
        );
    }

    #[test]
    fn warns_about_buddhist_era_years_in_english_text() {
        assert_eq!(
            lint("en.md", "In 2567 the province, and in 2024 (B.E. 2567) again.\n", Lang::En),
            ["en.md:1:4: the year 2567 in English text looks like a Buddhist-Era year: 2567 → 2024"]
        );
    }
}
