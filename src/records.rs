//! The shapes of the TOML that editors write: pilot.toml, issues.toml and the front matter of
//! narratives, updates and pages. Every shape rejects unknown keys. Values keep their spans so
//! `validate` can point at the exact place of a wrong province, date or status.

use serde::Deserialize;
use toml::Spanned;
use toml::value::Datetime;

use crate::lang::Text;

/// pilot.toml.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PilotRecord {
    pub title: Option<Text>,
    pub summary: Option<Text>,
    pub provinces: Option<Spanned<Vec<Spanned<String>>>>,
    pub district: Option<Text>,
    pub tambon: Option<Text>,
    pub issues: Option<Spanned<Vec<Spanned<String>>>>,
    pub status: Option<Spanned<String>>,
    pub start: Option<Spanned<Datetime>>,
    pub end: Option<Spanned<Datetime>>,
    pub lead: Option<Text>,
    #[serde(default)]
    pub partners: Vec<Text>,
    #[serde(default)]
    pub draft: bool,
    pub image: Option<Spanned<String>>,
    pub image_alt: Option<Text>,
    #[serde(default)]
    pub indicators: Vec<Spanned<IndicatorRecord>>,
    #[serde(default)]
    pub sources: Vec<Spanned<SourceRecord>>,
}

/// One entry of `sources = [...]`: a document or news item the pilot's facts come from.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceRecord {
    pub title: Option<Text>,
    pub url: Option<Spanned<String>>,
    pub publisher: Option<Text>,
    pub date: Option<Spanned<Datetime>>,
}

/// An indicator's or update's own source, written in place of a number: the shape of
/// `SourceRecord` without spans (the whole value's span is used in messages).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InlineSourceRecord {
    pub title: Option<Text>,
    pub url: Option<String>,
    pub publisher: Option<Text>,
    pub date: Option<Datetime>,
}

/// One `[[indicators]]` table.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndicatorRecord {
    pub name: Option<Text>,
    pub unit: Option<Text>,
    pub baseline: Option<f64>,
    pub target: Option<f64>,
    pub actual: Option<f64>,
    pub as_of: Option<Spanned<Datetime>>,
    /// The number of an entry in the pilot's `sources` (from 1), or an entry of its own.
    pub source: Option<Spanned<toml::Value>>,
}

/// One table of issues.toml.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IssueRecord {
    pub th: Option<String>,
    pub en: Option<String>,
    pub description: Option<Text>,
}

/// Front matter of th.md / en.md (all optional; they override pilot.toml for that language).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NarrativeFront {
    pub title: Option<String>,
    pub summary: Option<String>,
}

/// Front matter of an update file.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpdateFront {
    pub title: Option<String>,
    pub date: Option<Spanned<Datetime>>,
    pub summary: Option<String>,
    /// As an indicator's `source`.
    pub source: Option<Spanned<toml::Value>>,
    #[serde(default)]
    pub draft: bool,
}

/// Front matter of a free page.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PageFront {
    pub title: Option<String>,
    pub description: Option<String>,
    pub weight: Option<i64>,
}
