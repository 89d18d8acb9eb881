//! Quality of the site search: which pilots Thai and English queries find and in what order,
//! on the sample site and the bilingual fixture; index files that are deterministic, small for a
//! first query at 1,000 pilots, and the same after `replace_pilot` as after a fresh build; and
//! `search.js`, run by Node over a built site, agreeing with `SearchIndex::query`.

use std::path::{Path, PathBuf};
use std::time::Instant;

use namrong::model::{Date, Doc, Lang, PerLang, Pilot, Site, Text, Update};
use namrong::search::{CONFIRM, Hit, SearchIndex};

fn today() -> Date {
    Date::from_ymd_opt(2026, 1, 1).unwrap()
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn load(root: &Path) -> Site {
    match namrong::load_site(root, false, None, Some(today())) {
        Ok(l) => l.site,
        Err(e) => panic!("{} does not load: {e:?}", root.display()),
    }
}

fn sample() -> Site {
    load(&repo())
}

fn lang(code: &str) -> Lang {
    Lang::from_code(code).unwrap()
}

/// The slug of a pilot hit, `None` for other kinds.
fn pilot_slug(h: &Hit) -> Option<&str> {
    (h.kind == "pilot").then(|| h.url.trim_end_matches('/').rsplit('/').next().unwrap())
}

fn pilot_slugs(hits: &[Hit]) -> Vec<&str> {
    hits.iter().filter_map(pilot_slug).collect()
}

fn show(hits: &[Hit]) -> String {
    hits.iter().map(|h| format!("\n  {:>8} {:6} {} ({})", h.score, h.kind, h.url, h.title)).collect()
}

const LAMPANG: &[&str] = &["lampang-aging-society", "lampang-creative-ceramics", "lampang-haze-wildfire"];

/// Queries on the sample site: language | query | pilots it must find (`*` first: the pilot
/// that must come first) | pilots it must not find. `ko-sichang-tourism-logistics` is a draft.
const SAMPLE_CASES: &str = "
# Thai words found inside longer compounds (ปัญหาหมอกควันไฟป่า, การแก้ปัญหาหมอกควันไฟป่า).
th | หมอกควัน | *lampang-haze-wildfire | yala-tha-sap-social-protection koh-yao-yai-sustainable-tourism
th | ปัญหาหมอกควันไฟป่า | *lampang-haze-wildfire | ko-sichang-local-planning
th | ควัน | *lampang-haze-wildfire | yala-tha-sap-social-protection
th | ไฟป่า | *lampang-haze-wildfire | prachinburi-social-network
th | ลำปาง | lampang-aging-society lampang-creative-ceramics lampang-haze-wildfire | yala-tha-sap-social-protection koh-yao-yai-sustainable-tourism prachinburi-social-network
th | เซรามิก | *lampang-creative-ceramics | yala-tha-sap-social-protection
th | สังคมสูงวัย | *lampang-aging-society | koh-yao-yai-sustainable-tourism
th | เกาะสีชัง | *ko-sichang-local-planning | lampang-haze-wildfire ko-sichang-tourism-logistics
th | ยะลา | *yala-tha-sap-social-protection | lampang-haze-wildfire
# Words of the site word list (content/words.txt) are terms of their own: ลูกเหรียง, ท่าสาป.
th | ลูกเหรียง | *yala-tha-sap-social-protection | lampang-haze-wildfire prachinburi-social-network
th | ท่าสาป | *yala-tha-sap-social-protection | lampang-haze-wildfire
th | ลำปาง หมอกควัน | *lampang-haze-wildfire | yala-tha-sap-social-protection
# A Thai page finds English province names, an English page Thai ones.
th | Lampang | lampang-aging-society lampang-creative-ceramics lampang-haze-wildfire | yala-tha-sap-social-protection
en | ลำปาง | lampang-aging-society lampang-creative-ceramics lampang-haze-wildfire | yala-tha-sap-social-protection
en | พังงา | *koh-yao-yai-sustainable-tourism | lampang-haze-wildfire
# English: case, stemming, several words.
en | wildfires | *lampang-haze-wildfire | yala-tha-sap-social-protection
en | wildfire | *lampang-haze-wildfire |
en | LAMPANG | lampang-aging-society lampang-creative-ceramics lampang-haze-wildfire | yala-tha-sap-social-protection koh-yao-yai-sustainable-tourism
en | ceramic | *lampang-creative-ceramics | yala-tha-sap-social-protection
en | aging society | *lampang-aging-society | koh-yao-yai-sustainable-tourism
en | sustainable tourism | *koh-yao-yai-sustainable-tourism | lampang-aging-society
en | Yala | *yala-tha-sap-social-protection | lampang-haze-wildfire
en | Ko Sichang | *ko-sichang-local-planning | lampang-haze-wildfire ko-sichang-tourism-logistics
# A compound the index holds as two terms: results say it as written, not its parts apart
# (ภาคประชาสังคม … ภาครัฐ); a misspelt one (เซรามิค for เซรามิก) still finds what its parts find.
th | ประชารัฐ | *grassroots-economy-mechanism | prachinburi-social-network lampang-creative-ceramics lampang-haze-wildfire lampang-aging-society
th | เซรามิค | *lampang-creative-ceramics | yala-tha-sap-social-protection
# Tone marks are part of the word: ช้าง (elephant) is not ช่าง (craftsman).
th | ช้าง | *prachinburi-social-network | lampang-creative-ceramics lampang-haze-wildfire eec-research-innovation
th | ช่าง | lampang-creative-ceramics | prachinburi-social-network
# A word being typed: prefix search.
en | lampa | lampang-aging-society lampang-creative-ceramics lampang-haze-wildfire | yala-tha-sap-social-protection
th | ลำปา | lampang-aging-society lampang-creative-ceramics lampang-haze-wildfire | yala-tha-sap-social-protection
";

struct Case<'a> {
    lang: &'a str,
    query: &'a str,
    must: Vec<&'a str>,
    first: Option<&'a str>,
    must_not: Vec<&'a str>,
}

