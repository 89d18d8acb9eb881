//! `namrong new`: starting files for a pilot (pilot.toml with every field explained, th.md,
//! en.md) or for a dated update pair, all drafts. Never overwrites anything, never writes through
//! a symbolic link (a linked pilot or `updates/` folder could lead anywhere on the machine), and
//! never invents a province or an issue: what the editor did not give is left for them to fill,
//! with the allowed values in a comment. It also owns the placeholder texts it writes, so
//! `validate` can refuse to publish a file that still has one.

use std::fs;
use std::ops::Range;
use std::path::{Path, PathBuf};

use crate::load::{CONTENT_DIR, is_slug, suggest_slug};
use crate::model::{Date, province};

/// What to create.
#[derive(Debug, Clone)]
pub enum NewThing {
    /// A pilot folder, optionally with a province and an issue filled in.
    Pilot {
        /// Province as written by the user.
        province: Option<String>,
        /// Issue key.
        issue: Option<String>,
    },
    /// A pair of update files dated `date`.
    Update {
        /// The update's name (after the date).
        name: String,
        /// The date in the file names.
        date: Date,
    },
}

/// Creates the files and returns their paths, or explains why not.
pub fn create(root: &Path, slug: &str, thing: &NewThing) -> Result<Vec<PathBuf>, String> {
    if !is_slug(slug) {
        return Err(format!(
            "`{slug}` is not a valid pilot slug: use lowercase letters a-z, digits and hyphens, e.g. `{}`",
            suggest_slug(slug)
        ));
    }
    let dir = root.join(CONTENT_DIR).join("pilots").join(slug);
    let files: Vec<(PathBuf, String)> = match thing {
        NewThing::Pilot { province, issue } => {
            if dir.exists() {
                return Err(format!("{} already exists; nothing was changed", dir.display()));
            }
            let province = province.as_deref().map(check_province).transpose()?;
            let issues = read_issue_keys(root);
            let issue = issue.as_deref().map(|i| check_issue(i, issues.as_deref())).transpose()?;
            vec![
                (dir.join("pilot.toml"), pilot_toml(province.as_deref(), issue.as_deref(), issues.as_deref())),
                (dir.join("th.md"), format!("## ที่มา\n\n{}\n\n## ผลที่ได้\n\n", PILOT_TH[2])),
                (dir.join("en.md"), format!("## Background\n\n{}\n\n## Results\n\n", PILOT_EN[2])),
            ]
        }
        NewThing::Update { name, date } => {
            if !dir.join("pilot.toml").is_file() {
                return Err(format!("there is no pilot `{slug}` ({} is missing)", dir.join("pilot.toml").display()));
            }
            if !is_slug(name) {
                return Err(format!("`{name}` is not a valid update name: use lowercase letters, digits and hyphens"));
            }
            let stem = format!("{date}-{name}");
            vec![
                (dir.join(format!("updates/{stem}.th.md")), update_md(&UPDATE_TH)),
                (dir.join(format!("updates/{stem}.en.md")), update_md(&UPDATE_EN)),
            ]
        }
    };
    for (path, _) in &files {
        let rel = path.strip_prefix(root).expect("made below root");
        if let Some(link) = crate::nofollow::first_link(root, rel) {
            return Err(format!(
                "{} is a symbolic link; namrong does not write through symbolic links, so nothing was changed (replace the link with a real folder)",
                root.join(link).display()
            ));
        }
    }
    if let Some((existing, _)) = files.iter().find(|(p, _)| p.exists()) {
        return Err(format!("{} already exists; nothing was changed", existing.display()));
    }
    for (path, text) in &files {
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
        // `create_new` fails on anything already there, a link made meanwhile included.
        fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(path)
            .and_then(|mut f| std::io::Write::write_all(&mut f, text.as_bytes()))
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    Ok(files.into_iter().map(|(p, _)| p).collect())
}

/// What to do after `new`, printed under the list of files it made.
pub const NEXT_STEPS: &str = "next: replace every text marked \"(replace before publishing)\" / \"(แก้ไขก่อนเผยแพร่)\", \
preview with `namrong serve` (drafts are shown there), and delete the `draft = true` line to publish";

/// The title, summary and narrative placeholders of a new pilot, in Thai.
const PILOT_TH: [&str; 3] = [
    "ชื่อโครงการนำร่อง (แก้ไขก่อนเผยแพร่)",
    "สรุปสั้น ๆ หนึ่งหรือสองประโยค (แก้ไขก่อนเผยแพร่)",
    "เขียนว่าโครงการนำร่องนี้ทำอะไร ที่ไหน เพื่อใคร (แก้ไขก่อนเผยแพร่)",
];
/// The same in English.
const PILOT_EN: [&str; 3] = [
    "Pilot title (replace before publishing)",
    "A one- or two-sentence summary (replace before publishing)",
    "Write what this pilot does, where and for whom (replace before publishing).",
];
/// The title, summary and body placeholders of a new update, in Thai.
const UPDATE_TH: [&str; 3] =
    ["หัวข้อความคืบหน้า (แก้ไขก่อนเผยแพร่)", "สรุปหนึ่งประโยค (แก้ไขก่อนเผยแพร่)", "เล่าว่าเกิดอะไรขึ้น เมื่อไร กับใคร (แก้ไขก่อนเผยแพร่)"];
/// The same in English.
const UPDATE_EN: [&str; 3] = [
    "Update title (replace before publishing)",
    "One-sentence summary (replace before publishing)",
    "Tell what happened, when and with whom (replace before publishing).",
];

/// Every text `new` writes for the editor to replace. A file that still contains one is not
/// ready to publish (see [`find_placeholders`]).
pub const PLACEHOLDERS: [&str; 12] = [
    PILOT_TH[0],
    PILOT_TH[1],
    PILOT_TH[2],
    PILOT_EN[0],
    PILOT_EN[1],
    PILOT_EN[2],
    UPDATE_TH[0],
    UPDATE_TH[1],
    UPDATE_TH[2],
    UPDATE_EN[0],
    UPDATE_EN[1],
    UPDATE_EN[2],
];

/// Byte ranges and texts of the placeholders left in `text`. In TOML files (`toml`), comment
/// lines are skipped: the commented examples of a new pilot.toml are not content.
pub fn find_placeholders(text: &str, toml: bool) -> Vec<(Range<usize>, &'static str)> {
    let mut found = Vec::new();
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        if !(toml && line.trim_start().starts_with('#')) {
            for p in PLACEHOLDERS {
                if let Some(i) = line.find(p) {
                    found.push((start + i..start + i + p.len(), p));
                }
            }
        }
        start += line.len();
    }
    found
}

