//! Updating an existing output in place. A build over a previous namrong output compares each
//! file it makes with the file already there: an identical file is left alone (its bytes and
//! modification time stay), a new or changed file is written into the staging folder. Only
//! when the whole build has succeeded are the staged files renamed into the output, one
//! atomic rename each, and the files the build did not make removed, last. A build that fails
//! or dies before that point leaves the output exactly as it was.

use std::collections::HashSet;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use super::sink::{Body, DirSink, Sink};
use super::{MARKER, OutputError, io_err};

/// How a build changed its output folder.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Changes {
    /// Files written: new, or with different bytes.
    pub written: usize,
    /// Files left as they were: the build made the same bytes.
    pub unchanged: usize,
    /// Files of the previous output that the build no longer makes, removed.
    pub removed: usize,
}

/// Writes into a staging folder only the files that differ from those under the previous
/// output, and remembers every path the build made.
#[derive(Debug)]
pub struct StagedSink {
    staged: DirSink,
    previous: Option<PathBuf>,
    made: Mutex<Made>,
}

#[derive(Debug, Default)]
struct Made {
    written: Vec<String>,
    unchanged: HashSet<String>,
}

impl StagedSink {
    /// Stages into `staging`, comparing with `previous` (none on a first build).
    pub fn new(staging: &Path, previous: Option<&Path>) -> Self {
        StagedSink {
            staged: DirSink::new(staging),
            previous: previous.map(Path::to_path_buf),
            made: Mutex::new(Made::default()),
        }
    }

    /// How many files were staged (written) so far.
    pub fn staged_count(&self) -> usize {
        self.made.lock().expect("sink lock").written.len()
    }

    /// The files staged (written) and those kept unchanged.
    fn into_made(self) -> Made {
        self.made.into_inner().expect("sink lock")
    }
}

impl Sink for StagedSink {
    fn put(&self, path: &str, body: Body) -> Result<u64, OutputError> {
        if let Some(prev) = &self.previous
            && super::sink::is_safe(path)
        {
            let old = prev.join(path);
            if let Some(n) = same_bytes(&old, &body)? {
                self.made.lock().expect("sink lock").unchanged.insert(path.to_string());
                return Ok(n);
            }
        }
        let n = self.staged.put(path, body)?;
        self.made.lock().expect("sink lock").written.push(path.to_string());
        Ok(n)
    }
}

/// The size of `body` when the file at `old` (not a link) holds exactly its bytes.
fn same_bytes(old: &Path, body: &Body) -> Result<Option<u64>, OutputError> {
    let Ok(meta) = fs::symlink_metadata(old) else { return Ok(None) };
    if !meta.is_file() {
        return Ok(None);
    }
    let same = |bytes: &[u8]| -> Option<u64> {
        if meta.len() != bytes.len() as u64 {
            return None;
        }
        let on_disk = fs::read(old).ok()?;
        (on_disk == bytes).then_some(bytes.len() as u64)
    };
    Ok(match body {
        Body::Bytes(b) => same(b),
        Body::Builtin(b) => same(b),
        Body::File(from) => {
            let mut file = crate::nofollow::open(from).map_err(io_err("cannot read", from))?;
            let from_meta = file.metadata().map_err(io_err("cannot read", from))?;
            if from_meta.len() != meta.len() {
                return Ok(None);
            }
            let mut bytes = Vec::with_capacity(from_meta.len() as usize);
            file.read_to_end(&mut bytes).map_err(io_err("cannot read", from))?;
            same(&bytes)
        }
    })
}

/// Moves the staged files of `sink` from `staging` into `output`, then removes the files of
/// `output` the build did not make and the folders left empty.
pub(super) fn apply(sink: StagedSink, staging: &Path, output: &Path) -> Result<Changes, OutputError> {
    let made = sink.into_made();
    let mut written = made.written;
    written.sort_unstable();
    let keep: HashSet<&str> =
        written.iter().map(String::as_str).chain(made.unchanged.iter().map(String::as_str)).collect();
    let mut removed = 0;
    for path in &written {
        let from = staging.join(path);
        let to = output.join(path);
        clear_way(output, path, &mut removed)?;
        if let Some(parent) = to.parent() {
            fs::create_dir_all(parent).map_err(io_err("cannot create", parent))?;
        }
        fs::rename(&from, &to).map_err(io_err("cannot move into place", &to))?;
    }
    remove_unmade(output, output, &keep, &mut removed)?;
    Ok(Changes { written: written.len(), unchanged: made.unchanged.len(), removed })
}

