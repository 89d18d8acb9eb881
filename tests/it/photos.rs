//! Photos: published upright, without metadata, at a ladder of widths, with responsive markup;
//! the pilot's picture shown; bad pictures reported; unchanged photos never decoded again.
//! Metadata is checked with a real EXIF reader, exiftool.

use std::path::Path;
use std::process::Command;

use crate::support::*;

/// Fails with the install command when exiftool is missing: these tests need a real EXIF reader.
fn exiftool() -> Command {
    let ok = Command::new("exiftool").arg("-ver").output().is_ok_and(|o| o.status.success());
    assert!(ok, "exiftool is needed to check photo metadata: apt-get install -y libimage-exiftool-perl");
    Command::new("exiftool")
}

/// A landscape JPEG `w`×`h`: red on the left half, blue on the right, with some texture.
pub fn photo_jpeg(w: u16, h: u16) -> Vec<u8> {
    let mut px = Vec::with_capacity(w as usize * h as usize * 3);
    for y in 0..h as u32 {
        for x in 0..w as u32 {
            let t = ((x * 7 + y * 13) % 32) as u8;
            if x < w as u32 / 2 { px.extend([200 + t / 2, 30 + t, 30]) } else { px.extend([30, 40 + t, 200 + t / 2]) }
        }
    }
    let mut out = Vec::new();
    jpeg_encoder::Encoder::new(&mut out, 85).encode(&px, w, h, jpeg_encoder::ColorType::Rgb).unwrap();
    out
}

/// Writes a phone photo into the site with the EXIF a phone writes: GPS, camera, author, date,
/// and orientation 6 (taken upright, stored sideways).
pub fn add_phone_photo(site: &SiteTest, rel: &str, w: u16, h: u16) {
    site.write(rel, photo_jpeg(w, h));
    let out = exiftool()
        .args([
            "-overwrite_original",
            "-Make=Samsung",
            "-Model=Galaxy A54",
            "-Artist=Somchai Field Officer",
            "-DateTimeOriginal=2024:09:25 10:31:00",
            "-GPSLatitude=6.54",
            "-GPSLatitudeRef=N",
            "-GPSLongitude=101.28",
            "-GPSLongitudeRef=E",
            "-Orientation#=6",
        ])
        .arg(site.root().join(rel))
        .output()
        .unwrap();
    assert!(out.status.success(), "exiftool: {}", String::from_utf8_lossy(&out.stderr));
}

/// The files under `dir` of the output whose names start with `stem`.
fn published(site: &SiteTest, dir: &str, stem: &str) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(site.out().join(dir))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(stem))
        .collect();
    names.sort();
    names
}

/// Metadata tags exiftool finds in `files` that a published photo must not have.
fn leaked_tags(files: &[std::path::PathBuf]) -> Vec<String> {
    let out = exiftool().arg("-j").arg("-a").arg("-G1").args(files).output().unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut leaked = Vec::new();
    for file in json.as_array().unwrap() {
        for key in file.as_object().unwrap().keys() {
            let tag = key.rsplit(':').next().unwrap();
            if tag.starts_with("GPS")
                || ["Make", "Model", "Artist", "DateTimeOriginal", "CreateDate", "Orientation", "ThumbnailImage"]
                    .contains(&tag)
            {
                leaked.push(format!("{}: {key}", file["SourceFile"]));
            }
        }
    }
    leaked
}

fn hash_of(name: &str) -> &str {
    name.split('.').nth(1).unwrap()
}

