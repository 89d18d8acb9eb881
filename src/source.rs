//! Source files as text: reading them as UTF-8 (naming the first bad byte when they are not,
//! and refusing invisible control characters other than tab and line breaks),
//! splitting TOML front matter off Markdown, parsing TOML into records, and mapping byte offsets
//! back to line and column for diagnostics. What the records mean is left to `load`.

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use serde::de::DeserializeOwned;

use crate::diagnostics::Diagnostic;

/// The content folder's name under the site root.
pub const CONTENT_DIR: &str = "content";

mod encoding;
mod toml_mistakes;

/// The text of one source file and the path to show in messages.
#[derive(Debug, Clone)]
pub struct Source {
    /// Path shown in diagnostics (relative to the site root).
    pub path: PathBuf,
    /// The whole file, without a byte-order mark.
    pub text: String,
    /// Byte offsets of the starts of lines, built on first use, so that a file with thousands
    /// of problems (2,000 issues each missing a name) is not rescanned from its start for each.
    line_starts: OnceLock<LineStarts>,
}

/// Where lines start in a text of `len` bytes.
#[derive(Debug, Clone)]
struct LineStarts {
    len: usize,
    starts: Vec<usize>,
}

/// Where a byte offset falls in a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location<'a> {
    /// 1-based line.
    pub line: usize,
    /// 1-based column in characters.
    pub column: usize,
    /// The text of that line, without its line break.
    pub text: &'a str,
}

/// A Markdown file split into its optional front matter and its body.
#[derive(Debug, Clone, Copy)]
pub struct Split<'a> {
    /// The TOML between the `+++` lines and its byte offset in the file.
    pub front: Option<(&'a str, usize)>,
    /// The Markdown after the front matter and its byte offset in the file.
    pub body: &'a str,
    /// Byte offset of `body` in the file.
    pub body_offset: usize,
}

impl Source {
    /// Wraps text already in memory.
    pub fn new(path: impl Into<PathBuf>, text: String) -> Self {
        Source { path: path.into(), text, line_starts: OnceLock::new() }
    }

    /// Reads `root/rel` as UTF-8; `rel` is the path shown in messages. Symbolic links anywhere
    /// below `root` are refused (see `nofollow`).
    pub fn read(root: &Path, rel: &Path) -> Result<Source, Diagnostic> {
        let bytes = crate::nofollow::read(root, rel)?;
        Self::from_bytes(rel, bytes)
    }

    /// Decodes bytes as UTF-8, reporting the line and byte offset of the first invalid sequence.
    pub fn from_bytes(rel: &Path, bytes: Vec<u8>) -> Result<Source, Diagnostic> {
        match String::from_utf8(bytes) {
            Ok(mut text) => {
                if text.starts_with('\u{feff}') {
                    text.drain(..3);
                }
                let source = Source::new(rel, text);
                match find_control(&source.text) {
                    Some(offset) => Err(control_error(&source, offset)),
                    None => Ok(source),
                }
            }
            Err(e) => {
                if let Some(d) = encoding::legacy_thai_error(rel, e.as_bytes()) {
                    return Err(d);
                }
                let offset = e.utf8_error().valid_up_to();
                let bytes = e.into_bytes();
                let before = String::from_utf8_lossy(&bytes[..offset]).into_owned();
                let lossy = Source::new(rel, String::from_utf8_lossy(&bytes).into_owned());
                let line = before.matches('\n').count() + 1;
                Err(Diagnostic::error(rel, format!("this file is not valid UTF-8 text (bad byte at offset {offset})"))
                    .at_line(&lossy, line)
                    .hint("save the file as UTF-8 (in most editors: Save As, Encoding: UTF-8)"))
            }
        }
    }

