//! From what `load` read to a checked `Site`: required fields, provinces and issue keys resolved
//! (with "did you mean"), statuses, Common-Era dates, indicator rules, translations present,
//! drafts (pilots and updates) left out unless asked for, placeholder text left by `namrong new`,
//! years from the other calendar (the rules live in `calendar`), and every Markdown body
//! rendered once with its links checked. Problems are collected, not returned at the first one;
//! pilots are checked in parallel.

use std::ops::Range;

use chrono::Datelike;
use rayon::prelude::*;
use toml::Spanned;
use toml::value::Datetime;

use crate::config::Config;
use crate::diagnostics::{Diagnostic, Diagnostics, Kind, Severity};
use crate::links::LinkIndex;
use crate::load::{RawContent, RawDoc, RawPage, RawPilot, RawUpdate, is_slug};
use crate::markdown;
use crate::model::{
    Better, Citation, Date, Doc, Image, Indicator, Issue, Lang, Measurement, Page, PerLang, Pilot, Site, Status,
    TargetKind, Text, Update, province,
};
use crate::records::{
    IndicatorRecord, InlineSourceRecord, NarrativeFront, PageFront, PilotRecord, SourceRecord, UpdateFront,
};
use crate::source::Source;
pub use crate::urls::check_web_address;

/// What validation needs besides the content.
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    /// Keep pilots marked `draft = true`.
    pub include_drafts: bool,
    /// Today, for "dated in the future" warnings.
    pub today: Date,
}

/// Checks everything read and builds the site. Returns the site (possibly partial) and all
/// problems; the caller decides whether errors stop it.
pub fn validate(config: Config, content: RawContent, settings: Settings) -> (Site, Diagnostics) {
    let (site, problems, _) = validate_keeping(config, content, settings);
    (site, problems)
}

/// What a site was validated from: the content as read (drafts left out unless included) and
/// the link index built from it. The preview keeps these to re-validate one pilot after an edit
/// without reading the rest again.
#[derive(Debug, Default)]
pub struct Inputs {
    /// The content the site was made from.
    pub content: RawContent,
    /// Every link target of that content.
    pub links: LinkIndex,
}

/// [`validate`], also returning the [`Inputs`] it used.
pub fn validate_keeping(config: Config, mut content: RawContent, settings: Settings) -> (Site, Diagnostics, Inputs) {
    let mut problems = Diagnostics::new();
    if config.publisher.is_none() {
        problems.push(
            Diagnostic::warning(crate::config::CONFIG_FILE, "namrong.toml does not say who publishes the data")
                .hint("the data catalogue (data/catalog.jsonld) names the site itself until you add: publisher = { name = { th = \"...\", en = \"...\" }, url = \"https://...\", email = \"...\" }"),
        );
    }
    let issues = validate_issues(&content, &mut problems);
    if !settings.include_drafts {
        content.pilots.retain(|p| !p.record.as_ref().is_some_and(|r| r.draft));
    }
    let links = LinkIndex::new(&content);
    let ctx = Validator { config: &config, issues: &issues, links: &links, settings };
    let checked: Vec<(Option<Pilot>, Diagnostics)> = content.pilots.par_iter().map(|p| ctx.pilot(p)).collect();
    let mut pilots = Vec::with_capacity(checked.len());
    for (pilot, ds) in checked {
        problems.extend(ds.0);
        pilots.extend(pilot);
    }
    check_duplicate_slugs(&pilots, &mut problems);
    let mut pages: Vec<Page> = content.pages.iter().filter_map(|p| ctx.page(p, &mut problems)).collect();
    pages.sort_by(|a, b| (a.weight, &a.name).cmp(&(b.weight, &b.name)));
    let site = Site {
        config,
        issues,
        pilots,
        pages,
        assets: content.page_assets.clone(),
        photos: content.page_photos.clone(),
        words: content.words.clone(),
    };
    (site, problems, Inputs { content, links })
}

/// Reports pilots that share a slug (possible when content is merged from several sources).
pub fn check_duplicate_slugs(pilots: &[Pilot], problems: &mut Diagnostics) {
    for pair in pilots.windows(2) {
        if pair[0].slug == pair[1].slug {
            problems.push(
                Diagnostic::error(
                    format!("content/pilots/{}", pair[1].slug),
                    format!("two pilots have the slug `{}`", pair[1].slug),
                )
                .hint("each pilot folder needs its own name"),
            );
        }
    }
}

/// Checks content/issues.toml.
pub fn validate_issues(content: &RawContent, problems: &mut Diagnostics) -> Vec<Issue> {
    let Some((source, records)) = &content.issues else { return Vec::new() };
    let mut issues = Vec::new();
    for (key, record) in records {
        let span = record.span();
        if !is_slug(key) {
            problems.push(
                Diagnostic::error(
                    &source.path,
                    format!("issue key `{key}` must be lowercase letters, digits and hyphens"),
                )
                .at(source, span.clone())
                .hint(format!("for example [{}]", crate::load::suggest_slug(key))),
            );
            continue;
        }
        let r = record.get_ref();
        let label = Text { th: r.th.clone(), en: r.en.clone() };
        if label.is_empty() {
            problems.push(
                Diagnostic::error(&source.path, format!("issue `{key}` has no name"))
                    .at(source, span.clone())
                    .hint("add th = \"...\" and en = \"...\" under it"),
            );
        }
        for lang in Lang::ALL {
            if label.get(lang).is_none() && !label.is_empty() {
                problems.push(
                    Diagnostic::warning(&source.path, format!("issue `{key}` has no {} name", lang_name(lang)))
                        .at(source, span.clone())
                        .hint(format!("add {} = \"...\"", lang.code())),
                );
            }
        }
        issues.push(Issue { key: key.clone(), label, description: r.description.clone().unwrap_or_default() });
    }
    issues
}

