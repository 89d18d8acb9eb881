//! Thai line breaking: pages mark Thai word boundaries with `<wbr>`, using ICU's dictionary and
//! the site word list `content/words.txt`; feeds, data and the search index stay plain.

use crate::support::SiteTest;

/// The Thai runs of a page as lists of words, in order.
fn runs(html: &str) -> Vec<Vec<String>> {
    html.split("<span class=\"tw\">")
        .skip(1)
        .map(|r| r.split("</span>").next().unwrap().split("<wbr>").map(str::to_string).collect())
        .collect()
}

fn site_with_words() -> SiteTest {
    let site = SiteTest::new("bilingual");
    site.replace(
        "content/pilots/alpha/pilot.toml",
        "ลดปัญหาหมอกควันไฟป่าด้วยงานวิจัย",
        "ขับเคลื่อนอุตสาหกรรมเซรามิกสร้างสรรค์ให้กลุ่มเปราะบาง",
    )
    .replace("content/pilots/alpha/th.md", "ทุกปี", "ทุกปี ตำบลท่าสาปและเด็กลูกเหรียง\n\n```\nอุตสาหกรรมเซรามิก\n```\n")
    .write("content/words.txt", "# site words\nเซรามิก\nลูกเหรียง\nท่าสาป\nขับเคลื่อน\nกลุ่มเปราะบาง\n");
    site.build();
    site
}

#[test]
fn pages_break_only_between_words_of_the_dictionary_and_the_word_list() {
    let site = site_with_words();
    let page = site.read_marked("pilots/alpha/index.html");
    let runs = runs(&page);
    let summary = ["ขับเคลื่อน", "อุตสาหกรรม", "เซรามิก", "สร้างสรรค์", "ให้", "กลุ่มเปราะบาง"];
    assert!(runs.iter().any(|r| r == &summary), "summary not cut into its words: {runs:?}");
    for word in ["ท่าสาป", "ลูกเหรียง", "เซรามิก", "ขับเคลื่อน", "กลุ่มเปราะบาง"]
    {
        assert!(runs.iter().flatten().any(|w| w == word), "{word} is not one piece: {runs:?}");
        // No run holds a piece that is part of the word but not all of it, next to the rest.
        for r in &runs {
            let joined = r.concat();
            if let Some(at) = joined.find(word) {
                let mut pos = 0;
                for w in r {
                    assert!(!(pos > at && pos < at + word.len()), "a break inside {word}: {r:?}");
                    pos += w.len();
                }
            }
        }
    }
    // Code is left as written; unmarked, the page reads exactly as before.
    assert!(page.contains("<code>อุตสาหกรรมเซรามิก\n</code>"), "code was marked");
    assert!(site.read("pilots/alpha/index.html").contains("ขับเคลื่อนอุตสาหกรรมเซรามิกสร้างสรรค์ให้กลุ่มเปราะบาง"));
    assert!(!page.contains('\u{200B}'), "no zero-width characters");
}

#[test]
fn without_the_word_list_the_loanword_is_cut() {
    let site = site_with_words();
    site.remove("content/words.txt");
    site.build();
    let runs = runs(&site.read_marked("pilots/alpha/index.html"));
    assert!(!runs.iter().flatten().any(|w| w == "เซรามิก"), "{runs:?}");
}

#[test]
fn feeds_data_and_the_search_index_are_not_marked() {
    let site = site_with_words();
    let mut checked = 0;
    for entry in walkdir::WalkDir::new(site.out()) {
        let entry = entry.unwrap();
        let name = entry.path().to_string_lossy().to_string();
        if [".xml", ".json", ".csv", ".js"].iter().any(|e| name.ends_with(e)) {
            let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
            assert!(!text.contains("<wbr>") && !text.contains("class=\"tw\""), "{name} is marked");
            assert!(!text.contains("&lt;wbr"), "{name} is marked");
            checked += 1;
        }
    }
    assert!(checked > 5, "only {checked} files checked");
    assert!(site.read("data/pilots.json").contains("ขับเคลื่อนอุตสาหกรรมเซรามิกสร้างสรรค์ให้กลุ่มเปราะบาง"));
}

#[test]
fn a_word_list_line_with_a_space_is_reported() {
    let site = SiteTest::new("bilingual");
    site.write("content/words.txt", "เซรามิก\nท่า สาป\n");
    let report = site.build();
    let text = report.warnings.to_string();
    assert!(text.contains("content/words.txt") && text.contains("line 2"), "{text}");
}
