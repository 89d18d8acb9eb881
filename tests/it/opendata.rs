//! Open data, feeds, sitemap and sharing metadata: every file parses, holds what it should, uses
//! absolute URLs and leaves drafts out.

use crate::support::*;

fn json(site: &SiteTest, rel: &str) -> serde_json::Value {
    serde_json::from_str(&site.read(rel)).unwrap_or_else(|e| panic!("{rel} is not JSON: {e}"))
}

fn validator(site: &SiteTest) -> jsonschema::Validator {
    let schema = json(site, "data/pilot.schema.json");
    jsonschema::validator_for(&schema).expect("a valid JSON Schema")
}

#[track_caller]
fn assert_valid(v: &jsonschema::Validator, doc: &serde_json::Value, what: &str) {
    let errors: Vec<String> = v.iter_errors(doc).map(|e| format!("{e} at {}", e.instance_path())).collect();
    assert!(errors.is_empty(), "{what} does not match the schema:\n{}", errors.join("\n"));
}

#[test]
fn pilots_json_has_every_published_pilot_and_validates() {
    let site = SiteTest::new("bilingual");
    site.build_with(|o| o.drafts = true).unwrap();
    let all = json(&site, "data/pilots.json");
    let slugs: Vec<&str> = all["pilots"].as_array().unwrap().iter().map(|p| p["slug"].as_str().unwrap()).collect();
    assert_eq!(slugs, ["alpha", "beta", "delta"], "drafts never appear in data files");
    assert_eq!(all["count"], 3);
    let v = validator(&site);
    for p in all["pilots"].as_array().unwrap() {
        assert_valid(&v, p, "an entry of pilots.json");
    }
    let alpha = json(&site, "data/pilots/alpha.json");
    assert_valid(&v, &alpha, "data/pilots/alpha.json");
    assert!(!site.exists("data/pilots/gamma.json"));
    assert_eq!(alpha["provinces"][1]["code"], "TH-50");
    assert_eq!(alpha["provinces"][0]["en"], "Lampang");
    assert_eq!(alpha["issues"][0]["th"], "หมอกควันและไฟป่า");
    assert_eq!(alpha["url"]["en"], "https://example.go.th/pilots-site/en/pilots/alpha/");
    assert_eq!(alpha["indicators"][0]["actual"], 72.0);
    assert_eq!(
        alpha["updates"][0]["url"]["th"],
        "https://example.go.th/pilots-site/pilots/alpha/updates/2024-09-25-workshop/"
    );
    assert!(alpha["narrative"]["th"].as_str().unwrap().contains("หมอกควันไฟป่า"));
    assert_eq!(alpha["image"]["url"], "https://example.go.th/pilots-site/pilots/alpha/images/map.svg");
}

#[test]
fn schema_rejects_a_broken_record() {
    let site = SiteTest::new("bilingual");
    site.build();
    let v = validator(&site);
    let mut alpha = json(&site, "data/pilots/alpha.json");
    alpha["status"] = "actve".into();
    assert!(!v.is_valid(&alpha), "a wrong status must not validate");
}

#[test]
fn csv_files_open_in_spreadsheets() {
    let site = SiteTest::new("bilingual");
    site.replace(
        "content/pilots/alpha/pilot.toml",
        "en = \"Lampang haze reduction\"",
        "en = \"Lampang \\\"haze\\\", smoke\"",
    );
    site.build();
    let bytes = std::fs::read(site.out().join("data/pilots.csv")).unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "UTF-8 byte-order mark for spreadsheet programs");
    let mut reader = csv::Reader::from_reader(&bytes[3..]);
    let headers = reader.headers().unwrap().clone();
    assert_eq!(&headers[0], "slug");
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 3);
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    assert_eq!(&rows[0][col("title_en")], "Lampang \"haze\", smoke");
    assert_eq!(&rows[0][col("title_th")], "ลำปางลดหมอกควัน");
    assert_eq!(&rows[0][col("province_codes")], "TH-52; TH-50");
    let raw = String::from_utf8(bytes).unwrap();
    assert_contains(&raw, "\"Lampang \"\"haze\"\", smoke\"");
    let ind = std::fs::read(site.out().join("data/indicators.csv")).unwrap();
    assert!(ind.starts_with(b"\xEF\xBB\xBF"));
    let rows: Vec<csv::StringRecord> = csv::Reader::from_reader(&ind[3..]).records().map(Result::unwrap).collect();
    // alpha's two indicators (each with its actual/as_of measurement) and delta's three (six
    // measurements).
    assert_eq!(rows.len(), 2 * 2 + 3 + 6);
    // The first columns keep their places.
    assert_eq!((&rows[0][7], &rows[0][8], &rows[0][9], &rows[0][11]), ("0", "70", "72", "103"));
}

