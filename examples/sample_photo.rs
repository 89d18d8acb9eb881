//! Writes one procedural landscape photograph as a JPEG, the size a phone takes (4032×3024):
//!
//! ```sh
//! cargo run --release --example sample_photo -- hills|coast|fields SEED OUT.jpg [--sideways] [--quality Q]
//! ```
//!
//! `--sideways` stores it turned a quarter anticlockwise, as a phone held upright does (tag it
//! with EXIF orientation 6 afterwards, e.g. `exiftool -Orientation#=6`). The sample site's
//! photos were made this way, then given camera, GPS and author EXIF with exiftool.

#[path = "support/scene.rs"]
mod scene;

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(kind), Some(seed), Some(out)) = (args.first(), args.get(1), args.get(2)) else {
        eprintln!("usage: sample_photo hills|coast|fields SEED OUT.jpg [--sideways] [--quality Q]");
        return ExitCode::from(2);
    };
    let kind = match kind.as_str() {
        "hills" => scene::Kind::HazyHills,
        "coast" => scene::Kind::Coast,
        "fields" => scene::Kind::Fields,
        _ => {
            eprintln!("unknown scene {kind}");
            return ExitCode::from(2);
        }
    };
    let seed: u64 = seed.parse().unwrap_or(1);
    let sideways = args.iter().any(|a| a == "--sideways");
    let quality = args.iter().position(|a| a == "--quality").and_then(|i| args.get(i + 1)?.parse().ok()).unwrap_or(85);
    let (w, h) = if sideways { (3024, 4032) } else { (4032, 3024) };
    let pixels = scene::render(kind, seed, w, h);
    let (pixels, w, h) = if sideways { (scene::rotate_anticlockwise(&pixels, w, h), h, w) } else { (pixels, w, h) };
    if let Err(e) = std::fs::write(out, scene::jpeg(&pixels, w, h, quality)) {
        eprintln!("{out}: {e}");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
