//! Fuzzes the `Authorization` parsing of every HTTP / OAuth2 / OpenID Connect scheme of
//! `towerapi-auth`.
//!
//! Input: one or two `authorization` header values (split at the first 0x00 byte); values that
//! `http::HeaderValue::from_bytes` rejects are skipped. Every scheme reads the same headers and
//! its answer is checked against FastAPI's rules (see the `check_*` functions).
#![no_main]

use http::header::{AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE, WWW_AUTHENTICATE};
use http::{HeaderMap, HeaderValue, StatusCode, Uri};
use libfuzzer_sys::fuzz_target;
use towerapi_auth::{
    AnyOf, AuthError, AuthorizationValue, BearerToken, Either, HttpAuthorizationCredentials,
    HttpBase, HttpBasic, HttpBasicCredentials, HttpBearer, HttpDigest, OAuth2,
    OAuth2AuthorizationCodeBearer, OAuth2PasswordBearer, OpenIdConnect, Scheme,
};

/// Python's `str.isspace` (what `str.strip()` removes).
fn is_py_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// Starlette reads header bytes as latin-1.
fn latin1(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| char::from(b)).collect()
}

/// The scheme token of a latin-1 value as FastAPI splits it: up to the first space.
fn scheme_of(value: &str) -> &str {
    value.split_once(' ').map_or(value, |(s, _)| s)
}

/// An error must be FastAPI's `401 Not authenticated` with challenges, and must always render.
fn check_error(err: &AuthError, allowed: &[HeaderValue]) {
    assert_eq!(err.status(), StatusCode::UNAUTHORIZED, "error status");
    assert!(!err.challenges().is_empty(), "error without challenges");
    for c in err.challenges() {
        assert!(allowed.contains(c), "challenge {c:?} not among {allowed:?}");
    }
    check_response(err);
}

/// `AuthError::to_response()` always works: the status, `www-authenticate`, JSON headers.
fn check_response(err: &AuthError) {
    let res = err.to_response();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "response status");
    let challenges: Vec<_> = res.headers().get_all(WWW_AUTHENTICATE).iter().collect();
    assert!(!challenges.is_empty(), "response without www-authenticate");
    assert_eq!(challenges.len(), err.challenges().len());
    assert_eq!(res.headers()[CONTENT_TYPE], "application/json");
    let len = err.body_text().len().to_string();
    assert_eq!(res.headers()[CONTENT_LENGTH], len.as_str());
}

/// Runs a scheme; an `Err` is checked and turned into `Err(())`.
fn run<S: Scheme>(
    scheme: &S,
    headers: &HeaderMap,
    uri: &Uri,
) -> Result<Option<S::Credentials>, ()> {
    // What the layer sends when the credentials are missing must render for every scheme.
    let challenges = scheme.challenges();
    assert!(!challenges.is_empty(), "scheme without challenges");
    check_response(&AuthError::not_authenticated(challenges.clone()));
    match scheme.extract(headers, uri) {
        Ok(c) => Ok(c),
        Err(e) => {
            check_error(&e, &challenges);
            Err(())
        }
    }
}

/// HTTP Basic: success only for `basic <...>` (any case), a username without `:`, ASCII.
fn check_basic(first: Option<&str>, got: &Result<Option<HttpBasicCredentials>, ()>) {
    let is_basic =
        first.is_some_and(|v| !v.is_empty() && scheme_of(v).eq_ignore_ascii_case("basic"));
    match got {
        Ok(Some(c)) => {
            let v = first.expect("credentials without a header");
            let b = v.as_bytes();
            assert!(
                b.len() >= 6 && b[..6].eq_ignore_ascii_case(b"basic "),
                "HttpBasic success on a value not starting with 'basic ': {v:?}"
            );
            assert!(!c.username.contains(':'), "username contains ':'");
            assert!(
                c.username.is_ascii() && c.password.is_ascii(),
                "non-ASCII basic credentials"
            );
        }
        Ok(None) => assert!(!is_basic, "HttpBasic ignored a basic value: {first:?}"),
        Err(()) => assert!(is_basic, "HttpBasic rejected a non-basic value: {first:?}"),
    }
}

