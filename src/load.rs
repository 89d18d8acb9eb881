//! Reading content/ from disk: walks the folders, reads every file as UTF-8, splits front matter
//! and parses TOML into the shapes of `records`, in parallel across pilots. It checks only what
//! it needs to read safely (folder and file names); meaning is checked by `validate`.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::model::Lang;
use crate::nofollow::{self, Kind};
use crate::records::{IssueRecord, PilotRecord};
use crate::source::Source;

pub use crate::source::CONTENT_DIR;

/// The tables of issues.toml in file order, with the text they came from.
pub type IssueTables = (Source, Vec<(String, toml::Spanned<IssueRecord>)>);

/// A Markdown file read from disk, not yet rendered.
#[derive(Debug, Clone)]
pub struct RawDoc {
    /// The whole file.
    pub source: Source,
    /// The front matter TOML and its byte offset, when present.
    pub front: Option<(String, usize)>,
    /// Byte offset where the Markdown body starts.
    pub body_offset: usize,
    /// The language it is written in.
    pub lang: Lang,
}

impl RawDoc {
    /// The Markdown body.
    pub fn body(&self) -> &str {
        &self.source.text[self.body_offset..]
    }
}

/// An update file pair as read.
#[derive(Debug, Clone)]
pub struct RawUpdate {
    /// `2024-09-25-workshop`.
    pub stem: String,
    /// The date written in the file name, if it parses.
    pub name_date: Option<String>,
    /// The files, per language.
    pub docs: Vec<RawDoc>,
}

/// A pilot folder as read.
#[derive(Debug, Clone)]
pub struct RawPilot {
    /// The folder name.
    pub slug: String,
    /// pilot.toml's text.
    pub source: Source,
    /// pilot.toml parsed; `None` when it has errors (its other files are still checked).
    pub record: Option<PilotRecord>,
    /// th.md and en.md.
    pub narratives: Vec<RawDoc>,
    /// Update files, grouped by stem.
    pub updates: Vec<RawUpdate>,
    /// Other files, relative to content/.
    pub assets: Vec<String>,
    /// The raster images among `assets`, described from their headers.
    pub photos: Vec<crate::images::Photo>,
    /// Narrative and update files that are there but could not be read (already reported), so
    /// no "missing translation" follows.
    pub unreadable: Vec<PathBuf>,
}

/// A free page's files as read.
#[derive(Debug, Clone)]
pub struct RawPage {
    /// `about`.
    pub name: String,
    /// The files, per language.
    pub docs: Vec<RawDoc>,
}

/// Everything read from content/.
#[derive(Debug, Clone, Default)]
pub struct RawContent {
    /// issues.toml text and its parsed tables, in file order.
    pub issues: Option<IssueTables>,
    /// Pilot folders, sorted by slug.
    pub pilots: Vec<RawPilot>,
    /// Free pages, sorted by name.
    pub pages: Vec<RawPage>,
    /// Files under content/pages that are not Markdown, relative to content/.
    pub page_assets: Vec<String>,
    /// The raster images among `page_assets`.
    pub page_photos: Vec<crate::images::Photo>,
    /// The site word list, content/words.txt (empty when there is none).
    pub words: crate::wordbreak::WordList,
}

/// True for names made of lowercase ASCII letters, digits and inner hyphens.
pub fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with('-')
        && !s.ends_with('-')
        && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Reads all of content/ under `root`. Problems are collected, and what could be read is kept.
