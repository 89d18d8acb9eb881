//! Template-ready values computed once per build and shared by every page: each pilot's card in
//! each language, beside the site's [`Indexes`] (the pilots of each province and issue, the
//! sorted list of updates). Index pages clone the cards instead of serialising pilots again.

use rayon::prelude::*;
use serde::Serialize;
use tera::Value;

use crate::i18n::{format_date, format_number};
use crate::indexes::Indexes;
use crate::model::{Lang, PerLang, Pilot, Site, Text, province};
use crate::urls;

/// A text as templates see it: `{text, lang}`, `lang` set only when shown in the other language.
#[derive(Debug, Clone, Serialize)]
pub struct TextV<'a> {
    /// The words.
    pub text: &'a str,
    /// The language of the words when it differs from the page's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lang: Option<&'static str>,
}

/// A text in `lang`, falling back to the other language; `None` when neither is written.
pub fn text(t: &Text, lang: Lang) -> Option<TextV<'_>> {
    t.resolve(lang).map(|(s, l)| TextV { text: s, lang: (l != lang).then(|| l.code()) })
}

/// A link with a label.
#[derive(Debug, Clone, Serialize)]
pub struct LinkV<'a> {
    /// Root-relative URL.
    pub href: String,
    /// What the link says.
    pub label: TextV<'a>,
}

/// Everything pages share, computed once per build and updated in place by a preview rebuild.
#[derive(Debug, Clone)]
pub struct View {
    /// Each pilot's card per language.
    pub cards: Vec<PerLang<Value>>,
    /// The orderings and groupings.
    pub indexes: Indexes,
}

#[derive(Serialize)]
struct CardV<'a> {
    slug: &'a str,
    href: String,
    title: TextV<'a>,
    summary: Option<TextV<'a>>,
    status: &'static str,
    status_label: &'a str,
    provinces: Vec<LinkPlain>,
    issues: Vec<LinkV<'a>>,
    period: String,
    latest: Option<String>,
    image: Option<ImageV<'a>>,
    targets_met: Option<String>,
}

/// A link whose label is always in the page's language.
#[derive(Debug, Clone, Serialize)]
pub struct LinkPlain {
    /// Root-relative URL.
    pub href: String,
    /// What the link says.
    pub label: String,
}

/// A picture.
#[derive(Debug, Clone, Serialize)]
pub struct ImageV<'a> {
    /// Root-relative URL (for a photo, its smallest fallback file).
    pub src: String,
    /// Alternative text.
    pub alt: Option<TextV<'a>>,
    /// For a photo: the URL of its smallest WebP file.
    pub webp: Option<String>,
    /// For a photo: the width of `src`.
    pub width: Option<u32>,
    /// For a photo: the height of `src`.
    pub height: Option<u32>,
}

impl View {
    /// Computes the shared values for `site`.
    pub fn new(site: &Site, labels: &crate::i18n::Labels) -> Self {
        let cards = site.pilots.par_iter().map(|p| PerLang::build(|lang| card(site, labels, p, lang))).collect();
        View { cards, indexes: Indexes::new(site) }
    }

    /// Recomputes pilot `i`'s card; returns true when it changed in either language.
    pub fn refresh_card(&mut self, site: &Site, labels: &crate::i18n::Labels, i: usize) -> bool {
        let new = PerLang::build(|lang| card(site, labels, &site.pilots[i], lang));
        let changed = new != self.cards[i];
        self.cards[i] = new;
        changed
    }

    /// Recomputes the orderings and groupings (cheap: no text is formatted).
    pub fn index(&mut self, site: &Site) {
        self.indexes = Indexes::new(site);
    }

    /// Cards of the given pilots in `lang`.
    pub fn cards_of(&self, pilots: &[usize], lang: Lang) -> Vec<Value> {
        pilots.iter().map(|&i| self.cards[i].get(lang).clone()).collect()
    }
}

fn card(site: &Site, labels: &crate::i18n::Labels, p: &Pilot, lang: Lang) -> Value {
    let config = &site.config;
    let digits = config.thai_digits;
    let period = match p.end {
        Some(end) => format!("{} – {}", format_date(p.start, lang, digits), format_date(end, lang, digits)),
        None => format!("{} {}", labels.get(lang, "since"), format_date(p.start, lang, digits)),
    };
    // Indicators with a target and a measurement, and those of them whose latest value meets
    // the target by its kind (at least, at most or exactly).
    let judged: Vec<bool> = p.indicators.iter().filter_map(|i| i.met()).collect();
    let targets_met = (!judged.is_empty()).then(|| {
        let met = judged.iter().filter(|&&m| m).count();
        format!("{}/{}", format_number(met as f64), format_number(judged.len() as f64))
    });
    let status_key = format!("status_{}", p.status.key());
    let c = CardV {
        slug: &p.slug,
        href: config.href(&urls::pilot(lang, &p.slug)),
        title: text(&p.title, lang).expect("validated pilots have a title"),
        summary: text(&p.summary, lang),
        status: p.status.key(),
        status_label: labels.get(lang, &status_key),
        provinces: p
            .provinces
            .iter()
            .map(|&i| {
                let pr = &province::all()[i];
                LinkPlain { href: config.href(&urls::province(lang, pr.slug)), label: pr.name(lang).to_string() }
            })
            .collect(),
        issues: p
            .issues
            .iter()
            .map(|&i| {
                let issue = &site.issues[i];
                LinkV {
                    href: config.href(&urls::issue(lang, &issue.key)),
                    label: text(&issue.label, lang).unwrap_or(TextV { text: &issue.key, lang: None }),
                }
            })
            .collect(),
        period,
        latest: p.updates.first().map(|u| format_date(u.date, lang, digits)),
        image: p.image.as_ref().map(|img| match p.photos.iter().find(|ph| &ph.source == img.path.get(lang)) {
            Some(ph) => ImageV {
                src: config.href(&urls::asset(&ph.path(crate::images::Variant::Fallback(0)))),
                alt: text(&img.alt, lang),
                webp: Some(config.href(&urls::asset(&ph.path(crate::images::Variant::Webp(0))))),
                width: Some(ph.widths[0]),
                height: Some(ph.height_at(ph.widths[0])),
            },
            None => ImageV {
                src: config.href(&urls::asset(img.path.get(lang))),
                alt: text(&img.alt, lang),
                webp: None,
                width: None,
                height: None,
            },
        }),
        targets_met,
    };
    Value::from_serializable(&c)
}
