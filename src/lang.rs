//! The two languages of a site and values written in each: [`Lang`], [`PerLang`] (one value per
//! language) and [`Text`] (a short text in Thai, English or both, as records write it). A leaf:
//! it imports nothing of namrong, so settings and the site model can both build on it.

use serde::{Deserialize, Serialize};

/// A language the site is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// Thai, the default language.
    Th,
    /// English.
    En,
}

impl Lang {
    /// Both languages, Thai first.
    pub const ALL: [Lang; 2] = [Lang::Th, Lang::En];

    /// The BCP 47 code: `th` or `en`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Th => "th",
            Lang::En => "en",
        }
    }

    /// The other language.
    pub fn other(self) -> Lang {
        match self {
            Lang::Th => Lang::En,
            Lang::En => Lang::Th,
        }
    }

    /// Parses `th` or `en`.
    pub fn from_code(code: &str) -> Option<Lang> {
        match code {
            "th" => Some(Lang::Th),
            "en" => Some(Lang::En),
            _ => None,
        }
    }
}

/// One value per language.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PerLang<T> {
    /// The Thai one.
    pub th: T,
    /// The English one.
    pub en: T,
}

impl<T> PerLang<T> {
    /// Builds both values with `f`.
    pub fn build(mut f: impl FnMut(Lang) -> T) -> Self {
        PerLang { th: f(Lang::Th), en: f(Lang::En) }
    }

    /// The value for `lang`.
    pub fn get(&self, lang: Lang) -> &T {
        match lang {
            Lang::Th => &self.th,
            Lang::En => &self.en,
        }
    }

    /// The value for `lang`, mutably.
    pub fn get_mut(&mut self, lang: Lang) -> &mut T {
        match lang {
            Lang::Th => &mut self.th,
            Lang::En => &mut self.en,
        }
    }
}

impl<T> PerLang<Option<T>> {
    /// The value for `lang`, or the other language's when `lang` has none, with the language found.
    pub fn resolve(&self, lang: Lang) -> Option<(&T, Lang)> {
        self.get(lang)
            .as_ref()
            .map(|v| (v, lang))
            .or_else(|| self.get(lang.other()).as_ref().map(|v| (v, lang.other())))
    }

    /// True when `lang` has its own value.
    pub fn has(&self, lang: Lang) -> bool {
        self.get(lang).is_some()
    }
}

/// A short text written in Thai, English or both, as in `{ th = "...", en = "..." }`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Text {
    /// Thai text.
    pub th: Option<String>,
    /// English text.
    pub en: Option<String>,
}

impl Text {
    /// Text in one language only.
    pub fn one(lang: Lang, value: String) -> Text {
        let mut t = Text::default();
        *t.get_mut(lang) = Some(value);
        t
    }

    /// The text in `lang`, if written (blank counts as missing).
    pub fn get(&self, lang: Lang) -> Option<&str> {
        let v = match lang {
            Lang::Th => &self.th,
            Lang::En => &self.en,
        };
        v.as_deref().filter(|s| !s.trim().is_empty())
    }

    fn get_mut(&mut self, lang: Lang) -> &mut Option<String> {
        match lang {
            Lang::Th => &mut self.th,
            Lang::En => &mut self.en,
        }
    }

    /// The text in `lang`, else in the other language, with the language it is in.
    pub fn resolve(&self, lang: Lang) -> Option<(&str, Lang)> {
        self.get(lang).map(|v| (v, lang)).or_else(|| self.get(lang.other()).map(|v| (v, lang.other())))
    }

    /// True when neither language has text.
    pub fn is_empty(&self) -> bool {
        self.get(Lang::Th).is_none() && self.get(Lang::En).is_none()
    }
}
