//! The site's URL scheme in one place: where each kind of page lives, per language. Thai pages
//! are at the root, English ones under `en/`. Paths here have no leading slash and end in `/`
//! for pages; `Config::href` and `Config::absolute` add the base URL.

use crate::lang::Lang;

/// `""` for Thai, `"en/"` for English.
pub fn prefix(lang: Lang) -> &'static str {
    match lang {
        Lang::Th => "",
        Lang::En => "en/",
    }
}

/// The home page.
pub fn home(lang: Lang) -> String {
    prefix(lang).to_string()
}

/// A section index such as `pilots/`, `provinces/`, `issues/`, `updates/`, `search/`, `data/`.
pub fn section(lang: Lang, name: &str) -> String {
    format!("{}{name}/", prefix(lang))
}

/// The folder of one language's search index files: `search/th/`.
pub fn search_dir(lang: Lang) -> String {
    format!("search/{}/", lang.code())
}

/// A pilot page.
pub fn pilot(lang: Lang, slug: &str) -> String {
    format!("{}pilots/{slug}/", prefix(lang))
}

/// An update page.
pub fn update(lang: Lang, slug: &str, stem: &str) -> String {
    format!("{}pilots/{slug}/updates/{stem}/", prefix(lang))
}

/// A province page.
pub fn province(lang: Lang, slug: &str) -> String {
    format!("{}provinces/{slug}/", prefix(lang))
}

/// An issue page.
pub fn issue(lang: Lang, key: &str) -> String {
    format!("{}issues/{key}/", prefix(lang))
}

/// Page `n` (1-based) of the updates list.
pub fn updates_page(lang: Lang, n: usize) -> String {
    if n <= 1 { section(lang, "updates") } else { format!("{}updates/page/{n}/", prefix(lang)) }
}

/// Page `n` (1-based) of a paginated list whose first page is at `first`.
pub fn paged(first: String, n: usize) -> String {
    if n <= 1 { first } else { format!("{first}page/{n}/") }
}

/// A free page.
pub fn page(lang: Lang, name: &str) -> String {
    format!("{}{name}/", prefix(lang))
}

/// The not-found page.
pub fn not_found(lang: Lang) -> String {
    format!("{}404.html", prefix(lang))
}

/// An asset file (language-independent), from its path under content/.
pub fn asset(content_path: &str) -> String {
    content_path.to_string()
}

/// The file a page path is written to: `x/` -> `x/index.html`.
pub fn file_for(path: &str) -> String {
    if path.is_empty() || path.ends_with('/') { format!("{path}index.html") } else { path.to_string() }
}

/// Page names that free pages may not take, because the site uses them.
pub const RESERVED: &[&str] =
    &["en", "pilots", "provinces", "issues", "updates", "search", "data", "static", "feed", "404", "sitemap", "robots"];

/// Checks that a source's address is a web address (http or https with a host): a source must
/// be something a reader can open, and `javascript:` or `file:` addresses must never reach a page.
pub fn check_web_address(url: &str) -> Result<(), String> {
    let url = url.trim();
    let lower = url.to_ascii_lowercase();
    let Some(rest) = lower.strip_prefix("https://").or_else(|| lower.strip_prefix("http://")) else {
        return Err(format!("the address `{url}` must start with https:// or http://"));
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    if host.is_empty() || url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!("the address `{url}` is not a valid web address"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_lives_under_en() {
        assert_eq!(pilot(Lang::Th, "a"), "pilots/a/");
        assert_eq!(pilot(Lang::En, "a"), "en/pilots/a/");
        assert_eq!(updates_page(Lang::En, 2), "en/updates/page/2/");
        assert_eq!(file_for("en/"), "en/index.html");
        assert_eq!(file_for(""), "index.html");
    }
}
