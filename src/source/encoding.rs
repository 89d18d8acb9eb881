//! Recognising files saved in the legacy Thai encoding (TIS-620, or Windows-874 which extends
//! it) that many office tools still write, so the "not UTF-8" error can say what the file is and
//! how to save it as UTF-8. Decoding uses encoding_rs's Windows-874 table.
//!
//! The message and hint are written in [`legacy_thai_error`], in one place, so they can be
//! translated.

use std::path::Path;

use crate::diagnostics::Diagnostic;

use super::Source;

/// The error for a file that is not UTF-8 but reads as Thai in TIS-620 / Windows-874, or `None`
/// when it does not look like that (the caller then reports the bad byte).
pub(super) fn legacy_thai_error(rel: &Path, bytes: &[u8]) -> Option<Diagnostic> {
    if !looks_like_tis620(bytes) {
        return None;
    }
    let (text, had_errors) = encoding_rs::WINDOWS_874.decode_without_bom_handling(bytes);
    if had_errors {
        return None;
    }
    let first_thai = bytes.iter().position(|&b| b >= 0x80).unwrap_or(0);
    let line = bytes[..first_thai].iter().filter(|&&b| b == b'\n').count() + 1;
    let name = rel.file_name().map_or_else(|| rel.display().to_string(), |n| n.to_string_lossy().into_owned());
    let source = Source::new(rel, text.into_owned());
    Some(
        Diagnostic::error(
            rel,
            "this file is saved in the old Thai encoding TIS-620 (Windows-874), not UTF-8, so namrong cannot read it",
        )
        .at_line(&source, line)
        .hint(format!(
            "open it and save it again as UTF-8: in Notepad, Save As and choose Encoding: UTF-8; in LibreOffice, \
             Save As, tick \"Edit filter settings\" and choose Unicode (UTF-8); in VS Code, click the encoding at the \
             bottom right, \"Save with Encoding\", UTF-8. Or on the command line: \
             iconv -f TIS-620 -t UTF-8 {name} > {name}.utf8 && mv {name}.utf8 {name}"
        )),
    )
}

/// True when the bytes outside ASCII are mostly in TIS-620's Thai range (0xA1-0xFB) and there are
/// enough of them to be Thai text rather than a stray byte.
fn looks_like_tis620(bytes: &[u8]) -> bool {
    let high: Vec<u8> = bytes.iter().copied().filter(|&b| b >= 0x80).collect();
    let thai = high.iter().filter(|&&b| (0xA1..=0xFB).contains(&b)).count();
    high.len() >= 3 && thai * 10 >= high.len() * 9
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_thai_saved_as_windows_874_and_shows_the_line_in_thai() {
        let (bytes, _, unmappable) = encoding_rs::WINDOWS_874.encode("## ที่มา\n\nลำปางประสบปัญหาหมอกควัน\n");
        assert!(!unmappable);
        let err = Source::from_bytes(Path::new("content/pilots/x/th.md"), bytes.into_owned()).unwrap_err();
        assert!(err.message.contains("TIS-620 (Windows-874), not UTF-8"), "{err}");
        assert_eq!(err.line, 1);
        assert_eq!(err.source_line.as_deref(), Some("## ที่มา"));
        assert!(err.hint.as_deref().unwrap().contains("iconv -f TIS-620 -t UTF-8 th.md > th.md.utf8"), "{err}");
    }

    #[test]
    fn leaves_other_bad_bytes_to_the_plain_message() {
        let err = Source::from_bytes(Path::new("a.md"), b"ok\nab\xffcd".to_vec()).unwrap_err();
        assert!(!err.message.contains("TIS-620"), "{err}");
        // Latin-1 accents (0xE9 is é) are not mistaken for Thai when they are few among others.
        assert!(!looks_like_tis620(b"caf\xe9 \x80\x81\x82\x83"));
    }
}
