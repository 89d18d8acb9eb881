//! Progress over time: dated measurements of indicators, which way is better and what a target
//! means, as the model holds them, as they are checked, counted, drawn on pilot pages and
//! published in the JSON and CSV files.

use namrong::diagnostics::Diagnostics;
use namrong::model::{Better, TargetKind};

use crate::support::*;

const DELTA: &str = "content/pilots/delta/pilot.toml";

fn json(site: &SiteTest, rel: &str) -> serde_json::Value {
    serde_json::from_str(&site.read(rel)).unwrap_or_else(|e| panic!("{rel} is not JSON: {e}"))
}

/// `data/indicators.csv` as a header and rows.
fn indicators_csv(site: &SiteTest) -> (csv::StringRecord, Vec<csv::StringRecord>) {
    let bytes = std::fs::read(site.out().join("data/indicators.csv")).unwrap();
    let mut reader = csv::Reader::from_reader(&bytes[3..]);
    let headers = reader.headers().unwrap().clone();
    (headers, reader.records().map(Result::unwrap).collect())
}

fn errors(breakage: impl FnOnce(&SiteTest)) -> Diagnostics {
    let site = SiteTest::new("bilingual");
    breakage(&site);
    site.build_errors()
}

#[track_caller]
fn assert_problem(ds: &Diagnostics, error: bool, line: usize, message: &str, hint: &str) {
    let d = ds
        .iter()
        .find(|d| d.path.to_string_lossy() == DELTA && d.message.contains(message) && d.is_error() == error)
        .unwrap_or_else(|| panic!("nothing in {DELTA} saying {message:?}; got:\n{ds}"));
    assert_eq!(d.line, line, "wrong line for:\n{d}");
    let got = d.hint.as_deref().unwrap_or("");
    assert!(got.contains(hint), "hint {got:?} should mention {hint:?}\n{d}");
}

#[test]
fn measurements_direction_and_target_kind_are_read() {
    let site = SiteTest::new("bilingual");
    let loaded = namrong::load_site(&site.root(), false, None, Some(today())).unwrap();
    let delta = loaded.site.pilots.iter().find(|p| p.slug == "delta").unwrap();
    let [hotspots, visits, volunteers] = &delta.indicators[..] else { panic!("three indicators") };
    let dates: Vec<String> = hotspots.values.iter().map(|m| m.date.to_string()).collect();
    assert_eq!(dates, ["2023-03-01", "2023-06-15", "2023-09-30"]);
    assert_eq!(hotspots.values.iter().map(|m| m.value).collect::<Vec<_>>(), [110.0, 85.0, 58.0]);
    assert_eq!(hotspots.values[1].note.en.as_deref(), Some("estimate"));
    assert!(hotspots.history);
    // The latest value is the last measurement.
    assert_eq!((hotspots.actual(), hotspots.as_of().map(|d| d.to_string())), (Some(58.0), Some("2023-09-30".into())));
    // Defaults: the target is below the baseline, so lower is better and the target a maximum.
    assert_eq!((hotspots.better, hotspots.target_kind), (Better::Lower, TargetKind::Maximum));
    assert_eq!(hotspots.met(), Some(true));
    // As written.
    assert_eq!((visits.better, visits.target_kind), (Better::Higher, TargetKind::Exact));
    assert_eq!(visits.met(), Some(true));
    // Defaults again: the target is above the baseline.
    assert_eq!((volunteers.better, volunteers.target_kind), (Better::Higher, TargetKind::Minimum));
    assert_eq!(volunteers.met(), Some(false));
    // A record with actual and as_of only has that one measurement, and no trend of its own.
    let alpha = loaded.site.pilots.iter().find(|p| p.slug == "alpha").unwrap();
    let participants = &alpha.indicators[0];
    assert_eq!(participants.values.len(), 1);
    assert_eq!(
        (participants.actual(), participants.as_of().map(|d| d.to_string())),
        (Some(72.0), Some("2024-05-17".into()))
    );
    assert!(!participants.history);
}

