//! Property tests for relative links: `source::normalize`, `links::LinkIndex` and the link
//! rewriting of `markdown::render`, over generated paths (with `..`, `.`, `%20`, fragments,
//! queries, Thai names) and generated Markdown documents mixing them with absolute URLs,
//! `mailto:`, other external links and dangerous ones (`javascript:` however spelled); and the
//! URL policy: no URL with a refused scheme survives into the HTML.

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::OnceLock;

use namrong::config::Config;
use namrong::links::{LinkIndex, is_external};
use namrong::markdown;
use namrong::model::Lang;
use namrong::source::normalize;
use namrong::url_policy;
use proptest::prelude::*;

const CASES: u32 = 256;

/// Files of the test site, relative to content/. Names with spaces, Thai letters and `%`
/// make links that need escapes to reach them.
const FILES: &[&str] = &[
    "issues.toml",
    "pilots/alpha/pilot.toml",
    "pilots/alpha/th.md",
    "pilots/alpha/en.md",
    "pilots/alpha/updates/2024-09-25-news.th.md",
    "pilots/alpha/updates/2024-09-25-news.en.md",
    "pilots/alpha/images/map.svg",
    "pilots/alpha/images/แผนที่.png",
    "pilots/alpha/images/แผนที่ ลำปาง.png",
    "pilots/alpha/docs/report 2024.pdf",
    "pilots/alpha/docs/100%.pdf",
    "pilots/beta/pilot.toml",
    "pilots/beta/th.md",
    "pages/about.th.md",
    "pages/about.en.md",
    "pages/logo.png",
];

/// The content paths a link may point at: what the README promises is linkable.
fn linkable() -> BTreeSet<String> {
    let mut keys: BTreeSet<String> = ["pilots", "pilots/alpha", "pilots/beta"].map(String::from).into();
    for f in FILES {
        if *f != "issues.toml" {
            keys.insert(f.to_string());
        }
    }
    // Both language versions of a pilot, update or page are linkable even when only one is
    // written: the page exists in both languages (showing the other text with a notice).
    for slug in ["alpha", "beta"] {
        for f in ["th.md", "en.md", "pilot.toml"] {
            keys.insert(format!("pilots/{slug}/{f}"));
        }
    }
    keys.insert("pilots/alpha/updates/2024-09-25-news".into());
    keys
}

struct Fixture {
    _dir: tempfile::TempDir,
    config: Config,
    index: LinkIndex,
    keys: BTreeSet<String>,
}

fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let write = |rel: &Path, text: &str| {
            std::fs::create_dir_all(root.join(rel).parent().unwrap()).unwrap();
            std::fs::write(root.join(rel), text).unwrap();
        };
        write(
            Path::new("namrong.toml"),
            "title = { th = \"ท\", en = \"T\" }\nbase_url = \"https://example.go.th/site/\"\n",
        );
        for f in FILES {
            let text = match *f {
                "issues.toml" => "[water]\nth = \"น้ำ\"\nen = \"Water\"\n",
                f if f.ends_with("pilot.toml") => "title = { th = \"ท\" }\n",
                f if f.contains("/updates/") => "+++\ntitle = \"ข่าว\"\n+++\nข่าว\n",
                _ => "x\n",
            };
            write(&Path::new("content").join(f), text);
        }
        let config = namrong::config::load_config(root).unwrap_or_else(|e| panic!("{e}"));
        let (content, problems) = namrong::load::load_content(root);
        assert!(!problems.has_errors(), "{problems}");
        let index = LinkIndex::new(&content);
        Fixture { _dir: dir, config, index, keys: linkable() }
    })
}

// --- models -----------------------------------------------------------------------------------

/// `normalize` as a stack machine; `None` when a `..` has nothing to pop.
fn model_normalize(parts: &[String]) -> Option<Vec<String>> {
    let mut stack = Vec::new();
    for p in parts {
        match p.as_str() {
            "" | "." => {}
            ".." => {
                stack.pop()?;
            }
            p => stack.push(p.to_string()),
        }
    }
    Some(stack)
}

/// Decodes `%XX`, as links to files with spaces or Thai names are written.
fn model_decode(s: &str) -> String {
    let mut out = Vec::new();
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && let Some(v) = s.get(i + 1..i + 3).and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_string())
}

/// Splits a link into its path and its `#fragment` / `?query`.
fn split_suffix(link: &str) -> (&str, &str) {
    link.find(['#', '?']).map_or((link, ""), |i| (&link[..i], &link[i..]))
}

