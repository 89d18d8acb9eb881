//! The preview's site in memory: the last good build's files, the loaded site behind them, and
//! the errors of the latest attempt. A full rebuild runs the site through [`emit::site`] like
//! `build` does, into memory; an edit to one pilot re-reads only that pilot's folder and
//! renders what the [`plan`](super::plan) says. The public/ folder is never touched. Files are
//! kept as [`Stored`]: pages and other text compressed, files already on disk as their paths.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use super::plan::{self, Change, Plan, SiteWide};
pub use super::stored::Stored;
use super::watch::Rebuild;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::emit::{self, Prepared};
use crate::load::{RawPilot, load_pilot};
use crate::model::{Date, Lang, Site};
use crate::output::{Body, MemorySink, OutputError, Sink};
use crate::render::{Job, Layout, RenderError, Renderer};
use crate::search::SearchIndex;
use crate::theme::Theme;
use crate::validate::{Inputs, Settings, Validator};
use crate::{BuildError, Unchecked, load_unchecked};

/// The scope of errors found by a rebuild of the whole site, or site-wide files.
const SITE: &str = "site";

/// Output files by site path (`en/pilots/x/index.html`), shared with the HTTP server.
pub type Files = Arc<RwLock<HashMap<String, Stored>>>;

/// What a rebuild did.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Site paths whose bytes changed, appeared or disappeared.
    pub changed: Vec<String>,
    /// True when the whole site was rebuilt.
    pub full: bool,
    /// How long it took.
    pub elapsed: Duration,
    /// What was planned (empty when the edit had errors).
    pub plan: Plan,
}

struct Loaded {
    inputs: Inputs,
    site: Site,
    theme: Theme,
    prepared: Prepared,
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
    /// Site-wide jobs (the data files) not rendered since a pilot changed.
    jobs_stale: BTreeSet<Job>,
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
            jobs_stale: BTreeSet::new(),
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

    /// Does the rebuild a batch of changes asks for.
    pub fn rebuild(&mut self, rebuild: &Rebuild) -> Outcome {
        match rebuild {
            Rebuild::Nothing => Outcome::default(),
            Rebuild::Everything => self.rebuild_all(),
            Rebuild::Pilots(slugs) => {
                let mut all = Outcome::default();
                for slug in slugs {
                    let o = self.rebuild_pilot(slug);
                    all.changed.extend(o.changed);
                    all.elapsed += o.elapsed;
                    all.full |= o.full;
                    all.plan.render.extend(o.plan.render);
                    all.plan.remove.extend(o.plan.remove);
                    all.plan.stale.extend(o.plan.stale);
                    all.plan.full |= o.plan.full;
                }
                all.changed.sort();
                all.changed.dedup();
                all
            }
        }
    }

    /// Re-reads and re-renders everything.
    pub fn rebuild_all(&mut self) -> Outcome {
        let started = Instant::now();
        let failed = |this: &mut Self, ds: Diagnostics| {
            this.errors = BTreeMap::from([(SITE.to_string(), ds)]);
            Outcome { elapsed: started.elapsed(), full: true, ..Outcome::default() }
        };
        let Unchecked { site, theme, problems, inputs } =
            match load_unchecked(&self.root, self.drafts, Some(&self.base_url), Some(self.today)) {
                Ok(x) => x,
                Err(BuildError::Content(ds)) => return failed(self, ds),
                Err(e) => return failed(self, Diagnostic::error(crate::config::CONFIG_FILE, e.to_string()).into()),
            };
        let Some(theme) = theme.filter(|_| !problems.has_errors()) else { return failed(self, problems) };
        let prepared = Prepared::new(&site, &theme);
        let sink = PreviewSink::new(&self.script);
        if let Err(e) = emit::site(&site, &theme, &prepared, &self.root, &sink) {
            return failed(self, render_problems(e));
        }
        let loaded = Loaded { inputs, site, theme, prepared };
        let plan = {
            let after = layout(&loaded, None);
            match &self.loaded {
                Some(old) => plan::plan(layout(old, None), after, Change::Site),
                None => plan::plan(after, after, Change::Site),
            }
        };
        self.errors.clear();
        self.search_stale.clear();
        self.jobs_stale.clear();
        let changed = self.replace_all(sink.into_files());
        self.loaded = Some(loaded);
        Outcome { changed, full: true, elapsed: started.elapsed(), plan }
    }

