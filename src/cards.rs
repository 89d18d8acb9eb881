//! Social cards: one 1200×630 PNG per pilot and language, shown when a pilot page is shared.
//! Each card is an SVG drawn here and rendered by resvg with the Sarabun font that ships in the
//! theme, so Thai is shaped correctly without any system font. Thai titles are wrapped at word
//! boundaries found by ICU's line segmenter. Rendering costs tens of milliseconds, so cards are
//! kept in a cache folder keyed by a hash of their SVG: an unchanged pilot never re-renders.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use resvg::usvg;

use crate::i18n::Labels;
use crate::markdown::html_escape;
use crate::model::{Lang, Pilot, Site, province};

/// Card size in pixels.
pub const WIDTH: u32 = 1200;
/// Card size in pixels.
pub const HEIGHT: u32 = 630;

/// Bumped whenever the drawing changes, so cached cards are redrawn.
const VERSION: &str = "card-v1";

static REGULAR: &[u8] = include_bytes!("../themes/default/cards/Sarabun-Regular.ttf");
static BOLD: &[u8] = include_bytes!("../themes/default/cards/Sarabun-Bold.ttf");

fn fonts() -> Arc<usvg::fontdb::Database> {
    static DB: OnceLock<Arc<usvg::fontdb::Database>> = OnceLock::new();
    DB.get_or_init(|| {
        let mut db = usvg::fontdb::Database::new();
        db.load_font_data(REGULAR.to_vec());
        db.load_font_data(BOLD.to_vec());
        db.set_sans_serif_family("Sarabun");
        Arc::new(db)
    })
    .clone()
}

/// The site path of a pilot's card.
pub fn path(slug: &str, lang: Lang) -> String {
    format!("pilots/{slug}/card-{}.png", lang.code())
}

/// Splits `text` into lines of at most `max` width units (about one unit per character; Thai
/// vowel and tone marks take none), breaking only where the line segmenter allows.
pub fn wrap(text: &str, max: f32) -> Vec<String> {
    use icu_segmenter::LineSegmenter;
    let segmenter = LineSegmenter::new_dictionary(Default::default());
    let breaks: Vec<usize> = segmenter.segment_str(text).collect();
    let mut lines = Vec::new();
    let mut start = 0;
    let mut last_fit = 0;
    for &b in breaks.iter().filter(|&&b| b > 0) {
        if width(text[start..b].trim_end()) > max && last_fit > start {
            lines.push(text[start..last_fit].trim_end().to_string());
            start = last_fit;
        }
        last_fit = b;
    }
    if start < text.len() {
        lines.push(text[start..].trim_end().to_string());
    }
    lines
}

/// Rough width of text in units of an average letter.
fn width(s: &str) -> f32 {
    s.chars()
        .map(|c| match c {
            // Thai vowels and tone marks above or below a consonant take no width.
            '\u{0E31}' | '\u{0E34}'..='\u{0E3A}' | '\u{0E47}'..='\u{0E4E}' => 0.0,
            ' ' => 0.5,
            'I' => 0.55,
            'A'..='Z' | 'm' | 'w' => 1.25,
            'i' | 'l' | 'j' | 't' | 'f' | '.' | ',' | ':' | '\'' => 0.55,
            _ => 1.0,
        })
        .sum()
}

/// The card's SVG for one pilot in one language.
pub fn svg(site: &Site, labels: &Labels, p: &Pilot, lang: Lang) -> String {
    let title = p.title.resolve(lang).map_or("", |t| t.0);
    let site_title = site.config.title.resolve(lang).map_or("", |t| t.0);
    let provinces: Vec<&str> = p.provinces.iter().map(|&i| province::all()[i].name(lang)).collect();
    let issues: Vec<&str> = p.issues.iter().filter_map(|&k| site.issues[k].label.resolve(lang).map(|t| t.0)).collect();
    let status = labels.get(lang, &format!("status_{}", p.status.key())).to_string();
    let (size, max) = if width(title) > 90.0 { (54, 30.0) } else { (64, 26.0) };
    let mut lines = wrap(title, max);
    if lines.len() > 4 {
        lines.truncate(4);
        lines[3].push('…');
    }
    let line_height = size as f32 * 1.45;
    let top = 200.0 + (4 - lines.len()) as f32 * line_height / 2.0;
    let mut out = format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}">
<rect width="1200" height="630" fill="#ffffff"/>
<rect width="1200" height="120" fill="#0b5c4a"/>
<rect y="610" width="1200" height="20" fill="#0b5c4a"/>
<text x="64" y="76" font-family="Sarabun" font-size="38" font-weight="700" fill="#ffffff">{}</text>
"##,
        html_escape(site_title)
    );
    for (n, line) in lines.iter().enumerate() {
        out.push_str(&format!(
            "<text x=\"64\" y=\"{:.0}\" font-family=\"Sarabun\" font-size=\"{size}\" font-weight=\"700\" fill=\"#1d2528\">{}</text>\n",
            top + n as f32 * line_height,
            html_escape(line)
        ));
    }
    let place = format!("{} · {}", provinces.join(", "), status);
    out.push_str(&format!(
        "<text x=\"64\" y=\"548\" font-family=\"Sarabun\" font-size=\"34\" fill=\"#4f5b60\">{}</text>\n<text x=\"64\" y=\"590\" font-family=\"Sarabun\" font-size=\"30\" fill=\"#0b5c4a\">{}</text>\n</svg>\n",
        html_escape(&place),
        html_escape(&issues.join(" · "))
    ));
    out
}

