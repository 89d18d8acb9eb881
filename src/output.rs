//! Writing a built site to disk safely. Files go into a temporary folder beside the output, and
//! only a complete build is swapped in; a failed or interrupted build leaves the previous output
//! exactly as it was. namrong marks the folders it made and refuses to replace a folder it did
//! not make, so `--output content` or `--output ~` can never wipe anyone's files. One build at
//! a time writes an output: each holds an exclusive lock on a file beside it
//! (`.<name>.namrong-lock`), which the operating system releases when the process ends, however
//! it ends, so a crashed build never leaves a lock behind. Every file of a build reaches the
//! disk, memory or nowhere through a [`Sink`] ([`sink`]).

pub mod sink;
pub mod update;

use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

use thiserror::Error;

pub use sink::{Body, DirSink, MemorySink, NullSink, Sink, WriteError};
pub use update::{Changes, StagedSink};

/// The file that marks a folder as namrong's output.
pub const MARKER: &str = ".namrong-output";

/// Why the output folder cannot be written.
#[derive(Debug, Error)]
pub enum OutputError {
    /// The folder holds files namrong did not make.
    #[error(
        "refusing to replace {0}: it is not empty and was not made by namrong (no {MARKER} file in it); choose an empty or new folder with --output"
    )]
    NotOurs(PathBuf),
    /// The folder is the site itself or part of its sources.
    #[error(
        "refusing to write the site into {0}: it holds the site's own sources; choose another folder with --output"
    )]
    SourceFolder(PathBuf),
    /// Another build holds the output's lock.
    #[error("another namrong build is writing {0}; wait for it to finish")]
    Busy(PathBuf),
    /// A file-system operation failed.
    #[error("{action} {path}: {source}")]
    Io {
        /// What was being done.
        action: &'static str,
        /// On which path.
        path: PathBuf,
        /// The error.
        source: io::Error,
    },
}

pub(crate) fn io_err(action: &'static str, path: &Path) -> impl FnOnce(io::Error) -> OutputError {
    let path = path.to_path_buf();
    move |source| OutputError::Io { action, path, source }
}

/// Makes a path absolute and removes `.` and `..` without touching the disk.
pub fn absolute(path: &Path) -> PathBuf {
    let joined =
        if path.is_absolute() { path.to_path_buf() } else { std::env::current_dir().unwrap_or_default().join(path) };
    let mut out = PathBuf::new();
    for c in joined.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            c => out.push(c),
        }
    }
    out
}

/// A build being written: a temporary folder that becomes the output when `commit` is called.
#[derive(Debug)]
pub struct Staging {
    output: PathBuf,
    temp: PathBuf,
    /// Held open for the whole build: the lock lasts as long as the file is open.
    _lock: fs::File,
    committed: bool,
    /// The output of an earlier build is there: it is updated in place.
    previous: bool,
}

impl Staging {
    /// Checks that `output` may be replaced and creates the temporary folder beside it.
    pub fn begin(root: &Path, output: &Path) -> Result<Staging, OutputError> {
        let output = absolute(output);
        let root = absolute(root);
        if root.starts_with(&output)
            || output.starts_with(root.join("content"))
            || output.starts_with(root.join("themes"))
        {
            return Err(OutputError::SourceFolder(output));
        }
        if output.exists() && !is_ours(&output)? {
            return Err(OutputError::NotOurs(output));
        }
        let parent = output.parent().ok_or_else(|| OutputError::SourceFolder(output.clone()))?;
        fs::create_dir_all(parent).map_err(io_err("cannot create", parent))?;
        let name = output.file_name().map_or("public".into(), |n| n.to_string_lossy().into_owned());
        let lock = lock_output(parent, &name, &output)?;
        // With the lock held, any temporary folder of this output belongs to a build that
        // ended without cleaning up: a running build would hold the lock.
        remove_stale(parent, &name);
        let temp = parent.join(format!(".{name}.namrong-new-{}", std::process::id()));
        if temp.exists() {
            fs::remove_dir_all(&temp).map_err(io_err("cannot remove", &temp))?;
        }
        fs::create_dir_all(&temp).map_err(io_err("cannot create", &temp))?;
        let previous = output.join(MARKER).is_file();
        Ok(Staging { output, temp, _lock: lock, committed: false, previous })
    }

    /// The folder being written.
    pub fn dir(&self) -> &Path {
        &self.temp
    }

    /// The sink a build writes through: it stages only the files that differ from the
    /// previous output's.
    pub fn sink(&self) -> StagedSink {
        StagedSink::new(&self.temp, self.previous.then_some(self.output.as_path()))
    }

