//! Content-hashed names for the theme's stylesheets, scripts and fonts, so a web server or CDN
//! can cache them for a year: `style.css` is published as `style.<10 hex digits>.css`, the
//! digits being the start of the BLAKE3 hash of the bytes published. A changed file gets a new
//! name, and the pages of the same build refer to it, so a returning reader never combines new
//! pages with an old stylesheet. Files that others may ask for by a fixed name (the favicon,
//! pictures, the fonts' licence, a logo) keep their names.
//!
//! Stylesheets refer to fonts (and other stylesheets) by relative `url(...)` and `@import`;
//! those references are rewritten to the hashed names before the stylesheet itself is hashed,
//! so editing a font changes the stylesheet's name too. Scripts are published as they are: a
//! script that needs another static file gets its address from the page.

use std::collections::HashMap;

/// Extensions of the static files published under a content-hashed name.
pub const HASHED: &[&str] = &["css", "js", "mjs", "woff2", "woff", "ttf", "otf"];

/// How many hex digits of the hash a name carries (docs/deploy/nginx.conf matches 8 or more).
pub const DIGITS: usize = 10;

fn extension(name: &str) -> Option<&str> {
    let file = name.rsplit('/').next().unwrap_or(name);
    file.strip_prefix('.').unwrap_or(file).rsplit_once('.').map(|(_, ext)| ext)
}

/// True for a static file (path under static/) that is published under a hashed name.
pub fn is_hashed(name: &str) -> bool {
    extension(name).is_some_and(|e| HASHED.iter().any(|h| e.eq_ignore_ascii_case(h)))
}

/// True for a stylesheet, whose references are rewritten.
pub fn is_css(name: &str) -> bool {
    extension(name).is_some_and(|e| e.eq_ignore_ascii_case("css"))
}

/// `name` with the hash of `bytes` before its extension: `fonts/a.woff2` -> `fonts/a.<hash>.woff2`.
pub fn hashed_name(name: &str, bytes: &[u8]) -> String {
    let hash = blake3::hash(bytes).to_hex();
    let digits = &hash.as_str()[..DIGITS];
    match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() && !stem.ends_with('/') => format!("{stem}.{digits}.{ext}"),
        _ => format!("{name}.{digits}"),
    }
}

/// The folder of a static path, with its slash (`fonts/` for `fonts/a.woff2`, `` for `a.css`).
fn folder(name: &str) -> &str {
    name.rfind('/').map_or("", |i| &name[..=i])
}

/// The static path a relative reference of the stylesheet `from` points to, without `?query`
/// or `#fragment`; `None` for references that leave static/ or are not relative paths.
fn resolve(from: &str, reference: &str) -> Option<String> {
    let path = reference.split(['?', '#']).next().unwrap_or("");
    if path.is_empty() || path.starts_with('/') || path.contains(':') || path.contains('\\') {
        return None;
    }
    let mut parts: Vec<&str> = folder(from).split('/').filter(|p| !p.is_empty()).collect();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

/// The references a stylesheet makes (`url(...)` and `@import "..."`), as byte ranges of the
/// reference text inside `css` (quotes excluded). Comments are skipped.
fn references(css: &str) -> Vec<std::ops::Range<usize>> {
    let bytes = css.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if css[i..].starts_with("/*") {
            i = css[i + 2..].find("*/").map_or(bytes.len(), |e| i + 2 + e + 2);
            continue;
        }
        let rest = &css[i..];
        let after = if rest.len() >= 4 && rest[..4].eq_ignore_ascii_case("url(") {
            Some(i + 4)
        } else if rest.len() >= 7 && rest[..7].eq_ignore_ascii_case("@import") {
            Some(i + 7)
        } else {
            None
        };
        let Some(mut at) = after else {
            i += rest.chars().next().map_or(1, char::len_utf8);
            continue;
        };
        while at < bytes.len() && bytes[at].is_ascii_whitespace() {
            at += 1;
        }
        let (start, end) = match bytes.get(at) {
            Some(&q @ (b'"' | b'\'')) => (at + 1, css[at + 1..].find(q as char).map(|e| at + 1 + e)),
            // `@import url(...)` is found at its `url(`; an unquoted @import word is not CSS.
            Some(_) if after == Some(i + 7) => (at, None),
            Some(_) => (at, css[at..].find(')').map(|e| at + css[at..e + at].trim_end().len())),
            None => (at, None),
        };
        match end {
            Some(end) => {
                out.push(start..end);
                i = end;
            }
            None => i = at.max(i + 1),
        }
    }
    out
}

