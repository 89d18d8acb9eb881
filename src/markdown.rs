//! Markdown to HTML: CommonMark with tables, footnotes and strikethrough; heading ids for
//! anchors; relative links rewritten through a resolver (and reported when they point at
//! nothing); video links standing alone on a line turned into privacy-friendly embeds; raw HTML
//! sanitised unless the site trusts its authors. Pure: no IO, no knowledge of the site.

use std::collections::HashSet;
use std::ops::Range;

use pulldown_cmark::{CowStr, Event, LinkType, Options, Parser, Tag, TagEnd, html};

mod pictures;
pub use pictures::Pictures;

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
}

/// Resolves a link destination: `Ok(Some(url))` to rewrite, `Ok(None)` to keep, `Err` if broken.
pub trait Resolve: Fn(&str) -> Result<Option<String>, String> {}
impl<F: Fn(&str) -> Result<Option<String>, String>> Resolve for F {}

/// Renders `body`. Raw HTML is sanitised unless `trust_html`.
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
    for (event, range) in Parser::new_ext(body, options).into_offset_iter() {
        let event = match event {
            // E-mail autolinks (<someone@example.go.th>) carry no `mailto:`: they are not paths.
            Event::Start(Tag::Link { link_type, dest_url, title, id }) if link_type != LinkType::Email => {
                let dest_url = rewrite(&resolve, dest_url, range, &mut out.broken_links);
                Event::Start(Tag::Link { link_type, dest_url, title, id })
            }
            Event::Start(Tag::Image { link_type, dest_url, title, id }) => {
                images.push((range.clone(), dest_url.to_string()));
                let dest_url = rewrite(&resolve, dest_url, range, &mut out.broken_links);
                Event::Start(Tag::Image { link_type, dest_url, title, id })
            }
            Event::Html(_) | Event::InlineHtml(_) => {
                has_raw_html = true;
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
    let mut events = pictures::apply(events, &images, pictures, &mut out.missing_alt);
    add_heading_ids(&mut events);
    let events = embed_videos(events);
    html::push_html(&mut out.html, events.into_iter());
    if has_raw_html && !trust_html {
        out.html = sanitize(&out.html);
    }
    let trimmed = out.plain.trim_end().len();
    out.plain.truncate(trimmed);
    out
}

fn rewrite<'a>(
    resolve: &impl Resolve,
    dest: CowStr<'a>,
    range: Range<usize>,
    broken: &mut Vec<(Range<usize>, String)>,
) -> CowStr<'a> {
    match resolve(&dest) {
        Ok(Some(url)) => url.into(),
        Ok(None) => dest,
        Err(reason) => {
            broken.push((range, reason));
            dest
        }
    }
}

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
fn embed_videos(events: Vec<Event>) -> Vec<Event> {
    let mut out = Vec::with_capacity(events.len());
    let mut i = 0;
    while i < events.len() {
        if let Some((html, len)) = video_paragraph(&events[i..]) {
            out.push(Event::Html(html.into()));
            i += len;
        } else {
            out.push(events[i].clone());
            i += 1;
        }
    }
    out
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
        b.add_generic_attributes(["id", "class", "lang", "dir"])
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