pub fn load_content(root: &Path) -> (RawContent, Diagnostics) {
    let mut problems = Diagnostics::new();
    let mut content = RawContent::default();
    match nofollow::kind(root, Path::new(CONTENT_DIR)) {
        Ok(Kind::Dir) => {}
        Ok(_) => {
            problems.push(
                Diagnostic::error(CONTENT_DIR, "the site has no content/ folder")
                    .hint("create content/ with issues.toml and pilots/ (see `namrong new`)"),
            );
            return (content, problems);
        }
        Err(d) => {
            problems.push(d);
            return (content, problems);
        }
    }
    match load_issues(root) {
        Ok(issues) => content.issues = Some(issues),
        Err(d) => problems.push(d),
    }
    content.words = crate::wordbreak::WordList::load(root, &mut problems);
    let pilots_rel = Path::new(CONTENT_DIR).join("pilots");
    let pilots_dir = root.join(&pilots_rel);
    let mut slugs = Vec::new();
    let entries = match nofollow::kind(root, &pilots_rel) {
        Ok(Kind::Dir) => std::fs::read_dir(&pilots_dir).ok(),
        Ok(_) => None,
        Err(d) => {
            problems.push(d);
            None
        }
    };
    if let Some(entries) = entries {
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let rel = Path::new(CONTENT_DIR).join("pilots").join(&name);
            match entry.file_type() {
                Ok(t) if t.is_dir() => {
                    if is_slug(&name) {
                        slugs.push(name);
                    } else {
                        problems.push(
                            Diagnostic::error(&rel, format!("pilot folder name `{name}` is not a valid slug")).hint(
                                format!(
                                    "use lowercase letters a-z, digits and hyphens, e.g. `{}`",
                                    suggest_slug(&name)
                                ),
                            ),
                        );
                    }
                }
                _ if name.starts_with('.') => {}
                Ok(t) if t.is_symlink() => problems.push(nofollow::link_error(root, &rel, &rel)),
                _ => problems.push(
                    Diagnostic::warning(&rel, "files directly in content/pilots/ are ignored")
                        .hint("put each pilot in its own folder"),
                ),
            }
        }
    }
    slugs.sort();
    let loaded: Vec<(Option<RawPilot>, Diagnostics)> = slugs.par_iter().map(|slug| load_pilot(root, slug)).collect();
    for (pilot, ds) in loaded {
        problems.extend(ds.0);
        content.pilots.extend(pilot);
    }
    let (pages, page_assets, ds) = load_pages(root);
    content.pages = pages;
    content.page_photos = crate::images::survey_all(root, &page_assets, &mut problems);
    content.page_assets = page_assets;
    problems.extend(ds.0);
    (content, problems)
}

/// A slug close to `name`, for hints.
pub fn suggest_slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-').to_string();
    if out.is_empty() { "my-pilot".into() } else { out }
}

/// Reads content/issues.toml: its tables in file order.
pub fn load_issues(root: &Path) -> Result<IssueTables, Diagnostic> {
    let rel = Path::new(CONTENT_DIR).join("issues.toml");
    if nofollow::kind(root, &rel)? != Kind::File {
        return Err(Diagnostic::error(&rel, "content/issues.toml is missing").hint("list the issues pilots address, e.g.\n[haze-wildfire]\nth = \"หมอกควันและไฟป่า\"\nen = \"Haze and wildfire\""));
    }
    let source = Source::read(root, &rel)?;
    let map: std::collections::BTreeMap<String, toml::Spanned<IssueRecord>> = source.parse_toml(&source.text, 0)?;
    let mut issues: Vec<_> = map.into_iter().collect();
    issues.sort_by_key(|(_, r)| r.span().start);
    Ok((source, issues))
}

/// Splits `about.th.md` into (`about`, Th).
fn split_lang_name(file: &str) -> Option<(&str, Lang)> {
    let stem = file.strip_suffix(".md")?;
    let (name, lang) = stem.rsplit_once('.')?;
    Some((name, Lang::from_code(lang)?))
}

fn read_doc(root: &Path, rel: &Path, lang: Lang, problems: &mut Diagnostics) -> Option<RawDoc> {
    let source = Source::read(root, rel).map_err(|d| problems.push(d)).ok()?;
    let split = source.split_front_matter().map_err(|d| problems.push(d)).ok()?;
    let front = split.front.map(|(t, o)| (t.to_string(), o));
    let body_offset = split.body_offset;
    Some(RawDoc { source, front, body_offset, lang })
}

