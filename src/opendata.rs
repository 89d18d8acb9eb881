//! Open data: every published pilot as JSON (all of them in `data/pilots.json`, one file each in
//! `data/pilots/<slug>.json`), a JSON Schema they validate against, CSV files that open
//! correctly in spreadsheets (UTF-8 with a byte-order mark, text cells guarded against formula
//! injection), the province table, and the DCAT catalogue that describes them all (made by
//! `catalog`). Drafts
//! never appear here, whatever the build options.

use serde::Serialize;
use serde_json::json;

use crate::i18n::Labels;
use crate::model::{Citation, Lang, Pilot, Site, Text, province};
use crate::urls;

/// The files this module writes (site paths); `data/pilots/<slug>.json` comes on top.
pub const FILES: [&str; 8] = [
    "data/pilots.json",
    "data/pilot.schema.json",
    "data/pilots.schema.json",
    "data/pilots.csv",
    "data/indicators.csv",
    "data/provinces.json",
    crate::catalog::PATH,
    crate::catalog::TURTLE_PATH,
];

#[derive(Serialize)]
struct Bilingual<'a> {
    th: Option<&'a str>,
    en: Option<&'a str>,
}

fn bi(t: &Text) -> Bilingual<'_> {
    Bilingual { th: t.get(Lang::Th), en: t.get(Lang::En) }
}

fn bi_opt(t: &Text) -> Option<Bilingual<'_>> {
    (!t.is_empty()).then(|| bi(t))
}

/// The published pilots (never drafts).
pub fn published(site: &Site) -> impl Iterator<Item = &Pilot> {
    site.pilots.iter().filter(|p| !p.draft)
}

/// Links to a page in both languages.
#[derive(Serialize)]
struct Urls {
    th: String,
    en: String,
}

#[derive(Serialize)]
struct LabelPair {
    th: String,
    en: String,
}

#[derive(Serialize)]
struct ProvinceOut {
    code: &'static str,
    th: &'static str,
    en: &'static str,
    slug: &'static str,
    region: &'static str,
}

#[derive(Serialize)]
struct IssueOut<'a> {
    key: &'a str,
    th: Option<&'a str>,
    en: Option<&'a str>,
}

#[derive(Serialize)]
struct ImageOut<'a> {
    url: String,
    alt: Bilingual<'a>,
}

#[derive(Serialize)]
struct IndicatorOut<'a> {
    name: Bilingual<'a>,
    unit: Option<Bilingual<'a>>,
    baseline: Option<f64>,
    target: Option<f64>,
    actual: Option<f64>,
    as_of: Option<String>,
    progress: Option<f64>,
    better: crate::model::Better,
    target_kind: crate::model::TargetKind,
    target_met: Option<bool>,
    values: Vec<MeasurementOut<'a>>,
    source: Option<usize>,
}

#[derive(Serialize)]
struct MeasurementOut<'a> {
    date: String,
    value: f64,
    source: Option<usize>,
    note: Option<Bilingual<'a>>,
}

#[derive(Serialize)]
struct SourceOut<'a> {
    title: Bilingual<'a>,
    url: Option<&'a str>,
    publisher: Option<Bilingual<'a>>,
    date: Option<String>,
}

#[derive(Serialize)]
struct UpdateOut<'a> {
    date: String,
    title: Bilingual<'a>,
    summary: Option<Bilingual<'a>>,
    url: Urls,
    source: Option<usize>,
}

/// One pilot as published: the shape `data/pilot.schema.json` describes. Serialised straight to
/// bytes, so even `pilots.json` at 10,000 pilots is never held as a tree of values.
#[derive(Serialize)]
struct PilotOut<'a> {
    #[serde(rename = "$schema", skip_serializing_if = "Option::is_none")]
    schema: Option<String>,
    slug: &'a str,
    url: Urls,
    title: Bilingual<'a>,
    summary: Option<Bilingual<'a>>,
    status: &'static str,
    status_label: LabelPair,
    start: String,
    end: Option<String>,
    provinces: Vec<ProvinceOut>,
    district: Option<Bilingual<'a>>,
    tambon: Option<Bilingual<'a>>,
    issues: Vec<IssueOut<'a>>,
    lead: Option<Bilingual<'a>>,
    partners: Vec<Bilingual<'a>>,
    image: Option<ImageOut<'a>>,
    indicators: Vec<IndicatorOut<'a>>,
    updates: Vec<UpdateOut<'a>>,
    sources: Vec<SourceOut<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    narrative: Option<Bilingual<'a>>,
}

