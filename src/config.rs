//! `namrong.toml`: the site's settings, read into a `Config`. Unknown keys are errors, with a
//! suggestion for near misses; `base_url` is normalised so every URL the site makes can be
//! built by appending a path to it; `licence.url` must pass the URL policy.

use std::path::Path;

use serde::Deserialize;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::lang::Text;
use crate::source::Source;

/// The settings file's name at the site root.
pub const CONFIG_FILE: &str = "namrong.toml";

/// What namrong.toml may contain.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    title: Option<Text>,
    description: Option<Text>,
    base_url: Option<toml::Spanned<String>>,
    default_language: Option<toml::Spanned<String>>,
    languages: Option<toml::Spanned<Vec<String>>>,
    theme: Option<toml::Spanned<String>>,
    #[serde(default)]
    thai_digits: bool,
    #[serde(default)]
    unsafe_html: bool,
    updates_per_page: Option<usize>,
    pilots_per_page: Option<usize>,
    licence: Option<LicenceFile>,
    social_cards: Option<bool>,
    #[serde(default)]
    publish_original_images: bool,
    #[serde(default)]
    allow_active_assets: bool,
    /// The language of messages for editors (read by the command before loading; checked here).
    messages: Option<toml::Spanned<String>>,
    publisher: Option<toml::Spanned<Publisher>>,
    calendar_lint: Option<bool>,
    logo: Option<toml::Spanned<String>>,
    logo_alt: Option<Text>,
}

/// Who publishes the site and answers questions about its data: named in the data catalogue
/// (DCAT) that open-data portals harvest.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Publisher {
    /// The organisation's name.
    pub name: Text,
    /// Its website (http or https).
    pub url: Option<String>,
    /// An e-mail address for questions about the data.
    pub email: Option<String>,
}

/// `[licence]` as written, with the URL's place for messages.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LicenceFile {
    name: Text,
    url: toml::Spanned<String>,
}

/// The licence the site's text and data are published under.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Licence {
    /// Its name, e.g. "CC BY 4.0".
    pub name: Text,
    /// Where its text is.
    pub url: String,
}

/// The site's settings, checked.
#[derive(Debug, Clone)]
pub struct Config {
    /// The site's name.
    pub title: Text,
    /// One sentence about the site.
    pub description: Text,
    /// Absolute URL of the site, ending in `/`.
    pub base_url: String,
    /// The path part of `base_url`, starting and ending with `/`.
    pub base_path: String,
    /// The theme folder name under themes/.
    pub theme: String,
    /// Write numbers in dates on Thai pages with Thai digits.
    pub thai_digits: bool,
    /// Let raw HTML in Markdown through unchanged (trusted sites only).
    pub unsafe_html: bool,
    /// How many updates the /updates/ list shows per page.
    pub updates_per_page: usize,
    /// How many pilots a list of pilots (all, per province, per issue) shows per page.
    pub pilots_per_page: usize,
    /// The licence of the site's content and data.
    pub licence: Licence,
    /// Draw a sharing card (PNG) for every pilot and language.
    pub social_cards: bool,
    /// Publish each photo at its full size too (without its metadata), besides the resized ones.
    pub publish_original_images: bool,
    /// Publish `.html` and `.js` files found among content assets (trusted sites only);
    /// refused otherwise, since they would run on the site's own origin.
    pub allow_active_assets: bool,
    /// Who publishes the data; `None` when namrong.toml does not say (validation warns).
    pub publisher: Option<Publisher>,
    /// Warn about Common-Era years in Thai text and Buddhist-Era years in English text.
    pub calendar_lint: bool,
    /// The publisher's logo for the header: a file of the theme's `static/` folder, such as
    /// `logo.svg` for `themes/<theme>/static/logo.svg`. Without one the header shows namrong's mark.
    pub logo: Option<String>,
    /// What the logo says (its alternative text), e.g. the agency's name; empty when the logo
    /// only decorates the site title beside it.
    pub logo_alt: Text,
}

impl Config {
    /// The absolute URL of a site path such as `en/pilots/x/`.
    pub fn absolute(&self, path: &str) -> String {
        format!("{}{}", self.base_url, path.trim_start_matches('/'))
    }

    /// The root-relative URL of a site path, including the base path.
    pub fn href(&self, path: &str) -> String {
        format!("{}{}", self.base_path, path.trim_start_matches('/'))
    }

