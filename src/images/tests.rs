use super::*;

fn photo(width: u32, height: u32) -> Photo {
    Photo {
        source: "pilots/x/images/a photo.jpg".into(),
        key: "0123456789abcdef0123456789abcdef".into(),
        format: Format::Jpeg,
        width,
        height,
        widths: ladder(width),
        fallback: Fallback::Jpeg,
    }
}

#[test]
fn the_ladder_never_upscales() {
    assert_eq!(ladder(4032), vec![480, 960, 1600]);
    assert_eq!(ladder(1600), vec![480, 960, 1600]);
    assert_eq!(ladder(1200), vec![480, 960, 1200]);
    assert_eq!(ladder(960), vec![480, 960]);
    assert_eq!(ladder(700), vec![480, 700]);
    assert_eq!(ladder(300), vec![300]);
}

#[test]
fn variants_live_beside_the_original_named_by_hash_and_width() {
    let p = photo(3024, 4032);
    assert_eq!(p.path(Variant::Webp(0)), "pilots/x/images/a photo.01234567.480w.webp");
    assert_eq!(p.path(Variant::Fallback(2)), "pilots/x/images/a photo.01234567.1600w.jpg");
    assert_eq!(p.path(Variant::Original), "pilots/x/images/a photo.jpg");
    assert_eq!(p.height_at(1600), 2133);
    assert_eq!(p.variants(false).len(), 6);
    assert_eq!(p.variants(true).last(), Some(&Variant::Original));
    assert_eq!(p.link_variant(false), Variant::Fallback(2));
}

#[test]
fn picture_markup_escapes_and_sizes() {
    let p = photo(1000, 500);
    let show = Show { alt: "a \"quoted\" <b>", title: None, sizes: CONTENT_SIZES, loading: Loading::Lazy, class: None };
    let html = picture(&p, show, &|path| format!("/{path}"));
    assert!(
        html.starts_with(
            "<picture><source type=\"image/webp\" srcset=\"/pilots/x/images/a%20photo.01234567.480w.webp 480w, "
        ),
        "{html}"
    );
    assert!(
        html.contains(" width=\"1000\" height=\"500\" alt=\"a &quot;quoted&quot; &lt;b&gt;\"></picture>"),
        "{html}"
    );
    assert!(
        html.contains("<img loading=\"lazy\" decoding=\"async\" src=\"/pilots/x/images/a%20photo.01234567.960w.jpg\""),
        "{html}"
    );
    let eager = make_first_eager(&format!("{html}{html}")).into_owned();
    assert_eq!(eager.matches("loading=\"lazy\"").count(), 1);
    assert!(eager.starts_with("<picture><source"));
}

#[test]
fn recognises_heif_whatever_the_name() {
    let mut heic = vec![0, 0, 0, 24];
    heic.extend(b"ftypheic\0\0\0\0mif1heic");
    assert!(is_heif(&heic));
    assert!(!is_heif(b"\xFF\xD8\xFF\xE0 not heif at all"));
}

/// A JPEG with an EXIF block holding only an orientation tag.
fn jpeg_with_orientation(w: u16, h: u16, orientation: u16) -> Vec<u8> {
    let mut px = Vec::new();
    for _y in 0..h {
        for x in 0..w {
            px.extend(if x < w / 2 { [250, 0, 0] } else { [0, 0, 250] });
        }
    }
    let mut exif = b"Exif\0\0II*\0\x08\0\0\0\x01\0\x12\x01\x03\0\x01\0\0\0".to_vec();
    exif.extend(orientation.to_le_bytes());
    exif.extend([0, 0, 0, 0, 0, 0]);
    let mut out = Vec::new();
    let mut enc = jpeg_encoder::Encoder::new(&mut out, 90);
    enc.add_app_segment(1, exif).unwrap();
    enc.encode(&px, w, h, jpeg_encoder::ColorType::Rgb).unwrap();
    out
}

#[test]
fn turns_sideways_photos_upright_from_the_header_and_the_pixels() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("content/pilots/x")).unwrap();
    std::fs::write(dir.path().join("content/pilots/x/side.jpg"), jpeg_with_orientation(200, 100, 6)).unwrap();
    let p = survey(dir.path(), "pilots/x/side.jpg").unwrap().unwrap();
    assert_eq!((p.width, p.height, p.widths.clone()), (100, 200, vec![100]));
    let bytes = std::fs::read(dir.path().join("content/pilots/x/side.jpg")).unwrap();
    let out = process::process(&p, &bytes, &[Variant::Fallback(0), Variant::Webp(0)]).unwrap();
    for file in &out {
        let img = image::load_from_memory(file).unwrap().to_rgb8();
        assert_eq!(img.dimensions(), (100, 200));
        assert!(img.get_pixel(50, 10)[0] > 200, "the stored left (red) is now on top");
        assert!(img.get_pixel(50, 190)[2] > 200, "the stored right (blue) is now at the bottom");
    }
    assert_eq!(&out[1][8..12], b"WEBP");
}

#[test]
fn drawings_keep_sharp_edges_and_transparency() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("content/pages")).unwrap();
    let img = image::RgbaImage::from_fn(600, 300, |x, _| {
        if x < 300 { image::Rgba([0, 0, 0, 0]) } else { image::Rgba([10, 90, 70, 255]) }
    });
    img.save(dir.path().join("content/pages/chart.png")).unwrap();
    let p = survey(dir.path(), "pages/chart.png").unwrap().unwrap();
    assert_eq!(p.fallback, Fallback::Png);
    assert!(p.path(Variant::Fallback(1)).ends_with(".600w.png"), "{}", p.path(Variant::Fallback(1)));
    let bytes = std::fs::read(dir.path().join("content/pages/chart.png")).unwrap();
    let out = process::process(&p, &bytes, &[Variant::Fallback(1), Variant::Webp(1)]).unwrap();
    for file in &out {
        let back = image::load_from_memory(file).unwrap().to_rgba8();
        assert_eq!(back.dimensions(), (600, 300));
        assert_eq!(back.get_pixel(10, 10)[3], 0, "transparent stays transparent");
        assert_eq!(back.get_pixel(590, 10).0, [10, 90, 70, 255], "few colours: lossless");
    }
}
