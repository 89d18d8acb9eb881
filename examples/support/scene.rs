//! Procedural landscape photographs for the sample site and the benchmark corpus: a sky with
//! clouds, layers of hills fading into haze, and a foreground of fields or sea, with a little
//! sensor grain. Deterministic for a given kind, seed and size. Shared by the examples that
//! write photos (`#[path]`-included).

/// What the picture shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(dead_code)]
pub enum Kind {
    /// Forested hills in smoke haze (northern Thailand in the burning season).
    HazyHills,
    /// A beach, the sea and an island under a bright sky.
    Coast,
    /// Green rice fields with a line of trees and hills behind.
    Fields,
}

fn hash(x: i64, y: i64, seed: u64) -> f32 {
    let mut h = (x as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)
        ^ (y as u64).wrapping_mul(0xC2B2_AE3D_27D4_EB4F)
        ^ seed.wrapping_mul(0x1656_67B1_9E37_79F9);
    h ^= h >> 31;
    h = h.wrapping_mul(0xBF58_476D_1CE4_E5B9);
    h ^= h >> 29;
    (h >> 40) as f32 / (1u64 << 24) as f32
}

fn smooth(t: f32) -> f32 {
    t * t * (3.0 - 2.0 * t)
}

fn noise(x: f32, y: f32, seed: u64) -> f32 {
    let (xi, yi) = (x.floor() as i64, y.floor() as i64);
    let (fx, fy) = (smooth(x - x.floor()), smooth(y - y.floor()));
    let a = hash(xi, yi, seed);
    let b = hash(xi + 1, yi, seed);
    let c = hash(xi, yi + 1, seed);
    let d = hash(xi + 1, yi + 1, seed);
    let top = a + (b - a) * fx;
    let bottom = c + (d - c) * fx;
    top + (bottom - top) * fy
}

fn fbm(x: f32, y: f32, octaves: u32, seed: u64) -> f32 {
    let (mut sum, mut amp, mut freq, mut norm) = (0.0, 1.0, 1.0, 0.0);
    for o in 0..octaves {
        sum += amp * noise(x * freq, y * freq, seed + o as u64);
        norm += amp;
        amp *= 0.5;
        freq *= 2.03;
    }
    sum / norm
}

fn mix(a: [f32; 3], b: [f32; 3], t: f32) -> [f32; 3] {
    let t = t.clamp(0.0, 1.0);
    [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t]
}

struct Palette {
    sky_top: [f32; 3],
    sky_low: [f32; 3],
    cloud: [f32; 3],
    cloudiness: f32,
    haze: [f32; 3],
    hills: [[f32; 3]; 3],
    ground_a: [f32; 3],
    ground_b: [f32; 3],
    horizon: f32,
    sea: bool,
}

fn palette(kind: Kind) -> Palette {
    match kind {
        Kind::HazyHills => Palette {
            sky_top: [150.0, 160.0, 170.0],
            sky_low: [215.0, 195.0, 170.0],
            cloud: [225.0, 220.0, 210.0],
            cloudiness: 0.35,
            haze: [200.0, 185.0, 165.0],
            hills: [[70.0, 90.0, 70.0], [50.0, 75.0, 50.0], [35.0, 60.0, 35.0]],
            ground_a: [95.0, 80.0, 50.0],
            ground_b: [60.0, 85.0, 40.0],
            horizon: 0.42,
            sea: false,
        },
        Kind::Coast => Palette {
            sky_top: [40.0, 110.0, 200.0],
            sky_low: [170.0, 205.0, 235.0],
            cloud: [250.0, 250.0, 252.0],
            cloudiness: 0.55,
            haze: [175.0, 200.0, 220.0],
            hills: [[60.0, 100.0, 80.0], [40.0, 85.0, 55.0], [30.0, 70.0, 40.0]],
            ground_a: [225.0, 205.0, 165.0],
            ground_b: [20.0, 120.0, 150.0],
            horizon: 0.5,
            sea: true,
        },
        Kind::Fields => Palette {
            sky_top: [70.0, 130.0, 205.0],
            sky_low: [200.0, 215.0, 230.0],
            cloud: [245.0, 245.0, 245.0],
            cloudiness: 0.5,
            haze: [170.0, 190.0, 200.0],
            hills: [[80.0, 110.0, 110.0], [50.0, 95.0, 60.0], [30.0, 80.0, 35.0]],
            ground_a: [120.0, 170.0, 50.0],
            ground_b: [70.0, 140.0, 40.0],
            horizon: 0.45,
            sea: false,
        },
    }
}

