//! `namrong.toml`: the site's settings, read into a `Config`. Unknown keys are errors, with a
//! suggestion for near misses; `base_url` is normalised so every URL the site makes can be
//! built by appending a path to it.

use std::path::Path;

use serde::Deserialize;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::model::Text;
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
    licence: Option<Licence>,
    social_cards: Option<bool>,
    #[serde(default)]
    publish_original_images: bool,
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
    if problems.has_errors() {
        return Err(problems);
    }
    Ok(Config {
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
        pilots_per_page: file.pilots_per_page.unwrap_or(48).max(1),
        licence: file.licence.unwrap_or_else(|| Licence {
            name: Text {
                th: Some("ครีเอทีฟคอมมอนส์แบบแสดงที่มา 4.0 (CC BY 4.0)".into()),
                en: Some("Creative Commons Attribution 4.0 (CC BY 4.0)".into()),
            },
            url: "https://creativecommons.org/licenses/by/4.0/".into(),
        }),
    })
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