fn lang_name(lang: Lang) -> &'static str {
    match lang {
        Lang::Th => "Thai",
        Lang::En => "English",
    }
}

/// Checks single records against the rest of the site; used by `validate` for every record and
/// by the preview server for the one that changed.
pub struct Validator<'a> {
    /// The site's settings.
    pub config: &'a Config,
    /// The known issues.
    pub issues: &'a [Issue],
    /// Every linkable content path.
    pub links: &'a LinkIndex,
    /// Drafts and today's date.
    pub settings: Settings,
}

/// Collects problems about one file.
struct FileProblems<'s> {
    source: &'s Source,
    out: Diagnostics,
    /// Where the TOML that spanned values come from starts in the file (front matter).
    toml_offset: usize,
}

impl<'s> FileProblems<'s> {
    fn new(source: &'s Source) -> Self {
        FileProblems { source, out: Diagnostics::new(), toml_offset: 0 }
    }

    /// Problems about a document whose TOML is its front matter, starting at `offset`.
    fn front_matter(source: &'s Source, offset: usize) -> Self {
        FileProblems { source, out: Diagnostics::new(), toml_offset: offset }
    }

    /// A span of a value parsed from this file's TOML, as a span of the file.
    fn toml_span(&self, span: Range<usize>) -> Range<usize> {
        span.start + self.toml_offset..span.end + self.toml_offset
    }

    fn add(&mut self, severity: Severity, span: Range<usize>, message: impl Into<String>, hint: Option<String>) {
        let mut d = Diagnostic::new(severity, &self.source.path, message).at(self.source, span);
        d.hint = hint;
        self.out.push(d);
    }

    fn error(&mut self, span: Range<usize>, message: impl Into<String>, hint: impl Into<String>) {
        self.add(Severity::Error, span, message, Some(hint.into()));
    }

    fn missing(&mut self, field: &str, example: &str) {
        self.error(0..0, format!("required field `{field}` is missing"), format!("add a line: {example}"));
    }

    /// Converts a TOML date, rejecting times and Buddhist-Era years.
    fn date(&mut self, value: &Spanned<Datetime>) -> Option<Date> {
        let span = self.toml_span(value.span());
        let dt = value.get_ref();
        let (Some(d), None) = (dt.date, dt.time) else {
            self.error(
                span,
                "expected a date such as 2024-05-07",
                "write the date only, without a time and without quotes",
            );
            return None;
        };
        check_date(i32::from(d.year), u32::from(d.month), u32::from(d.day))
            .map_err(|(msg, hint)| self.error(span, msg, hint))
            .ok()
    }
}

/// Checks a year, month and day; Buddhist-Era years get a hint with the Common-Era year.
pub fn check_date(year: i32, month: u32, day: u32) -> Result<Date, (String, String)> {
    if year >= 2400 {
        let ce = year - 543;
        return Err((
            format!("the year {year} looks like a Buddhist-Era year"),
            format!(
                "write {ce:04}-{month:02}-{day:02}; dates are in the Common Era (pages show them in the Buddhist Era)"
            ),
        ));
    }
    Date::from_ymd_opt(year, month, day).ok_or_else(|| {
        (format!("{year:04}-{month:02}-{day:02} is not a real date"), "check the month and the day".into())
    })
}