#[test]
fn targets_met_follow_the_kind_of_target() {
    let site = SiteTest::new("bilingual");
    site.build();
    // Hotspots (at most 60, now 58) and visits (exactly 40) are met; volunteers (at least 50,
    // now 30) is not.
    assert_contains(&site.read("en/pilots/index.html"), "Targets met 2/3");
    assert_contains(&site.read("pilots/index.html"), "บรรลุเป้าหมาย 2/3");

    // One visit too many misses an exact target; 61 hotspots miss a maximum of 60 although
    // they are more than half way from 120; at least 50 volunteers is met at 50.
    site.replace(DELTA, "date  = 2023-10-01\nvalue = 40", "date  = 2023-10-01\nvalue = 41");
    site.replace(DELTA, "value  = 58", "value  = 61");
    site.replace(DELTA, "date  = 2023-11-20\nvalue = 30", "date  = 2023-11-20\nvalue = 50");
    site.build();
    assert_contains(&site.read("en/pilots/index.html"), "Targets met 1/3");
    let delta = json(&site, "data/pilots/delta.json");
    let met: Vec<&serde_json::Value> =
        delta["indicators"].as_array().unwrap().iter().map(|i| &i["target_met"]).collect();
    assert_eq!(met, [false, false, true]);
    assert_eq!(delta["indicators"][0]["progress"], 0.983, "progress counts from the baseline in either direction");
    let en = site.read("en/pilots/delta/index.html");
    assert_eq!(en.matches("✓ Target met").count(), 1, "{en}");

    // Said the other way round: more hotspots wanted, at least 60.
    site.replace(DELTA, "target   = 60", "target   = 60\nbetter   = \"higher\"");
    let ds = site.build_errors();
    assert!(ds.iter().any(|d| d.message.contains("better = \"higher\" but the target 60 is below the baseline 120")));
}

#[test]
fn each_mistake_in_measurements_is_reported_at_its_line() {
    // Dates out of order, and a repeated date.
    let ds = errors(|s| {
        s.replace(DELTA, "date  = 2023-06-15", "date  = 2023-02-01");
        s.replace(DELTA, "date  = 2023-10-01", "date  = 2023-04-01");
    });
    assert_problem(
        &ds,
        true,
        20,
        "measurement dates must go forward: 2023-02-01 is listed after 2023-03-01",
        "oldest first",
    );
    assert_problem(&ds, true, 42, "2023-04-01 is listed after 2023-04-01", "one entry per date");
    // A value written as text, and one that is not a number at all.
    let ds = errors(|s| {
        s.replace(DELTA, "value = 110", "value = \"110\"");
        s.replace(DELTA, "value = 85", "value = \"about 85\"");
        s.replace(DELTA, "value = 20", "value = nan");
    });
    assert_problem(&ds, true, 17, "the value \"110\" is text, not a number", "write value = 110 without quotes");
    assert_problem(&ds, true, 21, "the value \"about 85\" is text", "note = {");
    assert_problem(&ds, true, 39, "indicator values must be ordinary numbers", "such as 70");
    // A date after the build's today (2026-01-01 in these tests), a Buddhist-Era year, no value
    // (removing that line moves the later ones up by one).
    let ds = errors(|s| {
        s.replace(DELTA, "date  = 2023-11-20\nvalue = 30", "date  = 2026-03-01\nvalue = 30");
        s.replace(DELTA, "date  = 2023-03-01", "date  = 2566-03-01");
        s.replace(DELTA, "value = 20\n", "");
    });
    assert_problem(&ds, true, 50, "dated in the future (2026-03-01; today is 2026-01-01)", "target");
    assert_problem(&ds, true, 16, "the year 2566 looks like a Buddhist-Era year", "write 2023-03-01");
    assert_problem(&ds, true, 37, "this measurement has no value", "value = 70");
    // Unknown words, with the near one suggested.
    let ds = errors(|s| {
        s.replace(DELTA, "better      = \"higher\"", "better      = \"hihger\"");
        s.replace(DELTA, "target_kind = \"exact\"", "target_kind = \"minimun\"");
    });
    assert_problem(&ds, true, 34, "unknown better \"hihger\"", "did you mean \"higher\"?");
    assert_problem(&ds, true, 35, "unknown target_kind \"minimun\"", "did you mean \"minimum\"?");
    // A direction against baseline and target; both actual and values.
    let ds = errors(|s| {
        s.replace(DELTA, "target   = 60", "target   = 60\nbetter   = \"higher\"");
        s.replace(DELTA, "target   = 50", "target   = 50\nactual   = 30\nas_of    = 2023-11-20");
    });
    assert_problem(
        &ds,
        true,
        14,
        "better = \"higher\" but the target 60 is below the baseline 120",
        "better = \"lower\"",
    );
    assert_problem(&ds, true, 46, "gives both actual/as_of and [[indicators.values]]", "move actual and as_of");
}