/// The scene as RGB bytes, `width` × `height`, row by row.
pub fn render(kind: Kind, seed: u64, width: u32, height: u32) -> Vec<u8> {
    let p = palette(kind);
    let (w, h) = (width as usize, height as usize);
    let scale = 1.0 / w.max(h) as f32;
    // Ridge heights per column, for each hill layer (as a share of the height, from the top).
    let ridges: Vec<Vec<f32>> = (0..3)
        .map(|layer| {
            let base = p.horizon - 0.12 + layer as f32 * 0.06;
            let rough = 6.0 + layer as f32 * 5.0;
            (0..w)
                .map(|x| base - 0.16 * fbm(x as f32 * scale * rough, layer as f32 * 7.0, 5, seed + 10 * layer as u64))
                .collect()
        })
        .collect();
    let mut out = vec![0u8; w * h * 3];
    for y in 0..h {
        let v = y as f32 / h as f32;
        for x in 0..w {
            let (fx, fy) = (x as f32 * scale, y as f32 * scale);
            let mut c;
            if v < p.horizon + 0.02 {
                c = mix(p.sky_top, p.sky_low, v / p.horizon);
                let cloud = fbm(fx * 4.0, fy * 9.0, 5, seed + 100);
                c = mix(c, p.cloud, (cloud - (1.0 - p.cloudiness)) * 3.0);
            } else {
                c = p.sky_low;
            }
            for (layer, ridge) in ridges.iter().enumerate() {
                if v > ridge[x] && !(p.sea && layer > 0 && v > p.horizon) {
                    let tex = fbm(fx * 60.0, fy * 60.0, 3, seed + 200 + layer as u64);
                    let hill = mix(
                        p.hills[layer],
                        [p.hills[layer][0] * 0.6, p.hills[layer][1] * 0.7, p.hills[layer][2] * 0.6],
                        tex,
                    );
                    let distance = 1.0 - layer as f32 / 3.0;
                    c = mix(hill, p.haze, distance * if kind == Kind::HazyHills { 0.75 } else { 0.4 });
                }
            }
            if v > p.horizon + 0.08 {
                let depth = (v - p.horizon - 0.08) / (1.0 - p.horizon);
                if p.sea {
                    let shore = 0.55 + 0.08 * fbm(fx * 8.0, 3.0, 4, seed + 300);
                    if depth < shore {
                        let wave = fbm(fx * 30.0, fy * 200.0 * (1.2 - depth), 3, seed + 301);
                        c = mix(p.ground_b, [235.0, 245.0, 245.0], (wave - 0.72) * 4.0 + depth * 0.4);
                    } else {
                        let sand = fbm(fx * 90.0, fy * 90.0, 3, seed + 302);
                        c = mix(p.ground_a, [190.0, 170.0, 130.0], sand);
                    }
                } else {
                    let rows = fbm(fx * 12.0, fy * 80.0 / (0.2 + depth), 4, seed + 310);
                    let grass = fbm(fx * 150.0, fy * 150.0, 2, seed + 311);
                    c = mix(mix(p.ground_a, p.ground_b, rows), [c[0] * 0.0 + 40.0, 70.0, 25.0], grass * 0.35);
                    c = mix(c, p.haze, (1.0 - depth) * 0.25);
                }
            }
            let grain = (hash(x as i64, y as i64, seed ^ 0xABCD) - 0.5) * 10.0;
            let i = (y * w + x) * 3;
            for k in 0..3 {
                out[i + k] = (c[k] + grain).clamp(0.0, 255.0) as u8;
            }
        }
    }
    out
}

/// Adds fresh sensor grain to a rendered scene, so copies of one scene are different files.
#[allow(dead_code)]
pub fn regrain(pixels: &mut [u8], seed: u64) {
    for (i, px) in pixels.iter_mut().enumerate() {
        let g = (hash(i as i64, 7, seed) * 6.0) as i16 - 3;
        *px = (*px as i16 + g).clamp(0, 255) as u8;
    }
}

/// Rotates RGB pixels a quarter turn anticlockwise: how a phone held upright stores a photo it
/// tags with EXIF orientation 6.
#[allow(dead_code)]
pub fn rotate_anticlockwise(pixels: &[u8], width: u32, height: u32) -> Vec<u8> {
    let (w, h) = (width as usize, height as usize);
    let mut out = vec![0u8; pixels.len()];
    // The result is h wide and w tall; source (x, y) goes to (y, w - 1 - x).
    for y in 0..h {
        for x in 0..w {
            let (nx, ny) = (y, w - 1 - x);
            let s = (y * w + x) * 3;
            let d = (ny * h + nx) * 3;
            out[d..d + 3].copy_from_slice(&pixels[s..s + 3]);
        }
    }
    out
}

/// Encodes RGB pixels as a JPEG.
#[allow(dead_code)]
pub fn jpeg(pixels: &[u8], width: u32, height: u32, quality: u8) -> Vec<u8> {
    let mut out = Vec::new();
    jpeg_encoder::Encoder::new(&mut out, quality)
        .encode(pixels, width as u16, height as u16, jpeg_encoder::ColorType::Rgb)
        .expect("JPEG encoding");
    out
}