/// pulldown-cmark's escaping of `href` / `src` values.
fn escape_href(s: &str) -> String {
    let mut out = String::new();
    for &b in s.as_bytes() {
        match b {
            b'&' => out.push_str("&amp;"),
            b'\'' => out.push_str("&#x27;"),
            b if b.is_ascii_alphanumeric() || b"!#$%()*+,-./:;=?@^_~".contains(&b) => out.push(b as char),
            b => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

fn percent_encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b".-_".contains(&b) { (b as char).to_string() } else { format!("%{b:02X}") }
        })
        .collect()
}

// --- generators -------------------------------------------------------------------------------

const FROM_DIRS: &[&str] = &["pilots/alpha", "pilots/alpha/updates", "pilots/beta", "pages"];

fn segment() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => Just("..".to_string()),
        1 => Just(".".to_string()),
        1 => Just(String::new()),
        1 => Just("%2E%2E".to_string()),
        6 => prop::sample::select(vec![
            "alpha", "beta", "pilots", "pages", "images", "docs", "updates", "map.svg", "แผนที่.png",
            "th.md", "en.md", "pilot.toml", "about.th.md", "about.en.md", "logo.png", "100%.pdf",
            "2024-09-25-news", "2024-09-25-news.th.md", "2024-09-25-news.en.md", "missing.png", "ภาพ", "...",
        ])
        .prop_map(String::from),
        2 => prop::sample::select(vec!["แผนที่ ลำปาง.png", "report 2024.pdf", "แผนที่.png", "map.svg"])
            .prop_map(percent_encode),
        1 => "[a-z0-9ก-ฮ._-]{1,8}",
        // Whole paths that exist from some folder, so that many links resolve.
        4 => prop::sample::select(vec![
            "images/map.svg", "images/แผนที่.png", "docs/report%202024.pdf", "docs/100%.pdf", "updates/2024-09-25-news.en.md",
            "../alpha", "../beta/th.md", "../../pages/about.en.md", "../pilots/alpha/", "../../pilots", "../pages/logo.png",
        ])
        .prop_map(String::from),
    ]
}

fn suffix() -> impl Strategy<Value = String> {
    prop::sample::select(vec!["", "", "", "#x", "#ที่มา", "?v=1", "?a=1#b", "#..", "?p=../x", "#", "?"])
        .prop_map(String::from)
}

/// A relative link: segments, maybe a trailing slash, maybe a fragment or query.
fn relative_link() -> impl Strategy<Value = String> {
    (prop_oneof![3 => Just(0usize), 1 => 1..4usize], prop::collection::vec(segment(), 1..4), any::<bool>(), suffix())
        .prop_map(|(up, parts, slash, suffix)| {
            let mut link = "../".repeat(up) + &parts.join("/");
            if slash {
                link.push('/');
            }
            link + &suffix
        })
}

fn external_link() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "https://example.com/a/../b",
            "http://www.example.go.th/",
            "mailto:someone@example.go.th",
            "MAILTO:x@y.th",
            "tel:+6621234567",
            "ftp://files.example.com/x.pdf",
            "//cdn.example.com/x.js",
            "javascript:alert(document.cookie)",
            "JaVaScRiPt:alert(1)",
            "&#106;avascript:alert(1)",
            "&#x6A;avascript:alert(1)",
            "javascript&colon;alert(1)",
            " javascript:alert(1)",
            "java&#9;script:alert(1)",
            "java&Tab;script:alert(1)",
            "vbscript:msgbox(1)",
            "data:text/html;base64,PHNjcmlwdD4=",
            "DATA:image/svg+xml,x",
            "/static/style.css",
            "/../../etc/passwd",
            "#top",
            "#ที่มา",
            "",
        ])
        .prop_map(String::from),
        ("[a-z][a-z0-9+.-]{0,6}", "[a-z0-9/._-]{0,10}").prop_map(|(s, r)| format!("{s}:{r}")),
        relative_link().prop_map(|l| format!("/{l}")),
        relative_link().prop_map(|l| format!("#{l}")),
    ]
}

fn any_link() -> impl Strategy<Value = String> {
    prop_oneof![3 => relative_link(), 1 => external_link()]
}

fn lang() -> impl Strategy<Value = Lang> {
    prop::sample::select(Lang::ALL.to_vec())
}

/// One link in a generated document.
#[derive(Debug, Clone)]
struct Link {
    dest: String,
    image: bool,
    title: bool,
    angle: bool,
    text: String,
}

