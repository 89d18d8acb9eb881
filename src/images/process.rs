//! The pixel work for one photo: decode it, turn it upright, resize it to each width of its
//! ladder and encode WebP plus the fallback. Metadata never survives: the encoders write only
//! pixels, so EXIF (GPS, camera, author, dates, thumbnails), XMP and text chunks are dropped.
//! Colour profiles are dropped too; phone photos are in sRGB or close to it.

use std::io::Cursor;

use fast_image_resize::images::{Image as FirImage, ImageRef};
use fast_image_resize::{PixelType, ResizeAlg, ResizeOptions, Resizer};
use image::{DynamicImage, ImageDecoder, ImageReader, RgbImage, RgbaImage};

use super::{Fallback, Format, JPEG_QUALITY, MAX_PIXELS, ORIGINAL_QUALITY, Photo, Variant, WEBP_QUALITY};

/// Pixels in memory: 3 (RGB) or 4 (RGBA) bytes each.
struct Pixels {
    width: u32,
    height: u32,
    channels: u8,
    data: Vec<u8>,
}

impl Pixels {
    fn from_image(img: DynamicImage, keep_alpha: bool) -> Pixels {
        let (width, height) = (img.width(), img.height());
        if keep_alpha {
            Pixels { width, height, channels: 4, data: img.into_rgba8().into_raw() }
        } else {
            Pixels { width, height, channels: 3, data: img.into_rgb8().into_raw() }
        }
    }

    fn into_image(self) -> DynamicImage {
        if self.channels == 4 {
            DynamicImage::ImageRgba8(RgbaImage::from_raw(self.width, self.height, self.data).expect("buffer size"))
        } else {
            DynamicImage::ImageRgb8(RgbImage::from_raw(self.width, self.height, self.data).expect("buffer size"))
        }
    }

    fn pixel_type(&self) -> PixelType {
        if self.channels == 4 { PixelType::U8x4 } else { PixelType::U8x3 }
    }

    /// Resized to `width` × `height` with a Lanczos filter. Shrinking by more than half (a
    /// whole phone photo) first samples it down to twice the size, which costs a third of the
    /// time and looks the same.
    fn resized(&self, width: u32, height: u32) -> Result<Pixels, String> {
        if (width, height) == (self.width, self.height) {
            return Ok(Pixels { width, height, channels: self.channels, data: self.data.clone() });
        }
        let src = ImageRef::new(self.width, self.height, &self.data, self.pixel_type()).map_err(|e| e.to_string())?;
        let mut dst = FirImage::new(width, height, self.pixel_type());
        let filter = fast_image_resize::FilterType::Lanczos3;
        let alg =
            if self.width > width * 2 { ResizeAlg::SuperSampling(filter, 2) } else { ResizeAlg::Convolution(filter) };
        let options = ResizeOptions::new().resize_alg(alg);
        Resizer::new().resize(&src, &mut dst, &options).map_err(|e| e.to_string())?;
        Ok(Pixels { width, height, channels: self.channels, data: dst.into_vec() })
    }

    /// True when at most 256 colours are used (drawings, screenshots, charts).
    fn few_colours(&self) -> bool {
        let mut seen = std::collections::HashSet::new();
        for px in self.data.chunks_exact(self.channels as usize) {
            let mut c = [0u8; 4];
            c[..px.len()].copy_from_slice(px);
            if seen.insert(c) && seen.len() > 256 {
                return false;
            }
        }
        true
    }

    fn opaque(&self) -> bool {
        self.channels == 3 || self.data.chunks_exact(4).all(|px| px[3] == 255)
    }
}

