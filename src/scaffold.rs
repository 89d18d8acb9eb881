//! `namrong new`: starting files for a pilot (pilot.toml with every field explained, th.md,
//! en.md) or for a dated update pair. Never overwrites anything, and never writes through a
//! symbolic link (a linked pilot or `updates/` folder could lead anywhere on the machine).

use std::fs;
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
            let province = match province {
                None => "ลำปาง".to_string(),
                Some(p) => {
                    let i = province::lookup(p).ok_or_else(|| match province::suggest(p) {
                        Some(s) => format!("unknown province \"{p}\"; did you mean {} / {} ({})?", s.en, s.th, s.code),
                        None => format!("unknown province \"{p}\""),
                    })?;
                    province::all()[i].th.to_string()
                }
            };
            let issue = issue.clone().unwrap_or_else(|| "haze-wildfire".into());
            if !is_slug(&issue) {
                return Err(format!("`{issue}` is not a valid issue key (lowercase letters, digits and hyphens)"));
            }
            vec![
                (dir.join("pilot.toml"), pilot_toml(&province, &issue)),
                (dir.join("th.md"), "## ที่มา\n\nเขียนว่าโครงการนำร่องนี้ทำอะไร ที่ไหน เพื่อใคร\n\n## ผลที่ได้\n\n".into()),
                (
                    dir.join("en.md"),
                    "## Background\n\nWrite what this pilot does, where and for whom.\n\n## Results\n\n".into(),
                ),
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
                (
                    dir.join(format!("updates/{stem}.th.md")),
                    "+++\ntitle = \"หัวข้อความคืบหน้า\"\nsummary = \"สรุปหนึ่งประโยค\"\n+++\n\nเล่าว่าเกิดอะไรขึ้น\n".into(),
                ),
                (
                    dir.join(format!("updates/{stem}.en.md")),
                    "+++\ntitle = \"Update title\"\nsummary = \"One-sentence summary\"\n+++\n\nWhat happened.\n".into(),
                ),
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

fn pilot_toml(province: &str, issue: &str) -> String {
    format!(
        r#"# The facts of one pilot. Text fields take Thai and English: {{ th = "...", en = "..." }}.
# Dates are written in the Common Era without quotes (2024-05-07); pages show them in the Buddhist Era.

title     = {{ th = "ชื่อโครงการนำร่อง", en = "Pilot title" }}
summary   = {{ th = "สรุปสั้น ๆ หนึ่งหรือสองประโยค", en = "A one- or two-sentence summary" }}
provinces = ["{province}"]   # Thai name, English name or ISO code ("TH-52"); several allowed
# district = {{ th = "อำเภอ...", en = "... District" }}
# tambon   = {{ th = "ตำบล...", en = "... Subdistrict" }}
issues    = ["{issue}"]      # keys from content/issues.toml
status    = "planned"        # planned | active | completed | suspended
start     = 2024-01-01
# end      = 2025-12-31
# lead     = {{ th = "หน่วยงานหลัก", en = "Lead agency" }}
# partners = [ {{ th = "ภาคี", en = "Partner" }} ]
draft     = true             # drafts are left out of builds unless --drafts
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
