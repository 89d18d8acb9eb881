//! The preview's site in memory: the last good build's files, the loaded site behind them, and
//! the errors of the latest attempt. An edit to one pilot re-reads that pilot's folder and
//! re-renders only the pages that show it; anything else (config, issues, pages, templates,
//! files added or removed) rebuilds everything. The public/ folder is never touched.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::diagnostics::Diagnostics;
use crate::links::LinkIndex;
use crate::load::{RawContent, RawPilot, load_pilot};
use crate::model::{Date, Lang, Site};
use crate::render::{Body, Job, Renderer, Scope, Sink, View};
use crate::search::SearchIndex;
use crate::theme::Theme;
use crate::validate::{Settings, Validator};
use crate::{BuildError, load_unchecked};

/// Output files by site path (`en/pilots/x/index.html`), shared with the HTTP server.
pub type Files = Arc<RwLock<HashMap<String, Arc<Vec<u8>>>>>;

/// What a rebuild did.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Site paths whose bytes changed, appeared or disappeared.
    pub changed: Vec<String>,
    /// True when the whole site was rebuilt.
    pub full: bool,
    /// How long it took.
    pub elapsed: Duration,
}

struct Loaded {
    raw: RawContent,
    site: Site,
    theme: Theme,
    view: View,
    links: LinkIndex,
    search: SearchIndex,
}

/// The preview state.
pub struct Preview {
    root: PathBuf,
    drafts: bool,
    base_url: String,
    today: Date,
    script: String,
    loaded: Option<Loaded>,
    /// Pilots changed since the search index was last written.
    search_stale: BTreeSet<usize>,
    /// True when a pilot changed since the site-wide data files were last written.
    data_stale: bool,
    /// Errors of the latest attempt, by scope (`site` or `pilot:<slug>`); empty when all is well.
    errors: BTreeMap<String, Diagnostics>,
    /// The served files.
    pub files: Files,
}

impl Preview {
    /// Builds the site for preview at `base_url`, injecting `script` into every page.
    pub fn new(root: &Path, drafts: bool, base_url: &str, today: Date, script: String) -> Result<Preview, BuildError> {
        crate::check_root(root)?;
        crate::config::parse_base_url(base_url).map_err(BuildError::Usage)?;
        let mut p = Preview {
            root: root.to_path_buf(),
            drafts,
            base_url: base_url.to_string(),
            today,
            script,
            loaded: None,
            search_stale: BTreeSet::new(),
            data_stale: false,
            errors: BTreeMap::new(),
            files: Arc::default(),
        };
        p.rebuild_all();
        Ok(p)
    }

    /// The current errors, all scopes together; empty when the last attempts succeeded.
    pub fn errors(&self) -> Diagnostics {
        let mut all = Diagnostics::new();
        for ds in self.errors.values() {
            all.extend(ds.iter().filter(|d| d.is_error()).cloned());
        }
        all.sort();
        all
    }

    /// Re-reads and re-renders everything.
    pub fn rebuild_all(&mut self) -> Outcome {
        let started = Instant::now();
        let (site, theme, problems) =
            match load_unchecked(&self.root, self.drafts, Some(&self.base_url), Some(self.today)) {
                Ok(x) => x,
                Err(BuildError::Content(ds)) => {
                    self.errors = BTreeMap::from([("site".to_string(), ds)]);
                    return Outcome { elapsed: started.elapsed(), full: true, ..Outcome::default() };
                }
                Err(BuildError::Usage(msg)) => {
                    let d = crate::diagnostics::Diagnostic::error(crate::config::CONFIG_FILE, msg);
                    self.errors = BTreeMap::from([("site".to_string(), d.into())]);
                    return Outcome { elapsed: started.elapsed(), full: true, ..Outcome::default() };
                }
            };
        let Some(theme) = theme.filter(|_| !problems.has_errors()) else {
            self.errors = BTreeMap::from([("site".to_string(), problems)]);
            return Outcome { elapsed: started.elapsed(), full: true, ..Outcome::default() };
        };
        // Keep what was read so a later pilot edit needs to read only that pilot.
        let (mut raw, _) = crate::load::load_content(&self.root);
        if !self.drafts {
            raw.pilots.retain(|p| !p.record.as_ref().is_some_and(|r| r.draft));
        }
        let links = LinkIndex::new(&raw);
        let (view, search) = rayon::join(|| View::new(&site, &theme.labels), || SearchIndex::build(&site));
        let loaded = Loaded { raw, site, theme, view, links, search };
        let rendered = {
            let mut renderer =
                Renderer::new(&loaded.site, &loaded.theme, &loaded.view, &self.root, Some(self.script.clone()));
            renderer.add_sitemap();
            renderer.add_files(loaded.search.files(&loaded.site));
            render_jobs(&renderer, &renderer.jobs())
        };
        match rendered {
            Ok(files) => {
                self.errors.clear();
                self.search_stale.clear();
                self.data_stale = false;
                let changed = self.replace_all(files);
                self.loaded = Some(loaded);
                Outcome { changed, full: true, elapsed: started.elapsed() }
            }
            Err(ds) => {
                self.errors = BTreeMap::from([("site".to_string(), ds)]);
                Outcome { elapsed: started.elapsed(), full: true, ..Outcome::default() }
            }
        }
    }