/// One pilot as published; `with_narrative` adds the narrative text.
fn pilot_out<'a>(site: &'a Site, labels: &'a Labels, p: &'a Pilot, with_narrative: bool) -> PilotOut<'a> {
    let c = &site.config;
    let urls = |f: &dyn Fn(Lang) -> String| Urls { th: c.absolute(&f(Lang::Th)), en: c.absolute(&f(Lang::En)) };
    let status_key = format!("status_{}", p.status.key());
    PilotOut {
        schema: None,
        slug: &p.slug,
        url: urls(&|l| urls::pilot(l, &p.slug)),
        title: bi(&p.title),
        summary: bi_opt(&p.summary),
        status: p.status.key(),
        status_label: LabelPair {
            th: labels.get(Lang::Th, &status_key).to_string(),
            en: labels.get(Lang::En, &status_key).to_string(),
        },
        start: p.start.to_string(),
        end: p.end.map(|d| d.to_string()),
        provinces: p
            .provinces
            .iter()
            .map(|&i| {
                let pr = &province::all()[i];
                ProvinceOut { code: pr.code, th: pr.th, en: pr.en, slug: pr.slug, region: pr.region.key() }
            })
            .collect(),
        district: bi_opt(&p.district),
        tambon: bi_opt(&p.tambon),
        issues: p
            .issues
            .iter()
            .map(|&k| {
                let issue = &site.issues[k];
                IssueOut { key: &issue.key, th: issue.label.get(Lang::Th), en: issue.label.get(Lang::En) }
            })
            .collect(),
        lead: bi_opt(&p.lead),
        partners: p.partners.iter().map(bi).collect(),
        // The Thai file when the pilot gives one per language (the pictures show the same thing).
        // A photo is published under its processed names: the JSON gives the largest file a
        // link opens (the original only when the site publishes originals).
        image: p.image.as_ref().map(|img| {
            let path = match p.photos.iter().find(|ph| ph.source == img.path.th) {
                Some(ph) => ph.path(ph.link_variant(c.publish_original_images)),
                None => img.path.th.clone(),
            };
            ImageOut { url: c.absolute(&urls::asset(&path)), alt: bi(&img.alt) }
        }),
        indicators: p
            .indicators
            .iter()
            .map(|i| IndicatorOut {
                name: bi(&i.name),
                unit: bi_opt(&i.unit),
                baseline: i.baseline,
                target: i.target,
                actual: i.actual(),
                as_of: i.as_of().map(|d| d.to_string()),
                progress: i.progress().map(|x| (x * 1000.0).round() / 1000.0),
                better: i.better,
                target_kind: i.target_kind,
                target_met: i.met(),
                values: i
                    .values
                    .iter()
                    .map(|m| MeasurementOut {
                        date: m.date.to_string(),
                        value: m.value,
                        source: m.source.map(|n| n + 1),
                        note: bi_opt(&m.note),
                    })
                    .collect(),
                source: i.source.map(|n| n + 1),
            })
            .collect(),
        updates: p
            .updates
            .iter()
            .filter(|u| !u.draft)
            .map(|u| UpdateOut {
                date: u.date.to_string(),
                title: bi(&u.title),
                summary: bi_opt(&u.summary),
                url: urls(&|l| urls::update(l, &p.slug, &u.stem)),
                source: u.source.map(|n| n + 1),
            })
            .collect(),
        sources: p
            .sources
            .iter()
            .map(|s| SourceOut {
                title: bi(&s.title),
                url: s.url.as_deref(),
                publisher: bi_opt(&s.publisher),
                date: s.date.map(|d| d.to_string()),
            })
            .collect(),
        narrative: with_narrative.then(|| Bilingual {
            th: p.narrative.th.as_ref().map(|d| d.plain.as_str()),
            en: p.narrative.en.as_ref().map(|d| d.plain.as_str()),
        }),
    }
}

#[derive(Serialize)]
struct LicenceOut<'a> {
    name: Bilingual<'a>,
    url: &'a str,
}

#[derive(Serialize)]
struct SiteOut<'a> {
    title: Bilingual<'a>,
    url: &'a str,
    licence: LicenceOut<'a>,
}

