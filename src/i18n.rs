//! Language-dependent presentation: the UI label table (kept in the theme's `i18n.toml`, one
//! table per language), dates in Thai (Buddhist-Era year, Thai month names, optional Thai
//! digits) and English, and numbers with thousands separators.

use std::collections::BTreeMap;

use chrono::Datelike;

use crate::model::{Date, Lang, PerLang};

const THAI_MONTHS: [&str; 12] = [
    "มกราคม",
    "กุมภาพันธ์",
    "มีนาคม",
    "เมษายน",
    "พฤษภาคม",
    "มิถุนายน",
    "กรกฎาคม",
    "สิงหาคม",
    "กันยายน",
    "ตุลาคม",
    "พฤศจิกายน",
    "ธันวาคม",
];

const ENGLISH_MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// UI labels per language: key -> text.
#[derive(Debug, Clone, Default)]
pub struct Labels(pub PerLang<BTreeMap<String, String>>);

impl Labels {
    /// Parses an i18n.toml with a `[th]` and an `[en]` table of strings.
    pub fn parse(text: &str) -> Result<Labels, String> {
        #[derive(serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        struct File {
            th: BTreeMap<String, String>,
            en: BTreeMap<String, String>,
        }
        let f: File = toml::from_str(text).map_err(|e| e.to_string())?;
        Ok(Labels(PerLang { th: f.th, en: f.en }))
    }

    /// Overrides labels with those of another table (a site's own theme).
    pub fn merge(&mut self, other: Labels) {
        for lang in Lang::ALL {
            self.0.get_mut(lang).extend(other.0.get(lang).clone());
        }
    }

    /// Keys present in one language but not the other.
    pub fn missing_keys(&self) -> Vec<(Lang, String)> {
        let mut out = Vec::new();
        for lang in Lang::ALL {
            for key in self.0.get(lang.other()).keys() {
                if !self.0.get(lang).contains_key(key) {
                    out.push((lang, key.clone()));
                }
            }
        }
        out
    }

    /// A label, or its key when missing (so a gap shows rather than breaks).
    pub fn get<'a>(&'a self, lang: Lang, key: &'a str) -> &'a str {
        self.0.get(lang).get(key).map_or(key, String::as_str)
    }
}

/// A date as people read it: `25 กันยายน 2567` (Thai, Buddhist Era) or `25 September 2024`.
pub fn format_date(date: Date, lang: Lang, thai_digits: bool) -> String {
    let month = date.month0() as usize;
    match lang {
        Lang::Th => {
            let s = format!("{} {} {}", date.day(), THAI_MONTHS[month], date.year() + 543);
            if thai_digits { to_thai_digits(&s) } else { s }
        }
        Lang::En => format!("{} {} {}", date.day(), ENGLISH_MONTHS[month], date.year()),
    }
}

/// A month and year: `กันยายน 2567` or `September 2024`.
pub fn format_month(date: Date, lang: Lang, thai_digits: bool) -> String {
    let month = date.month0() as usize;
    match lang {
        Lang::Th => {
            let s = format!("{} {}", THAI_MONTHS[month], date.year() + 543);
            if thai_digits { to_thai_digits(&s) } else { s }
        }
        Lang::En => format!("{} {}", ENGLISH_MONTHS[month], date.year()),
    }
}

/// Replaces Arabic digits with Thai digits (๐-๙).
pub fn to_thai_digits(s: &str) -> String {
    s.chars().map(|c| c.to_digit(10).map_or(c, |d| char::from_u32(0x0E50 + d).expect("Thai digit"))).collect()
}

/// A number with thousands separators and at most two decimals: `12,500`, `3.75`.
pub fn format_number(n: f64) -> String {
    let neg = n < 0.0;
    let rounded = (n.abs() * 100.0).round() / 100.0;
    let int = rounded.trunc() as u64;
    let frac = ((rounded - rounded.trunc()) * 100.0).round() as u64;
    let digits = int.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if frac > 0 {
        let f = format!("{frac:02}");
        out.push('.');
        out.push_str(f.trim_end_matches('0'));
    }
    if neg { format!("-{out}") } else { out }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> Date {
        Date::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn thai_dates_use_the_buddhist_era() {
        assert_eq!(format_date(d(2024, 9, 25), Lang::Th, false), "25 กันยายน 2567");
        assert_eq!(format_date(d(2024, 9, 25), Lang::En, false), "25 September 2024");
        assert_eq!(format_date(d(2024, 1, 5), Lang::Th, true), "๕ มกราคม ๒๕๖๗");
        assert_eq!(format_month(d(2027, 9, 30), Lang::Th, false), "กันยายน 2570");
    }

    #[test]
    fn numbers_get_separators() {
        assert_eq!(format_number(12500.0), "12,500");
        assert_eq!(format_number(3.75), "3.75");
        assert_eq!(format_number(0.5), "0.5");
        assert_eq!(format_number(-1000.0), "-1,000");
    }
}
