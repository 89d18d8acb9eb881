//! Rendering: the site becomes a list of jobs (one per output file, see [`Layout`]), and each
//! job becomes bytes, in parallel across all cores. Rendering hands files to an
//! [`output::Sink`](crate::output::Sink) and never decides where or how they are stored. Jobs are
//! plain values so a rebuild can render only the ones a change touches; [`Layout::reads`] says
//! what each job is made from, so the preview's planner needs no list of its own.

mod collisions;
mod pages;
pub mod view;

use std::path::Path;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use rayon::prelude::*;

use thiserror::Error;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::indexes::Indexes;
use crate::model::{Lang, PerLang, Site, province};
use crate::output::{Body, OutputError, Sink, WriteError};
use crate::theme::{StaticSource, Theme};
use crate::urls;
use crate::{feeds, opendata};

impl From<OutputError> for RenderError {
    fn from(e: OutputError) -> Self {
        RenderError::Output(e.into())
    }
}

pub use feeds::Scope;
pub use view::View;

/// One output file to produce.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Job {
    /// The home page.
    Home(Lang),
    /// Page n (1-based) of the list of pilots.
    Pilots(Lang, usize),
    /// A pilot page, by index in `Site::pilots`.
    Pilot(Lang, usize),
    /// An update page: pilot index, update index.
    Update(Lang, usize, usize),
    /// The list of provinces.
    Provinces(Lang),
    /// Page n of a province's pilots, by index in the province table.
    Province(Lang, usize, usize),
    /// The list of issues.
    Issues(Lang),
    /// Page n of an issue's pilots, by index in `Site::issues`.
    Issue(Lang, usize, usize),
    /// Page n (1-based) of the updates list.
    Updates(Lang, usize),
    /// A free page, by index in `Site::pages`.
    Page(Lang, usize),
    /// The not-found page.
    NotFound(Lang),
    /// A content asset: pilot index (or `usize::MAX` for page assets) and asset index.
    Asset(usize, usize),
    /// A theme static file, by index in `Theme::statics`.
    Static(usize),
    /// The search page.
    Search(Lang),
    /// The page that explains the open data.
    DataPage(Lang),
    /// An Atom feed.
    Feed(Lang, Scope),
    /// One of `opendata::FILES`.
    OpenData(usize),
    /// `data/pilots/<slug>.json`, by pilot index.
    PilotData(usize),
    /// A pilot's sharing card in one language.
    Card(Lang, usize),
    /// One published file of a photo: pilot index (or `usize::MAX` for page photos), index in
    /// the pilot's (or the site's) `photos`, and which file.
    Image(usize, usize, crate::images::Variant),
}

/// Why rendering stopped.
#[derive(Debug, Error)]
pub enum RenderError {
    /// Templates or cards failed: one diagnostic each.
    #[error("the site has errors")]
    Content(Diagnostics),
    /// Files could not be stored.
    #[error(transparent)]
    Output(#[from] WriteError),
}

/// Counts from one render.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Stats {
    /// HTML pages per language.
    pub pages: PerLang<usize>,
    /// Other files (assets, static files, data).
    pub files: usize,
    /// Bytes written.
    pub bytes: u64,
    /// Photos processed and photos taken from the cache.
    pub photos: crate::images::Counts,
}

/// The files of one site and where each goes: the job list and the site path of each job.
/// Cheap to make (it holds references), so the preview can lay out the site before and after an
/// edit and compare.
#[derive(Clone, Copy)]
pub struct Layout<'a> {
    /// The site.
    pub site: &'a Site,
    /// Its orderings and groupings.
    pub indexes: &'a Indexes,
    /// Its theme (for the static files).
    pub theme: &'a Theme,
}

