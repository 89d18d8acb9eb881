//! What each document of the index says: a pilot (its title, facts, summary and narrative),
//! each of its updates (with the pilot's title and places as context) and each free page, as
//! texts tagged with the field they count in.

use super::*;

/// A document's texts and what a result shows of it.
pub(super) struct DocSource<'a> {
    pub(super) url: String,
    pub(super) title: &'a str,
    pub(super) kind: &'static str,
    /// The pilot it belongs to (its provinces and issues are shown with it).
    pub(super) pilot: Option<usize>,
    /// Texts with their field: [`TITLE`], [`FACTS`], [`SUMMARY`], [`CONTEXT`] or [`BODY`].
    pub(super) fields: Vec<(usize, &'a str)>,
    pub(super) summary: Option<&'a str>,
    pub(super) body: Option<&'a str>,
}

/// The provinces and issues of pilot `i`, as a result shows them.
pub(super) fn pilot_labels(site: &Site, lang: Lang, i: usize) -> (String, String) {
    let p = &site.pilots[i];
    let provinces: Vec<&str> = p.provinces.iter().map(|&k| province::all()[k].name(lang)).collect();
    let issues: Vec<&str> = p
        .issues
        .iter()
        .map(|&k| site.issues[k].label.resolve(lang).map_or(site.issues[k].key.as_str(), |t| t.0))
        .collect();
    (provinces.join(", "), issues.join(", "))
}

/// A document's fields: its title, `more` (facts or context), its summary and its body.
pub(super) fn fields<'a>(
    title: &'a str,
    mut more: Vec<(usize, &'a str)>,
    summary: Option<&'a str>,
    body: Option<&'a str>,
) -> Vec<(usize, &'a str)> {
    more.push((TITLE, title));
    more.extend(summary.map(|s| (SUMMARY, s)));
    more.extend(body.map(|b| (BODY, b)));
    more
}

/// The documents of group `g` in `lang`: pilot `g` and its updates, or free page `g - pilots`.
pub(super) fn group_sources(site: &Site, lang: Lang, g: usize) -> Vec<DocSource<'_>> {
    let c = &site.config;
    if g >= site.pilots.len() {
        let p = &site.pages[g - site.pilots.len()];
        let title = p.title.resolve(lang).map_or(p.name.as_str(), |t| t.0);
        let summary = p.description.resolve(lang).map(|t| t.0);
        let body = p.body.resolve(lang).map(|d| d.0.plain.as_str());
        return vec![DocSource {
            url: c.href(&urls::page(lang, &p.name)),
            title,
            kind: "page",
            pilot: None,
            fields: fields(title, Vec::new(), summary, body),
            summary,
            body,
        }];
    }
    let p = &site.pilots[g];
    if p.draft {
        // A build with --drafts shows drafts' pages but never makes them findable.
        return Vec::new();
    }
    let all = province::all();
    let title = p.title.resolve(lang).map_or(p.slug.as_str(), |t| t.0);
    let summary = p.summary.resolve(lang).map(|t| t.0);
    let body = p.narrative.resolve(lang).map(|d| d.0.plain.as_str());
    let issues: Vec<&str> = p
        .issues
        .iter()
        .map(|&i| site.issues[i].label.resolve(lang).map_or(site.issues[i].key.as_str(), |t| t.0))
        .collect();
    // Both languages' names, so a Thai search finds "Lampang" and an English one "ลำปาง".
    let places: Vec<&str> = p.provinces.iter().flat_map(|&i| [all[i].th, all[i].en]).collect();
    let issue_names: Vec<&str> =
        p.issues.iter().flat_map(|&i| Lang::ALL.into_iter().filter_map(move |l| site.issues[i].label.get(l))).collect();
    let mut facts: Vec<(usize, &str)> = places.iter().chain(&issue_names).map(|&t| (FACTS, t)).collect();
    for t in [&p.district, &p.tambon, &p.lead] {
        facts.extend(t.resolve(lang).map(|t| (FACTS, t.0)));
    }
    facts.extend(p.partners.iter().filter_map(|t| t.resolve(lang).map(|t| (FACTS, t.0))));
    facts.extend(p.indicators.iter().filter_map(|ind| ind.name.resolve(lang).map(|t| (FACTS, t.0))));
    let mut docs = vec![DocSource {
        url: c.href(&urls::pilot(lang, &p.slug)),
        title,
        kind: "pilot",
        pilot: Some(g),
        fields: fields(title, facts, summary, body),
        summary,
        body,
    }];
    // An update is found by its pilot's title and provinces too, at a low weight.
    let mut context = vec![(CONTEXT, title)];
    context.extend(places.iter().chain(&issues).map(|&t| (CONTEXT, t)));
    for u in &p.updates {
        let ut = u.title.resolve(lang).map_or(u.stem.as_str(), |t| t.0);
        let summary = u.summary.resolve(lang).map(|t| t.0);
        let body = u.body.resolve(lang).map(|d| d.0.plain.as_str());
        docs.push(DocSource {
            url: c.href(&urls::update(lang, &p.slug, &u.stem)),
            title: ut,
            kind: "update",
            pilot: Some(g),
            fields: fields(ut, context.clone(), summary, body),
            summary,
            body,
        });
    }
    docs
}
