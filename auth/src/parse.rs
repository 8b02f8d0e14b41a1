//! Parsing as Starlette and FastAPI do it, byte for byte (docs/behaviour/security.md,
//! "Reading the `Authorization` header", "API keys").

use std::borrow::Cow;

use http::{header, HeaderMap, HeaderValue, Uri};

/// A header value as Starlette reads it: latin-1, every byte one character. Borrowed when the
/// value is ASCII (nearly always: tokens, keys, base64), where latin-1 and UTF-8 agree.
pub(crate) fn latin1(value: &HeaderValue) -> Cow<'_, str> {
    let bytes = value.as_bytes();
    if bytes.is_ascii() {
        if let Ok(s) = std::str::from_utf8(bytes) {
            return Cow::Borrowed(s);
        }
    }
    Cow::Owned(bytes.iter().map(|&b| char::from(b)).collect())
}

/// The first `Authorization` header, latin-1 decoded; `None` when absent or empty (FastAPI's
/// `if not authorization`).
pub(crate) fn authorization(headers: &HeaderMap) -> Option<Cow<'_, str>> {
    headers
        .get(header::AUTHORIZATION)
        .map(latin1)
        .filter(|v| !v.is_empty())
}

/// FastAPI's `get_authorization_scheme_param`: split at the first space only (a tab is not a
/// separator), the rest stripped of whitespace.
pub(crate) fn scheme_param(value: &str) -> (&str, &str) {
    match value.split_once(' ') {
        Some((scheme, rest)) => (scheme, py_strip(rest)),
        None => (value, ""),
    }
}

/// Python's `str.strip()`: Unicode whitespace at both ends.
pub(crate) fn py_strip(s: &str) -> &str {
    s.trim_matches(|c: char| c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c))
}

/// Python's `str.title()`, for the challenge of a custom HTTP scheme (`custom` -> `Custom`).
pub(crate) fn py_title(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut prev_cased = false;
    for c in s.chars() {
        if prev_cased {
            out.extend(c.to_lowercase());
        } else {
            out.extend(c.to_uppercase());
        }
        prev_cased = c.is_alphabetic();
    }
    out
}

/// The last value of a query parameter, as Starlette's `request.query_params.get(name)` reads
/// it: the query string's bytes as latin-1, then Python's
/// `parse_qsl(keep_blank_values=True)`: pairs split on `&` (empty ones skipped), each at its
/// first `=` (a name alone has the empty value), then `unquote_plus` of both sides (see
/// [`py_unquote_plus`]). The name is case-sensitive. `None` when absent or empty.
pub(crate) fn query_param(uri: &Uri, name: &str) -> Option<String> {
    let query = uri.query()?;
    let mut found = None;
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        if py_unquote_plus(key.as_bytes()) == name {
            found = Some(value);
        }
    }
    found
        .map(|v| py_unquote_plus(v.as_bytes()))
        .filter(|v| !v.is_empty())
}

/// Python's `urllib.parse.unquote_plus` of bytes Starlette read as latin-1 text: `+` is a
/// space; in each run of ASCII bytes `%XX` is that byte and the run's bytes are read as UTF-8
/// (U+FFFD for what does not decode, `errors="replace"`); a byte outside ASCII (as sent, not
/// escaped) is its latin-1 character. So `%C3%A9` is `é` and a raw `é` (`C3 A9`) is `Ã©`.
pub(crate) fn py_unquote_plus(bytes: &[u8]) -> String {
    let hex = |b: u8| char::from(b).to_digit(16);
    let mut out = String::with_capacity(bytes.len());
    let mut run = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if !b.is_ascii() {
            out.push(char::from(b));
            i += 1;
            continue;
        }
        run.clear();
        while i < bytes.len() && bytes[i].is_ascii() {
            match bytes[i] {
                b'+' => run.push(b' '),
                b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                    (Some(hi), Some(lo)) => {
                        // Two hex digits: at most 0xff.
                        run.push(u8::try_from(hi * 16 + lo).unwrap_or(u8::MAX));
                        i += 2;
                    }
                    _ => run.push(b'%'),
                },
                other => run.push(other),
            }
            i += 1;
        }
        out.push_str(&String::from_utf8_lossy(&run));
    }
    out
}

/// A header by name: the first one wins, latin-1 decoded; `None` when absent or empty.
pub(crate) fn header_value(headers: &HeaderMap, name: &header::HeaderName) -> Option<String> {
    headers
        .get(name)
        .map(|v| latin1(v).into_owned())
        .filter(|v| !v.is_empty())
}