    /// Line, column and line text of a byte offset (clamped to the file).
    pub fn locate(&self, offset: usize) -> Location<'_> {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let (line, start) = match self.line_starts() {
            Some(starts) => {
                let i = starts.partition_point(|&s| s <= offset) - 1;
                (i + 1, starts[i])
            }
            None => {
                let start = self.text[..offset].rfind('\n').map_or(0, |i| i + 1);
                (self.text[..start].matches('\n').count() + 1, start)
            }
        };
        let end = self.text[offset..].find('\n').map_or(self.text.len(), |i| offset + i);
        let column = self.text[start..offset].chars().count() + 1;
        Location { line, column, text: self.text[start..end].trim_end_matches('\r') }
    }

    /// Byte offset of the start of a 1-based line (the end of the file past the last line).
    pub fn line_offset(&self, line: usize) -> usize {
        if line <= 1 {
            return 0;
        }
        match self.line_starts() {
            Some(starts) => starts.get(line - 1).copied().unwrap_or(self.text.len()),
            None => self.text.match_indices('\n').nth(line - 2).map_or(self.text.len(), |(i, _)| i + 1),
        }
    }

    /// The line starts of `text`, or `None` if `text` changed since they were counted.
    fn line_starts(&self) -> Option<&[usize]> {
        let index = self.line_starts.get_or_init(|| LineStarts {
            len: self.text.len(),
            starts: std::iter::once(0).chain(self.text.match_indices('\n').map(|(i, _)| i + 1)).collect(),
        });
        (index.len == self.text.len()).then_some(index.starts.as_slice())
    }

    /// Splits `+++` front matter off a Markdown file. Front matter must start on the first line.
    pub fn split_front_matter(&self) -> Result<Split<'_>, Diagnostic> {
        let text = self.text.as_str();
        let first_len = match text.find('\n') {
            Some(i) => i + 1,
            None => text.len(),
        };
        if text[..first_len].trim_end() != "+++" {
            return Ok(Split { front: None, body: text, body_offset: 0 });
        }
        let mut pos = first_len;
        while pos < text.len() {
            let end = text[pos..].find('\n').map_or(text.len(), |i| pos + i + 1);
            if text[pos..end].trim_end() == "+++" {
                return Ok(Split {
                    front: Some((&text[first_len..pos], first_len)),
                    body: &text[end..],
                    body_offset: end,
                });
            }
            pos = end;
        }
        Err(Diagnostic::error(&self.path, "front matter opened with +++ is never closed")
            .at(self, 0..3)
            .hint("add a line with only +++ after the front matter, before the text"))
    }

    /// Parses TOML (the whole file, or a slice of it starting at `offset`) into a record.
    pub fn parse_toml<T: DeserializeOwned>(&self, toml_text: &str, offset: usize) -> Result<T, Diagnostic> {
        toml::from_str(toml_text).map_err(|e| self.toml_error(&e, toml_text, offset))
    }

    /// Turns a TOML error into a diagnostic that points at the right place and explains it.
    /// Syntax mistakes are recognised first (an unclosed quote moves the position back to the
    /// line where the quote opened); errors about the values keep the parser's position.
    fn toml_error(&self, e: &toml::de::Error, toml_text: &str, offset: usize) -> Diagnostic {
        let span = e.span().unwrap_or(0..0);
        let raw = e.message().trim();
        let (message, hint, span) = match toml_mistakes::recognise(toml_text, span.clone(), raw) {
            Some((mistake, at)) => {
                let (message, hint) = mistake.explain();
                (message, Some(hint), at)
            }
            None => {
                let (message, hint) = explain_toml_message(raw);
                (message, hint, span)
            }
        };
        let mut d = Diagnostic::error(&self.path, message).at(self, span.start + offset..span.end + offset);
        if let Some(h) = hint {
            d = d.hint(h);
        }
        d
    }
}

/// Rewrites serde/toml messages into editor-friendly ones, with "did you mean" for unknown keys.
fn explain_toml_message(raw: &str) -> (String, Option<String>) {
    if let Some(rest) = raw.strip_prefix("unknown field `") {
        let (field, expected) = rest.split_once('`').unwrap_or((rest, ""));
        let known: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
        let hint = match crate::suggest::closest(field, known.iter().copied()) {
            Some(best) => format!("did you mean `{best}`? Known keys here: {}", known.join(", ")),
            None => format!("known keys here: {}", known.join(", ")),
        };
        return (format!("unknown key `{field}`"), Some(hint));
    }
    if raw.contains("invalid type") || raw.starts_with("expected") || raw.contains("invalid value") {
        return (
            format!("wrong kind of value: {}", raw.replace("invalid type: ", "")),
            Some(
                "check the quotes: text needs \"...\", dates are written 2024-05-07 without quotes, lists use [ ... ]"
                    .into(),
            ),
        );
    }
    if raw.contains("duplicate key") {
        return (raw.to_string(), Some("each key may appear only once in a table".into()));
    }
    (format!("malformed TOML: {raw}"), Some("see https://toml.io for the syntax; text values need \"quotes\"".into()))
}

