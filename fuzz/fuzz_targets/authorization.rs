//! Fuzzes the `Authorization` parsing of every HTTP / OAuth2 / OpenID Connect scheme of
//! `towerapi-auth`, calling `Scheme::extract` directly.
//!
//! Input: one or two `authorization` header values (split at the first 0x00 byte); values that
//! `http::HeaderValue::from_bytes` rejects are skipped. Every scheme reads the same headers and
//! its answer is compared with FastAPI's (the `check_*` functions; `fastapi_*` compute what
//! FastAPI 0.165 returns for the same header).
//!
//! What does not depend on the input (the schemes, their challenges, the `401` each one answers
//! missing credentials with) is built and checked once, in `schemes()`; per input only the
//! parsing and its answer are checked.
#![no_main]

use std::sync::OnceLock;

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

/// FastAPI's `get_authorization_scheme_param`: `value.partition(" ")`, the rest `.strip()`ed.
fn fastapi_scheme_param(value: &str) -> (&str, &str) {
    match value.split_once(' ') {
        Some((scheme, rest)) => (scheme, rest.trim_matches(is_py_space)),
        None => (value, ""),
    }
}

/// `HTTPBase.__call__` (and `HTTPBearer`/`HTTPDigest`, which also compare the scheme): the
/// credentials when the header, the scheme and the credentials are all non-empty.
fn fastapi_http(first: Option<&str>, expected: Option<&str>) -> Option<(String, String)> {
    let value = first.filter(|v| !v.is_empty())?;
    let (scheme, credentials) = fastapi_scheme_param(value);
    if scheme.is_empty() || credentials.is_empty() {
        return None;
    }
    if expected.is_some_and(|e| !scheme.eq_ignore_ascii_case(e)) {
        return None;
    }
    Some((scheme.to_owned(), credentials.to_owned()))
}

/// `OAuth2PasswordBearer.__call__` / `OAuth2AuthorizationCodeBearer.__call__`: the stripped
/// parameter of a non-empty `bearer` value (which may be empty).
fn fastapi_oauth_bearer(first: Option<&str>) -> Option<String> {
    let value = first.filter(|v| !v.is_empty())?;
    let (scheme, param) = fastapi_scheme_param(value);
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| param.to_owned())
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

/// A scheme with its challenges, and the `401` it answers missing credentials with, whose
/// response was checked when the scheme was built.
struct Checked<S> {
    scheme: S,
    challenges: Vec<HeaderValue>,
    missing: AuthError,
}

impl<S: Scheme> Checked<S> {
    fn new(scheme: S) -> Self {
        // What the layer sends when the credentials are missing must render for every scheme.
        let challenges = scheme.challenges();
        assert!(!challenges.is_empty(), "scheme without challenges");
        let missing = AuthError::not_authenticated(challenges.clone());
        check_response(&missing);
        Self {
            scheme,
            challenges,
            missing,
        }
    }

    /// Runs the scheme; an `Err` must be FastAPI's `401 Not authenticated` with the scheme's
    /// challenges, and must render (checked again unless it equals one of the `401`s checked
    /// when the schemes were built); it becomes `Err(())`.
    fn run(
        &self,
        headers: &HeaderMap,
        uri: &Uri,
        rendered: &[AuthError],
    ) -> Result<Option<S::Credentials>, ()> {
        match self.scheme.extract(headers, uri) {
            Ok(c) => Ok(c),
            Err(err) => {
                assert_eq!(err.status(), StatusCode::UNAUTHORIZED, "error status");
                assert!(!err.challenges().is_empty(), "error without challenges");
                for c in err.challenges() {
                    assert!(
                        self.challenges.contains(c),
                        "challenge {c:?} not among {:?}",
                        self.challenges
                    );
                }
                if !rendered.contains(&err) {
                    check_response(&err);
                }
                Err(())
            }
        }
    }
}

