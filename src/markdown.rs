//! Markdown to HTML: CommonMark with tables, footnotes and strikethrough; heading ids for
//! anchors; every link and image URL checked against the URL policy (`url_policy`) and
//! relative links rewritten through a resolver (and reported when they point at nothing);
//! video links standing alone on a line turned into privacy-friendly embeds; raw HTML
//! sanitised unless the site trusts its authors; costs bounded (raw HTML nesting and table
//! cells are limited). Pure: no IO, no knowledge of the site.

use std::collections::HashSet;
use std::ops::Range;

use pulldown_cmark::{CowStr, Event, LinkType, Options, Parser, Tag, TagEnd, html};

mod pictures;
use crate::url_policy;
pub use pictures::Pictures;

/// How deep raw HTML may nest (open elements inside each other) before it is refused: the
/// sanitiser's cost grows with the square of the depth, and no real page comes close.
pub const MAX_HTML_DEPTH: usize = 500;

/// How many table cells one Markdown file may hold (all its tables together).
pub const MAX_TABLE_CELLS: usize = 50_000;

/// The result of rendering one Markdown body.
#[derive(Debug, Default)]
pub struct Rendered {
    /// The HTML.
    pub html: String,
    /// The text without markup, for descriptions and search.
    pub plain: String,
    /// Links that could not be resolved: byte range in the body and the reason.
    pub broken_links: Vec<(Range<usize>, String)>,
    /// Images written without alternative text: byte range in the body.
    pub missing_alt: Vec<Range<usize>>,
    /// Everything else that is wrong: links with a scheme the URL policy refuses, raw HTML
    /// nested too deep, too many table cells.
    pub problems: Vec<Problem>,
}

/// A problem in a Markdown body that is not about where a link points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Byte range in the body.
    pub range: Range<usize>,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub hint: String,
}

/// Resolves a link destination: `Ok(Some(url))` to rewrite, `Ok(None)` to keep, `Err` if broken.
pub trait Resolve: Fn(&str) -> Result<Option<String>, String> {}
impl<F: Fn(&str) -> Result<Option<String>, String>> Resolve for F {}

/// Renders `body`. Raw HTML is sanitised unless `trust_html`; link and image URLs are checked
/// against the URL policy in every case.
pub fn render(body: &str, resolve: impl Resolve, trust_html: bool) -> Rendered {
    render_with_pictures(body, resolve, trust_html, &|_: &str, _: &str, _: &str| None)
}