#[test]
fn phone_photos_are_published_upright_resized_and_without_metadata() {
    let site = SiteTest::new("bilingual");
    add_phone_photo(&site, "content/pilots/alpha/images/meeting.jpg", 2400, 1800);
    site.replace("content/pilots/alpha/en.md", "\n", "\n\n![Farmers at the village meeting](images/meeting.jpg)\n\n");
    site.build();
    let names = published(&site, "pilots/alpha/images", "meeting");
    let hash = hash_of(&names[0]).to_string();
    let expected: Vec<String> = ["1600w.jpg", "1600w.webp", "480w.jpg", "480w.webp", "960w.jpg", "960w.webp"]
        .iter()
        .map(|s| format!("meeting.{hash}.{s}"))
        .collect();
    assert_eq!(names, expected, "the ladder of widths, and no original");
    let files: Vec<_> = names.iter().map(|n| site.out().join("pilots/alpha/images").join(n)).collect();
    assert_eq!(leaked_tags(&files), Vec::<String>::new(), "metadata left in published files");
    // Stored sideways with orientation 6: published upright, so portrait, red (the stored left) on top.
    for (name, width) in [("1600w.jpg", 1600), ("960w.webp", 960), ("480w.jpg", 480)] {
        let img = image::open(site.out().join(format!("pilots/alpha/images/meeting.{hash}.{name}"))).unwrap().to_rgb8();
        assert_eq!((img.width(), img.height()), (width, width * 4 / 3), "{name}");
        let top = img.get_pixel(width / 2, 5);
        let bottom = img.get_pixel(width / 2, img.height() - 5);
        assert!(top[0] > 150 && top[2] < 100, "{name}: top should be red, is {top:?}");
        assert!(bottom[2] > 150 && bottom[0] < 100, "{name}: bottom should be blue, is {bottom:?}");
    }
}

#[test]
fn markdown_photos_get_sizes_srcset_and_lazy_loading_except_the_first() {
    let site = SiteTest::new("bilingual");
    add_phone_photo(&site, "content/pilots/beta/one.jpg", 1200, 900);
    site.write("content/pilots/beta/two.jpg", photo_jpeg(700, 500));
    site.replace(
        "content/pilots/beta/th.md",
        "\n",
        "\n\n![ภาพแรก](one.jpg)\n\nข้อความ\n\n![ภาพที่สอง](two.jpg \"ชื่อภาพ\")\n\n",
    );
    site.build();
    let html = site.read("pilots/beta/index.html");
    let one = published(&site, "pilots/beta", "one");
    let two = published(&site, "pilots/beta", "two");
    let (h1, h2) = (hash_of(&one[0]), hash_of(&two[0]));
    let base = "/pilots-site/pilots/beta";
    // Portrait once upright: 900 wide, so 480 and 900 (never upscaled to 960 or 1600).
    assert_contains(
        &html,
        &format!(
            "<picture><source type=\"image/webp\" srcset=\"{base}/one.{h1}.480w.webp 480w, {base}/one.{h1}.900w.webp 900w\" sizes=\"(min-width: 46rem) 44rem, calc(100vw - 2rem)\"><img decoding=\"async\" src=\"{base}/one.{h1}.900w.jpg\" srcset=\"{base}/one.{h1}.480w.jpg 480w, {base}/one.{h1}.900w.jpg 900w\" sizes=\"(min-width: 46rem) 44rem, calc(100vw - 2rem)\" width=\"900\" height=\"1200\" alt=\"ภาพแรก\"></picture>"
        ),
    );
    assert_contains(
        &html,
        &format!(
            "<img loading=\"lazy\" decoding=\"async\" src=\"{base}/two.{h2}.700w.jpg\" srcset=\"{base}/two.{h2}.480w.jpg 480w, {base}/two.{h2}.700w.jpg 700w\" sizes=\"(min-width: 46rem) 44rem, calc(100vw - 2rem)\" width=\"700\" height=\"500\" alt=\"ภาพที่สอง\" title=\"ชื่อภาพ\"></picture>"
        ),
    );
    assert_eq!(html.matches("loading=\"lazy\"").count(), 1, "only the second picture is lazy");
    assert_eq!(published(&site, "pilots/beta", "two").len(), 4);
    assert!(!site.exists("pilots/beta/one.jpg") && !site.exists("pilots/beta/two.jpg"), "originals are not published");
}