/// Renders card SVG to PNG.
pub fn render_png(svg: &str) -> Result<Vec<u8>, String> {
    let options = usvg::Options { fontdb: fonts(), ..Default::default() };
    let tree = usvg::Tree::from_str(svg, &options).map_err(|e| format!("card SVG: {e}"))?;
    let mut pixmap = resvg::tiny_skia::Pixmap::new(WIDTH, HEIGHT).ok_or("card size")?;
    resvg::render(&tree, resvg::tiny_skia::Transform::default(), &mut pixmap.as_mut());
    pixmap.encode_png().map_err(|e| format!("card PNG: {e}"))
}

/// Rendered cards kept between builds, keyed by a hash of their SVG.
#[derive(Debug, Clone)]
pub struct Cache {
    dir: Option<PathBuf>,
    write: bool,
}

impl Cache {
    /// A cache in `dir` (created when first written); `None` keeps nothing.
    pub fn new(dir: Option<&Path>) -> Self {
        Cache { dir: dir.map(Path::to_path_buf), write: true }
    }

    /// A cache in `dir` that is read but never written (`check` writes nothing).
    pub fn read_only(dir: &Path) -> Self {
        Cache { dir: Some(dir.to_path_buf()), write: false }
    }

    /// The PNG for `svg`, from the cache when it was rendered before.
    pub fn get_or_render(&self, svg: &str) -> Result<Vec<u8>, String> {
        let key = blake3::hash(format!("{VERSION}\n{svg}").as_bytes()).to_hex();
        let file = self.dir.as_ref().map(|d| d.join(format!("{}.png", &key[..32])));
        let cached = file.as_ref().and_then(|f| crate::nofollow::open(f).ok()).and_then(|mut f| {
            let mut bytes = Vec::new();
            std::io::Read::read_to_end(&mut f, &mut bytes).ok().map(|_| bytes)
        });
        if let Some(bytes) = cached {
            return Ok(bytes);
        }
        let png = render_png(svg)?;
        if let (Some(dir), Some(file), true) = (&self.dir, &file, self.write) {
            // Written beside and renamed, so a half-written file is never read back.
            let tmp = file.with_extension(format!("tmp{}", std::process::id()));
            if std::fs::create_dir_all(dir)
                .and_then(|_| std::fs::write(&tmp, &png))
                .and_then(|_| std::fs::rename(&tmp, file))
                .is_err()
            {
                let _ = std::fs::remove_file(&tmp);
            }
        }
        Ok(png)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_thai_at_word_boundaries() {
        let lines = wrap("ลำปางลดปัญหาหมอกควันไฟป่าด้วยวิทยาศาสตร์ วิจัยและนวัตกรรม", 14.0);
        assert!(lines.len() >= 2, "{lines:?}");
        assert_eq!(lines.concat().replace(' ', ""), "ลำปางลดปัญหาหมอกควันไฟป่าด้วยวิทยาศาสตร์วิจัยและนวัตกรรม");
        for l in &lines {
            assert!(
                !l.starts_with(['ั', 'ิ', 'ี', 'ึ', 'ื', 'ุ', 'ู', '่', '้', '๊', '๋', '์']),
                "a line starts inside a cluster: {lines:?}"
            );
        }
    }

    #[test]
    fn renders_a_png_of_the_right_size() {
        let svg = format!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}"><text x="10" y="100" font-family="Sarabun" font-size="60">หมอกควัน</text></svg>"#
        );
        let png = render_png(&svg).unwrap();
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        assert_eq!(u32::from_be_bytes(png[16..20].try_into().unwrap()), WIDTH);
        assert_eq!(u32::from_be_bytes(png[20..24].try_into().unwrap()), HEIGHT);
    }

    #[test]
    fn the_cache_returns_the_same_bytes_without_rendering_again() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(Some(dir.path()));
        let svg = format!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}"><rect width="5" height="5"/></svg>"#
        );
        let first = cache.get_or_render(&svg).unwrap();
        let files: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(files.len(), 1);
        // Overwrite the cached file: a cache hit returns it, proving nothing was re-rendered.
        let cached = files[0].as_ref().unwrap().path();
        std::fs::write(&cached, b"cached").unwrap();
        assert_eq!(cache.get_or_render(&svg).unwrap(), b"cached");
        assert_ne!(first, b"cached");
    }

    #[test]
    fn a_read_only_cache_reads_but_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let svg = format!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}"><rect width="7" height="7"/></svg>"#
        );
        let cards = dir.path().join("cards");
        let png = Cache::read_only(&cards).get_or_render(&svg).unwrap();
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        assert!(!cards.exists(), "a read-only cache created its folder");
        Cache::new(Some(&cards)).get_or_render(&svg).unwrap();
        let file = std::fs::read_dir(&cards).unwrap().next().unwrap().unwrap().path();
        std::fs::write(&file, b"cached").unwrap();
        assert_eq!(Cache::read_only(&cards).get_or_render(&svg).unwrap(), b"cached");
    }
}
