//! Fuzzes the API key schemes of `towerapi-auth`: the `Cookie` parser (Starlette's
//! `cookie_parser` and `http.cookies._unquote`), the header lookup and the query parser.
//!
//! Input: one or two values (split at the first 0x00 byte) used as `cookie` headers and as
//! `x-api-key` headers (values `http::HeaderValue::from_bytes` rejects are skipped); the first
//! part is also used as the query of `/?<query>` when `http::Uri` accepts it.
#![no_main]

use http::header::{CONTENT_LENGTH, CONTENT_TYPE, COOKIE, WWW_AUTHENTICATE};
use http::{HeaderMap, HeaderName, HeaderValue, StatusCode, Uri};
use libfuzzer_sys::fuzz_target;
use towerapi_auth::{ApiKey, ApiKeyCookie, ApiKeyHeader, ApiKeyQuery, AuthError, Scheme};

fn latin1(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| char::from(b)).collect()
}

/// API key schemes never reject outright; a found key is never empty.
fn run<S: Scheme<Credentials = ApiKey>>(
    scheme: &S,
    headers: &HeaderMap,
    uri: &Uri,
) -> Option<String> {
    let challenges = scheme.challenges();
    assert_eq!(challenges, [HeaderValue::from_static("APIKey")]);
    let err = AuthError::not_authenticated(challenges);
    let res = err.to_response();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(res.headers()[WWW_AUTHENTICATE], "APIKey");
    assert_eq!(res.headers()[CONTENT_TYPE], "application/json");
    assert!(res.headers().contains_key(CONTENT_LENGTH));

    let got = scheme
        .extract(headers, uri)
        .unwrap_or_else(|e| panic!("API key scheme returned Err: {e:?}"));
    let key = got.map(|k| k.0);
    if let Some(k) = &key {
        assert!(!k.is_empty(), "found an empty API key");
    }
    key
}

fuzz_target!(|data: &[u8]| {
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

    let mut query_uri = None;
    if let Ok(q) = std::str::from_utf8(a) {
        if let Ok(u) = format!("/?{q}").parse::<Uri>() {
            query_uri = Some(u);
        }
    }
    let root = Uri::from_static("/");
    let uri = query_uri.as_ref().unwrap_or(&root);

    // Cookie: the first `cookie` header only; a key means the header names the cookie.
    let first_cookie = headers.get(COOKIE).map(|v| latin1(v.as_bytes()));
    let key = run(&ApiKeyCookie::new("session"), &headers, uri);
    if key.is_some() {
        let header = first_cookie
            .as_deref()
            .expect("cookie key without a cookie header");
        assert!(header.contains("session"), "cookie key from {header:?}");
        assert!(header.contains('='), "cookie key without '=' in {header:?}");
    }
    // A cookie name that cannot occur (contains ';') is never found.
    assert_eq!(run(&ApiKeyCookie::new("a;b"), &headers, uri), None);

    // Header: the first `x-api-key` value, latin-1 decoded, when non-empty.
    let key = run(
        &ApiKeyHeader::new("x-api-key").expect("name"),
        &headers,
        uri,
    );
    let expected = headers
        .get(&x_api_key)
        .map(|v| latin1(v.as_bytes()))
        .filter(|v| !v.is_empty());
    assert_eq!(key, expected, "ApiKeyHeader value");
    // Header names are case-insensitive.
    let upper = run(
        &ApiKeyHeader::new("X-API-KEY").expect("name"),
        &headers,
        uri,
    );
    assert_eq!(key, upper);

    // Query: only from a query with a `name=value` pair; never from the root URI.
    let key = run(&ApiKeyQuery::new("api_key"), &headers, uri);
    if key.is_some() {
        let q = uri.query().expect("query key without a query");
        assert!(q.contains('='), "query key from {q:?}");
    }
    assert_eq!(run(&ApiKeyQuery::new("api_key"), &headers, &root), None);
});
