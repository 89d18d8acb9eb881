//! The DCAT catalogue (data/catalog.jsonld, and the same in data/catalog.ttl): parsed by a real RDF parser (rdflib, through
//! tests/rdf/check_catalog.py) with every mandatory DCAT-AP property checked, byte sizes equal to
//! the files of the same build, and links to it from the data page. The data page's own links
//! all start with the site's base URL.

use std::path::Path;
use std::process::Command;

use crate::support::*;

const INSTALL: &str = "python3 -m pip install rdflib";

/// Runs the RDF check on a built site; returns (exit code, stdout + stderr).
fn check_catalog(out: &Path, base_url: &str) -> (i32, String) {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/rdf/check_catalog.py");
    let run = Command::new("python3").arg(&script).arg(out).arg(base_url).output().unwrap_or_else(|e| {
        panic!("cannot run python3 ({e}): the catalogue test needs Python 3 with rdflib; install it with `{INSTALL}`")
    });
    let text = format!("{}{}", String::from_utf8_lossy(&run.stdout), String::from_utf8_lossy(&run.stderr));
    let code = run.status.code().unwrap_or(-1);
    assert_ne!(code, 3, "rdflib is missing: install it with `{INSTALL}`\n{text}");
    (code, text)
}

fn catalog(site: &SiteTest) -> serde_json::Value {
    serde_json::from_str(&site.read("data/catalog.jsonld")).expect("catalog.jsonld is JSON")
}

fn nodes_of_type<'a>(doc: &'a serde_json::Value, ty: &str) -> Vec<&'a serde_json::Value> {
    doc["@graph"].as_array().unwrap().iter().filter(|n| n["@type"] == ty).collect()
}

#[test]
fn the_catalogue_parses_as_rdf_with_every_mandatory_dcat_ap_property() {
    let site = SiteTest::new("bilingual");
    site.build();
    let (code, text) = check_catalog(&site.out(), "https://example.go.th/pilots-site/");
    assert_eq!(code, 0, "{text}");
    assert!(text.starts_with("ok: 1 catalogue, 3 datasets, 4 distributions"), "{text}");
    assert!(text.trim_end().ends_with("the same in Turtle"), "{text}");
}

#[test]
fn the_sample_sites_catalogue_passes_the_rdf_check() {
    let out = tempfile::tempdir().unwrap();
    let options = namrong::BuildOptions {
        root: env!("CARGO_MANIFEST_DIR").into(),
        output: Some(out.path().join("p")),
        ..Default::default()
    };
    let report = namrong::build(&options).unwrap();
    assert!(!report.warnings.iter().any(|d| d.message.contains("publishes the data")), "{}", report.warnings);
    let (code, text) = check_catalog(&out.path().join("p"), "https://pilots.example.go.th/");
    assert_eq!(code, 0, "{text}");
}

#[test]
fn the_rdf_check_fails_on_a_catalogue_missing_what_dcat_ap_requires() {
    let site = SiteTest::new("bilingual");
    site.build();
    let mut doc = catalog(&site);
    for node in doc["@graph"].as_array_mut().unwrap() {
        if node["@type"] == "dcat:Dataset" {
            node.as_object_mut().unwrap().remove("dct:title");
        }
        if node["@type"] == "dcat:Distribution" && node["dct:title"] == "pilots.csv" {
            node["dcat:downloadURL"]["@id"] = "https://example.go.th/pilots-site/data/missing.csv".into();
        }
    }
    site.write("public/data/catalog.jsonld", serde_json::to_vec(&doc).unwrap());
    let (code, text) = check_catalog(&site.out(), "https://example.go.th/pilots-site/");
    assert_eq!(code, 1, "{text}");
    assert_contains(&text, "https://example.go.th/pilots-site/data/#pilots has no dct:title");
    assert_contains(&text, "data/missing.csv is not a file of the build");
    assert_contains(&text, "catalog.ttl does not hold the same statements as catalog.jsonld");
}

#[test]
fn byte_sizes_are_those_of_the_files_built() {
    let site = SiteTest::new("bilingual");
    site.build();
    let doc = catalog(&site);
    let files = nodes_of_type(&doc, "dcat:Distribution");
    assert_eq!(files.len(), 4);
    for f in files {
        let url = f["dcat:downloadURL"]["@id"].as_str().unwrap();
        let rel = url.strip_prefix("https://example.go.th/pilots-site/").expect("under base_url");
        let size: u64 = f["dcat:byteSize"]["@value"].as_str().unwrap().parse().unwrap();
        assert_eq!(size, std::fs::metadata(site.out().join(rel)).unwrap().len(), "size of {rel}");
        assert_eq!(f["dcat:accessURL"], f["dcat:downloadURL"]);
    }
}

