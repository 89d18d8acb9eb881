//! Social cards: one 1200×630 PNG per pilot and language, shown when a pilot page is shared.
//!
//! A card is a fixed background (white, a green band at the top and a thin one at the bottom)
//! with a few lines of text on it. The text is shaped by harfrust with the Sarabun font that
//! ships in the theme, so Thai is shaped correctly without any system font, and titles are
//! wrapped at the word boundaries found by ICU's line segmenter, measured with the shaped
//! widths. Drawing is cheap because almost nothing is drawn per card: the background is made
//! once, each glyph is rasterised once per size (and quarter-pixel offset) and then only copied,
//! and the card is written as an indexed-colour PNG whose palette holds the few colours a card
//! can have (each ink blended over each background in 7 steps of coverage), compressed with
//! a fast DEFLATE level. Cards are still kept in a cache folder keyed by a hash of what they show, so
//! an unchanged pilot is never drawn again.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use harfrust::{FontRef, ShaperData, UnicodeBuffer};
use skrifa::MetadataProvider;
use skrifa::outline::{DrawSettings, OutlinePen};

use crate::i18n::Labels;
use crate::model::{Lang, Pilot, Site, province};

/// Card size in pixels.
pub const WIDTH: u32 = 1200;
/// Card size in pixels.
pub const HEIGHT: u32 = 630;

/// Bumped whenever the drawing changes, so cached cards are redrawn.
const VERSION: &str = "card-v2";

/// Left margin of all text, and the widest a line may be.
const LEFT: i32 = 64;
const MAX_WIDTH: f32 = (WIDTH as i32 - 2 * LEFT) as f32;

/// Height of the green band at the top, and where the thin band at the bottom starts.
const BAND: u32 = 120;
const FOOT: u32 = 610;

static REGULAR: &[u8] = include_bytes!("../themes/default/cards/Sarabun-Regular.ttf");
static BOLD: &[u8] = include_bytes!("../themes/default/cards/Sarabun-Bold.ttf");

/// The two backgrounds a pixel can have.
const PAPER: [u8; 3] = [0xff, 0xff, 0xff];
const GREEN: [u8; 3] = [0x0b, 0x5c, 0x4a];

/// The colours text is drawn in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Ink {
    /// White, on the green band.
    White,
    /// Near-black, for the title.
    Dark,
    /// Grey, for the provinces and status.
    Grey,
    /// The theme's green, for the issues.
    Green,
}

impl Ink {
    const ALL: [Ink; 4] = [Ink::White, Ink::Dark, Ink::Grey, Ink::Green];

    fn rgb(self) -> [u8; 3] {
        match self {
            Ink::White => PAPER,
            Ink::Dark => [0x1d, 0x25, 0x28],
            Ink::Grey => [0x4f, 0x5b, 0x60],
            Ink::Green => GREEN,
        }
    }
}

/// The two weights of Sarabun the cards use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Face {
    /// Sarabun Regular.
    Regular,
    /// Sarabun Bold.
    Bold,
}

/// One line of text on a card, with its baseline's left end.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    /// The text, already wrapped or shortened to fit.
    pub text: String,
    /// Regular or bold.
    pub face: Face,
    /// Font size in pixels.
    pub size: u16,
    /// Left end of the baseline.
    pub x: i32,
    /// The baseline, from the top.
    pub y: i32,
    /// The colour.
    pub ink: Ink,
}

/// Everything one card shows, laid out: the lines of text over the shared background.
#[derive(Debug, Clone, PartialEq)]
pub struct Card {
    /// The lines, in drawing order.
    pub lines: Vec<Line>,
}

/// The site path of a pilot's card.
pub fn path(slug: &str, lang: Lang) -> String {
    format!("pilots/{slug}/card-{}.png", lang.code())
}