/// Reads one pilot folder (`None` when it has no readable pilot.toml).
pub fn load_pilot(root: &Path, slug: &str) -> (Option<RawPilot>, Diagnostics) {
    let mut problems = Diagnostics::new();
    let dir = Path::new(CONTENT_DIR).join("pilots").join(slug);
    let toml_rel = dir.join("pilot.toml");
    let toml_kind = match nofollow::kind(root, &toml_rel) {
        Ok(k) => k,
        Err(d) => {
            problems.push(d);
            return (None, problems);
        }
    };
    if toml_kind != Kind::File {
        problems.push(
            Diagnostic::error(&toml_rel, "this pilot folder has no pilot.toml").hint(format!(
                "create it with `namrong new {slug}` in another folder and copy it, or write it by hand"
            )),
        );
        return (None, problems);
    }
    let source = match Source::read(root, &toml_rel) {
        Ok(s) => s,
        Err(d) => {
            problems.push(d);
            return (None, problems);
        }
    };
    let record = source.parse_toml::<PilotRecord>(&source.text, 0).map_err(|d| problems.push(d)).ok();
    let mut narratives = Vec::new();
    let mut unreadable = Vec::new();
    for lang in Lang::ALL {
        let rel = dir.join(format!("{}.md", lang.code()));
        match nofollow::kind(root, &rel) {
            Ok(Kind::File) => match read_doc(root, &rel, lang, &mut problems) {
                Some(doc) => narratives.push(doc),
                None => unreadable.push(rel),
            },
            Ok(_) => {}
            Err(d) => problems.push(d),
        }
    }
    let mut updates: Vec<RawUpdate> = Vec::new();
    let mut assets = Vec::new();
    for file in walk_files(root, &dir, &mut problems) {
        let rel_in_dir = file.strip_prefix(&dir).expect("walked below dir");
        let name = rel_in_dir.to_string_lossy().replace('\\', "/");
        if name == "pilot.toml" || name == "th.md" || name == "en.md" {
            continue;
        }
        if let Some(file_name) = name.strip_prefix("updates/")
            && file_name.ends_with(".md")
        {
            if !load_update_file(root, &file, file_name, &mut updates, &mut problems) {
                unreadable.push(file);
            }
            continue;
        }
        if name.ends_with(".md") {
            problems.push(
                Diagnostic::warning(
                    &file,
                    "this Markdown file is not used: narratives are th.md and en.md, updates go in updates/",
                )
                .hint("rename or move it; it is copied as a plain file meanwhile"),
            );
        }
        assets.push(format!("pilots/{slug}/{name}"));
    }
    updates.sort_by(|a, b| b.stem.cmp(&a.stem));
    let photos = crate::images::survey_all(root, &assets, &mut problems);
    (
        Some(RawPilot { slug: slug.to_string(), source, record, narratives, updates, assets, photos, unreadable }),
        problems,
    )
}

