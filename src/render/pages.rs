//! One function per page kind: each builds the small Tera context its template needs, from the
//! shared values of `view`. Every page also gets `lang`, `t` (labels), `site` and `page` (title,
//! description, canonical URL, language switch and hreflang alternates).

use serde::Serialize;
use tera::{Context, Value};

use super::view::{LinkPlain, TextV, text};
use super::{Job, Renderer};
use crate::i18n::{format_date, format_month, format_number};
use crate::model::{Doc, Lang, PerLang, Region, Site, Status, province};
use crate::theme::Theme;
use crate::urls;

/// Values shared by every page in one language.
pub struct Shared {
    site: Value,
    labels: Value,
}

#[derive(Serialize)]
struct SiteV<'a> {
    title: &'a str,
    description: &'a str,
    home: String,
    static_base: String,
    nav: Vec<NavV<'a>>,
    footer: Vec<LinkPlain>,
    licence_name: &'a str,
    licence_url: &'a str,
    data_href: String,
    feed_href: String,
    /// The publisher's logo (an address) and its alternative text.
    logo: Option<String>,
    logo_alt: &'a str,
}

#[derive(Serialize)]
struct NavV<'a> {
    key: &'static str,
    href: String,
    label: &'a str,
}

impl Shared {
    pub fn new(site: &Site, theme: &Theme, lang: Lang) -> Self {
        let c = &site.config;
        let labels = &theme.labels;
        let nav = ["pilots", "provinces", "issues", "updates", "search"]
            .into_iter()
            .map(|key| NavV { key, href: c.href(&urls::section(lang, key)), label: labels.get(lang, key) })
            .collect();
        let footer = site
            .pages
            .iter()
            .filter_map(|p| {
                Some(LinkPlain {
                    href: c.href(&urls::page(lang, &p.name)),
                    label: p.title.resolve(lang)?.0.to_string(),
                })
            })
            .collect();
        let s = SiteV {
            title: c.title.resolve(lang).map_or("namrong", |t| t.0),
            description: c.description.resolve(lang).map_or("", |t| t.0),
            home: c.href(&urls::home(lang)),
            static_base: c.href("static/"),
            nav,
            footer,
            licence_name: c.licence.name.resolve(lang).map_or("", |t| t.0),
            licence_url: &c.licence.url,
            data_href: c.href(&urls::section(lang, "data")),
            feed_href: c.href(&format!("{}feed.xml", urls::prefix(lang))),
            logo: c.logo.as_ref().map(|l| c.href(&format!("static/{}", theme.published(l).unwrap_or(l)))),
            logo_alt: c.logo_alt.resolve(lang).map_or("", |t| t.0),
        };
        Shared { site: Value::from_serializable(&s), labels: Value::from_serializable(theme.labels.0.get(lang)) }
    }
}

#[derive(Serialize)]
struct PageMeta {
    title: String,
    description: String,
    canonical: String,
    /// True for a page shown in the other language because it has no text of its own.
    noindex: bool,
    switch_href: String,
    alternates: Vec<Alternate>,
    section: &'static str,
    image: Option<String>,
    feed: Option<String>,
    og_locale: &'static str,
    og_type: &'static str,
}

#[derive(Serialize)]
struct Alternate {
    lang: &'static str,
    href: String,
}

struct Meta<'a> {
    /// The sharing card, when cards are drawn (it wins over `image` for sharing).
    card: Option<String>,
    title: String,
    description: String,
    section: &'static str,
    /// The picture shown when the page is shared, as a site path.
    image: Option<std::borrow::Cow<'a, str>>,
    /// The Atom feed of this page's subject, as a site path.
    feed: Option<String>,
}

/// Where a page lives in each language, and which languages have their own text.
pub fn locations(r: &Renderer, job: Job) -> (PerLang<String>, PerLang<bool>) {
    let site = r.site;
    let both = PerLang { th: true, en: true };
    match job {
        Job::Home(_) => (PerLang::build(urls::home), both),
        Job::Pilots(_, n) => (PerLang::build(|l| urls::paged(urls::section(l, "pilots"), n)), both),
        Job::Pilot(_, i) => {
            let p = &site.pilots[i];
            (
                PerLang::build(|l| urls::pilot(l, &p.slug)),
                PerLang::build(|l| p.narrative.has(l) || !p.narrative.has(l.other())),
            )
        }
        Job::Update(_, i, u) => {
            let (p, u) = (&site.pilots[i], &site.pilots[i].updates[u]);
            (PerLang::build(|l| urls::update(l, &p.slug, &u.stem)), PerLang::build(|l| u.body.has(l)))
        }
        Job::Provinces(_) => (PerLang::build(|l| urls::section(l, "provinces")), both),
        Job::Province(_, i, n) => {
            (PerLang::build(|l| urls::paged(urls::province(l, province::all()[i].slug), n)), both)
        }
        Job::Issues(_) => (PerLang::build(|l| urls::section(l, "issues")), both),
        Job::Issue(_, k, n) => (PerLang::build(|l| urls::paged(urls::issue(l, &site.issues[k].key), n)), both),
        Job::Updates(_, n) => (PerLang::build(|l| urls::updates_page(l, n)), both),
        Job::Page(_, i) => {
            let p = &site.pages[i];
            (PerLang::build(|l| urls::page(l, &p.name)), PerLang::build(|l| p.body.has(l)))
        }
        Job::Search(_) => (PerLang::build(|l| urls::section(l, "search")), both),
        Job::DataPage(_) => (PerLang::build(|l| urls::section(l, "data")), both),
        Job::NotFound(_) => (PerLang::build(urls::not_found), PerLang { th: false, en: false }),
        _ => unreachable!("not a page"),
    }
}

