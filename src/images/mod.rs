//! Photos and other raster images in content/ (JPEG, PNG, WebP, GIF): what each one is, which
//! files are published for it, and the markup that shows it. Editors drop phone photos into a
//! pilot folder; the site publishes them upright, without their metadata (GPS position, camera,
//! author, dates) and at a few sizes, so a phone downloads only what it can show.
//!
//! Work is split in three steps so nothing is decoded twice:
//! - [`survey`] (at load time) reads a file's header only: size, orientation, format, and a hash
//!   of its bytes that names the published files. Markup can be written from this alone.
//! - [`Store`] (at render time, in `store.rs`) decodes, resizes and encodes every published
//!   variant of a photo once, keeping the results in the site's cache folder by hash.
//! - `process.rs` holds the pixel work itself.
//!
//! SVG and other files are not images here: they are copied as they are.

mod process;
mod store;

use std::io::Cursor;
use std::path::Path;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::markdown::html_escape;

pub use store::{Counts, Store, Stored};

/// The widths published for every photo (never wider than the photo itself).
pub const LADDER: [u32; 3] = [480, 960, 1600];

/// Photos with more pixels than this are refused before they are decoded.
pub const MAX_PIXELS: u64 = 50_000_000;

/// Quality of the WebP files (0-100).
const WEBP_QUALITY: f32 = 72.0;
/// Quality of the JPEG files (1-100).
const JPEG_QUALITY: u8 = 80;
/// Quality of a republished original JPEG.
const ORIGINAL_QUALITY: u8 = 90;

/// Bumped whenever processing changes, so cached files are made again. It carries the settings
/// above so that changing one of them changes every photo's key.
fn version() -> String {
    format!("images-v1 {LADDER:?} webp{WEBP_QUALITY} jpeg{JPEG_QUALITY} original{ORIGINAL_QUALITY}")
}

/// The `sizes` attribute for an image in the text column (at most 44rem wide, 1rem margins).
pub const CONTENT_SIZES: &str = "(min-width: 46rem) 44rem, calc(100vw - 2rem)";

/// The formats namrong reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// JPEG (phone cameras).
    Jpeg,
    /// PNG (screenshots, diagrams).
    Png,
    /// WebP.
    Webp,
    /// GIF (only the first frame is used).
    Gif,
}

/// The format of the files older browsers get (beside WebP).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Fallback {
    /// For photographs.
    Jpeg,
    /// For images with transparency, drawings and screenshots.
    Png,
}

/// One published file of a photo.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Variant {
    /// WebP at the n-th width of the photo's ladder.
    Webp(u8),
    /// The fallback format at the n-th width.
    Fallback(u8),
    /// The full-size picture, upright and without metadata (only with `publish_original_images`).
    Original,
}

/// A raster image found in content/, described from its header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Photo {
    /// The file, relative to content/ (`pilots/x/images/a.jpg`).
    pub source: String,
    /// A hash of the file and of the processing settings (32 hex digits).
    pub key: String,
    /// The format of the file.
    pub format: Format,
    /// Width once turned upright.
    pub width: u32,
    /// Height once turned upright.
    pub height: u32,
    /// The published widths, smallest first.
    pub widths: Vec<u32>,
    /// The format older browsers get.
    pub fallback: Fallback,
}

impl Photo {
    /// Every file published for this photo.
    pub fn variants(&self, publish_original: bool) -> Vec<Variant> {
        let n = self.widths.len() as u8;
        let mut v: Vec<Variant> = (0..n).flat_map(|i| [Variant::Webp(i), Variant::Fallback(i)]).collect();
        if publish_original {
            v.push(Variant::Original);
        }
        v
    }

