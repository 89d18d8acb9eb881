//! Problems found in a site's sources: one `Diagnostic` per problem, with the file, line and
//! column it points at, the offending source line and, where we know one, a hint at the fix.
//! Loaders and validators push into a `Diagnostics` list and carry on, so one run reports every
//! problem. This module also owns the two ways of showing them: plain text for a terminal and
//! JSON for editors and CI. It knows nothing about what the files mean, nor how to read them
//! (pointing a diagnostic at a line of a source file is in `located`).

use std::fmt;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::lang::Lang;

/// How bad a problem is: errors stop a build, warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The site cannot be built until this is fixed.
    Error,
    /// Worth a look; the build goes on.
    Warning,
}

/// What sort of problem a diagnostic is, so that callers never tell them apart by wording.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// Something wrong in the site's sources (the default).
    #[default]
    Content,
    /// A text written in one language only (`check --strict` makes these errors).
    MissingTranslation,
    /// A template failed to render.
    Template,
    /// A file could not be read or written.
    Output,
}

/// One problem in one place.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// What sort of problem it is.
    pub kind: Kind,
    /// The file, relative to the site root when it is inside it.
    pub path: PathBuf,
    /// 1-based line; 0 when the problem is about the whole file.
    pub line: usize,
    /// 1-based column, counted in characters (so Thai text lines up).
    pub column: usize,
    /// What is wrong, in one sentence.
    pub message: String,
    /// How to fix it, when we can tell.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
    /// The source line the problem is on, for showing with a marker.
    #[serde(skip)]
    pub source_line: Option<String>,
    /// How many characters to underline, at least one.
    #[serde(skip)]
    pub width: usize,
}

impl Diagnostic {
    /// A problem about a whole file (no line known).
    pub fn new(severity: Severity, path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity,
            kind: Kind::Content,
            path: path.into(),
            line: 0,
            column: 0,
            message: message.into(),
            hint: None,
            source_line: None,
            width: 1,
        }
    }

    /// An error about a whole file.
    pub fn error(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Self::new(Severity::Error, path, message)
    }

    /// A warning about a whole file.
    pub fn warning(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Self::new(Severity::Warning, path, message)
    }

    /// Sets what sort of problem it is.
    pub fn with_kind(mut self, kind: Kind) -> Self {
        self.kind = kind;
        self
    }

    /// Adds a hint at the fix.
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// True for errors.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// True for a text written in one language only.
    pub fn is_missing_translation(&self) -> bool {
        self.kind == Kind::MissingTranslation
    }
}

impl Diagnostic {
    /// The problem as text with its message and hint in `lang` (see [`crate::messages`]).
    pub fn to_text_in(&self, lang: Lang) -> String {
        let mut out = String::new();
        let _ = self.write_in(&mut out, lang);
        out
    }

    /// `path:line:col: error: message`, the source line with a marker, then the hint.
    fn write_in(&self, f: &mut impl fmt::Write, lang: Lang) -> fmt::Result {
        let kind = match (self.severity, lang) {
            (Severity::Error, Lang::En) => "error",
            (Severity::Warning, Lang::En) => "warning",
            (Severity::Error, Lang::Th) => "ข้อผิดพลาด",
            (Severity::Warning, Lang::Th) => "คำเตือน",
        };
        let path = self.path.display();
        let message = crate::messages::localize(&self.message, lang);
        if self.line > 0 {
            write!(f, "{path}:{}:{}: {kind}: {message}", self.line, self.column.max(1))?;
        } else {
            write!(f, "{path}: {kind}: {message}")?;
        }
        if let Some(text) = &self.source_line {
            let gutter = self.line.to_string();
            let pad = " ".repeat(gutter.len());
            let shown: String = text.chars().map(|c| if c == '\t' { ' ' } else { c }).collect();
            write!(f, "\n{pad} |\n{gutter} | {shown}\n{pad} | ")?;
            let mut marker = " ".repeat(self.column.saturating_sub(1));
            marker.push_str(&"^".repeat(self.width));
            f.write_str(&marker)?;
        }
        if let Some(hint) = &self.hint {
            let label = if lang == Lang::Th { "วิธีแก้" } else { "hint" };
            write!(f, "\n  = {label}: {}", crate::messages::localize(hint, lang))?;
        }
        Ok(())
    }
}