/// The stylesheet `name` with each reference to a file in `published` (static path -> hashed
/// static path) changed to the hashed name, keeping any `?query` or `#fragment`.
pub fn rewrite_css(name: &str, css: &str, published: &HashMap<String, String>) -> String {
    let mut out = String::with_capacity(css.len() + 64);
    let mut last = 0;
    for range in references(css) {
        let reference = &css[range.clone()];
        let Some(new) = resolve(name, reference).and_then(|target| published.get(&target)) else { continue };
        let path_len = reference.find(['?', '#']).unwrap_or(reference.len());
        let (path, tail) = reference.split_at(path_len);
        // Only the file name changes: the folder part of the reference stays as written.
        let keep = path.rfind('/').map_or("", |i| &path[..=i]);
        let file = new.rsplit('/').next().unwrap_or(new);
        out.push_str(&css[last..range.start]);
        out.push_str(keep);
        out.push_str(file);
        out.push_str(tail);
        last = range.end;
    }
    out.push_str(&css[last..]);
    out
}

/// The static paths a stylesheet refers to among `names`.
pub fn css_targets<'n>(name: &str, css: &str, names: &'n [String]) -> Vec<&'n str> {
    let refs: Vec<String> = references(css).into_iter().filter_map(|r| resolve(name, &css[r])).collect();
    names.iter().filter(|n| refs.contains(n)).map(String::as_str).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_carry_the_hash_before_the_extension() {
        let a = hashed_name("fonts/sarabun.woff2", b"one");
        assert!(a.starts_with("fonts/sarabun.") && a.ends_with(".woff2"), "{a}");
        let digits = &a["fonts/sarabun.".len()..a.len() - ".woff2".len()];
        assert_eq!(digits.len(), DIGITS);
        assert!(digits.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()), "{digits}");
        assert_ne!(a, hashed_name("fonts/sarabun.woff2", b"two"));
        assert_eq!(a, hashed_name("fonts/sarabun.woff2", b"one"));
    }

    #[test]
    fn only_styles_scripts_and_fonts_are_hashed() {
        for n in ["style.css", "search.js", "fonts/a.woff2", "fonts/a.TTF", "x/y.mjs"] {
            assert!(is_hashed(n), "{n}");
        }
        for n in ["favicon.svg", "fonts/OFL.txt", "logo.png", "css", ".js", "README"] {
            assert!(!is_hashed(n), "{n}");
        }
    }

    #[test]
    fn stylesheet_references_follow_the_hashed_names() {
        let published: HashMap<String, String> = [
            ("fonts/a.woff2", "fonts/a.1111111111.woff2"),
            ("print.css", "print.2222222222.css"),
            ("img/bg.png", "img/bg.3333333333.png"),
        ]
        .into_iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
        let css = concat!(
            "@import \"print.css\";\n",
            "@font-face { src: url(\"fonts/a.woff2\") format(\"woff2\"), url( 'fonts/a.woff2?v=1#x' ); }\n",
            "/* url(fonts/a.woff2) in a comment */\n",
            "a { background: url(./img/bg.png ) }\n",
            "b { background: url(/static/fonts/a.woff2), url(data:image/png;base64,AAA=), url(missing.woff2) }\n",
        );
        let out = rewrite_css("style.css", css, &published);
        assert_eq!(
            out,
            concat!(
                "@import \"print.2222222222.css\";\n",
                "@font-face { src: url(\"fonts/a.1111111111.woff2\") format(\"woff2\"), url( 'fonts/a.1111111111.woff2?v=1#x' ); }\n",
                "/* url(fonts/a.woff2) in a comment */\n",
                "a { background: url(./img/bg.3333333333.png ) }\n",
                "b { background: url(/static/fonts/a.woff2), url(data:image/png;base64,AAA=), url(missing.woff2) }\n",
            )
        );
    }

    #[test]
    fn references_resolve_from_the_stylesheets_folder() {
        assert_eq!(resolve("css/site.css", "../fonts/a.woff2").as_deref(), Some("fonts/a.woff2"));
        assert_eq!(resolve("css/site.css", "b.css?x").as_deref(), Some("css/b.css"));
        assert_eq!(resolve("site.css", "../../etc/passwd"), None);
        assert_eq!(resolve("site.css", "https://x/a.css"), None);
        let names = vec!["css/b.css".to_string(), "fonts/a.woff2".to_string()];
        assert_eq!(
            css_targets("css/site.css", "@import 'b.css'; x{src:url(../fonts/a.woff2)}", &names),
            ["css/b.css", "fonts/a.woff2"]
        );
    }
}
