//! Reading the site's sources without following symbolic links. Content is often written by
//! many contributors and built by CI from their branches, so a link such as
//! `content/pilots/x/en.md -> /etc/passwd` must never put the machine's files into the site.
//! Every source read goes through here: each part of the path below the site root is checked
//! with `symlink_metadata`, and on unix the file itself is opened with `O_NOFOLLOW`, so a link
//! swapped in after the check is refused too. What the files mean is left to the callers.

use std::fs::{self, File};
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use crate::diagnostics::Diagnostic;

/// What a path below the site root is, judged without following links.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A regular file.
    File,
    /// A folder.
    Dir,
    /// Nothing there.
    Missing,
    /// Something else (a socket, a device).
    Other,
}

/// The first part of `rel` (relative to `root`) that is a symbolic link, as a path relative to
/// `root`. `root` itself may be a link: only what lies below it is the site's content.
pub fn first_link(root: &Path, rel: &Path) -> Option<PathBuf> {
    let mut at = PathBuf::new();
    for part in rel.components() {
        at.push(part);
        match fs::symlink_metadata(root.join(&at)) {
            Ok(m) if m.file_type().is_symlink() => return Some(at),
            Ok(_) => {}
            Err(_) => return None,
        }
    }
    None
}

/// What `root/rel` is, or the error naming the link when any part of it is a symbolic link.
pub fn kind(root: &Path, rel: &Path) -> Result<Kind, Diagnostic> {
    if let Some(link) = first_link(root, rel) {
        return Err(link_error(root, &link, rel));
    }
    Ok(match fs::symlink_metadata(root.join(rel)) {
        Ok(m) if m.is_file() => Kind::File,
        Ok(m) if m.is_dir() => Kind::Dir,
        Ok(_) => Kind::Other,
        Err(_) => Kind::Missing,
    })
}

/// Reads `root/rel` whole, refusing symbolic links anywhere below `root`.
pub fn read(root: &Path, rel: &Path) -> Result<Vec<u8>, Diagnostic> {
    if let Some(link) = first_link(root, rel) {
        return Err(link_error(root, &link, rel));
    }
    let mut bytes = Vec::new();
    open(&root.join(rel)).and_then(|mut f| f.read_to_end(&mut bytes)).map_err(|e| match first_link(root, rel) {
        Some(link) => link_error(root, &link, rel),
        None => Diagnostic::error(rel, format!("cannot read this file: {e}")),
    })?;
    Ok(bytes)
}

/// Opens a file for reading; on unix a symbolic link in the last part of the path fails
/// (`O_NOFOLLOW`) instead of being followed.
pub fn open(path: &Path) -> io::Result<File> {
    let mut options = fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW);
    }
    #[cfg(not(unix))]
    if fs::symlink_metadata(path)?.file_type().is_symlink() {
        return Err(io::Error::new(io::ErrorKind::InvalidInput, "symbolic links are not followed"));
    }
    options.open(path)
}

/// The error for a symbolic link at `link` (relative to `root`), met while reading `wanted`.
/// It names the link and where it points; nothing behind it has been read.
pub fn link_error(root: &Path, link: &Path, wanted: &Path) -> Diagnostic {
    let target = fs::read_link(root.join(link)).map(|t| format!(" (to {})", t.display())).unwrap_or_default();
    let what = if fs::metadata(root.join(link)).is_ok_and(|m| m.is_dir()) { "folder" } else { "file" };
    let message = if link == wanted {
        format!(
            "this {what} is a symbolic link{target}; namrong does not follow symbolic links in a site's sources, so it was not read"
        )
    } else {
        format!(
            "this {what} is a symbolic link{target}, so {} inside it was not read; namrong does not follow symbolic links in a site's sources",
            wanted.display()
        )
    };
    Diagnostic::error(link, message)
        .hint(format!("replace the link with a real {what}: delete {} and copy the {what} there", link.display()))
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    #[test]
    fn refuses_a_linked_file_and_a_linked_folder_and_names_the_link() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("site");
        fs::create_dir_all(root.join("content/real")).unwrap();
        fs::write(tmp.path().join("secret"), "s3cret").unwrap();
        fs::write(root.join("content/real/a.md"), "fine").unwrap();
        symlink(tmp.path().join("secret"), root.join("content/real/b.md")).unwrap();
        symlink(root.join("content/real"), root.join("content/linked")).unwrap();
        assert_eq!(read(&root, Path::new("content/real/a.md")).unwrap(), b"fine");
        let err = read(&root, Path::new("content/real/b.md")).unwrap_err();
        assert_eq!(err.path, Path::new("content/real/b.md"));
        assert!(err.message.contains("symbolic link"), "{err}");
        let err = read(&root, Path::new("content/linked/a.md")).unwrap_err();
        assert_eq!(err.path, Path::new("content/linked"));
        assert!(err.message.contains("this folder is a symbolic link"), "{err}");
        assert!(kind(&root, Path::new("content/linked")).is_err());
        assert_eq!(kind(&root, Path::new("content/real")).unwrap(), Kind::Dir);
        assert_eq!(kind(&root, Path::new("content/none")).unwrap(), Kind::Missing);
    }

    #[test]
    fn open_refuses_a_link_even_without_the_check() {
        let tmp = tempfile::tempdir().unwrap();
        fs::write(tmp.path().join("secret"), "s3cret").unwrap();
        symlink(tmp.path().join("secret"), tmp.path().join("link")).unwrap();
        assert!(open(&tmp.path().join("link")).is_err());
        assert!(open(&tmp.path().join("secret")).is_ok());
    }
}