struct Schemes {
    basic: Checked<HttpBasic>,
    basic_realm: Checked<HttpBasic>,
    bearer: Checked<HttpBearer>,
    digest: Checked<HttpDigest>,
    base: Checked<HttpBase>,
    password: Checked<OAuth2PasswordBearer>,
    code: Checked<OAuth2AuthorizationCodeBearer>,
    oauth2: Checked<OAuth2>,
    oidc: Checked<OpenIdConnect>,
    any: Checked<AnyOf<HttpBasic, HttpBearer>>,
    /// Every scheme's `missing` error, whose response is known to render.
    rendered: Vec<AuthError>,
}

fn schemes() -> &'static Schemes {
    static SCHEMES: OnceLock<Schemes> = OnceLock::new();
    SCHEMES.get_or_init(|| {
        let mut s = Schemes {
            basic: Checked::new(HttpBasic::new()),
            basic_realm: Checked::new(HttpBasic::new().realm("r").expect("realm")),
            bearer: Checked::new(HttpBearer::new()),
            digest: Checked::new(HttpDigest::new()),
            base: Checked::new(HttpBase::new("custom").expect("scheme")),
            password: Checked::new(OAuth2PasswordBearer::new("token")),
            code: Checked::new(OAuth2AuthorizationCodeBearer::new("a", "t")),
            oauth2: Checked::new(OAuth2::new(Default::default())),
            oidc: Checked::new(OpenIdConnect::new("u")),
            any: Checked::new(AnyOf::new(HttpBasic::new(), HttpBearer::new())),
            rendered: Vec::new(),
        };
        s.rendered = vec![
            s.basic.missing.clone(),
            s.basic_realm.missing.clone(),
            s.bearer.missing.clone(),
            s.digest.missing.clone(),
            s.base.missing.clone(),
            s.password.missing.clone(),
            s.code.missing.clone(),
            s.oauth2.missing.clone(),
            s.oidc.missing.clone(),
            s.any.missing.clone(),
        ];
        s
    })
}

/// CPython 3.11's `binascii.a2b_base64(s, strict_mode=False)` (what `base64.b64decode(s)`
/// runs), transcribed from its C loop; `None` where Python raises. `s` is a `str`: one that is
/// not ASCII is a `ValueError` before decoding.
fn py_b64decode(s: &str) -> Option<Vec<u8>> {
    if !s.is_ascii() {
        return None;
    }
    let table = |c: u8| -> u8 {
        match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => 64,
        }
    };
    let mut bin = Vec::new();
    let (mut quad_pos, mut leftchar, mut pads) = (0u32, 0u32, 0u32);
    for &this_ch in s.as_bytes() {
        if this_ch == b'=' {
            if quad_pos >= 2 {
                pads += 1;
                if quad_pos + pads >= 4 {
                    return Some(bin); // goto done
                }
            }
            continue;
        }
        let v = u32::from(table(this_ch));
        if v >= 64 {
            continue;
        }
        pads = 0;
        match quad_pos {
            0 => {
                quad_pos = 1;
                leftchar = v;
            }
            1 => {
                quad_pos = 2;
                bin.push(((leftchar << 2) | (v >> 4)) as u8);
                leftchar = v & 0x0f;
            }
            2 => {
                quad_pos = 3;
                bin.push(((leftchar << 4) | (v >> 2)) as u8);
                leftchar = v & 0x03;
            }
            _ => {
                quad_pos = 0;
                bin.push(((leftchar << 6) | v) as u8);
                leftchar = 0;
            }
        }
    }
    (quad_pos == 0).then_some(bin)
}

/// `HTTPBasic.__call__`: `None` for no header or another scheme; `Some(Err(()))` for the `401`
/// of a `basic` value that does not decode; else the user name and password.
fn fastapi_basic(first: Option<&str>) -> Option<Result<(String, String), ()>> {
    let value = first.filter(|v| !v.is_empty())?;
    let (scheme, param) = fastapi_scheme_param(value);
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    // `b64decode(param).decode("ascii")`, then `data.partition(":")` with a separator.
    let data = py_b64decode(param).filter(|b| b.is_ascii());
    let data = data.map(|b| String::from_utf8(b).expect("ASCII"));
    Some(
        data.as_deref()
            .and_then(|d| d.split_once(':'))
            .map(|(u, p)| (u.to_owned(), p.to_owned()))
            .ok_or(()),
    )
}

