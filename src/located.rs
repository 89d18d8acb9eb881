//! Pointing a diagnostic at a place in a source file: the line, the column (counted in
//! characters, so Thai lines up) and the text of the line to show under the message. It sits
//! between `diagnostics` (which knows nothing of files) and `source` (which reads them).

use std::ops::Range;

use crate::diagnostics::Diagnostic;
use crate::source::Source;

impl Diagnostic {
    /// Points the problem at a byte range of `source`.
    pub fn at(mut self, source: &Source, span: Range<usize>) -> Self {
        let loc = source.locate(span.start);
        self.line = loc.line;
        self.column = loc.column;
        let end = span.end.clamp(span.start, span.start + loc.text.len() + 1);
        let width = source.text.get(span.start..end).map_or(1, |s| s.lines().next().unwrap_or("").chars().count());
        self.width = width.max(1);
        self.source_line = Some(loc.text.to_string());
        self
    }

    /// Points the problem at the start of a 1-based line of `source`.
    pub fn at_line(self, source: &Source, line: usize) -> Self {
        let offset = source.line_offset(line);
        self.at(source, offset..offset)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shows_path_line_column_marker_and_hint() {
        let src = Source::new("content/x/pilot.toml", "a = 1\nstatus = \"actve\"\n".into());
        let d = Diagnostic::error(&src.path, "unknown status").at(&src, 15..22).hint("use active");
        let text = d.to_string();
        assert_eq!(
            text,
            "content/x/pilot.toml:2:10: error: unknown status\n  |\n2 | status = \"actve\"\n  |          ^^^^^^^\n  = hint: use active"
        );
    }

    #[test]
    fn columns_count_thai_characters_not_bytes() {
        let src = Source::new("a.toml", "t = \"ลำปาง\" x\n".into());
        let offset = src.text.find('x').unwrap();
        let d = Diagnostic::error("a.toml", "m").at(&src, offset..offset + 1);
        assert_eq!((d.line, d.column), (1, 13));
    }
}
