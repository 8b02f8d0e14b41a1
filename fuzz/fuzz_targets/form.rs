//! Fuzzes `towerapi_auth::form`: FastAPI's `OAuth2PasswordRequestForm` (and `...Strict`) over
//! `application/x-www-form-urlencoded` and `multipart/form-data` bodies.
//!
//! Input: `content-type` value, a 0x00 byte, then the body (no 0x00: the whole input is the
//! body and there is no `content-type`). A content type `http` rejects skips the input.
#![no_main]

use bytes::Bytes;
use futures_executor::block_on;
use http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use http::{HeaderValue, Request, StatusCode};
use http_body_util::{BodyExt, Full};
use libfuzzer_sys::fuzz_target;
use towerapi_auth::form::{
    parse_password_form, parse_password_form_strict, FormConfig, FormRejection,
};

const LIMIT: usize = 4096;

fn request(ct: Option<&HeaderValue>, body: &[u8]) -> Request<Full<Bytes>> {
    let mut builder = Request::builder().method("POST");
    if let Some(ct) = ct {
        builder = builder.header(CONTENT_TYPE, ct.clone());
    }
    builder
        .body(Full::new(Bytes::copy_from_slice(body)))
        .expect("request")
}

/// Python's `str.isspace`.
fn is_py_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

fn check_scopes(scopes: &[String]) {
    for s in scopes {
        assert!(!s.is_empty(), "empty scope");
        assert!(!s.contains(is_py_space), "scope with whitespace: {s:?}");
    }
}

fn non_empty(v: &Option<String>) {
    if let Some(v) = v {
        assert!(!v.is_empty(), "empty optional field kept as Some");
    }
}

/// Python's `urllib.parse.unquote_plus(text)` (UTF-8, `errors="replace"`), transcribed:
/// `+` becomes a space, then the text is cut into runs of ASCII and of other characters, and
/// each ASCII run is `unquote_to_bytes`d (`%XX` with two hex digits is that byte, anything
/// else as is) and decoded.
fn py_unquote_plus(text: &str) -> String {
    let text = text.replace('+', " ");
    let mut out = String::new();
    let mut rest = text.as_str();
    while let Some(c) = rest.chars().next() {
        let end = if c.is_ascii() {
            rest.find(|c: char| !c.is_ascii()).unwrap_or(rest.len())
        } else {
            rest.find(|c: char| c.is_ascii()).unwrap_or(rest.len())
        };
        let (run, tail) = rest.split_at(end);
        if c.is_ascii() {
            let b = run.as_bytes();
            let mut bytes = Vec::new();
            let mut i = 0;
            while i < b.len() {
                let hex = |x: u8| (x as char).to_digit(16);
                if b[i] == b'%' && i + 2 < b.len() {
                    if let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2])) {
                        bytes.push((h * 16 + l) as u8);
                        i += 3;
                        continue;
                    }
                }
                bytes.push(b[i]);
                i += 1;
            }
            out.push_str(&String::from_utf8_lossy(&bytes));
        } else {
            out.push_str(run);
        }
        rest = tail;
    }
    out
}

/// Starlette's urlencoded form, for one field: python-multipart's fields (split at `&`, empty
/// ones skipped, each at its first `=`), latin-1 text, `unquote_plus`; the last value of
/// `name`, `None` when absent or empty (FastAPI's "missing").
fn starlette_field(body: &[u8], name: &str) -> Option<String> {
    let latin1 = |b: &[u8]| b.iter().map(|&x| char::from(x)).collect::<String>();
    let mut found = None;
    for field in body.split(|&b| b == b'&').filter(|f| !f.is_empty()) {
        let (k, v) = match field.iter().position(|&b| b == b'=') {
            Some(i) => (&field[..i], &field[i + 1..]),
            None => (field, &[][..]),
        };
        if py_unquote_plus(&latin1(k)) == name {
            found = Some(py_unquote_plus(&latin1(v)));
        }
    }
    found.filter(|v| !v.is_empty())
}