impl fmt::Display for Diagnostic {
    /// `path:line:col: error: message`, the source line with a marker, then the hint.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write_in(f, Lang::En)
    }
}

/// Every problem found in one run, in the order they were found until `sort` is called.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    /// An empty list.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one problem.
    pub fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }

    /// Adds many problems.
    pub fn extend(&mut self, other: impl IntoIterator<Item = Diagnostic>) {
        self.0.extend(other);
    }

    /// True when at least one problem is an error.
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(Diagnostic::is_error)
    }

    /// Number of errors.
    pub fn error_count(&self) -> usize {
        self.0.iter().filter(|d| d.is_error()).count()
    }

    /// Number of warnings.
    pub fn warning_count(&self) -> usize {
        self.0.len() - self.error_count()
    }

    /// True when there is nothing to report.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Iterates over the problems.
    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter()
    }

    /// Orders problems by file, then line, so output is stable whatever the thread timing.
    pub fn sort(&mut self) {
        self.0.sort_by(|a, b| {
            (&a.path, a.line, a.column, a.severity, &a.message)
                .cmp(&(&b.path, b.line, b.column, b.severity, &b.message))
        });
        self.0.dedup();
    }

    /// All problems as text, one block each, separated by blank lines.
    pub fn to_text(&self) -> String {
        self.to_text_in(Lang::En)
    }

    /// All problems as text with messages in `lang`.
    pub fn to_text_in(&self, lang: Lang) -> String {
        let mut out = String::new();
        for d in &self.0 {
            let _ = d.write_in(&mut out, lang);
            out.push_str("\n\n");
        }
        out
    }

    /// All problems as a JSON array.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(&self.0).expect("diagnostics always serialize")
    }

    /// All problems as JSON values. `message` and `hint` stay in English (tools match on them);
    /// with Thai messages each problem also has `message_th` (and `hint_th`).
    pub fn to_json_value_in(&self, lang: Lang) -> serde_json::Value {
        let mut value = serde_json::to_value(&self.0).expect("diagnostics always serialize");
        if lang == Lang::Th
            && let Some(items) = value.as_array_mut()
        {
            for (item, d) in items.iter_mut().zip(&self.0) {
                let Some(obj) = item.as_object_mut() else { continue };
                obj.insert("message_th".into(), crate::messages::localize(&d.message, lang).into());
                if let Some(h) = &d.hint {
                    obj.insert("hint_th".into(), crate::messages::localize(h, lang).into());
                }
            }
        }
        value
    }

    /// Makes paths relative to `root` where they are inside it.
    pub fn relativize(&mut self, root: &Path) {
        for d in &mut self.0 {
            if let Ok(rel) = d.path.strip_prefix(root) {
                d.path = rel.to_path_buf();
            }
        }
    }
}

impl From<Diagnostic> for Diagnostics {
    fn from(d: Diagnostic) -> Self {
        Diagnostics(vec![d])
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_text())
    }
}

impl std::error::Error for Diagnostics {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_by_file_then_line() {
        let mut ds = Diagnostics::new();
        let mut b = Diagnostic::error("b", "x");
        b.line = 1;
        let mut a2 = Diagnostic::error("a", "y");
        a2.line = 2;
        let mut a1 = Diagnostic::warning("a", "z");
        a1.line = 1;
        ds.extend([b, a2, a1]);
        ds.sort();
        let order: Vec<_> = ds.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(order, ["z", "y", "x"]);
    }
}
