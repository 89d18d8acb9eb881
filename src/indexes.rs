//! The site's orderings and groupings, computed once per build and shared by pages, feeds and
//! the preview's change planner: pilots in list order, the pilots of each province and issue,
//! and every update newest first. Plain indexes into `Site`; nothing here is formatted.

use crate::model::{Date, Pilot, Site, province};

/// Orderings and groupings of a site's pilots and updates.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Indexes {
    /// Pilot indexes per province index (77 entries), in list order.
    pub by_province: Vec<Vec<usize>>,
    /// Pilot indexes per issue index, in list order.
    pub by_issue: Vec<Vec<usize>>,
    /// (pilot, update) indexes, newest first.
    pub updates: Vec<(usize, usize)>,
    /// Pilot indexes in list order (most recent activity first).
    pub order: Vec<usize>,
}

impl Indexes {
    /// Computes the orderings and groupings of `site` (cheap: no text is formatted).
    pub fn new(site: &Site) -> Self {
        let mut order: Vec<usize> = (0..site.pilots.len()).collect();
        order.sort_by(|&a, &b| {
            let (pa, pb) = (&site.pilots[a], &site.pilots[b]);
            activity(pb).cmp(&activity(pa)).then_with(|| pa.slug.cmp(&pb.slug))
        });
        let mut by_province = vec![Vec::new(); province::all().len()];
        let mut by_issue = vec![Vec::new(); site.issues.len()];
        for &i in &order {
            for &p in &site.pilots[i].provinces {
                by_province[p].push(i);
            }
            for &k in &site.pilots[i].issues {
                by_issue[k].push(i);
            }
        }
        let mut updates: Vec<(usize, usize)> =
            site.pilots.iter().enumerate().flat_map(|(pi, p)| (0..p.updates.len()).map(move |ui| (pi, ui))).collect();
        updates.sort_by(|&(pa, ua), &(pb, ub)| {
            let (a, b) = (&site.pilots[pa], &site.pilots[pb]);
            b.updates[ub]
                .date
                .cmp(&a.updates[ua].date)
                .then_with(|| (&a.slug, &a.updates[ua].stem).cmp(&(&b.slug, &b.updates[ub].stem)))
        });
        Indexes { by_province, by_issue, updates, order }
    }
}

/// The latest date something happened in a pilot.
fn activity(p: &Pilot) -> Date {
    p.updates.iter().map(|u| u.date).max().unwrap_or(p.start).max(p.start)
}
