//! namrong builds bilingual (Thai/English) static websites of open pilot reports.
//!
//! The pipeline, in order: [`config::load_config`] reads namrong.toml; [`load::load_content`]
//! reads content/; [`validate::validate`] checks every record and renders Markdown into a
//! [`model::Site`]; [`emit::site`] renders every file ([`render`], [`search`], [`sitemap`]) in
//! parallel into an [`output::Sink`]; [`output`] swaps a finished build in so that a failed build
//! never touches the previous output. `build`, `check` and `serve` run the same steps and differ
//! only by the sink they pass.
#![warn(missing_docs)]
#![recursion_limit = "256"]
#![deny(clippy::print_stdout, clippy::print_stderr)]
// Diagnostics are the error type of most steps: large, but only built when something is wrong.
#![allow(clippy::result_large_err)]

pub mod assets;
pub mod calendar;
pub mod cards;
pub mod catalog;
pub mod check;
pub mod config;
pub mod diagnostics;
pub mod emit;
pub mod feeds;
pub mod fingerprint;
pub mod i18n;
pub mod images;
pub mod indexes;
pub mod lang;
pub mod links;
pub mod load;
pub mod located;
pub mod map;
pub mod markdown;
pub mod messages;
pub mod model;
pub mod nofollow;
pub mod opendata;
pub mod output;
#[allow(missing_docs)]
pub mod records;
pub mod render;
pub mod scaffold;
pub mod search;
pub mod serve;
pub mod sitemap;
pub mod source;
pub mod suggest;
pub mod svg;
pub mod theme;
pub mod url_policy;
pub mod urls;
pub mod validate;
pub mod wordbreak;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use thiserror::Error;

use crate::diagnostics::Diagnostics;
use crate::model::{Date, Site};
use crate::output::{OutputError, WriteError};
use crate::render::{RenderError, Stats};
use crate::theme::Theme;
use crate::validate::Inputs;

/// What `build` is asked to do.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// The site folder (holding namrong.toml).
    pub root: PathBuf,
    /// Where to write; `root/public` when `None`.
    pub output: Option<PathBuf>,
    /// Include pilots marked as drafts.
    pub drafts: bool,
    /// Override namrong.toml's base_url.
    pub base_url: Option<String>,
    /// The date to treat as today (for tests); the machine's date when `None`.
    pub today: Option<Date>,
}

/// Why a build did not happen.
#[derive(Debug, Error)]
pub enum BuildError {
    /// The command was asked something impossible (no site at --root, bad --base-url, --output refused).
    #[error("{0}")]
    Usage(String),
    /// The content has errors; nothing was written.
    #[error("the site has errors")]
    Content(Diagnostics),
    /// A file could not be read or written (a full disk, a folder without write permission);
    /// names the path.
    #[error("{0}")]
    Output(WriteError),
}

impl From<RenderError> for BuildError {
    fn from(e: RenderError) -> Self {
        match e {
            RenderError::Content(ds) => BuildError::Content(ds),
            RenderError::Output(e) => BuildError::Output(e),
        }
    }
}

impl From<OutputError> for BuildError {
    /// Refusals of a forbidden output folder are usage errors; the rest are I/O failures.
    fn from(e: OutputError) -> Self {
        match e {
            OutputError::Io { .. } => BuildError::Output(e.into()),
            refused => BuildError::Usage(refused.to_string()),
        }
    }
}

