//! The DCAT catalogue of the open data, `data/catalog.jsonld`: the site's datasets (pilots,
//! indicators, provinces) and their files, with the mandatory and recommended properties of
//! DCAT-AP, so that open-data portals (CKAN with the ckanext-dcat harvester, for one) can list
//! them without anyone typing them in again. Texts carry `@language` tags for Thai and English.
//! `data/catalog.ttl` holds the same statements in Turtle.
//!
//! Byte sizes are of the files this same build writes: each file is rendered again here by the
//! same pure functions of `opendata`. Dates come from the content (the earliest and latest dates
//! it records), so the same content always gives the same catalogue. The files themselves are
//! `opendata`'s; this module only describes them.

use serde_json::{Value, json};

use crate::config::Config;
use crate::i18n::Labels;
use crate::model::{Date, Lang, Site, Text, province};
use crate::opendata::{self, published};
use crate::urls;

/// The catalogue's site path.
pub const PATH: &str = "data/catalog.jsonld";

/// The same catalogue in Turtle.
pub const TURTLE_PATH: &str = "data/catalog.ttl";

/// The EU Publications Office's authority tables, which DCAT-AP names for formats, languages,
/// countries, themes, frequencies and availability.
const EU: &str = "http://publications.europa.eu/resource/authority/";

/// One file of a dataset.
struct FileSpec {
    path: &'static str,
    /// Code in the EU file-type table.
    format: &'static str,
    media_type: &'static str,
    /// The label that describes the file on the data page.
    label: &'static str,
    /// The JSON Schema it follows, if any.
    schema: Option<&'static str>,
}

/// One dataset: its fragment in the data page's URL, label keys and files.
struct DatasetSpec {
    id: &'static str,
    title: &'static str,
    text: &'static str,
    files: &'static [FileSpec],
    /// True when it covers every province (not only those with pilots).
    whole_country: bool,
}

const JSON: &str = "application/json";
const CSV: &str = "text/csv";

const DATASETS: [DatasetSpec; 3] = [
    DatasetSpec {
        id: "pilots",
        title: "pilots",
        text: "catalog_pilots_text",
        files: &[
            FileSpec {
                path: "data/pilots.json",
                format: "JSON",
                media_type: JSON,
                label: "data_pilots_json",
                schema: Some("data/pilots.schema.json"),
            },
            FileSpec {
                path: "data/pilots.csv",
                format: "CSV",
                media_type: CSV,
                label: "data_pilots_csv",
                schema: None,
            },
        ],
        whole_country: false,
    },
    DatasetSpec {
        id: "indicators",
        title: "indicators",
        text: "catalog_indicators_text",
        files: &[FileSpec {
            path: "data/indicators.csv",
            format: "CSV",
            media_type: CSV,
            label: "data_indicators_csv",
            schema: None,
        }],
        whole_country: false,
    },
    DatasetSpec {
        id: "provinces",
        title: "provinces",
        text: "catalog_provinces_text",
        files: &[FileSpec {
            path: "data/provinces.json",
            format: "JSON",
            media_type: JSON,
            label: "data_provinces_json",
            schema: None,
        }],
        whole_country: true,
    },
];

/// The site paths of every file the catalogue describes.
pub fn described_files() -> impl Iterator<Item = &'static str> {
    DATASETS.iter().flat_map(|d| d.files.iter().map(|f| f.path))
}

/// Literals in each language the text is written in.
fn lit(t: &Text) -> Value {
    Value::Array(
        Lang::ALL.into_iter().filter_map(|l| t.get(l).map(|v| json!({ "@value": v, "@language": l.code() }))).collect(),
    )
}

/// A UI label in both languages.
fn label(labels: &Labels, key: &str) -> Text {
    Text { th: Some(labels.get(Lang::Th, key).to_string()), en: Some(labels.get(Lang::En, key).to_string()) }
}

fn id(iri: impl Into<String>) -> Value {
    json!({ "@id": iri.into() })
}

