//! Generated paths win or collide loudly: a content asset whose output path is also a file
//! namrong generates (a pilot page, an update page, a sharing card, open data) would silently
//! replace it, so each such asset is an error naming both. Paths come from the job list, so
//! every kind of generated file is covered, and are compared without regard to case, since a
//! case-insensitive disk (macOS, Windows) would also let one replace the other.

use std::collections::HashMap;

use super::{Job, Renderer, job_lang};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::model::Lang;

impl Renderer<'_> {
    /// One error per asset among `jobs` whose output path equals a generated file's.
    pub fn asset_collisions(&self, jobs: &[Job]) -> Diagnostics {
        let assets: HashMap<String, Job> =
            jobs.iter().filter(|j| matches!(j, Job::Asset(..))).map(|&j| (self.path_of(j).to_lowercase(), j)).collect();
        let mut problems = Diagnostics::new();
        if assets.is_empty() {
            return problems;
        }
        for &job in jobs.iter().filter(|j| !matches!(j, Job::Asset(..))) {
            let generated = self.path_of(job);
            let Some(&asset) = assets.get(&generated.to_lowercase()) else { continue };
            let Job::Asset(p, a) = asset else { continue };
            let source = format!("{}/{}", crate::load::CONTENT_DIR, self.layout.asset_path(p, a));
            problems.push(
                Diagnostic::error(
                    &source,
                    format!(
                        "this file would be published as /{}, which is the generated file /{generated} ({}); it would replace it",
                        self.path_of(asset),
                        describe(job)
                    ),
                )
                .hint("rename the file or move it into a subfolder such as images/ or files/"),
            );
        }
        problems.sort();
        problems
    }
}

/// What a generated file is, in a few words.
fn describe(job: Job) -> String {
    let lang = |l: Lang| if l == Lang::Th { "Thai" } else { "English" };
    let page = match job {
        Job::Pilot(..) => "pilot page",
        Job::Update(..) => "update page",
        Job::Page(..) => "free page",
        Job::Card(l, _) => return format!("the {} sharing card", lang(l)),
        Job::Feed(l, _) => return format!("the {} Atom feed", lang(l)),
        Job::OpenData(_) | Job::PilotData(_) => return "an open data file".into(),
        Job::Static(_) => return "a theme file".into(),
        Job::Asset(..) => return "a site file".into(),
        _ => "list page",
    };
    match job_lang(job) {
        Some(l) => format!("the {} {page}", lang(l)),
        None => page.into(),
    }
}