#[test]
fn the_catalogue_describes_publisher_places_themes_and_dates() {
    let site = SiteTest::new("bilingual");
    site.build();
    let doc = catalog(&site);
    let text = serde_json::to_string(&doc).unwrap();
    let publisher = doc["@graph"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["@id"] == "https://example.go.th/pilots-site/#publisher")
        .unwrap();
    assert_eq!(publisher["foaf:name"][1], serde_json::json!({ "@value": "Test Office", "@language": "en" }));
    assert_eq!(publisher["foaf:mbox"]["@id"], "mailto:data@example.go.th");
    let pilots = doc["@graph"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["@id"] == "https://example.go.th/pilots-site/data/#pilots")
        .unwrap();
    // Spatial coverage: the provinces of published pilots (alpha: Lampang, Chiang Mai; beta: Chonburi; delta: Yala), not the draft's.
    let places: Vec<&str> =
        pilots["dct:spatial"].as_array().unwrap().iter().map(|p| p["@id"].as_str().unwrap()).collect();
    assert_eq!(places.len(), 4, "{places:?}");
    assert!(places.contains(&"https://example.go.th/pilots-site/provinces/lampang/"), "{places:?}");
    assert_contains(&text, r#"{"@language":"th","@value":"หมอกควันและไฟป่า"}"#);
    assert_contains(&text, r#""skos:notation":"haze-wildfire""#);
    assert_eq!(pilots["dct:issued"]["@value"], "2023-01-01");
    assert_eq!(pilots["dct:modified"]["@value"], "2025-01-15");
    assert_eq!(pilots["dcat:landingPage"][1]["@id"], "https://example.go.th/pilots-site/en/data/");
}

#[test]
fn without_a_publisher_the_site_is_named_and_a_warning_says_so() {
    let site = SiteTest::new("bilingual");
    let config = std::fs::read_to_string(site.root().join("namrong.toml")).unwrap();
    let without: String = config.lines().filter(|l| !l.starts_with("publisher")).map(|l| format!("{l}\n")).collect();
    site.write("namrong.toml", without);
    let report = site.build();
    let warning = report.warnings.iter().find(|d| d.message.contains("does not say who publishes the data"));
    assert!(warning.is_some(), "{}", report.warnings);
    let doc = catalog(&site);
    let publisher = doc["@graph"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["@id"] == "https://example.go.th/pilots-site/#publisher")
        .unwrap();
    assert_eq!(publisher["foaf:name"][1]["@value"], "Pilot test site");
    let (code, text) = check_catalog(&site.out(), "https://example.go.th/pilots-site/");
    assert_eq!(code, 0, "{text}");
}

#[test]
fn a_bad_publisher_address_is_an_error() {
    let site = SiteTest::new("bilingual");
    site.replace("namrong.toml", "url = \"https://example.go.th/\"", "url = \"example.go.th\"");
    site.replace("namrong.toml", "data@example.go.th", "data at example");
    let ds = site.build_errors();
    let text = ds.to_text();
    assert_contains(&text, "namrong.toml:6:");
    assert_contains(&text, "publisher url: the address `example.go.th` must start with https:// or http://");
    assert_contains(&text, "publisher email `data at example` is not an e-mail address");
}

#[test]
fn every_link_on_the_data_page_uses_the_base_url() {
    let site = SiteTest::new("bilingual");
    site.build_with(|o| o.base_url = Some("https://open.example.org/pilot-data".into())).unwrap();
    for page in ["data/index.html", "en/data/index.html"] {
        let html = site.read(page);
        assert_contains(
            &html,
            r#"<link rel="alternate" type="application/ld+json" href="https://open.example.org/pilot-data/data/catalog.jsonld""#,
        );
        let main = &html[html.find("<main").unwrap()..html.find("</main>").unwrap()];
        let hrefs: Vec<&str> = main.split("href=\"").skip(1).map(|s| &s[..s.find('"').unwrap()]).collect();
        assert!(hrefs.len() >= 8, "{hrefs:?}");
        for href in hrefs.iter().filter(|h| !h.starts_with("https://creativecommons.org/")) {
            assert!(
                href.starts_with("https://open.example.org/pilot-data/"),
                "{page}: {href} does not use the base URL"
            );
        }
        assert!(hrefs.contains(&"https://open.example.org/pilot-data/data/catalog.jsonld"), "{hrefs:?}");
        assert!(hrefs.contains(&"https://open.example.org/pilot-data/data/pilots/alpha.json"), "{hrefs:?}");
        assert_not_contains(main, "example.go.th");
    }
}