#[test]
fn a_written_minimum_or_maximum_gives_the_direction() {
    let site = SiteTest::new("bilingual");
    // At most 60 although the baseline is below it: lower is better, and 58 meets it.
    site.replace(DELTA, "baseline = 120\ntarget   = 60", "baseline = 50\ntarget   = 60\ntarget_kind = \"maximum\"");
    let loaded = namrong::load_site(&site.root(), false, None, Some(today())).unwrap();
    let hotspots = &loaded.site.pilots.iter().find(|p| p.slug == "delta").unwrap().indicators[0];
    assert_eq!((hotspots.better, hotspots.target_kind), (Better::Lower, TargetKind::Maximum));
    assert_eq!(hotspots.met(), Some(true));
    assert!(loaded.warnings.iter().all(|d| !d.message.contains("goes against")), "{}", loaded.warnings);
}

#[test]
fn a_target_kind_against_the_direction_is_a_warning() {
    let site = SiteTest::new("bilingual");
    site.replace(DELTA, "target_kind = \"exact\"", "target_kind = \"maximum\"");
    let report = site.build();
    let text = report.warnings.to_string();
    assert!(text.contains("target_kind = \"maximum\" goes against better = \"higher\""), "{text}");
    assert!(text.contains("pilot.toml:35:"), "{text}");
}