#[test]
fn feeds_are_valid_atom_with_absolute_urls() {
    let site = SiteTest::new("bilingual");
    site.build();
    for (path, lang, entries) in [
        ("feed.xml", "th", 3),
        ("en/feed.xml", "en", 3),
        ("provinces/lampang/feed.xml", "th", 1),
        ("en/issues/aging-society/feed.xml", "en", 2),
        ("en/issues/water/feed.xml", "en", 0),
    ] {
        let xml = site.read(path);
        let feed: atom_syndication::Feed = xml.parse().unwrap_or_else(|e| panic!("{path}: {e}"));
        assert_eq!(feed.entries().len(), entries, "{path}");
        assert_eq!(feed.lang(), Some(lang));
        assert_eq!(feed.id(), format!("https://example.go.th/pilots-site/{path}"));
        for e in feed.entries() {
            assert!(e.links()[0].href().starts_with("https://example.go.th/pilots-site/"), "{path}");
        }
        roxmltree::Document::parse(&xml).unwrap_or_else(|e| panic!("{path} is not well-formed XML: {e}"));
    }
    let th: atom_syndication::Feed = site.read("feed.xml").parse().unwrap();
    assert_eq!(th.entries()[0].title().as_str(), "ประชุมเชิงปฏิบัติการ");
    assert_eq!(th.entries()[0].updated().to_rfc3339(), "2024-09-25T00:00:00+07:00");
}