    /// Re-reads one pilot folder and re-renders what the planner says. Falls back to a full
    /// rebuild when files were added or removed, or the pilot appeared, vanished or changed
    /// draft state.
    ///
    /// While errors found by a rebuild of the whole site are shown, it rebuilds the whole site
    /// too: a pilot rebuild re-checks only its pilot, so it could never clear them, and the
    /// preview would stay stuck on an error already fixed (a missing quote in pilot.toml falls
    /// back to a full rebuild, and its fix is a plain pilot edit).
    pub fn rebuild_pilot(&mut self, slug: &str) -> Outcome {
        if self.errors.contains_key(SITE) {
            return self.rebuild_all();
        }
        let started = Instant::now();
        let Some(loaded) = self.loaded.as_mut() else { return self.rebuild_all() };
        let (raw, load_problems) = load_pilot(&self.root, slug);
        let Some(raw) = raw else { return self.rebuild_all() };
        let Some(i) = loaded.site.pilots.iter().position(|p| p.slug == slug) else { return self.rebuild_all() };
        let raws = &mut loaded.inputs.content.pilots;
        let Some(ri) = raws.iter().position(|p| p.slug == slug) else { return self.rebuild_all() };
        if !same_files(&raws[ri], &raw) || raw.record.as_ref().is_none_or(|r| r.draft != loaded.site.pilots[i].draft) {
            return self.rebuild_all();
        }
        // A replaced photo has a new hash, so its pages point at new files.
        loaded.inputs.links.set_photos(&raw);
        let settings = Settings { include_drafts: self.drafts, today: self.today };
        let validator = Validator {
            config: &loaded.site.config,
            issues: &loaded.site.issues,
            links: &loaded.inputs.links,
            settings,
        };
        let (pilot, mut problems) = validator.pilot(&raw);
        problems.extend(load_problems.0);
        let scope = format!("pilot:{slug}");
        let Some(pilot) = pilot.filter(|_| !problems.has_errors()) else {
            problems.sort();
            self.errors.insert(scope, problems);
            return Outcome { elapsed: started.elapsed(), ..Outcome::default() };
        };
        self.errors.remove(&scope);
        let old = std::mem::replace(&mut loaded.site.pilots[i], pilot);
        raws[ri] = raw;
        let before = loaded.prepared.view.indexes.clone();
        let card_changed = loaded.prepared.view.refresh_card(&loaded.site, &loaded.theme.labels, i);
        loaded.prepared.view.index(&loaded.site);
        let loaded = &*loaded;
        let plan = plan::plan(
            layout(loaded, Some(&before)),
            layout(loaded, None),
            Change::Pilot { index: i, before: &old, card_changed },
        );
        let sink = PreviewSink::new(&self.script);
        let renderer = renderer(loaded, &self.root, &sink);
        let rendered = renderer.render_all(&plan.render, &sink).map(|_| ()).and_then(|()| {
            if plan.stale.contains(&SiteWide::Sitemap) {
                emit::sitemap(&renderer, &renderer.jobs(), &sink)?;
            }
            Ok(())
        });
        if let Err(e) = rendered {
            self.errors.insert(SITE.into(), render_problems(e));
            return Outcome { elapsed: started.elapsed(), plan, ..Outcome::default() };
        }
        // The search index and the site-wide data files follow in `refresh_deferred`. Every
        // pilot's facts (indicators, sources) are in the data files, so the plan marks them
        // stale on any edit of one, not only edits that change lists.
        self.search_stale.insert(i);
        self.jobs_stale.extend(plan.stale.iter().filter_map(|s| match s {
            SiteWide::Job(j) => Some(*j),
            _ => None,
        }));
        let changed = self.merge(sink.into_files(), &plan.remove);
        Outcome { changed, full: false, elapsed: started.elapsed(), plan }
    }

    /// Brings the search index and the site-wide data files (`data/pilots.json`, the CSV
    /// files) up to date after pilot edits. The server calls this after it has told tabs to
    /// reload: these files cover every pilot, take longer than re-rendering one, and no page
    /// being previewed shows them.
    pub fn refresh_deferred(&mut self) -> Outcome {
        let started = Instant::now();
        let Some(loaded) = self.loaded.as_mut() else { return Outcome::default() };
        let sink = PreviewSink::new(&self.script);
        let mut removed = Vec::new();
        if !self.search_stale.is_empty() {
            let pilots: Vec<usize> = self.search_stale.iter().copied().collect();
            loaded.prepared.search.replace_pilots(&loaded.site, &pilots);
        }
        let loaded = &*loaded;
        let jobs: Vec<Job> = self.jobs_stale.iter().copied().collect();
        let mut result = renderer(loaded, &self.root, &sink).render_all(&jobs, &sink).map(|_| ());
        if result.is_ok() && !self.search_stale.is_empty() {
            let search = MemorySink::default();
            result = loaded.prepared.search.write(&loaded.site, &search).map_err(RenderError::from);
            let search = search.into_files();
            let keep: HashSet<&str> = search.iter().map(|(p, _)| p.as_str()).collect();
            let bases = Lang::ALL.map(SearchIndex::base);
            let map = self.files.read().expect("files lock");
            removed = map
                .keys()
                .filter(|k| bases.iter().any(|b| k.starts_with(b.as_str())) && !keep.contains(k.as_str()))
                .cloned()
                .collect();
            drop(map);
            for (path, bytes) in search {
                result = result.and(sink.put(&path, Body::Bytes(bytes)).map(|_| ()).map_err(RenderError::from));
            }
        }
        if let Err(e) = result {
            self.errors.insert(SITE.into(), render_problems(e));
            return Outcome { elapsed: started.elapsed(), ..Outcome::default() };
        }
        self.search_stale.clear();
        self.jobs_stale.clear();
        let changed = self.merge(sink.into_files(), &removed);
        Outcome { changed, full: false, elapsed: started.elapsed(), ..Outcome::default() }
    }