impl Validator<'_> {
    /// Checks one pilot folder; `None` when it has errors.
    pub fn pilot(&self, raw: &RawPilot) -> (Option<Pilot>, Diagnostics) {
        let Some(r) = &raw.record else {
            // pilot.toml is broken (already reported): still check the other files, so one run
            // shows every problem.
            let mut problems = Diagnostics::new();
            for doc in &raw.narratives {
                self.doc::<NarrativeFront>(doc, &format!("pilots/{}", raw.slug), &mut problems);
            }
            // The pilot's sources are unknown, so numbers given as `source` cannot be checked.
            let mut sources = Sources { list: Vec::new(), listed: None };
            for u in &raw.updates {
                self.update(raw, u, &mut sources, &mut problems);
            }
            return (None, problems);
        };
        let mut fp = FileProblems::new(&raw.source);
        let title = r.title.clone().unwrap_or_default();
        if title.is_empty() {
            fp.missing("title", "title = { th = \"...\", en = \"...\" }");
        }
        let provinces = self.provinces(r, &mut fp);
        let issues = self.issue_keys(r, &mut fp);
        let status = match &r.status {
            None => {
                fp.missing("status", "status = \"active\"   # planned | active | completed | suspended");
                None
            }
            Some(s) => Status::from_key(s.get_ref()).or_else(|| {
                let keys = Status::ALL.map(Status::key);
                let hint = match crate::suggest::closest(s.get_ref(), keys) {
                    Some(best) => format!("did you mean \"{best}\"? Allowed: planned, active, completed, suspended"),
                    None => "allowed: planned, active, completed, suspended".into(),
                };
                fp.error(s.span(), format!("unknown status \"{}\"", s.get_ref()), hint);
                None
            }),
        };
        let start = match &r.start {
            None => {
                fp.missing("start", "start = 2024-05-07");
                None
            }
            Some(s) => fp.date(s),
        };
        let end = r.end.as_ref().and_then(|e| fp.date(e));
        if let (Some(s), Some(e), Some(span)) = (start, end, r.end.as_ref().map(Spanned::span))
            && e < s
        {
            fp.error(
                span,
                format!("the end date {e} is before the start date {s}"),
                "check both dates; end must be on or after start",
            );
        }
        let listed: Vec<Citation> = r.sources.iter().filter_map(|s| citation(s, &mut fp)).collect();
        let mut sources = Sources { listed: Some(r.sources.len()), list: listed };
        let indicators =
            r.indicators.iter().filter_map(|i| indicator(i, &mut sources, self.settings.today, &mut fp)).collect();
        let image = self.image(raw, &mut fp);
        let mut problems = fp.out;
        let narrative = PerLang::build(|lang| {
            let doc = raw.narratives.iter().find(|d| d.lang == lang)?;
            let (front, doc) = self.doc::<NarrativeFront>(doc, &format!("pilots/{}", raw.slug), &mut problems)?;
            Some((front, doc))
        });
        let mut title = title;
        let mut summary = r.summary.clone().unwrap_or_default();
        for lang in Lang::ALL {
            if let Some((front, _)) = narrative.get(lang) {
                if let Some(t) = &front.title {
                    *text_slot(&mut title, lang) = Some(t.clone());
                }
                if let Some(s) = &front.summary {
                    *text_slot(&mut summary, lang) = Some(s.clone());
                }
            }
        }
        let narrative = PerLang { th: narrative.th.map(|(_, d)| d), en: narrative.en.map(|(_, d)| d) };
        check_placeholders(&raw.source, true, r.draft, &mut problems);
        for doc in &raw.narratives {
            check_placeholders(&doc.source, false, r.draft, &mut problems);
        }
        if self.config.calendar_lint {
            crate::calendar::lint_toml(&raw.source, &mut problems);
            for doc in &raw.narratives {
                crate::calendar::lint_markdown(&doc.source, doc.lang, &mut problems);
            }
        }
        self.warn_translations(raw, &title, &narrative, &mut problems);
        let updates = raw.updates.iter().filter_map(|u| self.update(raw, u, &mut sources, &mut problems)).collect();
        let (Some(status), Some(start), false) =
            (status, start, title.is_empty() || provinces.is_empty() || issues.is_empty())
        else {
            return (None, problems);
        };
        let pilot = Pilot {
            slug: raw.slug.clone(),
            title,
            summary,
            provinces,
            district: r.district.clone().unwrap_or_default(),
            tambon: r.tambon.clone().unwrap_or_default(),
            issues,
            status,
            start,
            end,
            lead: r.lead.clone().unwrap_or_default(),
            partners: r.partners.clone(),
            draft: r.draft,
            image,
            indicators,
            sources: sources.list,
            narrative,
            updates,
            assets: raw.assets.clone(),
            photos: raw.photos.clone(),
        };
        (Some(pilot), problems)
    }

    fn provinces(&self, r: &PilotRecord, fp: &mut FileProblems) -> Vec<usize> {
        let Some(list) = &r.provinces else {
            fp.missing("provinces", "provinces = [\"ลำปาง\"]");
            return Vec::new();
        };
        if list.get_ref().is_empty() {
            fp.error(list.span(), "a pilot needs at least one province", "for example provinces = [\"ลำปาง\"]");
        }
        let mut out = Vec::new();
        for name in list.get_ref() {
            match province::lookup(name.get_ref()) {
                Some(i) if out.contains(&i) => {
                    fp.error(name.span(), "this province is listed twice", "remove one of them")
                }
                Some(i) => out.push(i),
                None => {
                    let hint = match province::suggest(name.get_ref()) {
                        Some(p) => format!("did you mean {} / {} ({})?", p.en, p.th, p.code),
                        None => "write the Thai name, the English name or the ISO code, e.g. \"ลำปาง\", \"Lampang\" or \"TH-52\"".into(),
                    };
                    fp.error(name.span(), format!("unknown province \"{}\"", name.get_ref()), hint);
                }
            }
        }
        out
    }

    fn issue_keys(&self, r: &PilotRecord, fp: &mut FileProblems) -> Vec<usize> {
        let Some(list) = &r.issues else {
            fp.missing("issues", "issues = [\"haze-wildfire\"]   # keys of content/issues.toml");
            return Vec::new();
        };
        if list.get_ref().is_empty() {
            fp.error(list.span(), "a pilot needs at least one issue", "use keys from content/issues.toml");
        }
        let known: Vec<&str> = self.issues.iter().map(|i| i.key.as_str()).collect();
        let mut out = Vec::new();
        for key in list.get_ref() {
            match known.iter().position(|k| k == key.get_ref()) {
                Some(i) if out.contains(&i) => fp.error(key.span(), "this issue is listed twice", "remove one of them"),
                Some(i) => out.push(i),
                None => {
                    let listed = if known.is_empty() { "(none yet)".to_string() } else { known.join(", ") };
                    let hint = match crate::suggest::closest(key.get_ref(), known.iter().copied()) {
                        Some(best) => format!("did you mean \"{best}\"? Known issues: {listed}"),
                        None => format!("known issues in content/issues.toml: {listed}"),
                    };
                    fp.error(key.span(), format!("unknown issue \"{}\"", key.get_ref()), hint);
                }
            }
        }
        out
    }

    fn image(&self, raw: &RawPilot, fp: &mut FileProblems) -> Option<Image> {
        let value = raw.record.as_ref()?.image.as_ref()?;
        let span = value.span();
        let alt = raw.record.as_ref().and_then(|r| r.image_alt.clone()).unwrap_or_default();
        // `image = "…"` is one file for both languages; `image = { th = "…", en = "…" }` one each.
        let given: PerLang<&str> = match value.get_ref() {
            toml::Value::String(one) => PerLang { th: one.as_str(), en: one.as_str() },
            toml::Value::Table(t) if t.keys().all(|k| k == "th" || k == "en") => {
                match (t.get("th").and_then(toml::Value::as_str), t.get("en").and_then(toml::Value::as_str)) {
                    (Some(th), Some(en)) => PerLang { th, en },
                    _ => {
                        fp.error(
                            span,
                            "a per-language image needs a path for both th and en",
                            "write image = { th = \"images/overview-th.svg\", en = \"images/overview-en.svg\" }",
                        );
                        return None;
                    }
                }
            }
            _ => {
                fp.error(
                    span,
                    "image must be a path or one path per language",
                    "write image = \"images/map.png\" or image = { th = \"images/map-th.png\", en = \"images/map-en.png\" }",
                );
                return None;
            }
        };
        let mut found = true;
        let path = PerLang::build(|lang| {
            let file = *given.get(lang);
            let full = crate::source::normalize(format!("pilots/{}/{file}", raw.slug).split('/')).map(|p| p.join("/"));
            match full {
                Some(full) if raw.assets.contains(&full) => full,
                _ => {
                    // Report a file that both languages share only once.
                    if lang == Lang::Th || file != given.th {
                        fp.error(
                            span.clone(),
                            format!("image \"{file}\" is not a file in this pilot's folder"),
                            "give the path from the pilot folder, e.g. image = \"images/map.png\"",
                        );
                    }
                    found = false;
                    String::new()
                }
            }
        });
        if !found {
            return None;
        }
        if alt.is_empty() {
            fp.error(
                span,
                "the image has no description",
                "add image_alt = { th = \"...\", en = \"...\" } for people who cannot see it",
            );
        }
        Some(Image { path, alt })
    }

    fn warn_translations(
        &self,
        raw: &RawPilot,
        title: &Text,
        narrative: &PerLang<Option<Doc>>,
        problems: &mut Diagnostics,
    ) {
        let dir = raw.source.path.parent().expect("pilot.toml is in a folder");
        for lang in Lang::ALL {
            let file = dir.join(format!("{}.md", lang.code()));
            // A narrative that is there but could not be read or parsed has its own error already.
            let broken = raw.narratives.iter().any(|d| d.lang == lang) || raw.unreadable.contains(&file);
            match narrative.get(lang) {
                None if broken => {}
                None => problems.push(
                    Diagnostic::warning(
                        dir.join(format!("{}.md", lang.code())),
                        format!("missing translation: this pilot has no {} narrative", lang_name(lang)),
                    )
                    .with_kind(Kind::MissingTranslation)
                    .hint(format!(
                        "write {}.md; until then the {} page shows the {} text with a notice",
                        lang.code(),
                        lang_name(lang),
                        lang_name(lang.other())
                    )),
                ),
                Some(doc) if doc.is_empty => problems.push(
                    Diagnostic::warning(&doc.path, "the narrative is empty")
                        .hint("write what the pilot does, where and for whom"),
                ),
                Some(_) => {}
            }
            if title.get(lang).is_none() && !title.is_empty() {
                problems.push(
                    Diagnostic::warning(
                        &raw.source.path,
                        format!("missing translation: the title has no {} version", lang_name(lang)),
                    )
                    .with_kind(Kind::MissingTranslation)
                    .at_line(&raw.source, 1)
                    .hint(format!("add {} = \"...\" to title", lang.code())),
                );
            }
        }
    }

    /// Checks one update (both files). A draft update is left out, with its problems, unless
    /// drafts are asked for.
    fn update(
        &self,
        raw: &RawPilot,
        u: &RawUpdate,
        sources: &mut Sources,
        problems: &mut Diagnostics,
    ) -> Option<Update> {
        let mut own = Diagnostics::new();
        let update = self.update_files(raw, u, sources, &mut own);
        if update.as_ref().is_some_and(|u| u.draft) && !self.settings.include_drafts {
            return None;
        }
        problems.extend(own.0);
        update
    }

    fn update_files(
        &self,
        raw: &RawPilot,
        u: &RawUpdate,
        sources: &mut Sources,
        problems: &mut Diagnostics,
    ) -> Option<Update> {
        let mut draft = false;
        let mut title = Text::default();
        let mut source: Option<usize> = None;
        let mut summary = Text::default();
        let mut body = PerLang::<Option<Doc>>::default();
        let mut date: Option<Date> = None;
        let dir = format!("pilots/{}/updates", raw.slug);
        let name_date = u.name_date.as_deref().and_then(|d| Date::parse_from_str(d, "%Y-%m-%d").ok());
        for raw_doc in &u.docs {
            let Some((front, doc)) = self.doc::<UpdateFront>(raw_doc, &dir, problems) else { continue };
            let mut fp = FileProblems::front_matter(&raw_doc.source, raw_doc.front.as_ref().map_or(0, |f| f.1));
            draft |= front.draft;
            match &front.title {
                Some(t) if !t.trim().is_empty() => *text_slot(&mut title, raw_doc.lang) = Some(t.clone()),
                _ => fp.error(
                    0..3,
                    "this update has no title",
                    "add title = \"...\" to the front matter between the +++ lines",
                ),
            }
            *text_slot(&mut summary, raw_doc.lang) = front.summary.clone();
            if let Some(value) = &front.source
                && let Some(i) = sources.resolve(value, &mut fp)
            {
                if source.is_some_and(|old| old != i) {
                    fp.add(
                        Severity::Warning,
                        fp.toml_span(value.span()),
                        "the Thai and English files of this update give different sources; the first is used",
                        Some("give the same `source` in both files".into()),
                    );
                }
                source.get_or_insert(i);
            }
            let front_date = front.date.as_ref().and_then(|d| fp.date(d));
            match (front_date, name_date) {
                (Some(f), Some(n)) if f != n => fp.add(
                    Severity::Warning,
                    front.date.as_ref().map_or(0..0, |d| fp.toml_span(d.span())),
                    format!("the date {f} differs from the date in the file name ({n}); {f} is used"),
                    Some("rename the file or fix the date so they agree".into()),
                ),
                (None, None) if front.date.is_none() => fp.error(
                    0..0,
                    "this update has no date",
                    "start the file name with the date (2024-09-25-name.th.md) or add date = 2024-09-25 to the front matter",
                ),
                _ => {}
            }
            if let Some(d) = front_date.or(name_date) {
                if d > self.settings.today {
                    fp.add(
                        Severity::Warning,
                        0..0,
                        format!("this update is dated in the future ({d})"),
                        Some("check the date".into()),
                    );
                }
                date = Some(date.map_or(d, |old: Date| old.max(d)));
            }
            problems.extend(fp.out.0);
            *body.get_mut(raw_doc.lang) = Some(doc);
        }
        for raw_doc in &u.docs {
            check_placeholders(&raw_doc.source, false, draft || pilot_is_draft(raw), problems);
            if self.config.calendar_lint {
                crate::calendar::lint_markdown(&raw_doc.source, raw_doc.lang, problems);
            }
        }
        for lang in Lang::ALL {
            // A file that is there but could not be read or parsed has its own error already.
            let written = u.docs.iter().any(|d| d.lang == lang)
                || raw.unreadable.iter().any(|p| is_update_file(p, &u.stem, lang));
            if !written && body.get(lang.other()).is_some() {
                let path = raw.source.path.parent().expect("in a folder").join(format!(
                    "updates/{}.{}.md",
                    u.stem,
                    lang.code()
                ));
                problems.push(
                    Diagnostic::warning(
                        path,
                        format!("missing translation: this update has no {} version", lang_name(lang)),
                    )
                    .with_kind(Kind::MissingTranslation),
                );
            }
        }
        let date = date?;
        (!title.is_empty()).then(|| Update { stem: u.stem.clone(), date, title, summary, body, source, draft })
    }

    fn page(&self, raw: &RawPage, problems: &mut Diagnostics) -> Option<Page> {
        if crate::urls::RESERVED.contains(&raw.name.as_str()) {
            let path = raw.docs.first().map(|d| d.source.path.clone()).unwrap_or_default();
            problems.push(
                Diagnostic::error(path, format!("the page name `{}` is used by the site itself", raw.name))
                    .hint("rename the page files"),
            );
            return None;
        }
        let mut title = Text::default();
        let mut description = Text::default();
        let mut weight = 0;
        let mut body = PerLang::<Option<Doc>>::default();
        for raw_doc in &raw.docs {
            let Some((front, doc)) = self.doc::<PageFront>(raw_doc, "pages", problems) else { continue };
            match &front.title {
                Some(t) if !t.trim().is_empty() => *text_slot(&mut title, raw_doc.lang) = Some(t.clone()),
                _ => problems.push(
                    Diagnostic::error(&raw_doc.source.path, "this page has no title")
                        .at_line(&raw_doc.source, 1)
                        .hint("start the file with:\n+++\ntitle = \"...\"\n+++"),
                ),
            }
            *text_slot(&mut description, raw_doc.lang) = front.description.clone();
            weight = front.weight.unwrap_or(weight);
            if self.config.calendar_lint {
                crate::calendar::lint_markdown(&raw_doc.source, raw_doc.lang, problems);
            }
            *body.get_mut(raw_doc.lang) = Some(doc);
        }
        (!title.is_empty()).then(|| Page { name: raw.name.clone(), title, description, weight, body })
    }

    /// Parses a document's front matter into `F` and renders its Markdown, checking links.
    fn doc<F: serde::de::DeserializeOwned + Default>(
        &self,
        raw: &RawDoc,
        dir: &str,
        problems: &mut Diagnostics,
    ) -> Option<(F, Doc)> {
        let front = match &raw.front {
            Some((text, offset)) => match raw.source.parse_toml::<F>(text, *offset) {
                Ok(f) => f,
                Err(d) => {
                    problems.push(d);
                    return None;
                }
            },
            None => F::default(),
        };
        let (config, links, lang) = (self.config, self.links, raw.lang);
        let pictures = |dest: &str, alt: &str, title: &str| {
            let photo = links.photo(dir, dest)?;
            let show = crate::images::Show {
                alt,
                title: Some(title),
                sizes: crate::images::CONTENT_SIZES,
                loading: crate::images::Loading::Lazy,
                class: None,
            };
            Some(crate::images::picture(photo, show, &|path| config.href(&crate::urls::asset(path))))
        };
        let rendered = markdown::render_with_pictures(
            raw.body(),
            |link: &str| links.resolve(config, dir, link, lang),
            config.unsafe_html,
            &pictures,
        );
        for range in rendered.missing_alt {
            let span = range.start + raw.body_offset..range.end + raw.body_offset;
            problems.push(
                Diagnostic::warning(&raw.source.path, "missing description: this image has no alt text")
                    .at(&raw.source, span)
                    .hint("describe it between the brackets for people who cannot see it: ![children planting trees at the school](images/photo.jpg)"),
            );
        }
        for (range, reason) in rendered.broken_links {
            let span = range.start + raw.body_offset..range.end + raw.body_offset;
            problems.push(
                Diagnostic::error(&raw.source.path, reason)
                    .at(&raw.source, span)
                    .hint("links are relative to this file's folder: another pilot is ../slug/, a file in this pilot's folder is images/name.png"),
            );
        }
        for problem in rendered.problems {
            let span = problem.range.start + raw.body_offset..problem.range.end + raw.body_offset;
            problems
                .push(Diagnostic::error(&raw.source.path, problem.message).at(&raw.source, span).hint(problem.hint));
        }
        let is_empty = rendered.plain.trim().is_empty();
        Some((front, Doc { path: raw.source.path.clone(), html: rendered.html, is_empty, plain: rendered.plain }))
    }
}