#[test]
fn the_pilot_picture_leads_the_page_shows_on_cards_and_is_shared() {
    let site = SiteTest::new("bilingual");
    add_phone_photo(&site, "content/pilots/alpha/images/field.jpg", 2000, 1500);
    site.replace("content/pilots/alpha/pilot.toml", "images/map.svg", "images/field.jpg");
    site.replace("content/pilots/alpha/en.md", "\n", "\n\n![The burnt hillside](images/field.jpg)\n\n");
    site.build();
    let hash = hash_of(&published(&site, "pilots/alpha/images", "field")[0]).to_string();
    let url = |w: u32, ext: &str| format!("/pilots-site/pilots/alpha/images/field.{hash}.{w}w.{ext}");
    let html = site.read("en/pilots/alpha/index.html");
    // The lead picture: first on the page, loaded right away, opening the largest file.
    assert_contains(
        &html,
        &format!("<figure class=\"lead-image\"><a href=\"{}\"><picture><source type=\"image/webp\"", url(1500, "jpg")),
    );
    assert_contains(&html, "width=\"1500\" height=\"2000\" alt=\"Map of Lampang\"></picture></a></figure>");
    let lead_at = html.find("lead-image").unwrap();
    let lazy_at = html.find("loading=\"lazy\"").expect("the narrative's picture is lazy");
    assert!(lead_at < lazy_at);
    assert_not_contains(&html[..lazy_at], "loading=\"lazy\"");
    // Shared (cards are off in this site): the largest JPEG, as an absolute URL.
    assert_contains(
        &html,
        &format!("<meta property=\"og:image\" content=\"https://example.go.th{}\">", url(1500, "jpg")),
    );
    // Cards in lists: a small thumbnail.
    let list = site.read("en/pilots/index.html");
    assert_contains(
        &list,
        &format!(
            "<picture class=\"card-thumb\"><source type=\"image/webp\" srcset=\"{}\"><img src=\"{}\" width=\"480\" height=\"640\" alt=\"\" loading=\"lazy\" decoding=\"async\"></picture>",
            url(480, "webp"),
            url(480, "jpg")
        ),
    );
}

#[test]
fn links_to_a_photo_open_its_largest_file_or_the_stripped_original_when_published() {
    let site = SiteTest::new("bilingual");
    add_phone_photo(&site, "content/pilots/alpha/images/big.jpg", 2400, 1800);
    site.replace("content/pilots/alpha/en.md", "\n", "\n\n[the full photo](images/big.jpg)\n\n");
    site.build();
    let hash = hash_of(&published(&site, "pilots/alpha/images", "big")[0]).to_string();
    assert_contains(
        &site.read("en/pilots/alpha/index.html"),
        &format!("<a href=\"/pilots-site/pilots/alpha/images/big.{hash}.1600w.jpg\">the full photo</a>"),
    );
    site.replace("namrong.toml", "social_cards = false", "social_cards = false\npublish_original_images = true");
    site.build();
    assert_contains(
        &site.read("en/pilots/alpha/index.html"),
        "<a href=\"/pilots-site/pilots/alpha/images/big.jpg\">the full photo</a>",
    );
    let original = site.out().join("pilots/alpha/images/big.jpg");
    assert_eq!(leaked_tags(std::slice::from_ref(&original)), Vec::<String>::new());
    let img = image::open(&original).unwrap();
    assert_eq!((img.width(), img.height()), (1800, 2400), "the original is upright too");
}

#[test]
fn an_unchanged_photo_is_not_decoded_again() {
    let site = SiteTest::new("bilingual");
    add_phone_photo(&site, "content/pilots/alpha/images/meeting.jpg", 1600, 1200);
    let first = site.build();
    assert_eq!((first.stats.photos.processed, first.stats.photos.cached), (1, 0));
    let cache = site.root().join(".namrong-cache/images");
    let stamps = || {
        let mut v: Vec<_> = walkdir::WalkDir::new(&cache)
            .into_iter()
            .map(Result::unwrap)
            .filter(|e| e.file_type().is_file())
            .map(|e| (e.path().to_path_buf(), e.metadata().unwrap().modified().unwrap()))
            .collect();
        v.sort();
        v
    };
    let before = stamps();
    assert_eq!(before.len(), 6, "six files cached: {before:?}");
    let second = site.build();
    assert_eq!((second.stats.photos.processed, second.stats.photos.cached), (0, 1), "a cache hit");
    assert_eq!(stamps(), before, "cached files untouched");
    // Replacing the photo makes new files under a new name.
    let old = published(&site, "pilots/alpha/images", "meeting");
    site.write("content/pilots/alpha/images/meeting.jpg", photo_jpeg(1000, 800));
    let third = site.build();
    assert_eq!(third.stats.photos.processed, 1);
    let new = published(&site, "pilots/alpha/images", "meeting");
    assert_ne!(hash_of(&old[0]), hash_of(&new[0]));
}

