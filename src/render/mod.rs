//! Rendering: the site becomes a list of jobs (one per output file), and each job becomes bytes,
//! in parallel across all cores. Rendering returns data to a `Sink` and never decides where or
//! how it is stored: `output` writes to disk, `serve` keeps files in memory. Jobs are plain
//! values so a rebuild can render only the ones a change touches.

mod pages;
pub mod view;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use rayon::prelude::*;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::model::{Lang, PerLang, Site, province};
use crate::theme::{StaticSource, Theme};
use crate::urls;
use crate::{feeds, opendata};

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
    /// A file computed before rendering (sitemap, robots.txt, search index), by index.
    Extra(usize),
    /// A pilot's sharing card in one language.
    Card(Lang, usize),
    /// One published file of a photo: pilot index (or `usize::MAX` for page photos), index in
    /// the pilot's (or the site's) `photos`, and which file.
    Image(usize, usize, crate::images::Variant),
}

/// The bytes of one output file, or where to copy them from.
#[derive(Debug)]
pub enum Body {
    /// Rendered in memory.
    Bytes(Vec<u8>),
    /// Compiled into namrong.
    Builtin(&'static [u8]),
    /// A file to copy.
    File(PathBuf),
}

/// Where rendered files go. Implementations must accept calls from many threads at once.
pub trait Sink: Sync {
    /// Stores one file at a site path such as `en/pilots/x/index.html`.
    fn put(&self, path: &str, body: Body) -> std::io::Result<u64>;
}

/// Where files made outside the job list go (the search index, the sitemap): called with each
/// file's site path and bytes, from many threads.
pub type Put<'a> = dyn Fn(String, Vec<u8>) -> std::io::Result<()> + Sync + 'a;

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

/// Renders pages of one site with one theme.
pub struct Renderer<'a> {
    site: &'a Site,
    theme: &'a Theme,
    root: &'a Path,
    view: &'a View,
    shared: PerLang<pages::Shared>,
    live_reload: Option<String>,
    extras: Vec<(String, Vec<u8>)>,
    cards: crate::cards::Cache,
    images: crate::images::Store,
}

impl<'a> Renderer<'a> {
    /// Prepares shared values. `live_reload` is a script injected into every page (preview only).
    pub fn new(site: &'a Site, theme: &'a Theme, view: &'a View, root: &'a Path, live_reload: Option<String>) -> Self {
        let shared = PerLang::build(|lang| pages::Shared::new(site, theme, lang));
        let cards = crate::cards::Cache::new(Some(&root.join(".namrong-cache/cards")));
        let images = crate::images::Store::new(root, site.config.publish_original_images);
        Renderer { site, theme, root, view, shared, live_reload, extras: Vec::new(), cards, images }
    }

    /// Adds the sitemap and robots.txt (computed from every page, so only when the set of pages
    /// may have changed).
    pub fn add_sitemap(&mut self) {
        let files = self.sitemap_files(&self.jobs());
        self.extras.extend(files);
    }

    /// Adds files computed elsewhere (the search index).
    pub fn add_files(&mut self, files: Vec<(String, Vec<u8>)>) {
        self.extras.extend(files);
    }

    /// The files computed before rendering.
    pub fn extras(&self) -> &[(String, Vec<u8>)] {
        &self.extras
    }

    /// The sitemap files and robots.txt, computed from the pages among `jobs` (every job of the site).
    pub fn sitemap_files(&self, jobs: &[Job]) -> Vec<(String, Vec<u8>)> {
        let entries: Vec<crate::sitemap::Entry> = jobs
            .par_iter()
            .with_min_len(256)
            .filter(|&&j| job_lang(j) == Some(Lang::Th) && !matches!(j, Job::NotFound(_)))
            .map(|&j| {
                let (paths, translated) = pages::locations(self, j);
                crate::sitemap::Entry { paths, translated }
            })
            .collect();
        let mut files = crate::sitemap::render(&self.site.config, &entries);
        files.push(("robots.txt".into(), crate::sitemap::robots(&self.site.config)));
        files
    }

    /// The shared values.
    pub fn view(&self) -> &View {
        self.view
    }

