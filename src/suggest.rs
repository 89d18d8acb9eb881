//! "Did you mean" suggestions: the closest known word to a mistyped one, by edit distance.

/// The candidate closest to `word`, if it is close enough to be a plausible typo.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let word = word.to_lowercase();
    let mut best: Option<(usize, &str)> = None;
    for candidate in candidates {
        let distance = strsim::damerau_levenshtein(&word, &candidate.to_lowercase());
        let limit = (candidate.chars().count().max(word.chars().count()) / 3).max(1);
        if distance <= limit && best.is_none_or(|(d, _)| distance < d) {
            best = Some((distance, candidate));
        }
    }
    best.map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::closest;

    #[test]
    fn finds_transposed_letters() {
        assert_eq!(closest("Lampnag", ["Lampang", "Lamphun", "Yala"]), Some("Lampang"));
    }

    #[test]
    fn gives_nothing_for_unrelated_words() {
        assert_eq!(closest("zzzz", ["active", "planned"]), None);
    }
}