    /// The site path of one published file: beside the original, named by width and hash so a
    /// replaced photo gets new addresses (`pilots/x/images/a.1f2e3d4c.960w.webp`).
    pub fn path(&self, variant: Variant) -> String {
        let (dir, name) = self.source.rsplit_once('/').map_or(("", self.source.as_str()), |(d, n)| (d, n));
        let stem = name.rsplit_once('.').map_or(name, |(s, _)| s);
        let prefix = if dir.is_empty() { String::new() } else { format!("{dir}/") };
        let hash = &self.key[..8];
        match variant {
            Variant::Original => self.source.clone(),
            Variant::Webp(i) => format!("{prefix}{stem}.{hash}.{}w.webp", self.widths[i as usize]),
            Variant::Fallback(i) => {
                format!("{prefix}{stem}.{hash}.{}w.{}", self.widths[i as usize], self.fallback_ext())
            }
        }
    }

    fn fallback_ext(&self) -> &'static str {
        match self.fallback {
            Fallback::Jpeg => "jpg",
            Fallback::Png => "png",
        }
    }

    /// The height of the picture at width `w`.
    pub fn height_at(&self, w: u32) -> u32 {
        ((self.height as u64 * w as u64 + self.width as u64 / 2) / self.width.max(1) as u64).max(1) as u32
    }

    /// The largest published width.
    pub fn largest(&self) -> u32 {
        *self.widths.last().expect("a photo has at least one width")
    }

    /// The file a link to this photo opens: the original when it is published, else the largest
    /// fallback (JPEG or PNG, which every browser and every sharing site reads).
    pub fn link_variant(&self, publish_original: bool) -> Variant {
        if publish_original { Variant::Original } else { Variant::Fallback(self.widths.len() as u8 - 1) }
    }

    /// The fallback variant closest to `w` without going under it (or the largest).
    pub fn fallback_near(&self, w: u32) -> Variant {
        let i = self.widths.iter().position(|&x| x >= w).unwrap_or(self.widths.len() - 1);
        Variant::Fallback(i as u8)
    }

    /// `srcset` for the WebP or fallback files, with `href` turning site paths into URLs.
    pub fn srcset(&self, webp: bool, href: &dyn Fn(&str) -> String) -> String {
        (0..self.widths.len() as u8)
            .map(|i| {
                let v = if webp { Variant::Webp(i) } else { Variant::Fallback(i) };
                // A space or comma would end the URL inside srcset: file names may have them.
                let url = srcset_url(&href(&self.path(v)));
                format!("{url} {}w", self.widths[i as usize])
            })
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// A URL safe inside `srcset`, where a space or a comma would end it.
fn srcset_url(url: &str) -> String {
    url.replace(' ', "%20").replace(',', "%2C")
}

/// How an `<img>` is loaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Loading {
    /// Right away (the first picture of a page).
    Eager,
    /// When scrolled near.
    Lazy,
}

/// What a `<picture>` shows.
#[derive(Debug, Clone, Copy)]
pub struct Show<'a> {
    /// Alternative text (already plain text; escaped here).
    pub alt: &'a str,
    /// A title, when the author gave one.
    pub title: Option<&'a str>,
    /// The `sizes` attribute.
    pub sizes: &'a str,
    /// How it loads.
    pub loading: Loading,
    /// A class on the `<img>`.
    pub class: Option<&'a str>,
}

/// The marker every lazily loaded picture starts its `<img>` with; [`make_first_eager`] finds it.
const LAZY_IMG: &str = "<img loading=\"lazy\" decoding=\"async\"";