impl<'a> Layout<'a> {
    /// Every job of the site, in a stable order.
    pub fn jobs(&self) -> Vec<Job> {
        let (site, ix) = (self.site, self.indexes);
        let mut jobs = Vec::new();
        for lang in Lang::ALL {
            jobs.extend([Job::Home(lang), Job::Provinces(lang), Job::Issues(lang), Job::NotFound(lang)]);
            for (i, p) in site.pilots.iter().enumerate() {
                jobs.push(Job::Pilot(lang, i));
                jobs.extend((0..p.updates.len()).map(|u| Job::Update(lang, i, u)));
            }
            jobs.extend(
                (0..province::all().len())
                    .filter(|&i| !ix.by_province[i].is_empty())
                    .flat_map(|i| (1..=self.list_pages(&ix.by_province[i])).map(move |n| Job::Province(lang, i, n))),
            );
            jobs.extend(
                (0..site.issues.len())
                    .flat_map(|i| (1..=self.list_pages(&ix.by_issue[i])).map(move |n| Job::Issue(lang, i, n))),
            );
            jobs.extend((1..=self.list_pages(&ix.order)).map(|n| Job::Pilots(lang, n)));
            jobs.extend((1..=self.update_pages()).map(|n| Job::Updates(lang, n)));
            jobs.extend((0..site.pages.len()).map(|i| Job::Page(lang, i)));
            jobs.extend([Job::Search(lang), Job::DataPage(lang), Job::Feed(lang, Scope::All)]);
            jobs.extend(
                (0..province::all().len())
                    .filter(|&i| !ix.by_province[i].is_empty())
                    .map(|i| Job::Feed(lang, Scope::Province(i))),
            );
            jobs.extend((0..site.issues.len()).map(|k| Job::Feed(lang, Scope::Issue(k))));
        }
        jobs.extend((0..opendata::FILES.len()).map(Job::OpenData));
        jobs.extend(site.pilots.iter().enumerate().filter(|(_, p)| !p.draft).map(|(i, _)| Job::PilotData(i)));
        if site.config.social_cards {
            for lang in Lang::ALL {
                jobs.extend(site.pilots.iter().enumerate().filter(|(_, p)| !p.draft).map(|(i, _)| Job::Card(lang, i)));
            }
        }
        for i in 0..site.pilots.len() {
            jobs.extend(file_jobs(site, i));
        }
        jobs.extend(file_jobs(site, usize::MAX));
        jobs.extend((0..self.theme.statics.len()).map(Job::Static));
        jobs
    }

    /// How many pages a list of these pilots takes.
    pub fn list_pages(&self, pilots: &[usize]) -> usize {
        pilots.len().div_ceil(self.site.config.pilots_per_page).max(1)
    }

    /// How many pages the updates list has.
    pub fn update_pages(&self) -> usize {
        self.indexes.updates.len().div_ceil(self.site.config.updates_per_page).max(1)
    }

    /// The site path a job writes.
    pub fn path_of(&self, job: Job) -> String {
        let site = self.site;
        let page = match job {
            Job::Home(l) => urls::home(l),
            Job::Pilots(l, n) => urls::paged(urls::section(l, "pilots"), n),
            Job::Pilot(l, i) => urls::pilot(l, &site.pilots[i].slug),
            Job::Update(l, i, u) => urls::update(l, &site.pilots[i].slug, &site.pilots[i].updates[u].stem),
            Job::Provinces(l) => urls::section(l, "provinces"),
            Job::Province(l, i, n) => urls::paged(urls::province(l, province::all()[i].slug), n),
            Job::Issues(l) => urls::section(l, "issues"),
            Job::Issue(l, i, n) => urls::paged(urls::issue(l, &site.issues[i].key), n),
            Job::Updates(l, n) => urls::updates_page(l, n),
            Job::Page(l, i) => urls::page(l, &site.pages[i].name),
            Job::NotFound(l) => return urls::not_found(l),
            Job::Search(l) => urls::section(l, "search"),
            Job::DataPage(l) => urls::section(l, "data"),
            Job::Feed(l, scope) => return feeds::path(l, scope, site),
            Job::OpenData(i) => return opendata::FILES[i].to_string(),
            Job::PilotData(i) => return format!("data/pilots/{}.json", site.pilots[i].slug),
            Job::Card(l, i) => return crate::cards::path(&site.pilots[i].slug, l),
            Job::Asset(p, a) => return urls::asset(self.asset_path(p, a)),
            Job::Image(p, k, v) => return urls::asset(&photos_of(site, p)[k].path(v)),
            Job::Static(i) => return format!("static/{}", self.theme.statics[i].published),
        };
        urls::file_for(&page)
    }

