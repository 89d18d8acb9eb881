//! Thailand's 77 provinces as data shipped inside namrong (`provinces.tsv`): Thai name, English
//! name, ISO 3166-2:TH code, URL slug, region, location and short labels for the map. This module owns looking a province
//! up by any accepted spelling and suggesting the nearest one for a typo.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::Serialize;

/// The six geographic regions, in the order lists show them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Region {
    /// ภาคเหนือ
    North,
    /// ภาคตะวันออกเฉียงเหนือ
    Northeast,
    /// ภาคกลาง
    Central,
    /// ภาคตะวันออก
    East,
    /// ภาคตะวันตก
    West,
    /// ภาคใต้
    South,
}

impl Region {
    /// All regions in display order.
    pub const ALL: [Region; 6] =
        [Region::North, Region::Northeast, Region::Central, Region::East, Region::West, Region::South];

    /// The key used in the data file and the label table.
    pub fn key(self) -> &'static str {
        match self {
            Region::North => "north",
            Region::Northeast => "northeast",
            Region::Central => "central",
            Region::East => "east",
            Region::West => "west",
            Region::South => "south",
        }
    }
}

/// One province.
#[derive(Debug, Clone, Serialize)]
pub struct Province {
    /// ISO 3166-2:TH code, e.g. `TH-52`.
    pub code: &'static str,
    /// Thai name.
    pub th: &'static str,
    /// English name.
    pub en: &'static str,
    /// URL slug, lowercase ASCII.
    pub slug: &'static str,
    /// Geographic region.
    pub region: Region,
    /// Latitude of the provincial capital.
    pub lat: f64,
    /// Longitude of the provincial capital.
    pub lon: f64,
    /// The official Thai abbreviation (ตัวย่อจังหวัด): `ลป` for ลำปาง, `กทม` for Bangkok.
    pub th_abbr: &'static str,
    /// Three capital letters from the English name (`LPG` for Lampang, `BKK` for Bangkok): the
    /// first letter, then the starts of later syllables or words, chosen so that no two are alike.
    pub en_abbr: &'static str,
    /// Other accepted spellings.
    #[serde(skip)]
    pub variants: Vec<&'static str>,
}

impl Province {
    /// Name in a language.
    pub fn name(&self, lang: crate::lang::Lang) -> &'static str {
        match lang {
            crate::lang::Lang::Th => self.th,
            crate::lang::Lang::En => self.en,
        }
    }

    /// The short label in a language, as the map draws it.
    pub fn abbr(&self, lang: crate::lang::Lang) -> &'static str {
        match lang {
            crate::lang::Lang::Th => self.th_abbr,
            crate::lang::Lang::En => self.en_abbr,
        }
    }
}

struct Table {
    provinces: Vec<Province>,
    by_key: HashMap<String, usize>,
}

fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(|| {
        let provinces: Vec<Province> =
            include_str!("provinces.tsv").lines().skip(1).filter(|l| !l.trim().is_empty()).map(parse_row).collect();
        let mut by_key = HashMap::new();
        for (i, p) in provinces.iter().enumerate() {
            for name in [p.code, p.th, p.en, p.slug].into_iter().chain(p.variants.iter().copied()) {
                by_key.insert(key(name), i);
            }
        }
        Table { provinces, by_key }
    })
}

fn parse_row(line: &'static str) -> Province {
    let cols: Vec<&'static str> = line.split('\t').collect();
    let region = match cols[4] {
        "north" => Region::North,
        "northeast" => Region::Northeast,
        "central" => Region::Central,
        "east" => Region::East,
        "west" => Region::West,
        "south" => Region::South,
        other => panic!("provinces.tsv: unknown region {other}"),
    };
    Province {
        code: cols[0],
        th: cols[1],
        en: cols[2],
        slug: cols[3],
        region,
        lat: cols[5].parse().expect("provinces.tsv: latitude"),
        lon: cols[6].parse().expect("provinces.tsv: longitude"),
        th_abbr: cols[7],
        en_abbr: cols[8],
        variants: cols.get(9).map(|v| v.split(';').filter(|s| !s.is_empty()).collect()).unwrap_or_default(),
    }
}

/// Lowercase, without spaces, hyphens or dots: the form names are compared in.
fn key(name: &str) -> String {
    name.chars().filter(|c| !c.is_whitespace() && *c != '-' && *c != '.').flat_map(char::to_lowercase).collect()
}

/// All 77 provinces, in code order.
pub fn all() -> &'static [Province] {
    &table().provinces
}

/// The index of the province written as `name` (Thai or English name, variant, code or slug).
pub fn lookup(name: &str) -> Option<usize> {
    let mut k = key(name);
    if let Some(stripped) = k.strip_prefix("จังหวัด") {
        k = stripped.to_string();
    }
    table().by_key.get(&k).copied()
}

/// The province whose name is nearest to a misspelled `name`.
pub fn suggest(name: &str) -> Option<&'static Province> {
    let t = table();
    let k = key(name);
    let names = t.by_key.keys().map(String::as_str);
    crate::suggest::closest(&k, names).and_then(|best| t.by_key.get(best)).map(|&i| &t.provinces[i])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ships_77_provinces_with_unique_codes_and_slugs() {
        let all = all();
        assert_eq!(all.len(), 77);
        let mut codes: Vec<_> = all.iter().map(|p| p.code).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), 77);
        assert!(all.iter().all(|p| p.slug.bytes().all(|b| b.is_ascii_lowercase() || b == b'-')));
    }

    #[test]
    fn short_labels_are_unique_and_short_in_both_languages() {
        let all = all();
        for (name, abbr) in
            [("th", all.iter().map(|p| p.th_abbr).collect::<Vec<_>>()), ("en", all.iter().map(|p| p.en_abbr).collect())]
        {
            let mut sorted = abbr.clone();
            sorted.sort();
            sorted.dedup();
            assert_eq!(sorted.len(), 77, "{name} abbreviations are not unique");
            assert!(abbr.iter().all(|a| (2..=3).contains(&a.chars().count())), "{name}: {abbr:?}");
        }
        assert!(all.iter().all(|p| p.en_abbr.bytes().all(|b| b.is_ascii_uppercase())));
        assert!(all.iter().all(|p| p.th_abbr.chars().all(|c| ('\u{0E01}'..='\u{0E2E}').contains(&c))));
        let lampang = &all[lookup("Lampang").unwrap()];
        assert_eq!((lampang.th_abbr, lampang.en_abbr), ("ลป", "LPG"));
        assert_eq!(all[lookup("TH-10").unwrap()].abbr(crate::lang::Lang::Th), "กทม");
    }

    #[test]
    fn accepts_thai_english_variants_and_codes() {
        let chon_buri = lookup("TH-20").unwrap();
        for name in ["Chon Buri", "Chonburi", "chonburi", "ชลบุรี", "th-20", "จังหวัดชลบุรี"]
        {
            assert_eq!(lookup(name), Some(chon_buri), "{name}");
        }
        assert_eq!(lookup("Prachinburi"), lookup("Prachin Buri"));
        assert_eq!(lookup("Phangnga"), lookup("Phang Nga"));
        assert_eq!(lookup("Buriram"), lookup("Buri Ram"));
        assert_eq!(all()[chon_buri].slug, "chon-buri");
    }

    #[test]
    fn suggests_across_languages() {
        assert_eq!(suggest("Lampnag").map(|p| p.code), Some("TH-52"));
        assert_eq!(suggest("ลำปงา").map(|p| p.code), Some("TH-52"));
    }
}