    /// Puts the finished build in place: over a previous output, the changed files are renamed
    /// in one by one and files the build no longer makes are removed last; otherwise the
    /// staging folder becomes the output.
    pub fn commit(mut self, sink: StagedSink) -> Result<(PathBuf, Changes), OutputError> {
        if self.previous {
            let changes = update::apply(sink, &self.temp, &self.output)?;
            let _ = fs::remove_dir_all(&self.temp);
            self.committed = true;
            return Ok((self.output.clone(), changes));
        }
        let changes = Changes { written: sink.staged_count(), unchanged: 0, removed: 0 };
        fs::write(self.temp.join(MARKER), "This folder is generated by namrong; it is updated on every build.\n")
            .map_err(io_err("cannot write", &self.temp))?;
        let old = self.temp.with_file_name(format!(
            ".{}.namrong-old-{}",
            self.output.file_name().map_or("public".into(), |n| n.to_string_lossy().into_owned()),
            std::process::id()
        ));
        let had_old = self.output.exists();
        if had_old {
            fs::rename(&self.output, &old).map_err(io_err("cannot move aside", &self.output))?;
        }
        if let Err(e) = fs::rename(&self.temp, &self.output) {
            if had_old {
                let _ = fs::rename(&old, &self.output);
            }
            return Err(io_err("cannot move into place", &self.output)(e));
        }
        if had_old {
            let _ = fs::remove_dir_all(&old);
        }
        self.committed = true;
        Ok((self.output.clone(), changes))
    }
}

impl Drop for Staging {
    /// A build that is dropped without `commit` leaves nothing behind.
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.temp);
        }
    }
}

/// Takes the exclusive lock of output `name` in `parent`, or says another build holds it.
fn lock_output(parent: &Path, name: &str, output: &Path) -> Result<fs::File, OutputError> {
    let path = parent.join(format!(".{name}.namrong-lock"));
    let mut options = fs::OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW);
    }
    let file = options.open(&path).map_err(io_err("cannot create the lock file", &path))?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(fs::TryLockError::WouldBlock) => Err(OutputError::Busy(output.to_path_buf())),
        Err(fs::TryLockError::Error(e)) => Err(io_err("cannot lock", &path)(e)),
    }
}

/// True when `dir` is empty or carries namrong's marker.
fn is_ours(dir: &Path) -> Result<bool, OutputError> {
    if !dir.is_dir() {
        return Ok(false);
    }
    if dir.join(MARKER).is_file() {
        return Ok(true);
    }
    let mut entries = fs::read_dir(dir).map_err(io_err("cannot read", dir))?;
    Ok(entries.next().is_none())
}

/// Removes temporary folders left by builds that were interrupted.
fn remove_stale(parent: &Path, name: &str) {
    let Ok(entries) = fs::read_dir(parent) else { return };
    for e in entries.flatten() {
        let n = e.file_name().to_string_lossy().into_owned();
        let ours = n.starts_with(&format!(".{name}.namrong-new-")) || n.starts_with(&format!(".{name}.namrong-old-"));
        if ours {
            let _ = fs::remove_dir_all(e.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_folders_it_did_not_make() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("mine");
        fs::create_dir_all(&out).unwrap();
        fs::write(out.join("thesis.docx"), "precious").unwrap();
        let err = Staging::begin(&tmp.path().join("site"), &out).unwrap_err();
        assert!(matches!(err, OutputError::NotOurs(_)), "{err}");
        assert_eq!(fs::read_to_string(out.join("thesis.docx")).unwrap(), "precious");
    }

    #[test]
    fn refuses_the_site_sources() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("site");
        for out in [root.clone(), root.join("content"), root.join("themes/default"), tmp.path().to_path_buf()] {
            let err = Staging::begin(&root, &out).unwrap_err();
            assert!(matches!(err, OutputError::SourceFolder(_)), "{}: {err}", out.display());
        }
    }

    #[test]
    fn swaps_in_only_on_commit() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let s = Staging::begin(&tmp.path().join("site"), &out).unwrap();
        let sink = s.sink();
        sink.put("a/index.html", Body::Bytes(b"one".to_vec())).unwrap();
        s.commit(sink).unwrap();
        assert_eq!(fs::read_to_string(out.join("a/index.html")).unwrap(), "one");
        let s = Staging::begin(&tmp.path().join("site"), &out).unwrap();
        s.sink().put("a/index.html", Body::Bytes(b"two".to_vec())).unwrap();
        drop(s);
        assert_eq!(fs::read_to_string(out.join("a/index.html")).unwrap(), "one");
        let mut leftovers: Vec<_> = fs::read_dir(tmp.path()).unwrap().flatten().map(|e| e.file_name()).collect();
        leftovers.sort();
        assert_eq!(leftovers, vec![std::ffi::OsString::from(".public.namrong-lock"), "public".into()]);
    }

    #[test]
    fn one_build_at_a_time_per_output_and_the_lock_ends_with_the_build() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let first = Staging::begin(&tmp.path().join("site"), &out).unwrap();
        let err = Staging::begin(&tmp.path().join("site"), &out).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("another namrong build is writing {}; wait for it to finish", out.display())
        );
        assert!(first.dir().is_dir(), "the second build must not remove the first one's folder");
        Staging::begin(&tmp.path().join("site"), &tmp.path().join("other")).unwrap();
        let sink = first.sink();
        first.commit(sink).unwrap();
        Staging::begin(&tmp.path().join("site"), &out).unwrap();
    }

    #[test]
    fn removes_folders_left_by_a_build_that_died() {
        let tmp = tempfile::tempdir().unwrap();
        let left = tmp.path().join(".public.namrong-new-999999");
        fs::create_dir_all(&left).unwrap();
        let s = Staging::begin(&tmp.path().join("site"), &tmp.path().join("public")).unwrap();
        assert!(!left.exists());
        drop(s);
    }
}
