//! Fuzzes the API key schemes of `towerapi-auth` that read headers, calling `Scheme::extract`
//! directly: the `Cookie` parser (`ApiKeyCookie`) against Starlette's `cookie_parser` and
//! `http.cookies._unquote`, and the header lookup (`ApiKeyHeader`). The query has its own
//! target (`query`).
//!
//! Input: one or two values (split at the first 0x00 byte), each used as a `cookie` header and as
//! an `x-api-key` header (values `http::HeaderValue::from_bytes` rejects are skipped).
//!
//! The schemes and the `401` they answer missing keys with do not depend on the input: they are
//! built and checked once, in `schemes()`.
#![no_main]

use std::sync::OnceLock;

use http::header::{CONTENT_LENGTH, CONTENT_TYPE, COOKIE, WWW_AUTHENTICATE};
use http::{HeaderMap, HeaderName, HeaderValue, StatusCode, Uri};
use libfuzzer_sys::fuzz_target;
use towerapi_auth::{ApiKey, ApiKeyCookie, ApiKeyHeader, AuthError, Scheme};

/// Cookie names looked up in every input: the usual one (compared with Starlette's answer, so
/// also case-sensitive), the empty name (Starlette's name for a chunk without `=`), and a name
/// that cannot occur (chunks are split at `;`). Each lookup parses the header again.
const COOKIE_NAMES: [&str; 3] = ["session", "", "a;b"];

fn latin1(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| char::from(b)).collect()
}

/// Python's `str.isspace` (what `str.strip()` removes).
fn is_py_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// Python's `http.cookies._unquote`, written after its loop: the first `\ooo` (`[0-3][0-7][0-7]`)
/// or `\<any>` after position `i`, whichever starts first (the octal one when both start at the
/// same backslash).
fn py_unquote(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let n = chars.len();
    if n < 2 || chars[0] != '"' || chars[n - 1] != '"' {
        return s.to_owned();
    }
    let inner = &chars[1..n - 1];
    let is_octal_at = |j: usize| {
        inner.len() >= j + 4
            && inner[j] == '\\'
            && ('0'..='3').contains(&inner[j + 1])
            && ('0'..='7').contains(&inner[j + 2])
            && ('0'..='7').contains(&inner[j + 3])
    };
    let is_quote_at = |k: usize| inner.len() >= k + 2 && inner[k] == '\\';
    let find_octal = |from: usize| (from..inner.len()).find(|&j| is_octal_at(j));
    let mut out = String::new();
    let mut i = 0;
    // The next octal escape at or after `i` (searched again only once `i` has passed it).
    let mut o = find_octal(0);
    while i < inner.len() {
        if o.is_some_and(|j| j < i) {
            o = find_octal(i);
        }
        let q = (i..inner.len()).find(|&k| is_quote_at(k));
        match (o, q) {
            (None, None) => {
                out.extend(&inner[i..]);
                break;
            }
            (o, Some(k)) if o.is_none_or(|j| k < j) => {
                out.extend(&inner[i..k]);
                out.push(inner[k + 1]);
                i = k + 2;
            }
            (Some(j), _) => {
                out.extend(&inner[i..j]);
                let code: String = inner[j + 1..j + 4].iter().collect();
                let code = u32::from_str_radix(&code, 8).expect("octal");
                out.push(char::from_u32(code).expect("latin-1"));
                i = j + 4;
            }
            (None, Some(_)) => unreachable!(),
        }
    }
    out
}

/// Starlette's `cookie_parser` of the first `Cookie` header, as the dict it builds (in order,
/// a later chunk of the same name replacing the earlier one).
fn starlette_cookies(header: &str) -> Vec<(String, String)> {
    let mut dict: Vec<(String, String)> = Vec::new();
    for chunk in header.split(';') {
        let (key, val) = chunk.split_once('=').unwrap_or(("", chunk));
        let (key, val) = (key.trim_matches(is_py_space), val.trim_matches(is_py_space));
        if !key.is_empty() || !val.is_empty() {
            let val = py_unquote(val);
            match dict.iter_mut().find(|(k, _)| k == key) {
                Some(entry) => entry.1 = val,
                None => dict.push((key.to_owned(), val)),
            }
        }
    }
    dict
}