fn cases(table: &str) -> Vec<Case<'_>> {
    table
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let cols: Vec<&str> = l.split('|').map(str::trim).collect();
            let must: Vec<&str> = cols[2].split_whitespace().collect();
            Case {
                lang: cols[0],
                query: cols[1],
                first: must.iter().find_map(|m| m.strip_prefix('*')),
                must: must.iter().map(|m| m.trim_start_matches('*')).collect(),
                must_not: cols[3].split_whitespace().collect(),
            }
        })
        .collect()
}

fn check_cases(index: &SearchIndex, table: &str) {
    let mut failures = Vec::new();
    for c in cases(table) {
        let (code, q) = (c.lang, c.query);
        let hits = index.query(lang(code), q);
        let slugs = pilot_slugs(&hits);
        for m in &c.must {
            if !slugs.contains(m) {
                failures.push(format!("[{code}] {q:?} does not find {m}:{}", show(&hits)));
            }
        }
        if let Some(f) = c.first
            && slugs.first() != Some(&f)
        {
            failures.push(format!("[{code}] {q:?} does not put {f} first:{}", show(&hits)));
        }
        for m in &c.must_not {
            if slugs.contains(m) {
                failures.push(format!("[{code}] {q:?} finds {m}:{}", show(&hits)));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn thai_and_english_queries_find_the_right_pilots() {
    let site = sample();
    let index = SearchIndex::build(&site);
    check_cases(&index, SAMPLE_CASES);
}

#[test]
fn lampang_finds_its_three_pilots_first() {
    let site = sample();
    let index = SearchIndex::build(&site);
    for (code, q) in [("th", "ลำปาง"), ("en", "Lampang"), ("en", "lampang"), ("th", "LAMPANG")] {
        let hits = index.query(lang(code), q);
        let top: Vec<&str> = hits.iter().take(3).filter_map(pilot_slug).collect();
        let mut sorted = top.clone();
        sorted.sort();
        assert_eq!(sorted, LAMPANG, "[{code}] {q:?}:{}", show(&hits));
    }
}

#[test]
fn title_matches_rank_above_body_only_matches() {
    let site = sample();
    let index = SearchIndex::build(&site);
    // (language, query, what a matching title contains)
    for (code, q, needle) in [
        ("th", "ลำปาง", "ลำปาง"),
        ("th", "เกาะสีชัง", "เกาะสีชัง"),
        ("th", "วิจัย", "วิจัย"),
        ("en", "Lampang", "lampang"),
        ("en", "research", "research"),
        ("en", "tourism", "tourism"),
        ("en", "wildfire", "wildfire"),
    ] {
        let hits = index.query(lang(code), q);
        let in_title: Vec<bool> = hits.iter().map(|h| h.title.to_lowercase().contains(needle)).collect();
        assert!(
            in_title.iter().any(|&t| t) && in_title.iter().any(|&t| !t),
            "[{code}] {q:?} needs both kinds:{}",
            show(&hits)
        );
        let last_title = in_title.iter().rposition(|&t| t).unwrap();
        let first_body = in_title.iter().position(|&t| !t).unwrap();
        assert!(last_title < first_body, "[{code}] {q:?}: a body-only match outranks a title match:{}", show(&hits));
    }
}

#[test]
fn scores_are_ordered_and_every_hit_is_a_page_of_the_site() {
    let site = sample();
    let index = SearchIndex::build(&site);
    let hits = index.query(Lang::En, "research innovation");
    assert!(!hits.is_empty());
    assert!(hits.windows(2).all(|w| w[0].score >= w[1].score), "{}", show(&hits));
    for h in &hits {
        assert!(h.url.starts_with("/en/"), "{}", h.url);
        assert!(matches!(h.kind, "pilot" | "update" | "page"));
    }
    assert!(index.query(Lang::Th, "").is_empty());
    assert!(index.query(Lang::Th, "   .,;").is_empty());
    assert!(index.query(Lang::En, "zzzzqqqq").is_empty());
}

#[test]
fn the_bilingual_fixture_respects_base_path_drafts_and_fallback_text() {
    let site = load(&repo().join("tests/sites/bilingual"));
    let index = SearchIndex::build(&site);
    let hits = index.query(Lang::Th, "หมอกควัน");
    assert_eq!(hits.first().map(|h| h.url.as_str()), Some("/pilots-site/pilots/alpha/"), "{}", show(&hits));
    let hits = index.query(Lang::En, "haze");
    assert_eq!(hits.first().map(|h| h.url.as_str()), Some("/pilots-site/en/pilots/alpha/"), "{}", show(&hits));
    // The draft "gamma" (Yala draft pilot) is not in a build without drafts.
    let hits = index.query(Lang::En, "draft");
    assert!(hits.iter().all(|h| !h.url.contains("gamma")), "{}", show(&hits));
    let hits = index.query(Lang::En, "Yala");
    assert_eq!(pilot_slugs(&hits), ["delta"], "{}", show(&hits));
    // Beta has Thai text only: its English page shows (and indexes) the Thai.
    let hits = index.query(Lang::En, "สังคมสูงวัย");
    assert!(hits.iter().any(|h| h.url == "/pilots-site/en/pilots/beta/"), "{}", show(&hits));
    // Free pages are found too.
    let about = &site.pages[0];
    let title = about.title.resolve(Lang::En).unwrap().0;
    let hits = index.query(Lang::En, title);
    assert!(hits.iter().any(|h| h.kind == "page"), "{title}: {}", show(&hits));
    // The index is written under search/<lang>/.
    let files = index.files(&site);
    for code in ["th", "en"] {
        assert!(files.iter().any(|(p, _)| *p == format!("search/{code}/meta.json")));
        assert!(files.iter().any(|(p, _)| p.starts_with(&format!("search/{code}/s/"))));
        assert!(files.iter().any(|(p, _)| p.starts_with(&format!("search/{code}/f/"))));
    }
    // Result files hold titles as text (search.js shows them with textContent).
    let titles: Vec<String> = files
        .iter()
        .filter(|(p, _)| p.contains("/f/"))
        .flat_map(|(_, b)| {
            let v: serde_json::Value = serde_json::from_slice(b).unwrap();
            v["docs"].as_array().unwrap().iter().map(|d| d["t"].as_str().unwrap().to_string()).collect::<Vec<_>>()
        })
        .collect();
    assert!(titles.iter().any(|t| t == "<script>alert(1)</script> Yala"), "{titles:?}");
}

#[test]
fn index_files_are_deterministic() {
    let site = sample();
    let a = SearchIndex::build(&site).files(&site);
    let b = SearchIndex::build(&site).files(&site);
    assert_eq!(a.len(), b.len());
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(x.0, y.0);
        assert!(x.1 == y.1, "{} differs between two builds", x.0);
    }
    let mut paths: Vec<&str> = a.iter().map(|(p, _)| p.as_str()).collect();
    paths.sort();
    paths.dedup();
    assert_eq!(paths.len(), a.len(), "paths are unique");
    for (p, bytes) in &a {
        assert!(p.starts_with("search/th/") || p.starts_with("search/en/"), "{p}");
        serde_json::from_slice::<serde_json::Value>(bytes).unwrap_or_else(|e| panic!("{p} is not JSON: {e}"));
    }
}

fn set_doc(doc: &mut Option<Doc>, text: &str) {
    let d = doc.get_or_insert_with(Doc::default);
    d.plain = text.to_string();
    d.html = format!("<p>{text}</p>");
    d.is_empty = text.is_empty();
}

#[test]
fn replace_pilot_gives_the_files_of_a_fresh_build() {
    let site = sample();
    let mut index = SearchIndex::build(&site);
    let i = site.pilots.iter().position(|p| p.slug == "lampang-haze-wildfire").unwrap();
    let mut changed = site.clone();
    let p = &mut changed.pilots[i];
    p.title = Text {
        th: Some("ลำปางปลูกป่าชุมชน".into()), en: Some("Lampang community forests".into())
    };
    set_doc(&mut p.narrative.th, "ชุมชนร่วมกันปลูกป่าต้นน้ำและทำแนวกันไฟ ลดการเผาในที่โล่ง");
    set_doc(&mut p.narrative.en, "Villagers plant watershed forests and build firebreaks.");
    p.updates.truncate(0);
    index.replace_pilot(&changed, i);
    let fresh = SearchIndex::build(&changed);
    let (a, b) = (index.files(&changed), fresh.files(&changed));
    assert_eq!(a.iter().map(|f| &f.0).collect::<Vec<_>>(), b.iter().map(|f| &f.0).collect::<Vec<_>>());
    for (x, y) in a.iter().zip(&b) {
        assert!(x.1 == y.1, "{} differs from a fresh build", x.0);
    }
    for q in ["firebreaks", "ปลูกป่า"] {
        let l = if q.is_ascii() { Lang::En } else { Lang::Th };
        assert_eq!(index.query(l, q), fresh.query(l, q));
        assert_eq!(pilot_slugs(&index.query(l, q)).first(), Some(&"lampang-haze-wildfire"), "{q}");
    }
    // Words only the old narrative and updates had find it no more.
    for (l, q) in [(Lang::En, "Chatchawan"), (Lang::Th, "ชัชวาลย์")] {
        let old = index.query(l, q);
        assert!(old.iter().all(|h| !h.url.contains("lampang-haze-wildfire")), "{q}: {}", show(&old));
        assert_eq!(old, fresh.query(l, q));
    }
    // Changing it back gives the original files again.
    index.replace_pilot(&site, i);
    assert!(index.files(&site) == SearchIndex::build(&site).files(&site));
}

// ---------------------------------------------------------------------------------------------
// A large synthetic site

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<'a>(&mut self, pool: &'a [String]) -> &'a str {
        &pool[(self.next() % pool.len() as u64) as usize]
    }
    fn text(&mut self, pool: &[String], bytes: usize, sep: &str) -> String {
        let mut s = String::new();
        while s.len() < bytes {
            if !s.is_empty() {
                s.push_str(sep);
            }
            s.push_str(self.pick(pool));
        }
        s
    }
}

