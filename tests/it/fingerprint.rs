//! Fingerprinted static files: the theme's stylesheet, script and fonts are published under
//! names carrying the hash of their bytes, pages refer to those names, the stylesheet's font
//! addresses follow them, and a changed file gets a new name while the old one goes.

use std::fs;
use std::path::Path;

use crate::support::*;

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Every `static/...` address in `html` (attribute values), as output paths.
fn static_refs(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for part in html.split("\"").skip(1).step_by(2) {
        if let Some(i) = part.find("/static/") {
            out.push(part[i + 1..].to_string());
        }
    }
    out.sort();
    out.dedup();
    out
}

/// The address after `attr="` of the first tag containing `marker`.
fn attr_of(html: &str, marker: &str, attr: &str) -> String {
    let at = html.find(marker).unwrap_or_else(|| panic!("no {marker:?} in the page"));
    let tag_start = html[..=at].rfind('<').unwrap();
    let tag = &html[tag_start..tag_start + html[tag_start..].find('>').unwrap()];
    let key = format!("{attr}=\"");
    let v = &tag[tag.find(&key).unwrap_or_else(|| panic!("no {attr} in {tag}")) + key.len()..];
    let v = &v[..v.find('"').unwrap()];
    v[v.find("static/").unwrap_or_else(|| panic!("{v} is not a static address"))..].to_string()
}

/// `static/<name>` with `name` = `stem.<hash of bytes>.ext`.
#[track_caller]
fn assert_hashed(path: &str, original: &str, bytes: &[u8]) {
    let (stem, ext) = original.rsplit_once('.').unwrap();
    let hash = blake3::hash(bytes).to_hex();
    assert_eq!(path, format!("static/{stem}.{}.{ext}", &hash.as_str()[..10]), "{original}");
}

#[test]
fn styles_scripts_and_fonts_are_published_under_their_content_hash() {
    let site = SiteTest::new("bilingual");
    site.build();
    let home = site.read("index.html");
    let css_path = attr_of(&home, "rel=\"stylesheet\"", "href");
    let css = fs::read(site.out().join(&css_path)).unwrap();
    assert_hashed(&css_path, "style.css", &css);
    let css = String::from_utf8(css).unwrap();

    // The stylesheet is the theme's, with each font address changed to the font's hashed name,
    // and each of those fonts is published with the theme's bytes.
    let theme_css = fs::read_to_string(repo().join("themes/default/static/style.css")).unwrap();
    let fonts: Vec<&str> = theme_css.split("url(\"").skip(1).map(|s| &s[..s.find('"').unwrap()]).collect();
    assert_eq!(fonts.len(), 4, "the theme's stylesheet names four fonts");
    let mut expected = theme_css.clone();
    for font in &fonts {
        let bytes = fs::read(repo().join("themes/default/static").join(font)).unwrap();
        let hashed = css.split("url(\"").skip(1).map(|s| &s[..s.find('"').unwrap()]).find(|u| {
            let stem = font.trim_end_matches(".woff2");
            u.starts_with(stem) && u.len() == font.len() + 11
        });
        let hashed = hashed.unwrap_or_else(|| panic!("the stylesheet does not name {font}:\n{css}"));
        assert_hashed(&format!("static/{hashed}"), font, &bytes);
        assert_eq!(fs::read(site.out().join("static").join(hashed)).unwrap(), bytes, "{hashed}");
        expected = expected.replace(&format!("url(\"{font}\")"), &format!("url(\"{hashed}\")"));
    }
    assert_eq!(css, expected);

    // The search page's script, and the fonts the page preloads.
    let search = site.read("search/index.html");
    let js_path = attr_of(&search, "<script src=", "src");
    let js = fs::read(repo().join("themes/default/static/search.js")).unwrap();
    assert_hashed(&js_path, "search.js", &js);
    assert_eq!(fs::read(site.out().join(&js_path)).unwrap(), js);
    let preload = attr_of(&home, "rel=\"preload\"", "href");
    assert!(css.contains(preload.trim_start_matches("static/")), "{preload} is the stylesheet's font");

    // Unhashed copies are not published; the favicon and the fonts' licence keep their names.
    for gone in ["static/style.css", "static/search.js", "static/fonts/sarabun-thai-400-normal.woff2"] {
        assert!(!site.exists(gone), "{gone}");
    }
    assert!(site.exists("static/favicon.svg") && site.exists("static/fonts/OFL.txt"));
    assert_eq!(attr_of(&home, "rel=\"icon\"", "href"), "static/favicon.svg");

    // Every static address of every page is a published file.
    for (path, bytes) in tree(&site.out()) {
        if path.ends_with(".html") {
            for r in static_refs(&String::from_utf8(bytes).unwrap()) {
                assert!(site.exists(&r), "{path} refers to {r}, which is not published");
            }
        }
    }
}

#[test]
fn a_changed_stylesheet_or_font_gets_a_new_name_and_the_old_one_goes() {
    let site = SiteTest::new("bilingual");
    site.build();
    let first = attr_of(&site.read("index.html"), "rel=\"stylesheet\"", "href");

    let theme_css = fs::read_to_string(repo().join("themes/default/static/style.css")).unwrap();
    site.write("themes/default/static/style.css", theme_css + "\n.lost { color: #a00 }\n");
    let report = site.build();
    let second = attr_of(&site.read("index.html"), "rel=\"stylesheet\"", "href");
    assert_ne!(first, second);
    assert!(site.exists(&second) && !site.exists(&first), "the old stylesheet is removed");
    assert!(site.read(&second).contains(".lost { color: #a00 }"));
    assert_eq!(second, attr_of(&site.read("en/pilots/alpha/index.html"), "rel=\"stylesheet\"", "href"));
    assert_eq!(report.changes.removed, 1, "only the old stylesheet goes: {:?}", report.changes);

    // A new font changes the font's name, and so the stylesheet's.
    let font = "fonts/sarabun-latin-700-normal.woff2";
    let mut bytes = fs::read(repo().join("themes/default/static").join(font)).unwrap();
    bytes.push(0);
    site.write(&format!("themes/default/static/{font}"), &bytes);
    site.build();
    let third = attr_of(&site.read("index.html"), "rel=\"stylesheet\"", "href");
    assert_ne!(third, second, "the stylesheet names the new font, so its own name changes");
    let css = site.read(&third);
    let url = css.split("url(\"").skip(1).map(|s| &s[..s.find('"').unwrap()]).find(|u| u.contains("latin-700"));
    assert_eq!(fs::read(site.out().join("static").join(url.unwrap())).unwrap(), bytes);
}

#[test]
fn a_template_naming_a_missing_static_file_is_an_error() {
    let site = SiteTest::new("bilingual");
    let base = fs::read_to_string(repo().join("themes/default/templates/base.html")).unwrap();
    site.write(
        "themes/default/templates/base.html",
        base.replace("{{ \"style.css\" | static_url }}", "{{ \"styles.css\" | static_url }}"),
    );
    let text = site.build_errors().to_string();
    assert!(text.contains("static/styles.css"), "{text}");
    assert!(!site.out().exists());
}