/// The start of the warning about placeholder text in a file that would be published. `build`
/// and `check` turn it into an error ([`refuse_placeholders`]); the preview keeps it a warning.
pub const PLACEHOLDER_PUBLISHED: &str = "placeholder text from `namrong new` would be published";

/// Warns about every placeholder left by `namrong new` in `source` (a TOML file when `toml`).
fn check_placeholders(source: &Source, toml: bool, draft: bool, problems: &mut Diagnostics) {
    for (span, text) in crate::scaffold::find_placeholders(&source.text, toml) {
        let (message, hint) = if draft {
            (
                format!("this draft still has placeholder text from `namrong new`: \"{text}\""),
                "replace it with the real text before you publish the draft",
            )
        } else {
            (
                format!("{PLACEHOLDER_PUBLISHED}: \"{text}\""),
                "replace it with the real text, or mark the file as a draft (draft = true) until it is ready",
            )
        };
        problems.push(Diagnostic::warning(&source.path, message).at(source, span).hint(hint));
    }
}

/// Makes placeholder text in files that would be published an error: a build must not publish it.
pub fn refuse_placeholders(problems: &mut Diagnostics) {
    for d in &mut problems.0 {
        if d.message.starts_with(PLACEHOLDER_PUBLISHED) {
            d.severity = Severity::Error;
        }
    }
}