/// A scheme and its answer to missing keys, checked once.
struct Checked<S>(S);

impl<S: Scheme<Credentials = ApiKey>> Checked<S> {
    fn new(scheme: S) -> Self {
        let challenges = scheme.challenges();
        assert_eq!(challenges, [HeaderValue::from_static("APIKey")]);
        let err = AuthError::not_authenticated(challenges);
        let res = err.to_response();
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(res.headers()[WWW_AUTHENTICATE], "APIKey");
        assert_eq!(res.headers()[CONTENT_TYPE], "application/json");
        assert!(res.headers().contains_key(CONTENT_LENGTH));
        Self(scheme)
    }

    /// API key schemes never reject outright; a found key is never empty.
    fn run(&self, headers: &HeaderMap, uri: &Uri) -> Option<String> {
        let got = self
            .0
            .extract(headers, uri)
            .unwrap_or_else(|e| panic!("API key scheme returned Err: {e:?}"));
        let key = got.map(|k| k.0);
        if let Some(k) = &key {
            assert!(!k.is_empty(), "found an empty API key");
        }
        key
    }
}

struct Schemes {
    cookies: Vec<Checked<ApiKeyCookie>>,
    header: Checked<ApiKeyHeader>,
    header_upper: Checked<ApiKeyHeader>,
}

fn schemes() -> &'static Schemes {
    static SCHEMES: OnceLock<Schemes> = OnceLock::new();
    SCHEMES.get_or_init(|| Schemes {
        cookies: COOKIE_NAMES
            .iter()
            .map(|n| Checked::new(ApiKeyCookie::new(*n)))
            .collect(),
        header: Checked::new(ApiKeyHeader::new("x-api-key")),
        header_upper: Checked::new(ApiKeyHeader::new("X-API-KEY")),
    })
}

fuzz_target!(|data: &[u8]| {
    let s = schemes();
    let (a, b) = match data.iter().position(|&x| x == 0) {
        Some(i) => (&data[..i], Some(&data[i + 1..])),
        None => (data, None),
    };
    let x_api_key = HeaderName::from_static("x-api-key");
    let mut headers = HeaderMap::new();
    for part in std::iter::once(a).chain(b) {
        if let Ok(v) = HeaderValue::from_bytes(part) {
            headers.append(COOKIE, v.clone());
            headers.append(x_api_key.clone(), v);
        }
    }
    let uri = Uri::from_static("/");

    // Cookie: the first `cookie` header only, exactly as Starlette's `request.cookies.get(name)`
    // then FastAPI's `if not api_key`.
    let first_cookie = headers.get(COOKIE).map(|v| latin1(v.as_bytes()));
    let cookies = first_cookie.as_deref().map(starlette_cookies);
    for (name, scheme) in COOKIE_NAMES.iter().zip(&s.cookies) {
        let key = scheme.run(&headers, &uri);
        let expected = cookies
            .as_ref()
            .and_then(|d| d.iter().find(|(k, _)| k == name))
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.is_empty());
        assert_eq!(
            key.as_deref(),
            expected,
            "ApiKeyCookie({name:?}) on {first_cookie:?}"
        );
        if key.is_some() {
            let header = first_cookie
                .as_deref()
                .expect("cookie key without a cookie header");
            assert!(header.contains(name), "cookie key from {header:?}");
            if !name.is_empty() {
                assert!(header.contains('='), "cookie key without '=' in {header:?}");
            }
        }
        if name.contains(';') {
            assert_eq!(key, None, "ApiKeyCookie({name:?}) found");
        }
    }

    // Header: the first `x-api-key` value, latin-1 decoded, when non-empty.
    let key = s.header.run(&headers, &uri);
    let expected = headers
        .get(&x_api_key)
        .map(|v| latin1(v.as_bytes()))
        .filter(|v| !v.is_empty());
    assert_eq!(key, expected, "ApiKeyHeader value");
    // Header names are case-insensitive.
    let upper = s.header_upper.run(&headers, &uri);
    assert_eq!(key, upper);
});