/// `data/pilots.json`'s top level; the pilots are serialised one at a time.
#[derive(Serialize)]
struct PilotsFile<'a> {
    #[serde(rename = "$schema")]
    schema: String,
    site: SiteOut<'a>,
    count: usize,
    #[serde(serialize_with = "each_pilot")]
    pilots: (&'a Site, &'a Labels),
}

fn each_pilot<S: serde::Serializer>(x: &(&Site, &Labels), s: S) -> Result<S::Ok, S::Error> {
    let (site, labels) = *x;
    s.collect_seq(published(site).map(|p| pilot_out(site, labels, p, false)))
}

/// `data/pilots.json`: the site and every published pilot (without narratives, to stay small).
pub fn pilots_json(site: &Site, labels: &Labels) -> Vec<u8> {
    let c = &site.config;
    let doc = PilotsFile {
        schema: c.absolute("data/pilots.schema.json"),
        site: SiteOut {
            title: bi(&c.title),
            url: &c.base_url,
            licence: LicenceOut { name: bi(&c.licence.name), url: &c.licence.url },
        },
        count: published(site).count(),
        pilots: (site, labels),
    };
    to_bytes(&doc, published(site).count() * 6 * 1024)
}

/// `data/pilots/<slug>.json`: one pilot with its narrative text.
pub fn one_pilot_json(site: &Site, labels: &Labels, p: &Pilot) -> Vec<u8> {
    let mut v = pilot_out(site, labels, p, true);
    v.schema = Some(site.config.absolute("data/pilot.schema.json"));
    to_bytes(&v, 16 * 1024)
}

fn to_bytes(v: &impl Serialize, capacity: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(capacity);
    serde_json::to_writer_pretty(&mut out, v).expect("JSON values serialize");
    out.push(b'\n');
    out
}