/// The template name and context for a page job.
pub fn context(r: &Renderer, job: Job) -> (&'static str, Context) {
    let lang = super::job_lang(job).expect("only pages have contexts");
    let mut ctx = Context::new();
    let (template, meta) = match job {
        Job::Home(_) => ("index.html", home(r, lang, &mut ctx)),
        Job::Pilots(_, n) => ("pilots.html", pilots(r, lang, n, &mut ctx)),
        Job::Pilot(_, i) => ("pilot.html", pilot(r, lang, i, &mut ctx)),
        Job::Update(_, i, u) => ("update.html", update(r, lang, i, u, &mut ctx)),
        Job::Provinces(_) => ("provinces.html", provinces(r, lang, &mut ctx)),
        Job::Province(_, i, n) => ("province.html", province_page(r, lang, i, n, &mut ctx)),
        Job::Issues(_) => ("issues.html", issues(r, lang, &mut ctx)),
        Job::Issue(_, i, n) => ("issue.html", issue(r, lang, i, n, &mut ctx)),
        Job::Updates(_, n) => ("updates.html", updates(r, lang, n, &mut ctx)),
        Job::Page(_, i) => ("page.html", page(r, lang, i, &mut ctx)),
        Job::NotFound(_) => ("404.html", not_found(r, lang)),
        Job::Search(_) => ("search.html", search(r, lang, &mut ctx)),
        Job::DataPage(_) => ("data.html", data_page(r, lang, &mut ctx)),
        _ => unreachable!("not a page"),
    };
    let (paths, translated) = locations(r, job);
    let c = &r.site.config;
    let shared = r.shared.get(lang);
    let other = lang.other();
    let alternates = Lang::ALL
        .into_iter()
        .filter(|&l| *translated.get(l))
        .map(|l| Alternate { lang: l.code(), href: c.absolute(paths.get(l)) })
        .collect();
    // A page with no text of its own shows the other language's: it is not indexed and names
    // that page as canonical, as the sitemap and feeds leave it out (see README, translations).
    let fallback = !*translated.get(lang) && *translated.get(other);
    let page = PageMeta {
        title: meta.title,
        description: meta.description,
        canonical: c.absolute(paths.get(if fallback { other } else { lang })),
        noindex: fallback,
        switch_href: c.href(paths.get(other)),
        alternates,
        section: meta.section,
        image: meta.card.as_deref().or(meta.image.as_deref()).map(|p| c.absolute(p)),
        feed: meta.feed.map(|p| c.href(&p)),
        og_locale: if lang == Lang::Th { "th_TH" } else { "en_US" },
        og_type: if matches!(job, Job::Pilot(..) | Job::Update(..) | Job::Page(..)) { "article" } else { "website" },
    };
    ctx.insert("lang", lang.code());
    ctx.insert("other_lang", other.code());
    ctx.insert_value("t", shared.labels.clone());
    ctx.insert_value("site", shared.site.clone());
    ctx.insert("page", &page);
    (template, ctx)
}

fn label<'a>(r: &'a Renderer, lang: Lang, key: &'a str) -> &'a str {
    r.theme.labels.get(lang, key)
}

fn list_meta<'a>(r: &Renderer, lang: Lang, key: &str, section: &'static str) -> Meta<'a> {
    Meta {
        card: None,
        title: label(r, lang, key).to_string(),
        description: r.site.config.description.resolve(lang).map_or(String::new(), |t| t.0.to_string()),
        section,
        image: None,
        feed: None,
    }
}

/// A description from a summary or the start of a body, at most about 160 characters.
fn describe(summary: Option<&str>, body: Option<&Doc>) -> String {
    let s = summary.or(body.map(|d| d.plain.as_str())).unwrap_or("");
    let mut out: String = s.chars().take(160).collect();
    if out.len() < s.len() {
        out.push('…');
    }
    out
}

#[derive(Serialize)]
struct Count<'a> {
    key: &'static str,
    label: &'a str,
    count: usize,
}

