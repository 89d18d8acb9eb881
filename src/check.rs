//! `namrong check`: load, validate, check links and render every page in memory, writing
//! nothing. Reports every problem and which pilots, updates and pages lack a translation;
//! `--strict` turns missing translations into errors.

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::diagnostics::{Diagnostics, Severity};
use crate::model::{Date, Lang, PerLang, Site};
use crate::render::{Body, Renderer, Sink};
use crate::{BuildError, load_unchecked};

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

/// Checks the site at `root`. Only usage problems (no site there) are `Err`.
pub fn check(root: &Path, strict: bool, today: Option<Date>) -> Result<CheckReport, BuildError> {
    let (site, theme, mut diagnostics) = match load_unchecked(root, false, None, today) {
        Ok(loaded) => loaded,
        Err(BuildError::Content(ds)) => (empty_site(), None, ds),
        Err(e) => return Err(e),
    };
    if let Some(theme) = &theme
        && !diagnostics.has_errors()
    {
        let view = crate::render::View::new(&site, &theme.labels);
        let mut renderer = Renderer::new(&site, theme, &view, root, None);
        renderer.add_sitemap();
        if let Err(ds) = renderer.render_all(&renderer.jobs(), &NullSink) {
            diagnostics.extend(ds.0);
        }
    }
    if strict {
        for d in &mut diagnostics.0 {
            if d.message.starts_with("missing translation") || d.message.starts_with("missing description") {
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
            publish_original_images: false,
        },
        issues: Vec::new(),
        pilots: Vec::new(),
        pages: Vec::new(),
        assets: Vec::new(),
        photos: Vec::new(),
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

/// Discards rendered files: `check` renders only to find template errors.
struct NullSink;

impl Sink for NullSink {
    fn put(&self, _path: &str, body: Body) -> std::io::Result<u64> {
        Ok(match body {
            Body::Bytes(b) => b.len() as u64,
            Body::Builtin(b) => b.len() as u64,
            Body::File(_) => 0,
        })
    }
}