fn doc(text: String) -> Option<Doc> {
    Some(Doc { html: format!("<p>{text}</p>"), is_empty: false, plain: text, ..Doc::default() })
}

/// The sample site with `n` pilots whose texts are drawn from the sample's own phrases: about
/// 4 KB of Thai and 3 KB of English narrative and three updates in each language per pilot.
fn synthetic(n: usize) -> Site {
    let base = sample();
    let mut th: Vec<String> = Vec::new();
    let mut en: Vec<String> = Vec::new();
    for p in &base.pilots {
        let docs = std::iter::once(&p.narrative).chain(p.updates.iter().map(|u| &u.body));
        for d in docs {
            if let Some(d) = &d.th {
                th.extend(d.plain.split(' ').filter(|s| s.chars().count() > 3).map(str::to_string));
            }
            if let Some(d) = &d.en {
                en.extend(d.plain.split(". ").filter(|s| s.len() > 10).map(str::to_string));
            }
        }
    }
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let template: Pilot = base.pilots[0].clone();
    let mut site = base.clone();
    site.pilots = (0..n)
        .map(|i| {
            let mut p = template.clone();
            p.slug = format!("pilot-{i:05}");
            p.title = Text { th: Some(rng.text(&th, 60, " ")), en: Some(rng.text(&en, 50, ". ")) };
            p.summary = Text { th: Some(rng.text(&th, 200, " ")), en: Some(rng.text(&en, 160, ". ")) };
            p.provinces = vec![i % 77, (i * 7 + 3) % 77];
            p.issues = vec![i % site.issues.len()];
            p.image = None;
            p.assets.clear();
            p.narrative = PerLang { th: doc(rng.text(&th, 4000, " ")), en: doc(rng.text(&en, 3000, ". ")) };
            p.updates = (0..3)
                .map(|u| Update {
                    stem: format!("2025-0{}-01-update", u + 1),
                    date: Date::from_ymd_opt(2025, u + 1, 1).unwrap(),
                    title: Text { th: Some(rng.text(&th, 40, " ")), en: Some(rng.text(&en, 40, ". ")) },
                    summary: Text::default(),
                    body: PerLang { th: doc(rng.text(&th, 1200, " ")), en: doc(rng.text(&en, 1000, ". ")) },
                    source: None,
                    draft: false,
                })
                .collect();
            p
        })
        .collect();
    site
}