/// True when pilot.toml says `draft = true`.
fn pilot_is_draft(raw: &RawPilot) -> bool {
    raw.record.as_ref().is_some_and(|r| r.draft)
}

/// True when `path` is the `lang` file of the update `stem`.
fn is_update_file(path: &std::path::Path, stem: &str, lang: Lang) -> bool {
    path.file_name().is_some_and(|n| n.to_string_lossy() == format!("{stem}.{}.md", lang.code()))
}

fn text_slot(text: &mut Text, lang: Lang) -> &mut Option<String> {
    match lang {
        Lang::Th => &mut text.th,
        Lang::En => &mut text.en,
    }
}

fn indicator(
    spanned: &Spanned<IndicatorRecord>,
    sources: &mut Sources,
    today: Date,
    fp: &mut FileProblems,
) -> Option<Indicator> {
    let r = spanned.get_ref();
    let span = spanned.span();
    let name = r.name.clone().unwrap_or_default();
    if name.is_empty() {
        fp.error(span.clone(), "this indicator has no name", "add name = { th = \"...\", en = \"...\" }");
    }
    let as_of = r.as_of.as_ref().and_then(|d| fp.date(d));
    let source = r.source.as_ref().and_then(|v| sources.resolve(v, fp));
    if r.actual.is_some() && r.as_of.is_none() {
        fp.error(
            span.clone(),
            "this indicator has an actual value but no as_of date",
            "add as_of = 2024-05-17 (the date the value was measured)",
        );
    }
    for v in [r.baseline, r.target, r.actual].into_iter().flatten() {
        if !v.is_finite() {
            fp.error(spanned.span(), "indicator values must be ordinary numbers", "write a number such as 70 or 12.5");
        }
    }
    let mut values = measurements(r, source, sources, today, fp);
    if !r.values.is_empty() && (r.actual.is_some() || r.as_of.is_some()) {
        fp.error(
            span.clone(),
            "this indicator gives both actual/as_of and [[indicators.values]]",
            "the latest value is the last of [[indicators.values]]: move actual and as_of into one more entry there (date = ..., value = ...) and remove them",
        );
    }
    if r.values.is_empty()
        && let (Some(value), Some(date)) = (r.actual.filter(|v| v.is_finite()), as_of)
    {
        values.push(Measurement { date, value, source, note: Text::default() });
    }
    let (better, target_kind) = direction(r, fp);
    (!name.is_empty()).then(|| Indicator {
        name,
        unit: r.unit.clone().unwrap_or_default(),
        baseline: r.baseline,
        target: r.target,
        better,
        target_kind,
        values,
        history: !r.values.is_empty(),
        source,
    })
}

