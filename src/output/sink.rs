//! The one way out for every built file. Whatever a build makes (pages, feeds, open data,
//! search shards, sitemaps, social cards, copied assets) leaves through a [`Sink`], and only the
//! sink decides where it goes: [`DirSink`] writes under a folder (`build`), [`MemorySink`] keeps
//! files in memory (`serve`), [`NullSink`] keeps nothing (`check`).

use std::fs;
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

use thiserror::Error;

use super::{OutputError, io_err};

/// The bytes of one output file, or where to copy them from.
#[derive(Debug)]
pub enum Body {
    /// Made in memory.
    Bytes(Vec<u8>),
    /// Compiled into namrong.
    Builtin(&'static [u8]),
    /// A file to copy.
    File(PathBuf),
}

/// Where built files go. Implementations must accept calls from many threads at once.
pub trait Sink: Sync {
    /// Stores one file at a site path such as `en/pilots/x/index.html`; returns its size.
    fn put(&self, path: &str, body: Body) -> Result<u64, OutputError>;

    /// False for a sink that keeps nothing ([`NullSink`]): a build through it leaves no trace,
    /// not even in a cache.
    fn keeps(&self) -> bool {
        true
    }
}

/// Files a sink could not store: the first by path, and how many more failed for the same
/// reason (a full disk fails every file, and one message says so).
#[derive(Debug, Error)]
#[error("{first}{}", more_text(*more))]
pub struct WriteError {
    /// The first failure, by path.
    pub first: OutputError,
    /// How many more files failed for the same reason.
    pub more: usize,
}

fn more_text(more: usize) -> String {
    match more {
        0 => String::new(),
        1 => ", and 1 more file could not be written for the same reason".into(),
        n => format!(", and {n} more files could not be written for the same reason"),
    }
}

impl From<OutputError> for WriteError {
    fn from(first: OutputError) -> Self {
        WriteError { first, more: 0 }
    }
}

impl WriteError {
    /// One error for many failures: the first by path, counting the others with its reason.
    /// `None` when there were none.
    pub fn collapse(mut failures: Vec<OutputError>) -> Option<WriteError> {
        let key = |e: &OutputError| match e {
            OutputError::Io { path, .. } => path.clone(),
            _ => PathBuf::new(),
        };
        failures.sort_by_key(key);
        let mut failures = failures.into_iter();
        let first = failures.next()?;
        let reason = |e: &OutputError| match e {
            OutputError::Io { action, source, .. } => format!("{action}: {source}"),
            other => other.to_string(),
        };
        let why = reason(&first);
        let more = failures.filter(|e| reason(e) == why).count();
        Some(WriteError { first, more })
    }
}

/// True for a site path that stays inside the output folder (`a/b.html`, not `../x` or `/x`).
pub fn is_safe(path: &str) -> bool {
    !path.is_empty() && Path::new(path).components().all(|c| matches!(c, Component::Normal(_)))
}

fn unsafe_path(path: &str) -> OutputError {
    OutputError::Io {
        action: "refusing to write",
        path: PathBuf::from(path),
        source: std::io::Error::new(std::io::ErrorKind::InvalidInput, "the path leaves the output folder"),
    }
}

/// Writes files under a folder.
#[derive(Debug)]
pub struct DirSink {
    dir: PathBuf,
}

impl DirSink {
    /// Writes under `dir`.
    pub fn new(dir: &Path) -> Self {
        DirSink { dir: dir.to_path_buf() }
    }
}

impl Sink for DirSink {
    fn put(&self, path: &str, body: Body) -> Result<u64, OutputError> {
        if !is_safe(path) {
            return Err(unsafe_path(path));
        }
        let target = self.dir.join(path);
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent).map_err(io_err("cannot create", parent))?;
        }
        match body {
            Body::Bytes(b) => fs::write(&target, &b).map(|_| b.len() as u64),
            Body::Builtin(b) => fs::write(&target, b).map(|_| b.len() as u64),
            // Sources were checked for links when loaded; opening without following them
            // keeps a link swapped in since then from being copied out.
            Body::File(from) => {
                let mut file = crate::nofollow::open(&from).map_err(io_err("cannot read", &from))?;
                fs::File::create(&target).and_then(|mut to| std::io::copy(&mut file, &mut to))
            }
        }
        .map_err(io_err("cannot write", &target))
    }
}