    fn asset_path(&self, pilot: usize, asset: usize) -> &'a str {
        if pilot == usize::MAX { &self.site.assets[asset] } else { &self.site.pilots[pilot].assets[asset] }
    }

    /// What a job's file is made from, as far as an edit of pilot `i` is concerned: the job's
    /// [`Reads`]. The preview's planner re-renders a job when what it reads changed, so every
    /// job kind must answer here (the match has no catch-all on purpose).
    pub fn reads(&self, job: Job, i: usize) -> Reads {
        let per = self.site.config.pilots_per_page;
        let holds = |list: &[usize], n: usize| list.iter().skip((n - 1) * per).take(per).any(|&p| p == i);
        match job {
            // A photo's files are its pilot's own: replacing the photo gives them new names.
            Job::Pilot(_, p)
            | Job::Update(_, p, _)
            | Job::PilotData(p)
            | Job::Card(_, p)
            | Job::Asset(p, _)
            | Job::Image(p, _, _) => {
                if p == i {
                    Reads::Own
                } else {
                    Reads::Nothing
                }
            }
            Job::Pilots(_, n) => Reads::List { list: List::All, holds: holds(&self.indexes.order, n) },
            Job::Province(_, pr, n) => {
                Reads::List { list: List::Province(pr), holds: holds(&self.indexes.by_province[pr], n) }
            }
            Job::Issue(_, k, n) => Reads::List { list: List::Issue(k), holds: holds(&self.indexes.by_issue[k], n) },
            Job::Updates(_, n) => {
                let per = self.site.config.updates_per_page;
                let holds = self.indexes.updates.iter().skip((n - 1) * per).take(per).any(|&(p, _)| p == i);
                Reads::UpdateList { holds }
            }
            Job::Home(_) => Reads::Summary,
            Job::Provinces(_) | Job::Issues(_) => Reads::Counts,
            Job::Feed(_, scope) => Reads::Feed(scope),
            // The data page names the first pilot: only adding or removing pilots changes it.
            Job::Search(_) | Job::DataPage(_) | Job::NotFound(_) | Job::Page(..) | Job::Static(_) => Reads::Nothing,
            Job::OpenData(_) => Reads::AllPilots,
        }
    }
}

/// A list of pilots that list pages show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum List {
    /// All pilots (`Indexes::order`).
    All,
    /// The pilots of a province.
    Province(usize),
    /// The pilots of an issue.
    Issue(usize),
}

/// What one job reads of one pilot (see [`Layout::reads`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reads {
    /// Nothing of it.
    Nothing,
    /// Everything of it: its own pages and files.
    Own,
    /// A page of a list: the list itself, and the pilot's card when the page `holds` it.
    List {
        /// Which list.
        list: List,
        /// True when the page shows the pilot's card.
        holds: bool,
    },
    /// A page of the updates list: the order of updates, and the pilot's update titles and
    /// summaries when the page `holds` one of its updates.
    UpdateList {
        /// True when the page shows one of the pilot's updates.
        holds: bool,
    },
    /// The home page: counts, the latest updates, the most recent pilots' cards.
    Summary,
    /// The lists of provinces and issues: how many pilots each has.
    Counts,
    /// A feed: the updates of the pilots in its scope, in full.
    Feed(Scope),
    /// Every pilot in full (the site-wide data files).
    AllPilots,
}

/// Renders the files of one site with one theme.
pub struct Renderer<'a> {
    layout: Layout<'a>,
    site: &'a Site,
    theme: &'a Theme,
    root: &'a Path,
    view: &'a View,
    shared: PerLang<pages::Shared>,
    cards: crate::cards::Cache,
    images: crate::images::Store,
}

impl<'a> Renderer<'a> {
    /// Prepares shared values; social cards are looked up in (and added to) `cards`.
    pub fn new(site: &'a Site, theme: &'a Theme, view: &'a View, root: &'a Path, cards: crate::cards::Cache) -> Self {
        let shared = PerLang::build(|lang| pages::Shared::new(site, theme, lang));
        let layout = Layout { site, indexes: &view.indexes, theme };
        let images = crate::images::Store::new(root, site.config.publish_original_images);
        Renderer { layout, site, theme, root, view, shared, cards, images }
    }

