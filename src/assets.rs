//! Content assets (pictures, PDFs, any file beside the records) as published: files that would
//! run script on the site's own origin (`.html`, `.js` and the like) are refused unless
//! namrong.toml says `allow_active_assets = true`, and SVG pictures are published only after
//! `svg::sanitize` has taken out what runs or fetches. Other files are copied as they are.

use std::path::Path;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::load::CONTENT_DIR;
use crate::model::Site;
use crate::output::Body;

/// Extensions of files a browser runs as pages or scripts when served from the site.
pub const ACTIVE: &[&str] = &["html", "htm", "xhtml", "xht", "shtml", "js", "mjs", "cjs", "svgz"];

fn extension(path: &str) -> String {
    Path::new(path).extension().map(|e| e.to_string_lossy().to_ascii_lowercase()).unwrap_or_default()
}

/// One error per active asset of `site` (paths relative to content/), unless they are allowed.
pub fn refuse_active(site: &Site) -> Diagnostics {
    let mut problems = Diagnostics::new();
    if site.config.allow_active_assets {
        return problems;
    }
    let all = site.pilots.iter().flat_map(|p| &p.assets).chain(&site.assets);
    for asset in all.filter(|a| ACTIVE.contains(&extension(a).as_str())) {
        let ext = extension(asset);
        let (what, hint) = if ext == "svgz" {
            ("a compressed SVG cannot be checked for scripts", "unzip it and publish the .svg instead")
        } else {
            (
                "HTML and JavaScript files would run on the site's own pages, so they are not published",
                "link to the page elsewhere, or rename it (e.g. .txt) to publish it as text; a site whose every contributor is trusted can set allow_active_assets = true in namrong.toml",
            )
        };
        problems.push(Diagnostic::error(Path::new(CONTENT_DIR).join(asset), what).hint(hint));
    }
    problems
}

/// What an asset (path relative to content/) is published as: SVG pictures sanitised, other
/// files copied.
pub fn body(root: &Path, asset: &str) -> Result<Body, Diagnostic> {
    let rel = Path::new(CONTENT_DIR).join(asset);
    if extension(asset) != "svg" {
        return Ok(Body::File(root.join(rel)));
    }
    let bytes = crate::nofollow::read(root, &rel)?;
    let unreadable = |why: String| {
        Diagnostic::error(&rel, format!("this SVG picture cannot be read ({why}), so it cannot be checked for scripts"))
            .hint("open it in a drawing program and save it again as plain SVG, or publish it as PNG")
    };
    let text = String::from_utf8(bytes).map_err(|_| unreadable("it is not UTF-8 text".into()))?;
    let clean = crate::svg::sanitize(text.trim_start_matches('\u{feff}')).map_err(unreadable)?;
    Ok(Body::Bytes(clean.into_bytes()))
}