/// What a successful build did.
#[derive(Debug)]
pub struct Report {
    /// Files written.
    pub stats: Stats,
    /// How the output folder changed: files written, left unchanged, removed.
    pub changes: output::Changes,
    /// Warnings found on the way.
    pub warnings: Diagnostics,
    /// The output folder.
    pub output: PathBuf,
    /// How long it took.
    pub elapsed: Duration,
    /// How long each step took, in order.
    pub timings: Vec<(&'static str, Duration)>,
}

/// A loaded, validated site with its theme.
#[derive(Debug)]
pub struct Loaded {
    /// The site.
    pub site: Site,
    /// Its theme.
    pub theme: Theme,
    /// Warnings (there are no errors in a `Loaded`).
    pub warnings: Diagnostics,
}

/// Checks that `root` is a site folder.
pub fn check_root(root: &Path) -> Result<(), BuildError> {
    if !root.is_dir() {
        return Err(BuildError::Usage(format!("the site folder {} does not exist", root.display())));
    }
    if !root.join(config::CONFIG_FILE).is_file() {
        return Err(BuildError::Usage(format!(
            "{} has no {}: run namrong in a site folder or pass --root",
            root.display(),
            config::CONFIG_FILE
        )));
    }
    Ok(())
}

/// Load and validate: everything before rendering. Errors come back with all warnings too.
/// Placeholder text from `namrong new` in a file that would be published is an error here.
pub fn load_site(root: &Path, drafts: bool, base_url: Option<&str>, today: Option<Date>) -> Result<Loaded, BuildError> {
    let Unchecked { site, theme, mut problems, .. } = load_unchecked(root, drafts, base_url, today)?;
    validate::refuse_placeholders(&mut problems);
    match theme {
        Some(theme) if !problems.has_errors() => Ok(Loaded { site, theme, warnings: problems }),
        _ => Err(BuildError::Content(problems)),
    }
}

/// A site as loaded and validated, errors or not.
#[derive(Debug)]
pub struct Unchecked {
    /// Whatever could be built.
    pub site: Site,
    /// The theme, when it loaded.
    pub theme: Option<Theme>,
    /// Every problem, errors included, sorted.
    pub problems: Diagnostics,
    /// What the site was made from (kept by the preview, so nothing is read twice).
    pub inputs: Inputs,
}

/// Load and validate, returning whatever could be built along with every problem (errors
/// included). `check` uses this to report on a site that has errors.
pub fn load_unchecked(
    root: &Path,
    drafts: bool,
    base_url: Option<&str>,
    today: Option<Date>,
) -> Result<Unchecked, BuildError> {
    check_root(root)?;
    let mut config = config::load_config(root).map_err(BuildError::Content)?;
    if let Some(url) = base_url {
        config.set_base_url(url).map_err(|e| BuildError::Usage(format!("--base-url: {e}")))?;
    }
    let theme = theme::load_theme(root, &config.theme);
    let (content, mut problems) = load::load_content(root);
    let settings = validate::Settings { include_drafts: drafts, today: today.unwrap_or_else(validate::today) };
    let (site, more, inputs) = validate::validate_keeping(config, content, settings);
    problems.extend(more.0);
    problems.extend(assets::refuse_active(&site).0);
    let theme = match theme {
        Ok(t) => Some(t),
        Err(ds) => {
            problems.extend(ds.0);
            None
        }
    };
    problems.sort();
    Ok(Unchecked { site, theme, problems, inputs })
}

/// Builds the site at `options.root` into its output folder.
pub fn build(options: &BuildOptions) -> Result<Report, BuildError> {
    let started = Instant::now();
    let mut timer = Timer::new();
    let root = &options.root;
    check_root(root)?;
    let output = options.output.clone().unwrap_or_else(|| root.join("public"));
    // Refuse a forbidden output folder before doing any work.
    let staging = output::Staging::begin(root, &output)?;
    timer.lap("prepare output");
    let loaded = load_site(root, options.drafts, options.base_url.as_deref(), options.today)?;
    timer.lap("load and validate");
    let prepared = emit::Prepared::new(&loaded.site, &loaded.theme);
    timer.lap("index");
    let sink = staging.sink();
    let stats = match emit::site(&loaded.site, &loaded.theme, &prepared, root, &sink) {
        Ok(stats) => stats,
        // Problems found while rendering come with the warnings, like those found loading.
        Err(RenderError::Content(mut problems)) => {
            problems.extend(loaded.warnings.0);
            problems.sort();
            return Err(BuildError::Content(problems));
        }
        Err(e) => return Err(e.into()),
    };
    drop(prepared);
    timer.lap("render and write");
    let (output, changes) = staging.commit(sink)?;
    timer.lap("update the output");
    Ok(Report { stats, changes, warnings: loaded.warnings, output, elapsed: started.elapsed(), timings: timer.laps })
}

/// Times the steps of a build.
struct Timer {
    last: Instant,
    laps: Vec<(&'static str, Duration)>,
}

impl Timer {
    fn new() -> Self {
        Timer { last: Instant::now(), laps: Vec::new() }
    }

    fn lap(&mut self, step: &'static str) {
        let now = Instant::now();
        self.laps.push((step, now - self.last));
        self.last = now;
    }
}