    /// Re-reads one pilot folder and re-renders the pages that show it. Falls back to a full
    /// rebuild when files were added or removed, or the pilot appeared, vanished or changed
    /// draft state.
    pub fn rebuild_pilot(&mut self, slug: &str) -> Outcome {
        let started = Instant::now();
        let Some(loaded) = self.loaded.as_mut() else { return self.rebuild_all() };
        let (raw, load_problems) = load_pilot(&self.root, slug);
        let Some(raw) = raw else { return self.rebuild_all() };
        let Some(i) = loaded.site.pilots.iter().position(|p| p.slug == slug) else { return self.rebuild_all() };
        let Some(ri) = loaded.raw.pilots.iter().position(|p| p.slug == slug) else { return self.rebuild_all() };
        if !same_files(&loaded.raw.pilots[ri], &raw)
            || raw.record.as_ref().is_none_or(|r| r.draft != loaded.site.pilots[i].draft)
        {
            return self.rebuild_all();
        }
        // A replaced photo has a new hash, so its pages point at new files.
        loaded.links.set_photos(&raw);
        let settings = Settings { include_drafts: self.drafts, today: self.today };
        let validator =
            Validator { config: &loaded.site.config, issues: &loaded.site.issues, links: &loaded.links, settings };
        let (pilot, mut problems) = validator.pilot(&raw);
        problems.extend(load_problems.0);
        let scope = format!("pilot:{slug}");
        let Some(pilot) = pilot.filter(|_| !problems.has_errors()) else {
            problems.sort();
            self.errors.insert(scope, problems);
            return Outcome { elapsed: started.elapsed(), ..Outcome::default() };
        };
        self.errors.remove(&scope);
        let per = loaded.site.config.pilots_per_page;
        let pages_of = |n: usize| n.div_ceil(per).max(1);
        let old = std::mem::replace(&mut loaded.site.pilots[i], pilot);
        loaded.raw.pilots[ri] = raw;
        // List page counts before the change, so pages that disappear can be removed.
        let old_province_pages: Vec<(usize, usize)> =
            old.provinces.iter().map(|&pr| (pr, pages_of(loaded.view.by_province[pr].len()))).collect();
        let old_issue_pages: Vec<(usize, usize)> =
            old.issues.iter().map(|&k| (k, pages_of(loaded.view.by_issue[k].len()))).collect();
        let card_changed = loaded.view.refresh_card(&loaded.site, &loaded.theme.labels, i);
        let new = &loaded.site.pilots[i];
        let lists_changed = card_changed || old.provinces != new.provinces || old.issues != new.issues;
        let updates_changed = old.title != new.title
            || old
                .updates
                .iter()
                .zip(&new.updates)
                .any(|(a, b)| (a.date, &a.title, &a.summary) != (b.date, &b.title, &b.summary));
        let (old_order, old_updates) = (loaded.view.order.clone(), loaded.view.updates.clone());
        if lists_changed || updates_changed {
            loaded.view.index(&loaded.site);
        }
        // The search index and the site-wide data files follow in `refresh_deferred`.
        self.search_stale.insert(i);
        let view = &loaded.view;
        let mut jobs = own_jobs(loaded, i);
        let mut removed_jobs = Vec::new();
        // Whether pages appeared or disappeared, which changes the sitemap.
        let mut pages_added_or_removed = false;
        if lists_changed || updates_changed {
            self.data_stale = true;
            for lang in Lang::ALL {
                jobs.extend([Job::Home(lang), Job::Feed(lang, Scope::All)]);
                jobs.extend(old.provinces.iter().chain(&new.provinces).map(|&pr| Job::Feed(lang, Scope::Province(pr))));
                jobs.extend(old.issues.iter().chain(&new.issues).map(|&k| Job::Feed(lang, Scope::Issue(k))));
            }
        }
        if updates_changed {
            // The updates list shows pilot and update titles: only its pages holding this
            // pilot's updates change, unless the order of updates changed.
            let per_updates = loaded.site.config.updates_per_page;
            let pages: BTreeSet<usize> = if old_updates == view.updates {
                view.updates
                    .iter()
                    .enumerate()
                    .filter(|(_, u)| u.0 == i)
                    .map(|(pos, _)| pos / per_updates + 1)
                    .collect()
            } else {
                (1..=view.updates.len().div_ceil(per_updates).max(1)).collect()
            };
            for lang in Lang::ALL {
                jobs.extend(pages.iter().map(|&n| Job::Updates(lang, n)));
            }
        }
        if lists_changed {
            let mut provinces: BTreeMap<usize, usize> = BTreeMap::new();
            for &(pr, before) in &old_province_pages {
                provinces.insert(pr, before);
            }
            // A province or issue this pilot joined had one pilot fewer before.
            let before_joining = |len: usize| if len <= 1 { 0 } else { pages_of(len - 1) };
            for &pr in &new.provinces {
                provinces.entry(pr).or_insert_with(|| before_joining(view.by_province[pr].len()));
            }
            let mut issues: BTreeMap<usize, usize> = old_issue_pages.iter().copied().collect();
            for &k in &new.issues {
                issues.entry(k).or_insert_with(|| pages_of(view.by_issue[k].len().saturating_sub(1)));
            }
            // The list of all pilots: only the page holding this pilot, unless the order changed.
            let pilot_pages: Vec<usize> = if old_order == view.order {
                view.order.iter().position(|&p| p == i).map(|pos| pos / per + 1).into_iter().collect()
            } else {
                (1..=pages_of(view.order.len())).collect()
            };
            for lang in Lang::ALL {
                jobs.extend([Job::Provinces(lang), Job::Issues(lang)]);
                jobs.extend(pilot_pages.iter().map(|&n| Job::Pilots(lang, n)));
                for (&pr, &before) in &provinces {
                    let now = if view.by_province[pr].is_empty() { 0 } else { pages_of(view.by_province[pr].len()) };
                    pages_added_or_removed |= now != before;
                    jobs.extend((1..=now).map(|n| Job::Province(lang, pr, n)));
                    removed_jobs.extend((now + 1..=before).map(|n| Job::Province(lang, pr, n)));
                }
                for (&k, &before) in &issues {
                    let now = pages_of(view.by_issue[k].len());
                    pages_added_or_removed |= now != before;
                    jobs.extend((1..=now).map(|n| Job::Issue(lang, k, n)));
                    removed_jobs.extend((now + 1..=before).map(|n| Job::Issue(lang, k, n)));
                }
            }
        }
        let mut renderer =
            Renderer::new(&loaded.site, &loaded.theme, &loaded.view, &self.root, Some(self.script.clone()));
        if pages_added_or_removed {
            renderer.add_sitemap();
            jobs.extend((0..renderer.extras().len()).map(Job::Extra));
        }
        // A province left with no pilot loses its page and feed; shorter lists lose pages.
        let (to_render, mut removed): (Vec<Job>, Vec<Job>) = jobs.into_iter().partition(|&j| match j {
            Job::Feed(_, Scope::Province(pr)) => !loaded.view.by_province[pr].is_empty(),
            _ => true,
        });
        removed.extend(removed_jobs.iter().copied().filter(|j| !to_render.contains(j)));
        let removed: Vec<String> = removed.into_iter().map(|j| renderer.path_of(j)).collect();
        match render_jobs(&renderer, &to_render) {
            Ok(files) => {
                let changed = self.merge(files, &removed);
                Outcome { changed, full: false, elapsed: started.elapsed() }
            }
            Err(ds) => {
                self.errors.insert("site".into(), ds);
                Outcome { elapsed: started.elapsed(), ..Outcome::default() }
            }
        }
    }