fn home<'a>(r: &'a Renderer, lang: Lang, ctx: &mut Context) -> Meta<'a> {
    let site = r.site;
    let v = &r.view;
    let with_pilots: Vec<LinkCount> = province_links(r, lang, |i| !v.indexes.by_province[i].is_empty());
    let by_status: Vec<Count> = Status::ALL
        .iter()
        .map(|s| Count {
            key: s.key(),
            label: label(
                r,
                lang,
                match s {
                    Status::Planned => "status_planned",
                    Status::Active => "status_active",
                    Status::Completed => "status_completed",
                    Status::Suspended => "status_suspended",
                },
            ),
            count: site.pilots.iter().filter(|p| p.status == *s).count(),
        })
        .filter(|c| c.count > 0)
        .collect();
    ctx.insert("map", &province_map(r, lang));
    ctx.insert("map_id", "home");
    ctx.insert("total_pilots", &site.pilots.len());
    ctx.insert("total_provinces", &with_pilots.len());
    ctx.insert("total_issues", &v.indexes.by_issue.iter().filter(|p| !p.is_empty()).count());
    ctx.insert("by_status", &by_status);
    ctx.insert("provinces", &with_pilots);
    ctx.insert("latest_updates", &update_items(r, lang, v.indexes.updates.iter().take(5).copied()));
    let recent: Vec<usize> = v.indexes.order.iter().take(6).copied().collect();
    ctx.insert_value("pilots", Value::from(v.cards_of(&recent, lang)));
    ctx.insert("issues", &issue_items(r, lang));
    let mut meta = list_meta(r, lang, "home", "home");
    meta.title = String::new();
    meta.feed = Some(crate::feeds::path(lang, crate::feeds::Scope::All, r.site));
    meta
}

/// Inserts page `n` of `pilots` as cards, with the pagination links, and returns a title suffix.
fn paged_cards(r: &Renderer, lang: Lang, pilots: &[usize], n: usize, first: &str, ctx: &mut Context) -> String {
    let per = r.site.config.pilots_per_page;
    let total = r.list_pages(pilots);
    let slice: Vec<usize> = pilots.iter().skip((n - 1) * per).take(per).copied().collect();
    ctx.insert_value("pilots", Value::from(r.view.cards_of(&slice, lang)));
    let c = &r.site.config;
    ctx.insert(
        "pagination",
        &Pagination {
            current: n,
            total,
            prev: (n > 1).then(|| c.href(&urls::paged(first.to_string(), n - 1))),
            next: (n < total).then(|| c.href(&urls::paged(first.to_string(), n + 1))),
        },
    );
    if n > 1 { format!(" ({} {n})", label(r, lang, "page")) } else { String::new() }
}

fn pilots<'a>(r: &'a Renderer, lang: Lang, n: usize, ctx: &mut Context) -> Meta<'a> {
    let suffix = paged_cards(r, lang, &r.view.indexes.order, n, &urls::section(lang, "pilots"), ctx);
    let mut meta = list_meta(r, lang, "pilots", "pilots");
    meta.title.push_str(&suffix);
    meta
}

#[derive(Serialize)]
struct IndicatorV<'a> {
    name: TextV<'a>,
    unit: Option<TextV<'a>>,
    baseline: Option<String>,
    target: Option<String>,
    actual: Option<String>,
    as_of: Option<String>,
    percent: Option<i64>,
    met: bool,
    chart: Option<ChartV>,
    /// The trend of its measurements, when pilot.toml lists them.
    trend: Option<TrendV<'a>>,
    /// "at least", "at most" or "exactly", shown when the target is not simply "at least".
    target_note: Option<String>,
    /// The number of its source in the list of sources (from 1).
    source: Option<usize>,
}

/// One entry of a pilot's list of sources.
#[derive(Serialize)]
struct SourceV<'a> {
    /// Its number in the list, from 1 (the page anchor is `source-<n>`).
    n: usize,
    title: TextV<'a>,
    url: Option<&'a str>,
    publisher: Option<TextV<'a>>,
    date: Option<String>,
    datetime: Option<String>,
}

fn source_items<'a>(r: &'a Renderer, lang: Lang, sources: &'a [crate::model::Citation]) -> Vec<SourceV<'a>> {
    let digits = r.site.config.thai_digits;
    sources
        .iter()
        .enumerate()
        .map(|(i, s)| SourceV {
            n: i + 1,
            title: text(&s.title, lang).expect("validated sources have a title"),
            url: s.url.as_deref(),
            publisher: text(&s.publisher, lang),
            date: s.date.map(|d| format_date(d, lang, digits)),
            datetime: s.date.map(|d| d.to_string()),
        })
        .collect()
}

/// What a target means, in words, when it is not the ordinary "at least" of a higher-is-better
/// indicator: "at most · lower is better".
fn target_note(r: &Renderer, lang: Lang, ind: &crate::model::Indicator) -> Option<String> {
    use crate::model::{Better, TargetKind};
    if (ind.better, ind.target_kind) == (Better::Higher, TargetKind::Minimum) {
        return None;
    }
    Some(format!(
        "{} · {}",
        label(r, lang, &format!("target_{}", ind.target_kind.key())),
        label(r, lang, &format!("better_{}", ind.better.key()))
    ))
}