/// Checks `[[indicators.values]]`: each has a date (in order, not after today) and a number.
fn measurements(
    r: &IndicatorRecord,
    indicator_source: Option<usize>,
    sources: &mut Sources,
    today: Date,
    fp: &mut FileProblems,
) -> Vec<Measurement> {
    let mut out: Vec<Measurement> = Vec::new();
    let mut previous: Option<Date> = None;
    for spanned in &r.values {
        let m = spanned.get_ref();
        let span = fp.toml_span(spanned.span());
        let date = match &m.date {
            None => {
                fp.error(
                    span.clone(),
                    "this measurement has no date",
                    "add date = 2024-05-17 (the day it was measured)",
                );
                None
            }
            Some(d) => fp.date(d).map(|date| (date, fp.toml_span(d.span()))),
        };
        if let Some((date, at)) = &date {
            if *date > today {
                fp.error(
                    at.clone(),
                    format!("this measurement is dated in the future ({date}; today is {today})"),
                    "give the date the value was measured; values planned for later belong in target",
                );
            }
            if let Some(before) = previous
                && *date <= before
            {
                fp.error(
                    at.clone(),
                    format!("measurement dates must go forward: {date} is listed after {before}"),
                    "list [[indicators.values]] oldest first, one entry per date",
                );
            }
            previous = Some(*date);
        }
        let value = match &m.value {
            None => {
                fp.error(span.clone(), "this measurement has no value", "add value = 70 (a number, without quotes)");
                None
            }
            Some(v) => number(v, fp),
        };
        let source = match &m.source {
            Some(v) => sources.resolve(v, fp),
            None => indicator_source,
        };
        if let (Some((date, _)), Some(value)) = (date, value) {
            out.push(Measurement { date, value, source, note: m.note.clone().unwrap_or_default() });
        }
    }
    out
}