/// `data/pilot.schema.json`: what a pilot record looks like.
pub fn pilot_schema(site: &Site) -> Vec<u8> {
    let text = json!({ "type": "object", "additionalProperties": false,
        "properties": { "th": { "type": ["string", "null"] }, "en": { "type": ["string", "null"] } }, "required": ["th", "en"] });
    let text_or_null = json!({ "anyOf": [ { "$ref": "#/$defs/text" }, { "type": "null" } ] });
    let date = json!({ "type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$" });
    let date_or_null = json!({ "anyOf": [ date, { "type": "null" } ] });
    let url_pair = json!({ "type": "object", "additionalProperties": false, "required": ["th", "en"],
        "properties": { "th": { "type": "string", "format": "uri" }, "en": { "type": "string", "format": "uri" } } });
    let number_or_null = json!({ "type": ["number", "null"] });
    let source_number = json!({ "type": ["integer", "null"], "minimum": 1,
        "description": "the number of an entry in `sources`, counted from 1 (as the page's references show it)" });
    let schema = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": site.config.absolute("data/pilot.schema.json"),
        "title": "Pilot",
        "description": "One area-based pilot: its facts in Thai and English. Dates are ISO 8601 in the Common Era.",
        "type": "object",
        "additionalProperties": false,
        "required": ["slug", "url", "title", "summary", "status", "status_label", "start", "end", "provinces", "district",
                     "tambon", "issues", "lead", "partners", "image", "indicators", "updates", "sources"],
        "properties": {
            "$schema": { "type": "string" },
            "slug": { "type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$" },
            "url": url_pair,
            "title": { "$ref": "#/$defs/text" },
            "summary": text_or_null,
            "status": { "enum": ["planned", "active", "completed", "suspended"] },
            "status_label": { "$ref": "#/$defs/text" },
            "start": date,
            "end": date_or_null,
            "provinces": { "type": "array", "minItems": 1, "items": { "type": "object", "additionalProperties": false,
                "required": ["code", "th", "en", "slug", "region"],
                "properties": {
                    "code": { "type": "string", "pattern": "^TH-[0-9]{2}$" }, "th": { "type": "string" }, "en": { "type": "string" },
                    "slug": { "type": "string" },
                    "region": { "enum": ["north", "northeast", "central", "east", "west", "south"] } } } },
            "district": text_or_null,
            "tambon": text_or_null,
            "issues": { "type": "array", "minItems": 1, "items": { "type": "object", "additionalProperties": false,
                "required": ["key", "th", "en"],
                "properties": { "key": { "type": "string" }, "th": { "type": ["string", "null"] }, "en": { "type": ["string", "null"] } } } },
            "lead": text_or_null,
            "partners": { "type": "array", "items": { "$ref": "#/$defs/text" } },
            "image": { "anyOf": [ { "type": "null" }, { "type": "object", "additionalProperties": false, "required": ["url", "alt"],
                "properties": { "url": { "type": "string", "format": "uri" }, "alt": { "$ref": "#/$defs/text" } } } ] },
            "indicators": { "type": "array", "items": { "type": "object", "additionalProperties": false,
                "required": ["name", "unit", "baseline", "target", "actual", "as_of", "progress", "better", "target_kind",
                             "target_met", "values", "source"],
                "properties": { "name": { "$ref": "#/$defs/text" }, "unit": text_or_null, "baseline": number_or_null,
                    "target": number_or_null,
                    "actual": { "type": ["number", "null"], "description": "the latest value: the last entry of `values`" },
                    "as_of": { "anyOf": [ date, { "type": "null" } ], "description": "when `actual` was measured" },
                    "progress": { "type": ["number", "null"], "description": "share of the way from baseline to target (1 = reached)" },
                    "better": { "enum": ["higher", "lower"], "description": "which way is better (given, or lower when the target is below the baseline)" },
                    "target_kind": { "enum": ["minimum", "maximum", "exact"],
                        "description": "what the target means: at least (minimum), at most (maximum) or exactly (exact)" },
                    "target_met": { "type": ["boolean", "null"], "description": "whether `actual` meets the target by `target_kind`; null without both" },
                    "values": { "type": "array", "description": "the measurements, oldest first, dates strictly increasing",
                        "items": { "type": "object", "additionalProperties": false, "required": ["date", "value", "source", "note"],
                            "properties": { "date": date, "value": { "type": "number" }, "source": source_number, "note": text_or_null } } },
                    "source": source_number } } },
            "updates": { "type": "array", "items": { "type": "object", "additionalProperties": false,
                "required": ["date", "title", "summary", "url", "source"],
                "properties": { "date": date, "title": { "$ref": "#/$defs/text" }, "summary": text_or_null, "url": url_pair,
                    "source": source_number } } },
            "sources": { "type": "array", "description": "the documents and news items the pilot's facts come from; `source` numbers count from 1 in this list",
                "items": { "type": "object", "additionalProperties": false, "required": ["title", "url", "publisher", "date"],
                "properties": { "title": { "$ref": "#/$defs/text" },
                    "url": { "anyOf": [ { "type": "string", "format": "uri", "pattern": "^https?://" }, { "type": "null" } ] },
                    "publisher": text_or_null, "date": date_or_null } } },
            "narrative": { "type": "object", "additionalProperties": false, "description": "plain text of the narrative (per-pilot files only)",
                "properties": { "th": { "type": ["string", "null"] }, "en": { "type": ["string", "null"] } } },
        },
        "$defs": { "text": text },
    });
    to_bytes(&schema, 8 * 1024)
}

/// `data/pilots.schema.json`: the collection file.
pub fn pilots_schema(site: &Site) -> Vec<u8> {
    let bilingual = json!({ "type": "object", "properties": { "th": { "type": ["string", "null"] }, "en": { "type": ["string", "null"] } } });
    to_bytes(
        &json!({
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": site.config.absolute("data/pilots.schema.json"),
            "title": "Pilots",
            "type": "object",
            "required": ["site", "count", "pilots"],
            "properties": {
                "$schema": { "type": "string" },
                "site": { "type": "object", "properties": { "title": bilingual, "url": { "type": "string" } } },
                "count": { "type": "integer", "minimum": 0 },
                "pilots": { "type": "array", "items": { "$ref": site.config.absolute("data/pilot.schema.json") } },
            },
        }),
        8 * 1024,
    )
}

fn csv_bytes(rows: impl FnOnce(&mut csv::Writer<&mut Vec<u8>>) -> csv::Result<()>) -> Vec<u8> {
    // A byte-order mark so spreadsheet programs read the file as UTF-8 and show Thai correctly.
    let mut out = b"\xEF\xBB\xBF".to_vec();
    {
        let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(&mut out);
        rows(&mut w).expect("writing CSV to memory cannot fail");
        w.flush().expect("flush to memory");
    }
    out
}

fn join(items: impl Iterator<Item = String>) -> String {
    items.collect::<Vec<_>>().join("; ")
}

