//! The preview's change planner. Given the site before and after an edit and what changed, it
//! says which files to render, which to remove and which site-wide files became stale. It knows
//! nothing of its own about which page shows what: every job comes from the same
//! [`Layout::jobs`] the full build uses, and what a job depends on from [`Layout::reads`], so an
//! output kind added there is produced by full and incremental builds alike. Pure: no I/O.

use std::collections::{BTreeSet, HashSet};

use crate::model::{Doc, Lang, PerLang, Pilot};
use crate::render::{Job, Layout, List, Reads, Scope, job_lang};

/// What changed since the previous build.
#[derive(Debug, Clone, Copy)]
pub enum Change<'a> {
    /// Pilot `index` was read and validated again and the same files are in its folder;
    /// `before` is how it was. The sites before and after have the same pilots, updates and
    /// pages, and differ only in this pilot's content and in the indexes.
    Pilot {
        /// Its index in `Site::pilots`.
        index: usize,
        /// The pilot before the edit.
        before: &'a Pilot,
        /// True when its card (the summary list pages show) changed in either language.
        card_changed: bool,
    },
    /// Something every page may show changed: settings, issues, pages, templates, or which
    /// files or pilots there are.
    Site,
}

/// A file made from the whole site rather than by one job.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum SiteWide {
    /// `sitemap.xml` and `robots.txt` (they list every page).
    Sitemap,
    /// The search index.
    Search,
    /// A job that reads every pilot in full (the site-wide open data files).
    Job(Job),
}

/// What a rebuild must do.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    /// Jobs to render, in the order of the job list.
    pub render: Vec<Job>,
    /// Site paths that no longer exist, sorted.
    pub remove: Vec<String>,
    /// Site-wide files that no longer match the site.
    pub stale: BTreeSet<SiteWide>,
    /// True when every file is rendered again.
    pub full: bool,
}

/// Plans the rebuild from `before` to `after` for `change`.
pub fn plan(before: Layout, after: Layout, change: Change) -> Plan {
    let before_jobs = before.jobs();
    let after_jobs = after.jobs();
    let Change::Pilot { index: i, before: old, card_changed } = change else {
        // Everything, as `emit::site` renders it. Pilots may have come or gone, so files are
        // matched by path.
        let after_paths: HashSet<String> = after_jobs.iter().map(|&j| after.path_of(j)).collect();
        let mut remove: Vec<String> =
            before_jobs.iter().map(|&j| before.path_of(j)).filter(|p| !after_paths.contains(p)).collect();
        remove.sort();
        let stale = BTreeSet::from([SiteWide::Sitemap, SiteWide::Search]);
        return Plan { render: after_jobs, remove, stale, full: true };
    };
    // The same pilots, updates and pages before and after: a job writes the same path in both,
    // and only list pages and feeds can appear or vanish. Usually none do.
    let (added, gone): (HashSet<Job>, Vec<Job>) = if before_jobs == after_jobs {
        (HashSet::new(), Vec::new())
    } else {
        let (b, a): (HashSet<Job>, HashSet<Job>) =
            (before_jobs.iter().copied().collect(), after_jobs.iter().copied().collect());
        (a.difference(&b).copied().collect(), before_jobs.iter().copied().filter(|j| !a.contains(j)).collect())
    };
    let mut remove: Vec<String> = gone.iter().map(|&j| before.path_of(j)).collect();
    remove.sort();
    let new = &after.site.pilots[i];
    let (bi, ai) = (before.indexes, after.indexes);
    let moved = |list: List| match list {
        List::All => bi.order != ai.order,
        List::Province(p) => bi.by_province[p] != ai.by_province[p],
        List::Issue(k) => bi.by_issue[k] != ai.by_issue[k],
    };
    // What of the pilot changed, as the pages that show it see it.
    let update_items = old.title != new.title
        || old
            .updates
            .iter()
            .zip(&new.updates)
            .any(|(a, b)| (a.date, &a.title, &a.summary) != (b.date, &b.title, &b.summary));
    let update_bodies = old.updates.iter().zip(&new.updates).any(|(a, b)| !same_docs(&a.body, &b.body));
    let places = old.provinces != new.provinces || old.issues != new.issues;
    let in_feed = |scope: Scope, p: &Pilot| match scope {
        Scope::All => true,
        Scope::Province(pr) => p.provinces.contains(&pr),
        Scope::Issue(k) => p.issues.contains(&k),
    };
    let mut stale = BTreeSet::from([SiteWide::Search]);
    let mut render = Vec::new();
    for job in after_jobs {
        let needed = match after.reads(job, i) {
            Reads::Nothing => false,
            Reads::Own => true,
            Reads::List { list, holds } => moved(list) || (card_changed && holds),
            Reads::UpdateList { holds } => bi.updates != ai.updates || (update_items && holds),
            Reads::Summary => card_changed || update_items || bi != ai,
            Reads::Counts => bi.by_province != ai.by_province || bi.by_issue != ai.by_issue,
            Reads::Feed(scope) => {
                (update_items || update_bodies || places) && (in_feed(scope, old) || in_feed(scope, new))
            }
            Reads::AllPilots => {
                stale.insert(SiteWide::Job(job));
                false
            }
        };
        if needed || added.contains(&job) {
            render.push(job);
        }
    }
    // The sitemap lists every page and which languages each is written in.
    let translated = |p: &Pilot| -> Vec<bool> {
        let mut v: Vec<bool> = Lang::ALL.iter().map(|&l| p.narrative.has(l)).collect();
        v.extend(p.updates.iter().flat_map(|u| Lang::ALL.map(|l| u.body.has(l))));
        v
    };
    let pages_changed = added.iter().chain(&gone).any(|&j| job_lang(j).is_some());
    if pages_changed || translated(old) != translated(new) {
        stale.insert(SiteWide::Sitemap);
    }
    Plan { render, remove, stale, full: false }
}

fn same_docs(a: &PerLang<Option<Doc>>, b: &PerLang<Option<Doc>>) -> bool {
    Lang::ALL.iter().all(|&l| a.get(l).as_ref().map(|d| &d.html) == b.get(l).as_ref().map(|d| &d.html))
}