impl Card {
    /// Lays out the card for one pilot in one language: the site's title in the band, the
    /// pilot's title wrapped to at most four lines (64 px when it fits in three, else 54 px,
    /// shortened with "…" beyond four), then provinces and status, then issues.
    pub fn new(site: &Site, labels: &Labels, p: &Pilot, lang: Lang) -> Card {
        let title = p.title.resolve(lang).map_or("", |t| t.0);
        let site_title = site.config.title.resolve(lang).map_or("", |t| t.0);
        let provinces: Vec<&str> = p.provinces.iter().map(|&i| province::all()[i].name(lang)).collect();
        let issues: Vec<&str> =
            p.issues.iter().filter_map(|&k| site.issues[k].label.resolve(lang).map(|t| t.0)).collect();
        let status_key = format!("status_{}", p.status.key());
        let status = labels.get(lang, &status_key);
        let line = |text: String, face, size, y, ink| Line { text, face, size, x: LEFT, y, ink };

        let mut lines = vec![line(fit(site_title, Face::Bold, 38, MAX_WIDTH), Face::Bold, 38, 76, Ink::White)];
        let (size, mut title_lines) = match wrap(title, Face::Bold, 64, MAX_WIDTH) {
            l if l.len() <= 3 => (64, l),
            _ => (54, wrap(title, Face::Bold, 54, MAX_WIDTH)),
        };
        if title_lines.len() > 4 {
            let rest = title_lines[3..].join(" ");
            title_lines.truncate(3);
            title_lines.push(fit(&format!("{rest}…"), Face::Bold, 54, MAX_WIDTH));
        }
        let line_height = size as f32 * 1.45;
        let top = 200.0 + (4 - title_lines.len()) as f32 * line_height / 2.0;
        for (n, text) in title_lines.into_iter().enumerate() {
            lines.push(line(text, Face::Bold, size, (top + n as f32 * line_height).round() as i32, Ink::Dark));
        }
        let place = format!("{} · {status}", provinces.join(", "));
        lines.push(line(fit(&place, Face::Regular, 34, MAX_WIDTH), Face::Regular, 34, 548, Ink::Grey));
        lines.push(line(fit(&issues.join(" · "), Face::Regular, 30, MAX_WIDTH), Face::Regular, 30, 590, Ink::Green));
        lines.retain(|l| !l.text.is_empty());
        Card { lines }
    }

    /// What the cache key is made of: everything that decides the pixels.
    fn key(&self) -> blake3::Hash {
        blake3::hash(format!("{VERSION}\n{self:?}").as_bytes())
    }

    /// Draws the card and encodes it as a PNG.
    pub fn render_png(&self) -> Result<Vec<u8>, String> {
        let mut pixels = background().to_vec();
        for line in &self.lines {
            draw_line(&mut pixels, line);
        }
        encode(&pixels)
    }
}

// ---------------------------------------------------------------------------------------------
// Fonts and shaping

struct Font {
    font: FontRef<'static>,
    shaper: ShaperData,
    units_per_em: f32,
}

fn font(face: Face) -> &'static Font {
    fn load(data: &'static [u8]) -> Font {
        // The fonts are compiled in and known to parse; a broken file fails every card test.
        let font = FontRef::new(data).expect("the bundled Sarabun font parses");
        let units_per_em = font
            .metrics(skrifa::instance::Size::unscaled(), skrifa::instance::LocationRef::default())
            .units_per_em as f32;
        Font { shaper: ShaperData::new(&font), font, units_per_em }
    }
    static FONTS: OnceLock<[Font; 2]> = OnceLock::new();
    let fonts = FONTS.get_or_init(|| [load(REGULAR), load(BOLD)]);
    &fonts[face as usize]
}

/// One shaped glyph, in pixels.
#[derive(Debug, Clone, Copy)]
struct Glyph {
    id: u32,
    /// Byte offset in the text of the cluster this glyph belongs to.
    cluster: usize,
    advance: f32,
    dx: f32,
    dy: f32,
}