    /// Every job of the site, in a stable order.
    pub fn jobs(&self) -> Vec<Job> {
        let site = self.site;
        let mut jobs = Vec::new();
        for lang in Lang::ALL {
            jobs.extend([Job::Home(lang), Job::Provinces(lang), Job::Issues(lang), Job::NotFound(lang)]);
            for (i, p) in site.pilots.iter().enumerate() {
                jobs.push(Job::Pilot(lang, i));
                jobs.extend((0..p.updates.len()).map(|u| Job::Update(lang, i, u)));
            }
            jobs.extend((0..province::all().len()).filter(|&i| !self.view.by_province[i].is_empty()).flat_map(|i| {
                (1..=self.list_pages(&self.view.by_province[i])).map(move |n| Job::Province(lang, i, n))
            }));
            jobs.extend(
                (0..site.issues.len())
                    .flat_map(|i| (1..=self.list_pages(&self.view.by_issue[i])).map(move |n| Job::Issue(lang, i, n))),
            );
            jobs.extend((1..=self.list_pages(&self.view.order)).map(|n| Job::Pilots(lang, n)));
            jobs.extend((1..=self.update_pages()).map(|n| Job::Updates(lang, n)));
            jobs.extend((0..site.pages.len()).map(|i| Job::Page(lang, i)));
            jobs.extend([Job::Search(lang), Job::DataPage(lang), Job::Feed(lang, Scope::All)]);
            jobs.extend(
                (0..province::all().len())
                    .filter(|&i| !self.view.by_province[i].is_empty())
                    .map(|i| Job::Feed(lang, Scope::Province(i))),
            );
            jobs.extend((0..site.issues.len()).map(|k| Job::Feed(lang, Scope::Issue(k))));
        }
        jobs.extend((0..opendata::FILES.len()).map(Job::OpenData));
        jobs.extend(site.pilots.iter().enumerate().filter(|(_, p)| !p.draft).map(|(i, _)| Job::PilotData(i)));
        jobs.extend((0..self.extras.len()).map(Job::Extra));
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
        self.view.updates.len().div_ceil(self.site.config.updates_per_page).max(1)
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
            Job::Extra(i) => return self.extras[i].0.clone(),
            Job::Card(l, i) => return crate::cards::path(&site.pilots[i].slug, l),
            Job::Asset(p, a) => return urls::asset(self.asset_path(p, a)),
            Job::Image(p, k, v) => return urls::asset(&photos_of(site, p)[k].path(v)),
            Job::Static(i) => return format!("static/{}", self.theme.statics[i].0),
        };
        urls::file_for(&page)
    }

    fn asset_path(&self, pilot: usize, asset: usize) -> &str {
        if pilot == usize::MAX { &self.site.assets[asset] } else { &self.site.pilots[pilot].assets[asset] }
    }

    /// Produces one job's file.
    pub fn render(&self, job: Job) -> Result<Body, Diagnostic> {
        match job {
            Job::Asset(p, a) => Ok(Body::File(self.root.join(crate::load::CONTENT_DIR).join(self.asset_path(p, a)))),
            Job::Static(i) => Ok(match &self.theme.statics[i].1 {
                StaticSource::Builtin(bytes) => Body::Builtin(bytes),
                StaticSource::File(rel) => Body::File(self.root.join(rel)),
            }),
            Job::Feed(l, scope) => Ok(Body::Bytes(feeds::render(self.site, self.view, l, scope))),
            Job::OpenData(i) => {
                Ok(Body::Bytes(opendata::render_file(self.site, &self.theme.labels, opendata::FILES[i])))
            }
            Job::PilotData(i) => {
                Ok(Body::Bytes(opendata::one_pilot_json(self.site, &self.theme.labels, &self.site.pilots[i])))
            }
            Job::Extra(i) => Ok(Body::Bytes(self.extras[i].1.clone())),
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
                let svg = crate::cards::svg(self.site, &self.theme.labels, &self.site.pilots[i], l);
                self.cards.get_or_render(&svg).map(Body::Bytes).map_err(|e| Diagnostic::error(self.path_of(job), e))
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
        })?;
        if let Some(script) = &self.live_reload {
            inject_before_body_end(&mut out, script);
        }
        Ok(out)
    }

    /// Renders `jobs` in parallel into `sink`, collecting every failure.
    pub fn render_all(&self, jobs: &[Job], sink: &dyn Sink) -> Result<Stats, Diagnostics> {
        let pages = PerLang { th: AtomicUsize::new(0), en: AtomicUsize::new(0) };
        let files = AtomicUsize::new(0);
        let bytes = AtomicU64::new(0);
        let failures: Vec<Diagnostic> = jobs
            .par_iter()
            .with_min_len(8)
            .filter_map(|&job| {
                let path = self.path_of(job);
                let result = self.render(job).and_then(|body| {
                    sink.put(&path, body)
                        .map_err(|e| Diagnostic::error(&path, format!("cannot write this output file: {e}")))
                });
                match result {
                    Ok(n) => {
                        bytes.fetch_add(n, Ordering::Relaxed);
                        match job_lang(job) {
                            Some(l) => pages.get(l).fetch_add(1, Ordering::Relaxed),
                            None => files.fetch_add(1, Ordering::Relaxed),
                        };
                        None
                    }
                    Err(d) => Some(d),
                }
            })
            .collect();
        if !failures.is_empty() {
            return Err(Diagnostics(failures));
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
        | Job::Extra(_)
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

fn inject_before_body_end(html: &mut Vec<u8>, script: &str) {
    let at = html.windows(7).rposition(|w| w == b"</body>").unwrap_or(html.len());
    html.splice(at..at, script.bytes());
}
