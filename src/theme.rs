//! The theme: Tera templates, static files (CSS, fonts, images) and the UI label table. The
//! default theme is compiled into the binary from the repository's `themes/default/`, so a site
//! needs only namrong.toml and content/. A site's own `themes/<name>/` overrides any template,
//! static file or label of the same name. Stylesheets, scripts and fonts are published under
//! content-hashed names ([`fingerprint`](crate::fingerprint)); templates write every static
//! address with the `static_url` filter (`{{ "style.css" | static_url }}`), which gives the
//! published name.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use include_dir::{Dir, include_dir};
use tera::{Kwargs, State, Tera, TeraResult, Value};

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::fingerprint;
use crate::i18n::Labels;
use crate::markdown::html_escape;

static BUILTIN: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/themes/default");

/// Where a static file's bytes come from.
#[derive(Debug, Clone)]
pub enum StaticSource {
    /// Compiled into namrong.
    Builtin(&'static [u8]),
    /// A file of the site's theme, relative to the site root.
    File(PathBuf),
    /// Made when the theme was loaded: a stylesheet with its references rewritten, or a file
    /// of the site's theme read once so that its hash and its published bytes agree.
    Bytes(Arc<Vec<u8>>),
}

/// One static file of the theme.
#[derive(Debug, Clone)]
pub struct Static {
    /// Its path under the theme's static/ folder (`fonts/a.woff2`), as templates name it.
    pub name: String,
    /// Its path under the output's static/ folder: the content-hashed name for stylesheets,
    /// scripts and fonts, the name itself for everything else.
    pub published: String,
    /// Where its bytes come from.
    pub source: StaticSource,
}

/// A loaded theme.
pub struct Theme {
    /// The templates, ready to render.
    pub tera: Tera,
    /// UI labels per language.
    pub labels: Labels,
    /// Static files, sorted by name.
    pub statics: Vec<Static>,
}

impl std::fmt::Debug for Theme {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Theme").field("statics", &self.statics.len()).finish_non_exhaustive()
    }
}

/// Loads the built-in theme with the site's overrides from `root/themes/<name>/`.
pub fn load_theme(root: &Path, name: &str) -> Result<Theme, Diagnostics> {
    let site_dir = Path::new("themes").join(name);
    let has_site_theme = crate::nofollow::kind(root, &site_dir)? == crate::nofollow::Kind::Dir;
    if name != "default" && !has_site_theme {
        return Err(Diagnostic::error(
            crate::config::CONFIG_FILE,
            format!("theme `{name}` not found: there is no folder themes/{name}/"),
        )
        .hint("remove the theme line to use the built-in theme, or create the folder")
        .into());
    }
    let mut problems = Diagnostics::new();
    let mut templates: Vec<(String, String)> = Vec::new();
    if let Some(dir) = BUILTIN.get_dir("templates") {
        for f in dir.files() {
            let rel = f.path().strip_prefix("templates").expect("under templates").to_string_lossy().into_owned();
            templates.push((rel, f.contents_utf8().expect("built-in templates are UTF-8").to_string()));
        }
    }
    let mut labels =
        Labels::parse(BUILTIN.get_file("i18n.toml").and_then(|f| f.contents_utf8()).expect("built-in i18n.toml"))
            .expect("built-in i18n.toml parses");
    let mut statics: Vec<(String, StaticSource)> = Vec::new();
    collect_builtin_statics(BUILTIN.get_dir("static"), &mut statics);
    if has_site_theme {
        override_from_site(root, &site_dir, &mut templates, &mut labels, &mut statics, &mut problems);
    }
    statics.sort_by(|a, b| a.0.cmp(&b.0));
    let statics = publish(root, statics, &mut problems);
    let mut tera = Tera::new();
    tera.autoescape_on([".html", ".xml"]);
    tera.register_filter("text", text_filter);
    let urls: HashMap<String, String> = statics.iter().map(|s| (s.name.clone(), s.published.clone())).collect();
    tera.register_filter("static_url", move |name: String, _: Kwargs, state: &State| static_url(&urls, &name, state));
    if let Err(e) = tera.add_raw_templates(templates.iter().map(|(n, c)| (n.as_str(), c.as_str()))) {
        problems.push(
            Diagnostic::error(&site_dir, format!("a template has an error: {e}"))
                .hint("fix the template, or delete it to use the built-in one"),
        );
    }
    if problems.has_errors() {
        return Err(problems);
    }
    Ok(Theme { tera, labels, statics })
}

impl Theme {
    /// The published path under static/ of the static file `name`, if the theme has it.
    pub fn published(&self, name: &str) -> Option<&str> {
        let i = self.statics.binary_search_by(|s| s.name.as_str().cmp(name)).ok()?;
        Some(&self.statics[i].published)
    }
}

/// `{{ "fonts/a.woff2" | static_url }}`: the address of a static file as published, under the
/// page's `site.static_base`. A name the theme does not have is a template error, so a typo
/// cannot publish a broken link.
fn static_url(urls: &HashMap<String, String>, name: &str, state: &State) -> TeraResult<String> {
    let name = name.trim_start_matches('/').trim_start_matches("static/");
    let published = urls.get(name).ok_or_else(|| {
        tera::Error::message(format!("static_url: the theme has no file static/{name} (themes/<theme>/static/)"))
    })?;
    let site = state.get::<Value>("site")?;
    let base = site.as_ref().and_then(|s| s.get_from_path("static_base")).and_then(Value::as_str).unwrap_or("/static/");
    Ok(format!("{base}{published}"))
}

