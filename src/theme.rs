//! The theme: Tera templates, static files (CSS, fonts, images) and the UI label table. The
//! default theme is compiled into the binary from the repository's `themes/default/`, so a site
//! needs only namrong.toml and content/. A site's own `themes/<name>/` overrides any template,
//! static file or label of the same name.

use std::path::{Path, PathBuf};

use include_dir::{Dir, include_dir};
use tera::{Kwargs, State, Tera, Value};

use crate::diagnostics::{Diagnostic, Diagnostics};
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
}

/// A loaded theme.
pub struct Theme {
    /// The templates, ready to render.
    pub tera: Tera,
    /// UI labels per language.
    pub labels: Labels,
    /// Static files by path under static/.
    pub statics: Vec<(String, StaticSource)>,
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
    let mut tera = Tera::new();
    tera.autoescape_on([".html", ".xml"]);
    tera.register_filter("text", text_filter);
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
        assert!(theme.statics.iter().any(|(n, _)| n == "style.css"));
    }
}
