//! The site as plain data, after loading and validation: pilots, updates, free pages, issues and
//! provinces, each text in Thai and English where written. No IO happens here; `load` builds
//! these values and `render` reads them.

pub mod province;

use std::path::PathBuf;

use chrono::NaiveDate;
use serde::Serialize;

pub use crate::lang::{Lang, PerLang, Text};
pub use province::{Province, Region};

use crate::config::Config;

/// A calendar date in the Common Era.
pub type Date = NaiveDate;

/// Where a pilot stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Agreed but not started.
    Planned,
    /// Under way.
    Active,
    /// Finished.
    Completed,
    /// Stopped for now.
    Suspended,
}

impl Status {
    /// Every status, in the order lists show them.
    pub const ALL: [Status; 4] = [Status::Active, Status::Planned, Status::Completed, Status::Suspended];

    /// The key written in pilot.toml.
    pub fn key(self) -> &'static str {
        match self {
            Status::Planned => "planned",
            Status::Active => "active",
            Status::Completed => "completed",
            Status::Suspended => "suspended",
        }
    }

    /// Parses a key written in pilot.toml.
    pub fn from_key(key: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.key() == key)
    }
}

/// An issue (theme) that pilots address, from content/issues.toml.
#[derive(Debug, Clone)]
pub struct Issue {
    /// The key used in pilot.toml and in URLs.
    pub key: String,
    /// Its name.
    pub label: Text,
    /// A longer description, optional.
    pub description: Text,
}

/// A measured indicator of a pilot.
#[derive(Debug, Clone)]
pub struct Indicator {
    /// What is measured.
    pub name: Text,
    /// The unit.
    pub unit: Text,
    /// The value before the pilot.
    pub baseline: Option<f64>,
    /// The value aimed at.
    pub target: Option<f64>,
    /// The latest measured value.
    pub actual: Option<f64>,
    /// When `actual` was measured.
    pub as_of: Option<Date>,
    /// Where the figures come from: an index into `Pilot::sources`.
    pub source: Option<usize>,
}

/// A document or news item that a pilot's facts come from (`sources` in pilot.toml). Named
/// `Citation` so it is not confused with `source::Source`, the text of a file being read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Citation {
    /// Its title.
    pub title: Text,
    /// Where to read it (http or https), when it is online.
    pub url: Option<String>,
    /// Who published it.
    pub publisher: Text,
    /// When it was published.
    pub date: Option<Date>,
}

impl Indicator {
    /// Progress from baseline to target, as a share (may exceed 1), when both ends and actual are known.
    pub fn progress(&self) -> Option<f64> {
        let (target, actual) = (self.target?, self.actual?);
        let baseline = self.baseline.unwrap_or(0.0);
        let span = target - baseline;
        (span != 0.0).then(|| (actual - baseline) / span)
    }
}

/// A rendered Markdown document in one language.
#[derive(Debug, Clone, Default)]
pub struct Doc {
    /// The source file, relative to the site root.
    pub path: PathBuf,
    /// The body as HTML, links resolved.
    pub html: String,
    /// True when the body has no text.
    pub is_empty: bool,
    /// Plain text of the body (for descriptions and search).
    pub plain: String,
}

/// A picture of a pilot.
#[derive(Debug, Clone)]
pub struct Image {
    /// Path inside the pilot folder.
    pub path: String,
    /// Alternative text.
    pub alt: Text,
}

/// A dated update of a pilot.
#[derive(Debug, Clone)]
pub struct Update {
    /// The file stem without language: `2024-09-25-workshop`.
    pub stem: String,
    /// The date of the update.
    pub date: Date,
    /// Title per language, from each file's front matter.
    pub title: Text,
    /// Summary per language.
    pub summary: Text,
    /// The body per language.
    pub body: PerLang<Option<Doc>>,
    /// Where it comes from: an index into the pilot's `sources`.
    pub source: Option<usize>,
    /// Left out of builds unless drafts are asked for (`draft = true` in either file).
    pub draft: bool,
}

/// One pilot, with everything it says in both languages.
#[derive(Debug, Clone)]
pub struct Pilot {
    /// The folder name, used in URLs.
    pub slug: String,
    /// Its title.
    pub title: Text,
    /// A one- or two-sentence summary.
    pub summary: Text,
    /// Indexes into the province table, in the order written.
    pub provinces: Vec<usize>,
    /// District (amphoe).
    pub district: Text,
    /// Subdistrict (tambon).
    pub tambon: Text,
    /// Indexes into `Site::issues`.
    pub issues: Vec<usize>,
    /// Where it stands.
    pub status: Status,
    /// Start date.
    pub start: Date,
    /// End date, when set.
    pub end: Option<Date>,
    /// Lead agency.
    pub lead: Text,
    /// Partner organisations.
    pub partners: Vec<Text>,
    /// Left out of builds unless drafts are asked for.
    pub draft: bool,
    /// Its picture.
    pub image: Option<Image>,
    /// Measured indicators.
    pub indicators: Vec<Indicator>,
    /// What its facts come from: the entries of `sources`, then any entries that indicators or
    /// updates give in place (numbered on from the listed ones).
    pub sources: Vec<Citation>,
    /// The narrative per language.
    pub narrative: PerLang<Option<Doc>>,
    /// Updates, newest first.
    pub updates: Vec<Update>,
    /// Asset files, relative to the content folder (`pilots/<slug>/images/map.png`).
    pub assets: Vec<String>,
}

/// A free page such as "about".
#[derive(Debug, Clone)]
pub struct Page {
    /// The file stem without language: `about`.
    pub name: String,
    /// Title per language.
    pub title: Text,
    /// Description per language.
    pub description: Text,
    /// Position in the footer menu (lower first).
    pub weight: i64,
    /// The body per language.
    pub body: PerLang<Option<Doc>>,
}

/// Everything a build needs, loaded and checked.
#[derive(Debug, Clone)]
pub struct Site {
    /// namrong.toml.
    pub config: Config,
    /// Issues in the order of issues.toml.
    pub issues: Vec<Issue>,
    /// Pilots sorted by slug (drafts included only when asked for).
    pub pilots: Vec<Pilot>,
    /// Free pages sorted by weight, then name.
    pub pages: Vec<Page>,
    /// Asset files outside pilot folders (under content/pages), relative to content/.
    pub assets: Vec<String>,
    /// Names and loanwords from content/words.txt, for Thai line breaking (and search).
    pub words: crate::wordbreak::WordList,
}