impl Link {
    fn markdown(&self) -> String {
        let dest = if self.angle { format!("<{}>", self.dest) } else { self.dest.clone() };
        let title = if self.title { " \"ชื่อ title\"" } else { "" };
        let bang = if self.image { "!" } else { "" };
        format!("{bang}[{}]({dest}{title})", self.text)
    }
}

fn words() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(vec!["ลำปาง", "หมอกควัน", "pilot", "report", "ข้อมูล", "2567"]), 1..4)
        .prop_map(|w| w.join(" "))
}

fn link() -> impl Strategy<Value = Link> {
    (any_link(), any::<bool>(), any::<bool>(), any::<bool>(), words()).prop_map(|(dest, image, title, angle, text)| {
        // An empty destination needs <> to stay a link.
        let angle = angle || dest.is_empty();
        Link { dest, image, title, angle, text }
    })
}

/// A block: a paragraph, heading, list item or quote holding words and links.
fn block() -> impl Strategy<Value = (String, Vec<Link>)> {
    (prop::sample::select(vec!["", "## ", "- ", "> ", "1. "]), prop::collection::vec((words(), link()), 0..4), words())
        .prop_map(|(prefix, items, tail)| {
            let mut text = prefix.to_string();
            let mut links = Vec::new();
            for (w, l) in items {
                text.push_str(&w);
                text.push(' ');
                text.push_str(&l.markdown());
                text.push(' ');
                links.push(l);
            }
            text.push_str(&tail);
            (text, links)
        })
}

/// A document and its links in order. `raw_html` adds an inline tag so the output is sanitised.
fn document() -> impl Strategy<Value = (String, Vec<Link>)> {
    (prop::collection::vec(block(), 1..8), any::<bool>()).prop_map(|(blocks, raw_html)| {
        let mut body = String::new();
        let mut links = Vec::new();
        for (text, ls) in blocks {
            body.push_str(&text);
            body.push_str("\n\n");
            links.extend(ls);
        }
        if raw_html {
            body.push_str("<b>ตัวหนา</b> and <script>alert(1)</script> <a href=\"java&#x09;script:alert(1)\">r</a>\n");
        }
        (body, links)
    })
}

// --- properties -------------------------------------------------------------------------------