/// Decodes `bytes` (the file of `photo`) and encodes each of `wanted`, in that order.
pub(super) fn process(photo: &Photo, bytes: &[u8], wanted: &[Variant]) -> Result<Vec<Vec<u8>>, String> {
    let mut reader = ImageReader::new(Cursor::new(bytes)).with_guessed_format().map_err(|e| e.to_string())?;
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(60_000);
    limits.max_image_height = Some(60_000);
    limits.max_alloc = Some(MAX_PIXELS * 4 + (64 << 20));
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(|e| e.to_string())?;
    let (w, h) = decoder.dimensions();
    if w as u64 * h as u64 > MAX_PIXELS {
        return Err(format!("it is {w}×{h} pixels, more than {} megapixels", MAX_PIXELS / 1_000_000));
    }
    let orientation = decoder.orientation().unwrap_or(image::metadata::Orientation::NoTransforms);
    let has_alpha = decoder.color_type().has_alpha();
    let img = DynamicImage::from_decoder(decoder).map_err(|e| e.to_string())?;
    let mut source = Pixels::from_image(img, has_alpha);
    if has_alpha && source.opaque() {
        source = Pixels::from_image(source.into_image(), false);
    }
    let lossless = matches!(photo.format, Format::Png | Format::Gif) && source.few_colours();
    let swap = super::swaps_axes(orientation);
    let mut out = Vec::with_capacity(wanted.len());
    // Resized from the largest down, each from the one before: quicker than from the full
    // photo each time, and the same to the eye with a Lanczos filter.
    let mut sizes: Vec<(u32, Pixels)> = Vec::new();
    for &w in photo.widths.iter().rev() {
        let h = photo.height_at(w);
        let pixels = match sizes.last() {
            Some((_, bigger)) => bigger.resized(w, h)?,
            None => {
                // Resize first, then turn upright: turning 1600 pixels costs less than turning 12 million.
                let (sw, sh) = if swap { (h, w) } else { (w, h) };
                let mut img = source.resized(sw, sh)?.into_image();
                img.apply_orientation(orientation);
                Pixels::from_image(img, source.channels == 4)
            }
        };
        sizes.push((w, pixels));
    }
    for &variant in wanted {
        let bytes = match variant {
            Variant::Original => {
                let mut img =
                    std::mem::replace(&mut source, Pixels { width: 0, height: 0, channels: 3, data: Vec::new() })
                        .into_image();
                img.apply_orientation(orientation);
                encode_original(photo.format, Pixels::from_image(img, has_alpha), lossless)?
            }
            Variant::Webp(i) | Variant::Fallback(i) => {
                let w = photo.widths[i as usize];
                let px = &sizes.iter().find(|(x, _)| *x == w).expect("every width was resized").1;
                match variant {
                    Variant::Webp(_) => encode_webp(px, lossless),
                    _ => match photo.fallback {
                        Fallback::Jpeg => encode_jpeg(px, JPEG_QUALITY)?,
                        Fallback::Png => encode_png(px)?,
                    },
                }
            }
        };
        out.push(bytes);
    }
    Ok(out)
}

fn encode_webp(px: &Pixels, lossless: bool) -> Vec<u8> {
    let layout = if px.channels == 4 { webp::PixelLayout::Rgba } else { webp::PixelLayout::Rgb };
    let encoder = webp::Encoder::new(&px.data, layout, px.width, px.height);
    let mem = if lossless { encoder.encode_lossless() } else { encoder.encode(WEBP_QUALITY) };
    mem.to_vec()
}

fn encode_jpeg(px: &Pixels, quality: u8) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    let rgb;
    let data = if px.channels == 4 {
        rgb = px.data.chunks_exact(4).flat_map(|p| [p[0], p[1], p[2]]).collect::<Vec<u8>>();
        &rgb
    } else {
        &px.data
    };
    let enc = jpeg_encoder::Encoder::new(&mut out, quality);
    let (w, h) = (
        u16::try_from(px.width).map_err(|_| "too wide for JPEG")?,
        u16::try_from(px.height).map_err(|_| "too tall for JPEG")?,
    );
    enc.encode(data, w, h, jpeg_encoder::ColorType::Rgb).map_err(|e| e.to_string())?;
    Ok(out)
}

fn encode_png(px: &Pixels) -> Result<Vec<u8>, String> {
    use image::ImageEncoder;
    let mut out = Vec::new();
    let color = if px.channels == 4 { image::ExtendedColorType::Rgba8 } else { image::ExtendedColorType::Rgb8 };
    image::codecs::png::PngEncoder::new(&mut out)
        .write_image(&px.data, px.width, px.height, color)
        .map_err(|e| e.to_string())?;
    Ok(out)
}

/// The full-size picture in its own format, upright and with no metadata.
fn encode_original(format: Format, px: Pixels, lossless: bool) -> Result<Vec<u8>, String> {
    match format {
        Format::Jpeg => encode_jpeg(&px, ORIGINAL_QUALITY),
        Format::Png => encode_png(&px),
        Format::Webp => {
            let layout = if px.channels == 4 { webp::PixelLayout::Rgba } else { webp::PixelLayout::Rgb };
            let encoder = webp::Encoder::new(&px.data, layout, px.width, px.height);
            Ok(if lossless { encoder.encode_lossless() } else { encoder.encode(ORIGINAL_QUALITY as f32) }.to_vec())
        }
        Format::Gif => {
            let mut out = Vec::new();
            let rgba = px.into_image().into_rgba8();
            let mut enc = image::codecs::gif::GifEncoder::new(&mut out);
            enc.encode(rgba.as_raw(), rgba.width(), rgba.height(), image::ExtendedColorType::Rgba8)
                .map_err(|e| e.to_string())?;
            drop(enc);
            Ok(out)
        }
    }
}