/// `<picture>` markup for `photo`: WebP with a fallback, every width, with the size of the
/// picture so the page does not jump while it loads. `href` turns site paths into URLs.
pub fn picture(photo: &Photo, show: Show, href: &dyn Fn(&str) -> String) -> String {
    let sizes = html_escape(show.sizes);
    let loading = match show.loading {
        Loading::Lazy => LAZY_IMG.to_string(),
        Loading::Eager => "<img decoding=\"async\" fetchpriority=\"high\"".to_string(),
    };
    let w = photo.largest();
    let title =
        show.title.filter(|t| !t.is_empty()).map_or(String::new(), |t| format!(" title=\"{}\"", html_escape(t)));
    let class = show.class.map_or(String::new(), |c| format!(" class=\"{c}\""));
    format!(
        "<picture><source type=\"image/webp\" srcset=\"{webp}\" sizes=\"{sizes}\">{loading}{class} src=\"{src}\" srcset=\"{fallback}\" sizes=\"{sizes}\" width=\"{w}\" height=\"{h}\" alt=\"{alt}\"{title}></picture>",
        webp = html_escape(&photo.srcset(true, href)),
        src = html_escape(&srcset_url(&href(&photo.path(photo.fallback_near(960))))),
        fallback = html_escape(&photo.srcset(false, href)),
        h = photo.height_at(w),
        alt = html_escape(show.alt),
    )
}

/// Makes the first lazily loaded picture of `html` load right away: the first picture of a
/// page is usually in view, and a lazy one there only delays it.
pub fn make_first_eager(html: &str) -> std::borrow::Cow<'_, str> {
    match html.find(LAZY_IMG) {
        Some(_) => html.replacen(LAZY_IMG, "<img decoding=\"async\"", 1).into(),
        None => html.into(),
    }
}

/// The kind of file a content path names, from its extension.
fn kind_of(path: &str) -> Option<&'static str> {
    let ext = path.rsplit_once('.')?.1.to_ascii_lowercase();
    match ext.as_str() {
        "jpg" | "jpeg" | "png" | "webp" | "gif" => Some("raster"),
        "heic" | "heif" | "hif" => Some("heic"),
        _ => None,
    }
}

/// Describes every raster image among `assets` (paths under content/ of the site at `root`),
/// in parallel. Files that cannot be used are reported as errors naming them.
pub fn survey_all(root: &Path, assets: &[String], problems: &mut Diagnostics) -> Vec<Photo> {
    use rayon::prelude::*;
    let results: Vec<Result<Option<Photo>, Diagnostic>> =
        assets.par_iter().filter(|a| kind_of(a).is_some()).map(|a| survey(root, a)).collect();
    let mut photos = Vec::new();
    for r in results {
        match r {
            Ok(Some(p)) => photos.push(p),
            Ok(None) => {}
            Err(d) => problems.push(d),
        }
    }
    photos
}

/// Describes one file under content/ from its header, without decoding its pixels. `Ok(None)`
/// for files that are not raster images.
pub fn survey(root: &Path, asset: &str) -> Result<Option<Photo>, Diagnostic> {
    let Some(kind) = kind_of(asset) else { return Ok(None) };
    let rel = Path::new(crate::source::CONTENT_DIR).join(asset);
    // Through nofollow, like every source read: a picture that is a symbolic link is refused.
    let bytes = crate::nofollow::read(root, &rel)?;
    if kind == "heic" || is_heif(&bytes) {
        return Err(Diagnostic::error(&rel, "this picture is in HEIC/HEIF format (the iPhone's default), which web browsers cannot show")
            .hint("export it as JPEG: on the iPhone set Settings › Camera › Formats › Most Compatible, or open it in Photos (Mac) / the Photos app (Windows) and export or save as JPEG; then replace this file with the .jpg"));
    }
    let key = hash_key(&bytes);
    // The size from the first bytes of the file, before any decoder allocates for it.
    if let Ok(size) = imagesize::blob_size(&bytes) {
        too_large(&rel, size.width as u64, size.height as u64)?;
    }
    let decoder = header(&bytes).map_err(|msg| unreadable(&rel, &msg))?;
    let (w, h) = decoder.dimensions;
    too_large(&rel, w as u64, h as u64)?;
    if w == 0 || h == 0 {
        return Err(unreadable(&rel, "it has no pixels"));
    }
    let (width, height) = if swaps_axes(decoder.orientation) { (h, w) } else { (w, h) };
    let fallback = match decoder.format {
        Format::Jpeg => Fallback::Jpeg,
        Format::Png | Format::Gif => Fallback::Png,
        Format::Webp if decoder.alpha => Fallback::Png,
        Format::Webp => Fallback::Jpeg,
    };
    Ok(Some(Photo {
        source: asset.to_string(),
        key,
        format: decoder.format,
        width,
        height,
        widths: ladder(width),
        fallback,
    }))
}