fn t(text: &Text, lang: Lang) -> &str {
    text.get(lang).unwrap_or("")
}

/// A text cell made safe for spreadsheets (OWASP's advice against formula injection): text
/// starting with `=`, `+`, `-`, `@`, a tab or a carriage return gets a `'` in front, so a
/// spreadsheet shows it as text instead of running it as a formula. Numbers are written by
/// `num` and never pass through here.
pub fn csv_text(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{cell}").into() } else { cell.into() }
}

fn num(n: Option<f64>) -> String {
    n.map(|x| if x.fract() == 0.0 && x.abs() < 1e15 { format!("{}", x as i64) } else { format!("{x}") })
        .unwrap_or_default()
}

/// `data/pilots.csv`: one row per pilot, Thai and English columns side by side.
pub fn pilots_csv(site: &Site) -> Vec<u8> {
    let c = &site.config;
    csv_bytes(|w| {
        w.write_record([
            "slug",
            "title_th",
            "title_en",
            "summary_th",
            "summary_en",
            "status",
            "start",
            "end",
            "province_codes",
            "provinces_th",
            "provinces_en",
            "district_th",
            "district_en",
            "tambon_th",
            "tambon_en",
            "issue_keys",
            "issues_th",
            "issues_en",
            "lead_th",
            "lead_en",
            "partners_th",
            "partners_en",
            "indicators",
            "updates",
            "latest_update",
            "url_th",
            "url_en",
        ])?;
        for p in published(site) {
            let prov = |f: fn(&province::Province) -> &'static str| {
                join(p.provinces.iter().map(|&i| f(&province::all()[i]).to_string()))
            };
            let iss = |lang: Lang| join(p.issues.iter().map(|&k| t(&site.issues[k].label, lang).to_string()));
            let partners = |lang: Lang| join(p.partners.iter().map(|x| t(x, lang).to_string()));
            w.write_record([
                p.slug.as_str(),
                &csv_text(t(&p.title, Lang::Th)),
                &csv_text(t(&p.title, Lang::En)),
                &csv_text(t(&p.summary, Lang::Th)),
                &csv_text(t(&p.summary, Lang::En)),
                p.status.key(),
                &p.start.to_string(),
                &p.end.map(|d| d.to_string()).unwrap_or_default(),
                &prov(|x| x.code),
                &prov(|x| x.th),
                &prov(|x| x.en),
                &csv_text(t(&p.district, Lang::Th)),
                &csv_text(t(&p.district, Lang::En)),
                &csv_text(t(&p.tambon, Lang::Th)),
                &csv_text(t(&p.tambon, Lang::En)),
                &join(p.issues.iter().map(|&k| site.issues[k].key.clone())),
                &csv_text(&iss(Lang::Th)),
                &csv_text(&iss(Lang::En)),
                &csv_text(t(&p.lead, Lang::Th)),
                &csv_text(t(&p.lead, Lang::En)),
                &csv_text(&partners(Lang::Th)),
                &csv_text(&partners(Lang::En)),
                &p.indicators.len().to_string(),
                &p.updates.iter().filter(|u| !u.draft).count().to_string(),
                &p.updates.iter().find(|u| !u.draft).map(|u| u.date.to_string()).unwrap_or_default(),
                &c.absolute(&urls::pilot(Lang::Th, &p.slug)),
                &c.absolute(&urls::pilot(Lang::En, &p.slug)),
            ])?;
        }
        Ok(())
    })
}

