//! `namrong check`: load, validate, check links and render every file through a sink that
//! keeps nothing, so that nothing is written anywhere, not even a cache. Reports every problem
//! and which pilots, updates and pages lack a translation; `--strict` turns missing translations
//! into errors, `--drafts` checks drafts too. Placeholder text from `namrong new` in a file that
//! would be published is an error, as in a build.

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::diagnostics::{Diagnostics, Severity};
use crate::model::{Date, Lang, PerLang, Site};
use crate::output::NullSink;
use crate::{BuildError, Unchecked, emit, load_unchecked};

/// One translatable thing and the languages it is written in.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Translation {
    /// `pilot`, `update` or `page`.
    pub kind: &'static str,
    /// Where it lives, relative to the site root.
    pub path: PathBuf,
    /// Written in Thai.
    pub th: bool,
    /// Written in English.
    pub en: bool,
}

/// The outcome of a check.
#[derive(Debug, Serialize)]
pub struct CheckReport {
    /// Every problem found, sorted by file and line.
    pub diagnostics: Diagnostics,
    /// Number of errors.
    pub errors: usize,
    /// Number of warnings.
    pub warnings: usize,
    /// Translation coverage of every pilot, update and page.
    pub coverage: Vec<Translation>,
}

impl CheckReport {
    /// True when there are no errors.
    pub fn is_clean(&self) -> bool {
        self.errors == 0
    }

    /// Counts of things written in each language, per kind: (kind, total, th, en).
    pub fn coverage_summary(&self) -> Vec<(&'static str, usize, usize, usize)> {
        ["pilot", "update", "page"]
            .into_iter()
            .map(|kind| {
                let items: Vec<_> = self.coverage.iter().filter(|t| t.kind == kind).collect();
                (kind, items.len(), items.iter().filter(|t| t.th).count(), items.iter().filter(|t| t.en).count())
            })
            .collect()
    }

    /// The report as text: diagnostics, then the coverage summary and what lacks a translation.
    pub fn to_text(&self) -> String {
        let mut out = self.diagnostics.to_text();
        out.push_str("translation coverage:\n");
        for (kind, total, th, en) in self.coverage_summary() {
            out.push_str(&format!("  {kind}s: {total}, Thai {th}/{total}, English {en}/{total}\n"));
        }
        for t in self.coverage.iter().filter(|t| !(t.th && t.en)) {
            let missing = if t.th { "English" } else { "Thai" };
            out.push_str(&format!("  missing {missing}: {} ({})\n", t.path.display(), t.kind));
        }
        out.push_str(&format!("{} errors, {} warnings\n", self.errors, self.warnings));
        out
    }

    /// The report as JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("reports always serialize")
    }
}

/// Checks the site at `root` (drafts too when `drafts`). Only usage problems (no site there) are `Err`.
pub fn check(root: &Path, strict: bool, drafts: bool, today: Option<Date>) -> Result<CheckReport, BuildError> {
    let (site, theme, mut diagnostics) = match load_unchecked(root, drafts, None, today) {
        Ok(Unchecked { site, theme, problems, .. }) => (site, theme, problems),
        Err(BuildError::Content(ds)) => (empty_site(), None, ds),
        Err(e) => return Err(e),
    };
    crate::validate::refuse_placeholders(&mut diagnostics);
    if let Some(theme) = &theme
        && !diagnostics.has_errors()
    {
        let prepared = emit::Prepared::new(&site, theme);
        match emit::site(&site, theme, &prepared, root, &NullSink) {
            Ok(_) => {}
            Err(crate::render::RenderError::Content(ds)) => diagnostics.extend(ds.0),
            Err(crate::render::RenderError::Output(e)) => return Err(BuildError::Output(e)),
        }
    }
    if strict {
        for d in &mut diagnostics.0 {
            if d.is_missing_translation() {
                d.severity = Severity::Error;
            }
        }
    }
    diagnostics.sort();
    Ok(CheckReport {
        errors: diagnostics.error_count(),
        warnings: diagnostics.warning_count(),
        coverage: coverage(&site),
        diagnostics,
    })
}

/// A site with nothing in it, for when not even namrong.toml could be read.
fn empty_site() -> Site {
    Site {
        config: crate::config::Config {
            title: Default::default(),
            description: Default::default(),
            base_url: "http://localhost/".into(),
            base_path: "/".into(),
            theme: "default".into(),
            thai_digits: false,
            unsafe_html: false,
            updates_per_page: 20,
            pilots_per_page: 48,
            licence: crate::config::Licence { name: Default::default(), url: String::new() },
            social_cards: false,
            allow_active_assets: false,
            publisher: None,
            calendar_lint: false,
            logo: None,
            logo_alt: Default::default(),
        },
        issues: Vec::new(),
        pilots: Vec::new(),
        pages: Vec::new(),
        assets: Vec::new(),
        words: Default::default(),
    }
}

fn coverage(site: &Site) -> Vec<Translation> {
    let item = |kind, path: String, docs: &PerLang<Option<crate::model::Doc>>| Translation {
        kind,
        path: PathBuf::from(path),
        th: docs.has(Lang::Th),
        en: docs.has(Lang::En),
    };
    let mut out = Vec::new();
    for p in &site.pilots {
        out.push(item("pilot", format!("content/pilots/{}", p.slug), &p.narrative));
        for u in &p.updates {
            out.push(item("update", format!("content/pilots/{}/updates/{}", p.slug, u.stem), &u.body));
        }
    }
    for p in &site.pages {
        out.push(item("page", format!("content/pages/{}", p.name), &p.body));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strict_goes_by_the_kind_of_a_diagnostic_not_its_wording() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/sites/bilingual");
        let today = Some(Date::from_ymd_opt(2026, 1, 1).unwrap());
        let strict = check(&root, true, false, today).unwrap();
        let missing: Vec<_> = strict.diagnostics.iter().filter(|d| d.is_missing_translation()).collect();
        assert!(!missing.is_empty());
        assert!(missing.iter().all(|d| d.is_error()), "--strict makes missing translations errors");
        let lax = check(&root, false, false, today).unwrap();
        assert!(lax.diagnostics.iter().filter(|d| d.is_missing_translation()).all(|d| !d.is_error()));
        assert_eq!(strict.errors, lax.errors + missing.len());
    }
}