/// The published names of `statics` (sorted by name): stylesheets, scripts and fonts get their
/// content hash, stylesheets after their references were rewritten to the hashed names of the
/// files they use. A stylesheet is hashed after the stylesheets it imports; in a cycle of
/// imports the remaining ones are hashed as they are.
fn publish(root: &Path, statics: Vec<(String, StaticSource)>, problems: &mut Diagnostics) -> Vec<Static> {
    let mut published: HashMap<String, String> = HashMap::new();
    let mut out = Vec::with_capacity(statics.len());
    let mut sheets: Vec<(String, String)> = Vec::new();
    for (name, source) in statics {
        if !fingerprint::is_hashed(&name) {
            out.push(Static { published: name.clone(), name, source });
            continue;
        }
        let (bytes, path): (Arc<Vec<u8>>, PathBuf) = match &source {
            StaticSource::Builtin(b) => (Arc::new(b.to_vec()), Path::new("themes/default/static").join(&name)),
            StaticSource::Bytes(b) => (b.clone(), PathBuf::from(&name)),
            StaticSource::File(rel) => match crate::nofollow::read(root, rel) {
                Ok(b) => (Arc::new(b), rel.clone()),
                Err(d) => {
                    problems.push(d);
                    continue;
                }
            },
        };
        if fingerprint::is_css(&name) {
            match String::from_utf8(bytes.to_vec()) {
                Ok(text) => sheets.push((name, text)),
                Err(_) => problems.push(
                    Diagnostic::error(path, "this stylesheet is not UTF-8 text")
                        .hint("save it as UTF-8 (without other encodings' characters)"),
                ),
            }
            continue;
        }
        published.insert(name.clone(), fingerprint::hashed_name(&name, &bytes));
        let source = match source {
            StaticSource::Builtin(b) => StaticSource::Builtin(b),
            _ => StaticSource::Bytes(bytes),
        };
        out.push(Static { published: published[&name].clone(), name, source });
    }
    while !sheets.is_empty() {
        let waiting: Vec<String> = sheets.iter().map(|(n, _)| n.clone()).collect();
        let ready = |(n, css): &(String, String)| fingerprint::css_targets(n, css, &waiting).iter().all(|t| t == n);
        let (now, later): (Vec<_>, Vec<_>) = sheets.iter().cloned().partition(ready);
        let (now, later) = if now.is_empty() { (later, Vec::new()) } else { (now, later) };
        for (name, css) in now {
            let css = fingerprint::rewrite_css(&name, &css, &published).into_bytes();
            let hashed = fingerprint::hashed_name(&name, &css);
            published.insert(name.clone(), hashed.clone());
            out.push(Static { name, published: hashed, source: StaticSource::Bytes(Arc::new(css)) });
        }
        sheets = later;
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

fn collect_builtin_statics(dir: Option<&'static Dir<'static>>, out: &mut Vec<(String, StaticSource)>) {
    let Some(dir) = dir else { return };
    for f in dir.files() {
        let rel = f.path().strip_prefix("static").expect("under static").to_string_lossy().replace('\\', "/");
        out.push((rel, StaticSource::Builtin(f.contents())));
    }
    for d in dir.dirs() {
        collect_builtin_statics(Some(d), out);
    }
}

fn override_from_site(
    root: &Path,
    site_dir: &Path,
    templates: &mut Vec<(String, String)>,
    labels: &mut Labels,
    statics: &mut Vec<(String, StaticSource)>,
    problems: &mut Diagnostics,
) {
    for rel in crate::load::walk_files(root, site_dir, problems) {
        let inner = rel.strip_prefix(site_dir).expect("below theme").to_string_lossy().replace('\\', "/");
        if let Some(name) = inner.strip_prefix("templates/") {
            match crate::source::Source::read(root, &rel) {
                Ok(src) => {
                    templates.retain(|(n, _)| n != name);
                    templates.push((name.to_string(), src.text));
                }
                Err(d) => problems.push(d),
            }
        } else if let Some(name) = inner.strip_prefix("static/") {
            statics.retain(|(n, _)| n != name);
            statics.push((name.to_string(), StaticSource::File(rel.clone())));
        } else if inner == "i18n.toml" {
            match crate::source::Source::read(root, &rel).map(|s| Labels::parse(&s.text)) {
                Ok(Ok(l)) => labels.merge(l),
                Ok(Err(e)) => problems.push(Diagnostic::error(&rel, format!("malformed label table: {e}"))),
                Err(d) => problems.push(d),
            }
        }
    }
}

/// `{{ x | text }}`: a bilingual text value `{text, lang}` as HTML, wrapped in a `lang` span
/// when it is shown in the other language than the page's (a missing translation).
fn text_filter(v: &Value, _: Kwargs, _: &State) -> Value {
    let text = v.get_from_path("text").and_then(Value::as_str).unwrap_or_default();
    let escaped = html_escape(text);
    match v.get_from_path("lang").and_then(Value::as_str) {
        Some(lang) => Value::safe_string(&format!("<span lang=\"{lang}\">{escaped}</span>")),
        None => Value::safe_string(&escaped),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_labels_cover_both_languages() {
        let labels = Labels::parse(BUILTIN.get_file("i18n.toml").unwrap().contents_utf8().unwrap()).unwrap();
        assert_eq!(labels.missing_keys(), Vec::new());
        assert!(labels.0.th.len() > 20);
    }

    #[test]
    fn builtin_templates_compile() {
        let theme = load_theme(Path::new("/nonexistent"), "default").unwrap();
        assert!(theme.tera.get_template_names().any(|n| n == "pilot.html"));
        let css = theme.published("style.css").unwrap();
        assert!(css.starts_with("style.") && css.ends_with(".css") && css != "style.css", "{css}");
        assert_eq!(theme.published("favicon.svg"), Some("favicon.svg"));
    }
}
