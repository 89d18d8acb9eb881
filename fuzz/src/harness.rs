//! What each fuzz target does with its input, shared by the libFuzzer targets in
//! `fuzz/fuzz_targets/` and by `tests/fuzz_regressions.rs` (which includes this file with
//! `#[path]`), so a crashing input replays through exactly the same code without libFuzzer.
//!
//! Every function panics only when namrong misbehaves: a panic inside namrong, a diagnostic
//! that breaks the promises the README makes (a message, a line inside the file, a column), or
//! a URL with a refused scheme (`javascript:` however spelled) left live in rendered HTML.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use namrong::diagnostics::Diagnostic;
use namrong::model::Date;
use namrong::records::{IssueRecord, NarrativeFront, PageFront, PilotRecord, UpdateFront};
use namrong::source::Source;
use namrong::{BuildError, Loaded};

/// Number of lines a diagnostic may point at in `text`: one more than the line breaks, so the
/// empty line after a final newline (where "end of file" errors point) counts.
pub fn max_line(text: &[u8]) -> usize {
    text.iter().filter(|&&b| b == b'\n').count() + 1
}

/// Checks the promises every diagnostic about a file of `max_line` lines keeps, and that
/// showing it does not panic. Returns its text.
pub fn check_diagnostic(d: &Diagnostic, max_line: usize) -> String {
    let shown = d.to_string();
    assert!(!d.message.trim().is_empty(), "diagnostic without a message: {d:?}");
    assert!(shown.contains(&d.message), "display lost the message: {shown}");
    assert!(d.width >= 1, "zero-width marker: {d:?}");
    if d.line > 0 {
        assert!(d.line <= max_line, "diagnostic points at line {} of a {max_line}-line file: {shown}", d.line);
        assert!(d.column >= 1, "column 0 with a line: {d:?}");
        assert!(d.source_line.is_some(), "line without its source text: {d:?}");
    }
    let _ = namrong::diagnostics::Diagnostics::from(d.clone()).to_json();
    shown
}

fn check_parse<T>(result: Result<T, Diagnostic>, max: usize) -> Option<String> {
    result.err().map(|d| check_diagnostic(&d, max))
}

/// What `records` found, for tests to look at.
#[derive(Debug, Default)]
pub struct RecordsOutcome {
    /// The UTF-8 error, when the bytes are not text.
    pub utf8_error: Option<Diagnostic>,
    /// The error of parsing the whole text as pilot.toml.
    pub pilot_error: Option<String>,
    /// The error of parsing the whole text as issues.toml.
    pub issues_error: Option<String>,
    /// The front-matter error (`+++` never closed).
    pub split_error: Option<Diagnostic>,
    /// The front matter's TOML and its offset, when the split worked and found some.
    pub front: Option<(String, usize)>,
    /// The errors of parsing the front matter as update / page / narrative front matter.
    pub front_errors: Vec<String>,
}

/// Target `records`: decode, split front matter, parse every record shape, show every error.
pub fn records(data: &[u8]) -> RecordsOutcome {
    let mut out = RecordsOutcome::default();
    let path = Path::new("content/pilots/fuzz/pilot.toml");
    let source = match Source::from_bytes(path, data.to_vec()) {
        Ok(s) => s,
        Err(d) => {
            check_diagnostic(&d, max_line(data));
            assert!(d.line >= 1, "a UTF-8 error names its line: {d:?}");
            out.utf8_error = Some(d);
            return out;
        }
    };
    let text = source.text.as_str();
    let max = max_line(text.as_bytes());
    out.pilot_error = check_parse(source.parse_toml::<PilotRecord>(text, 0), max);
    out.issues_error = check_parse(source.parse_toml::<BTreeMap<String, toml::Spanned<IssueRecord>>>(text, 0), max);
    match source.split_front_matter() {
        Ok(split) => {
            assert!(split.body_offset <= text.len(), "body offset past the end");
            assert_eq!(split.body, &text[split.body_offset..], "body and body_offset disagree");
            if let Some((front, offset)) = split.front {
                assert_eq!(text.get(offset..offset + front.len()), Some(front), "front matter offset is wrong");
                out.front_errors.extend(check_parse(source.parse_toml::<UpdateFront>(front, offset), max));
                out.front_errors.extend(check_parse(source.parse_toml::<PageFront>(front, offset), max));
                out.front_errors.extend(check_parse(source.parse_toml::<NarrativeFront>(front, offset), max));
                out.front = Some((front.to_string(), offset));
            }
        }
        Err(d) => {
            check_diagnostic(&d, max);
            out.split_error = Some(d);
        }
    }
    out
}

