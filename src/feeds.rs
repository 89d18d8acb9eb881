//! Atom feeds of updates, per language: the whole site, each province with pilots and each
//! issue. Entries link to update pages with absolute URLs from base_url; drafts are left out, and
//! so is an update from the feed of a language it has no text in.

use atom_syndication::{Content, Entry, Feed, FixedDateTime, Link, Person, Text as AtomText};
use chrono::{FixedOffset, NaiveTime};

use crate::indexes::Indexes;
use crate::model::{Date, Lang, Site};
use crate::urls;

/// Which updates a feed holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Scope {
    /// Every update of the site.
    All,
    /// Updates of pilots in a province (index in the province table).
    Province(usize),
    /// Updates of pilots on an issue (index in `Site::issues`).
    Issue(usize),
}

/// How many entries a feed holds at most.
pub const MAX_ENTRIES: usize = 50;

/// The site path of a feed.
pub fn path(lang: Lang, scope: Scope, site: &Site) -> String {
    match scope {
        Scope::All => format!("{}feed.xml", urls::prefix(lang)),
        Scope::Province(i) => format!("{}feed.xml", urls::province(lang, crate::model::province::all()[i].slug)),
        Scope::Issue(k) => format!("{}feed.xml", urls::issue(lang, &site.issues[k].key)),
    }
}

/// Midnight in Thailand (UTC+7) on `date`.
fn at_midnight(date: Date) -> FixedDateTime {
    let tz = FixedOffset::east_opt(7 * 3600).expect("UTC+7");
    date.and_time(NaiveTime::MIN).and_local_timezone(tz).single().expect("fixed offsets are unambiguous")
}

/// Renders one feed.
pub fn render(site: &Site, indexes: &Indexes, lang: Lang, scope: Scope) -> Vec<u8> {
    let c = &site.config;
    let site_title = c.title.resolve(lang).map_or("", |t| t.0);
    let (title, page) = match scope {
        Scope::All => (site_title.to_string(), urls::home(lang)),
        Scope::Province(i) => {
            let p = &crate::model::province::all()[i];
            (format!("{} · {site_title}", p.name(lang)), urls::province(lang, p.slug))
        }
        Scope::Issue(k) => {
            let issue = &site.issues[k];
            (
                format!("{} · {site_title}", issue.label.resolve(lang).map_or(issue.key.as_str(), |t| t.0)),
                urls::issue(lang, &issue.key),
            )
        }
    };
    let entries: Vec<Entry> = indexes
        .updates
        .iter()
        .filter(|&&(pi, ui)| {
            let p = &site.pilots[pi];
            // An update with no text in this language is not an entry of this language's feed,
            // as its fallback page is in no sitemap (see `render::pages::locations`).
            !p.draft
                && !p.updates[ui].draft
                && p.updates[ui].body.has(lang)
                && match scope {
                    Scope::All => true,
                    Scope::Province(i) => p.provinces.contains(&i),
                    Scope::Issue(k) => p.issues.contains(&k),
                }
        })
        .take(MAX_ENTRIES)
        .map(|&(pi, ui)| entry(site, lang, pi, ui))
        .collect();
    let updated = entries
        .iter()
        .map(|e| *e.updated())
        .max()
        .unwrap_or_else(|| at_midnight(Date::from_ymd_opt(2000, 1, 1).expect("date")));
    let self_url = c.absolute(&path(lang, scope, site));
    let mut feed = Feed::default();
    feed.set_title(AtomText::plain(title));
    feed.set_id(self_url.clone());
    feed.set_updated(updated);
    feed.set_lang(Some(lang.code().to_string()));
    let mut author = Person::default();
    author.set_name(site_title);
    author.set_uri(Some(c.base_url.clone()));
    feed.set_authors(vec![author]);
    feed.set_links(vec![
        link(&self_url, "self", "application/atom+xml"),
        link(&c.absolute(&page), "alternate", "text/html"),
    ]);
    feed.set_entries(entries);
    let mut out = Vec::new();
    feed.write_to(&mut out).expect("writing a feed to memory cannot fail");
    out.push(b'\n');
    out
}

fn link(href: &str, rel: &str, mime: &str) -> Link {
    let mut l = Link::default();
    l.set_href(href);
    l.set_rel(rel);
    l.set_mime_type(Some(mime.to_string()));
    l
}

fn entry(site: &Site, lang: Lang, pi: usize, ui: usize) -> Entry {
    let c = &site.config;
    let p = &site.pilots[pi];
    let u = &p.updates[ui];
    let url = c.absolute(&urls::update(lang, &p.slug, &u.stem));
    let mut e = Entry::default();
    let (title, _) = u.title.resolve(lang).expect("validated updates have a title");
    let (pilot_title, _) = p.title.resolve(lang).expect("validated pilots have a title");
    e.set_title(AtomText::plain(title));
    e.set_id(url.clone());
    e.set_updated(at_midnight(u.date));
    e.set_published(Some(at_midnight(u.date)));
    e.set_links(vec![link(&url, "alternate", "text/html")]);
    let summary = match u.summary.resolve(lang) {
        Some((s, _)) => format!("{pilot_title}: {s}"),
        None => pilot_title.to_string(),
    };
    e.set_summary(Some(AtomText::plain(summary)));
    if let Some((doc, l)) = u.body.resolve(lang) {
        let mut content = Content::default();
        content.set_content_type(Some("html".to_string()));
        content.set_lang(Some(l.code().to_string()));
        content.set_value(Some(doc.html.clone()));
        e.set_content(Some(content));
    }
    e
}
