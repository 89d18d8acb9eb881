//! Making SVG assets inert. An SVG file is a document that can run script on the site's own
//! origin when opened directly, so each one is parsed (roxmltree) and written out again from an
//! allow-list: only elements of the SVG namespace, only plain, `xlink:` and `xml:` attributes,
//! and nothing that runs or fetches: no `<script>`, `<foreignObject>`, `on*` handlers,
//! animations that set a link, references (`href`, `url(...)`, CSS `@import`) to anything but
//! the same document (`#id`) or an embedded picture (`data:image/png` and the like). Comments,
//! processing instructions and the DOCTYPE are dropped. Links of `<a>` may also go to http(s)
//! and mailto addresses, which navigate but do not run. Everything else (shapes, text, styles,
//! gradients, `viewBox`) is kept as it was, so the picture looks the same.

use roxmltree::{Document, Node, NodeType, ParsingOptions};

const SVG_NS: &str = "http://www.w3.org/2000/svg";
const XLINK_NS: &str = "http://www.w3.org/1999/xlink";
const XML_NS: &str = "http://www.w3.org/XML/1998/namespace";

/// Most nodes an SVG may have (entity expansion included), so a hostile file cannot take all memory.
const MAX_NODES: u32 = 2_000_000;

/// Elements dropped with everything inside them.
const DROPPED: &[&str] = &["script", "foreignObject", "handler", "listener"];

/// Animation elements, dropped when they would set a link or a handler.
const ANIMATIONS: &[&str] = &["animate", "set", "animateMotion", "animateTransform", "animateColor"];

/// The SVG `text` rewritten without active content, or why it cannot be read.
pub fn sanitize(text: &str) -> Result<String, String> {
    let options = ParsingOptions { allow_dtd: true, nodes_limit: MAX_NODES, ..ParsingOptions::default() };
    let doc = Document::parse_with_options(text, options).map_err(|e| e.to_string())?;
    let root = doc.root_element();
    if root.tag_name().namespace() != Some(SVG_NS) || root.tag_name().name() != "svg" {
        return Err("the outermost element is not <svg xmlns=\"http://www.w3.org/2000/svg\">".into());
    }
    let mut out = String::with_capacity(text.len());
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    write_element(root, &mut out, true);
    out.push('\n');
    Ok(out)
}

fn write_element(node: Node<'_, '_>, out: &mut String, is_root: bool) {
    let name = node.tag_name().name();
    if node.tag_name().namespace() != Some(SVG_NS) || DROPPED.contains(&name) || sets_a_link(node) {
        return;
    }
    if name == "style" && !node.children().all(|c| c.text().is_none_or(css_is_inert)) {
        return;
    }
    out.push('<');
    out.push_str(name);
    if is_root {
        out.push_str(" xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\"");
    }
    for attr in node.attributes() {
        let prefix = match attr.namespace() {
            None => "",
            Some(XLINK_NS) => "xlink:",
            Some(XML_NS) if attr.name() != "base" => "xml:",
            Some(_) => continue,
        };
        if !attribute_is_inert(name, attr.name(), attr.value()) {
            continue;
        }
        out.push(' ');
        out.push_str(prefix);
        out.push_str(attr.name());
        out.push_str("=\"");
        escape_into(attr.value(), out, true);
        out.push('"');
    }
    let start = out.len();
    out.push('>');
    for child in node.children() {
        match child.node_type() {
            NodeType::Element => write_element(child, out, false),
            NodeType::Text => escape_into(child.text().unwrap_or_default(), out, false),
            _ => {}
        }
    }
    if out.len() == start + 1 {
        out.truncate(start);
        out.push_str("/>");
    } else {
        out.push_str("</");
        out.push_str(name);
        out.push('>');
    }
}

/// True for an animation that targets a link or an event handler (`<set attributeName="href"
/// to="javascript:...">`).
fn sets_a_link(node: Node<'_, '_>) -> bool {
    if !ANIMATIONS.contains(&node.tag_name().name()) {
        return false;
    }
    let target = node.attribute("attributeName").unwrap_or_default().trim().to_ascii_lowercase();
    target.ends_with("href") || target.starts_with("on")
}

fn attribute_is_inert(element: &str, name: &str, value: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    if lower.starts_with("on") {
        return false;
    }
    if lower == "href" {
        return reference_is_inert(value) || (element == "a" && link_is_plain(value));
    }
    if lower == "style" {
        return css_is_inert(value);
    }
    !value.to_ascii_lowercase().contains("url(") || css_is_inert(value)
}

/// A reference to this same document (`#id`) or to an embedded raster picture.
fn reference_is_inert(value: &str) -> bool {
    let v: String = value.chars().filter(|c| !c.is_whitespace() && !c.is_control()).collect::<String>();
    let v = v.trim_matches(|c| c == '"' || c == '\'').to_ascii_lowercase();
    v.starts_with('#')
        || ["data:image/png", "data:image/jpeg", "data:image/gif", "data:image/webp", "data:image/avif"]
            .iter()
            .any(|p| v.starts_with(p))
}

/// A link an `<a>` may keep: it navigates, it does not run.
fn link_is_plain(value: &str) -> bool {
    let v = value.trim().to_ascii_lowercase();
    (v.starts_with("https://") || v.starts_with("http://") || v.starts_with("mailto:"))
        && !v.chars().any(|c| c.is_control())
}