/// The widths to publish for a picture `width` pixels wide: the ladder's smaller steps and the
/// picture's own width, capped at the largest step. Never wider than the picture.
pub fn ladder(width: u32) -> Vec<u32> {
    let top = *LADDER.last().expect("ladder");
    let mut widths: Vec<u32> = LADDER.iter().copied().filter(|&w| w < width.min(top)).collect();
    widths.push(width.min(top));
    widths
}

fn too_large(rel: &Path, w: u64, h: u64) -> Result<(), Diagnostic> {
    if w * h <= MAX_PIXELS {
        return Ok(());
    }
    Err(Diagnostic::error(
        rel,
        format!(
            "this picture is {w}×{h} pixels ({:.0} megapixels); namrong accepts at most {} megapixels",
            (w * h) as f64 / 1e6,
            MAX_PIXELS / 1_000_000
        ),
    )
    .hint("make it smaller before adding it (a phone photo is about 12 megapixels, 4032×3024); 2000 pixels wide is plenty for the web"))
}

fn hash_key(bytes: &[u8]) -> String {
    let mut h = blake3::Hasher::new();
    h.update(version().as_bytes());
    h.update(b"\n");
    h.update(bytes);
    h.finalize().to_hex()[..32].to_string()
}

fn unreadable(rel: &Path, why: &str) -> Diagnostic {
    Diagnostic::error(rel, format!("this picture cannot be read: {why}"))
        .hint("the file may be damaged or not really a JPEG, PNG, WebP or GIF: open it on your computer and save or export it again as JPEG")
}

/// True for HEIF containers (HEIC photos), whatever their extension says.
fn is_heif(bytes: &[u8]) -> bool {
    bytes.len() >= 12
        && &bytes[4..8] == b"ftyp"
        && matches!(&bytes[8..12], b"heic" | b"heix" | b"hevc" | b"hevx" | b"heim" | b"heis" | b"mif1" | b"msf1")
}

/// What a file's header says.
struct Header {
    format: Format,
    dimensions: (u32, u32),
    orientation: image::metadata::Orientation,
    alpha: bool,
}

/// Reads the header of an image in memory: format, size, orientation and whether it has an
/// alpha channel. No pixels are decoded.
fn header(bytes: &[u8]) -> Result<Header, String> {
    use image::ImageDecoder;
    let reader = image::ImageReader::new(Cursor::new(bytes)).with_guessed_format().map_err(|e| e.to_string())?;
    let format = match reader.format() {
        Some(image::ImageFormat::Jpeg) => Format::Jpeg,
        Some(image::ImageFormat::Png) => Format::Png,
        Some(image::ImageFormat::WebP) => Format::Webp,
        Some(image::ImageFormat::Gif) => Format::Gif,
        Some(other) => return Err(format!("it is a {other:?} file; namrong reads JPEG, PNG, WebP and GIF")),
        None => return Err("it is not a JPEG, PNG, WebP or GIF file".into()),
    };
    let mut decoder = reader.into_decoder().map_err(|e| e.to_string())?;
    let dimensions = decoder.dimensions();
    let orientation = decoder.orientation().unwrap_or(image::metadata::Orientation::NoTransforms);
    let alpha = decoder.color_type().has_alpha();
    Ok(Header { format, dimensions, orientation, alpha })
}

fn swaps_axes(o: image::metadata::Orientation) -> bool {
    use image::metadata::Orientation::*;
    matches!(o, Rotate90 | Rotate270 | Rotate90FlipH | Rotate270FlipH)
}

#[cfg(test)]
mod tests;
