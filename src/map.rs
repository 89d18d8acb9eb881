//! The province map: Thailand's 77 provinces as a square-tile cartogram. Each province's tile
//! is placed at the grid cell nearest its capital's latitude and longitude; where two would
//! share a cell, the later one takes the nearest free cell. The layout is computed once and is
//! the same on every build; `render` shades it by pilot counts for the templates. Each tile is
//! labelled with the province's short name in the page's language (`ลป` / `LPG` for Lampang,
//! from `provinces.tsv`), so the map reads without hovering.

use std::sync::OnceLock;

use serde::Serialize;

use crate::model::{Lang, province};
use crate::urls;

/// Degrees of latitude/longitude per grid cell.
const CELL: f64 = 0.62;
const WEST: f64 = 97.3;
const NORTH: f64 = 20.5;

/// Grid position (column, row) of every province, by index in the province table.
pub fn layout() -> &'static [(i32, i32)] {
    static LAYOUT: OnceLock<Vec<(i32, i32)>> = OnceLock::new();
    LAYOUT.get_or_init(|| {
        let all = province::all();
        let wanted: Vec<(f64, f64)> = all.iter().map(|p| ((p.lon - WEST) / CELL, (NORTH - p.lat) / CELL)).collect();
        // Place provinces far from the crowded centre first, so Bangkok's neighbours, placed
        // last, spread into the free cells around it rather than pushing outer provinces away.
        let centre = wanted[province::lookup("TH-10").expect("Bangkok is in the table")];
        let mut order: Vec<usize> = (0..all.len()).collect();
        let dist = |i: usize| (wanted[i].0 - centre.0).hypot(wanted[i].1 - centre.1);
        order.sort_by(|&a, &b| dist(b).total_cmp(&dist(a)).then(a.cmp(&b)));
        let mut taken: Vec<(i32, i32)> = Vec::new();
        let mut cells = vec![(0, 0); all.len()];
        for i in order {
            let (x, y) = wanted[i];
            let cell = nearest_free(x, y, &taken);
            taken.push(cell);
            cells[i] = cell;
        }
        cells
    })
}

fn nearest_free(x: f64, y: f64, taken: &[(i32, i32)]) -> (i32, i32) {
    let (cx, cy) = (x.round() as i32, y.round() as i32);
    let mut best: Option<((i32, i32), f64)> = None;
    for r in 0i32..12 {
        for dx in -r..=r {
            for dy in -r..=r {
                if dx.abs().max(dy.abs()) != r {
                    continue;
                }
                let cell = (cx + dx, cy + dy);
                if taken.contains(&cell) {
                    continue;
                }
                let d = (cell.0 as f64 - x).hypot(cell.1 as f64 - y);
                if best.is_none_or(|(_, bd)| d < bd) {
                    best = Some((cell, d));
                }
            }
        }
        if best.is_some() {
            break;
        }
    }
    best.expect("a free cell within reach").0
}

/// One tile as the template draws it.
#[derive(Debug, Clone, Serialize)]
pub struct Tile {
    /// Left, in tile units from the map's left edge.
    pub x: i32,
    /// Top, in tile units.
    pub y: i32,
    /// Short label in the page's language: `ลป` on Thai pages, `LPG` on English ones.
    pub label: &'static str,
    /// The province's name in the page's language.
    pub name: &'static str,
    /// Its page, when it has pilots.
    pub href: Option<String>,
    /// Published pilots.
    pub count: usize,
    /// Shade step 0 (none) to 3 (three or more).
    pub shade: usize,
}

/// The map for one page.
#[derive(Debug, Clone, Serialize)]
pub struct Map {
    /// Columns.
    pub width: i32,
    /// Rows.
    pub height: i32,
    /// Every tile.
    pub tiles: Vec<Tile>,
}

/// The shade step for a pilot count: 0 (none) to 3 (three or more).
pub fn shade(count: usize) -> usize {
    count.min(3)
}

/// Shades the map by pilot counts (`counts[i]` for province `i`).
pub fn render(counts: &[usize], lang: Lang, href: impl Fn(&str) -> String) -> Map {
    let cells = layout();
    let (min_x, min_y) = (cells.iter().map(|c| c.0).min().unwrap_or(0), cells.iter().map(|c| c.1).min().unwrap_or(0));
    let tiles: Vec<Tile> = province::all()
        .iter()
        .zip(cells)
        .zip(counts)
        .map(|((p, &(x, y)), &count)| Tile {
            x: x - min_x,
            y: y - min_y,
            label: p.abbr(lang),
            name: p.name(lang),
            href: (count > 0).then(|| href(&urls::province(lang, p.slug))),
            count,
            shade: shade(count),
        })
        .collect();
    let width = tiles.iter().map(|t| t.x).max().unwrap_or(0) + 1;
    let height = tiles.iter().map(|t| t.y).max().unwrap_or(0) + 1;
    Map { width, height, tiles }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_province_gets_its_own_cell_near_its_place() {
        let cells = layout();
        assert_eq!(cells.len(), 77);
        let mut sorted = cells.to_vec();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), 77, "no two provinces share a tile");
        let at = |code: &str| cells[province::lookup(code).unwrap()];
        // Chiang Rai is north of Bangkok, Narathiwat south; Ubon east of Kanchanaburi.
        assert!(at("TH-57").1 < at("TH-10").1);
        assert!(at("TH-96").1 > at("TH-10").1);
        assert!(at("TH-34").0 > at("TH-71").0);
    }

    #[test]
    fn links_only_provinces_with_pilots() {
        let mut counts = vec![0; 77];
        counts[province::lookup("TH-52").unwrap()] = 3;
        let map = render(&counts, Lang::En, |p| format!("/{p}"));
        assert_eq!(map.tiles.iter().filter(|t| t.href.is_some()).count(), 1);
        let lampang = map.tiles.iter().find(|t| t.name == "Lampang").unwrap();
        assert_eq!((lampang.href.as_deref(), lampang.shade), (Some("/en/provinces/lampang/"), 3));
    }

    #[test]
    fn labels_tiles_in_the_page_language() {
        let counts = vec![0; 77];
        let th = render(&counts, Lang::Th, |p| p.to_string());
        let en = render(&counts, Lang::En, |p| p.to_string());
        let label = |m: &Map, name: &str| m.tiles.iter().find(|t| t.name == name).map(|t| t.label);
        assert_eq!(label(&th, "ลำปาง"), Some("ลป"));
        assert_eq!(label(&en, "Lampang"), Some("LPG"));
        assert_eq!(label(&th, "กรุงเทพมหานคร"), Some("กทม"));
        assert!(th.tiles.iter().all(|t| !t.label.is_empty() && !t.label.bytes().all(|b| b.is_ascii_digit())));
    }
}

#[cfg(test)]
mod picture {
    /// `cargo test --lib map::picture -- --ignored --nocapture` prints the grid, for eyeballing.
    #[test]
    #[ignore = "prints the layout for a person to look at"]
    #[allow(clippy::print_stdout)]
    fn print_layout() {
        let map = super::render(&[0; 77], crate::model::Lang::En, |p| p.to_string());
        for y in 0..map.height {
            let row: String = (0..map.width)
                .map(|x| {
                    map.tiles
                        .iter()
                        .find(|t| t.x == x && t.y == y)
                        .map_or("   ".to_string(), |t| format!("{:>3}", &t.name[..3]))
                })
                .collect();
            println!("{row}");
        }
    }
}
