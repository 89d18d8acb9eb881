use super::*;

fn no_links(_: &str) -> Result<Option<String>, String> {
    Ok(None)
}

#[test]
fn renders_tables_footnotes_and_strikethrough() {
    let r = render("| a | b |\n|---|---|\n| 1 | 2 |\n\n~~old~~ text[^1]\n\n[^1]: note\n", no_links, false);
    assert!(r.html.contains("<table>"), "{}", r.html);
    assert!(r.html.contains("<del>old</del>"), "{}", r.html);
    assert!(r.html.contains("footnote-definition"), "{}", r.html);
}

#[test]
fn gives_headings_unique_ids_including_thai() {
    let r = render("## ที่มา ของโครงการ\n\n## Results\n\n## Results\n", no_links, false);
    assert!(r.html.contains(r#"<h2 id="ที่มา-ของโครงการ">"#), "{}", r.html);
    assert!(r.html.contains(r#"<h2 id="results">"#), "{}", r.html);
    assert!(r.html.contains(r#"<h2 id="results-1">"#), "{}", r.html);
}

#[test]
fn rewrites_and_reports_links_with_their_offsets() {
    let body = "see [a](../a/) and [b](missing.png)\n";
    let r = render(
        body,
        |l: &str| match l {
            "../a/" => Ok(Some("/pilots/a/".into())),
            _ => Err(format!("{l} does not exist")),
        },
        false,
    );
    assert!(r.html.contains(r#"href="/pilots/a/""#), "{}", r.html);
    assert_eq!(r.broken_links.len(), 1);
    let (range, reason) = &r.broken_links[0];
    assert_eq!(&body[range.clone()], "[b](missing.png)");
    assert!(reason.contains("missing.png"));
}

#[test]
fn sanitizes_raw_html_unless_trusted() {
    let body = "<script>alert(1)</script>\n\n<b onclick=\"x()\">bold</b>\n";
    let safe = render(body, no_links, false);
    assert!(!safe.html.contains("<script"), "{}", safe.html);
    assert!(!safe.html.contains("onclick"), "{}", safe.html);
    assert!(safe.html.contains("<b>bold</b>"), "{}", safe.html);
    let trusted = render(body, no_links, true);
    assert!(trusted.html.contains("<script>"), "{}", trusted.html);
}

#[test]
fn keeps_heading_ids_when_sanitizing() {
    let r = render("## Title\n\n<em>x</em>\n", no_links, false);
    assert!(r.html.contains(r#"<h2 id="title">"#), "{}", r.html);
}

#[test]
fn embeds_a_youtube_link_alone_on_a_line() {
    let r = render(
        "Watch:\n\nhttps://www.youtube.com/watch?v=dQw4w9WgXcQ\n\n<https://youtu.be/dQw4w9WgXcQ>\n",
        no_links,
        false,
    );
    assert_eq!(r.html.matches("youtube-nocookie.com/embed/dQw4w9WgXcQ").count(), 1, "{}", r.html);
    let r = render("<https://youtu.be/dQw4w9WgXcQ>\n", no_links, false);
    assert!(r.html.contains("https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"), "{}", r.html);
    assert!(r.html.contains(r#"<a href="https://youtu.be/dQw4w9WgXcQ">"#), "{}", r.html);
}

#[test]
fn leaves_video_links_inside_sentences_alone() {
    let r = render("see <https://youtu.be/dQw4w9WgXcQ> here\n", no_links, false);
    assert!(!r.html.contains("iframe"), "{}", r.html);
}

#[test]
fn links_facebook_videos_without_loading_their_player() {
    let r = render("<https://www.facebook.com/nesdc/videos/123456/>\n", no_links, false);
    assert!(!r.html.contains("iframe"), "{}", r.html);
    assert!(r.html.contains("video-link"), "{}", r.html);
}

#[test]
fn collects_plain_text() {
    let r = render("## หัวข้อ\n\nข้อความ *เน้น* `code`\n", no_links, false);
    assert_eq!(r.plain, "หัวข้อ ข้อความ เน้น code");
}