/// The files a browser fetches for the first page of results of `q`: meta.json, the shards
/// holding the query's words and the result files of the first ten hits.
fn first_query_files<'a>(
    files: &'a [(String, Vec<u8>)],
    index: &SearchIndex,
    l: Lang,
    q: &str,
    words: &[&str],
) -> Vec<&'a (String, Vec<u8>)> {
    let base = format!("search/{}/", l.code());
    let meta = files.iter().find(|(p, _)| *p == format!("{base}meta.json")).unwrap();
    let m: serde_json::Value = serde_json::from_slice(&meta.1).unwrap();
    let firsts: Vec<&str> = m["shards"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    let mut needed = vec![meta];
    for w in words {
        let s = firsts.partition_point(|f| *f <= *w).saturating_sub(1);
        needed.push(files.iter().find(|(p, _)| *p == format!("{base}s/{s}.json")).unwrap());
    }
    for h in index.query(l, q).iter().take(10) {
        let needle = format!("\"u\":\"{}\"", h.url);
        let f = files
            .iter()
            .filter(|(p, _)| p.starts_with(&format!("{base}f/")))
            .find(|(_, b)| String::from_utf8_lossy(b).contains(&needle))
            .unwrap_or_else(|| panic!("no result file holds {}", h.url));
        needed.push(f);
    }
    needed.sort_by(|a, b| a.0.cmp(&b.0));
    needed.dedup_by(|a, b| a.0 == b.0);
    needed
}