    /// Replaces the base URL (from `--base-url` or the preview server).
    pub fn set_base_url(&mut self, url: &str) -> Result<(), String> {
        let (base_url, base_path) = parse_base_url(url)?;
        self.base_url = base_url;
        self.base_path = base_path;
        Ok(())
    }
}

/// Checks a base URL and splits off its path: `https://x.go.th/site` -> (`https://x.go.th/site/`, `/site/`).
pub fn parse_base_url(url: &str) -> Result<(String, String), String> {
    let url = url.trim();
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or_else(|| format!("base_url `{url}` must start with https:// or http://"))?;
    if rest.is_empty() || rest.starts_with('/') || url.contains(['?', '#', ' ']) {
        return Err(format!("base_url `{url}` is not a valid web address"));
    }
    let path = rest.find('/').map_or("/", |i| &rest[i..]);
    let mut path = path.to_string();
    if !path.ends_with('/') {
        path.push('/');
    }
    let host_len = url.len() - rest.len() + rest.find('/').unwrap_or(rest.len());
    Ok((format!("{}{}", &url[..host_len], path), path))
}

/// Reads and checks `root/namrong.toml`.
pub fn load_config(root: &Path) -> Result<Config, Diagnostics> {
    let source = Source::read(root, Path::new(CONFIG_FILE))?;
    let file: ConfigFile = source.parse_toml(&source.text, 0)?;
    let mut problems = Diagnostics::new();
    let title = file.title.unwrap_or_default();
    if title.is_empty() {
        problems.push(
            Diagnostic::error(CONFIG_FILE, "the site has no title")
                .at_line(&source, 1)
                .hint("add: title = { th = \"...\", en = \"...\" }"),
        );
    }
    let (base_url, base_path) = match &file.base_url {
        Some(url) => parse_base_url(url.get_ref()).unwrap_or_else(|msg| {
            problems.push(
                Diagnostic::error(CONFIG_FILE, msg)
                    .at(&source, url.span())
                    .hint("for example: base_url = \"https://pilots.example.go.th/\""),
            );
            ("http://localhost/".into(), "/".into())
        }),
        None => {
            problems.push(
                Diagnostic::error(CONFIG_FILE, "base_url is missing")
                    .at_line(&source, 1)
                    .hint("add the address the site is published at: base_url = \"https://pilots.example.go.th/\""),
            );
            ("http://localhost/".into(), "/".into())
        }
    };
    if let Some(lang) = &file.default_language
        && lang.get_ref() != "th"
    {
        problems.push(
            Diagnostic::error(CONFIG_FILE, "default_language must be \"th\": Thai pages are at the site root")
                .at(&source, lang.span()),
        );
    }
    if let Some(langs) = &file.languages {
        let mut sorted = langs.get_ref().clone();
        sorted.sort();
        if sorted != ["en", "th"] {
            problems.push(
                Diagnostic::error(
                    CONFIG_FILE,
                    "languages must be [\"th\", \"en\"]: namrong builds Thai and English sites",
                )
                .at(&source, langs.span()),
            );
        }
    }
    let theme = file.theme.as_ref().map_or("default".to_string(), |t| t.get_ref().clone());
    if !theme.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') || theme.is_empty() {
        let span = file.theme.as_ref().map_or(0..0, |t| t.span());
        problems.push(
            Diagnostic::error(CONFIG_FILE, format!("theme `{theme}` must be a folder name (letters, digits, - and _)"))
                .at(&source, span),
        );
    }
    if let Some(lang) = &file.messages
        && crate::lang::Lang::from_code(lang.get_ref()).is_none()
    {
        problems.push(
            Diagnostic::error(CONFIG_FILE, format!("messages `{}` must be \"th\" or \"en\"", lang.get_ref()))
                .at(&source, lang.span())
                .hint("write messages = \"th\" for Thai messages or messages = \"en\" for English"),
        );
    }
    if let Some(p) = &file.publisher {
        check_publisher(p.get_ref(), &source, p.span(), &mut problems);
    }
    if let Some(licence) = &file.licence
        && let Err(refusal) = crate::url_policy::check(licence.url.get_ref())
    {
        problems.push(
            Diagnostic::error(CONFIG_FILE, refusal.message("licence.url", licence.url.get_ref()))
                .at(&source, licence.url.span())
                .hint("write the web address of the licence text, e.g. url = \"https://creativecommons.org/licenses/by/4.0/\""),
        );
    }
    let logo = file.logo.as_ref().and_then(|logo| check_logo(root, &theme, logo, &source, &mut problems));
    if problems.has_errors() {
        return Err(problems);
    }
    Ok(Config {
        logo,
        logo_alt: file.logo_alt.unwrap_or_default(),
        title,
        description: file.description.unwrap_or_default(),
        base_url,
        base_path,
        theme,
        thai_digits: file.thai_digits,
        unsafe_html: file.unsafe_html,
        updates_per_page: file.updates_per_page.unwrap_or(20).max(1),
        social_cards: file.social_cards.unwrap_or(true),
        publish_original_images: file.publish_original_images,
        allow_active_assets: file.allow_active_assets,
        publisher: file.publisher.map(toml::Spanned::into_inner),
        calendar_lint: file.calendar_lint.unwrap_or(true),
        pilots_per_page: file.pilots_per_page.unwrap_or(48).max(1),
        licence: file.licence.map(|l| Licence { name: l.name, url: l.url.into_inner() }).unwrap_or_else(|| Licence {
            name: Text {
                th: Some("ครีเอทีฟคอมมอนส์แบบแสดงที่มา 4.0 (CC BY 4.0)".into()),
                en: Some("Creative Commons Attribution 4.0 (CC BY 4.0)".into()),
            },
            url: "https://creativecommons.org/licenses/by/4.0/".into(),
        }),
    })
}

