//! Watching the site's sources: turns file-system events into what must be rebuilt. Editors
//! save in odd ways (write a temporary file and rename it over the original, delete and
//! recreate, leave `~` and `.swp` files); events are collected until things are quiet for a
//! moment, and the paths, not the event kinds, decide the rebuild.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::Duration;

use crate::load::is_editor_temp;

/// What a batch of changed paths asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rebuild {
    /// Nothing namrong reads changed.
    Nothing,
    /// Only these pilots' folders changed.
    Pilots(BTreeSet<String>),
    /// Settings, issues, pages, templates or several kinds of thing: rebuild all.
    Everything,
}

/// Decides the rebuild for changed paths under `root`, ignoring the output folder `output`.
pub fn classify(root: &Path, output: &Path, paths: &[PathBuf]) -> Rebuild {
    let mut pilots = BTreeSet::new();
    let mut everything = false;
    for path in paths {
        let Ok(rel) = path.strip_prefix(root) else { continue };
        if path.starts_with(output) {
            continue;
        }
        let parts: Vec<String> = rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
        let Some(name) = parts.last() else { continue };
        if name.starts_with('.') || is_editor_temp(name) || name == "4913" {
            // Hidden files, editor backups and vim's write test are never content.
            continue;
        }
        match parts.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
            ["content", "pilots", slug, _, ..] => {
                pilots.insert(slug.to_string());
            }
            ["content", ..] | ["namrong.toml"] | ["themes", ..] => everything = true,
            _ => {}
        }
    }
    if everything {
        Rebuild::Everything
    } else if pilots.is_empty() {
        Rebuild::Nothing
    } else {
        Rebuild::Pilots(pilots)
    }
}

/// Waits for the first event, then gathers events until none has come for `quiet`.
/// Returns `None` when the watcher is gone.
pub fn next_batch(rx: &Receiver<notify::Result<notify::Event>>, quiet: Duration) -> Option<Vec<PathBuf>> {
    let mut paths = Vec::new();
    while paths.is_empty() {
        paths.extend(rx.recv().ok()?.map(changed_paths).unwrap_or_default());
    }
    loop {
        match rx.recv_timeout(quiet) {
            Ok(event) => paths.extend(event.map(changed_paths).unwrap_or_default()),
            Err(RecvTimeoutError::Timeout) => break,
            Err(RecvTimeoutError::Disconnected) => break,
        }
    }
    paths.sort();
    paths.dedup();
    Some(paths)
}

/// The paths of an event that changes something. Reads are not changes: namrong reads every
/// file when it rebuilds, and treating those reads as edits would rebuild forever.
pub fn changed_paths(event: notify::Event) -> Vec<PathBuf> {
    use notify::EventKind::{Access, Any, Create, Modify, Other, Remove};
    use notify::event::ModifyKind;
    match event.kind {
        Access(_) | Modify(ModifyKind::Metadata(_)) | Other => Vec::new(),
        Create(_) | Modify(_) | Remove(_) | Any => event.paths,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(paths: &[&str]) -> Rebuild {
        let root = Path::new("/site");
        let paths: Vec<PathBuf> = paths.iter().map(|p| root.join(p)).collect();
        classify(root, &root.join("public"), &paths)
    }

    fn pilots(slugs: &[&str]) -> Rebuild {
        Rebuild::Pilots(slugs.iter().map(|s| s.to_string()).collect())
    }

    #[test]
    fn classifies_changes() {
        assert_eq!(run(&["content/pilots/a/th.md"]), pilots(&["a"]));
        assert_eq!(
            run(&["content/pilots/a/updates/2024-01-01-x.en.md", "content/pilots/b/pilot.toml"]),
            pilots(&["a", "b"])
        );
        assert_eq!(run(&["content/pilots/a/th.md", "content/issues.toml"]), Rebuild::Everything);
        assert_eq!(run(&["namrong.toml"]), Rebuild::Everything);
        assert_eq!(run(&["themes/default/static/style.css"]), Rebuild::Everything);
        assert_eq!(run(&["content/pages/about.th.md"]), Rebuild::Everything);
        // A new or deleted pilot folder is a change of the folder itself.
        assert_eq!(run(&["content/pilots/new-one"]), Rebuild::Everything);
    }

    #[test]
    fn reads_are_not_changes() {
        use notify::event::{AccessKind, AccessMode, CreateKind, DataChange, ModifyKind};
        let ev = |kind| notify::Event::new(kind).add_path(PathBuf::from("/site/content/pilots/a/th.md"));
        assert!(changed_paths(ev(notify::EventKind::Access(AccessKind::Close(AccessMode::Read)))).is_empty());
        assert!(changed_paths(ev(notify::EventKind::Access(AccessKind::Close(AccessMode::Write)))).is_empty());
        assert_eq!(changed_paths(ev(notify::EventKind::Modify(ModifyKind::Data(DataChange::Any)))).len(), 1);
        assert_eq!(changed_paths(ev(notify::EventKind::Create(CreateKind::File))).len(), 1);
    }

    #[test]
    fn ignores_editor_leftovers_and_output() {
        assert_eq!(
            run(&["content/pilots/a/.th.md.swp", "content/pilots/a/th.md~", "content/pilots/a/4913"]),
            Rebuild::Nothing
        );
        assert_eq!(run(&["public/index.html", "target/x", "README.md"]), Rebuild::Nothing);
        assert_eq!(run(&["content/pilots/a/.#th.md", "content/pilots/a/#th.md#"]), Rebuild::Nothing);
    }
}