/// The Thai name of the province written as `name`, or "did you mean".
fn check_province(name: &str) -> Result<String, String> {
    match province::lookup(name) {
        Some(i) => Ok(province::all()[i].th.to_string()),
        None => Err(match province::suggest(name) {
            Some(s) => format!("unknown province \"{name}\"; did you mean {} / {} ({})?", s.en, s.th, s.code),
            None => format!(
                "unknown province \"{name}\": write the Thai name, the English name or the ISO code, \
                 e.g. ลำปาง, Lampang or TH-52"
            ),
        }),
    }
}

/// The issue keys of content/issues.toml in file order; `None` when it cannot be read.
fn read_issue_keys(root: &Path) -> Option<Vec<String>> {
    let (_, tables) = crate::load::load_issues(root).ok()?;
    Some(tables.into_iter().map(|(key, _)| key).collect())
}

/// `issue` if it is a key of content/issues.toml (or, when that cannot be read, a valid key).
fn check_issue(issue: &str, known: Option<&[String]>) -> Result<String, String> {
    match known {
        Some(keys) if keys.iter().any(|k| k == issue) => Ok(issue.to_string()),
        Some(keys) => {
            let listed = if keys.is_empty() { "(none yet)".to_string() } else { keys.join(", ") };
            // "haze" for "haze-wildfire": a whole word of a key is as good a guess as a typo.
            let word = || keys.iter().map(String::as_str).find(|k| k.split('-').any(|w| w == issue));
            Err(match crate::suggest::closest(issue, keys.iter().map(String::as_str)).or_else(word) {
                Some(best) => format!("unknown issue \"{issue}\"; did you mean \"{best}\"? Known issues: {listed}"),
                None => format!("unknown issue \"{issue}\"; the issues in content/issues.toml are: {listed}"),
            })
        }
        None if is_slug(issue) => Ok(issue.to_string()),
        None => Err(format!("`{issue}` is not a valid issue key (lowercase letters, digits and hyphens)")),
    }
}