/// Bar lengths (in SVG units, longest 150) and texts of an indicator chart.
#[derive(Serialize)]
struct ChartV {
    baseline_w: i64,
    actual_w: i64,
    target_w: i64,
    baseline: String,
    actual: String,
    target: String,
    label: String,
}

fn chart(r: &Renderer, lang: Lang, ind: &crate::model::Indicator) -> Option<ChartV> {
    let target = ind.target?;
    let baseline = ind.baseline.unwrap_or(0.0);
    let max = [Some(target), Some(baseline), ind.actual()].into_iter().flatten().fold(0.0_f64, |a, b| a.max(b.abs()));
    let w = |v: f64| if max > 0.0 { (v.abs() / max * 150.0).round() as i64 } else { 0 };
    let unit = ind.unit.resolve(lang).map_or(String::new(), |u| format!(" {}", u.0));
    let actual = ind.actual().map_or("–".to_string(), |a| format!("{}{unit}", format_number(a)));
    let (name, _) = ind.name.resolve(lang)?;
    let label = format!(
        "{name}: {} {}{unit}, {} {actual}, {} {}{unit}",
        label(r, lang, "baseline"),
        format_number(baseline),
        label(r, lang, "actual"),
        label(r, lang, "target"),
        format_number(target)
    );
    Some(ChartV {
        baseline_w: w(baseline),
        actual_w: ind.actual().map_or(0, w),
        target_w: w(target),
        baseline: format_number(baseline),
        actual: ind.actual().map_or("–".to_string(), format_number),
        target: format_number(target),
        label,
    })
}

/// A position on a trend chart and its text.
#[derive(Serialize)]
struct Mark {
    x: i64,
    y: i64,
    text: String,
    /// `start`, `middle` or `end` (SVG `text-anchor`).
    anchor: &'static str,
}

/// One measurement as the table under a trend chart writes it out.
#[derive(Serialize)]
struct MeasurementV<'a> {
    date: String,
    datetime: String,
    value: String,
    note: Option<TextV<'a>>,
    source: Option<usize>,
}

/// A trend chart (an SVG line of the measurements over time, with the baseline and the target
/// as horizontal lines) and the values it draws, written out.
#[derive(Serialize)]
struct TrendV<'a> {
    /// False for a single measurement with neither baseline nor target: there is nothing to
    /// draw it against, and the table says it all.
    draw: bool,
    /// The SVG's height (its width is always 320).
    height: i64,
    /// The text alternative.
    label: String,
    /// The unit, written over the vertical axis.
    unit: Option<&'a str>,
    /// The line through the measurements: `x,y x,y ...`.
    points: String,
    dots: Vec<Mark>,
    /// The latest value, written next to its dot.
    latest: Mark,
    /// The vertical axis: its lowest and highest values.
    y_ticks: Vec<Mark>,
    /// The time axis: the first and the last date (month and year).
    x_ticks: Vec<Mark>,
    /// The target line and its legend text.
    target: Option<Mark>,
    /// The baseline and its legend text.
    baseline: Option<Mark>,
    /// Where the plot area lies: left, right, top, bottom.
    left: i64,
    right: i64,
    top: i64,
    bottom: i64,
    rows: Vec<MeasurementV<'a>>,
}

