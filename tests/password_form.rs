//! The `/token` form rows (docs/behaviour/security.md, "The password form"; the JWT side is
//! issue 5's) over real HTTP, with axum's extractor and with the plain parse function on bare
//! hyper.
#![allow(clippy::unwrap_used, missing_docs)]

mod common;

use std::convert::Infallible;

use axum::routing::post;
use http::{Request, Response};
use serde_json::json;
use tower::service_fn;
use towerapi::auth::form::{
    parse_password_form, parse_password_form_strict, FormConfig, OAuth2PasswordRequestForm,
    OAuth2PasswordRequestFormStrict,
};
use towerapi::encode::class::Json;
use towerapi::prelude::*;

use common::{send_body, serve_axum, serve_hyper, Server};

fn echo(f: OAuth2PasswordRequestForm) -> serde_json::Value {
    json!({"grant_type": f.grant_type, "username": f.username, "password": f.password, "scopes": f.scopes, "client_id": f.client_id, "client_secret": f.client_secret})
}

fn axum_app() -> axum::Router {
    axum::Router::new()
        .route(
            "/token/form-echo",
            post(|f: OAuth2PasswordRequestForm| async move { Reply::new(echo(f)) }),
        )
        .route(
            "/token/strict-echo",
            post(|f: OAuth2PasswordRequestFormStrict| async move { Reply::new(echo(f.into())) }),
        )
        .layer(SerializeLayer::json())
}

async fn hyper_route(req: Request<hyper::body::Incoming>) -> Result<Response<Body>, Infallible> {
    let config = FormConfig::default();
    let res = match req.uri().path() {
        "/token/form-echo" => match parse_password_form(req, &config).await {
            Ok(f) => Json::response(&echo(f)),
            Err(rejection) => rejection.into_http_response(),
        },
        _ => match parse_password_form_strict(req, &config).await {
            Ok(f) => Json::response(&echo(f.into())),
            Err(rejection) => rejection.into_http_response(),
        },
    };
    Ok(res)
}

const FORM: &str = "application/x-www-form-urlencoded";
const MISSING_BOTH: &str = r#"{"detail":[{"type":"missing","loc":["body","username"],"msg":"Field required","input":null},{"type":"missing","loc":["body","password"],"msg":"Field required","input":null}]}"#;

struct Row(
    &'static str,
    Option<&'static str>,
    &'static [u8],
    u16,
    &'static str,
);

const BOUNDARY_BODY: &[u8] = b"--XyZ\r\nContent-Disposition: form-data; name=\"username\"\r\n\r\nalice\r\n--XyZ\r\nContent-Disposition: form-data; name=\"password\"\r\n\r\nsecret\r\n--XyZ\r\nContent-Disposition: form-data; name=\"scope\"\r\n\r\nitems:read me\r\n--XyZ--\r\n";

const ROWS: &[Row] = &[
    Row(
        "/token/form-echo",
        Some(FORM),
        b"username=alice&password=secret",
        200,
        r#"{"client_id":null,"client_secret":null,"grant_type":null,"password":"secret","scopes":[],"username":"alice"}"#,
    ),
    Row(
        "/token/form-echo",
        Some(FORM),
        b"username=alice&password=secret&scope=items:read",
        200,
        r#"{"client_id":null,"client_secret":null,"grant_type":null,"password":"secret","scopes":["items:read"],"username":"alice"}"#,
    ),
    Row(
        "/token/form-echo",
        Some(FORM),
        b"grant_type=password&username=alice&password=secret",
        200,
        r#"{"client_id":null,"client_secret":null,"grant_type":"password","password":"secret","scopes":[],"username":"alice"}"#,
    ),
    Row(
        "/token/form-echo",
        Some(FORM),
        b"grant_type=client_credentials&username=alice&password=secret",
        422,
        r#"{"detail":[{"type":"string_pattern_mismatch","loc":["body","grant_type"],"msg":"String should match pattern '^password$'","input":"client_credentials","ctx":{"pattern":"^password$"}}]}"#,
    ),
    Row(
        "/token/form-echo",
        Some(FORM),
        b"username=alice",
        422,
        r#"{"detail":[{"type":"missing","loc":["body","password"],"msg":"Field required","input":null}]}"#,
    ),
    Row(
        "/token/form-echo",
        Some(FORM),
        b"username=&password=secret",
        422,
        r#"{"detail":[{"type":"missing","loc":["body","username"],"msg":"Field required","input":null}]}"#,
    ),
    Row("/token/form-echo", Some(FORM), b"", 422, MISSING_BOTH),
    Row("/token/form-echo", None, b"", 422, MISSING_BOTH),
    Row(
        "/token/form-echo",
        Some("application/json"),
        br#"{"username":"alice","password":"secret"}"#,
        422,
        MISSING_BOTH,
    ),
    Row(
        "/token/form-echo",
        Some("text/plain"),
        b"username=alice&password=secret",
        422,
        MISSING_BOTH,
    ),
    Row(
        "/token/form-echo",
        None,
        b"username=alice&password=secret",
        422,
        MISSING_BOTH,
    ),
    Row(
        "/token/form-echo",
        Some("multipart/form-data; boundary=XyZ"),
        BOUNDARY_BODY,
        200,
        r#"{"client_id":null,"client_secret":null,"grant_type":null,"password":"secret","scopes":["items:read","me"],"username":"alice"}"#,
    ),
    Row(
        "/token/form-echo",
        Some("application/x-www-form-urlencoded; charset=utf-8"),
        b"username=alice&password=secret",
        200,
        r#"{"client_id":null,"client_secret":null,"grant_type":null,"password":"secret","scopes":[],"username":"alice"}"#,
    ),
    Row(
        "/token/form-echo",
        Some(FORM),
        b"username=mallory&username=alice&password=secret",
        200,
        r#"{"client_id":null,"client_secret":null,"grant_type":null,"password":"secret","scopes":[],"username":"alice"}"#,
    ),
    Row(
        "/token/form-echo",
        Some(FORM),
        b"username=alice&password=secret&scope=++a+++b%09c+",
        200,
        r#"{"client_id":null,"client_secret":null,"grant_type":null,"password":"secret","scopes":["a","b","c"],"username":"alice"}"#,
    ),
    Row(
        "/token/form-echo",
        Some(FORM),
        b"username=alice&password=secret&client_id=cid&client_secret=cs",
        200,
        r#"{"client_id":"cid","client_secret":"cs","grant_type":null,"password":"secret","scopes":[],"username":"alice"}"#,
    ),
    Row(
        "/token/strict-echo",
        Some(FORM),
        b"username=alice&password=secret",
        422,
        r#"{"detail":[{"type":"missing","loc":["body","grant_type"],"msg":"Field required","input":null}]}"#,
    ),
    Row(
        "/token/strict-echo",
        Some(FORM),
        b"grant_type=password&username=alice&password=secret",
        200,
        r#"{"client_id":null,"client_secret":null,"grant_type":"password","password":"secret","scopes":[],"username":"alice"}"#,
    ),
];