fn shape(text: &str, face: Face, size: u16) -> Vec<Glyph> {
    let f = font(face);
    let shaper = f.shaper.shaper(&f.font).build();
    let mut buffer = UnicodeBuffer::new();
    buffer.push_str(text);
    buffer.guess_segment_properties();
    let out = shaper.shape(buffer, harfrust::ShapeOptions::new());
    let scale = size as f32 / f.units_per_em;
    out.glyph_infos()
        .iter()
        .zip(out.glyph_positions())
        .map(|(info, pos)| Glyph {
            id: info.glyph_id,
            cluster: info.cluster as usize,
            advance: pos.x_advance as f32 * scale,
            dx: pos.x_offset as f32 * scale,
            dy: pos.y_offset as f32 * scale,
        })
        .collect()
}

/// Width in pixels of `text` set in `face` at `size`.
pub fn text_width(text: &str, face: Face, size: u16) -> f32 {
    shape(text, face, size).iter().map(|g| g.advance).sum()
}

/// Splits `text` into lines at most `max` pixels wide when set in `face` at `size`, breaking
/// only where the line segmenter allows (between Thai words, at spaces). A single word wider
/// than `max` gets a line of its own.
pub fn wrap(text: &str, face: Face, size: u16, max: f32) -> Vec<String> {
    // Shape once and measure any stretch of the text by summing its glyphs' advances.
    let glyphs = shape(text, face, size);
    let width = |start: usize, end: usize| -> f32 {
        let end = start + text[start..end].trim_end().len();
        glyphs.iter().filter(|g| g.cluster >= start && g.cluster < end).map(|g| g.advance).sum()
    };
    let mut lines = Vec::new();
    let mut start = 0;
    let mut last_fit = 0;
    for b in breaks(text).filter(|&b| b > 0) {
        if width(start, b) > max && last_fit > start {
            lines.push(text[start..last_fit].trim_end().to_string());
            start = last_fit;
        }
        last_fit = b;
    }
    if start < text.len() {
        lines.push(text[start..].trim_end().to_string());
    }
    lines.retain(|l| !l.is_empty());
    lines
}

/// `text` as it is when it fits in `max` pixels, else cut at the last word boundary that
/// leaves room for "…".
fn fit(text: &str, face: Face, size: u16, max: f32) -> String {
    if text_width(text, face, size) <= max {
        return text.to_string();
    }
    let body = text.trim_end_matches('…');
    let cuts: Vec<usize> = breaks(body).filter(|&b| b > 0 && b < body.len()).collect();
    for &b in cuts.iter().rev() {
        let candidate = format!("{}…", body[..b].trim_end());
        if text_width(&candidate, face, size) <= max {
            return candidate;
        }
    }
    // One unbreakable word: cut it by characters.
    let mut cut: String = body.to_string();
    while !cut.is_empty() && text_width(&format!("{cut}…"), face, size) > max {
        cut.pop();
    }
    format!("{cut}…")
}

/// Byte offsets where a line may break, from ICU's dictionary-based line segmenter.
fn breaks(text: &str) -> impl Iterator<Item = usize> + '_ {
    icu_segmenter::LineSegmenter::new_dictionary(Default::default()).segment_str(text)
}

// ---------------------------------------------------------------------------------------------
// Drawing

/// Steps of coverage per ink and background (the palette has 2 + 2 × 4 × LEVELS colours).
/// Seven steps look the same as more at this size and keep the PNG small.
const LEVELS: u32 = 7;

/// Palette index 0 is paper, 1 is green; then, for each background and ink, LEVELS blends.
fn index_of(background: u8, ink: Ink, level: u32) -> u8 {
    (2 + ((background as u32 * Ink::ALL.len() as u32 + ink as u32) * LEVELS) + level - 1) as u8
}