#[test]
fn a_damaged_picture_fails_the_build_naming_it_and_keeps_the_last_output() {
    let site = SiteTest::new("bilingual");
    site.build();
    let before = tree(&site.out());
    site.write("content/pilots/alpha/images/garbage.jpg", b"this is not a picture at all");
    let errors = site.build_errors().to_string();
    assert_contains(&errors, "content/pilots/alpha/images/garbage.jpg");
    assert_contains(&errors, "this picture cannot be read");
    assert_eq!(tree(&site.out()), before, "the previous output is unchanged");
    // A PNG whose header reads but whose pixels are damaged: found when it is decoded.
    site.remove("content/pilots/alpha/images/garbage.jpg");
    let mut png = Vec::new();
    image::RgbImage::from_fn(64, 64, |x, y| image::Rgb([x as u8 * 4, y as u8 * 4, 90]))
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    let idat = png.windows(4).position(|w| w == b"IDAT").unwrap();
    for b in &mut png[idat + 6..idat + 40] {
        *b ^= 0x5A;
    }
    site.write("content/pilots/alpha/images/damaged.png", &png);
    let errors = site.build_errors().to_string();
    assert_contains(&errors, "content/pilots/alpha/images/damaged.png");
    assert_contains(&errors, "this picture cannot be processed");
    assert_eq!(tree(&site.out()), before, "the previous output is unchanged");
}

#[test]
fn heic_and_huge_pictures_are_refused_with_a_way_out() {
    let site = SiteTest::new("bilingual");
    let mut heic = vec![0, 0, 0, 24];
    heic.extend(b"ftypheic\0\0\0\0mif1heic");
    site.write("content/pilots/alpha/images/IMG_0001.HEIC", &heic);
    site.write("content/pilots/alpha/images/renamed.jpg", &heic);
    site.write("content/pilots/alpha/images/poster.png", png_header(10_000, 6_000));
    let errors = site.build_errors();
    let text = errors.to_string();
    assert_eq!(errors.error_count(), 3, "{text}");
    assert_contains(&text, "content/pilots/alpha/images/IMG_0001.HEIC");
    assert_contains(&text, "content/pilots/alpha/images/renamed.jpg");
    assert_contains(&text, "export it as JPEG");
    assert_contains(&text, "content/pilots/alpha/images/poster.png");
    assert_contains(&text, "10000×6000 pixels (60 megapixels); namrong accepts at most 50 megapixels");
}