/// Checks `publisher = { name, url, email }`.
fn check_publisher(p: &Publisher, source: &Source, span: std::ops::Range<usize>, problems: &mut Diagnostics) {
    let mut error = |msg: String, hint: &str| {
        problems.push(Diagnostic::error(CONFIG_FILE, msg).at(source, span.clone()).hint(hint));
    };
    if p.name.is_empty() {
        error("the publisher has no name".into(), "add name = { th = \"...\", en = \"...\" } to publisher");
    }
    if let Some(url) = &p.url
        && let Err(why) = crate::urls::check_web_address(url)
    {
        error(format!("publisher url: {why}"), "for example url = \"https://www.example.go.th/\"");
    }
    if let Some(email) = &p.email
        && !is_email(email)
    {
        error(
            format!("publisher email `{email}` is not an e-mail address"),
            "for example email = \"opendata@example.go.th\"",
        );
    }
}

/// A plain check (one @, a dot in the domain, no spaces): enough to catch a slip, not to prove delivery.
fn is_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else { return false };
    !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !s.contains(char::is_whitespace)
}

/// `logo` must name a file of the theme's static folder (a plain relative path, no `..`).
fn check_logo(
    root: &Path,
    theme: &str,
    logo: &toml::Spanned<String>,
    source: &Source,
    problems: &mut Diagnostics,
) -> Option<String> {
    let name = logo.get_ref().trim().trim_start_matches("static/").to_string();
    let plain = !name.is_empty()
        && !name.starts_with('/')
        && !name.contains('\\')
        && name.split('/').all(|part| !part.is_empty() && part != "." && part != "..");
    let rel = Path::new("themes").join(theme).join("static").join(&name);
    if plain && root.join(&rel).is_file() {
        return Some(name);
    }
    problems.push(
        Diagnostic::error(CONFIG_FILE, format!("logo `{}` is not a file of {}", logo.get_ref(), rel.display()))
            .at(source, logo.span())
            .hint(format!("put the logo at themes/{theme}/static/ and write its name, e.g. logo = \"logo.svg\"")),
    );
    None
}

/// The `messages` setting of `root/namrong.toml`, when the file can be read and has a valid one.
/// A broken or missing file gives `None` (its problems are reported, in the locale's language).
pub fn messages_setting(root: &Path) -> Option<crate::lang::Lang> {
    let text = std::fs::read_to_string(root.join(CONFIG_FILE)).ok()?;
    let table: toml::Table = toml::from_str(&text).ok()?;
    crate::lang::Lang::from_code(table.get("messages")?.as_str()?)
}

#[cfg(test)]
mod tests {
    use super::parse_base_url;

    #[test]
    fn keeps_the_path_of_the_base_url() {
        assert_eq!(
            parse_base_url("https://x.go.th/pilots-site").unwrap(),
            ("https://x.go.th/pilots-site/".into(), "/pilots-site/".into())
        );
        assert_eq!(parse_base_url("http://127.0.0.1:1111").unwrap(), ("http://127.0.0.1:1111/".into(), "/".into()));
    }

    #[test]
    fn rejects_addresses_without_scheme() {
        assert!(parse_base_url("example.go.th").is_err());
        assert!(parse_base_url("https://").is_err());
    }
}