/// Renders `body` like [`render`], with each image that `pictures` knows (by its destination
/// as written) shown with the markup it returns.
pub fn render_with_pictures(body: &str, resolve: impl Resolve, trust_html: bool, pictures: &Pictures<'_>) -> Rendered {
    let options = Options::ENABLE_TABLES | Options::ENABLE_FOOTNOTES | Options::ENABLE_STRIKETHROUGH;
    let mut out = Rendered::default();
    let mut events: Vec<Event> = Vec::new();
    let mut has_raw_html = false;
    let mut images = Vec::new();
    let mut depth = HtmlDepth::default();
    let mut cells = 0usize;
    let mut skip_table = false;
    for (event, range) in Parser::new_ext(body, options).into_offset_iter() {
        if skip_table {
            // Past the cell limit: drop the rest of the table, so memory stays bounded.
            if matches!(event, Event::End(TagEnd::Table)) {
                skip_table = false;
                events.push(event);
            }
            continue;
        }
        let event = match event {
            // E-mail autolinks (<someone@example.go.th>) carry no `mailto:`: they are not paths.
            Event::Start(Tag::Link { link_type, dest_url, title, id }) if link_type != LinkType::Email => {
                let dest_url = rewrite(&resolve, dest_url, range, "link", &mut out);
                Event::Start(Tag::Link { link_type, dest_url, title, id })
            }
            Event::Start(Tag::Image { link_type, dest_url, title, id }) => {
                // Only a URL the policy accepts may become a picture: a refused one is noted
                // with no destination, so the list still holds one entry per image.
                let written = if url_policy::check(&dest_url).is_ok() { dest_url.to_string() } else { String::new() };
                images.push((range.clone(), written));
                let dest_url = rewrite(&resolve, dest_url, range, "image", &mut out);
                Event::Start(Tag::Image { link_type, dest_url, title, id })
            }
            Event::Html(ref h) | Event::InlineHtml(ref h) => {
                has_raw_html = true;
                if depth.feed(h) && depth.reported.is_none() {
                    depth.reported = Some(range);
                }
                event
            }
            Event::Start(Tag::TableCell) => {
                cells += 1;
                if cells > MAX_TABLE_CELLS {
                    out.problems.push(Problem {
                        range,
                        message: format!(
                            "this file has more than {MAX_TABLE_CELLS} table cells; the rest of the table is left out"
                        ),
                        hint: "split the table, or publish the data as a CSV file next to the page and link to it"
                            .into(),
                    });
                    skip_table = true;
                    continue;
                }
                event
            }
            Event::Text(ref t) | Event::Code(ref t) => {
                out.plain.push_str(t);
                event
            }
            Event::SoftBreak
            | Event::HardBreak
            | Event::End(TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item | TagEnd::TableCell) => {
                if !out.plain.ends_with(' ') && !out.plain.is_empty() {
                    out.plain.push(' ');
                }
                event
            }
            e => e,
        };
        events.push(event);
    }
    let too_deep = depth.reported.clone();
    if let Some(range) = too_deep.clone() {
        out.problems.push(Problem {
            range,
            message: format!("raw HTML here is nested more than {MAX_HTML_DEPTH} elements deep"),
            hint: "close the HTML elements you open (</div> for every <div>), or write the text in Markdown".into(),
        });
        // Shown as text, never parsed: the sanitiser would take time growing with the square
        // of the depth.
        for e in &mut events {
            if let Event::Html(h) | Event::InlineHtml(h) = e {
                *e = Event::Text(std::mem::replace(h, CowStr::Borrowed("")));
            }
        }
    }
    // After the raw-HTML depth check: the pictures' own markup is never turned into text.
    let mut events = pictures::apply(events, &images, pictures, &mut out.missing_alt);
    add_heading_ids(&mut events);
    embed_videos(&mut events);
    html::push_html(&mut out.html, events.into_iter());
    if has_raw_html && !trust_html && too_deep.is_none() {
        out.html = sanitize(&out.html);
    }
    let trimmed = out.plain.trim_end().len();
    out.plain.truncate(trimmed);
    out
}

/// Checks a link or image URL against the URL policy, then resolves it. A refused URL is
/// replaced by an empty one, so it can never be published live.
fn rewrite<'a>(
    resolve: &impl Resolve,
    dest: CowStr<'a>,
    range: Range<usize>,
    what: &str,
    out: &mut Rendered,
) -> CowStr<'a> {
    if let Err(refusal) = url_policy::check(&dest) {
        out.problems.push(Problem {
            range,
            message: refusal.message(what, &dest),
            hint: url_policy::Refusal::hint().into(),
        });
        return CowStr::Borrowed("");
    }
    match resolve(&dest) {
        Ok(Some(url)) => url.into(),
        Ok(None) => dest,
        Err(reason) => {
            out.broken_links.push((range, reason));
            dest
        }
    }
}

/// How deep the raw HTML of one document nests so far, counted from its tags without parsing
/// it. Elements whose end tag HTML lets one leave out (`p`, `li`, `td`, ...) and empty ones
/// (`br`, `img`, ...) are not counted: they do not pile up in a browser either.
#[derive(Debug, Default)]
struct HtmlDepth {
    depth: usize,
    /// Where the limit was first passed.
    reported: Option<Range<usize>>,
}