/// The trend chart of an indicator that lists `[[indicators.values]]`.
fn trend<'a>(r: &'a Renderer, lang: Lang, ind: &'a crate::model::Indicator) -> Option<TrendV<'a>> {
    if !ind.history || ind.values.is_empty() {
        return None;
    }
    let digits = r.site.config.thai_digits;
    let (left, right, top, bottom) = (50_i64, 304_i64, 22_i64, 104_i64);
    let values = &ind.values;
    let all = values.iter().map(|m| m.value).chain(ind.baseline).chain(ind.target);
    let (mut lo, mut hi) = all.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| (lo.min(v), hi.max(v)));
    if (hi - lo).abs() < f64::EPSILON {
        (lo, hi) = if lo == 0.0 { (0.0, 1.0) } else { (lo - lo.abs() * 0.1, hi + hi.abs() * 0.1) };
    }
    let y = |v: f64| bottom - ((v - lo) / (hi - lo) * (bottom - top) as f64).round() as i64;
    let (first, last) = (values[0].date, values[values.len() - 1].date);
    let days = (last - first).num_days();
    let x = |d: crate::model::Date| {
        if days == 0 { (left + right) / 2 } else { left + ((d - first).num_days() * (right - left) + days / 2) / days }
    };
    let unit = ind.unit.resolve(lang).map_or(String::new(), |u| format!(" {}", u.0));
    let kind_key = format!("target_{}", ind.target_kind.key());
    let kind = label(r, lang, &kind_key);
    let dots: Vec<Mark> = values
        .iter()
        .map(|m| Mark { x: x(m.date), y: y(m.value), text: format_number(m.value), anchor: "middle" })
        .collect();
    let points = dots.iter().map(|d| format!("{},{}", d.x, d.y)).collect::<Vec<_>>().join(" ");
    let end = dots.last().expect("at least one measurement");
    let latest = Mark {
        x: end.x,
        y: (end.y - 9).max(12),
        text: end.text.clone(),
        anchor: if end.x > right - 30 {
            "end"
        } else if end.x < left + 30 {
            "start"
        } else {
            "middle"
        },
    };
    let y_ticks = vec![
        Mark { x: left - 6, y: bottom + 4, text: format_number(lo), anchor: "end" },
        Mark { x: left - 6, y: top + 4, text: format_number(hi), anchor: "end" },
    ];
    let month = |d| format_month(d, lang, digits);
    let x_ticks = if month(first) == month(last) {
        vec![Mark { x: x(first), y: bottom + 18, text: month(first), anchor: "middle" }]
    } else {
        vec![
            Mark { x: left, y: bottom + 18, text: month(first), anchor: "start" },
            Mark { x: right, y: bottom + 18, text: month(last), anchor: "end" },
        ]
    };
    let target = ind.target.map(|t| Mark {
        x: left,
        y: y(t),
        text: format!("{} {kind} {}{unit}", label(r, lang, "target"), format_number(t)),
        anchor: "start",
    });
    let baseline = ind.baseline.map(|b| Mark {
        x: left,
        y: y(b),
        text: format!("{} {}{unit}", label(r, lang, "baseline"), format_number(b)),
        anchor: "start",
    });
    let (name, _) = ind.name.resolve(lang)?;
    let period = if first == last {
        format_date(first, lang, digits)
    } else {
        format!("{} – {}", format_date(first, lang, digits), format_date(last, lang, digits))
    };
    let mut parts = vec![format!("{name}: {} {period}", label(r, lang, "trend"))];
    parts.push(format!("{} {}{unit}", label(r, lang, "actual"), end.text));
    parts.extend(baseline.as_ref().map(|b| b.text.clone()));
    parts.extend(target.as_ref().map(|t| t.text.clone()));
    let rows = values
        .iter()
        .map(|m| MeasurementV {
            date: format_date(m.date, lang, digits),
            datetime: m.date.to_string(),
            value: format!("{}{unit}", format_number(m.value)),
            note: text(&m.note, lang),
            source: m.source.map(|n| n + 1),
        })
        .collect();
    Some(TrendV {
        draw: values.len() > 1 || ind.baseline.is_some() || ind.target.is_some(),
        height: bottom + 62,
        unit: ind.unit.resolve(lang).map(|u| u.0),
        label: parts.join("; "),
        points,
        dots,
        latest,
        y_ticks,
        x_ticks,
        target,
        baseline,
        left,
        right,
        top,
        bottom,
        rows,
    })
}

#[derive(Serialize)]
struct UpdateItem<'a> {
    href: String,
    date: String,
    datetime: String,
    title: TextV<'a>,
    summary: Option<TextV<'a>>,
    pilot_title: TextV<'a>,
    pilot_href: String,
}

fn update_items<'a>(r: &'a Renderer, lang: Lang, items: impl Iterator<Item = (usize, usize)>) -> Vec<UpdateItem<'a>> {
    let c = &r.site.config;
    items
        .map(|(pi, ui)| {
            let p = &r.site.pilots[pi];
            let u = &p.updates[ui];
            UpdateItem {
                href: c.href(&urls::update(lang, &p.slug, &u.stem)),
                date: format_date(u.date, lang, c.thai_digits),
                datetime: u.date.to_string(),
                title: text(&u.title, lang).expect("validated updates have a title"),
                summary: text(&u.summary, lang),
                pilot_title: text(&p.title, lang).expect("validated pilots have a title"),
                pilot_href: c.href(&urls::pilot(lang, &p.slug)),
            }
        })
        .collect()
}

/// Inserts `body` and, when it is shown in the other language, `body_lang`. The body's first
/// picture loads right away unless a picture comes before it (`after_picture`).
fn insert_body(ctx: &mut Context, docs: &PerLang<Option<Doc>>, lang: Lang, after_picture: bool) -> bool {
    match docs.resolve(lang) {
        Some((doc, l)) => {
            let html =
                if after_picture { doc.html.as_str().into() } else { crate::images::make_first_eager(&doc.html) };
            ctx.insert_value("body", Value::safe_string(&html));
            if l != lang {
                ctx.insert("body_lang", l.code());
            }
            l == lang
        }
        None => false,
    }
}

