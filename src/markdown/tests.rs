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

/// The dangerous links of issue 18, as editors could write them.
pub const DANGEROUS: &[&str] = &[
    "[x](javascript:alert(document.cookie))",
    "[x](JaVaScRiPt:alert(document.cookie))",
    "[x](&#106;avascript:alert(document.cookie))",
    "[x](javascript&colon;alert(document.cookie))",
    "[x]( javascript:alert(document.cookie))",
    "[x](<java&#9;script:alert(document.cookie)>)",
    "<javascript:alert(document.cookie)>",
    "[x][ref]\n\n[ref]: javascript:alert(document.cookie)",
    "[x](vbscript:msgbox(document.cookie))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![x](javascript:alert(document.cookie))",
    "![x](data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=)",
];

#[test]
fn refuses_dangerous_links_trusted_or_not() {
    for md in DANGEROUS {
        for trust_html in [false, true] {
            let r = render(&format!("see {md}\n"), no_links, trust_html);
            assert_eq!(r.problems.len(), 1, "{md}: {:?}", r.problems);
            let p = &r.problems[0];
            assert!(p.message.contains("is not allowed"), "{md}: {}", p.message);
            assert!(p.hint.contains("https://"), "{}", p.hint);
            assert_eq!(crate::url_policy::refused_in_html(&r.html), Vec::<String>::new(), "{md}: {}", r.html);
            assert!(r.html.contains("href=\"\"") || r.html.contains("src=\"\""), "{md}: {}", r.html);
        }
    }
}

#[test]
fn names_where_a_refused_link_is() {
    let body = "ok [a](https://x.go.th/)\n\nthen [b](JaVaScRiPt:alert(1))\n";
    let r = render(body, no_links, false);
    assert_eq!(r.problems.len(), 1);
    assert_eq!(&body[r.problems[0].range.clone()], "[b](JaVaScRiPt:alert(1))");
    assert!(r.problems[0].message.contains("`javascript:`"), "{}", r.problems[0].message);
    assert!(r.html.contains(r#"href="https://x.go.th/""#), "{}", r.html);
}

#[test]
fn keeps_allowed_schemes_and_site_links() {
    let body = "[a](https://x.go.th/) [b](http://x.go.th/) [c](mailto:a@x.go.th) [d](tel:+6621234567) [e](#top) [f](?q=1) [g](/x/) <someone@x.go.th>\n";
    let r = render(body, no_links, false);
    assert!(r.problems.is_empty(), "{:?}", r.problems);
    for href in ["https://x.go.th/", "http://x.go.th/", "mailto:a@x.go.th", "tel:+6621234567", "#top", "?q=1", "/x/"] {
        assert!(r.html.contains(&format!("href=\"{href}\"")), "{href}: {}", r.html);
    }
}

#[test]
fn sanitiser_removes_dangerous_urls_in_raw_html() {
    let body = "<a href=\"javascript:alert(1)\">a</a> <a href=\"java&#x09;script:alert(1)\">b</a> \
        <a href=\" JAVASCRIPT:alert(1)\">c</a> <img src=\"data:text/html,x\"> <a href=\"vbscript:x\">d</a> \
        <a href=\"ftp://x.go.th/\">e</a> <a href=\"https://x.go.th/\">ok</a> <a href=\"../p/\">rel</a>\n";
    let r = render(body, no_links, false);
    assert_eq!(crate::url_policy::refused_in_html(&r.html), Vec::<String>::new(), "{}", r.html);
    assert!(!r.html.contains("script:") && !r.html.contains("ftp:"), "{}", r.html);
    assert!(r.html.contains(r#"href="https://x.go.th/""#) && r.html.contains(r#"href="../p/""#), "{}", r.html);
}

#[test]
fn refuses_raw_html_nested_past_the_limit_without_sanitising_it() {
    let n = 50_000;
    let body = format!("Text\n\n{}x{}\n", "<div>".repeat(n), "</div>".repeat(n));
    let r = render(&body, no_links, false);
    assert_eq!(r.problems.len(), 1, "{:?}", r.problems);
    assert!(r.problems[0].message.contains(&format!("more than {MAX_HTML_DEPTH}")), "{}", r.problems[0].message);
    assert!(body[r.problems[0].range.clone()].starts_with("<div>"));
    assert!(!r.html.contains("<div>"), "shown as text");
    // Deep but within the limit, and elements that do not pile up, are fine.
    let ok = format!("{}x{}\n\n{}\n", "<div>".repeat(400), "</div>".repeat(400), "<p>a<br>".repeat(2000));
    assert!(render(&ok, no_links, false).problems.is_empty());
}

#[test]
fn refuses_tables_past_the_cell_limit() {
    let rows = MAX_TABLE_CELLS / 2 + 1;
    let body = format!("|a|b|\n|-|-|\n{}\nafter\n", "|1|2|\n".repeat(rows));
    let r = render(&body, no_links, false);
    assert_eq!(r.problems.len(), 1, "{:?}", r.problems);
    assert!(r.problems[0].message.contains("table cells"), "{}", r.problems[0].message);
    assert!(r.html.matches("<td>").count() <= MAX_TABLE_CELLS, "the rest is left out");
    assert!(r.html.contains("after"), "{}", &r.html[r.html.len() - 100..]);
    let fine = format!("|a|b|\n|-|-|\n{}", "|1|2|\n".repeat(1000));
    assert!(render(&fine, no_links, false).problems.is_empty());
}