/// `data/indicators.csv`: for each indicator one row with `row_type` `indicator` (baseline,
/// target, latest value, direction, target kind and whether it is met), followed by one row
/// with `row_type` `measurement` per dated measurement (`date`, `value`, its note and its
/// source in the source columns). `indicator` numbers the indicators of a pilot from 1, so a
/// measurement row joins its indicator row by `pilot_slug` and `indicator`.
pub fn indicators_csv(site: &Site) -> Vec<u8> {
    csv_bytes(|w| {
        w.write_record([
            "pilot_slug",
            "pilot_title_th",
            "pilot_title_en",
            "name_th",
            "name_en",
            "unit_th",
            "unit_en",
            "baseline",
            "target",
            "actual",
            "as_of",
            "progress_percent",
            "source_title_th",
            "source_title_en",
            "source_publisher_th",
            "source_publisher_en",
            "source_date",
            "source_url",
            "row_type",
            "indicator",
            "better",
            "target_kind",
            "target_met",
            "date",
            "value",
            "note_th",
            "note_en",
        ])?;
        for p in published(site) {
            for (n, i) in p.indicators.iter().enumerate() {
                let number = (n + 1).to_string();
                // Columns every row of the indicator shares: the pilot and the indicator's names.
                let names = [
                    p.slug.clone(),
                    csv_text(t(&p.title, Lang::Th)).into_owned(),
                    csv_text(t(&p.title, Lang::En)).into_owned(),
                    csv_text(t(&i.name, Lang::Th)).into_owned(),
                    csv_text(t(&i.name, Lang::En)).into_owned(),
                    csv_text(t(&i.unit, Lang::Th)).into_owned(),
                    csv_text(t(&i.unit, Lang::En)).into_owned(),
                ];
                let figures = [
                    num(i.baseline),
                    num(i.target),
                    num(i.actual()),
                    i.as_of().map(|d| d.to_string()).unwrap_or_default(),
                    i.progress().map(|x| format!("{:.0}", x * 100.0)).unwrap_or_default(),
                ];
                let kind = [
                    "indicator".to_string(),
                    number.clone(),
                    i.better.key().to_string(),
                    i.target_kind.key().to_string(),
                    i.met().map_or("", |m| if m { "true" } else { "false" }).to_string(),
                ];
                let sources = source_columns(p, i.source);
                let no_value: [String; 4] = Default::default();
                w.write_record(names.iter().chain(&figures).chain(&sources).chain(&kind).chain(&no_value))?;
                for m in &i.values {
                    let kind = ["measurement".to_string(), number.clone(), String::new(), String::new(), String::new()];
                    let value = [
                        m.date.to_string(),
                        num(Some(m.value)),
                        csv_text(t(&m.note, Lang::Th)).into_owned(),
                        csv_text(t(&m.note, Lang::En)).into_owned(),
                    ];
                    let blank: [String; 5] = Default::default();
                    let sources = source_columns(p, m.source);
                    w.write_record(names.iter().chain(&blank).chain(&sources).chain(&kind).chain(&value))?;
                }
            }
        }
        Ok(())
    })
}

/// The source columns of an indicator row of `indicators.csv`: title and publisher in both
/// languages, date and web address of the pilot's source `n` (all empty without one).
fn source_columns(p: &Pilot, n: Option<usize>) -> [String; 6] {
    let source = n.map(|n| &p.sources[n]);
    let st = |f: fn(&Citation) -> &Text, lang| csv_text(source.map_or("", |s| t(f(s), lang))).into_owned();
    [
        st(|s| &s.title, Lang::Th),
        st(|s| &s.title, Lang::En),
        st(|s| &s.publisher, Lang::Th),
        st(|s| &s.publisher, Lang::En),
        source.and_then(|s| s.date).map(|d| d.to_string()).unwrap_or_default(),
        source.and_then(|s| s.url.clone()).unwrap_or_default(),
    ]
}

/// `data/provinces.json`: the 77 provinces with their codes, names, slugs, regions and pilot counts.
pub fn provinces_json(site: &Site) -> Vec<u8> {
    let rows: Vec<_> = province::all()
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let count = published(site).filter(|x| x.provinces.contains(&i)).count();
            json!({ "code": p.code, "th": p.th, "en": p.en, "slug": p.slug, "region": p.region.key(),
                    "lat": p.lat, "lon": p.lon, "pilots": count })
        })
        .collect();
    to_bytes(&json!({ "count": rows.len(), "provinces": rows }), 32 * 1024)
}

/// The bytes of one of `FILES`.
pub fn render_file(site: &Site, labels: &Labels, path: &str) -> Vec<u8> {
    match path {
        "data/pilots.json" => pilots_json(site, labels),
        "data/pilot.schema.json" => pilot_schema(site),
        "data/pilots.schema.json" => pilots_schema(site),
        "data/pilots.csv" => pilots_csv(site),
        "data/indicators.csv" => indicators_csv(site),
        "data/provinces.json" => provinces_json(site),
        crate::catalog::PATH => crate::catalog::jsonld(site, labels),
        crate::catalog::TURTLE_PATH => crate::catalog::turtle(site, labels),
        other => unreachable!("not an open-data file: {other}"),
    }
}
