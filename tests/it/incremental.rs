//! Rebuilds over an existing output: only files whose bytes change are written, unchanged files
//! keep their bytes and modification times, files the build no longer makes are removed, and a
//! build that fails leaves the previous output exactly as it was.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::time::SystemTime;

use walkdir::WalkDir;

use crate::support::SiteTest;

/// Every file of the output with its bytes and modification time.
fn snapshot(dir: &Path) -> BTreeMap<String, (Vec<u8>, SystemTime)> {
    WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap().to_string_lossy().replace('\\', "/");
            let modified = e.metadata().unwrap().modified().unwrap();
            (rel, (fs::read(e.path()).unwrap(), modified))
        })
        .collect()
}

/// Builds once, then waits so a rewritten file would get a later modification time.
fn built_once(site: &SiteTest) -> BTreeMap<String, (Vec<u8>, SystemTime)> {
    site.build();
    let before = snapshot(&site.out());
    std::thread::sleep(std::time::Duration::from_millis(20));
    before
}

#[test]
fn an_unchanged_rebuild_writes_nothing_and_keeps_modification_times() {
    let site = SiteTest::new("bilingual");
    let before = built_once(&site);
    let report = site.build();
    assert_eq!(report.changes.written, 0, "{:?}", report.changes);
    assert_eq!(report.changes.removed, 0);
    assert_eq!(report.changes.unchanged + 1, before.len(), "every file but the marker was made again");
    assert_eq!(snapshot(&site.out()), before);
}

#[test]
fn an_edit_rewrites_only_the_files_it_changes() {
    let site = SiteTest::new("bilingual");
    let before = built_once(&site);
    site.replace("content/pilots/alpha/en.md", "every year", "every single year");
    let report = site.build();
    let after = snapshot(&site.out());
    let changed: Vec<&String> = after.keys().filter(|k| before.get(*k) != after.get(*k)).collect();
    assert!(changed.contains(&&"en/pilots/alpha/index.html".to_string()), "{changed:?}");
    assert!(!changed.iter().any(|k| k.starts_with("pilots/beta/")), "{changed:?}");
    for (path, (bytes, modified)) in &after {
        if let Some((old_bytes, old_modified)) = before.get(path)
            && old_bytes == bytes
        {
            assert_eq!(modified, old_modified, "{path} has the same bytes but was written again");
        }
    }
    assert_eq!(report.changes.written, changed.len(), "{:?} {changed:?}", report.changes);
    assert!(report.changes.written < before.len() / 2, "{:?}", report.changes);
    assert_eq!(report.changes.removed, 0);
}

#[test]
fn a_removed_pilots_files_are_removed() {
    let site = SiteTest::new("bilingual");
    let before = built_once(&site);
    site.remove("content/pilots/delta");
    let report = site.build();
    let after = snapshot(&site.out());
    let gone: Vec<&String> = before.keys().filter(|k| !after.contains_key(*k)).collect();
    assert!(gone.iter().any(|k| k.as_str() == "pilots/delta/index.html"), "{gone:?}");
    assert!(!site.out().join("en/pilots/delta").exists(), "the pilot's folders are removed too");
    assert!(!site.exists("provinces/yala/index.html"));
    assert_eq!(report.changes.removed, gone.len());
}

#[test]
fn a_failed_build_after_a_successful_one_leaves_the_output_byte_identical() {
    let site = SiteTest::new("bilingual");
    let before = built_once(&site);
    // Content errors stop the build before anything is rendered.
    site.write("content/pilots/alpha/pilot.toml", "this is not = = toml");
    assert!(site.build_with(|_| {}).is_err());
    assert_eq!(snapshot(&site.out()), before);
}

#[test]
fn a_build_that_fails_mid_render_leaves_the_output_whole() {
    let site = SiteTest::new("bilingual");
    let before = built_once(&site);
    site.replace("content/pilots/alpha/en.md", "every year", "every single year");
    // Other pages render (and are staged) before the pilot pages fail on an unknown value.
    site.write("themes/default/templates/pilot.html", "{{ no_such_value.at_all }}");
    assert!(site.build_with(|_| {}).is_err());
    assert_eq!(snapshot(&site.out()), before);
    let parent = site.out().parent().unwrap().to_path_buf();
    let left: Vec<String> = fs::read_dir(&parent)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("namrong-new"))
        .collect();
    assert!(left.is_empty(), "the staging folder is removed: {left:?}");
}