/// An update file: a draft with placeholders for title, summary and body.
fn update_md(texts: &[&str; 3]) -> String {
    format!(
        "+++\ntitle   = \"{}\"\nsummary = \"{}\"\ndraft   = true   # remove this line to publish the update\n+++\n\n{}\n",
        texts[0], texts[1], texts[2]
    )
}

/// The `provinces = ...` line and its comment.
fn provinces_line(province: Option<&str>) -> String {
    let examples =
        "Thai name, English name or ISO code, e.g. [\"ลำปาง\"], [\"Chiang Mai\"], [\"TH-20\"]; several allowed";
    match province {
        Some(p) => format!("provinces = [\"{p}\"]   # {examples}"),
        None => format!("# Which province? {examples}\nprovinces = []"),
    }
}

/// The `issues = ...` line and a comment listing the allowed keys.
fn issues_line(issue: Option<&str>, known: Option<&[String]>) -> String {
    let allowed = match known {
        Some([]) => "content/issues.toml has no issues yet: add one there first".to_string(),
        Some(keys) => format!("one or more of: {}", keys.join(", ")),
        None => "keys from content/issues.toml".to_string(),
    };
    match issue {
        Some(i) => format!("issues    = [\"{i}\"]   # {allowed}"),
        None => format!("# Which issues? {allowed}\nissues    = []"),
    }
}

fn pilot_toml(province: Option<&str>, issue: Option<&str>, known: Option<&[String]>) -> String {
    let (provinces, issues) = (provinces_line(province), issues_line(issue, known));
    let (title_th, title_en, summary_th, summary_en) = (PILOT_TH[0], PILOT_EN[0], PILOT_TH[1], PILOT_EN[1]);
    format!(
        r#"# The facts of one pilot. Text fields take Thai and English: {{ th = "...", en = "..." }}.
# Dates are written in the Common Era without quotes (2024-05-07); pages show them in the Buddhist Era.
# Replace every text marked "(replace before publishing)": a build refuses to publish it.

title     = {{ th = "{title_th}", en = "{title_en}" }}
summary   = {{ th = "{summary_th}", en = "{summary_en}" }}
{provinces}
# district = {{ th = "อำเภอ...", en = "... District" }}
# tambon   = {{ th = "ตำบล...", en = "... Subdistrict" }}
{issues}
status    = "planned"        # planned | active | completed | suspended
start     = 2024-01-01
# end      = 2025-12-31
# lead     = {{ th = "หน่วยงานหลัก", en = "Lead agency" }}
# partners = [ {{ th = "ภาคี", en = "Partner" }} ]
draft     = true             # drafts are left out of builds unless --drafts; remove this line to publish
# image     = "images/photo.jpg"                     # a file in this folder
# image_alt = {{ th = "คำบรรยายภาพ", en = "What the picture shows" }}

# [[indicators]]
# name     = {{ th = "ผู้เข้าร่วม", en = "Participants" }}
# unit     = {{ th = "คน", en = "people" }}
# baseline = 0
# target   = 100
# actual   = 40
# as_of    = 2024-06-30      # required when actual is given
# source   = 1               # the first entry of sources below

# Where the facts come from, numbered from 1 in this order; pages list them as "Sources".
# [[sources]]
# title     = {{ th = "ชื่อข่าวหรือเอกสาร", en = "Title of the news item or document" }}
# publisher = {{ th = "หน่วยงานที่เผยแพร่", en = "Publisher" }}
# date      = 2024-06-30
# url       = "https://..."  # http or https; leave out when it is not online
"#
    )
}