proptest! {
    #![proptest_config(ProptestConfig::with_cases(CASES))]

    /// `normalize` resolves `.` and `..`, never returns `..`, `.` or empty parts, is idempotent,
    /// and returns `None` exactly when the path climbs above its start.
    #[test]
    fn normalize_never_climbs(parts in prop::collection::vec(
        prop_oneof![Just("..".to_string()), Just(".".to_string()), Just(String::new()), "[a-zก-ฮ.]{1,4}"], 0..12)
    ) {
        let got = normalize(&parts);
        prop_assert_eq!(&got, &model_normalize(&parts));
        let mut depth: i64 = 0;
        let mut climbed = false;
        for p in &parts {
            match p.as_str() {
                ".." => { depth -= 1; climbed |= depth < 0; }
                "" | "." => {}
                _ => depth += 1,
            }
        }
        prop_assert_eq!(got.is_none(), climbed);
        if let Some(out) = got {
            prop_assert!(out.iter().all(|p| !p.is_empty() && p != "." && p != ".."), "{:?}", out);
            prop_assert_eq!(normalize(&out), Some(out.clone()));
            prop_assert_eq!(out.len() as i64, depth);
        }
    }

    /// External links (a scheme, `//host`, `/path`, `#anchor`, empty) are kept as written;
    /// everything else is checked against the content.
    #[test]
    fn external_links_are_never_rewritten(link in any_link(), from in prop::sample::select(FROM_DIRS), lang in lang()) {
        let f = fixture();
        let result = f.index.resolve(&f.config, from, &link, lang);
        if is_external(&link) {
            prop_assert_eq!(result, Ok(None));
        } else {
            prop_assert!(!matches!(result, Ok(None)), "a relative link is either rewritten or broken: {}", link);
        }
    }

    /// A relative link resolves exactly when its normalised path is linkable content; the URL
    /// is under the base path, has no `..` or `.` parts, and keeps the fragment or query.
    /// Broken links say why, naming the link as written.
    #[test]
    fn relative_links_resolve_inside_the_site(link in relative_link(), from in prop::sample::select(FROM_DIRS), lang in lang()) {
        prop_assume!(!is_external(&link));
        let f = fixture();
        let result = f.index.resolve(&f.config, from, &link, lang);
        let (path, suffix) = split_suffix(&link);
        let decoded = model_decode(path);
        let parts: Vec<String> = from.split('/').chain(decoded.split('/')).map(String::from).collect();
        match (model_normalize(&parts), result) {
            (None, Err(msg)) => {
                prop_assert!(msg.contains("outside") && msg.contains(&link), "{}", msg);
            }
            (None, Ok(url)) => prop_assert!(false, "{} climbs out of content/ but resolved to {:?}", link, url),
            (Some(key), result) => {
                let key = key.join("/");
                match result {
                    Ok(Some(url)) => {
                        prop_assert!(f.keys.contains(&key), "{} -> {} resolved to {}", link, key, url);
                        let (url_path, url_suffix) = split_suffix(&url);
                        prop_assert_eq!(url_suffix, suffix);
                        prop_assert!(url_path.starts_with("/site/"), "{}", url);
                        let inner = url_path.trim_start_matches("/site/").trim_end_matches('/');
                        prop_assert!(
                            inner.is_empty() || inner.split('/').all(|p| !p.is_empty() && p != "." && p != ".."),
                            "{} -> {}", link, url
                        );
                        // Assets have one URL; pages have one per language, English under en/.
                        let asset = key.contains('.') && !key.ends_with(".md") && !key.ends_with("/pilot.toml");
                        prop_assert_eq!(inner.starts_with("en/"), lang == Lang::En && !asset, "{} -> {}", link, url);
                    }
                    Ok(None) => prop_assert!(false, "{} was left as written", link),
                    Err(msg) => {
                        prop_assert!(!f.keys.contains(&key), "{} -> {} exists: {}", link, key, msg);
                        prop_assert!(msg.contains("does not exist") && msg.contains(&link), "{}", msg);
                    }
                }
            }
        }
    }

    /// Rendering never panics; rewritten links appear in the HTML with their new target, kept
    /// ones with their own; each rejected link is reported once, in document order, with a byte
    /// range inside the body whose text holds the destination.
    #[test]
    fn render_rewrites_and_reports_links(
        (body, links) in document(),
        from in prop::sample::select(FROM_DIRS),
        lang in lang(),
        trust_html in any::<bool>(),
    ) {
        let f = fixture();
        let resolve = |l: &str| f.index.resolve(&f.config, from, l, lang);
        let rendered = markdown::render(&body, resolve, trust_html);
        // Links the URL policy refuses are reported as problems, never resolved.
        let refused: Vec<&Link> = links.iter().filter(|l| !url_policy::is_allowed(&l.dest)).collect();
        prop_assert_eq!(rendered.problems.len(), refused.len(), "{:#?}", rendered.problems);
        for (problem, link) in rendered.problems.iter().zip(&refused) {
            prop_assert!(body[problem.range.clone()].contains(&link.dest), "{:?} {:?}", problem, link.dest);
            prop_assert!(problem.message.contains("is not allowed"), "{}", problem.message);
        }
        let expected: Vec<(&Link, Result<Option<String>, String>)> =
            links.iter().filter(|l| url_policy::is_allowed(&l.dest)).map(|l| (l, resolve(&l.dest))).collect();

        let broken: Vec<&(&Link, _)> = expected.iter().filter(|(_, r)| r.is_err()).collect();
        prop_assert_eq!(rendered.broken_links.len(), broken.len(), "{:#?}", rendered.broken_links);
        let mut last_end = 0;
        for ((range, reason), (link, result)) in rendered.broken_links.iter().zip(&broken) {
            prop_assert!(range.start < range.end && range.end <= body.len(), "{:?}", range);
            prop_assert!(range.start >= last_end, "reports are in order and do not overlap");
            last_end = range.end;
            let text = &body[range.clone()];
            prop_assert!(text.contains(&link.dest), "{:?} does not hold {:?}", text, link.dest);
            prop_assert!(text.starts_with(if link.image { "![" } else { "[" }), "{:?}", text);
            prop_assert_eq!(Some(reason), result.as_ref().err());
        }

        let sanitised = !trust_html && body.contains("<b>");
        for (link, result) in &expected {
            if sanitised && link.dest.split_once(':').is_some_and(|(scheme, _)| !scheme.contains(['/', '#'])) {
                continue; // the sanitiser drops URLs with schemes it does not know
            }
            let target = match result {
                Ok(Some(url)) => url.clone(),
                Ok(None) | Err(_) => link.dest.clone(),
            };
            let attr = if link.image { "src" } else { "href" };
            let needle = format!("{attr}=\"{}\"", escape_href(&target));
            prop_assert!(rendered.html.contains(&needle), "{} not in\n{}", needle, rendered.html);
        }
        if !trust_html {
            prop_assert!(!rendered.html.contains("<script"), "raw HTML is sanitised");
        }
        // Whatever survives has an allowed scheme once decoded (trusted raw HTML aside).
        if !(trust_html && body.contains("<b>")) {
            prop_assert_eq!(url_policy::refused_in_html(&rendered.html), Vec::<String>::new(), "{}", rendered.html);
        }
    }

    /// The policy's verdict does not depend on case, on character references, on surrounding
    /// spaces or controls, or on tabs and line breaks inside the scheme; and only the four
    /// allowed schemes pass.
    #[test]
    fn url_policy_sees_through_spelling(
        scheme in "[a-z][a-z0-9+.-]{0,9}",
        rest in "[a-z0-9/()._-]{0,12}",
        upper in prop::collection::vec(any::<bool>(), 10),
        encode in 0..4usize,
        pad in prop::sample::select(vec!["", " ", "\u{1}", "\t", " \n "]),
    ) {
        let allowed = url_policy::ALLOWED_SCHEMES.contains(&scheme.as_str());
        let cased: String = scheme.chars().zip(upper.iter().cycle()).map(|(c, &u)| if u { c.to_ascii_uppercase() } else { c }).collect();
        let mut spelled = match encode {
            0 => cased.clone(),
            1 => cased.chars().map(|c| format!("&#{};", c as u32)).collect(),
            2 => cased.chars().map(|c| format!("&#x{:x}", c as u32)).collect::<Vec<_>>().join("&Tab;"),
            _ => { let mut s = cased.clone(); s.insert(1.min(s.len()), '\t'); s }
        };
        spelled = format!("{pad}{spelled}{}{rest}", if encode == 1 { "&colon;" } else { ":" });
        prop_assert_eq!(url_policy::is_allowed(&spelled), allowed, "{:?}", spelled);
        if !allowed {
            prop_assert_eq!(url_policy::check(&spelled).unwrap_err().scheme, scheme);
        }
    }

    /// Reading attributes never panics, whatever the text.
    #[test]
    fn refused_in_html_takes_any_text(text in ".{0,200}") {
        let _ = url_policy::refused_in_html(&text);
    }
}