fn pilot<'a>(r: &'a Renderer, lang: Lang, i: usize, ctx: &mut Context) -> Meta<'a> {
    let site = r.site;
    let c = &site.config;
    let p = &site.pilots[i];
    let digits = c.thai_digits;
    let lead = lead_image(r, p, lang);
    let translated = insert_body(ctx, &p.narrative, lang, lead.is_some());
    if let Some(html) = lead {
        ctx.insert_value("lead_image", Value::safe_string(&html));
    }
    ctx.insert("translated", &(translated || p.narrative.resolve(lang).is_none()));
    ctx.insert("draft", &p.draft);
    ctx.insert_value("pilot", r.view.cards[i].get(lang).clone());
    ctx.insert("district", &text(&p.district, lang));
    ctx.insert("tambon", &text(&p.tambon, lang));
    ctx.insert("lead", &text(&p.lead, lang));
    ctx.insert("partners", &p.partners.iter().filter_map(|t| text(t, lang)).collect::<Vec<_>>());
    ctx.insert("start", &format_date(p.start, lang, digits));
    ctx.insert("end", &p.end.map(|e| format_date(e, lang, digits)));
    let indicators: Vec<IndicatorV> = p
        .indicators
        .iter()
        .map(|ind| {
            let progress = ind.progress();
            IndicatorV {
                name: text(&ind.name, lang).expect("validated indicators have a name"),
                unit: text(&ind.unit, lang),
                baseline: ind.baseline.map(format_number),
                target: ind.target.map(format_number),
                actual: ind.actual().map(format_number),
                as_of: ind.as_of().map(|d| format_date(d, lang, digits)),
                percent: progress.map(|x| (x * 100.0).round().clamp(0.0, 999.0) as i64),
                met: ind.met() == Some(true),
                chart: if ind.history { None } else { chart(r, lang, ind) },
                trend: trend(r, lang, ind),
                target_note: ind.target.and(target_note(r, lang, ind)),
                source: ind.source.map(|n| n + 1),
            }
        })
        .collect();
    ctx.insert("indicators", &indicators);
    ctx.insert("sources", &source_items(r, lang, &p.sources));
    ctx.insert("updates", &update_items(r, lang, (0..p.updates.len()).map(|u| (i, u))));
    let (title, _) = p.title.resolve(lang).expect("validated pilots have a title");
    let card = site.config.social_cards.then(|| crate::cards::path(&p.slug, lang));
    Meta {
        card,
        title: title.to_string(),
        description: describe(p.summary.resolve(lang).map(|t| t.0), p.narrative.resolve(lang).map(|d| d.0)),
        section: "pilots",
        image: share_image(p, lang),
        feed: None,
    }
}

/// The pilot's picture as the page's lead: the photo at every size, loaded first, linking to
/// its largest published file; a picture that is not a photo (SVG) as a plain image.
fn lead_image(r: &Renderer, p: &crate::model::Pilot, lang: Lang) -> Option<String> {
    let c = &r.site.config;
    let img = p.image.as_ref()?;
    let alt = img.alt.resolve(lang).map_or("", |t| t.0);
    let href = |path: &str| c.href(&urls::asset(path));
    let path = img.path.get(lang);
    let inner = match p.photos.iter().find(|ph| &ph.source == path) {
        Some(ph) => {
            let show = crate::images::Show {
                alt,
                title: None,
                sizes: crate::images::CONTENT_SIZES,
                loading: crate::images::Loading::Eager,
                class: None,
            };
            let full = href(&ph.path(ph.link_variant(c.publish_original_images)));
            format!(
                "<a href=\"{}\">{}</a>",
                crate::markdown::html_escape(&full),
                crate::images::picture(ph, show, &href)
            )
        }
        None => format!(
            "<img src=\"{}\" alt=\"{}\">",
            crate::markdown::html_escape(&href(path)),
            crate::markdown::html_escape(alt)
        ),
    };
    Some(format!("<figure class=\"lead-image\">{inner}</figure>"))
}

/// The pilot's picture for sharing (when there are no cards): for a photo, its largest fallback
/// file, which every sharing site reads.
fn share_image(p: &crate::model::Pilot, lang: Lang) -> Option<std::borrow::Cow<'_, str>> {
    let img = p.image.as_ref()?;
    let path = img.path.get(lang);
    Some(match p.photos.iter().find(|ph| &ph.source == path) {
        Some(ph) => ph.path(ph.link_variant(false)).into(),
        None => path.as_str().into(),
    })
}

fn update<'a>(r: &'a Renderer, lang: Lang, i: usize, ui: usize, ctx: &mut Context) -> Meta<'a> {
    let c = &r.site.config;
    let p = &r.site.pilots[i];
    let u = &p.updates[ui];
    let translated = insert_body(ctx, &u.body, lang, false);
    ctx.insert("translated", &translated);
    ctx.insert("draft", &(u.draft || p.draft));
    let item = update_items(r, lang, std::iter::once((i, ui))).pop().expect("one item");
    ctx.insert("update", &item);
    ctx.insert_value("pilot", r.view.cards[i].get(lang).clone());
    let source = u.source.and_then(|n| source_items(r, lang, &p.sources).into_iter().nth(n));
    ctx.insert("source", &source);
    ctx.insert("sources_href", &format!("{}#sources-h", c.href(&urls::pilot(lang, &p.slug))));
    Meta {
        card: r.site.config.social_cards.then(|| crate::cards::path(&p.slug, lang)),
        title: u.title.resolve(lang).map_or(String::new(), |t| t.0.to_string()),
        description: describe(u.summary.resolve(lang).map(|t| t.0), u.body.resolve(lang).map(|d| d.0)),
        section: "updates",
        image: share_image(p, lang),
        feed: None,
    }
}