async fn check(server: &Server, name: &str) {
    let mut failures = Vec::new();
    for Row(path, ct, body, status, want) in ROWS {
        let headers: Vec<(&str, &str)> = ct.iter().map(|c| ("content-type", *c)).collect();
        let w = send_body(server.addr, "POST", path, &headers, body).await;
        let len = want.len().to_string();
        if w.status != *status
            || w.body != want.as_bytes()
            || w.header("content-type") != Some("application/json")
            || w.header("content-length") != Some(len.as_str())
        {
            failures.push(format!(
                "{name} {path} {ct:?} {}: want {status} {want}\n  got {} {:?} {}",
                String::from_utf8_lossy(body),
                w.status,
                w.stable_headers(),
                String::from_utf8_lossy(&w.body)
            ));
        }
    }
    // Over the 64 KiB limit: 413.
    let big = format!("username=alice&password={}", "x".repeat(64 * 1024));
    let w = send_body(
        server.addr,
        "POST",
        "/token/form-echo",
        &[("content-type", FORM)],
        big.as_bytes(),
    )
    .await;
    if w.status != 413 || w.body != br#"{"detail":"Request body too large"}"# {
        failures.push(format!(
            "{name} 413: got {} {}",
            w.status,
            String::from_utf8_lossy(&w.body)
        ));
    }
    assert!(
        failures.is_empty(),
        "{} rows differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[tokio::test]
async fn axum_rows() {
    check(&serve_axum(axum_app()).await, "axum").await;
}

#[tokio::test]
async fn hyper_rows() {
    check(&serve_hyper(service_fn(hyper_route)).await, "hyper").await;
}

/// The axum extractors honour axum's `DefaultBodyLimit` (the smaller limit wins) and read a
/// `FormConfig` from the request extensions.
#[tokio::test]
async fn axum_extractors_honour_default_body_limit_and_a_form_config() {
    use axum::extract::DefaultBodyLimit;
    use axum::Extension;
    let route = || post(|f: OAuth2PasswordRequestForm| async move { Json::response(&echo(f)) });
    let limited = serve_axum(
        axum::Router::new()
            .route("/token", route())
            .layer(DefaultBodyLimit::max(1024)),
    )
    .await;
    let configured = serve_axum(
        axum::Router::new()
            .route("/token", route())
            .layer(Extension(FormConfig::new().limit(100))),
    )
    .await;
    let unlimited = serve_axum(
        axum::Router::new()
            .route("/token", route())
            .layer(DefaultBodyLimit::disable()),
    )
    .await;
    let form = |len: usize| {
        let mut body = b"username=alice&password=".to_vec();
        body.resize(len, b'p');
        body
    };
    let post_form = |server: &Server, body: Vec<u8>| {
        let addr = server.addr;
        async move {
            let w = send_body(
                addr,
                "POST",
                "/token",
                &[("content-type", "application/x-www-form-urlencoded")],
                &body,
            )
            .await;
            (w.status, String::from_utf8(w.body).unwrap())
        }
    };
    let too_large = (413, r#"{"detail":"Request body too large"}"#.to_owned());
    // A 3 KB form over a 1 KB DefaultBodyLimit: refused, as axum's own extractors would.
    assert_eq!(post_form(&limited, form(3 * 1024)).await, too_large);
    assert_eq!(post_form(&limited, form(1000)).await.0, 200);
    // The FormConfig in the extensions.
    assert_eq!(post_form(&configured, form(200)).await, too_large);
    assert_eq!(post_form(&configured, form(90)).await.0, 200);
    // Without axum's limit, the form's own 64 KiB still holds.
    assert_eq!(post_form(&unlimited, form(70 * 1024)).await, too_large);
    assert_eq!(post_form(&unlimited, form(60 * 1024)).await.0, 200);
}