/// Bearer / Digest / custom: non-empty stripped credentials, the scheme as expected.
fn check_http(
    name: &str,
    expected: Option<&str>,
    first: Option<&str>,
    got: &Result<Option<HttpAuthorizationCredentials>, ()>,
) {
    let got = got
        .as_ref()
        .unwrap_or_else(|()| panic!("{name} returned Err"));
    let Some(c) = got else { return };
    let v = first.expect("credentials without a header");
    assert!(!c.scheme.is_empty(), "{name}: empty scheme");
    if let Some(e) = expected {
        assert!(
            c.scheme.eq_ignore_ascii_case(e),
            "{name}: scheme {:?}",
            c.scheme
        );
    }
    assert!(!c.credentials.is_empty(), "{name}: empty credentials");
    assert!(
        !c.credentials.starts_with(is_py_space) && !c.credentials.ends_with(is_py_space),
        "{name}: credentials not stripped: {:?}",
        c.credentials
    );
    assert_eq!(
        scheme_of(v),
        c.scheme,
        "{name}: scheme is not the value's first token"
    );
    assert!(
        v.contains(c.credentials.as_str()),
        "{name}: credentials not from the value"
    );
}

/// OAuth2 bearers: the scheme is `bearer` (any case); the token is stripped (may be empty).
fn check_oauth_bearer(first: Option<&str>, got: &Result<Option<BearerToken>, ()>) {
    let got = got
        .as_ref()
        .unwrap_or_else(|()| panic!("OAuth2 bearer returned Err"));
    let is_bearer =
        first.is_some_and(|v| !v.is_empty() && scheme_of(v).eq_ignore_ascii_case("bearer"));
    assert_eq!(got.is_some(), is_bearer, "OAuth2 bearer on {first:?}");
    if let Some(t) = got {
        assert!(
            !t.0.starts_with(is_py_space) && !t.0.ends_with(is_py_space),
            "token not stripped"
        );
    }
}

/// Generic OAuth2 / OpenID Connect: the whole first value, when present and non-empty.
fn check_whole(first: Option<&str>, got: &Result<Option<AuthorizationValue>, ()>) {
    let got = got
        .as_ref()
        .unwrap_or_else(|()| panic!("OAuth2/OpenIdConnect returned Err"));
    let expected = first.filter(|v| !v.is_empty());
    assert_eq!(got.as_ref().map(|v| v.0.as_str()), expected);
}

fuzz_target!(|data: &[u8]| {
    let (a, b) = match data.iter().position(|&x| x == 0) {
        Some(i) => (&data[..i], Some(&data[i + 1..])),
        None => (data, None),
    };
    let mut headers = HeaderMap::new();
    for part in std::iter::once(a).chain(b) {
        if let Ok(v) = HeaderValue::from_bytes(part) {
            headers.append(AUTHORIZATION, v);
        }
    }
    let first = headers.get(AUTHORIZATION).map(|v| latin1(v.as_bytes()));
    let first = first.as_deref();
    let uri = Uri::from_static("/");

    let basic = run(&HttpBasic::new(), &headers, &uri);
    check_basic(first, &basic);
    let realm = HttpBasic::new().realm("r").expect("realm");
    let basic_realm = run(&realm, &headers, &uri);
    check_basic(first, &basic_realm);
    assert_eq!(basic, basic_realm, "the realm changed the outcome");

    let bearer = run(&HttpBearer::new(), &headers, &uri);
    check_http("HttpBearer", Some("bearer"), first, &bearer);
    let digest = run(&HttpDigest::new(), &headers, &uri);
    check_http("HttpDigest", Some("digest"), first, &digest);
    let base = run(&HttpBase::new("custom").expect("scheme"), &headers, &uri);
    check_http("HttpBase", None, first, &base);

    let password = run(&OAuth2PasswordBearer::new("token"), &headers, &uri);
    check_oauth_bearer(first, &password);
    let code = run(
        &OAuth2AuthorizationCodeBearer::new("a", "t"),
        &headers,
        &uri,
    );
    check_oauth_bearer(first, &code);
    assert_eq!(password, code, "the two OAuth2 bearers disagree");
    if let Ok(Some(c)) = &bearer {
        assert_eq!(password, Ok(Some(BearerToken(c.credentials.clone()))));
    }

    let oauth2 = run(&OAuth2::new(Default::default()), &headers, &uri);
    check_whole(first, &oauth2);
    let oidc = run(&OpenIdConnect::new("u"), &headers, &uri);
    check_whole(first, &oidc);

    let any = run(
        &AnyOf::new(HttpBasic::new(), HttpBearer::new()),
        &headers,
        &uri,
    );
    let expected = match (&basic, &bearer) {
        (Ok(Some(c)), _) => Ok(Some(Either::First(c.clone()))),
        (_, Ok(Some(c))) => Ok(Some(Either::Second(c.clone()))),
        (Err(()), _) => Err(()),
        _ => Ok(None),
    };
    assert_eq!(any, expected, "AnyOf disagrees with its schemes");
});
