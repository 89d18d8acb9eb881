//! The site as plain data, after loading and validation: pilots, updates, free pages, issues and
//! provinces, each text in Thai and English where written. No IO happens here; `load` builds
//! these values and `render` reads them.

pub mod province;

use std::path::PathBuf;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

pub use province::{Province, Region};

use crate::config::Config;

/// A calendar date in the Common Era.
pub type Date = NaiveDate;

/// A language the site is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// Thai, the default language.
    Th,
    /// English.
    En,
}

impl Lang {
    /// Both languages, Thai first.
    pub const ALL: [Lang; 2] = [Lang::Th, Lang::En];

    /// The BCP 47 code: `th` or `en`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Th => "th",
            Lang::En => "en",
        }
    }

    /// The other language.
    pub fn other(self) -> Lang {
        match self {
            Lang::Th => Lang::En,
            Lang::En => Lang::Th,
        }
    }

    /// Parses `th` or `en`.
    pub fn from_code(code: &str) -> Option<Lang> {
        match code {
            "th" => Some(Lang::Th),
            "en" => Some(Lang::En),
            _ => None,
        }
    }
}

/// One value per language.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PerLang<T> {
    /// The Thai one.
    pub th: T,
    /// The English one.
    pub en: T,
}

impl<T> PerLang<T> {
    /// Builds both values with `f`.
    pub fn build(mut f: impl FnMut(Lang) -> T) -> Self {
        PerLang { th: f(Lang::Th), en: f(Lang::En) }
    }

    /// The value for `lang`.
    pub fn get(&self, lang: Lang) -> &T {
        match lang {
            Lang::Th => &self.th,
            Lang::En => &self.en,
        }
    }

    /// The value for `lang`, mutably.
    pub fn get_mut(&mut self, lang: Lang) -> &mut T {
        match lang {
            Lang::Th => &mut self.th,
            Lang::En => &mut self.en,
        }
    }
}

impl<T> PerLang<Option<T>> {
    /// The value for `lang`, or the other language's when `lang` has none, with the language found.
    pub fn resolve(&self, lang: Lang) -> Option<(&T, Lang)> {
        self.get(lang)
            .as_ref()
            .map(|v| (v, lang))
            .or_else(|| self.get(lang.other()).as_ref().map(|v| (v, lang.other())))
    }

    /// True when `lang` has its own value.
    pub fn has(&self, lang: Lang) -> bool {
        self.get(lang).is_some()
    }
}

/// A short text written in Thai, English or both, as in `{ th = "...", en = "..." }`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Text {
    /// Thai text.
    pub th: Option<String>,
    /// English text.
    pub en: Option<String>,
}

impl Text {
    /// Text in one language only.
    pub fn one(lang: Lang, value: String) -> Text {
        let mut t = Text::default();
        *t.get_mut(lang) = Some(value);
        t
    }

    /// The text in `lang`, if written (blank counts as missing).
    pub fn get(&self, lang: Lang) -> Option<&str> {
        let v = match lang {
            Lang::Th => &self.th,
            Lang::En => &self.en,
        };
        v.as_deref().filter(|s| !s.trim().is_empty())
    }

    fn get_mut(&mut self, lang: Lang) -> &mut Option<String> {
        match lang {
            Lang::Th => &mut self.th,
            Lang::En => &mut self.en,
        }
    }

    /// The text in `lang`, else in the other language, with the language it is in.
    pub fn resolve(&self, lang: Lang) -> Option<(&str, Lang)> {
        self.get(lang).map(|v| (v, lang)).or_else(|| self.get(lang.other()).map(|v| (v, lang.other())))
    }

    /// True when neither language has text.
    pub fn is_empty(&self) -> bool {
        self.get(Lang::Th).is_none() && self.get(Lang::En).is_none()
    }
}

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
    /// The narrative per language.
    pub narrative: PerLang<Option<Doc>>,
    /// Updates, newest first.
    pub updates: Vec<Update>,
    /// Asset files, relative to the content folder (`pilots/<slug>/images/map.png`).
    pub assets: Vec<String>,
    /// The raster images among `assets`, published resized instead of copied.
    pub photos: Vec<crate::images::Photo>,
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
    /// The raster images among `assets`.
    pub photos: Vec<crate::images::Photo>,
}