fn date(d: Date) -> Value {
    json!({ "@value": d.to_string(), "@type": "xsd:date" })
}

/// The earliest and latest dates the published content records (starts, updates, measurements),
/// and the latest end date; `None` without published pilots.
fn content_dates(site: &Site) -> Option<(Date, Date, Date)> {
    let mut recorded = published(site).flat_map(|p| {
        std::iter::once(p.start)
            .chain(p.updates.iter().map(|u| u.date))
            .chain(p.indicators.iter().flat_map(|i| i.values.iter().map(|m| m.date)))
    });
    let first = recorded.next()?;
    let (earliest, latest) = recorded.fold((first, first), |(lo, hi), d| (lo.min(d), hi.max(d)));
    let end = published(site).filter_map(|p| p.end).fold(latest, Date::max);
    Some((earliest, latest, end))
}

/// The publisher and contact point nodes: from namrong.toml's `publisher`, else the site itself.
fn agents(c: &Config) -> (Value, Value) {
    let (name, url, email) = match &c.publisher {
        Some(p) => (p.name.clone(), p.url.clone().unwrap_or_else(|| c.base_url.clone()), p.email.clone()),
        None => (c.title.clone(), c.base_url.clone(), None),
    };
    let mut publisher = json!({
        "@id": c.absolute("#publisher"),
        "@type": ["foaf:Agent", "foaf:Organization"],
        "foaf:name": lit(&name),
        "foaf:homepage": id(&url),
    });
    let mut contact = json!({
        "@id": c.absolute("#contact"),
        "@type": "vcard:Organization",
        "vcard:fn": lit(&name),
        "vcard:hasURL": id(&url),
    });
    if let Some(email) = email {
        publisher["foaf:mbox"] = id(format!("mailto:{email}"));
        contact["vcard:hasEmail"] = id(format!("mailto:{email}"));
    }
    (publisher, contact)
}

/// Values shared by the catalogue and its datasets.
struct Common {
    publisher: Value,
    contact: Value,
    licence: Value,
    languages: Value,
    landing: Value,
    issued: Option<Value>,
    modified: Option<Value>,
}

/// `data/catalog.jsonld`.
pub fn jsonld(site: &Site, labels: &Labels) -> Vec<u8> {
    let c = &site.config;
    let (publisher, contact) = agents(c);
    let dates = content_dates(site);
    let common = Common {
        publisher: id(c.absolute("#publisher")),
        contact: id(c.absolute("#contact")),
        licence: id(&c.licence.url),
        languages: json!([id(format!("{EU}language/THA")), id(format!("{EU}language/ENG"))]),
        landing: Value::Array(Lang::ALL.map(|l| id(c.absolute(&urls::section(l, "data")))).to_vec()),
        issued: dates.map(|d| date(d.0)),
        modified: dates.map(|d| date(d.1)),
    };
    let used_issues: Vec<usize> =
        (0..site.issues.len()).filter(|&k| published(site).any(|p| p.issues.contains(&k))).collect();
    let used_provinces: Vec<usize> =
        (0..province::all().len()).filter(|&i| published(site).any(|p| p.provinces.contains(&i))).collect();
    let scheme = c.absolute(&urls::section(Lang::Th, "issues"));
    let mut graph = vec![catalog_node(site, labels, &common, &used_provinces, &scheme)];
    for spec in &DATASETS {
        let (dataset, files) = dataset_nodes(site, labels, &common, spec, &used_issues, &used_provinces, dates);
        graph.push(dataset);
        graph.extend(files);
    }
    graph.extend([publisher, contact]);
    graph.push(json!({ "@id": c.licence.url, "@type": "dct:LicenseDocument", "dct:title": lit(&c.licence.name) }));
    graph.push(json!({ "@id": scheme, "@type": "skos:ConceptScheme", "dct:title": lit(&label(labels, "issues")) }));
    graph.extend(site.issues.iter().map(|issue| {
        json!({
            "@id": c.absolute(&urls::issue(Lang::Th, &issue.key)),
            "@type": "skos:Concept",
            "skos:prefLabel": lit(&issue.label),
            "skos:notation": issue.key,
            "skos:inScheme": id(&scheme),
        })
    }));
    graph.extend(used_provinces.iter().map(|&i| {
        let p = &province::all()[i];
        json!({
            "@id": c.absolute(&urls::province(Lang::Th, p.slug)),
            "@type": "dct:Location",
            "skos:prefLabel": [{ "@value": p.th, "@language": "th" }, { "@value": p.en, "@language": "en" }],
            "dct:identifier": p.code,
            "locn:geometry": { "@value": format!("POINT({} {})", p.lon, p.lat), "@type": "gsp:wktLiteral" },
        })
    }));
    let doc = json!({ "@context": context(), "@graph": graph });
    let mut out = serde_json::to_vec_pretty(&doc).expect("JSON values serialize");
    out.push(b'\n');
    out
}