/// Keeps files in memory, in the order they were put.
#[derive(Debug, Default)]
pub struct MemorySink {
    files: Mutex<Vec<(String, Vec<u8>)>>,
}

impl MemorySink {
    /// The files put so far, sorted by path.
    pub fn into_files(self) -> Vec<(String, Vec<u8>)> {
        let mut files = self.files.into_inner().expect("sink lock");
        files.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        files
    }
}

impl Sink for MemorySink {
    fn put(&self, path: &str, body: Body) -> Result<u64, OutputError> {
        if !is_safe(path) {
            return Err(unsafe_path(path));
        }
        let bytes = match body {
            Body::Bytes(b) => b,
            Body::Builtin(b) => b.to_vec(),
            Body::File(from) => {
                let mut bytes = Vec::new();
                crate::nofollow::open(&from)
                    .and_then(|mut f| std::io::Read::read_to_end(&mut f, &mut bytes))
                    .map_err(io_err("cannot read", &from))?;
                bytes
            }
        };
        let n = bytes.len() as u64;
        self.files.lock().expect("sink lock").push((path.to_string(), bytes));
        Ok(n)
    }
}

/// Keeps nothing and touches no file: `check` builds only to find problems.
#[derive(Debug, Default)]
pub struct NullSink;

impl Sink for NullSink {
    fn put(&self, path: &str, body: Body) -> Result<u64, OutputError> {
        if !is_safe(path) {
            return Err(unsafe_path(path));
        }
        Ok(match body {
            Body::Bytes(b) => b.len() as u64,
            Body::Builtin(b) => b.len() as u64,
            Body::File(_) => 0,
        })
    }

    fn keeps(&self) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_sink_refuses_paths_that_climb_out() {
        let tmp = tempfile::tempdir().unwrap();
        let sinks: [&dyn Sink; 3] = [&DirSink::new(&tmp.path().join("out")), &MemorySink::default(), &NullSink];
        for sink in sinks {
            for bad in ["../x", "/etc/x", "a/../../x", ""] {
                let err = sink.put(bad, Body::Bytes(vec![])).unwrap_err();
                assert!(err.to_string().contains("leaves the output folder"), "{bad}: {err}");
            }
        }
        assert!(!tmp.path().join("x").exists());
    }

    #[test]
    fn a_failed_write_names_the_file() {
        let tmp = tempfile::tempdir().unwrap();
        fs::write(tmp.path().join("a"), "a file where a folder should be").unwrap();
        let err = DirSink::new(tmp.path()).put("a/index.html", Body::Bytes(b"x".to_vec())).unwrap_err();
        assert!(err.to_string().contains(&tmp.path().join("a").display().to_string()), "{err}");
    }

    #[test]
    fn many_failures_for_one_reason_are_one_error() {
        let full = |path: &str| OutputError::Io {
            action: "cannot write",
            path: PathBuf::from(path),
            source: std::io::Error::from_raw_os_error(28),
        };
        let err = WriteError::collapse(vec![full("b/x.html"), full("a/x.html"), full("c/x.html")]).unwrap();
        let text = err.to_string();
        assert!(text.starts_with("cannot write a/x.html: "), "{text}");
        assert!(text.ends_with(", and 2 more files could not be written for the same reason"), "{text}");
        assert!(WriteError::collapse(Vec::new()).is_none());
    }

    #[test]
    fn memory_keeps_files_sorted_by_path() {
        let sink = MemorySink::default();
        sink.put("b.html", Body::Bytes(b"b".to_vec())).unwrap();
        sink.put("a.html", Body::Builtin(b"a")).unwrap();
        assert_eq!(sink.into_files(), vec![("a.html".into(), b"a".to_vec()), ("b.html".into(), b"b".to_vec())]);
    }
}
