//! Which URLs an editor may write: one policy for Markdown links and images, raw HTML (through
//! the sanitiser's scheme list) and URLs in settings such as `licence.url`. Only `http`,
//! `https`, `mailto`, `tel` and URLs without a scheme (paths, `#fragment`, `?query`, `//host`)
//! are allowed. A URL is judged the way a browser reads it: character references decoded
//! (`&#106;`, `&colon;`), surrounding spaces and control characters dropped, tabs and line breaks
//! inside removed, the scheme compared without case. Pure: callers turn a refusal into a
//! diagnostic with their own file and line.

/// The schemes a published link may use.
pub const ALLOWED_SCHEMES: [&str; 4] = ["http", "https", "mailto", "tel"];

/// Why a URL is refused: the scheme as a browser would read it, lowercased.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// The scheme after decoding and normalising, e.g. `javascript`.
    pub scheme: String,
}

impl Refusal {
    /// A message for editors naming the URL as written.
    pub fn message(&self, what: &str, url: &str) -> String {
        format!(
            "{what} `{}` uses `{}:`, which is not allowed: it could run code or open something other than a web page in a reader's browser",
            visible(url),
            self.scheme
        )
    }

    /// The fix, for a hint.
    pub fn hint() -> &'static str {
        "links may start with https://, http://, mailto: or tel:, or point inside the site (a path, #section or ?query); write the web address in full or remove the link"
    }
}

/// Checks `url` against the policy.
pub fn check(url: &str) -> Result<(), Refusal> {
    match scheme(url) {
        Some(s) if !ALLOWED_SCHEMES.contains(&s.as_str()) => Err(Refusal { scheme: s }),
        _ => Ok(()),
    }
}

/// Whether `url` passes the policy.
pub fn is_allowed(url: &str) -> bool {
    check(url).is_ok()
}

/// The scheme a browser would see in `url` (decoded, without control characters, lowercased),
/// or `None` when the URL has no scheme and so stays on the site's own origin.
pub fn scheme(url: &str) -> Option<String> {
    let decoded = decode_references(url);
    // Browsers drop leading and trailing C0 controls and spaces, and every tab and line break.
    let trimmed = decoded.trim_matches(|c: char| c <= ' ');
    let colon = trimmed.find(':')?;
    let head = &trimmed[..colon];
    if head.contains(['/', '?', '#']) {
        return None;
    }
    // Stricter than a browser: every control character and space inside the scheme is ignored,
    // so `java\u{0}script:` counts as `javascript:` too.
    let head: String = head.chars().filter(|&c| c > ' ' && c != '\u{7f}').collect();
    let mut chars = head.chars();
    let first = chars.next()?;
    (first.is_ascii_alphabetic() && chars.all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c)))
        .then(|| head.to_ascii_lowercase())
}

