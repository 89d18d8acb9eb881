//! Building the bilingual fixture site and checking what comes out.

use crate::support::*;

const PAGES: &[&str] = &[
    "index.html",
    "pilots/index.html",
    "pilots/alpha/index.html",
    "pilots/alpha/updates/2024-09-25-workshop/index.html",
    "pilots/beta/index.html",
    "pilots/delta/index.html",
    "pilots/delta/updates/2023-03-01-first/index.html",
    "provinces/index.html",
    "provinces/lampang/index.html",
    "provinces/chiang-mai/index.html",
    "provinces/chon-buri/index.html",
    "provinces/yala/index.html",
    "issues/index.html",
    "issues/haze-wildfire/index.html",
    "issues/aging-society/index.html",
    "issues/water/index.html",
    "updates/index.html",
    "updates/page/2/index.html",
    "about/index.html",
    "data/index.html",
    "search/index.html",
    "404.html",
];

#[test]
fn writes_every_page_in_both_languages() {
    let site = SiteTest::new("bilingual");
    let report = site.build();
    for page in PAGES {
        for (prefix, lang) in [("", "th"), ("en/", "en")] {
            let html = site.read(&format!("{prefix}{page}"));
            assert_contains(&html, &format!("<html lang=\"{lang}\">"));
        }
    }
    assert_eq!(report.stats.pages.th, report.stats.pages.en);
    assert_eq!(report.stats.pages.th, PAGES.len() + 1, "one more: updates/2023-06-01-second");
}