/// CSS (a `<style>` element or a `style` attribute) that loads nothing from elsewhere.
/// Escapes are refused outright: `u\72l(` is `url(` to a browser.
fn css_is_inert(css: &str) -> bool {
    let lower = css.to_ascii_lowercase();
    if lower.contains('\\')
        || lower.contains("@import")
        || lower.contains("image-set(")
        || lower.contains("expression(")
        || lower.contains("javascript:")
    {
        return false;
    }
    lower.match_indices("url(").all(|(i, _)| {
        let rest = &css[i + 4..];
        let inner = &rest[..rest.find(')').unwrap_or(rest.len())];
        reference_is_inert(inner)
    })
}

fn escape_into(text: &str, out: &mut String, attribute: bool) {
    let mut last = 0;
    for (i, b) in text.bytes().enumerate() {
        let replacement = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'\r' => "&#13;",
            b'"' if attribute => "&quot;",
            b'\n' if attribute => "&#10;",
            b'\t' if attribute => "&#9;",
            _ => continue,
        };
        out.push_str(&text[last..i]);
        out.push_str(replacement);
        last = i + 1;
    }
    out.push_str(&text[last..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOSTILE: &str = r##"<?xml version="1.0"?>
<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"
     xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape"
     viewBox="0 0 100 50" width="100" height="50" onload="alert(1)">
  <!-- a comment -->
  <?xml-stylesheet href="https://evil.example/x.css"?>
  <script>alert(document.cookie)</script>
  <style>@import url(https://evil.example/a.css); rect { fill: red }</style>
  <style>circle { fill: url(#g) }</style>
  <defs><linearGradient id="g"><stop offset="0" stop-color="#fff"/></linearGradient></defs>
  <rect id="r" x="1" y="2" width="30" height="20" OnClick="alert(2)" inkscape:label="box"/>
  <circle cx="5" cy="5" r="4" fill="url(https://evil.example/p#x)" style="stroke: url(#g)"/>
  <foreignObject width="10" height="10"><div xmlns="http://www.w3.org/1999/xhtml">hi</div></foreignObject>
  <a xlink:href="javascript:alert(3)"><text x="1" y="40">Lampang &amp; Lamphun</text></a>
  <a href="https://example.go.th/">ok</a>
  <use href="other.svg#icon"/><use xlink:href="#r"/>
  <image href="data:image/png;base64,iVBOR" width="1" height="1"/>
  <image href="file:///etc/passwd"/>
  <set attributeName="href" to="javascript:alert(4)"/>
  <animate attributeName="x" from="0" to="10" dur="1s"/>
</svg>"##;

    #[test]
    fn removes_everything_that_runs_or_fetches() {
        let clean = sanitize(HOSTILE).unwrap();
        for gone in
            ["script", "alert", "onload", "OnClick", "foreignObject", "evil.example", "other.svg", "passwd", "inkscape"]
        {
            assert!(!clean.contains(gone), "{gone} is still in:\n{clean}");
        }
        for kept in [
            r##"viewBox="0 0 100 50""##,
            r##"<rect id="r" x="1" y="2" width="30" height="20"/>"##,
            "circle { fill: url(#g) }",
            r##"style="stroke: url(#g)""##,
            "Lampang &amp; Lamphun",
            r##"<a href="https://example.go.th/">ok</a>"##,
            r##"<use xlink:href="#r"/>"##,
            "data:image/png;base64,iVBOR",
            r##"<animate attributeName="x""##,
        ] {
            assert!(clean.contains(kept), "{kept} is missing from:\n{clean}");
        }
        // Still an SVG document.
        let doc = Document::parse(&clean).unwrap();
        assert_eq!(doc.root_element().tag_name().namespace(), Some(SVG_NS));
        assert_eq!(sanitize(&clean).unwrap(), clean, "sanitising is stable");
    }

    #[test]
    fn refuses_what_is_not_svg() {
        assert!(sanitize("<html><script>x</script></html>").is_err());
        assert!(sanitize("<svg>unclosed").is_err());
        assert!(sanitize("<svg/>").is_err(), "no SVG namespace");
    }

    #[test]
    fn css_escapes_and_imports_are_not_trusted() {
        assert!(!css_is_inert("a { background: u\\72l(https://x) }"));
        assert!(!css_is_inert("@IMPORT 'x.css';"));
        assert!(!css_is_inert("a { fill: url( 'https://x/y' ) }"));
        assert!(css_is_inert("a { fill: url('#g') }"));
    }

    #[test]
    fn entity_bombs_are_refused_quickly() {
        let mut dtd = String::from("<!DOCTYPE svg [<!ENTITY l0 \"lollollollollollollollollollol\">");
        for i in 1..10 {
            let prev = format!("&l{};", i - 1).repeat(10);
            dtd.push_str(&format!("<!ENTITY l{i} \"{prev}\">"));
        }
        dtd.push_str("]>");
        let text = format!("{dtd}<svg xmlns=\"http://www.w3.org/2000/svg\"><text>&l9;</text></svg>");
        let started = std::time::Instant::now();
        assert!(sanitize(&text).is_err());
        assert!(started.elapsed() < std::time::Duration::from_secs(1));
    }
}