/// A measurement's value: a finite number (an integer or a float).
fn number(v: &Spanned<toml::Value>, fp: &mut FileProblems) -> Option<f64> {
    let span = fp.toml_span(v.span());
    let n = match v.get_ref() {
        toml::Value::Integer(i) => *i as f64,
        toml::Value::Float(f) => *f,
        toml::Value::String(s) => {
            let hint = match s.trim().replace(',', "").parse::<f64>() {
                Ok(n) if n.is_finite() => format!("write value = {} without quotes", s.trim().replace(',', "")),
                _ => "write a number such as 70 or 12.5; put words such as \"more than\" in note = { th = \"...\", en = \"...\" }".into(),
            };
            fp.error(span, format!("the value \"{s}\" is text, not a number"), hint);
            return None;
        }
        other => {
            fp.error(
                span,
                format!("the value must be a number, not {}", other.type_str()),
                "write a number such as 70 or 12.5",
            );
            return None;
        }
    };
    if !n.is_finite() {
        fp.error(span, "indicator values must be ordinary numbers", "write a number such as 70 or 12.5");
        return None;
    }
    Some(n)
}

/// Reads `better` and `target_kind` (defaults: from baseline and target, then from `better`)
/// and checks that they agree with the baseline and the target.
fn direction(r: &IndicatorRecord, fp: &mut FileProblems) -> (Better, TargetKind) {
    // Without `better`, a written minimum or maximum says the direction; otherwise baseline
    // and target do.
    let written_kind =
        r.target_kind.as_ref().and_then(|k| TargetKind::ALL.into_iter().find(|x| x.key() == k.get_ref()));
    let from_ends = match written_kind {
        Some(TargetKind::Minimum) => Better::Higher,
        Some(TargetKind::Maximum) => Better::Lower,
        _ => Better::from_ends(r.baseline, r.target),
    };
    let better = match &r.better {
        None => from_ends,
        Some(b) => match Better::ALL.into_iter().find(|x| x.key() == b.get_ref()) {
            Some(better) => {
                let span = fp.toml_span(b.span());
                if let (Some(base), Some(target)) = (r.baseline, r.target)
                    && ((better == Better::Higher && target < base) || (better == Better::Lower && target > base))
                {
                    let (way, fix) = if better == Better::Higher { ("below", "lower") } else { ("above", "higher") };
                    fp.error(
                        span,
                        format!(
                            "better = \"{}\" but the target {} is {way} the baseline {}",
                            better.key(),
                            crate::i18n::format_number(target),
                            crate::i18n::format_number(base)
                        ),
                        format!(
                            "if {fix} values are better, write better = \"{fix}\"; otherwise check the baseline and the target"
                        ),
                    );
                }
                better
            }
            None => {
                unknown_key(fp, b, "better", Better::ALL.map(Better::key).as_slice());
                from_ends
            }
        },
    };
    let kind = match &r.target_kind {
        None => TargetKind::from_better(better),
        Some(k) => match TargetKind::ALL.into_iter().find(|x| x.key() == k.get_ref()) {
            Some(kind) => {
                let span = fp.toml_span(k.span());
                if r.target.is_none() {
                    fp.error(
                        span.clone(),
                        "target_kind is given but the indicator has no target",
                        "add target = ... or remove target_kind",
                    );
                }
                let odd = match (r.better.is_some(), better, kind) {
                    (true, Better::Higher, TargetKind::Maximum) => Some("lower"),
                    (true, Better::Lower, TargetKind::Minimum) => Some("higher"),
                    _ => None,
                };
                if let Some(fix) = odd {
                    fp.add(
                        Severity::Warning,
                        span,
                        format!(
                            "target_kind = \"{}\" goes against better = \"{}\": the target is met by the worse values",
                            kind.key(),
                            better.key()
                        ),
                        Some(format!("check both: a {} usually goes with better = \"{fix}\"", kind.key())),
                    );
                }
                kind
            }
            None => {
                unknown_key(fp, k, "target_kind", TargetKind::ALL.map(TargetKind::key).as_slice());
                TargetKind::from_better(better)
            }
        },
    };
    (better, kind)
}

/// Reports a word that is not one of `allowed`, with "did you mean".
fn unknown_key(fp: &mut FileProblems, value: &Spanned<String>, field: &str, allowed: &[&str]) {
    let listed = allowed.iter().map(|a| format!("\"{a}\"")).collect::<Vec<_>>().join(", ");
    let hint = match crate::suggest::closest(value.get_ref(), allowed.iter().copied()) {
        Some(best) => format!("did you mean \"{best}\"? Allowed: {listed}"),
        None => format!("allowed: {listed}"),
    };
    fp.error(fp.toml_span(value.span()), format!("unknown {field} \"{}\"", value.get_ref()), hint);
}

/// A pilot's sources while it is checked: the listed ones, then entries given in place.
struct Sources {
    list: Vec<Citation>,
    /// How many pilot.toml lists (`None` when pilot.toml could not be read).
    listed: Option<usize>,
}