/// Whether the content type is the urlencoded one (its essence, any parameters).
fn is_urlencoded(ct: Option<&HeaderValue>) -> bool {
    ct.is_some_and(|v| {
        let b = v.as_bytes();
        let essence = b.split(|&x| x == b';').next().unwrap_or(b);
        essence
            .trim_ascii()
            .eq_ignore_ascii_case(b"application/x-www-form-urlencoded")
    })
}

/// A rejection is 400, 413 or 422 and renders as FastAPI's JSON answer.
fn check_rejection(r: FormRejection, body_len: usize) -> StatusCode {
    let status = r.status();
    assert!(
        matches!(status.as_u16(), 400 | 413 | 422),
        "unexpected status {status}"
    );
    match &r {
        FormRejection::TooLarge => assert!(body_len > LIMIT, "413 for {body_len} bytes"),
        FormRejection::Validation(errors) => assert!(!errors.is_empty(), "422 without errors"),
        _ => {}
    }
    let _ = r.to_string();
    let res = r.into_http_response();
    assert_eq!(res.status(), status);
    assert_eq!(res.headers()[CONTENT_TYPE], "application/json");
    let len: usize = res.headers()[CONTENT_LENGTH]
        .to_str()
        .expect("content-length")
        .parse()
        .expect("content-length");
    let bytes = block_on(res.into_body().collect())
        .expect("body")
        .to_bytes();
    assert_eq!(bytes.len(), len, "content-length mismatch");
    assert!(bytes.starts_with(b"{\"detail\":"), "body {bytes:?}");
    status
}

fuzz_target!(|data: &[u8]| {
    let (ct, body) = match data.iter().position(|&x| x == 0) {
        Some(i) => match HeaderValue::from_bytes(&data[..i]) {
            Ok(v) => (Some(v), &data[i + 1..]),
            Err(_) => return,
        },
        None => (None, data),
    };
    let config = FormConfig::default().limit(LIMIT);

    let loose = block_on(parse_password_form(request(ct.as_ref(), body), &config));
    let strict = block_on(parse_password_form_strict(
        request(ct.as_ref(), body),
        &config,
    ));

    let loose_ok = match loose {
        Ok(f) => {
            if is_urlencoded(ct.as_ref()) {
                // The values are Starlette's, byte for byte.
                assert_eq!(
                    Some(&f.username),
                    starlette_field(body, "username").as_ref()
                );
                assert_eq!(
                    Some(&f.password),
                    starlette_field(body, "password").as_ref()
                );
                assert_eq!(f.client_id, starlette_field(body, "client_id"));
            }
            assert!(!f.username.is_empty(), "empty username");
            assert!(!f.password.is_empty(), "empty password");
            assert!(
                f.grant_type.is_none() || f.grant_type.as_deref() == Some("password"),
                "grant_type {:?}",
                f.grant_type
            );
            check_scopes(&f.scopes);
            non_empty(&f.client_id);
            non_empty(&f.client_secret);
            Ok(f)
        }
        Err(r) => Err(check_rejection(r, body.len())),
    };
    match strict {
        Ok(f) => {
            assert!(!f.username.is_empty(), "empty username (strict)");
            assert!(!f.password.is_empty(), "empty password (strict)");
            assert_eq!(f.grant_type, "password");
            check_scopes(&f.scopes);
            // Whatever the strict form accepts, the loose form accepts identically.
            let l = loose_ok.as_ref().expect("strict Ok but loose Err");
            assert_eq!(l.grant_type.as_deref(), Some("password"));
            assert_eq!((&l.username, &l.password), (&f.username, &f.password));
            assert_eq!(l.scopes, f.scopes);
            assert_eq!(
                (&l.client_id, &l.client_secret),
                (&f.client_id, &f.client_secret)
            );
        }
        Err(r) => {
            let status = check_rejection(r, body.len());
            // Both read the body alike; only validation (422) may differ.
            if let Err(loose_status) = loose_ok {
                assert_eq!(status, loose_status, "strict and loose disagree");
            } else {
                assert_eq!(
                    status,
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "strict-only rejection"
                );
            }
        }
    }
});