#[test]
fn lists_the_right_pilots_on_province_and_issue_pages() {
    let site = SiteTest::new("bilingual");
    site.build();
    let lampang = site.read("provinces/lampang/index.html");
    assert_contains(&lampang, "/pilots-site/pilots/alpha/");
    assert_not_contains(&lampang, "/pilots-site/pilots/beta/");
    let chon_buri = site.read("en/provinces/chon-buri/index.html");
    assert_contains(&chon_buri, "/pilots-site/en/pilots/beta/");
    assert_not_contains(&chon_buri, "/pilots/alpha/");
    let aging = site.read("issues/aging-society/index.html");
    assert_contains(&aging, "/pilots-site/pilots/beta/");
    assert_contains(&aging, "/pilots-site/pilots/delta/");
    assert_not_contains(&aging, "/pilots-site/pilots/alpha/");
    let provinces = site.read("provinces/index.html");
    assert_contains(
        &provinces,
        r#"<a href="/pilots-site/provinces/lampang/"><span class="abbr shade-1" aria-hidden="true">ลป</span> <span class="name">ลำปาง</span>"#,
    );
    assert_contains(&provinces, r#"<span class="none">สงขลา</span>"#);
    assert!(!site.exists("provinces/songkhla/index.html"), "provinces without pilots get no page");
    let lists = &provinces[provinces.find("id=\"with-pilots-h\"").expect("the list of provinces with pilots")..];
    let listed = lists.matches("<li><a href=\"/pilots-site/provinces/").count()
        + lists.matches("<li><span class=\"none\">").count();
    assert_eq!(listed, 77, "all 77 provinces are listed");
}

#[test]
fn shows_buddhist_era_dates_on_thai_pages() {
    let site = SiteTest::new("bilingual");
    site.build();
    let th = site.read("pilots/alpha/index.html");
    assert_contains(&th, "7 พฤษภาคม 2567 – 30 กันยายน 2570");
    assert_contains(&th, r#"<time datetime="2024-09-25">25 กันยายน 2567</time>"#);
    let en = site.read("en/pilots/alpha/index.html");
    assert_contains(&en, "7 May 2024 – 30 September 2027");
    assert_contains(&en, r#"<time datetime="2024-09-25">25 September 2024</time>"#);
}

#[test]
fn thai_digits_are_a_site_option() {
    let site = SiteTest::new("bilingual");
    site.replace("namrong.toml", "updates_per_page = 2", "updates_per_page = 2\nthai_digits = true");
    site.build();
    assert_contains(&site.read("pilots/alpha/index.html"), "๗ พฤษภาคม ๒๕๖๗");
    assert_contains(&site.read("en/pilots/alpha/index.html"), "7 May 2024");
}

#[test]
fn falls_back_to_the_other_language_with_a_notice() {
    let site = SiteTest::new("bilingual");
    let report = site.build();
    let en = site.read("en/pilots/beta/index.html");
    assert_contains(&en, r#"<html lang="en">"#);
    assert_contains(&en, "This has not been translated into English yet");
    assert_contains(&en, r#"<div class="prose" lang="th">"#);
    assert_contains(&en, r#"<h1><span lang="th">ชลบุรีสังคมสูงวัย</span></h1>"#);
    assert_contains(&en, "<dt>Status</dt>");
    assert_contains(&en, r#"hreflang="th" href="https://example.go.th/pilots-site/pilots/beta/""#);
    assert_not_contains(&en, r#"<link rel="alternate" hreflang="en""#);
    let th = site.read("pilots/beta/index.html");
    assert_not_contains(&th, "class=\"notice\"");
    assert_not_contains(&th, "noindex");
    assert_contains(&th, r#"<link rel="canonical" href="https://example.go.th/pilots-site/pilots/beta/">"#);
    let missing = report.warnings.iter().filter(|d| d.is_missing_translation()).count();
    assert_eq!(missing, 2, "{}", report.warnings);
}

#[test]
fn leaves_drafts_out_unless_asked() {
    let site = SiteTest::new("bilingual");
    site.build();
    assert!(!site.exists("pilots/gamma/index.html"));
    assert_not_contains(&site.read("pilots/index.html"), "gamma");
    assert_not_contains(&site.read("provinces/yala/index.html"), "ร่างโครงการยะลา");
    site.build_with(|o| o.drafts = true).unwrap();
    assert!(site.exists("pilots/gamma/index.html"));
    assert_contains(&site.read("provinces/yala/index.html"), "ร่างโครงการยะลา");
}

#[test]
fn resolves_assets_and_links_from_both_languages() {
    let site = SiteTest::new("bilingual");
    site.build();
    assert!(site.exists("pilots/alpha/images/map.svg"));
    assert!(site.exists("pilots/alpha/report.pdf"));
    for (prefix, about) in [("", "about"), ("en/", "en/about")] {
        let html = site.read(&format!("{prefix}pilots/alpha/index.html"));
        assert_contains(&html, r#"src="/pilots-site/pilots/alpha/images/map.svg""#);
        assert_contains(&html, r#"href="/pilots-site/pilots/alpha/report.pdf""#);
        assert_contains(&html, &format!(r#"href="/pilots-site/{prefix}pilots/beta/""#));
        assert_contains(&html, &format!(r#"href="/pilots-site/{about}/""#));
    }
}

#[test]
fn escapes_titles_as_text() {
    let site = SiteTest::new("bilingual");
    site.build();
    for page in ["pilots/delta/index.html", "pilots/index.html", "en/issues/aging-society/index.html"] {
        let html = site.read(page);
        assert_not_contains(&html, "<script>alert(1)</script>");
        assert_contains(&html, "&lt;script&gt;alert(1)&lt;/script&gt;");
    }
}

#[test]
fn every_page_has_switch_canonical_and_alternates() {
    let site = SiteTest::new("bilingual");
    site.build();
    let th = site.read("issues/water/index.html");
    assert_contains(&th, r#"<link rel="canonical" href="https://example.go.th/pilots-site/issues/water/">"#);
    assert_contains(&th, r#"<a class="lang-switch" href="/pilots-site/en/issues/water/" hreflang="en""#);
    assert_contains(
        &th,
        r#"<link rel="alternate" hreflang="en" href="https://example.go.th/pilots-site/en/issues/water/">"#,
    );
    assert_contains(&th, r#"<meta name="description" content="#);
    let en = site.read("en/pilots/alpha/updates/2024-09-25-workshop/index.html");
    assert_contains(&en, r#"<a class="lang-switch" href="/pilots-site/pilots/alpha/updates/2024-09-25-workshop/""#);
}

#[test]
fn paginates_updates_newest_first() {
    let site = SiteTest::new("bilingual");
    site.build();
    let first = site.read("en/updates/index.html");
    let workshop = first.find("Workshop held").expect("newest update on page 1");
    let second = first.find("Update 2023-06-01-second").expect("second newest on page 1");
    assert!(workshop < second);
    assert_contains(&first, r#"rel="next" href="/pilots-site/en/updates/page/2/""#);
    assert_contains(&site.read("en/updates/page/2/index.html"), "Update 2023-03-01-first");
}

#[test]
fn shows_indicator_progress() {
    let site = SiteTest::new("bilingual");
    site.build();
    let en = site.read("en/pilots/alpha/index.html");
    assert_contains(&en, "Participants <span class=\"unit\">(people)</span>");
    assert_contains(&en, "<td data-label=\"Target\">1,200</td>");
    assert_contains(&en, r#"value="103""#);
    assert_contains(&en, "Target met");
    assert_contains(&en, r#"value="25""#);
    assert_contains(&site.read("en/pilots/index.html"), "Targets met 1/2");
}

#[test]
fn rebuild_leaves_no_stale_files() {
    let site = SiteTest::new("bilingual");
    site.build();
    assert!(site.exists("pilots/delta/index.html"));
    site.remove("content/pilots/delta");
    site.build();
    assert!(!site.exists("pilots/delta/index.html"));
    assert!(!site.exists("en/pilots/delta/updates/2023-03-01-first/index.html"));
    assert!(!site.exists("provinces/yala/index.html"));
}

#[test]
fn output_is_identical_from_run_to_run() {
    let site = SiteTest::new("bilingual");
    site.build();
    let first = tree(&site.out());
    site.build();
    assert_eq!(first, tree(&site.out()));
}

#[test]
fn builds_the_sample_site_without_unintended_warnings() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = tempfile::tempdir().unwrap();
    let report = namrong::build(&namrong::BuildOptions {
        root: root.to_path_buf(),
        output: Some(out.path().join("public")),
        drafts: false,
        base_url: None,
        today: None,
    })
    .unwrap_or_else(|e| panic!("the sample site must build: {e:?}"));
    assert!(report.warnings.is_empty(), "{}", report.warnings);
    assert!(report.stats.pages.th >= 8 * 2, "{:?}", report.stats);
    assert_eq!(report.stats.pages.th, report.stats.pages.en);
}

#[test]
fn a_site_theme_overrides_a_builtin_template_and_labels() {
    let site = SiteTest::new("bilingual");
    site.write(
        "themes/default/templates/404.html",
        "<!DOCTYPE html><html lang=\"{{ lang }}\"><title>x</title>custom {{ t.home }}</html>",
    );
    site.write("themes/default/i18n.toml", "[th]\nhome = \"บ้าน\"\n[en]\nhome = \"Start\"\n");
    site.build();
    assert_contains(&site.read("404.html"), "custom บ้าน");
    assert_contains(&site.read("en/404.html"), "custom Start");
    assert_contains(&site.read("en/pilots/alpha/index.html"), r#"<a href="/pilots-site/en/">Start</a>"#);
}

#[test]
fn long_pilot_lists_are_paginated() {
    let site = SiteTest::new("bilingual");
    site.replace("namrong.toml", "updates_per_page = 2", "updates_per_page = 2\npilots_per_page = 1");
    site.build();
    let first = site.read("en/pilots/index.html");
    assert_eq!(first.matches("<li class=\"card\">").count(), 1);
    assert_contains(&first, r#"rel="next" href="/pilots-site/en/pilots/page/2/""#);
    let last = site.read("en/pilots/page/3/index.html");
    assert_eq!(last.matches("<li class=\"card\">").count(), 1);
    assert_contains(&last, r#"rel="prev" href="/pilots-site/en/pilots/page/2/""#);
    assert_not_contains(&last, r#"rel="next""#);
    assert!(!site.exists("en/pilots/page/4/index.html"));
    assert_contains(&site.read("issues/aging-society/index.html"), "/pilots-site/issues/aging-society/page/2/");
    assert!(site.exists("issues/aging-society/page/2/index.html"));
    assert!(site.exists("issues/water/index.html"));
    assert!(!site.exists("issues/water/page/2/index.html"));
}

#[test]
fn english_counts_say_one_pilot_and_two_pilots() {
    let site = SiteTest::new("bilingual");
    site.build();
    for page in ["en/index.html", "en/provinces/index.html", "en/issues/index.html"] {
        let html = site.read(page);
        for bad in [" 1 pilots<", " 1 pilots\"", ">1 pilots<"] {
            assert_not_contains(&html, bad);
        }
    }
    let provinces = site.read("en/provinces/index.html");
    assert_contains(&provinces, "1 pilot</span>");
    assert_contains(&site.read("en/issues/index.html"), "2 pilots</span>");
    // Thai has no plural: the same word either way.
    assert_contains(&site.read("provinces/index.html"), "1 โครงการ</span>");
}

#[test]
fn calendar_lint_names_years_from_the_other_calendar_and_can_be_turned_off() {
    let site = SiteTest::new("bilingual");
    site.replace("content/pilots/alpha/th.md", "ทุกปี", "ทุกปี ตั้งแต่ปี 2024 (ค.ศ. 2019 ตามรายงาน)");
    site.replace("content/pilots/alpha/en.md", "every year.", "every year since 2567.");
    site.replace(
        "content/pilots/alpha/pilot.toml",
        "\"ลดปัญหาหมอกควันไฟป่าด้วยงานวิจัย\"",
        "\"ลดปัญหาหมอกควันไฟป่าด้วยงานวิจัยปี 2024\"",
    );
    let warnings: Vec<String> = site
        .build()
        .warnings
        .iter()
        .filter(|d| d.message.contains("looks like a"))
        .map(|d| format!("{}:{}: {}", d.path.display(), d.line, d.message))
        .collect();
    assert_eq!(
        warnings,
        [
            "content/pilots/alpha/en.md:3: the year 2567 in English text looks like a Buddhist-Era year: 2567 → 2024",
            "content/pilots/alpha/pilot.toml:2: the year 2024 in Thai text looks like a Common-Era year: ปี 2024 → ปี 2567",
            "content/pilots/alpha/th.md:3: the year 2024 in Thai text looks like a Common-Era year: ปี 2024 → ปี 2567",
        ]
    );
    site.replace("namrong.toml", "social_cards = false", "social_cards = false\ncalendar_lint = false");
    let report = site.build();
    assert!(report.warnings.iter().all(|d| !d.message.contains("looks like a")), "{}", report.warnings);
}

/// One policy for a page that has no text in its language (it shows the other language's): it
/// asks not to be indexed, names the page with the text as canonical, and is in no sitemap,
/// hreflang list or feed of its language.
#[test]
fn a_fallback_page_is_noindex_canonical_to_the_original_and_in_no_sitemap_or_feed() {
    let site = SiteTest::new("bilingual");
    site.remove("content/pilots/delta/updates/2023-06-01-second.en.md");
    site.build();
    let thai_pilot = "https://example.go.th/pilots-site/pilots/beta/";
    let en = site.read("en/pilots/beta/index.html");
    assert_contains(&en, "<meta name=\"robots\" content=\"noindex, follow\">");
    assert_contains(&en, &format!(r#"<link rel="canonical" href="{thai_pilot}">"#));
    assert_contains(&en, &format!(r#"<meta property="og:url" content="{thai_pilot}">"#));
    let update = site.read("en/pilots/delta/updates/2023-06-01-second/index.html");
    assert_contains(&update, "<meta name=\"robots\" content=\"noindex, follow\">");
    assert_contains(
        &update,
        r#"<link rel="canonical" href="https://example.go.th/pilots-site/pilots/delta/updates/2023-06-01-second/">"#,
    );
    // Pages with their own text are indexed and canonical to themselves.
    let own = site.read("en/pilots/delta/updates/2023-03-01-first/index.html");
    assert_not_contains(&own, "noindex");
    assert_contains(
        &own,
        r#"<link rel="canonical" href="https://example.go.th/pilots-site/en/pilots/delta/updates/2023-03-01-first/">"#,
    );
    let sitemap = site.read("sitemap.xml");
    assert_not_contains(&sitemap, "/en/pilots/beta/");
    assert_not_contains(&sitemap, "/en/pilots/delta/updates/2023-06-01-second/");
    assert_contains(&sitemap, "<loc>https://example.go.th/pilots-site/pilots/delta/updates/2023-06-01-second/</loc>");
    assert_not_contains(&site.read("pilots/beta/index.html"), r#"<link rel="alternate" hreflang="en""#);
    let en_feed = site.read("en/feed.xml");
    assert_not_contains(&en_feed, "2023-06-01-second");
    assert_contains(&en_feed, "/en/pilots/delta/updates/2023-03-01-first/");
    assert_contains(&site.read("feed.xml"), "/pilots/delta/updates/2023-06-01-second/");
}

/// A sink whose disk is full for one file.
struct FullDisk(&'static str);

impl namrong::output::Sink for FullDisk {
    fn put(&self, path: &str, body: namrong::output::Body) -> Result<u64, namrong::output::OutputError> {
        if path == self.0 {
            let source = std::io::Error::new(std::io::ErrorKind::StorageFull, "No space left on device");
            return Err(namrong::output::OutputError::Io { action: "cannot write", path: path.into(), source });
        }
        namrong::output::NullSink.put(path, body)
    }
}

#[test]
fn a_file_that_cannot_be_stored_is_an_output_error_naming_it() {
    let site = SiteTest::new("bilingual");
    let loaded = namrong::load_site(&site.root(), false, None, Some(today())).unwrap();
    let prepared = namrong::emit::Prepared::new(&loaded.site, &loaded.theme);
    // Pages, search files and the sitemap all leave through the same sink.
    for path in ["en/pilots/alpha/index.html", "search/th/meta.json", "sitemap.xml", "pilots/alpha/report.pdf"] {
        let err =
            namrong::emit::site(&loaded.site, &loaded.theme, &prepared, &site.root(), &FullDisk(path)).unwrap_err();
        let err = namrong::BuildError::from(err);
        assert!(matches!(err, namrong::BuildError::Output(_)), "{path}: {err:?}");
        assert_eq!(err.to_string(), format!("cannot write {path}: No space left on device"));
    }
}

#[test]
fn the_header_shows_the_publishers_logo_or_namrongs_mark() {
    let site = SiteTest::new("bilingual");
    site.build();
    assert_contains(&site.read("index.html"), "favicon.svg\" alt=\"\" width=\"28\"");
    site.write(
        "themes/default/static/agency-logo.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 10 10\"/>",
    )
    .write(
        "namrong.toml",
        std::fs::read_to_string(site.root().join("namrong.toml")).unwrap()
            + "logo = \"agency-logo.svg\"\nlogo_alt = { th = \"สำนักงานทดสอบ\", en = \"Test Office\" }\n",
    );
    site.build();
    let th = site.read("index.html");
    assert_contains(&th, "<img class=\"logo\" src=\"/pilots-site/static/agency-logo.svg\" alt=\"สำนักงานทดสอบ\"");
    assert!(!th.contains("favicon.svg\" alt=\"\" width=\"28\""), "the logo replaces namrong's mark");
    assert_contains(&th, "<span>ทดสอบโครงการนำร่อง</span>");
    assert_contains(&site.read("en/index.html"), "alt=\"Test Office\"");
    assert!(site.exists("static/agency-logo.svg"));
}

#[test]
fn a_logo_that_is_not_a_file_is_an_error_at_its_line() {
    let site = SiteTest::new("bilingual");
    let config = std::fs::read_to_string(site.root().join("namrong.toml")).unwrap();
    let line = config.lines().count() + 1;
    site.write("namrong.toml", config + "logo = \"../secret.svg\"\n");
    let text = match site.build_with(|_| {}) {
        Err(namrong::BuildError::Content(ds)) => ds.to_string(),
        Err(e) => panic!("expected a content error, got {e}"),
        Ok(_) => panic!("a logo outside the theme's static folder must be refused"),
    };
    assert!(text.contains("logo `../secret.svg`") && text.contains(&format!("namrong.toml:{line}:")), "{text}");
}

#[test]
fn the_provinces_page_leads_with_provinces_that_have_pilots_and_folds_the_rest() {
    let site = SiteTest::new("bilingual");
    site.build();
    let th = site.read("provinces/index.html");
    let lampang = th
        .find("<a href=\"/pilots-site/provinces/lampang/\"><span class=\"abbr shade-1\" aria-hidden=\"true\">ลป</span>")
        .expect("Lampang is linked");
    let folded = th.find("<details class=\"region-fold\">").expect("provinces without pilots are folded");
    assert!(lampang < folded, "provinces with pilots come first");
    let songkhla = th.find("<span class=\"none\">สงขลา</span>").expect("Songkhla is listed");
    assert!(songkhla > folded, "a province without pilots is inside a fold");
    assert!(!th.contains("ยังไม่มีโครงการ</span></li>"), "no 'no pilots yet' line per province");
    assert_contains(&th, "<summary>ภาคใต้ <span class=\"count muted\">(");
    assert_contains(&site.read("en/provinces/index.html"), "Provinces without pilots yet");
}
