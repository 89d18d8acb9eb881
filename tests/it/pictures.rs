//! The province map and indicator charts: structure, links, accessible names and values.

use crate::support::*;

fn svg_of<'a>(html: &'a str, class: &str) -> &'a str {
    let start = html.find(&format!("<figure class=\"{class}\"")).unwrap_or_else(|| panic!("no {class} figure"));
    let end = html[start..].find("</svg>").unwrap() + start;
    &html[start..end]
}

#[test]
fn the_map_has_77_tiles_and_links_exactly_the_provinces_with_pilots() {
    let site = SiteTest::new("bilingual");
    site.build();
    for (page, lang) in [
        ("index.html", "th"),
        ("en/index.html", "en"),
        ("provinces/index.html", "th"),
        ("en/provinces/index.html", "en"),
    ] {
        let html = site.read(page);
        let map = svg_of(&html, "province-map");
        assert_eq!(map.matches("<rect class=\"tile").count(), 77, "{page}");
        let links: Vec<&str> = map.split("<a href=\"").skip(1).map(|s| &s[..s.find('"').unwrap()]).collect();
        let prefix = if lang == "en" { "/pilots-site/en/provinces/" } else { "/pilots-site/provinces/" };
        let mut expected: Vec<String> =
            ["lampang", "chiang-mai", "chon-buri", "yala"].iter().map(|s| format!("{prefix}{s}/")).collect();
        let mut got: Vec<String> = links.iter().map(|s| s.to_string()).collect();
        expected.sort();
        got.sort();
        assert_eq!(got, expected, "{page}");
    }
    let th = svg_of(&site.read("index.html"), "province-map").to_string();
    assert_contains(&th, r#"aria-label="ลำปาง: 1 โครงการ""#);
    assert_contains(&th, r#"aria-label="สงขลา: ยังไม่มีโครงการ""#);
    assert_contains(&th, "<title id=\"map-title-home\">แผนที่จำนวนโครงการนำร่องรายจังหวัด</title>");
    let en = svg_of(&site.read("en/provinces/index.html"), "province-map").to_string();
    assert_contains(&en, r#"aria-label="Lampang: 1 pilot""#);
    assert_contains(&en, r#"aria-label="Songkhla: No pilot yet""#);
    assert_contains(&site.read("en/provinces/index.html"), "3 or more pilots");
}

#[test]
fn indicator_charts_show_the_recorded_values() {
    let site = SiteTest::new("bilingual");
    site.build();
    let html = site.read("en/pilots/alpha/index.html");
    assert_eq!(html.matches("<svg class=\"indicator-chart\"").count(), 2);
    assert_contains(&html, r#"aria-label="Participants: Baseline 0 people, Latest 72 people, Target 70 people""#);
    assert_contains(&html, r#"aria-label="Burn-free villages: Baseline 0, Latest 300, Target 1,200""#);
    // Bars are scaled to the largest value (150 units): 72 of 72 and 70 of 72.
    assert_contains(&html, r#"<rect x="96" y="30" width="150""#);
    assert_contains(&html, r#"<rect x="96" y="56" width="146""#);
    // 300 of 1,200 is a quarter of the longest bar.
    assert_contains(&html, r#"<rect x="96" y="30" width="38""#);
    assert_contains(&html, "<g class=\"bar actual met\">");
    let th = site.read("pilots/alpha/index.html");
    assert_contains(&th, r#"aria-label="ผู้เข้าร่วม: ค่าฐาน 0 คน, ล่าสุด 72 คน, เป้าหมาย 70 คน""#);
    assert_contains(&th, "<table class=\"indicators\">");
}

#[test]
fn social_cards_are_1200_by_630_and_shared_as_og_image() {
    let site = SiteTest::new("bilingual");
    site.replace("namrong.toml", "social_cards = false", "social_cards = true");
    site.build();
    for lang in ["th", "en"] {
        let png = std::fs::read(site.out().join(format!("pilots/alpha/card-{lang}.png"))).unwrap();
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        let size =
            (u32::from_be_bytes(png[16..20].try_into().unwrap()), u32::from_be_bytes(png[20..24].try_into().unwrap()));
        assert_eq!(size, (1200, 630));
    }
    assert!(!site.exists("pilots/gamma/card-th.png"), "drafts get no card");
    assert_contains(
        &site.read("en/pilots/alpha/index.html"),
        r#"<meta property="og:image" content="https://example.go.th/pilots-site/pilots/alpha/card-en.png">"#,
    );
    // Cards are cached: a second build reuses them byte for byte.
    let cached = std::fs::read_dir(site.root().join(".namrong-cache/cards")).unwrap().count();
    assert_eq!(cached, 6);
    let before = std::fs::read(site.out().join("pilots/alpha/card-th.png")).unwrap();
    site.build();
    assert_eq!(before, std::fs::read(site.out().join("pilots/alpha/card-th.png")).unwrap());
}