    /// Brings the search index and the site-wide data files (`data/pilots.json`, the CSV
    /// files) up to date after pilot edits. The server calls this after it has told tabs to
    /// reload: these files cover every pilot, take longer than re-rendering one, and no page
    /// being previewed shows them.
    pub fn refresh_deferred(&mut self) -> Outcome {
        let started = Instant::now();
        let Some(loaded) = self.loaded.as_mut() else { return Outcome::default() };
        let mut files = Vec::new();
        let mut removed = Vec::new();
        if self.data_stale {
            let (site, labels) = (&loaded.site, &loaded.theme.labels);
            let data: Vec<(String, Vec<u8>)> = crate::opendata::FILES
                .par_iter()
                .map(|&path| (path.to_string(), crate::opendata::render_file(site, labels, path)))
                .collect();
            files.extend(data);
        }
        if !self.search_stale.is_empty() {
            let pilots: Vec<usize> = self.search_stale.iter().copied().collect();
            loaded.search.replace_pilots(&loaded.site, &pilots);
            let search = loaded.search.files(&loaded.site);
            let keep: std::collections::HashSet<&str> = search.iter().map(|(p, _)| p.as_str()).collect();
            let map = self.files.read().expect("files lock");
            let bases = Lang::ALL.map(SearchIndex::base);
            removed = map
                .keys()
                .filter(|k| bases.iter().any(|b| k.starts_with(b.as_str())) && !keep.contains(k.as_str()))
                .cloned()
                .collect();
            drop(keep);
            drop(map);
            files.extend(search);
        }
        self.search_stale.clear();
        self.data_stale = false;
        let changed = self.merge(files, &removed);
        Outcome { changed, full: false, elapsed: started.elapsed() }
    }