#[test]
fn a_first_query_downloads_little_at_1000_pilots() {
    let site = synthetic(1000);
    let started = Instant::now();
    let index = SearchIndex::build(&site);
    let built = started.elapsed();
    let files = index.files(&site);
    eprintln!("1,000 pilots: index built in {built:?}, files in {:?} (debug build)", started.elapsed() - built);
    for l in Lang::ALL {
        let base = format!("search/{}/", l.code());
        let mine: Vec<&(String, Vec<u8>)> = files.iter().filter(|(p, _)| p.starts_with(&base)).collect();
        let size = |part: &str| -> (usize, usize, usize) {
            let fs: Vec<usize> = mine.iter().filter(|(p, _)| p.contains(part)).map(|(_, b)| b.len()).collect();
            (fs.len(), fs.iter().sum(), fs.iter().copied().max().unwrap_or(0))
        };
        let (meta, shards, results) = (size("meta.json"), size("/s/"), size("/f/"));
        eprintln!(
            "  {}: meta.json {} B; {} shards, {} KB, largest {} KB; {} result files, {} KB, largest {} KB",
            l.code(),
            meta.1,
            shards.0,
            shards.1 / 1024,
            shards.2 / 1024,
            results.0,
            results.1 / 1024,
            results.2 / 1024
        );
        assert!(meta.1 <= 4 * 1024, "meta.json is {} bytes", meta.1);
        assert!(shards.2 <= 32 * 1024, "a shard is {} bytes", shards.2);
        assert!(results.2 <= 32 * 1024, "a result file is {} bytes", results.2);
    }
    for (l, q, words) in [
        (Lang::Th, "หมอกควัน", &["หมอก", "ควัน"][..]),
        (Lang::Th, "ลำปาง", &["ลำปาง"][..]),
        (Lang::En, "wildfires", &["wildfire"][..]),
        (Lang::En, "research and innovation", &["research", "and", "innovation"][..]),
    ] {
        let needed = first_query_files(&files, &index, l, q, words);
        let total: usize = needed.iter().map(|(_, b)| b.len()).sum();
        let largest = needed.iter().map(|(_, b)| b.len()).max().unwrap();
        eprintln!("  {q:?}: {} files, {} KB in all, largest {} KB", needed.len(), total / 1024, largest / 1024);
        assert!(largest <= 32 * 1024, "{q:?} needs a file of {largest} bytes");
        assert!(total <= 256 * 1024, "{q:?} needs {total} bytes");
    }
    // Quality holds in a large corpus: a sample pilot's own words still find it first.
    let hits = index.query(Lang::En, "wildfires");
    assert!(!hits.is_empty());
}