/// A PNG that claims `w`×`h` pixels but holds none: enough to test that the size is read from
/// the header before anything is decoded.
fn png_header(w: u32, h: u32) -> Vec<u8> {
    let mut ihdr = b"IHDR".to_vec();
    ihdr.extend(w.to_be_bytes());
    ihdr.extend(h.to_be_bytes());
    ihdr.extend([8, 2, 0, 0, 0]);
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    out.extend(13u32.to_be_bytes());
    out.extend(&ihdr);
    out.extend(crc32(&ihdr).to_be_bytes());
    out
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in bytes {
        crc ^= b as u32;
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

#[test]
fn an_image_without_alt_text_is_a_warning_and_an_error_when_strict() {
    let site = SiteTest::new("bilingual");
    site.write("content/pilots/alpha/images/meeting.jpg", photo_jpeg(600, 400));
    site.replace("content/pilots/alpha/en.md", "\n", "\n\nSee:\n\n![](images/meeting.jpg)\n\n");
    let report = site.build();
    let warnings = report.warnings.to_string();
    let line = std::fs::read_to_string(site.root().join("content/pilots/alpha/en.md"))
        .unwrap()
        .lines()
        .position(|l| l.starts_with("![]"))
        .unwrap()
        + 1;
    assert_contains(&warnings, &format!("content/pilots/alpha/en.md:{line}"));
    assert_contains(&warnings, "missing description: this image has no alt text");
    let out = assert_cmd::Command::cargo_bin("namrong")
        .unwrap()
        .args(["check", "--strict", "--root"])
        .arg(site.root())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    assert_contains(&String::from_utf8_lossy(&out.stdout), "missing description");
}

#[test]
fn svg_pictures_are_still_copied_as_they_are() {
    let site = SiteTest::new("bilingual");
    site.build();
    let svg = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/sites/bilingual/content/pilots/alpha/images/map.svg");
    // Copied under its own name, not processed; only the SVG sanitiser rewrites it.
    let published = std::fs::read_to_string(site.out().join("pilots/alpha/images/map.svg")).unwrap();
    assert!(std::fs::read_to_string(svg).unwrap().contains("<rect width=\"10\" height=\"10\"/>"));
    assert_contains(&published, "<title>map</title><rect width=\"10\" height=\"10\"/></svg>");
    assert_contains(
        &site.read("en/pilots/alpha/index.html"),
        "<figure class=\"lead-image\"><img src=\"/pilots-site/pilots/alpha/images/map.svg\" alt=\"Map of Lampang\"></figure>",
    );
}

/// A GET against the preview server: status and body bytes.
fn fetch(addr: std::net::SocketAddr, path: &str) -> (u16, Vec<u8>) {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(std::time::Duration::from_secs(10))).unwrap();
    write!(s, "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let at = raw.windows(4).position(|w| w == b"\r\n\r\n").map_or(raw.len(), |i| i + 4);
    let head = String::from_utf8_lossy(&raw[..at]).into_owned();
    (head.split_whitespace().nth(1).unwrap_or("0").parse().unwrap(), raw[at..].to_vec())
}

/// Polls the preview's page until `f` accepts it; returns the page.
#[track_caller]
fn page_when(addr: std::net::SocketAddr, path: &str, what: &str, f: impl Fn(&str) -> bool) -> String {
    let start = std::time::Instant::now();
    loop {
        let page = String::from_utf8_lossy(&fetch(addr, path).1).into_owned();
        if f(&page) {
            return page;
        }
        assert!(start.elapsed() < std::time::Duration::from_secs(60), "timed out waiting for {what}");
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

/// The hash in the first published name of `stem` on `page`.
fn hash_on_page<'a>(page: &'a str, stem: &str) -> &'a str {
    let at = page.find(stem).unwrap() + stem.len();
    &page[at..at + 8]
}

#[test]
fn the_preview_shows_a_photo_that_is_added_and_then_replaced() {
    let site = SiteTest::new("bilingual");
    let options = namrong::serve::ServeOptions {
        root: site.root(),
        bind: "127.0.0.1".parse().unwrap(),
        port: 0,
        drafts: false,
        today: Some(today()),
        allow_hosts: Vec::new(),
        messages: namrong::model::Lang::En,
    };
    let server = namrong::serve::Server::start(&options, std::sync::Arc::new(|_: &str| {})).unwrap();
    let addr = server.addr;
    let page = "/en/pilots/alpha/";
    assert_not_contains(&String::from_utf8_lossy(&fetch(addr, page).1), "images/meeting.");
    add_phone_photo(&site, "content/pilots/alpha/images/meeting.jpg", 1600, 1200);
    site.replace("content/pilots/alpha/en.md", "\n", "\n\n![Farmers at the village meeting](images/meeting.jpg)\n\n");
    let html = page_when(addr, page, "the new photo on the page", |p| p.contains("/pilots/alpha/images/meeting."));
    let hash = hash_on_page(&html, "images/meeting.").to_string();
    let (code, webp) = fetch(addr, &format!("/pilots/alpha/images/meeting.{hash}.480w.webp"));
    assert_eq!(code, 200);
    assert_eq!(&webp[8..12], b"WEBP");
    // The same file name with a new picture: the page moves to the new files.
    site.write("content/pilots/alpha/images/meeting.jpg", photo_jpeg(1000, 700));
    let html = page_when(addr, page, "the replaced photo", |p| {
        p.contains("images/meeting.") && hash_on_page(p, "images/meeting.") != hash
    });
    assert_contains(&html, "width=\"1000\" height=\"700\" alt=\"Farmers at the village meeting\"");
    let hash = hash_on_page(&html, "images/meeting.").to_string();
    assert_eq!(fetch(addr, &format!("/pilots/alpha/images/meeting.{hash}.1000w.jpg")).0, 200);
    server.stop();
}