/// `data/catalog.ttl`: the JSON-LD catalogue read back by a JSON-LD parser and written as
/// Turtle, for harvesters that prefer it; both files always hold the same statements.
pub fn turtle(site: &Site, labels: &Labels) -> Vec<u8> {
    let doc = jsonld(site, labels);
    let mut serializer = oxttl::TurtleSerializer::new();
    if let Value::Object(prefixes) = context() {
        for (prefix, iri) in prefixes {
            serializer = serializer
                .with_prefix(prefix, iri.as_str().expect("prefix IRIs are strings"))
                .expect("valid prefix IRIs");
        }
    }
    let mut writer = serializer.for_writer(Vec::with_capacity(doc.len()));
    // A statement the parser refuses (an IRI from namrong.toml that is not absolute, such as a
    // licence url written as plain words) is left out here as JSON-LD processors leave it out.
    for quad in oxjsonld::JsonLdParser::new().for_slice(&doc).flatten() {
        writer.serialize_triple(&oxrdf::Triple::from(quad)).expect("writing to memory cannot fail");
    }
    writer.finish().expect("writing to memory cannot fail")
}

fn context() -> Value {
    json!({
        "dcat": "http://www.w3.org/ns/dcat#",
        "dct": "http://purl.org/dc/terms/",
        "dcatap": "http://data.europa.eu/r5r/",
        "foaf": "http://xmlns.com/foaf/0.1/",
        "vcard": "http://www.w3.org/2006/vcard/ns#",
        "skos": "http://www.w3.org/2004/02/skos/core#",
        "locn": "http://www.w3.org/ns/locn#",
        "gsp": "http://www.opengis.net/ont/geosparql#",
        "xsd": "http://www.w3.org/2001/XMLSchema#",
    })
}

fn catalog_node(site: &Site, labels: &Labels, common: &Common, provinces: &[usize], scheme: &str) -> Value {
    let c = &site.config;
    let description = if c.description.is_empty() { label(labels, "data_intro") } else { c.description.clone() };
    let mut spatial = vec![id(format!("{EU}country/THA"))];
    spatial.extend(provinces.iter().map(|&i| id(c.absolute(&urls::province(Lang::Th, province::all()[i].slug)))));
    let mut node = json!({
        "@id": c.absolute("data/#catalog"),
        "@type": "dcat:Catalog",
        "dct:title": lit(&c.title),
        "dct:description": lit(&description),
        "dct:publisher": common.publisher,
        "foaf:homepage": id(&c.base_url),
        "dct:language": common.languages,
        "dct:license": common.licence,
        "dct:spatial": spatial,
        "dcat:themeTaxonomy": [id(scheme), id(format!("{EU}data-theme"))],
        "dcat:dataset": DATASETS.iter().map(|d| id(c.absolute(&format!("data/#{}", d.id)))).collect::<Vec<_>>(),
    });
    add_dates(&mut node, common);
    node
}

fn add_dates(node: &mut Value, common: &Common) {
    if let Some(d) = &common.issued {
        node["dct:issued"] = d.clone();
    }
    if let Some(d) = &common.modified {
        node["dct:modified"] = d.clone();
    }
}