/// The result file holding `url`.
fn result_file<'a>(files: &'a [(String, Vec<u8>)], base: &str, url: &str) -> &'a (String, Vec<u8>) {
    let needle = format!("\"u\":\"{url}\"");
    files
        .iter()
        .filter(|(p, _)| p.starts_with(&format!("{base}f/")))
        .find(|(_, b)| String::from_utf8_lossy(b).contains(&needle))
        .unwrap_or_else(|| panic!("no result file holds {url}"))
}

/// Index size and the bytes of a first query, before compounds were confirmed (meta.json,
/// shards, the first ten results' files) and now (also the files of the first [`CONFIRM`]
/// candidates of a query with compounds), printed for BENCHMARKS.md.
fn print_search_sizes(n: usize) {
    let site = synthetic(n);
    let index = SearchIndex::build(&site);
    let files = index.files(&site);
    // Without the site word list, the index is the one before its words became terms.
    let mut bare = site.clone();
    bare.words = namrong::wordbreak::WordList::default();
    let bare_files = SearchIndex::build(&bare).files(&bare);
    let size = |files: &[(String, Vec<u8>)], prefix: &str| -> usize {
        files.iter().filter(|(p, _)| p.starts_with(prefix)).map(|(_, b)| b.len()).sum::<usize>() / 1024
    };
    for l in Lang::ALL {
        let base = format!("search/{}/", l.code());
        let shards = format!("{base}s/");
        eprintln!(
            "{n} pilots, {}: index {} KB (shards {} KB); without the word list {} KB (shards {} KB)",
            l.code(),
            size(&files, &base),
            size(&files, &shards),
            size(&bare_files, &base),
            size(&bare_files, &shards)
        );
    }
    for (l, q, words) in [
        (Lang::Th, "หมอกควัน", &["หมอก", "ควัน"][..]),
        (Lang::Th, "ประชารัฐ", &["ประชา", "รัฐ"][..]),
        (Lang::Th, "เซรามิค", &["เซรา", "มิ"][..]),
        (Lang::En, "wildfires", &["wildfire"][..]),
    ] {
        let base = format!("search/{}/", l.code());
        let mut before = first_query_files(&files, &index, l, q, words);
        before.retain(|(p, _)| !p.contains("/f/"));
        let (candidates, compounds) = index.candidates(l, q);
        let mut after = before.clone();
        for h in candidates.iter().take(10) {
            before.push(result_file(&files, &base, &h.url));
        }
        let confirmed = if compounds.is_empty() { 10 } else { CONFIRM };
        for h in candidates.iter().take(confirmed).chain(index.query(l, q).iter().take(10)) {
            after.push(result_file(&files, &base, &h.url));
        }
        for v in [&mut before, &mut after] {
            v.sort_by(|a, b| a.0.cmp(&b.0));
            v.dedup_by(|a, b| a.0 == b.0);
        }
        let bytes = |v: &[&(String, Vec<u8>)]| v.iter().map(|(_, b)| b.len()).sum::<usize>() / 1024;
        eprintln!(
            "{n} pilots, {q:?} (compounds {compounds:?}): {} hits; before {} files {} KB, now {} files {} KB",
            index.query(l, q).len(),
            before.len(),
            bytes(&before),
            after.len(),
            bytes(&after)
        );
    }
}