impl HtmlDepth {
    /// Counts the tags of one HTML fragment; true when the depth passed the limit in it.
    fn feed(&mut self, html: &str) -> bool {
        let b = html.as_bytes();
        let mut past = false;
        let mut i = 0;
        while let Some(off) = b[i..].iter().position(|&c| c == b'<') {
            i += off + 1;
            let close = b.get(i) == Some(&b'/');
            let start = i + usize::from(close);
            let len = b[start..].iter().take_while(|c| c.is_ascii_alphanumeric()).count();
            if len == 0 || !b[start].is_ascii_alphabetic() {
                continue;
            }
            let name = html[start..start + len].to_ascii_lowercase();
            if UNCOUNTED.contains(&name.as_str()) {
                continue;
            }
            let end = b[start..].iter().position(|&c| c == b'>').map(|e| start + e);
            if close {
                self.depth = self.depth.saturating_sub(1);
            } else if end.is_none_or(|e| b[e - 1] != b'/') {
                self.depth += 1;
                past |= self.depth > MAX_HTML_DEPTH;
            }
        }
        past
    }
}

/// Elements that never nest deeply: empty ones and those whose end tag may be left out.
const UNCOUNTED: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr", "param", "p",
    "li", "dt", "dd", "tr", "td", "th", "thead", "tbody", "tfoot", "option", "optgroup", "rp", "rt", "colgroup",
    "caption",
];

/// Gives every heading without an explicit `{#id}` an id made from its text, unique in the page.
fn add_heading_ids(events: &mut [Event]) {
    let mut used = HashSet::new();
    let mut i = 0;
    while i < events.len() {
        if let Event::Start(Tag::Heading { id: None, .. }) = &events[i] {
            let mut text = String::new();
            let mut j = i + 1;
            while j < events.len() && !matches!(events[j], Event::End(TagEnd::Heading(_))) {
                if let Event::Text(t) | Event::Code(t) = &events[j] {
                    text.push_str(t);
                }
                j += 1;
            }
            let base = slugify_heading(&text);
            let mut id = base.clone();
            let mut n = 1;
            while !used.insert(id.clone()) {
                id = format!("{base}-{n}");
                n += 1;
            }
            if let Event::Start(Tag::Heading { id: slot, .. }) = &mut events[i] {
                *slot = Some(id.into());
            }
            i = j;
        }
        i += 1;
    }
}

/// An anchor id from heading text: lowercase, spaces to hyphens, letters (Thai included) kept.
pub fn slugify_heading(text: &str) -> String {
    let mut id = String::new();
    for c in text.trim().chars() {
        if c.is_alphanumeric() || ('\u{0E00}'..='\u{0E7F}').contains(&c) {
            id.extend(c.to_lowercase());
        } else if (c.is_whitespace() || c == '-') && !id.ends_with('-') && !id.is_empty() {
            id.push('-');
        }
    }
    let id = id.trim_end_matches('-').to_string();
    if id.is_empty() { "section".into() } else { id }
}

/// Replaces a paragraph that holds nothing but a video link with an embed and a fallback link.
/// Works in place: a long document's events are not copied.
fn embed_videos(events: &mut Vec<Event>) {
    // [0, w) is the output, [w, i) used up, [i, len) still to look at.
    let mut w = 0;
    let mut i = 0;
    while i < events.len() {
        if let Some((html, len)) = video_paragraph(&events[i..]) {
            events[w] = Event::Html(html.into());
            i += len;
        } else {
            events.swap(w, i);
            i += 1;
        }
        w += 1;
    }
    events.truncate(w);
}