/// Byte offset of the first control character other than tab, line feed and carriage return
/// (U+0000 to U+001F): invisible, they break XML feeds and pictures and reach page metadata.
pub fn find_control(text: &str) -> Option<usize> {
    text.bytes().position(|b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r'))
}

/// The error for the control character at `offset`, with its line and how many there are.
fn control_error(source: &Source, offset: usize) -> Diagnostic {
    let byte = source.text.as_bytes()[offset];
    let count = source.text.bytes().filter(|&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r')).count();
    let name = match byte {
        0 => " (NUL)",
        8 => " (backspace)",
        0x0b => " (vertical tab)",
        0x0c => " (form feed)",
        _ => "",
    };
    let more = if count > 1 { format!("; this file has {count} of them") } else { String::new() };
    let mut d =
        Diagnostic::error(&source.path, format!("invisible control character U+{byte:04X}{name} in the text{more}"))
            .at(source, offset..offset + 1)
            .hint("delete the invisible character, often pasted from a word processor: retype the text around the marker, or paste it as plain text");
    // Shown as its picture (␋), so the terminal shows the line as it is instead of obeying it.
    d.source_line = d.source_line.map(|l| {
        l.chars()
            .map(|c| if c < ' ' && c != '\t' { char::from_u32(0x2400 + c as u32).unwrap_or('?') } else { c })
            .collect()
    });
    d
}

/// Normalises a relative path made of `/`-separated parts, resolving `.` and `..`.
/// Returns `None` when the path climbs above its start.
pub fn normalize(parts: impl IntoIterator<Item = impl AsRef<str>>) -> Option<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for part in parts {
        match part.as_ref() {
            "" | "." => {}
            ".." => {
                out.pop()?;
            }
            p => out.push(p.to_string()),
        }
    }
    Some(out)
}

/// Byte range of the first occurrence of `needle` in `text` at or after `from`, else `from..from`.
pub fn find_span(text: &str, needle: &str, from: usize) -> Range<usize> {
    match text.get(from..).and_then(|t| t.find(needle)) {
        Some(i) => from + i..from + i + needle.len(),
        None => from..from,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_front_matter_with_offsets() {
        let src = Source::new("u.md", "+++\ntitle = \"x\"\n+++\nbody\n".into());
        let split = src.split_front_matter().unwrap();
        assert_eq!(split.front, Some(("title = \"x\"\n", 4)));
        assert_eq!(split.body, "body\n");
        assert_eq!(split.body_offset, 20);
    }

    #[test]
    fn reports_unclosed_front_matter() {
        let src = Source::new("u.md", "+++\ntitle = \"x\"\nbody\n".into());
        let err = src.split_front_matter().unwrap_err();
        assert!(err.message.contains("never closed"), "{err}");
        assert_eq!(err.line, 1);
    }

    #[test]
    fn names_the_offset_of_invalid_utf8() {
        let err = Source::from_bytes(Path::new("a.md"), b"ok\nab\xffcd".to_vec()).unwrap_err();
        assert!(err.message.contains("offset 5"), "{err}");
        assert_eq!(err.line, 2);
    }

    #[test]
    fn refuses_control_characters_with_their_line() {
        for (text, line) in [("a\nb\u{b}c\n", 2), ("\u{c}", 1), ("x\n\ny\0", 3), ("a\u{8}\u{8}", 1)] {
            let err = Source::from_bytes(Path::new("a.md"), text.as_bytes().to_vec()).unwrap_err();
            assert_eq!(err.line, line, "{err}");
            assert!(err.message.contains("control character"), "{err}");
            assert!(err.hint.as_deref().unwrap().contains("delete the invisible character"), "{err}");
        }
        let err = Source::from_bytes(Path::new("a.md"), b"a\x0bb\x0c".to_vec()).unwrap_err();
        assert!(err.message.contains("U+000B (vertical tab)") && err.message.contains("2 of them"), "{err}");
        assert!(Source::from_bytes(Path::new("a.md"), b"tab\there\r\nok\n".to_vec()).is_ok());
    }

    #[test]
    fn locates_offsets_and_lines() {
        let src = Source::new("a.md", "ab\nก\n\nxyz".into());
        let at = |o| {
            let l = src.locate(o);
            (l.line, l.column, l.text)
        };
        assert_eq!(at(0), (1, 1, "ab"));
        assert_eq!(at(2), (1, 3, "ab"));
        assert_eq!(at(3), (2, 1, "ก"));
        assert_eq!(at(4), (2, 1, "ก"), "inside a character: its start");
        assert_eq!(at(7), (3, 1, ""));
        assert_eq!(at(9), (4, 2, "xyz"));
        assert_eq!(at(99), (4, 4, "xyz"));
        assert_eq!((src.line_offset(1), src.line_offset(2), src.line_offset(4), src.line_offset(9)), (0, 3, 8, 11));
    }

    #[test]
    fn normalizes_relative_paths() {
        assert_eq!(normalize(["pilots", "a", "..", "b", "."]), Some(vec!["pilots".into(), "b".into()]));
        assert_eq!(normalize(["..", "x"]), None);
    }

    #[test]
    fn suggests_near_keys() {
        let (msg, hint) = explain_toml_message("unknown field `stauts`, expected one of `title`, `status`, `start`");
        assert_eq!(msg, "unknown key `stauts`");
        assert!(hint.unwrap().contains("did you mean `status`"));
    }
}