/// A link resolver like the site's: external links are kept, the rest are rewritten or
/// rejected depending on their length, so the fuzzer sees both.
pub fn fuzz_resolver(link: &str) -> Result<Option<String>, String> {
    if namrong::links::is_external(link) {
        return Ok(None);
    }
    match link.len() % 3 {
        0 => Err(format!("link `{link}` points to nothing")),
        1 => Ok(Some(format!("/site/{}", link.trim_start_matches("./")))),
        _ => Ok(None),
    }
}

/// Target `markdown`: render the input (decoded lossily) with sanitising on and off.
pub fn markdown(data: &[u8]) -> Vec<namrong::markdown::Rendered> {
    let body = String::from_utf8_lossy(data);
    let mut out = Vec::new();
    for trust_html in [false, true] {
        let rendered = namrong::markdown::render(&body, fuzz_resolver, trust_html);
        for (range, reason) in &rendered.broken_links {
            assert!(range.start <= range.end && range.end <= body.len(), "broken link range {range:?} outside body");
            assert!(!reason.is_empty());
        }
        assert_eq!(rendered.plain.trim_end(), rendered.plain, "plain text keeps trailing space");
        for p in &rendered.problems {
            assert!(p.range.start <= p.range.end && p.range.end <= body.len(), "problem range {p:?} outside body");
            assert!(!p.message.is_empty() && !p.hint.is_empty());
        }
        // The URL policy: no URL that a browser could follow has a refused scheme once decoded.
        // Trusted raw HTML is published as written, so that case is only checked without any.
        if !trust_html || !body.contains('<') {
            let refused = namrong::url_policy::refused_in_html(&rendered.html);
            assert!(refused.is_empty(), "refused URLs survived: {refused:?}\n{}", rendered.html);
        }
        out.push(rendered);
    }
    out
}

/// Which file of the fixture site the `site` target writes its input to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slot {
    /// content/pilots/fuzz/pilot.toml
    PilotToml,
    /// content/pilots/fuzz/th.md
    ThMd,
    /// content/pilots/fuzz/en.md
    EnMd,
    /// content/pilots/fuzz/updates/2024-09-25-workshop.th.md
    UpdateTh,
    /// content/pages/about.th.md
    PageTh,
    /// content/issues.toml
    Issues,
    /// namrong.toml
    Config,
}

impl Slot {
    /// Every slot, in the order of the selector byte.
    pub const ALL: [Slot; 7] =
        [Slot::PilotToml, Slot::ThMd, Slot::EnMd, Slot::UpdateTh, Slot::PageTh, Slot::Issues, Slot::Config];

    /// The slot chosen by a fuzz input's first byte.
    pub fn from_byte(b: u8) -> Slot {
        Slot::ALL[usize::from(b) % Slot::ALL.len()]
    }

    /// The selector byte for this slot.
    pub fn byte(self) -> u8 {
        Slot::ALL.iter().position(|s| *s == self).expect("listed") as u8
    }

    /// The file's path relative to the site root.
    pub fn rel(self) -> &'static str {
        match self {
            Slot::PilotToml => "content/pilots/fuzz/pilot.toml",
            Slot::ThMd => "content/pilots/fuzz/th.md",
            Slot::EnMd => "content/pilots/fuzz/en.md",
            Slot::UpdateTh => "content/pilots/fuzz/updates/2024-09-25-workshop.th.md",
            Slot::PageTh => "content/pages/about.th.md",
            Slot::Issues => "content/issues.toml",
            Slot::Config => "namrong.toml",
        }
    }

    /// The file's content in the valid fixture site.
    pub fn default_text(self) -> &'static str {
        match self {
            Slot::PilotToml => PILOT_TOML,
            Slot::ThMd => TH_MD,
            Slot::EnMd => EN_MD,
            Slot::UpdateTh => UPDATE_TH,
            Slot::PageTh => PAGE_TH,
            Slot::Issues => ISSUES_TOML,
            Slot::Config => CONFIG_TOML,
        }
    }
}

const CONFIG_TOML: &str = r#"title = { th = "ทดสอบ", en = "Fuzz site" }
base_url = "https://example.go.th/site/"
"#;

const ISSUES_TOML: &str = r#"[haze-wildfire]
th = "หมอกควันและไฟป่า"
en = "Haze and wildfire"

[water]
th = "การจัดการน้ำ"
en = "Water management"
"#;

const PILOT_TOML: &str = r#"title     = { th = "ลำปางลดหมอกควัน", en = "Lampang haze reduction" }
summary   = { th = "ลดหมอกควัน", en = "Cutting haze" }
provinces = ["ลำปาง", "TH-50"]
issues    = ["haze-wildfire"]
status    = "active"
start     = 2024-05-07
end       = 2027-09-30
image     = "images/map.svg"
image_alt = { th = "แผนที่", en = "Map" }

