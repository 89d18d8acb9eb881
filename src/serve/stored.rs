//! How the preview keeps each built file: text (pages, data, the search index) deflate-compressed
//! in memory, files compiled into namrong as they are, and files that already exist on disk
//! (content assets, a site theme's static files, social cards in the card cache) not at all:
//! those are read from their file when asked for. A 10,000-pilot site's pages take a few
//! hundred megabytes this way instead of gigabytes.

use std::fs;
use std::io::Read;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::SystemTime;

use flate2::Compression;
use flate2::read::DeflateDecoder;
use flate2::write::DeflateEncoder;

use crate::output::{Body, OutputError, io_err};

/// Extensions of files kept compressed: text that compresses well.
const PACKED: &[&str] = &["html", "json", "jsonld", "xml", "csv", "txt", "ttl", "svg", "css", "js"];

/// One file as the preview holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stored {
    /// Bytes kept as they are (pictures drawn in memory, files too small to gain).
    Bytes(Arc<Vec<u8>>),
    /// Text kept deflate-compressed; `len` is its size unpacked.
    Packed {
        /// The compressed bytes.
        packed: Arc<Vec<u8>>,
        /// The size once unpacked.
        len: usize,
    },
    /// Compiled into namrong.
    Builtin(&'static [u8]),
    /// A file on disk, read when asked for; its size and modification time when it was built
    /// tell an edit of the file from an unchanged one.
    File {
        /// Where it is.
        path: PathBuf,
        /// Its size then.
        len: u64,
        /// Its modification time then.
        modified: Option<SystemTime>,
    },
}

impl Stored {
    /// Keeps `body`, the file at site path `path`.
    pub fn keep(path: &str, body: Body) -> Result<Stored, OutputError> {
        Ok(match body {
            Body::Bytes(b) if packs(path) && b.len() > 256 => Stored::pack(&b),
            Body::Bytes(b) => Stored::Bytes(Arc::new(b)),
            Body::Builtin(b) => Stored::Builtin(b),
            Body::File(from) => {
                // Opened as a build would copy it: without following a link swapped in.
                let meta =
                    crate::nofollow::open(&from).and_then(|f| f.metadata()).map_err(io_err("cannot read", &from))?;
                Stored::File { path: from, len: meta.len(), modified: meta.modified().ok() }
            }
        })
    }

    fn pack(bytes: &[u8]) -> Stored {
        let mut enc = DeflateEncoder::new(Vec::with_capacity(bytes.len() / 4), Compression::fast());
        std::io::Write::write_all(&mut enc, bytes).expect("writing to memory");
        let packed = enc.finish().expect("writing to memory");
        Stored::Packed { packed: Arc::new(packed), len: bytes.len() }
    }

    /// The file's bytes: shared when kept as they are, unpacked or read otherwise.
    pub fn bytes(&self) -> std::io::Result<Arc<Vec<u8>>> {
        match self {
            Stored::Bytes(b) => Ok(b.clone()),
            Stored::Packed { packed, len } => {
                let mut out = Vec::with_capacity(*len);
                DeflateDecoder::new(&packed[..]).read_to_end(&mut out)?;
                Ok(Arc::new(out))
            }
            Stored::Builtin(b) => Ok(Arc::new(b.to_vec())),
            Stored::File { path, .. } => {
                let mut out = Vec::new();
                crate::nofollow::open(path)?.read_to_end(&mut out)?;
                Ok(Arc::new(out))
            }
        }
    }

    /// The file to stream from, for a file kept on disk.
    pub fn open(&self) -> Option<std::io::Result<(fs::File, u64)>> {
        let Stored::File { path, .. } = self else { return None };
        Some(crate::nofollow::open(path).and_then(|f| {
            let len = f.metadata()?.len();
            Ok((f, len))
        }))
    }

    /// True for a file kept as a path, whose bytes are on disk.
    pub fn is_file(&self) -> bool {
        matches!(self, Stored::File { .. })
    }
}

fn packs(path: &str) -> bool {
    path.rsplit_once('.').is_some_and(|(_, ext)| PACKED.contains(&ext))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_kept_packed_and_given_back_whole() {
        let page = "<p>สวัสดี</p>\n".repeat(500).into_bytes();
        let kept = Stored::keep("pilots/a/index.html", Body::Bytes(page.clone())).unwrap();
        let Stored::Packed { packed, len } = &kept else { panic!("{kept:?}") };
        assert_eq!(*len, page.len());
        assert!(packed.len() * 10 < page.len(), "{} of {}", packed.len(), page.len());
        assert_eq!(*kept.bytes().unwrap(), page);
        let png = vec![7u8; 4096];
        assert_eq!(
            Stored::keep("pilots/a/card-th.png", Body::Bytes(png.clone())).unwrap(),
            Stored::Bytes(Arc::new(png))
        );
    }

    #[test]
    fn files_on_disk_are_read_when_asked_for() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("photo.jpg");
        fs::write(&path, b"one").unwrap();
        let kept = Stored::keep("pilots/a/photo.jpg", Body::File(path.clone())).unwrap();
        assert!(kept.is_file());
        fs::write(&path, b"two!").unwrap();
        assert_eq!(*kept.bytes().unwrap(), b"two!");
        let again = Stored::keep("pilots/a/photo.jpg", Body::File(path)).unwrap();
        assert_ne!(kept, again, "a changed size tells an edit");
    }
}
