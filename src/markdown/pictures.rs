//! Images in Markdown: each image the site processed is replaced by the markup its hook returns
//! (a `<picture>` with every size), and every image without alternative text is noted so the
//! editor is told where. The hook decides; this module only finds images among the events.

use std::ops::Range;

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};

/// Markup for an image, from its destination as written, its alternative text and its title;
/// `None` leaves the image as a plain `<img>`.
pub type Pictures<'a> = dyn Fn(&str, &str, &str) -> Option<String> + Sync + 'a;

/// Replaces each image (`Start(Image)` .. `End(Image)`) that `pictures` knows. `images` holds the
/// byte range and written destination of every image start, in order.
pub(super) fn apply<'e>(
    events: Vec<Event<'e>>,
    images: &[(Range<usize>, String)],
    pictures: &Pictures<'_>,
    missing_alt: &mut Vec<Range<usize>>,
) -> Vec<Event<'e>> {
    if images.is_empty() {
        return events;
    }
    let mut out = Vec::with_capacity(events.len());
    let mut seen = 0;
    let mut i = 0;
    while i < events.len() {
        let Event::Start(Tag::Image { title, .. }) = &events[i] else {
            out.push(events[i].clone());
            i += 1;
            continue;
        };
        let (range, dest) = &images[seen.min(images.len() - 1)];
        seen += 1;
        let mut end = i + 1;
        let mut alt = String::new();
        let mut depth = 0;
        while end < events.len() {
            match &events[end] {
                Event::End(TagEnd::Image) if depth == 0 => break,
                Event::Start(Tag::Image { .. }) => {
                    depth += 1;
                    seen += 1;
                }
                Event::End(TagEnd::Image) => depth -= 1,
                Event::Text(t) | Event::Code(t) => alt.push_str(t),
                _ => {}
            }
            end += 1;
        }
        if alt.trim().is_empty() {
            missing_alt.push(range.clone());
        }
        match pictures(dest, alt.trim(), title) {
            Some(html) => {
                out.push(Event::InlineHtml(CowStr::from(html)));
                i = end + 1;
            }
            None => {
                out.push(events[i].clone());
                i += 1;
            }
        }
    }
    out
}