[[indicators]]
name = { th = "ผู้เข้าร่วม", en = "Participants" }
target = 70
actual = 72
as_of = 2024-05-17
"#;

const TH_MD: &str = "+++\ntitle = \"ลำปาง\"\n+++\n## ที่มา\n\nดู[แผนที่](images/map.svg) [อื่น](../other/) [เกี่ยวกับ](../../pages/about.th.md) [ข่าว](updates/2024-09-25-workshop.th.md)\n";

const EN_MD: &str = "## Background\n\nSee the [map](images/map.svg) and [about](../../pages/about.en.md).\n";

const UPDATE_TH: &str = "+++\ntitle = \"ประชุม\"\ndate = 2024-09-25\n+++\nกลับไปที่[โครงการ](../)\n";

const PAGE_TH: &str = "+++\ntitle = \"เกี่ยวกับ\"\nweight = 1\n+++\nดู[โครงการ](../pilots/fuzz/)\n";

/// Files that never change: a second pilot to link to, an asset and an English page.
const FIXED: &[(&str, &str)] = &[
    ("content/pilots/fuzz/images/map.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>"),
    (
        "content/pilots/fuzz/updates/2024-09-25-workshop.en.md",
        "+++\ntitle = \"Workshop\"\n+++\nBack to the [pilot](../).\n",
    ),
    (
        "content/pilots/other/pilot.toml",
        "title = { th = \"อื่น\", en = \"Other\" }\nprovinces = [\"Chon Buri\"]\nissues = [\"water\"]\nstatus = \"planned\"\nstart = 2025-01-01\n",
    ),
    ("content/pilots/other/th.md", "ดู[โครงการลำปาง](../fuzz/)\n"),
    ("content/pages/about.en.md", "+++\ntitle = \"About\"\n+++\nAbout this site.\n"),
];

/// A minimal valid site in a temporary folder, reused for every input of one process.
pub struct SiteFixture {
    _dir: tempfile::TempDir,
    root: PathBuf,
    today: Date,
}

impl Default for SiteFixture {
    fn default() -> Self {
        Self::new()
    }
}

impl SiteFixture {
    /// Writes the site (under /dev/shm when there is one, to keep the fuzzer fast).
    pub fn new() -> Self {
        let shm = Path::new("/dev/shm");
        let dir = if shm.is_dir() { tempfile::tempdir_in(shm) } else { tempfile::tempdir() }.expect("temp dir");
        let root = dir.path().join("site");
        let files = FIXED.iter().copied().chain(Slot::ALL.iter().map(|s| (s.rel(), s.default_text())));
        for (rel, text) in files {
            write(&root.join(rel), text.as_bytes());
        }
        SiteFixture { _dir: dir, root, today: Date::from_ymd_opt(2026, 1, 1).expect("a date") }
    }

    /// Loads the site with `data` as the file of `slot`, checks every diagnostic, and puts the
    /// file back. Errors in the content are fine; panics and bad diagnostics are not.
    pub fn run(&self, slot: Slot, data: &[u8]) -> Result<Loaded, BuildError> {
        let path = self.root.join(slot.rel());
        write(&path, data);
        let result = std::panic::catch_unwind(|| namrong::load_site(&self.root, false, None, Some(self.today)));
        write(&path, slot.default_text().as_bytes());
        let result = result.unwrap_or_else(|p| std::panic::resume_unwind(p));
        let diagnostics = match &result {
            Ok(loaded) => &loaded.warnings,
            Err(BuildError::Content(ds)) => ds,
            Err(BuildError::Usage(msg)) => panic!("usage error from a content file: {msg}"),
            Err(BuildError::Output(e)) => panic!("output error while loading: {e}"),
        };
        for d in diagnostics.iter() {
            // Diagnostics about the fuzzed file must point inside it; the others inside theirs.
            let text: Vec<u8> = if d.path == Path::new(slot.rel()) {
                data.to_vec()
            } else {
                fs::read(self.root.join(&d.path)).unwrap_or_default()
            };
            check_diagnostic(d, max_line(&text));
        }
        let _ = diagnostics.to_text();
        result
    }
}

fn write(path: &Path, data: &[u8]) {
    fs::create_dir_all(path.parent().expect("a file in a folder")).expect("create folder");
    fs::write(path, data).expect("write fixture file");
}

thread_local! {
    static FIXTURE: RefCell<Option<SiteFixture>> = const { RefCell::new(None) };
}

/// Target `site`: the first byte picks the file (see [`Slot::from_byte`]), the rest is its content.
pub fn site(data: &[u8]) {
    let Some((&selector, content)) = data.split_first() else { return };
    FIXTURE.with(|f| {
        let mut f = f.borrow_mut();
        let fixture = f.get_or_insert_with(SiteFixture::new);
        let _ = fixture.run(Slot::from_byte(selector), content);
    });
}