    fn replace_all(&mut self, files: Vec<(String, Stored)>) -> Vec<String> {
        let mut map = self.files.write().expect("files lock");
        let mut new: HashMap<String, Stored> = HashMap::with_capacity(files.len());
        let mut changed = Vec::new();
        for (path, stored) in files {
            if map.get(&path).is_none_or(|old| *old != stored) {
                changed.push(path.clone());
            }
            new.insert(path, stored);
        }
        changed.extend(map.keys().filter(|k| !new.contains_key(*k)).cloned());
        *map = new;
        changed.sort();
        changed
    }

    fn merge(&mut self, files: Vec<(String, Stored)>, removed: &[String]) -> Vec<String> {
        let mut map = self.files.write().expect("files lock");
        let mut changed = Vec::new();
        for (path, stored) in files {
            if map.get(&path).is_none_or(|old| *old != stored) {
                changed.push(path.clone());
                map.insert(path, stored);
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

/// The layout of a loaded site, with other indexes when given (the site before an edit).
fn layout<'a>(loaded: &'a Loaded, indexes: Option<&'a crate::indexes::Indexes>) -> Layout<'a> {
    Layout { site: &loaded.site, indexes: indexes.unwrap_or(&loaded.prepared.view.indexes), theme: &loaded.theme }
}

/// A renderer of the loaded site for files going into `sink`.
fn renderer<'a>(loaded: &'a Loaded, root: &'a Path, sink: &dyn Sink) -> Renderer<'a> {
    Renderer::new(&loaded.site, &loaded.theme, &loaded.prepared.view, root, emit::card_cache(root, sink))
}

/// Problems of a render as diagnostics: an output failure becomes one.
fn render_problems(e: RenderError) -> Diagnostics {
    match e {
        RenderError::Content(ds) => ds,
        RenderError::Output(e) => {
            Diagnostic::error(output_path(&e.first), e.to_string()).with_kind(crate::diagnostics::Kind::Output).into()
        }
    }
}

fn output_path(e: &OutputError) -> PathBuf {
    match e {
        OutputError::Io { path, .. } => path.clone(),
        OutputError::NotOurs(p) | OutputError::SourceFolder(p) | OutputError::Busy(p) => p.clone(),
    }
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

/// The preview's sink: keeps files as [`Stored`] and adds the live-reload script to every page.
pub struct PreviewSink {
    files: Mutex<Vec<(String, Stored)>>,
    script: String,
}

impl PreviewSink {
    /// Keeps files, injecting `script` before `</body>` of HTML pages.
    pub fn new(script: &str) -> Self {
        PreviewSink { files: Mutex::default(), script: script.to_string() }
    }

    /// The files put so far, sorted by path.
    pub fn into_files(self) -> Vec<(String, Stored)> {
        let mut files = self.files.into_inner().expect("sink lock");
        files.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        files
    }
}

impl Sink for PreviewSink {
    fn put(&self, path: &str, body: Body) -> Result<u64, OutputError> {
        if !crate::output::sink::is_safe(path) {
            // The same refusal as every other sink's.
            return crate::output::NullSink.put(path, body);
        }
        let body = match body {
            Body::Bytes(mut html) if path.ends_with(".html") => {
                let at = html.windows(7).rposition(|w| w == b"</body>").unwrap_or(html.len());
                html.splice(at..at, self.script.bytes());
                Body::Bytes(html)
            }
            other => other,
        };
        let stored = Stored::keep(path, body)?;
        let n = match &stored {
            Stored::Bytes(b) => b.len() as u64,
            Stored::Packed { len, .. } => *len as u64,
            Stored::Builtin(b) => b.len() as u64,
            Stored::File { len, .. } => *len,
        };
        self.files.lock().expect("sink lock").push((path.to_string(), stored));
        Ok(n)
    }
}
