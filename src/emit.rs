//! Running a whole site through a sink: the one function that `build`, `check` and `serve`
//! share. It renders every job of the [`Layout`](crate::render::Layout), writes the search
//! index and the sitemap beside them, and counts what was stored. Where the files go is the
//! sink's business alone: disk for `build`, memory for `serve`, nowhere for `check`.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use crate::cards;
use crate::model::Site;
use crate::output::{Body, OutputError, Sink};
use crate::render::{Job, RenderError, Renderer, Stats, View};
use crate::search::SearchIndex;
use crate::theme::Theme;

/// The folder, under the site root, of rendered social cards kept between builds.
pub const CARD_CACHE: &str = ".namrong-cache/cards";

/// What is computed once from a loaded site before anything is rendered.
#[derive(Debug)]
pub struct Prepared {
    /// Template values and indexes shared by pages.
    pub view: View,
    /// The search index.
    pub search: SearchIndex,
}

impl Prepared {
    /// Computes the view and the search index of `site`, in parallel.
    pub fn new(site: &Site, theme: &Theme) -> Self {
        let (view, search) = rayon::join(|| View::new(site, &theme.labels), || SearchIndex::build(site));
        Prepared { view, search }
    }
}

/// The card cache a build through `sink` may use: read and written under `root`, or only read
/// when the sink keeps nothing. A cache folder that is a symbolic link is not used: it could
/// lead anywhere.
pub fn card_cache(root: &Path, sink: &dyn Sink) -> cards::Cache {
    if crate::nofollow::first_link(root, Path::new(CARD_CACHE)).is_some() {
        return cards::Cache::new(None);
    }
    let dir: PathBuf = root.join(CARD_CACHE);
    if sink.keeps() { cards::Cache::new(Some(&dir)) } else { cards::Cache::read_only(&dir) }
}

/// Renders every file of `site` into `sink`: all jobs, the search index, the sitemap. Nothing
/// is rendered when a content asset would replace a generated file (each such asset is an
/// error).
pub fn site(
    site: &Site,
    theme: &Theme,
    prepared: &Prepared,
    root: &Path,
    sink: &dyn Sink,
) -> Result<Stats, RenderError> {
    let renderer = Renderer::new(site, theme, &prepared.view, root, card_cache(root, sink));
    let jobs = renderer.jobs();
    let collisions = renderer.asset_collisions(&jobs);
    if !collisions.is_empty() {
        return Err(RenderError::Content(collisions));
    }
    let counted = Counted::new(sink);
    let (rendered, rest) = rayon::join(
        || renderer.render_all(&jobs, sink),
        || {
            let (search, map) =
                rayon::join(|| prepared.search.write(site, &counted), || sitemap(&renderer, &jobs, &counted));
            search.and(map)
        },
    );
    let mut stats = rendered?;
    rest?;
    stats.files += counted.files.into_inner();
    stats.bytes += counted.bytes.into_inner();
    Ok(stats)
}

/// Writes the sitemap files and robots.txt of the pages among `jobs` (every job of the site).
pub fn sitemap(renderer: &Renderer, jobs: &[Job], sink: &dyn Sink) -> Result<(), OutputError> {
    for (path, bytes) in renderer.sitemap_files(jobs) {
        sink.put(&path, Body::Bytes(bytes))?;
    }
    Ok(())
}

/// Passes files on to a sink and counts them.
struct Counted<'a> {
    sink: &'a dyn Sink,
    files: AtomicUsize,
    bytes: AtomicU64,
}

impl<'a> Counted<'a> {
    fn new(sink: &'a dyn Sink) -> Self {
        Counted { sink, files: AtomicUsize::new(0), bytes: AtomicU64::new(0) }
    }
}

impl Sink for Counted<'_> {
    fn put(&self, path: &str, body: Body) -> Result<u64, OutputError> {
        let n = self.sink.put(path, body)?;
        self.files.fetch_add(1, Ordering::Relaxed);
        self.bytes.fetch_add(n, Ordering::Relaxed);
        Ok(n)
    }

    fn keeps(&self) -> bool {
        self.sink.keeps()
    }
}