fn palette() -> Vec<u8> {
    let mut out = Vec::with_capacity(3 * (2 + 8 * LEVELS as usize));
    out.extend_from_slice(&PAPER);
    out.extend_from_slice(&GREEN);
    for bg in [PAPER, GREEN] {
        for ink in Ink::ALL {
            for level in 1..=LEVELS {
                for (b, i) in bg.iter().zip(ink.rgb()) {
                    let (b, i) = (*b as u32, i as u32);
                    out.push(((b * (LEVELS - level) + i * level + LEVELS / 2) / LEVELS) as u8);
                }
            }
        }
    }
    out
}

/// The card's background as palette indices, made once.
fn background() -> &'static [u8] {
    static BG: OnceLock<Vec<u8>> = OnceLock::new();
    BG.get_or_init(|| {
        (0..HEIGHT).flat_map(|y| std::iter::repeat_n(u8::from(!(BAND..FOOT).contains(&y)), WIDTH as usize)).collect()
    })
}

/// A glyph's coverage, rasterised once: `left`/`top` place it relative to its pen position.
struct Bitmap {
    left: i32,
    top: i32,
    width: usize,
    alpha: Vec<u8>,
}

/// Glyph bitmaps by face, glyph, size and quarter-pixel horizontal offset.
type GlyphKey = (Face, u32, u16, u8);

fn bitmap(face: Face, id: u32, size: u16, quarter: u8) -> Option<Arc<Bitmap>> {
    static CACHE: OnceLock<Mutex<HashMap<GlyphKey, Option<Arc<Bitmap>>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    let key = (face, id, size, quarter);
    if let Some(hit) = cache.lock().unwrap_or_else(|e| e.into_inner()).get(&key) {
        return hit.clone();
    }
    let made = rasterise(face, id, size, quarter as f32 / 4.0).map(Arc::new);
    cache.lock().unwrap_or_else(|e| e.into_inner()).insert(key, made.clone());
    made
}

/// Turns font outlines (y up) into a tiny-skia path in pixels (y down), shifted right by `dx`.
struct Pen {
    path: tiny_skia::PathBuilder,
    dx: f32,
}

impl OutlinePen for Pen {
    fn move_to(&mut self, x: f32, y: f32) {
        self.path.move_to(x + self.dx, -y);
    }
    fn line_to(&mut self, x: f32, y: f32) {
        self.path.line_to(x + self.dx, -y);
    }
    fn quad_to(&mut self, cx0: f32, cy0: f32, x: f32, y: f32) {
        self.path.quad_to(cx0 + self.dx, -cy0, x + self.dx, -y);
    }
    fn curve_to(&mut self, cx0: f32, cy0: f32, cx1: f32, cy1: f32, x: f32, y: f32) {
        self.path.cubic_to(cx0 + self.dx, -cy0, cx1 + self.dx, -cy1, x + self.dx, -y);
    }
    fn close(&mut self) {
        self.path.close();
    }
}

fn rasterise(face: Face, id: u32, size: u16, dx: f32) -> Option<Bitmap> {
    let font = skrifa::FontRef::new(font(face).font.data().as_bytes()).ok()?;
    let outline = font.outline_glyphs().get(skrifa::GlyphId::new(id))?;
    let mut pen = Pen { path: tiny_skia::PathBuilder::new(), dx };
    outline
        .draw(
            DrawSettings::unhinted(skrifa::instance::Size::new(size as f32), skrifa::instance::LocationRef::default()),
            &mut pen,
        )
        .ok()?;
    let path = pen.path.finish()?;
    let b = path.bounds();
    let (left, top) = (b.left().floor() as i32, b.top().floor() as i32);
    let (width, height) = ((b.right().ceil() as i32 - left).max(1), (b.bottom().ceil() as i32 - top).max(1));
    let mut mask = tiny_skia::Mask::new(width as u32, height as u32)?;
    mask.fill_path(
        &path,
        tiny_skia::FillRule::Winding,
        true,
        tiny_skia::Transform::from_translate(-left as f32, -top as f32),
    );
    Some(Bitmap { left, top, width: width as usize, alpha: mask.data().to_vec() })
}