/// `cargo test --release --test search_quality search_sizes -- --ignored --nocapture`
#[test]
#[ignore = "a measurement for BENCHMARKS.md"]
fn search_sizes_at_1000_and_10000_pilots() {
    print_search_sizes(1000);
    print_search_sizes(10_000);
}

// ---------------------------------------------------------------------------------------------
// search.js against SearchIndex::query

const NODE_HARNESS: &str = r#"
const fs = require("fs"), path = require("path");
const [script, dir, queriesFile, mode] = process.argv.slice(2);
if (mode === "no-segmenter") delete Intl.Segmenter;
global.fetch = async (url) => {
  const file = path.join(dir, url.split("?")[0]);
  return { ok: fs.existsSync(file), status: 404, json: async () => JSON.parse(fs.readFileSync(file, "utf8")) };
};
const { Index } = require(script);
(async () => {
  const out = [];
  const indexes = {};
  for (const [lang, q] of JSON.parse(fs.readFileSync(queriesFile, "utf8"))) {
    const index = indexes[lang] || (indexes[lang] = new Index("search/" + lang + "/"));
    const r = await index.search(q);
    const docs = await index.docs(r.hits.map((h) => h.doc));
    out.push(r.hits.map((h, i) => [docs[i].u, h.score]));
  }
  process.stdout.write(JSON.stringify(out));
})().catch((e) => { console.error(e); process.exit(1); });
"#;

/// Copies the sample site's settings and content into `dir` (without social cards, which the
/// search does not need) and builds it into `dir/public`.
fn build_sample(dir: &Path) -> PathBuf {
    let site = dir.join("site");
    for entry in walkdir::WalkDir::new(repo().join("content")) {
        let entry = entry.unwrap();
        let to = site.join(entry.path().strip_prefix(repo()).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&to).unwrap();
        } else {
            std::fs::copy(entry.path(), &to).unwrap();
        }
    }
    let config = std::fs::read_to_string(repo().join("namrong.toml")).unwrap();
    std::fs::write(site.join("namrong.toml"), format!("social_cards = false\n{config}")).unwrap();
    let out = dir.join("public");
    let options = namrong::BuildOptions {
        root: site,
        output: Some(out.clone()),
        drafts: false,
        base_url: None,
        today: Some(today()),
    };
    namrong::build(&options).unwrap_or_else(|e| panic!("the sample site does not build: {e:?}"));
    out
}