/// Decodes HTML character references as a browser does in an attribute: numeric ones
/// (`&#106;`, `&#x6A;`, with or without the `;`) and the named ones that stand for characters
/// that can build or end a scheme (`&colon;`, `&Tab;`, `&NewLine;`, `&plus;`, `&period;`, ...).
/// Other named references (none of which is an ASCII letter or digit) are kept as written.
pub fn decode_references(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        match decode_one(rest) {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Named references whose characters matter to a scheme, as HTML spells them.
const NAMED: &[(&str, char)] = &[
    ("Tab", '\t'),
    ("NewLine", '\n'),
    ("colon", ':'),
    ("plus", '+'),
    ("period", '.'),
    ("sol", '/'),
    ("quest", '?'),
    ("num", '#'),
    ("amp", '&'),
    ("AMP", '&'),
    ("lt", '<'),
    ("gt", '>'),
    ("quot", '"'),
    ("apos", '\''),
];

/// One reference at the start of `s` (which starts with `&`): the character and its length.
fn decode_one(s: &str) -> Option<(char, usize)> {
    let body = &s[1..];
    if let Some(num) = body.strip_prefix('#') {
        let (hex, digits) = match num.strip_prefix(['x', 'X']) {
            Some(h) => (true, h),
            None => (false, num),
        };
        let radix = if hex { 16 } else { 10 };
        let n = digits.bytes().take_while(|b| (*b as char).is_digit(radix)).count();
        if n == 0 {
            return None;
        }
        // Leading zeros are allowed in any number; the value saturates like a browser's.
        let value = digits[..n]
            .chars()
            .fold(0u32, |v, d| v.saturating_mul(radix).saturating_add(d.to_digit(radix).expect("a digit")));
        let c = match value {
            0 => '\u{fffd}',
            v => char::from_u32(v).unwrap_or('\u{fffd}'),
        };
        let len = 2 + usize::from(hex) + n + usize::from(digits[n..].starts_with(';'));
        return Some((c, len));
    }
    let name_len = body.find(';')?;
    let name = &body[..name_len];
    NAMED.iter().find(|(n, _)| *n == name).map(|&(_, c)| (c, name_len + 2))
}

/// Every URL in `html`'s `href`, `src`, `action`, `formaction`, `poster`, `xlink:href` and
/// `srcset` attributes that the policy refuses once decoded: what a reader's browser could
/// follow. Only tags are read (text and comments are skipped), as a browser reads serialised
/// HTML. For checking output (tests, fuzzing); an empty list means none.
pub fn refused_in_html(html: &str) -> Vec<String> {
    const ATTRS: [&str; 7] = ["href", "src", "action", "formaction", "poster", "xlink:href", "srcset"];
    let mut out = Vec::new();
    for (name, value) in attributes(html) {
        let name = name.to_ascii_lowercase();
        if !ATTRS.contains(&name.as_str()) {
            continue;
        }
        if name == "srcset" {
            let candidates = value.split(',').map(|c| c.split_whitespace().next().unwrap_or(""));
            out.extend(candidates.filter(|u| !is_allowed(u)).map(String::from));
        } else if !is_allowed(value) {
            out.push(value.to_string());
        }
    }
    out
}

/// The attributes of every start tag in `html`, as (name, value as written).
fn attributes(html: &str) -> Vec<(&str, &str)> {
    let b = html.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(off) = html[i..].find('<') {
        i += off + 1;
        if html[i..].starts_with("!--") {
            i = html[i..].find("-->").map_or(html.len(), |e| i + e + 3);
            continue;
        }
        if !b.get(i).is_some_and(u8::is_ascii_alphabetic) {
            continue;
        }
        while i < b.len() && !b[i].is_ascii_whitespace() && !matches!(b[i], b'>' | b'/') {
            i += 1;
        }
        loop {
            while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b'/') {
                i += 1;
            }
            if i >= b.len() || b[i] == b'>' {
                break;
            }
            let name_start = i;
            while i < b.len() && !b[i].is_ascii_whitespace() && !matches!(b[i], b'>' | b'/' | b'=') {
                i += 1;
            }
            let name = &html[name_start..i];
            while i < b.len() && b[i].is_ascii_whitespace() {
                i += 1;
            }
            if b.get(i) != Some(&b'=') {
                if i == name_start {
                    i += 1; // a stray character such as `"`: skip it
                }
                continue;
            }
            i += 1;
            while i < b.len() && b[i].is_ascii_whitespace() {
                i += 1;
            }
            let value = match b.get(i) {
                Some(&q @ (b'"' | b'\'')) => {
                    let end = html[i + 1..].find(q as char).map_or(html.len(), |e| i + 1 + e);
                    let v = &html[i + 1..end];
                    i = (end + 1).min(html.len());
                    v
                }
                _ => {
                    let start = i;
                    while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'>' {
                        i += 1;
                    }
                    &html[start..i]
                }
            };
            out.push((name, value));
        }
    }
    out
}

/// `url` with control characters shown as `U+000B`, so a message shows what is there.
fn visible(url: &str) -> String {
    let mut out = String::with_capacity(url.len());
    for c in url.chars() {
        if c.is_control() {
            out.push_str(&format!("U+{:04X}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allows_web_mail_phone_and_site_relative_urls() {
        for url in [
            "https://example.go.th/a",
            "HTTP://EXAMPLE.GO.TH",
            "mailto:someone@example.go.th",
            "tel:+6621234567",
            "../other/",
            "images/map.png",
            "/static/style.css",
            "//cdn.example.com/x.js",
            "#top",
            "?page=2",
            "",
            "docs/a:b.pdf",
            "แผนที่:ลำปาง.png",
        ] {
            assert_eq!(check(url), Ok(()), "{url}");
        }
    }

    #[test]
    fn refuses_script_schemes_however_they_are_spelled() {
        for (url, scheme) in [
            ("javascript:alert(document.cookie)", "javascript"),
            ("JaVaScRiPt:alert(1)", "javascript"),
            ("&#106;avascript:alert(1)", "javascript"),
            ("&#x6A;avascript:alert(1)", "javascript"),
            ("&#0000106avascript:alert(1)", "javascript"),
            ("javascript&colon;alert(1)", "javascript"),
            (" javascript:alert(1)", "javascript"),
            ("\u{1}\u{20}javascript:alert(1)", "javascript"),
            ("java\tscript:alert(1)", "javascript"),
            ("java&Tab;script:alert(1)", "javascript"),
            ("java&NewLine;script:alert(1)", "javascript"),
            ("java\u{0}script:alert(1)", "javascript"),
            ("vbscript:msgbox(1)", "vbscript"),
            ("data:text/html,<script>alert(1)</script>", "data"),
            ("DATA:text/html;base64,PHNjcmlwdD4=", "data"),
            ("ftp://files.example.com/x", "ftp"),
            ("file:///etc/passwd", "file"),
        ] {
            assert_eq!(check(url), Err(Refusal { scheme: scheme.into() }), "{url:?}");
        }
    }

    #[test]
    fn decodes_references_like_a_browser() {
        assert_eq!(decode_references("a&amp;b&#58;&#x3A;&colon;&unknown;&#;&"), "a&b:::&unknown;&#;&");
        assert_eq!(decode_references("&#0;&#1114112;"), "\u{fffd}\u{fffd}");
        assert_eq!(decode_references("&#99999999999999999999;"), "\u{fffd}");
    }

    #[test]
    fn finds_refused_urls_in_html() {
        let html = "<a href=\"/ok\">a</a><a class=x HREF='&#106;avascript:x'>b</a><img src=data:image/png,x>\
            <img srcset=\"a.png 1x, javascript:y 2x\"><p>href=\"javascript:z\" is text</p><!-- <a href=javascript:c> -->";
        assert_eq!(refused_in_html(html), ["&#106;avascript:x", "data:image/png,x", "javascript:y"]);
        assert!(refused_in_html("<a href=\"https://x.go.th/?a=1&amp;b=2\">x</a>").is_empty());
    }

    #[test]
    fn messages_show_invisible_characters() {
        let r = check("java\u{b}script:x").unwrap_err();
        let msg = r.message("link", "java\u{b}script:x");
        assert!(msg.contains("`javaU+000Bscript:x` uses `javascript:`"), "{msg}");
    }
}