/// Draws one line of text into `pixels` (palette indices over the background).
fn draw_line(pixels: &mut [u8], line: &Line) {
    let bg = background();
    let mut pen = line.x as f32;
    for g in shape(&line.text, line.face, line.size) {
        let x = pen + g.dx;
        let (whole, quarter) = (x.floor(), ((x - x.floor()) * 4.0).round() as u8);
        let (whole, quarter) = if quarter == 4 { (whole + 1.0, 0) } else { (whole, quarter) };
        pen += g.advance;
        let Some(bm) = bitmap(line.face, g.id, line.size, quarter) else { continue };
        let ox = whole as i32 + bm.left;
        let oy = line.y - g.dy.round() as i32 + bm.top;
        for (row, alphas) in bm.alpha.chunks(bm.width).enumerate() {
            let y = oy + row as i32;
            if !(0..HEIGHT as i32).contains(&y) {
                continue;
            }
            for (col, &a) in alphas.iter().enumerate() {
                let x = ox + col as i32;
                if a == 0 || !(0..WIDTH as i32).contains(&x) {
                    continue;
                }
                let at = y as usize * WIDTH as usize + x as usize;
                let level = (a as u32 * LEVELS + 127) / 255;
                let under = bg[at];
                let first = index_of(under, line.ink, 1);
                // Overlapping glyphs (Thai marks over their consonant) keep the larger coverage.
                let now = pixels[at];
                let current = if (first..first + LEVELS as u8).contains(&now) { (now - first) as u32 + 1 } else { 0 };
                if level > current {
                    pixels[at] = index_of(under, line.ink, level);
                }
            }
        }
    }
}