/// An e-mail autolink `<someone@example.go.th>` reaches the resolver without its `mailto:`
/// (pulldown-cmark adds it when writing HTML), so `is_external` does not recognise it and the
/// site reports it as a broken relative link.
#[test]
fn email_autolinks_are_not_broken_links() {
    let f = fixture();
    let resolve = |l: &str| f.index.resolve(&f.config, "pilots/alpha", l, Lang::Th);
    let rendered = markdown::render("เขียนถึง <someone@example.go.th> ได้\n", resolve, false);
    assert!(rendered.broken_links.is_empty(), "{:?}", rendered.broken_links);
    assert!(rendered.html.contains("href=\"mailto:someone@example.go.th\""), "{}", rendered.html);
}

/// The cases the generators aim at, spelled out.
#[test]
fn examples() {
    let f = fixture();
    let r = |from: &str, l: &str, lang| f.index.resolve(&f.config, from, l, lang);
    assert_eq!(r("pilots/alpha", "images/map.svg#x", Lang::En), Ok(Some("/site/pilots/alpha/images/map.svg#x".into())));
    assert_eq!(
        r("pilots/alpha", "images/%E0%B9%81%E0%B8%9C%E0%B8%99%E0%B8%97%E0%B8%B5%E0%B9%88.png", Lang::Th),
        Ok(Some("/site/pilots/alpha/images/แผนที่.png".into()))
    );
    assert_eq!(
        r("pilots/alpha", "images/แผนที่%20ลำปาง.png", Lang::Th),
        Ok(Some("/site/pilots/alpha/images/แผนที่ ลำปาง.png".into()))
    );
    assert_eq!(r("pilots/alpha/updates", "../../beta/", Lang::En), Ok(Some("/site/en/pilots/beta/".into())));
    assert_eq!(r("pages", "about.en.md?x=1", Lang::Th), Ok(Some("/site/about/?x=1".into())));
    assert_eq!(r("pilots/alpha", "%2E%2E/%2E%2E/%2E%2E/x", Lang::Th).map_err(|e| e.contains("outside")), Err(true));
    assert_eq!(r("pilots/alpha", "mailto:a@b.th", Lang::Th), Ok(None));
    let html =
        markdown::render("[แผนที่](images/แผนที่%20ลำปาง.png)", |l: &str| r("pilots/alpha", l, Lang::Th), false).html;
    assert!(html.contains(&escape_href("/site/pilots/alpha/images/แผนที่ ลำปาง.png")), "{html}");
}
