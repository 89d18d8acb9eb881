//! The published files of photos, made once and kept. Every variant of a photo is made in one
//! pass (one decode) and written to the site's cache folder under the photo's key, a hash of its
//! bytes and of the processing settings: an unchanged photo is never read or decoded again, by
//! a build or by the preview. Within one build, the first job that needs a photo makes all its
//! variants and the others wait for it.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use super::{Photo, Variant};

/// How many photos were made and how many came from the cache.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    /// Photos decoded and encoded.
    pub processed: usize,
    /// Photos whose files were all in the cache (not decoded).
    pub cached: usize,
}

/// Where one variant's bytes are.
#[derive(Debug, Clone)]
pub enum Stored {
    /// A file in the cache folder.
    File(PathBuf),
    /// In memory (when the cache folder cannot be written).
    Bytes(Arc<Vec<u8>>),
}

type Slot = Arc<OnceLock<Result<Arc<Vec<(Variant, Stored)>>, String>>>;

/// Makes and keeps photos' variants.
#[derive(Debug)]
pub struct Store {
    root: PathBuf,
    dir: PathBuf,
    publish_original: bool,
    slots: Mutex<HashMap<String, Slot>>,
    processed: AtomicUsize,
    cached: AtomicUsize,
}

impl Store {
    /// A store for the site at `root`, keeping files in `root/.namrong-cache/images`.
    pub fn new(root: &Path, publish_original: bool) -> Self {
        Store {
            root: root.to_path_buf(),
            dir: root.join(".namrong-cache/images"),
            publish_original,
            slots: Mutex::default(),
            processed: AtomicUsize::new(0),
            cached: AtomicUsize::new(0),
        }
    }

    /// What this store did so far.
    pub fn counts(&self) -> Counts {
        Counts { processed: self.processed.load(Ordering::Relaxed), cached: self.cached.load(Ordering::Relaxed) }
    }

    /// One variant of `photo`, made (with all its other variants) if it is not cached yet.
    /// The error says why the photo could not be processed, for a diagnostic naming the file.
    pub fn get(&self, photo: &Photo, variant: Variant) -> Result<Stored, String> {
        let slot = self.slots.lock().expect("image slots lock").entry(photo.key.clone()).or_default().clone();
        let done = slot.get_or_init(|| self.make(photo).map(Arc::new));
        let files = done.as_ref().map_err(Clone::clone)?;
        files
            .iter()
            .find(|(v, _)| *v == variant)
            .map(|(_, s)| s.clone())
            .ok_or_else(|| format!("no {variant:?} variant"))
    }

    /// The cache file of one variant.
    fn file(&self, photo: &Photo, variant: Variant) -> PathBuf {
        let name = match variant {
            Variant::Webp(i) => format!("{}w.webp", photo.widths[i as usize]),
            Variant::Fallback(i) => format!("{}w.fallback", photo.widths[i as usize]),
            Variant::Original => "original".to_string(),
        };
        self.dir.join(&photo.key).join(name)
    }

    fn make(&self, photo: &Photo) -> Result<Vec<(Variant, Stored)>, String> {
        let wanted = photo.variants(self.publish_original);
        let files: Vec<PathBuf> = wanted.iter().map(|&v| self.file(photo, v)).collect();
        if files.iter().all(|f| f.is_file()) {
            self.cached.fetch_add(1, Ordering::Relaxed);
            return Ok(wanted.into_iter().zip(files.into_iter().map(Stored::File)).collect());
        }
        let source = Path::new(crate::source::CONTENT_DIR).join(&photo.source);
        let bytes = crate::nofollow::read(&self.root, &source).map_err(|d| d.message)?;
        let encoded = super::process::process(photo, &bytes, &wanted)?;
        self.processed.fetch_add(1, Ordering::Relaxed);
        Ok(wanted
            .into_iter()
            .zip(files)
            .zip(encoded)
            .map(|((v, file), bytes)| match write_beside(&file, &bytes) {
                Ok(()) => (v, Stored::File(file)),
                Err(_) => (v, Stored::Bytes(Arc::new(bytes))),
            })
            .collect())
    }
}

/// Writes `file` through a temporary file beside it, so a half-written file is never read back.
fn write_beside(file: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let name = file.file_name().map_or("file".into(), |n| n.to_string_lossy().into_owned());
    let tmp = file.with_file_name(format!("{name}.tmp{}", std::process::id()));
    let result = std::fs::create_dir_all(file.parent().expect("cache files are in a folder"))
        .and_then(|_| std::fs::write(&tmp, bytes))
        .and_then(|_| std::fs::rename(&tmp, file));
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}