    /// The layout of the site: its jobs and their paths.
    pub fn layout(&self) -> Layout<'a> {
        self.layout
    }

    /// The sitemap files and robots.txt, computed from the pages among `jobs` (every job of the site).
    pub fn sitemap_files(&self, jobs: &[Job]) -> Vec<(String, Vec<u8>)> {
        let entries: Vec<crate::sitemap::Entry> = jobs
            .par_iter()
            .with_min_len(256)
            .filter(|&&j| job_lang(j) == Some(Lang::Th) && !matches!(j, Job::NotFound(_)) && !self.is_draft(j))
            .map(|&j| {
                let (paths, translated) = pages::locations(self, j);
                crate::sitemap::Entry { paths, translated }
            })
            .collect();
        let mut files = crate::sitemap::render(&self.site.config, &entries);
        files.push(("robots.txt".into(), crate::sitemap::robots(&self.site.config)));
        files
    }

    /// True for the pages of a draft pilot (its page and its updates' pages), which a build with
    /// `--drafts` shows but never lists in the sitemap.
    pub fn is_draft(&self, job: Job) -> bool {
        matches!(job, Job::Pilot(_, i) | Job::Update(_, i, _) if self.site.pilots[i].draft)
    }

    /// The shared values.
    pub fn view(&self) -> &View {
        self.view
    }

    /// Every job of the site, in a stable order.
    pub fn jobs(&self) -> Vec<Job> {
        self.layout.jobs()
    }

    /// How many pages a list of these pilots takes.
    pub fn list_pages(&self, pilots: &[usize]) -> usize {
        self.layout.list_pages(pilots)
    }

    /// The site path a job writes.
    pub fn path_of(&self, job: Job) -> String {
        self.layout.path_of(job)
    }

    /// Produces one job's file.
    pub fn render(&self, job: Job) -> Result<Body, Diagnostic> {
        match job {
            Job::Asset(p, a) => crate::assets::body(self.root, self.layout.asset_path(p, a)),
            Job::Static(i) => Ok(match &self.theme.statics[i].source {
                StaticSource::Builtin(bytes) => Body::Builtin(bytes),
                StaticSource::File(rel) => Body::File(self.root.join(rel)),
                StaticSource::Bytes(bytes) => Body::Bytes(bytes.to_vec()),
            }),
            Job::Feed(l, scope) => Ok(Body::Bytes(feeds::render(self.site, &self.view.indexes, l, scope))),
            Job::OpenData(i) => {
                Ok(Body::Bytes(opendata::render_file(self.site, &self.theme.labels, opendata::FILES[i])))
            }
            Job::PilotData(i) => {
                Ok(Body::Bytes(opendata::one_pilot_json(self.site, &self.theme.labels, &self.site.pilots[i])))
            }
            Job::Image(p, k, v) => {
                let photo = &photos_of(self.site, p)[k];
                let file = std::path::Path::new(crate::load::CONTENT_DIR).join(&photo.source);
                match self.images.get(photo, v) {
                    Ok(crate::images::Stored::File(path)) => Ok(Body::File(path)),
                    Ok(crate::images::Stored::Bytes(bytes)) => Ok(Body::Bytes(bytes.to_vec())),
                    Err(why) => Err(Diagnostic::error(file, format!("this picture cannot be processed: {why}"))
                        .hint("the file may be damaged: open it on your computer and save or export it again as JPEG")),
                }
            }
            Job::Card(l, i) => {
                let card = crate::cards::Card::new(self.site, &self.theme.labels, &self.site.pilots[i], l);
                // Named after the record the card is drawn from, not the picture it makes.
                let source = Path::new(crate::load::CONTENT_DIR).join("pilots").join(&self.site.pilots[i].slug);
                self.cards.body(&card).map_err(|e| {
                    Diagnostic::error(
                        source.join("pilot.toml"),
                        format!("cannot draw the sharing card /{}: {e}", self.path_of(job)),
                    )
                })
            }
            _ => self.render_page(job).map(Body::Bytes),
        }
    }

    fn render_page(&self, job: Job) -> Result<Vec<u8>, Diagnostic> {
        let (template, context) = pages::context(self, job);
        let mut out = Vec::with_capacity(16 * 1024);
        self.theme.tera.render_to(template, &context, &mut out).map_err(|e| {
            let mut msg = e.to_string();
            let mut source = std::error::Error::source(&e);
            while let Some(s) = source {
                msg.push_str(&format!(": {s}"));
                source = s.source();
            }
            Diagnostic::error(
                format!("themes/{}/templates/{template}", self.site.config.theme),
                format!("template error while rendering /{}: {msg}", self.path_of(job)),
            )
            .with_kind(crate::diagnostics::Kind::Template)
        })?;
        let out = crate::wordbreak::mark_page(out, &self.site.words);
        Ok(out)
    }

    /// Renders `jobs` in parallel into `sink`, collecting every failure. Files the sink could
    /// not store come back as one [`WriteError`]; otherwise every template failure is reported.
    pub fn render_all(&self, jobs: &[Job], sink: &dyn Sink) -> Result<Stats, RenderError> {
        let pages = PerLang { th: AtomicUsize::new(0), en: AtomicUsize::new(0) };
        let files = AtomicUsize::new(0);
        let bytes = AtomicU64::new(0);
        let (failures, unstored): (Vec<Result<Diagnostic, OutputError>>, Vec<_>) = jobs
            .par_iter()
            .with_min_len(8)
            .filter_map(|&job| {
                let body = match self.render(job) {
                    Ok(body) => body,
                    Err(d) => return Some(Ok(d)),
                };
                match sink.put(&self.path_of(job), body) {
                    Ok(n) => {
                        bytes.fetch_add(n, Ordering::Relaxed);
                        match job_lang(job) {
                            Some(l) => pages.get(l).fetch_add(1, Ordering::Relaxed),
                            None => files.fetch_add(1, Ordering::Relaxed),
                        };
                        None
                    }
                    Err(e) => Some(Err(e)),
                }
            })
            .partition(Result::is_ok);
        if let Some(e) = WriteError::collapse(unstored.into_iter().filter_map(Result::err).collect()) {
            return Err(RenderError::Output(e));
        }
        let failures: Vec<Diagnostic> = failures.into_iter().filter_map(Result::ok).collect();
        if !failures.is_empty() {
            return Err(RenderError::Content(Diagnostics(failures)));
        }
        Ok(Stats {
            pages: PerLang { th: pages.th.into_inner(), en: pages.en.into_inner() },
            files: files.into_inner(),
            bytes: bytes.into_inner(),
            photos: self.images.counts(),
        })
    }
}