/// A dataset and its distributions.
fn dataset_nodes(
    site: &Site,
    labels: &Labels,
    common: &Common,
    spec: &DatasetSpec,
    issues: &[usize],
    provinces: &[usize],
    dates: Option<(Date, Date, Date)>,
) -> (Value, Vec<Value>) {
    let c = &site.config;
    let site_title = |l: Lang| c.title.resolve(l).map_or("", |t| t.0).to_string();
    let title_in = |l: Lang| Some(format!("{} · {}", labels.get(l, spec.title), site_title(l)));
    let title = Text { th: title_in(Lang::Th), en: title_in(Lang::En) };
    let mut keywords: Vec<Value> =
        Lang::ALL.into_iter().map(|l| json!({ "@value": labels.get(l, spec.title), "@language": l.code() })).collect();
    for &k in issues {
        keywords.extend(lit(&site.issues[k].label).as_array().cloned().unwrap_or_default());
    }
    let mut themes = vec![id(format!("{EU}data-theme/REGI"))];
    themes.extend(issues.iter().map(|&k| id(c.absolute(&urls::issue(Lang::Th, &site.issues[k].key)))));
    let spatial: Vec<Value> = if spec.whole_country {
        vec![id(format!("{EU}country/THA"))]
    } else {
        provinces.iter().map(|&i| id(c.absolute(&urls::province(Lang::Th, province::all()[i].slug)))).collect()
    };
    let files: Vec<Value> = spec.files.iter().map(|f| distribution(site, labels, common, f)).collect();
    let iri = c.absolute(&format!("data/#{}", spec.id));
    let mut node = json!({
        "@id": iri,
        "@type": "dcat:Dataset",
        "dct:title": lit(&title),
        "dct:description": lit(&label(labels, spec.text)),
        "dct:identifier": iri,
        "dcat:keyword": keywords,
        "dcat:theme": themes,
        "dct:publisher": common.publisher,
        "dcat:contactPoint": common.contact,
        "dct:spatial": spatial,
        "dcat:landingPage": common.landing,
        "dct:language": common.languages,
        "dct:accrualPeriodicity": id(format!("{EU}frequency/IRREG")),
        "dcat:distribution": files.iter().map(|f| id(f["@id"].as_str().expect("an @id"))).collect::<Vec<_>>(),
    });
    if let Some((start, _, end)) = dates
        && !spec.whole_country
    {
        // Named rather than blank, so the Turtle copy is the same at every build.
        node["dct:temporal"] = json!({ "@id": format!("{iri}-period"), "@type": "dct:PeriodOfTime",
            "dcat:startDate": date(start), "dcat:endDate": date(end) });
    }
    add_dates(&mut node, common);
    (node, files)
}

fn distribution(site: &Site, labels: &Labels, common: &Common, f: &FileSpec) -> Value {
    let c = &site.config;
    let url = c.absolute(f.path);
    let size = opendata::render_file(site, labels, f.path).len();
    let mut node = json!({
        "@id": format!("{url}#distribution"),
        "@type": "dcat:Distribution",
        "dct:title": f.path.trim_start_matches("data/"),
        "dct:description": lit(&label(labels, f.label)),
        "dcat:accessURL": id(&url),
        "dcat:downloadURL": id(&url),
        "dct:format": id(format!("{EU}file-type/{}", f.format)),
        "dcat:mediaType": id(format!("https://www.iana.org/assignments/media-types/{}", f.media_type)),
        "dcat:byteSize": { "@value": size.to_string(), "@type": "xsd:nonNegativeInteger" },
        "dct:license": common.licence,
        "dct:language": common.languages,
        "dcatap:availability": id(format!("{EU}planned-availability/STABLE")),
    });
    if let Some(schema) = f.schema {
        node["dct:conformsTo"] = json!({ "@id": c.absolute(schema), "@type": "dct:Standard" });
    }
    add_dates(&mut node, common);
    node
}