#[derive(Serialize)]
struct LinkCount {
    href: Option<String>,
    label: String,
    other: String,
    code: &'static str,
    /// The short label the map draws on the province's tile (`ลป` / `LPG`).
    abbr: &'static str,
    count: usize,
    /// The map's shade step for `count` (0 to 3), so a list can show the tile's colour.
    shade: usize,
}

fn province_links(r: &Renderer, lang: Lang, keep: impl Fn(usize) -> bool) -> Vec<LinkCount> {
    let c = &r.site.config;
    province::all()
        .iter()
        .enumerate()
        .filter(|(i, _)| keep(*i))
        .map(|(i, p)| {
            let count = r.view.indexes.by_province[i].len();
            LinkCount {
                href: (count > 0).then(|| c.href(&urls::province(lang, p.slug))),
                label: p.name(lang).to_string(),
                other: p.name(lang.other()).to_string(),
                code: p.code,
                abbr: p.abbr(lang),
                count,
                shade: crate::map::shade(count),
            }
        })
        .collect()
}

fn province_map(r: &Renderer, lang: Lang) -> crate::map::Map {
    let counts: Vec<usize> = r.view.indexes.by_province.iter().map(Vec::len).collect();
    crate::map::render(&counts, lang, |p| r.site.config.href(p))
}

#[derive(Serialize)]
struct RegionV<'a> {
    key: &'static str,
    label: &'a str,
    provinces: Vec<LinkCount>,
    /// How many of `provinces` have pilots, and how many have none.
    with_pilots: usize,
    without_pilots: usize,
}

fn provinces<'a>(r: &'a Renderer, lang: Lang, ctx: &mut Context) -> Meta<'a> {
    let regions: Vec<RegionV> = Region::ALL
        .iter()
        .map(|&region| (region, province_links(r, lang, |i| province::all()[i].region == region)))
        .map(|(region, provinces)| RegionV {
            with_pilots: provinces.iter().filter(|p| p.href.is_some()).count(),
            without_pilots: provinces.iter().filter(|p| p.href.is_none()).count(),
            key: region.key(),
            label: label(
                r,
                lang,
                match region {
                    Region::North => "region_north",
                    Region::Northeast => "region_northeast",
                    Region::Central => "region_central",
                    Region::East => "region_east",
                    Region::West => "region_west",
                    Region::South => "region_south",
                },
            ),
            provinces,
        })
        .collect();
    ctx.insert("regions", &regions);
    ctx.insert("map", &province_map(r, lang));
    ctx.insert("map_id", "provinces");
    list_meta(r, lang, "provinces", "provinces")
}

fn province_page<'a>(r: &'a Renderer, lang: Lang, i: usize, n: usize, ctx: &mut Context) -> Meta<'a> {
    let p = &province::all()[i];
    ctx.insert(
        "province",
        &LinkCount {
            href: None,
            label: p.name(lang).into(),
            other: p.name(lang.other()).into(),
            code: p.code,
            abbr: p.abbr(lang),
            count: r.view.indexes.by_province[i].len(),
            shade: crate::map::shade(r.view.indexes.by_province[i].len()),
        },
    );
    let suffix = paged_cards(r, lang, &r.view.indexes.by_province[i], n, &urls::province(lang, p.slug), ctx);
    let mut meta = list_meta(r, lang, "provinces", "provinces");
    meta.feed = Some(crate::feeds::path(lang, crate::feeds::Scope::Province(i), r.site));
    meta.title = format!("{} {}{suffix}", label(r, lang, "province"), p.name(lang));
    meta.description = format!(
        "{}: {} {}",
        meta.title,
        format_number(r.view.indexes.by_province[i].len() as f64),
        label(r, lang, if r.view.indexes.by_province[i].len() == 1 { "pilot_count_one" } else { "pilot_count" })
    );
    meta
}

#[derive(Serialize)]
struct IssueItem<'a> {
    key: &'a str,
    href: String,
    label: TextV<'a>,
    description: Option<TextV<'a>>,
    count: usize,
}

fn issue_items<'a>(r: &'a Renderer, lang: Lang) -> Vec<IssueItem<'a>> {
    (0..r.site.issues.len()).map(|i| issue_item(r, lang, i)).collect()
}

/// Issue `i` as lists and its own page show it.
fn issue_item<'a>(r: &'a Renderer, lang: Lang, i: usize) -> IssueItem<'a> {
    let issue = &r.site.issues[i];
    IssueItem {
        key: &issue.key,
        href: r.site.config.href(&urls::issue(lang, &issue.key)),
        label: text(&issue.label, lang).unwrap_or(TextV { text: &issue.key, lang: None }),
        description: text(&issue.description, lang),
        count: r.view.indexes.by_issue[i].len(),
    }
}