/// The shipped `search.js`, run by Node over the index files of a real build, gives the same
/// results and scores as `SearchIndex::query` over the same site.
#[test]
fn search_js_ranks_like_the_index() {
    let probe = std::process::Command::new("node").arg("--version").output();
    assert!(
        probe.map(|o| o.status.success()).unwrap_or(false),
        "node is needed to compare search.js with SearchIndex::query: install Node.js (apt-get install nodejs)"
    );
    let site = sample();
    let index = SearchIndex::build(&site);
    let dir = tempfile::tempdir().unwrap();
    let out = build_sample(dir.path());
    // The build wrote exactly the index the Rust engine queries, and ships the theme's script.
    for (p, bytes) in index.files(&site) {
        assert!(std::fs::read(out.join(&p)).unwrap() == bytes, "{p} differs from the built index");
    }
    let page = std::fs::read_to_string(out.join("search/index.html")).unwrap();
    let src = page.split("<script src=\"").nth(1).and_then(|s| s.split('"').next()).expect("the search page's script");
    let script = out.join(&src[src.find("static/").expect("a static address")..]);
    assert_eq!(std::fs::read(&script).unwrap(), std::fs::read(repo().join("themes/default/static/search.js")).unwrap());
    let table = cases(SAMPLE_CASES);
    let mut queries: Vec<(&str, &str)> = table.iter().map(|c| (c.lang, c.query)).collect();
    // The table holds compounds (ประชารัฐ, confirmed in the result files; เซรามิค, which falls
    // back); these add compounds that match nothing as written and one across two runs.
    queries.extend([
        ("th", "ประชาสังคมรัฐ"),
        ("th", "ภาครัฐ ประชารัฐ"),
        ("th", "วิจัยและนวัตกรรม"),
        ("en", "research innovation"),
        ("th", "zzz"),
        ("en", "13th Plan"),
    ]);
    let qfile = dir.path().join("queries.json");
    std::fs::write(&qfile, serde_json::to_vec(&queries).unwrap()).unwrap();
    let harness = dir.path().join("harness.js");
    std::fs::write(&harness, NODE_HARNESS).unwrap();
    let run = |mode: &str| -> Vec<Vec<(String, f64)>> {
        let ran = std::process::Command::new("node")
            .arg(&harness)
            .arg(&script)
            .arg(&out)
            .arg(&qfile)
            .arg(mode)
            .output()
            .unwrap();
        assert!(ran.status.success(), "node failed: {}", String::from_utf8_lossy(&ran.stderr));
        serde_json::from_slice(&ran.stdout).unwrap()
    };
    // With Intl.Segmenter: the same results and scores as SearchIndex::query.
    for ((code, q), js) in queries.iter().zip(run("segmenter")) {
        let rust: Vec<(String, f64)> = index.query(lang(code), q).into_iter().map(|h| (h.url, h.score)).collect();
        assert_eq!(js, rust, "[{code}] {q:?}: search.js and SearchIndex::query disagree");
    }
    // Without it (older browsers), Thai is cut with the index's own words: the same results here.
    for ((code, q), js) in queries.iter().zip(run("no-segmenter")) {
        let rust: Vec<String> = index.query(lang(code), q).into_iter().map(|h| h.url).collect();
        let js: Vec<String> = js.into_iter().map(|h| h.0).collect();
        assert_eq!(js, rust, "[{code}] {q:?}: search.js without Intl.Segmenter finds other pages");
    }
}

/// A word of the site word list is one term of the index, so a query for it needs no compound
/// check; without the list ICU cuts it into pieces, and it is a compound.
#[test]
fn site_words_are_terms_of_their_own() {
    let site = sample();
    let index = SearchIndex::build(&site);
    let mut bare = site.clone();
    bare.words = namrong::wordbreak::WordList::default();
    let bare_index = SearchIndex::build(&bare);
    for word in ["ลูกเหรียง", "ท่าสาป"] {
        assert!(site.words.contains(word), "{word} is in content/words.txt");
        let (hits, compounds) = index.candidates(Lang::Th, word);
        assert!(compounds.is_empty(), "{word} is cut into {compounds:?} although the word list holds it");
        assert_eq!(pilot_slug(&hits[0]), Some("yala-tha-sap-social-protection"), "{word}:{}", show(&hits));
        let (_, compounds) = bare_index.candidates(Lang::Th, word);
        assert_eq!(compounds, vec![word.to_string()], "without the word list, ICU cuts {word}");
    }
}