    fn replace_all(&mut self, files: Vec<(String, Vec<u8>)>) -> Vec<String> {
        let mut map = self.files.write().expect("files lock");
        let mut new: HashMap<String, Arc<Vec<u8>>> = HashMap::with_capacity(files.len());
        let mut changed = Vec::new();
        for (path, bytes) in files {
            if map.get(&path).is_none_or(|old| **old != bytes) {
                changed.push(path.clone());
            }
            new.insert(path, Arc::new(bytes));
        }
        changed.extend(map.keys().filter(|k| !new.contains_key(*k)).cloned());
        *map = new;
        changed.sort();
        changed
    }

    fn merge(&mut self, files: Vec<(String, Vec<u8>)>, removed: &[String]) -> Vec<String> {
        let mut map = self.files.write().expect("files lock");
        let mut changed = Vec::new();
        for (path, bytes) in files {
            if map.get(&path).is_none_or(|old| **old != bytes) {
                changed.push(path.clone());
                map.insert(path, Arc::new(bytes));
            }
        }
        for path in removed {
            if map.remove(path).is_some() {
                changed.push(path.clone());
            }
        }
        changed.sort();
        changed
    }
}

/// The pilot's own pages and files.
fn own_jobs(loaded: &Loaded, i: usize) -> BTreeSet<Job> {
    let p = &loaded.site.pilots[i];
    let mut jobs = BTreeSet::new();
    for lang in Lang::ALL {
        jobs.insert(Job::Pilot(lang, i));
        jobs.extend((0..p.updates.len()).map(|u| Job::Update(lang, i, u)));
    }
    jobs.extend(crate::render::file_jobs(&loaded.site, i));
    if !p.draft {
        jobs.insert(Job::PilotData(i));
        if loaded.site.config.social_cards {
            jobs.extend(Lang::ALL.map(|lang| Job::Card(lang, i)));
        }
    }
    jobs
}

/// True when two reads of a pilot folder have the same files (so indexes stay valid).
fn same_files(a: &RawPilot, b: &RawPilot) -> bool {
    let docs = |p: &RawPilot| {
        let mut v: Vec<PathBuf> = p.narratives.iter().map(|d| d.source.path.clone()).collect();
        v.extend(p.updates.iter().flat_map(|u| u.docs.iter().map(|d| d.source.path.clone())));
        v.sort();
        v
    };
    a.assets == b.assets && docs(a) == docs(b)
}

/// Renders jobs in parallel into memory.
fn render_jobs(renderer: &Renderer, jobs: &[Job]) -> Result<Vec<(String, Vec<u8>)>, Diagnostics> {
    let sink = MemorySink::default();
    renderer.render_all(jobs, &sink)?;
    Ok(sink.files.into_inner().expect("sink lock"))
}

/// Collects rendered files in memory.
#[derive(Default)]
pub struct MemorySink {
    files: Mutex<Vec<(String, Vec<u8>)>>,
}

impl Sink for MemorySink {
    fn put(&self, path: &str, body: Body) -> std::io::Result<u64> {
        let bytes = match body {
            Body::Bytes(b) => b,
            Body::Builtin(b) => b.to_vec(),
            Body::File(p) => std::fs::read(p)?,
        };
        let n = bytes.len() as u64;
        self.files.lock().expect("sink lock").push((path.to_string(), bytes));
        Ok(n)
    }
}