fn issues<'a>(r: &'a Renderer, lang: Lang, ctx: &mut Context) -> Meta<'a> {
    ctx.insert("issues", &issue_items(r, lang));
    list_meta(r, lang, "issues", "issues")
}

fn issue<'a>(r: &'a Renderer, lang: Lang, i: usize, n: usize, ctx: &mut Context) -> Meta<'a> {
    // One item, not the whole list: a site with thousands of issues has as many issue pages.
    let item = issue_item(r, lang, i);
    let mut meta = list_meta(r, lang, "issues", "issues");
    meta.feed = Some(crate::feeds::path(lang, crate::feeds::Scope::Issue(i), r.site));
    let suffix = paged_cards(r, lang, &r.view.indexes.by_issue[i], n, &urls::issue(lang, item.key), ctx);
    meta.title = format!("{}{suffix}", item.label.text);
    if let Some(d) = &item.description {
        meta.description = d.text.to_string();
    }
    ctx.insert("issue", &item);
    meta
}

#[derive(Serialize)]
struct Pagination {
    current: usize,
    total: usize,
    prev: Option<String>,
    next: Option<String>,
}

fn updates<'a>(r: &'a Renderer, lang: Lang, n: usize, ctx: &mut Context) -> Meta<'a> {
    let per = r.site.config.updates_per_page;
    let total = r.layout().update_pages();
    let c = &r.site.config;
    let items = update_items(r, lang, r.view.indexes.updates.iter().skip((n - 1) * per).take(per).copied());
    ctx.insert("updates", &items);
    ctx.insert(
        "pagination",
        &Pagination {
            current: n,
            total,
            prev: (n > 1).then(|| c.href(&urls::updates_page(lang, n - 1))),
            next: (n < total).then(|| c.href(&urls::updates_page(lang, n + 1))),
        },
    );
    let mut meta = list_meta(r, lang, "updates", "updates");
    meta.feed = Some(crate::feeds::path(lang, crate::feeds::Scope::All, r.site));
    if n > 1 {
        meta.title = format!("{} ({} {n})", meta.title, label(r, lang, "page"));
    }
    meta
}

fn page<'a>(r: &'a Renderer, lang: Lang, i: usize, ctx: &mut Context) -> Meta<'a> {
    let p = &r.site.pages[i];
    let translated = insert_body(ctx, &p.body, lang, false);
    ctx.insert("translated", &translated);
    ctx.insert("title", &text(&p.title, lang));
    Meta {
        card: None,
        title: p.title.resolve(lang).map_or(String::new(), |t| t.0.to_string()),
        description: describe(p.description.resolve(lang).map(|t| t.0), p.body.resolve(lang).map(|d| d.0)),
        section: "page",
        image: None,
        feed: None,
    }
}

fn not_found<'a>(r: &'a Renderer, lang: Lang) -> Meta<'a> {
    list_meta(r, lang, "not_found_title", "404")
}

fn search<'a>(r: &'a Renderer, lang: Lang, ctx: &mut Context) -> Meta<'a> {
    ctx.insert("search_base", &r.site.config.href(&urls::search_dir(lang)));
    list_meta(r, lang, "search", "search")
}

#[derive(Serialize)]
struct DataFile {
    href: String,
    name: &'static str,
    key: &'static str,
}

fn data_page<'a>(r: &'a Renderer, lang: Lang, ctx: &mut Context) -> Meta<'a> {
    let c = &r.site.config;
    // Full addresses built from base_url: re-users copy them into scripts and catalogues.
    let files: Vec<DataFile> = [
        ("data/pilots.json", "data_pilots_json"),
        ("data/pilots.csv", "data_pilots_csv"),
        ("data/indicators.csv", "data_indicators_csv"),
        ("data/provinces.json", "data_provinces_json"),
        ("data/pilot.schema.json", "data_schema"),
        (crate::catalog::PATH, "data_catalog"),
        (crate::catalog::TURTLE_PATH, "data_catalog_ttl"),
    ]
    .into_iter()
    .map(|(path, key)| DataFile { href: c.absolute(path), name: path.trim_start_matches("data/"), key })
    .collect();
    ctx.insert("files", &files);
    ctx.insert("catalog", &c.absolute(crate::catalog::PATH));
    ctx.insert(
        "example_pilot",
        &r.site.pilots.iter().find(|p| !p.draft).map(|p| c.absolute(&format!("data/pilots/{}.json", p.slug))),
    );
    ctx.insert("feed", &c.absolute(&crate::feeds::path(lang, crate::feeds::Scope::All, r.site)));
    ctx.insert("site_url", &c.base_url);
    let mut meta = list_meta(r, lang, "data", "data");
    meta.description = label(r, lang, "data_intro").to_string();
    meta
}