/// The language of a page job; `None` for files that are not pages.
pub fn job_lang(job: Job) -> Option<Lang> {
    match job {
        Job::Home(l)
        | Job::Pilots(l, _)
        | Job::Pilot(l, _)
        | Job::Update(l, _, _)
        | Job::Provinces(l)
        | Job::Province(l, _, _)
        | Job::Issues(l)
        | Job::Issue(l, _, _)
        | Job::Updates(l, _)
        | Job::Page(l, _)
        | Job::NotFound(l)
        | Job::Search(l)
        | Job::DataPage(l) => Some(l),
        Job::Asset(..)
        | Job::Static(_)
        | Job::Feed(..)
        | Job::OpenData(_)
        | Job::PilotData(_)
        | Job::Card(..)
        | Job::Image(..) => None,
    }
}

/// The photos of pilot `pilot`, or of the free pages when `pilot` is `usize::MAX`.
pub fn photos_of(site: &Site, pilot: usize) -> &[crate::images::Photo] {
    if pilot == usize::MAX { &site.photos } else { &site.pilots[pilot].photos }
}

/// The files of pilot `pilot` (or of the free pages for `usize::MAX`): assets copied as they
/// are, and the published files of each photo (its original only when the site asks).
pub fn file_jobs(site: &Site, pilot: usize) -> Vec<Job> {
    let (assets, photos) = if pilot == usize::MAX {
        (&site.assets, &site.photos)
    } else {
        (&site.pilots[pilot].assets, &site.pilots[pilot].photos)
    };
    let is_photo = |a: &String| photos.iter().any(|ph| &ph.source == a);
    let mut jobs: Vec<Job> =
        assets.iter().enumerate().filter(|(_, a)| !is_photo(a)).map(|(a, _)| Job::Asset(pilot, a)).collect();
    for (k, ph) in photos.iter().enumerate() {
        jobs.extend(ph.variants(site.config.publish_original_images).into_iter().map(|v| Job::Image(pilot, k, v)));
    }
    jobs
}