/// Makes room for a file at `path`: a previous file where a folder is now needed, or a
/// previous folder where a file now goes, is removed (the build no longer makes it).
fn clear_way(output: &Path, path: &str, removed: &mut usize) -> Result<(), OutputError> {
    let mut at = output.to_path_buf();
    let parts: Vec<&str> = path.split('/').collect();
    for (i, part) in parts.iter().enumerate() {
        at.push(part);
        let Ok(meta) = fs::symlink_metadata(&at) else { return Ok(()) };
        let last = i + 1 == parts.len();
        if !last && !meta.is_dir() {
            fs::remove_file(&at).map_err(io_err("cannot remove", &at))?;
            *removed += 1;
            return Ok(());
        }
        if last && meta.is_dir() {
            remove_unmade(output, &at, &HashSet::new(), removed)?;
            fs::remove_dir(&at).map_err(io_err("cannot remove", &at))?;
        }
    }
    Ok(())
}

/// Removes, under `dir`, every file whose site path is not in `keep` (the marker stays), and
/// every folder left empty; counts the files removed.
fn remove_unmade(output: &Path, dir: &Path, keep: &HashSet<&str>, removed: &mut usize) -> Result<(), OutputError> {
    let entries = fs::read_dir(dir).map_err(io_err("cannot read", dir))?;
    for entry in entries {
        let entry = entry.map_err(io_err("cannot read", dir))?;
        let path = entry.path();
        let kind = entry.file_type().map_err(io_err("cannot read", &path))?;
        if kind.is_dir() {
            remove_unmade(output, &path, keep, removed)?;
            if fs::read_dir(&path).map_err(io_err("cannot read", &path))?.next().is_none() {
                fs::remove_dir(&path).map_err(io_err("cannot remove", &path))?;
            }
            continue;
        }
        let rel = path.strip_prefix(output).unwrap_or(&path);
        let site_path: Vec<String> = rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
        let site_path = site_path.join("/");
        if site_path == MARKER || keep.contains(site_path.as_str()) {
            continue;
        }
        fs::remove_file(&path).map_err(io_err("cannot remove", &path))?;
        *removed += 1;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_changed_files_are_staged_and_stale_ones_removed() {
        let tmp = tempfile::tempdir().unwrap();
        let (out, stage) = (tmp.path().join("out"), tmp.path().join("stage"));
        fs::create_dir_all(out.join("a")).unwrap();
        fs::write(out.join("a/same.html"), "same").unwrap();
        fs::write(out.join("a/edit.html"), "old").unwrap();
        fs::write(out.join("gone.html"), "gone").unwrap();
        fs::create_dir_all(out.join("empty/deeper")).unwrap();
        fs::write(out.join("empty/deeper/x"), "x").unwrap();
        fs::write(out.join("was-a-file"), "x").unwrap();
        fs::create_dir_all(&stage).unwrap();
        let sink = StagedSink::new(&stage, Some(&out));
        sink.put("a/same.html", Body::Bytes(b"same".to_vec())).unwrap();
        sink.put("a/edit.html", Body::Builtin(b"new")).unwrap();
        sink.put("was-a-file/index.html", Body::Bytes(b"dir".to_vec())).unwrap();
        assert!(!stage.join("a/same.html").exists());
        let changes = apply(sink, &stage, &out).unwrap();
        assert_eq!(changes, Changes { written: 2, unchanged: 1, removed: 3 });
        assert_eq!(fs::read_to_string(out.join("a/edit.html")).unwrap(), "new");
        assert_eq!(fs::read_to_string(out.join("was-a-file/index.html")).unwrap(), "dir");
        assert!(!out.join("gone.html").exists());
        assert!(!out.join("empty").exists());
    }
}
