//! Fuzzes the query parser of `towerapi-auth` (`ApiKeyQuery`), calling `Scheme::extract`
//! directly, against what FastAPI's `APIKeyQuery` returns: Starlette's
//! `request.query_params.get(name)` (the query string's bytes read as latin-1, then
//! `urllib.parse.parse_qsl(keep_blank_values=True)`, the last value of a name winning), then
//! `if not api_key` (missing or empty: no key).
//!
//! Input: the query, as in `/?<input>`; inputs `http::Uri` rejects are skipped (hyper parses the
//! request target with the same parser, so no request carries them).
#![no_main]

use std::sync::OnceLock;

use http::header::{CONTENT_LENGTH, CONTENT_TYPE, WWW_AUTHENTICATE};
use http::{HeaderMap, HeaderValue, StatusCode, Uri};
use libfuzzer_sys::fuzz_target;
use towerapi_auth::{ApiKeyQuery, AuthError, Scheme};

/// Parameter names looked up in every input: the usual one (compared with Starlette's answer,
/// so also case-sensitive and percent-decoded: `api%5Fkey`), the empty name (`?=k`), and a
/// non-ASCII one (`k%C3%A9`, UTF-8 after percent-decoding; `ké` sent raw is latin-1, `kÃ©`).
/// Each lookup parses the query again.
const NAMES: [&str; 3] = ["api_key", "", "k\u{e9}"];

/// `urllib.parse.unquote_to_bytes` of an ASCII run: `%` and two hex digits is that byte; any
/// other `%` stays.
fn py_unquote_to_bytes(s: &str) -> Vec<u8> {
    let mut parts = s.split('%');
    let mut out = parts.next().unwrap_or_default().as_bytes().to_vec();
    for item in parts {
        let b = item.as_bytes();
        if b.len() >= 2 && b[0].is_ascii_hexdigit() && b[1].is_ascii_hexdigit() {
            out.push(u8::from_str_radix(&item[..2], 16).expect("hex"));
            out.extend_from_slice(&b[2..]);
        } else {
            out.push(b'%');
            out.extend_from_slice(b);
        }
    }
    out
}

/// `urllib.parse.unquote(s)` (`encoding="utf-8"`, `errors="replace"`) of a `str`: each run of
/// ASCII characters is percent-decoded to bytes, which are decoded as UTF-8 (U+FFFD for what
/// does not decode); other characters stay as they are.
fn py_unquote(s: &str) -> String {
    if !s.contains('%') {
        return s.to_owned();
    }
    let mut out = String::new();
    let mut rest = s;
    while !rest.is_empty() {
        let ascii = rest.find(|c: char| !c.is_ascii()).unwrap_or(rest.len());
        out.push_str(&String::from_utf8_lossy(&py_unquote_to_bytes(
            &rest[..ascii],
        )));
        rest = &rest[ascii..];
        let other = rest.find(|c: char| c.is_ascii()).unwrap_or(rest.len());
        out.push_str(&rest[..other]);
        rest = &rest[other..];
    }
    out
}

/// Starlette's `QueryParams(scope["query_string"])` as the dict it builds:
/// `parse_qsl(query.decode("latin-1"), keep_blank_values=True)`, a later pair of the same name
/// replacing the earlier one.
fn starlette_query(query: &[u8]) -> Vec<(String, String)> {
    let query: String = query.iter().map(|&b| char::from(b)).collect();
    let mut dict: Vec<(String, String)> = Vec::new();
    for name_value in query.split('&') {
        if name_value.is_empty() {
            continue;
        }
        let (name, value) = name_value.split_once('=').unwrap_or((name_value, ""));
        let name = py_unquote(&name.replace('+', " "));
        let value = py_unquote(&value.replace('+', " "));
        match dict.iter_mut().find(|(k, _)| *k == name) {
            Some(entry) => entry.1 = value,
            None => dict.push((name, value)),
        }
    }
    dict
}

fn schemes() -> &'static [ApiKeyQuery] {
    static SCHEMES: OnceLock<Vec<ApiKeyQuery>> = OnceLock::new();
    SCHEMES.get_or_init(|| {
        NAMES
            .iter()
            .map(|n| {
                let scheme = ApiKeyQuery::new(*n);
                // The answer to a missing key does not depend on the input: checked once.
                let challenges = scheme.challenges();
                assert_eq!(challenges, [HeaderValue::from_static("APIKey")]);
                let res = AuthError::not_authenticated(challenges).to_response();
                assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
                assert_eq!(res.headers()[WWW_AUTHENTICATE], "APIKey");
                assert_eq!(res.headers()[CONTENT_TYPE], "application/json");
                assert!(res.headers().contains_key(CONTENT_LENGTH));
                scheme
            })
            .collect()
    })
}

fuzz_target!(|data: &[u8]| {
    let schemes = schemes();
    let mut target = Vec::with_capacity(data.len() + 2);
    target.extend_from_slice(b"/?");
    target.extend_from_slice(data);
    let Ok(uri) = Uri::try_from(target) else {
        return;
    };
    let headers = HeaderMap::new();
    let root = Uri::from_static("/");
    let query = uri.query().expect("a query after '?'");
    let dict = starlette_query(query.as_bytes());

    for (name, scheme) in NAMES.iter().zip(schemes) {
        let key = scheme
            .extract(&headers, &uri)
            .unwrap_or_else(|e| panic!("ApiKeyQuery returned Err: {e:?}"))
            .map(|k| k.0);
        let expected = dict
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.is_empty());
        assert_eq!(
            key.as_deref(),
            expected,
            "ApiKeyQuery({name:?}) on {query:?}"
        );
        if key.is_some() {
            assert!(query.contains('='), "query key without '=' in {query:?}");
        }
        // Never from a URI without a query, nor from the headers.
        let none = scheme.extract(&headers, &root).expect("no query");
        assert_eq!(none, None);
    }
});