/// A cookie by name, as Starlette's `cookie_parser` reads the first `Cookie` header: chunks
/// split on `;`, each at its first `=` (a chunk without `=` is a value with the empty name),
/// both sides stripped, a chunk whose name and value are both empty skipped, the value unquoted
/// as Python's `http.cookies._unquote`; the last cookie of a name wins; `None` when absent or
/// empty.
///
/// Written here rather than taken from the `cookie` crate: that crate rejects or keeps the
/// quotes of values that Starlette unquotes, and FastAPI's answers depend on these details.
pub(crate) fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    let header = latin1(headers.get(header::COOKIE)?);
    let mut found = None;
    for chunk in header.split(';') {
        let (key, value) = chunk.split_once('=').unwrap_or(("", chunk));
        let (key, value) = (py_strip(key), py_strip(value));
        // Starlette's `if key or val`: an empty chunk (`a=1; ;`) sets no cookie, not even the
        // one of the empty name.
        if key == name && !(key.is_empty() && value.is_empty()) {
            found = Some(unquote(value));
        }
    }
    found.filter(|v| !v.is_empty())
}

/// Python's `http.cookies._unquote`: a value in double quotes loses them, and `\"`, `\\` and
/// octal `\ooo` escapes inside are decoded.
pub(crate) fn unquote(value: &str) -> String {
    let bytes = value.as_bytes();
    if bytes.len() < 2 || bytes[0] != b'"' || bytes[bytes.len() - 1] != b'"' {
        return value.to_owned();
    }
    let inner = &value[1..value.len() - 1];
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let octal: String = chars.clone().take(3).collect();
        if octal.len() == 3
            && octal
                .bytes()
                .all(|b| (b'0'..=b'3').contains(&octal.as_bytes()[0]) && (b'0'..=b'7').contains(&b))
        {
            if let Ok(code) = u8::from_str_radix(&octal, 8) {
                out.push(char::from(code));
                chars.nth(2);
                continue;
            }
        }
        match chars.next() {
            Some(next) => out.push(next),
            None => out.push('\\'),
        }
    }
    out
}

/// HTTP Basic's `b64decode(param).decode("ascii")`, as FastAPI runs it: Python's
/// non-validating `base64.b64decode` (CPython's `binascii.a2b_base64` with `strict_mode=False`).
///
/// - `param` must be ASCII (a `str` argument with another character is a `ValueError`);
/// - bytes outside the base64 alphabet (`A-Z a-z 0-9 + /`) are skipped, `-` and `_` included;
/// - a `=` ends the input once it completes a quantum (after two or three data characters,
///   with the `=`s seen since): what follows is ignored; a `=` anywhere else is skipped;
/// - the input must end on a complete quantum: a last group of one, two or three data
///   characters without its padding is an error (`YQ`, `YWI`), as is a lone `=` after two;
/// - the unused low bits of the last character are ignored (`YR==` decodes as `YQ==`, `a`).
///
/// `None` when Python raises, or when the bytes are not ASCII.
///
/// Written here rather than with the `base64` crate (which the JWT code uses): its decoders
/// refuse what Python accepts here (a `=` inside the input, data after the padding, set unused
/// bits), and filtering the input first cannot give Python's answers for those.
pub(crate) fn basic_decode(param: &str) -> Option<String> {
    if !param.is_ascii() {
        return None;
    }
    let mut out = Vec::with_capacity(param.len() / 4 * 3 + 2);
    // Data characters of the current quantum (0..=3), the bits carried to the next byte, and
    // the `=`s seen since the last data character.
    let mut quad = 0u8;
    let mut carry = 0u8;
    let mut pads = 0u8;
    let mut padded = false;
    for b in param.bytes() {
        if b == b'=' {
            if quad >= 2 {
                pads += 1;
                if quad + pads >= 4 {
                    padded = true;
                    break;
                }
            }
            continue;
        }
        let Some(v) = base64_value(b) else {
            continue;
        };
        pads = 0;
        match quad {
            0 => carry = v,
            1 => {
                out.push(carry << 2 | v >> 4);
                carry = v & 0x0f;
            }
            2 => {
                out.push(carry << 4 | v >> 2);
                carry = v & 0x03;
            }
            _ => out.push(carry << 6 | v),
        }
        quad = (quad + 1) % 4;
    }
    if quad != 0 && !padded {
        return None;
    }
    if !out.is_ascii() {
        return None;
    }
    String::from_utf8(out).ok()
}