/// HTTP Basic: exactly FastAPI's answer; a success only for `basic <...>` (any case), a
/// username without `:`, ASCII.
fn check_basic(first: Option<&str>, got: &Result<Option<HttpBasicCredentials>, ()>) {
    let expected = match fastapi_basic(first) {
        None => Ok(None),
        Some(Err(())) => Err(()),
        Some(Ok(c)) => Ok(Some(c)),
    };
    let got_pair = got
        .as_ref()
        .map(|c| c.as_ref().map(|c| (c.username.clone(), c.password.clone())))
        .map_err(|&()| ());
    assert_eq!(got_pair, expected, "HttpBasic on {first:?}");
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

/// Bearer / Digest / custom: exactly FastAPI's `HTTPBase` answer; when found, non-empty
/// stripped credentials and the value's first token as the scheme.
fn check_http(
    name: &str,
    expected: Option<&str>,
    first: Option<&str>,
    got: &Result<Option<HttpAuthorizationCredentials>, ()>,
) {
    let got = got
        .as_ref()
        .unwrap_or_else(|()| panic!("{name} returned Err"));
    assert_eq!(
        got.as_ref()
            .map(|c| (c.scheme.as_str(), c.credentials.as_str())),
        fastapi_http(first, expected)
            .as_ref()
            .map(|(s, c)| (s.as_str(), c.as_str())),
        "{name} on {first:?}"
    );
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

/// OAuth2 bearers: the scheme is `bearer` (any case); the token is FastAPI's stripped
/// parameter (may be empty).
fn check_oauth_bearer(first: Option<&str>, got: &Result<Option<BearerToken>, ()>) {
    let got = got
        .as_ref()
        .unwrap_or_else(|()| panic!("OAuth2 bearer returned Err"));
    let is_bearer =
        first.is_some_and(|v| !v.is_empty() && scheme_of(v).eq_ignore_ascii_case("bearer"));
    assert_eq!(got.is_some(), is_bearer, "OAuth2 bearer on {first:?}");
    assert_eq!(
        got.as_ref().map(|t| t.0.as_str()),
        fastapi_oauth_bearer(first).as_deref(),
        "OAuth2 bearer token on {first:?}"
    );
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
    let s = schemes();
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

    let basic = s.basic.run(&headers, &uri, &s.rendered);
    check_basic(first, &basic);
    let basic_realm = s.basic_realm.run(&headers, &uri, &s.rendered);
    check_basic(first, &basic_realm);
    assert_eq!(basic, basic_realm, "the realm changed the outcome");

    let bearer = s.bearer.run(&headers, &uri, &s.rendered);
    check_http("HttpBearer", Some("bearer"), first, &bearer);
    let digest = s.digest.run(&headers, &uri, &s.rendered);
    check_http("HttpDigest", Some("digest"), first, &digest);
    let base = s.base.run(&headers, &uri, &s.rendered);
    check_http("HttpBase", None, first, &base);

    let password = s.password.run(&headers, &uri, &s.rendered);
    check_oauth_bearer(first, &password);
    let code = s.code.run(&headers, &uri, &s.rendered);
    check_oauth_bearer(first, &code);
    assert_eq!(password, code, "the two OAuth2 bearers disagree");
    if let Ok(Some(c)) = &bearer {
        assert_eq!(password, Ok(Some(BearerToken(c.credentials.clone()))));
    }

    let oauth2 = s.oauth2.run(&headers, &uri, &s.rendered);
    check_whole(first, &oauth2);
    let oidc = s.oidc.run(&headers, &uri, &s.rendered);
    check_whole(first, &oidc);

    let any = s.any.run(&headers, &uri, &s.rendered);
    let expected = match (&basic, &bearer) {
        (Ok(Some(c)), _) => Ok(Some(Either::First(c.clone()))),
        (_, Ok(Some(c))) => Ok(Some(Either::Second(c.clone()))),
        (Err(()), _) => Err(()),
        _ => Ok(None),
    };
    assert_eq!(any, expected, "AnyOf disagrees with its schemes");
});