fn video_paragraph(ev: &[Event]) -> Option<(String, usize)> {
    let [Event::Start(Tag::Paragraph), Event::Start(Tag::Link { dest_url, link_type, .. }), rest @ ..] = ev else {
        return None;
    };
    let end = rest.iter().position(|e| matches!(e, Event::End(TagEnd::Link)))?;
    if !matches!(rest.get(end + 1), Some(Event::End(TagEnd::Paragraph))) {
        return None;
    }
    let bare = matches!(link_type, LinkType::Autolink)
        || rest[..end].iter().all(|e| matches!(e, Event::Text(t) if t.as_ref() == dest_url.as_ref()));
    if !bare {
        return None;
    }
    let html = video_embed(dest_url)?;
    Some((html, end + 4))
}

/// The embed for a YouTube or Facebook video URL, or `None` for other links.
pub fn video_embed(url: &str) -> Option<String> {
    let esc = |s: &str| html_escape(s);
    if let Some(id) = youtube_id(url) {
        return Some(format!(
            "<figure class=\"video\"><div class=\"video-frame\"><iframe src=\"https://www.youtube-nocookie.com/embed/{id}\" title=\"YouTube video\" loading=\"lazy\" allow=\"encrypted-media; picture-in-picture\" allowfullscreen></iframe></div><figcaption><a href=\"{u}\">{u}</a></figcaption></figure>\n",
            u = esc(url)
        ));
    }
    let host = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"))?;
    let is_fb_video =
        (host.starts_with("www.facebook.com/") || host.starts_with("facebook.com/") || host.starts_with("fb.watch/"))
            && (host.contains("/videos/")
                || host.contains("/watch")
                || host.starts_with("fb.watch/")
                || host.contains("/reel/"));
    // Facebook's player tracks every viewer, so it is never loaded: a clear link stands in.
    is_fb_video
        .then(|| format!("<p class=\"video video-link\"><a href=\"{u}\">▶ Facebook video: {u}</a></p>\n", u = esc(url)))
}

fn youtube_id(url: &str) -> Option<&str> {
    let host_path = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"))?;
    let host_path = host_path.strip_prefix("www.").or_else(|| host_path.strip_prefix("m.")).unwrap_or(host_path);
    let id = if let Some(rest) = host_path.strip_prefix("youtu.be/") {
        rest
    } else if let Some(rest) = host_path.strip_prefix("youtube.com/watch?") {
        rest.split('&').find_map(|kv| kv.strip_prefix("v="))?
    } else {
        host_path.strip_prefix("youtube.com/embed/").or_else(|| host_path.strip_prefix("youtube.com/shorts/"))?
    };
    let id = id.split(['?', '&', '#', '/']).next()?;
    (id.len() >= 6 && id.len() <= 20 && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'))
        .then_some(id)
}

/// Escapes text for HTML.
pub fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Keeps only safe elements and attributes; allows the video embeds made above.
fn sanitize(html: &str) -> String {
    use std::sync::OnceLock;
    static CLEANER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    let cleaner = CLEANER.get_or_init(|| {
        let mut b = ammonia::Builder::default();
        // Raw HTML follows the same URL policy as Markdown links.
        b.url_schemes(url_policy::ALLOWED_SCHEMES.into_iter().collect())
            .add_generic_attributes(["id", "class", "lang", "dir"])
            .add_tags(["figure", "figcaption", "iframe", "picture", "source"])
            .add_tag_attributes("source", ["type", "srcset", "sizes"])
            .add_tag_attributes("img", ["srcset", "sizes", "loading", "decoding", "fetchpriority"])
            .add_tag_attributes("iframe", ["src", "title", "loading", "allow", "allowfullscreen"])
            .add_tag_attributes("th", ["style"])
            .add_tag_attributes("td", ["style"])
            .attribute_filter(|element, attribute, value| match (element, attribute) {
                ("iframe", "src") => value.starts_with("https://www.youtube-nocookie.com/embed/").then(|| value.into()),
                (_, "style") => matches!(value, "text-align: left" | "text-align: center" | "text-align: right")
                    .then(|| value.into()),
                _ => Some(value.into()),
            });
        b
    });
    cleaner.clean(html).to_string()
}

#[cfg(test)]
mod tests;
