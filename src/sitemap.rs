//! `sitemap.xml` (every page with `xhtml:link` alternates for its translations; split into
//! several files past the protocol's 50,000 URLs) and `robots.txt` pointing to it.

use crate::config::Config;
use crate::markdown::html_escape;
use crate::model::{Lang, PerLang};

/// The most URLs one sitemap file may list.
pub const MAX_URLS: usize = 50_000;

/// One page: its path per language and which languages are real translations.
#[derive(Debug, Clone)]
pub struct Entry {
    /// Site paths per language.
    pub paths: PerLang<String>,
    /// True where the language has its own text.
    pub translated: PerLang<bool>,
}

/// The sitemap files: (site path, bytes). One `sitemap.xml`, or an index and numbered parts.
pub fn render(config: &Config, entries: &[Entry]) -> Vec<(String, Vec<u8>)> {
    let mut urls: Vec<String> = Vec::new();
    for e in entries {
        let alternates: String = Lang::ALL
            .iter()
            .filter(|&&l| *e.translated.get(l))
            .map(|&l| {
                format!(
                    "<xhtml:link rel=\"alternate\" hreflang=\"{}\" href=\"{}\"/>",
                    l.code(),
                    html_escape(&config.absolute(e.paths.get(l)))
                )
            })
            .collect();
        for l in Lang::ALL.into_iter().filter(|&l| *e.translated.get(l)) {
            urls.push(format!("<url><loc>{}</loc>{alternates}</url>\n", html_escape(&config.absolute(e.paths.get(l)))));
        }
    }
    let head = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n";
    let wrap = |chunk: &[String]| format!("{head}{}</urlset>\n", chunk.concat()).into_bytes();
    if urls.len() <= MAX_URLS {
        return vec![("sitemap.xml".into(), wrap(&urls))];
    }
    let mut files = Vec::new();
    let mut index = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for (n, chunk) in urls.chunks(MAX_URLS).enumerate() {
        let path = format!("sitemaps/{}.xml", n + 1);
        index.push_str(&format!("<sitemap><loc>{}</loc></sitemap>\n", html_escape(&config.absolute(&path))));
        files.push((path, wrap(chunk)));
    }
    index.push_str("</sitemapindex>\n");
    files.insert(0, ("sitemap.xml".into(), index.into_bytes()));
    files
}

/// `robots.txt`.
pub fn robots(config: &Config) -> Vec<u8> {
    format!("User-agent: *\nAllow: /\n\nSitemap: {}\n", config.absolute("sitemap.xml")).into_bytes()
}