/// Reads one update file into `updates`; false when it could not be read (already reported).
fn load_update_file(
    root: &Path,
    rel: &Path,
    file_name: &str,
    updates: &mut Vec<RawUpdate>,
    problems: &mut Diagnostics,
) -> bool {
    let Some((stem, lang)) = split_lang_name(file_name).filter(|(s, _)| !s.contains('/')) else {
        problems.push(
            Diagnostic::error(rel, "update files are named <yyyy-mm-dd>-<name>.th.md or .en.md")
                .hint("e.g. updates/2024-09-25-workshop.th.md"),
        );
        return true;
    };
    let name_date =
        stem.get(..10).filter(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").is_ok()).map(str::to_string);
    let rest = stem.get(10..).unwrap_or("");
    let name_ok = rest.is_empty() || rest.strip_prefix('-').is_some_and(is_slug);
    if !name_ok || (name_date.is_none() && !is_slug(stem)) {
        problems.push(
            Diagnostic::error(rel, format!("update name `{stem}` must be lowercase letters, digits and hyphens"))
                .hint("e.g. updates/2024-09-25-workshop.th.md"),
        );
        return true;
    }
    let Some(doc) = read_doc(root, rel, lang, problems) else { return false };
    match updates.iter_mut().find(|u| u.stem == stem) {
        Some(u) => u.docs.push(doc),
        None => updates.push(RawUpdate { stem: stem.to_string(), name_date, docs: vec![doc] }),
    }
    true
}

fn load_pages(root: &Path) -> (Vec<RawPage>, Vec<String>, Diagnostics) {
    let mut problems = Diagnostics::new();
    let dir = Path::new(CONTENT_DIR).join("pages");
    let mut pages: Vec<RawPage> = Vec::new();
    let mut assets = Vec::new();
    match nofollow::kind(root, &dir) {
        Ok(Kind::Dir) => {}
        Ok(_) => return (pages, assets, problems),
        Err(d) => {
            problems.push(d);
            return (pages, assets, problems);
        }
    }
    for file in walk_files(root, &dir, &mut problems) {
        let name = file.strip_prefix(&dir).expect("walked below dir").to_string_lossy().replace('\\', "/");
        if !name.ends_with(".md") {
            assets.push(format!("pages/{name}"));
            continue;
        }
        let Some((stem, lang)) = split_lang_name(&name).filter(|(s, _)| is_slug(s)) else {
            problems.push(
                Diagnostic::error(
                    &file,
                    "page files are named <name>.th.md or <name>.en.md, directly in content/pages/",
                )
                .hint("e.g. content/pages/about.th.md; the name uses lowercase letters, digits and hyphens"),
            );
            continue;
        };
        let Some(doc) = read_doc(root, &file, lang, &mut problems) else { continue };
        match pages.iter_mut().find(|p| p.name == stem) {
            Some(p) => p.docs.push(doc),
            None => pages.push(RawPage { name: stem.to_string(), docs: vec![doc] }),
        }
    }
    pages.sort_by(|a, b| a.name.cmp(&b.name));
    (pages, assets, problems)
}

/// Every regular file below `root/dir`, as paths relative to `root`, in a stable order.
/// Symbolic links are errors and are not followed, so no input can make namrong read outside
/// the site; hidden files and editor leftovers are ignored, links among them too (Emacs's
/// `.#name` locks are links).
/// File names must be UTF-8 without backslashes, since they become URLs.
pub fn walk_files(root: &Path, dir: &Path, problems: &mut Diagnostics) -> Vec<PathBuf> {
    let mut files = Vec::new();
    if let Err(d) = nofollow::kind(root, dir) {
        problems.push(d);
        return files;
    }
    let mut walk = walkdir::WalkDir::new(root.join(dir)).sort_by_file_name().into_iter();
    while let Some(entry) = walk.next() {
        let Ok(entry) = entry else { continue };
        let rel = entry.path().strip_prefix(root).expect("walked below root").to_path_buf();
        let name = entry.file_name().to_string_lossy();
        let ignored = name.starts_with('.') || is_editor_temp(&name);
        if entry.path_is_symlink() {
            if !ignored {
                problems.push(nofollow::link_error(root, &rel, &rel));
            }
        } else if let Some(problem) = bad_name(&rel, entry.file_name()) {
            problems.push(problem);
            if entry.file_type().is_dir() {
                walk.skip_current_dir();
            }
        } else if entry.file_type().is_file() && !ignored {
            files.push(rel);
        }
    }
    files
}

/// The error for a file or folder name that cannot become part of a URL: not UTF-8, or with a
/// backslash (which Windows reads as a folder separator). It names the source file.
fn bad_name(rel: &Path, name: &std::ffi::OsStr) -> Option<Diagnostic> {
    let problem = match name.to_str() {
        None => "this file name is not valid UTF-8 text",
        Some(n) if n.contains('\\') => "this file name contains a backslash (\\)",
        Some(_) => return None,
    };
    Some(
        Diagnostic::error(rel, format!("{problem}, so it cannot be published"))
            .hint("rename it using letters, digits, hyphens and dots, e.g. photo-1.jpg"),
    )
}

/// Files editors leave beside the one being saved (`foo.md~`, `#foo#`, `.swp`).
pub fn is_editor_temp(name: &str) -> bool {
    name.ends_with('~')
        || name.starts_with('#')
        || name.ends_with(".swp")
        || name.ends_with(".tmp")
        || name.ends_with(".swx")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_only_lowercase_ascii_slugs() {
        assert!(is_slug("lampang-haze-2024"));
        for bad in ["", "../x", "Lampang", "ลำปาง", "a_b", "-a", "a-", "a/b", "a.b"] {
            assert!(!is_slug(bad), "{bad}");
        }
    }

    #[test]
    fn suggests_a_slug_from_any_name() {
        assert_eq!(suggest_slug("Lampang Haze"), "lampang-haze");
        assert_eq!(suggest_slug("ลำปาง"), "my-pilot");
    }

    #[test]
    fn splits_language_from_file_names() {
        assert_eq!(split_lang_name("about.th.md"), Some(("about", Lang::Th)));
        assert_eq!(split_lang_name("2024-09-25-x.en.md"), Some(("2024-09-25-x", Lang::En)));
        assert_eq!(split_lang_name("about.md"), None);
    }
}
