//! A fixture site in a temporary folder, with helpers to change files, build and read output.

use std::fs;
use std::path::{Path, PathBuf};

use namrong::diagnostics::Diagnostics;
use namrong::model::Date;
use namrong::{BuildError, BuildOptions, Report};

/// The date tests treat as today, so "future" warnings do not depend on the clock.
pub fn today() -> Date {
    Date::from_ymd_opt(2026, 1, 1).unwrap()
}

pub struct SiteTest {
    pub dir: tempfile::TempDir,
}

impl SiteTest {
    /// Copies `tests/sites/<name>` into a fresh temporary folder.
    pub fn new(name: &str) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/sites").join(name);
        copy_dir(&from, &dir.path().join("site"));
        SiteTest { dir }
    }

    pub fn root(&self) -> PathBuf {
        self.dir.path().join("site")
    }

    pub fn out(&self) -> PathBuf {
        self.root().join("public")
    }

    /// Writes (or replaces) a file of the site.
    pub fn write(&self, rel: &str, text: impl AsRef<[u8]>) -> &Self {
        let path = self.root().join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
        self
    }

    /// Replaces the first occurrence of `from` in a file.
    pub fn replace(&self, rel: &str, from: &str, to: &str) -> &Self {
        let path = self.root().join(rel);
        let text = fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "{rel} does not contain {from:?}");
        fs::write(path, text.replacen(from, to, 1)).unwrap();
        self
    }

    pub fn remove(&self, rel: &str) -> &Self {
        let path = self.root().join(rel);
        if path.is_dir() {
            fs::remove_dir_all(path).unwrap()
        } else {
            fs::remove_file(path).unwrap()
        }
        self
    }

    pub fn options(&self) -> BuildOptions {
        BuildOptions { root: self.root(), output: None, drafts: false, base_url: None, today: Some(today()) }
    }

    pub fn build(&self) -> Report {
        match namrong::build(&self.options()) {
            Ok(r) => r,
            Err(BuildError::Content(ds)) => panic!("build failed:\n{ds}"),
            Err(e) => panic!("build failed: {e}"),
        }
    }

    pub fn build_with(&self, f: impl FnOnce(&mut BuildOptions)) -> Result<Report, BuildError> {
        let mut o = self.options();
        f(&mut o);
        namrong::build(&o)
    }

    /// Builds and expects content errors.
    pub fn build_errors(&self) -> Diagnostics {
        match namrong::build(&self.options()) {
            Err(BuildError::Content(ds)) => ds,
            Ok(_) => panic!("the build should have failed"),
            Err(e) => panic!("expected content errors, got: {e}"),
        }
    }

    /// Reads an output file as text; in a page, without the Thai word marks (see `read_marked`).
    pub fn read(&self, rel: &str) -> String {
        let text = self.read_marked(rel);
        if rel.ends_with(".html") { namrong::wordbreak::unmark(&text) } else { text }
    }

    /// Reads an output file exactly as written.
    pub fn read_marked(&self, rel: &str) -> String {
        let path = self.out().join(rel);
        fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
    }

    /// Reads a file of the site (not of the output).
    pub fn read_source(&self, rel: &str) -> String {
        fs::read_to_string(self.root().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }

    pub fn exists(&self, rel: &str) -> bool {
        self.out().join(rel).exists()
    }
}

pub fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            fs::create_dir_all(&target).unwrap();
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Every file under `dir` with its bytes, sorted by path.
pub fn tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<_> = walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| (e.path().strip_prefix(dir).unwrap().to_string_lossy().into_owned(), fs::read(e.path()).unwrap()))
        .collect();
    files.sort();
    files
}

/// Asserts `haystack` contains `needle`, showing the part of the page around where it was expected.
#[track_caller]
pub fn assert_contains(haystack: &str, needle: &str) {
    if !haystack.contains(needle) {
        let main = haystack.find("<main").map_or(haystack, |i| &haystack[i..]);
        let shown: String = main.chars().take(3000).collect();
        panic!("expected to find:\n  {needle}\nin:\n{shown}");
    }
}

#[track_caller]
pub fn assert_not_contains(haystack: &str, needle: &str) {
    if let Some(i) = haystack.find(needle) {
        let start = haystack[..i].char_indices().rev().nth(200).map_or(0, |(j, _)| j);
        panic!("did not expect to find {needle:?}, but it is here:\n{}", &haystack[start..(i + needle.len())]);
    }
}