#[test]
fn pages_announce_their_feeds() {
    let site = SiteTest::new("bilingual");
    site.build();
    for (page, feed) in [
        ("index.html", "/pilots-site/feed.xml"),
        ("en/provinces/lampang/index.html", "/pilots-site/en/provinces/lampang/feed.xml"),
        ("issues/haze-wildfire/index.html", "/pilots-site/issues/haze-wildfire/feed.xml"),
    ] {
        assert_contains(
            &site.read(page),
            &format!(r#"<link rel="alternate" type="application/atom+xml" href="{feed}""#),
        );
    }
}

#[test]
fn sitemap_lists_every_page_with_its_translations() {
    let site = SiteTest::new("bilingual");
    site.build();
    let xml = site.read("sitemap.xml");
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let locs: Vec<&str> = doc.descendants().filter(|n| n.has_tag_name("loc")).map(|n| n.text().unwrap()).collect();
    assert!(locs.iter().all(|l| l.starts_with("https://example.go.th/pilots-site/")));
    assert!(locs.contains(&"https://example.go.th/pilots-site/en/pilots/alpha/"));
    assert!(locs.contains(&"https://example.go.th/pilots-site/pilots/beta/"));
    assert!(
        !locs.contains(&"https://example.go.th/pilots-site/en/pilots/beta/"),
        "untranslated pages are not listed as translations"
    );
    assert!(!locs.iter().any(|l| l.contains("404")));
    let html_pages = tree(&site.out()).into_iter().filter(|(p, _)| p.ends_with(".html") && !p.contains("404")).count();
    assert_eq!(locs.len(), html_pages - 1, "every page but the untranslated en/pilots/beta/");
    let alpha = doc
        .descendants()
        .find(|n| n.has_tag_name("loc") && n.text() == Some("https://example.go.th/pilots-site/pilots/alpha/"))
        .unwrap();
    let alternates: Vec<_> = alpha
        .parent()
        .unwrap()
        .children()
        .filter(|n| n.has_tag_name("link"))
        .map(|n| n.attribute("hreflang").unwrap())
        .collect();
    assert_eq!(alternates, ["th", "en"]);
    assert_contains(&site.read("robots.txt"), "Sitemap: https://example.go.th/pilots-site/sitemap.xml");
}

#[test]
fn every_page_has_sharing_metadata() {
    let site = SiteTest::new("bilingual");
    site.build();
    let html = site.read("en/pilots/alpha/index.html");
    assert_contains(&html, r#"<meta property="og:title" content="Lampang haze reduction">"#);
    assert_contains(
        &html,
        r#"<meta property="og:image" content="https://example.go.th/pilots-site/pilots/alpha/images/map.svg">"#,
    );
    assert_contains(&html, r#"<meta property="og:locale" content="en_US">"#);
    assert_contains(&html, r#"<meta name="twitter:card" content="summary_large_image">"#);
    assert_contains(&site.read("issues/index.html"), r#"<meta name="twitter:card" content="summary">"#);
}

#[test]
fn a_picture_per_language_is_shared_in_its_language() {
    let site = SiteTest::new("bilingual");
    site.write(
        "content/pilots/alpha/images/map-en.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 10 10\"/>",
    );
    site.replace(
        "content/pilots/alpha/pilot.toml",
        "image     = \"images/map.svg\"",
        "image     = { th = \"images/map.svg\", en = \"images/map-en.svg\" }",
    );
    site.build();
    let og = |lang: &str| {
        format!(r#"<meta property="og:image" content="https://example.go.th/pilots-site/pilots/alpha/images/{lang}">"#)
    };
    assert_contains(&site.read("en/pilots/alpha/index.html"), &og("map-en.svg"));
    assert_contains(&site.read("pilots/alpha/index.html"), &og("map.svg"));
    assert!(site.exists("pilots/alpha/images/map-en.svg"));
}

#[test]
fn data_page_explains_the_files_in_both_languages() {
    let site = SiteTest::new("bilingual");
    site.build();
    let th = site.read("data/index.html");
    assert_contains(&th, r#"<a href="https://example.go.th/pilots-site/data/pilots.csv" lang="en">pilots.csv</a>"#);
    assert_contains(
        &th,
        r#"<a href="https://example.go.th/pilots-site/data/catalog.jsonld" lang="en">catalog.jsonld</a></dt><dd>แคตตาล็อก"#,
    );
    assert_contains(&th, "สัญญาอนุญาต");
    assert_contains(&site.read("en/data/index.html"), "How to cite");
}

#[test]
fn the_sample_sites_data_files_all_parse_and_validate() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = tempfile::tempdir().unwrap();
    namrong::build(&namrong::BuildOptions {
        root: root.into(),
        output: Some(out.path().join("p")),
        ..Default::default()
    })
    .unwrap();
    let dir = out.path().join("p");
    let read = |rel: &str| std::fs::read_to_string(dir.join(rel)).unwrap();
    let schema: serde_json::Value = serde_json::from_str(&read("data/pilot.schema.json")).unwrap();
    let v = jsonschema::validator_for(&schema).unwrap();
    let all: serde_json::Value = serde_json::from_str(&read("data/pilots.json")).unwrap();
    assert!(all["count"].as_u64().unwrap() >= 8);
    for p in all["pilots"].as_array().unwrap() {
        assert_valid(&v, p, p["slug"].as_str().unwrap());
        let one: serde_json::Value =
            serde_json::from_str(&read(&format!("data/pilots/{}.json", p["slug"].as_str().unwrap()))).unwrap();
        assert_valid(&v, &one, "per-pilot file");
    }
    for f in ["feed.xml", "en/feed.xml", "sitemap.xml"] {
        roxmltree::Document::parse(&read(f)).unwrap_or_else(|e| panic!("{f}: {e}"));
    }
    let provinces: serde_json::Value = serde_json::from_str(&read("data/provinces.json")).unwrap();
    assert_eq!(provinces["count"], 77);
}