#[test]
fn pilot_pages_draw_the_trend_and_write_the_values_out() {
    let site = SiteTest::new("bilingual");
    site.build();
    let en = site.read("en/pilots/delta/index.html");
    assert_eq!(en.matches("<svg class=\"trend-chart\"").count(), 3);
    assert_eq!(en.matches("<svg class=\"indicator-chart\"").count(), 0, "indicators with history get the trend only");
    assert_contains(
        &en,
        r#"role="img" aria-label="Hotspots: Trend 1 March 2023 – 30 September 2023; Latest 58 hotspots; Baseline 120 hotspots; Target at most 60 hotspots""#,
    );
    // The time axis runs from the first to the last month, in the Common Era on English pages.
    assert_contains(&en, r#"<text x="50" y="122" text-anchor="start">March 2023</text>"#);
    assert_contains(&en, r#"<text x="304" y="122" text-anchor="end">September 2023</text>"#);
    // The value axis runs from the lowest to the highest figure: 58 at the bottom, 120 at the top.
    assert_contains(
        &en,
        r#"<text x="44" y="108" text-anchor="end">58</text><text x="44" y="26" text-anchor="end">120</text>"#,
    );
    // Measurements are placed by date (15 June is about half way) and value.
    assert_contains(&en, r#"points="50,35 176,68 304,104""#);
    assert_contains(&en, r#"<line class="target" x1="50" y1="101" x2="304" y2="101">"#);
    assert_contains(&en, r#"<line class="baseline" x1="50" y1="22" x2="304" y2="22">"#);
    // Every value written out, with its note and its source.
    assert_contains(
        &en,
        r#"<td><time datetime="2023-06-15">15 June 2023</time></td><td>85 hotspots<br><small>estimate</small></td>"#,
    );
    assert_contains(
        &en,
        r##"<td>58 hotspots<sup class="source-ref"><a href="#source-1" aria-label="Source 1">[1]</a></sup></td>"##,
    );
    assert_contains(&en, "<td data-label=\"Target\">60<br><small>at most · lower is better</small></td>");
    assert_contains(&en, "<td data-label=\"Target\">40<br><small>exactly · higher is better</small></td>");
    assert_contains(&en, "<td data-label=\"Target\">50</td>");

    let th = site.read("pilots/delta/index.html");
    assert_contains(
        &th,
        r#"aria-label="จุดความร้อน: แนวโน้ม 1 มีนาคม 2566 – 30 กันยายน 2566; ล่าสุด 58 จุด; ค่าฐาน 120 จุด; เป้าหมาย ไม่เกิน 60 จุด""#,
    );
    assert_contains(&th, r#"text-anchor="start">มีนาคม 2566</text>"#);
    assert_contains(&th, r#"text-anchor="end">กันยายน 2566</text>"#);
    assert_contains(&th, "<caption>ผลการวัดแต่ละครั้ง</caption>");
    assert_contains(
        &th,
        r#"<td><time datetime="2023-06-15">15 มิถุนายน 2566</time></td><td>85 จุด<br><small>ประมาณการ</small></td>"#,
    );
    assert_contains(&th, "<td data-label=\"เป้าหมาย\">60<br><small>ไม่เกิน · ยิ่งน้อยยิ่งดี</small></td>");
    // One measurement: a single month on the axis, in the middle.
    assert_contains(&th, r#"<text x="177" y="122" text-anchor="middle">พฤศจิกายน 2566</text>"#);
    // A single measurement with nothing to compare it with is written out, not drawn.
    site.replace(DELTA, "baseline = 10\ntarget   = 50\n", "");
    site.build();
    let en = site.read("en/pilots/delta/index.html");
    assert_eq!(en.matches("<svg class=\"trend-chart\"").count(), 2);
    assert_eq!(en.matches("<table class=\"measurements\">").count(), 3);
    assert_contains(&en, r#"<td><time datetime="2023-11-20">20 November 2023</time></td><td>30</td>"#);
    // Pilots without history keep their bar charts.
    assert_eq!(site.read("pilots/alpha/index.html").matches("<svg class=\"trend-chart\"").count(), 0);
}

#[test]
fn measurements_are_in_the_json_schema_and_csv() {
    let site = SiteTest::new("bilingual");
    site.replace(
        DELTA,
        "note  = { th = \"ประมาณการ\", en = \"estimate\" }",
        "note  = { th = \"ประมาณการ\", en = \"=HYPERLINK(1)\" }",
    );
    site.build();
    let schema = json(&site, "data/pilot.schema.json");
    let v = jsonschema::validator_for(&schema).expect("a valid JSON Schema");
    let delta = json(&site, "data/pilots/delta.json");
    let errors: Vec<String> = v.iter_errors(&delta).map(|e| format!("{e} at {}", e.instance_path())).collect();
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    for p in json(&site, "data/pilots.json")["pilots"].as_array().unwrap() {
        assert!(v.is_valid(p), "{}", p["slug"]);
    }
    let hotspots = &delta["indicators"][0];
    assert_eq!(hotspots["better"], "lower");
    assert_eq!(hotspots["target_kind"], "maximum");
    assert_eq!(hotspots["actual"], 58.0);
    assert_eq!(hotspots["as_of"], "2023-09-30");
    assert_eq!(hotspots["values"].as_array().unwrap().len(), 3);
    assert_eq!(
        hotspots["values"][1],
        serde_json::json!({ "date": "2023-06-15", "value": 85.0, "source": null, "note": { "th": "ประมาณการ", "en": "=HYPERLINK(1)" } })
    );
    assert_eq!(hotspots["values"][2]["source"], 1);
    assert_eq!(delta["sources"][0]["title"]["en"], "Closing report");
    assert_eq!(delta["indicators"][1]["target_kind"], "exact");
    let alpha = json(&site, "data/pilots/alpha.json");
    assert_eq!(
        alpha["indicators"][0]["values"],
        serde_json::json!([{ "date": "2024-05-17", "value": 72.0, "source": 1, "note": null }])
    );
    // The schema knows the new words and nothing else.
    for (field, bad) in [("better", "up"), ("target_kind", "at least")] {
        let mut broken = delta.clone();
        broken["indicators"][0][field] = bad.into();
        assert!(!v.is_valid(&broken), "{field} = {bad} must not validate");
    }
    let mut broken = delta.clone();
    broken["indicators"][0]["values"][0]["value"] = "110".into();
    assert!(!v.is_valid(&broken), "a value must be a number");

    let (headers, rows) = indicators_csv(&site);
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap_or_else(|| panic!("no column {name}"));
    let delta_rows: Vec<&csv::StringRecord> = rows.iter().filter(|r| &r[col("pilot_slug")] == "delta").collect();
    let layout: Vec<(&str, &str, &str, &str)> = delta_rows
        .iter()
        .map(|r| (&r[col("row_type")], &r[col("indicator")], &r[col("date")], &r[col("value")]))
        .collect();
    assert_eq!(
        layout,
        [
            ("indicator", "1", "", ""),
            ("measurement", "1", "2023-03-01", "110"),
            ("measurement", "1", "2023-06-15", "85"),
            ("measurement", "1", "2023-09-30", "58"),
            ("indicator", "2", "", ""),
            ("measurement", "2", "2023-04-01", "20"),
            ("measurement", "2", "2023-10-01", "40"),
            ("indicator", "3", "", ""),
            ("measurement", "3", "2023-11-20", "30"),
        ]
    );
    let first = delta_rows[0];
    assert_eq!(
        (&first[col("baseline")], &first[col("target")], &first[col("actual")], &first[col("as_of")]),
        ("120", "60", "58", "2023-09-30")
    );
    assert_eq!(
        (&first[col("better")], &first[col("target_kind")], &first[col("target_met")]),
        ("lower", "maximum", "true")
    );
    assert_eq!(&delta_rows[8][col("name_en")], "Volunteers trained");
    assert_eq!(&delta_rows[2][col("note_th")], "ประมาณการ");
    assert_eq!(&delta_rows[2][col("note_en")], "'=HYPERLINK(1)", "notes are neutralised like other text");
    assert_eq!(&delta_rows[3][col("source_title_en")], "Closing report");
    assert_eq!(&delta_rows[1][col("baseline")], "", "measurement rows leave the indicator's columns empty");
}
