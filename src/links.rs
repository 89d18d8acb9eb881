//! Relative links written in Markdown: which content files and folders a link may point at, and
//! the URL each becomes in a given language. Built once per build from what `load` found, so
//! checking a link never touches the disk and can never reach outside content/.

use std::collections::HashMap;

use crate::config::Config;
use crate::images::Photo;
use crate::load::RawContent;
use crate::model::Lang;
use crate::source::normalize;
use crate::urls;

/// What a content path stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// The list of pilots (`pilots/`).
    Pilots,
    /// A pilot, by slug.
    Pilot(String),
    /// An update: pilot slug and stem.
    Update(String, String),
    /// A free page, by name.
    Page(String),
    /// A file copied as is.
    Asset(String),
}

/// Every linkable content path.
#[derive(Debug, Default)]
pub struct LinkIndex {
    targets: HashMap<String, Target>,
    /// Raster images by content path: links to them open their published file.
    photos: HashMap<String, Photo>,
}

impl LinkIndex {
    /// Indexes what was loaded.
    pub fn new(content: &RawContent) -> Self {
        let mut targets = HashMap::new();
        targets.insert("pilots".to_string(), Target::Pilots);
        for p in &content.pilots {
            let dir = format!("pilots/{}", p.slug);
            for name in ["", "/th.md", "/en.md", "/pilot.toml"] {
                targets.insert(format!("{dir}{name}"), Target::Pilot(p.slug.clone()));
            }
            for u in &p.updates {
                let t = Target::Update(p.slug.clone(), u.stem.clone());
                targets.insert(format!("{dir}/updates/{}", u.stem), t.clone());
                for lang in Lang::ALL {
                    targets.insert(format!("{dir}/updates/{}.{}.md", u.stem, lang.code()), t.clone());
                }
            }
            for a in &p.assets {
                targets.insert(a.clone(), Target::Asset(a.clone()));
            }
        }
        for page in &content.pages {
            for lang in Lang::ALL {
                targets.insert(format!("pages/{}.{}.md", page.name, lang.code()), Target::Page(page.name.clone()));
            }
        }
        for a in &content.page_assets {
            targets.insert(a.clone(), Target::Asset(a.clone()));
        }
        let photos = content.pilots.iter().flat_map(|p| &p.photos).chain(&content.page_photos);
        let photos = photos.map(|ph| (ph.source.clone(), ph.clone())).collect();
        LinkIndex { targets, photos }
    }

    /// Takes the photos of a pilot read again (the preview, after a photo was replaced).
    pub fn set_photos(&mut self, pilot: &crate::load::RawPilot) {
        let dir = format!("pilots/{}/", pilot.slug);
        self.photos.retain(|path, _| !path.starts_with(&dir));
        self.photos.extend(pilot.photos.iter().map(|ph| (ph.source.clone(), ph.clone())));
    }

    /// The photo `link` (written in content folder `from_dir`) shows, if it is one.
    pub fn photo(&self, from_dir: &str, link: &str) -> Option<&Photo> {
        if is_external(link) {
            return None;
        }
        let path = link.find(['#', '?']).map_or(link, |i| &link[..i]);
        let decoded = percent_decode(path);
        let normal = normalize(from_dir.split('/').chain(decoded.split('/')))?;
        self.photos.get(&normal.join("/"))
    }

    /// Resolves `link`, written in a file in content folder `from_dir`, to the URL it should
    /// have on a page in `lang`. `Ok(None)` means leave the link as written (external, anchor).
    pub fn resolve(&self, config: &Config, from_dir: &str, link: &str, lang: Lang) -> Result<Option<String>, String> {
        if is_external(link) {
            return Ok(None);
        }
        let (path, suffix) = match link.find(['#', '?']) {
            Some(i) => (&link[..i], &link[i..]),
            None => (link, ""),
        };
        let decoded = percent_decode(path);
        let parts = from_dir.split('/').chain(decoded.split('/'));
        let Some(normal) = normalize(parts) else {
            return Err(format!("link `{link}` points outside the site's content"));
        };
        let key = normal.join("/");
        let target = self
            .targets
            .get(&key)
            .ok_or_else(|| format!("link `{link}` points to `content/{key}`, which does not exist"))?;
        let url = match target {
            Target::Pilots => urls::section(lang, "pilots"),
            Target::Pilot(slug) => urls::pilot(lang, slug),
            Target::Update(slug, stem) => urls::update(lang, slug, stem),
            Target::Page(name) => urls::page(lang, name),
            Target::Asset(path) => match self.photos.get(path) {
                Some(photo) => urls::asset(&photo.path(photo.link_variant(config.publish_original_images))),
                None => urls::asset(path),
            },
        };
        Ok(Some(format!("{}{suffix}", config.href(&url))))
    }
}

/// Links that are not checked: with a scheme, protocol-relative, site-absolute or anchors.
pub fn is_external(link: &str) -> bool {
    link.is_empty()
        || link.starts_with('#')
        || link.starts_with('/')
        || link.split_once(':').is_some_and(|(scheme, _)| {
            !scheme.is_empty() && scheme.chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        })
}

/// Decodes `%XX` escapes so links to files with spaces or Thai names match.
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_external_links() {
        for l in ["https://x.go.th", "mailto:a@b", "#top", "/static/x.css", "tel:+66"] {
            assert!(is_external(l), "{l}");
        }
        for l in ["../x/", "images/a.png", "report.pdf"] {
            assert!(!is_external(l), "{l}");
        }
    }

    #[test]
    fn decodes_percent_escapes() {
        assert_eq!(percent_decode("my%20map.png"), "my map.png");
        assert_eq!(percent_decode("100%"), "100%");
    }
}