/// The value of a character of the standard base64 alphabet.
fn base64_value(b: u8) -> Option<u8> {
    match b {
        b'A'..=b'Z' => Some(b - b'A'),
        b'a'..=b'z' => Some(b - b'a' + 26),
        b'0'..=b'9' => Some(b - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&str, &[u8])]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (n, v) in pairs {
            h.append(
                header::HeaderName::from_bytes(n.as_bytes()).expect("name"),
                HeaderValue::from_bytes(v).expect("value"),
            );
        }
        h
    }

    #[test]
    fn scheme_param_as_fastapi() {
        assert_eq!(scheme_param("Bearer abc"), ("Bearer", "abc"));
        assert_eq!(scheme_param("Bearer    abc"), ("Bearer", "abc"));
        assert_eq!(scheme_param("Bearer abc def"), ("Bearer", "abc def"));
        assert_eq!(scheme_param("Bearer"), ("Bearer", ""));
        assert_eq!(scheme_param("Bearer\tabc"), ("Bearer\tabc", ""));
        assert_eq!(scheme_param("Bearer \t x \u{a0}"), ("Bearer", "x"));
    }

    #[test]
    fn latin1_and_first_header() {
        let h = headers(&[
            ("authorization", b"Bearer t\xf6k"),
            ("authorization", b"Bearer second"),
        ]);
        assert_eq!(authorization(&h).as_deref(), Some("Bearer t\u{f6}k"));
        assert_eq!(authorization(&headers(&[("authorization", b"")])), None);
    }

    #[test]
    fn title_as_python() {
        assert_eq!(py_title("custom"), "Custom");
        assert_eq!(py_title("my-scheme x2y"), "My-Scheme X2Y");
        assert_eq!(py_title("CUSTOM"), "Custom");
    }

    #[test]
    fn query_last_wins_and_decodes() {
        let uri: Uri = "/x?api_key=first&api_key=second".parse().expect("uri");
        assert_eq!(query_param(&uri, "api_key").as_deref(), Some("second"));
        let uri: Uri = "/x?api_key=a%20b%2Bc+d".parse().expect("uri");
        assert_eq!(query_param(&uri, "api_key").as_deref(), Some("a b+c d"));
        let uri: Uri = "/x?API_KEY=k1&api_key=".parse().expect("uri");
        assert_eq!(query_param(&uri, "api_key"), None);
    }

    #[test]
    fn query_as_starlette() {
        // Found by the query fuzz target: the query string is latin-1 to Starlette (a raw
        // UTF-8 `é` is `Ã©`); only percent escapes are UTF-8.
        let get = |q: &str, name: &str| {
            let uri: Uri = format!("/x?{q}").parse().expect("uri");
            query_param(&uri, name)
        };
        assert_eq!(
            get("api_key=\u{e9}", "api_key").as_deref(),
            Some("\u{c3}\u{a9}")
        );
        assert_eq!(get("api_key=%C3%A9", "api_key").as_deref(), Some("\u{e9}"));
        assert_eq!(
            get("api_key=%C3\u{e9}%A9", "api_key").as_deref(),
            Some("\u{fffd}\u{c3}\u{a9}\u{fffd}")
        );
        assert_eq!(
            get("k\u{e9}=raw&k%C3%A9=pct", "k\u{e9}").as_deref(),
            Some("pct")
        );
        assert_eq!(
            get("k\u{e9}=raw&k%C3%A9=pct", "k\u{c3}\u{a9}").as_deref(),
            Some("raw")
        );
        // Python's answers to `parse_qsl` for these (CPython 3.11).
        assert_eq!(
            get("api_key=%F0%80%80x%ED%A0%80+%2B", "api_key").as_deref(),
            Some("\u{fffd}\u{fffd}\u{fffd}x\u{fffd}\u{fffd}\u{fffd} +")
        );
        assert_eq!(get("a=%E2%82", "a").as_deref(), Some("\u{fffd}"));
        assert_eq!(get("a=%zz%4%%41%", "a").as_deref(), Some("%zz%4%A%"));
        assert_eq!(get("a=1&a", "a"), None, "a name alone is the empty value");
        assert_eq!(get("=k&&", "").as_deref(), Some("k"));
        assert_eq!(get("a+b=1&a%20b=2", "a b").as_deref(), Some("2"));
    }

    #[test]
    fn cookies_as_starlette() {
        let get = |v: &[u8]| cookie(&headers(&[("cookie", v)]), "session");
        assert_eq!(get(b"session=c1").as_deref(), Some("c1"));
        assert_eq!(get(b"a=1; session=c1; b=2").as_deref(), Some("c1"));
        assert_eq!(get(b"session=\"c1\"").as_deref(), Some("c1"));
        assert_eq!(
            get(b"session=first; session=second").as_deref(),
            Some("second")
        );
        assert_eq!(get(b"session="), None);
        assert_eq!(get(b"sess=c1"), None);
        assert_eq!(
            get(b"session=\"a\\\"b\\\\c\\012d\"").as_deref(),
            Some("a\"b\\c\nd")
        );
        assert_eq!(get(b";;;=;session"), None);
        assert_eq!(get(b"session=\"\\"), Some("\"\\".to_owned()));
    }

    #[test]
    fn empty_chunks_set_no_cookie() {
        // Found by the cookie fuzz target: an empty chunk after the cookie of the empty name
        // (a chunk without `=`) replaced it, where Starlette skips the chunk.
        let get = |v: &[u8]| cookie(&headers(&[("cookie", v)]), "");
        assert_eq!(get(b"api_key=a; s; ").as_deref(), Some("s"));
        assert_eq!(get(b"=k1;;").as_deref(), Some("k1"));
        assert_eq!(get(b"a=1; ;"), None);
        assert_eq!(get(b"s; =").as_deref(), Some("s"), "`=` alone sets nothing");
        assert_eq!(
            cookie(&headers(&[("cookie", b"session=c1; ;")]), "session").as_deref(),
            Some("c1")
        );
    }

    #[test]
    fn basic_decoding() {
        assert_eq!(
            basic_decode("YWxpY2U6c2VjcmV0").as_deref(),
            Some("alice:secret")
        );
        assert_eq!(
            basic_decode("YWxpY2U6c2VjcmV0!!").as_deref(),
            Some("alice:secret")
        );
        assert_eq!(
            basic_decode("YWxp Y2U6c2VjcmV0").as_deref(),
            Some("alice:secret")
        );
        assert_eq!(basic_decode("YWxpY2U6c2VjcmV0MQ"), None);
        assert_eq!(basic_decode("%%%").as_deref(), Some(""));
        assert_eq!(
            basic_decode("YWzDr2NlOnNlY3JldA=="),
            None,
            "UTF-8 alïce is not ASCII"
        );
        assert_eq!(basic_decode("/zpwdw=="), None, "\\xff:pw");
    }

    #[test]
    fn basic_decoding_as_python_b64decode() {
        // Python 3.11's `base64.b64decode(s).decode("ascii")` for each input (`None`: it
        // raised), run by hand; the same 200,000 random inputs agreed with it too.
        let cases: &[(&str, Option<&str>)] = &[
            // Unused low bits of the last character are ignored.
            ("YWxpY2U6c2VjcmV1", Some("alice:secreu")),
            ("dTpwYR==", Some("u:pa")),
            ("dTpwYWJ=", Some("u:pab")),
            // Padding: required for a partial quantum, a complete one ends the input.
            ("dTpwYWI", None),
            ("dTpwYQ", None),
            ("dTpwYQ=", None),
            ("dTpwYWI=", Some("u:pab")),
            ("dTpwYWI==", Some("u:pab")),
            ("dTpwYWI===x", Some("u:pab")),
            ("dTo=ZXh0cmE=", Some("u:")),
            // A `=` that completes nothing is skipped.
            ("YWxpY2U6c2VjcmV0=", Some("alice:secret")),
            ("YWxpY2U6c2VjcmV0==", Some("alice:secret")),
            ("d=Tpw", Some("u:p")),
            ("dT=pw", Some("u:p")),
            ("dTpw==x", None),
            ("====", Some("")),
            // Outside the alphabet: skipped if ASCII, an error if not.
            ("d-T_pw", Some("u:p")),
            ("dTpw!", Some("u:p")),
            ("dTpw\u{f6}", None),
            ("", Some("")),
        ];
        for &(input, expected) in cases {
            assert_eq!(basic_decode(input).as_deref(), expected, "{input:?}");
        }
    }
}