impl Sources {
    /// Resolves a `source` value: a number counted from 1 in `sources`, or an entry of its own
    /// (added to the list, once). Returns the index into the list.
    fn resolve(&mut self, value: &Spanned<toml::Value>, fp: &mut FileProblems) -> Option<usize> {
        let span = fp.toml_span(value.span());
        match value.get_ref() {
            toml::Value::Integer(n) => {
                let listed = self.listed?;
                match usize::try_from(*n).ok().filter(|&n| (1..=listed).contains(&n)) {
                    Some(n) => Some(n - 1),
                    None => {
                        let hint = match listed {
                            0 => "this pilot lists no sources: add sources = [{ title = { th = \"...\", en = \"...\" }, publisher = { th = \"...\", en = \"...\" }, date = 2024-05-07 }] to pilot.toml".to_string(),
                            1 => "this pilot lists 1 source, so the only number is 1".to_string(),
                            n => format!("this pilot lists {n} sources, numbered 1 to {n} in the order of `sources` in pilot.toml"),
                        };
                        fp.error(span, format!("source {n} does not exist"), hint);
                        None
                    }
                }
            }
            toml::Value::Table(_) => {
                let record: InlineSourceRecord = match value.get_ref().clone().try_into() {
                    Ok(r) => r,
                    Err(e) => {
                        fp.error(span, format!("this source entry cannot be read: {}", e.message()), SOURCE_EXAMPLE);
                        return None;
                    }
                };
                let found = citation_parts(
                    record.title.unwrap_or_default(),
                    record.url.as_deref().map(|u| (u, span.clone())),
                    record.publisher.unwrap_or_default(),
                    record.date.as_ref().map(|d| (d, span.clone())),
                    span,
                    fp,
                )?;
                Some(self.list.iter().position(|c| *c == found).unwrap_or_else(|| {
                    self.list.push(found);
                    self.list.len() - 1
                }))
            }
            _ => {
                fp.error(
                    span,
                    "`source` must be the number of one of the pilot's sources, or a source entry",
                    "for example source = 1 (the first entry of `sources` in pilot.toml)",
                );
                None
            }
        }
    }
}

const SOURCE_EXAMPLE: &str = "for example { title = { th = \"...\", en = \"...\" }, publisher = { th = \"...\", en = \"...\" }, date = 2024-05-07, url = \"https://...\" }";

/// Checks one entry of `sources` in pilot.toml.
fn citation(spanned: &Spanned<SourceRecord>, fp: &mut FileProblems) -> Option<Citation> {
    let r = spanned.get_ref();
    citation_parts(
        r.title.clone().unwrap_or_default(),
        r.url.as_ref().map(|u| (u.get_ref().as_str(), fp.toml_span(u.span()))),
        r.publisher.clone().unwrap_or_default(),
        r.date.as_ref().map(|d| (d.get_ref(), fp.toml_span(d.span()))),
        fp.toml_span(spanned.span()),
        fp,
    )
}

/// Checks a source's parts; spans are of the file.
fn citation_parts(
    title: Text,
    url: Option<(&str, Range<usize>)>,
    publisher: Text,
    date: Option<(&Datetime, Range<usize>)>,
    span: Range<usize>,
    fp: &mut FileProblems,
) -> Option<Citation> {
    let mut ok = true;
    if title.is_empty() {
        fp.error(span, "this source has no title", "add title = { th = \"...\", en = \"...\" }");
        ok = false;
    }
    let url = url.and_then(|(u, span)| match check_web_address(u) {
        Ok(()) => Some(u.trim().to_string()),
        Err(why) => {
            fp.error(span, why, "write the full address, starting with https:// (or http://)");
            ok = false;
            None
        }
    });
    let date = date.and_then(|(d, span)| match (d.date, d.time) {
        (Some(d), None) => check_date(i32::from(d.year), u32::from(d.month), u32::from(d.day))
            .map_err(|(msg, hint)| {
                fp.error(span, msg, hint);
                ok = false;
            })
            .ok(),
        _ => {
            fp.error(
                span,
                "expected a date such as 2024-05-07",
                "write the date only, without a time and without quotes",
            );
            ok = false;
            None
        }
    });
    ok.then_some(Citation { title, url, publisher, date })
}

/// Today's date on this machine.
pub fn today() -> Date {
    let now = chrono::Local::now().date_naive();
    Date::from_ymd_opt(now.year(), now.month(), now.day()).expect("today is a date")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_buddhist_era_years_with_the_common_era_fix() {
        let (msg, hint) = check_date(2567, 5, 7).unwrap_err();
        assert!(msg.contains("Buddhist-Era"), "{msg}");
        assert!(hint.starts_with("write 2024-05-07"), "{hint}");
    }

    #[test]
    fn reports_two_pilots_with_one_slug() {
        let site = crate::load_site(std::path::Path::new("tests/sites/bilingual"), false, None, None).unwrap().site;
        let mut pilots = site.pilots.clone();
        pilots.insert(1, pilots[0].clone());
        let mut problems = Diagnostics::new();
        check_duplicate_slugs(&pilots, &mut problems);
        assert_eq!(problems.error_count(), 1);
        let d = problems.iter().next().unwrap();
        assert_eq!(d.path, std::path::Path::new("content/pilots/alpha"));
        assert!(d.message.contains("two pilots have the slug `alpha`"), "{d}");
    }

    #[test]
    fn source_addresses_are_http_or_https_with_a_host() {
        for good in ["https://www.nesdc.go.th/news?id=1", "http://x.go.th", "HTTPS://X.GO.TH/a"] {
            assert_eq!(check_web_address(good), Ok(()), "{good}");
        }
        for bad in [
            "javascript:alert(1)",
            "file:///etc/passwd",
            "ftp://x.go.th/",
            "www.nesdc.go.th",
            "https://",
            "https:///x",
            "https://x.go.th/a b",
            "//x.go.th",
        ] {
            assert!(check_web_address(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn rejects_impossible_dates() {
        assert!(check_date(2024, 2, 30).is_err());
        assert_eq!(check_date(2024, 2, 29).unwrap().to_string(), "2024-02-29");
    }
}