/// Encodes palette indices as an 8-bit indexed PNG.
fn encode(pixels: &[u8]) -> Result<Vec<u8>, String> {
    let mut out = Vec::with_capacity(16 * 1024);
    let mut encoder = png::Encoder::new(&mut out, WIDTH, HEIGHT);
    encoder.set_color(png::ColorType::Indexed);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_palette(palette());
    // zlib level 3 and no filter: for these flat images it is within 10% of level 9's size at a
    // third of level 6's time (measured by examples/cards.rs; see BENCHMARKS.md).
    encoder.set_deflate_compression(png::DeflateCompression::Level(3));
    encoder.set_filter(png::Filter::NoFilter);
    let mut writer = encoder.write_header().map_err(|e| format!("card PNG: {e}"))?;
    writer.write_image_data(pixels).map_err(|e| format!("card PNG: {e}"))?;
    writer.finish().map_err(|e| format!("card PNG: {e}"))?;
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Cache

/// Rendered cards kept between builds, keyed by a hash of what they show.
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

    fn file_of(&self, card: &Card) -> Option<PathBuf> {
        let key = card.key().to_hex();
        self.dir.as_ref().map(|d| d.join(format!("{}.png", &key[..32])))
    }

    /// The PNG for `card`, from the cache when it was drawn before.
    pub fn get_or_render(&self, card: &Card) -> Result<Vec<u8>, String> {
        let file = self.file_of(card);
        let cached = file.as_ref().and_then(|f| crate::nofollow::open(f).ok()).and_then(|mut f| {
            let mut bytes = Vec::new();
            std::io::Read::read_to_end(&mut f, &mut bytes).ok().map(|_| bytes)
        });
        if let Some(bytes) = cached {
            return Ok(bytes);
        }
        self.render_and_keep(card, file.as_deref())
    }

    /// The card as an output file: the cached file itself when there is one, or once the card
    /// drawn now is cached (so the preview serves it from disk and a build copies it); the
    /// PNG in memory when there is no cache to keep it in.
    pub fn body(&self, card: &Card) -> Result<crate::output::Body, String> {
        let file = self.file_of(card);
        let cached = |f: &Option<PathBuf>| f.as_ref().filter(|f| f.is_file()).cloned();
        if let Some(f) = cached(&file) {
            return Ok(crate::output::Body::File(f));
        }
        let png = self.render_and_keep(card, file.as_deref())?;
        Ok(match cached(&file).filter(|_| self.write) {
            Some(f) => crate::output::Body::File(f),
            None => crate::output::Body::Bytes(png),
        })
    }

    fn render_and_keep(&self, card: &Card, file: Option<&Path>) -> Result<Vec<u8>, String> {
        let png = card.render_png()?;
        if let (Some(dir), Some(file), true) = (&self.dir, file, self.write) {
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

    fn decode(png_bytes: &[u8]) -> (png::OutputInfo, Vec<u8>, Vec<u8>) {
        let mut decoder = png::Decoder::new(std::io::Cursor::new(png_bytes));
        decoder.set_transformations(png::Transformations::EXPAND);
        let mut reader = decoder.read_info().unwrap();
        let mut buf = vec![0; reader.output_buffer_size().unwrap()];
        let info = reader.next_frame(&mut buf).unwrap();
        let palette = reader.info().palette.as_ref().map(|p| p.to_vec()).unwrap_or_default();
        buf.truncate(info.buffer_size());
        (info, buf, palette)
    }

    fn card(lines: Vec<Line>) -> Card {
        Card { lines }
    }

    fn title(text: &str, y: i32) -> Line {
        Line { text: text.into(), face: Face::Bold, size: 64, x: LEFT, y, ink: Ink::Dark }
    }

    #[test]
    fn wraps_thai_at_word_boundaries_within_the_width() {
        let text = "ลำปางลดปัญหาหมอกควันไฟป่าด้วยวิทยาศาสตร์ วิจัยและนวัตกรรม";
        let lines = wrap(text, Face::Bold, 64, 500.0);
        assert!(lines.len() >= 2, "{lines:?}");
        assert_eq!(lines.concat().replace(' ', ""), text.replace(' ', ""));
        for l in &lines {
            assert!(
                !l.starts_with(['ั', 'ิ', 'ี', 'ึ', 'ื', 'ุ', 'ู', '่', '้', '๊', '๋', '์']),
                "a line starts inside a cluster: {lines:?}"
            );
        }
        // Every line but a single over-long word fits; the segmenter breaks between words, so
        // "หมอกควัน" (haze) is never split inside.
        for l in &lines {
            assert!(text_width(l, Face::Bold, 64) <= 500.0 || !l.contains(' '), "{l} is too wide");
        }
        assert!(lines.iter().any(|l| l.contains("หมอก")), "{lines:?}");
        assert!(!lines.iter().any(|l| l.ends_with("หม")), "{lines:?}");
    }

    #[test]
    fn english_wraps_at_spaces() {
        let lines =
            wrap("Reducing haze from forest fires with science, research and innovation", Face::Bold, 64, 700.0);
        assert!(lines.len() >= 2);
        assert!(lines.iter().all(|l| !l.starts_with(' ') && !l.ends_with(' ')), "{lines:?}");
        assert!(lines.iter().all(|l| text_width(l, Face::Bold, 64) <= 700.0), "{lines:?}");
    }

    #[test]
    fn thai_is_shaped_marks_sit_on_their_consonant() {
        // ป่า: the tone mark has no advance of its own, so the word is as wide as ปา.
        let with_mark = text_width("ป่า", Face::Regular, 40);
        let without = text_width("ปา", Face::Regular, 40);
        assert!((with_mark - without).abs() < 0.5, "{with_mark} vs {without}");
        assert!(with_mark > 20.0);
    }

    #[test]
    fn fit_shortens_with_an_ellipsis_at_a_word_boundary() {
        let long = "Chiang Mai, Chiang Rai, Lampang, Lamphun, Mae Hong Son, Nan, Phayao, Phrae, Uttaradit · ongoing";
        let cut = fit(long, Face::Regular, 34, 600.0);
        assert!(cut.ends_with('…') && text_width(&cut, Face::Regular, 34) <= 600.0, "{cut}");
        assert!(long.starts_with(cut.trim_end_matches('…')), "{cut}");
        assert_eq!(fit("Lampang", Face::Regular, 34, 600.0), "Lampang");
    }

    #[test]
    fn renders_an_indexed_png_of_the_right_size_with_the_text_drawn() {
        let png_bytes = card(vec![title("หมอกควัน", 300)]).render_png().unwrap();
        assert_eq!(&png_bytes[..8], b"\x89PNG\r\n\x1a\n");
        let (info, rgb, palette) = decode(&png_bytes);
        assert_eq!((info.width, info.height), (WIDTH, HEIGHT));
        assert!(!palette.is_empty(), "an indexed-colour PNG has a palette");
        let at = |x: u32, y: u32| {
            let i = ((y * WIDTH + x) * 3) as usize;
            [rgb[i], rgb[i + 1], rgb[i + 2]]
        };
        assert_eq!(at(5, 5), GREEN, "the band");
        assert_eq!(at(5, 620), GREEN, "the foot");
        assert_eq!(at(1100, 400), PAPER);
        // The title's ink is there, around its baseline, and only there.
        let dark = Ink::Dark.rgb();
        let inked =
            (240..310).flat_map(|y| (LEFT as u32..600).map(move |x| (x, y))).filter(|&(x, y)| at(x, y) == dark).count();
        assert!(inked > 500, "{inked} fully inked pixels");
        assert!((0..WIDTH).all(|x| at(x, 450) == PAPER), "nothing drawn below the text");
    }

    #[test]
    fn a_card_is_small_and_the_same_each_time() {
        let c = card(vec![
            Line {
                text: "รายงานโครงการนำร่องเชิงพื้นที่".into(),
                face: Face::Bold,
                size: 38,
                x: LEFT,
                y: 76,
                ink: Ink::White,
            },
            title("ลำปางลดปัญหาหมอกควันไฟป่าด้วยวิทยาศาสตร์", 250),
            title("วิจัยและนวัตกรรม", 343),
            Line {
                text: "ลำปาง · กำลังดำเนินการ".into(),
                face: Face::Regular,
                size: 34,
                x: LEFT,
                y: 548,
                ink: Ink::Grey,
            },
        ]);
        let a = c.render_png().unwrap();
        assert_eq!(a, c.render_png().unwrap());
        assert!(a.len() < 25 * 1024, "{} bytes", a.len());
    }

    #[test]
    fn the_cache_returns_the_same_bytes_without_rendering_again() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(Some(dir.path()));
        let c = card(vec![title("Lampang", 300)]);
        let first = cache.get_or_render(&c).unwrap();
        let files: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(files.len(), 1);
        // Overwrite the cached file: a cache hit returns it, proving nothing was re-rendered.
        let cached = files[0].as_ref().unwrap().path();
        std::fs::write(&cached, b"cached").unwrap();
        assert_eq!(cache.get_or_render(&c).unwrap(), b"cached");
        assert_ne!(first, b"cached");
        // Another text is another entry.
        cache.get_or_render(&card(vec![title("Nan", 300)])).unwrap();
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
    }

    #[test]
    fn the_cache_key_names_this_drawing_version() {
        // Cards cached by the SVG drawing (card-v1) must not be reused.
        let c = card(vec![title("Lampang", 300)]);
        assert_eq!(c.key(), blake3::hash(format!("card-v2\n{c:?}").as_bytes()));
        assert_ne!(VERSION, "card-v1");
    }

    #[test]
    fn a_read_only_cache_reads_but_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let svg = card(vec![title("Lampang", 300)]);
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
