//! One rejection hook for the whole app (`RejectionLayer`) over real HTTP on 127.0.0.1, with
//! axum (an `ApiRouter`, whose document says what the hook answers) and with bare hyper: every
//! kind of rejection (an auth layer's, a scope check's, the password form's, a handler's
//! `AuthError`) answers RFC 9457 problem details with the exact status, challenges,
//! content-type, content-length and body; a route's own `on_reject` and the other responses
//! keep theirs; broken form bodies never show a library's message.
#![cfg(all(feature = "axum", feature = "openapi"))]
#![allow(clippy::unwrap_used, missing_docs)]

mod common;

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::Path;
use http::request::Parts;
use http::{header, Response, StatusCode};
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tower::util::BoxCloneSyncService;
use tower::{service_fn, Layer, ServiceBuilder, ServiceExt};
use towerapi::auth::form::{parse_password_form, FormConfig, OAuth2PasswordRequestForm};
use towerapi::auth::{
    constant_time_eq, ApiKey, ApiKeyHeader, AuthError, AuthLayer, HttpAuthorizationCredentials,
    HttpBasic, HttpBearer, Rejection, RejectionLayer, RequestHead, ScopesLayer, WithScopes,
};
use towerapi::encode::class::Json;
use towerapi::openapi::{get, post, ApiRouter, Info, OpenApi};
use towerapi::prelude::{Body, Reply, SerializeLayer};

use common::hyper_routes::{route, Req, Route};
use common::{headers, send, send_body, serve_axum, serve_hyper, Server};

// ---- the app's security, shared by both servers ---------------------------------------------

async fn bearer_user(c: HttpAuthorizationCredentials, _: &Parts) -> Result<String, AuthError> {
    if constant_time_eq(&c.credentials, "good-token") {
        Ok("alice".to_owned())
    } else {
        Err(AuthError::unauthorized("Could not validate credentials").with_challenge("Bearer"))
    }
}

/// `GET /me`: a bearer token, verified.
macro_rules! me_auth {
    () => {
        AuthLayer::new(HttpBearer::new()).verify(bearer_user)
    };
}

/// `GET /items`: FastAPI's shape, the scopes outside the verifier.
macro_rules! items_auth {
    () => {
        ServiceBuilder::new()
            .layer(ScopesLayer::new(["items:write"]))
            .layer(
                AuthLayer::new(ApiKeyHeader::new("x-api-key")).verify_scoped(
                    |key: ApiKey, _: &Parts| async move {
                        if constant_time_eq(&key.0, "reader-key") {
                            Ok(WithScopes::new("reader", ["items:read"]))
                        } else {
                            Err(AuthError::unauthorized("Invalid API key"))
                        }
                    },
                ),
            )
            .into_inner()
    };
}

/// `GET /login`: a route with its own `on_reject` (a redirect to the login form).
fn login_auth() -> AuthLayer<HttpBasic> {
    AuthLayer::new(HttpBasic::new()).on_reject(|_: &AuthError| {
        let mut res = Response::new(Body::empty());
        *res.status_mut() = StatusCode::SEE_OTHER;
        res.headers_mut()
            .insert(header::LOCATION, "/login-form".parse().unwrap());
        res
    })
}

/// `POST /token`'s check of a parsed form: FastAPI tutorial's 400 for a wrong password.
fn token(form: &OAuth2PasswordRequestForm) -> Result<Value, AuthError> {
    if form.username == "alice" && constant_time_eq(&form.password, "secret") {
        Ok(json!({"access_token": "good-token", "token_type": "bearer"}))
    } else {
        Err(AuthError::custom(
            StatusCode::BAD_REQUEST,
            "Incorrect username or password",
        ))
    }
}

/// `GET /owned/{id}`: a handler's own 403.
fn owned(id: &str) -> Result<&'static str, AuthError> {
    if id == "1" {
        Ok("yours")
    } else {
        Err(AuthError::forbidden("Not the owner"))
    }
}

// ---- axum: an ApiRouter -------------------------------------------------------------------

fn axum_app(rejections: RejectionLayer) -> (axum::Router, OpenApi) {
    ApiRouter::new()
        .route("/me", get(|| async { Reply::new("me") }).layer(me_auth!()))
        .route(
            "/items",
            get(|| async { Reply::new("items") }).layer(items_auth!()),
        )
        .route(
            "/login",
            get(|| async { Reply::new("welcome") }).layer(login_auth()),
        )
        .route(
            "/token",
            post(|form: OAuth2PasswordRequestForm| async move { token(&form).map(Reply::new) })
                .describe(OAuth2PasswordRequestForm::openapi()),
        )
        .route(
            "/owned/{id}",
            get(|Path(id): Path<String>| async move { owned(&id).map(Reply::new) }),
        )
        .route("/ok", get(|| async { Reply::new("ok") }).public())
        .layer(SerializeLayer::json())
        .layer(rejections)
        .finish(Info::new("rejections", "1"))
        .expect("the document")
}

// ---- bare hyper: the same routes, by hand ---------------------------------------------------

fn text(s: &str) -> Response<Body> {
    Json::response(&s)
}

/// The hyper app, its body boxed into ours.
type App = BoxCloneSyncService<Req, Response<Body>, Infallible>;

fn hyper_app(rejections: RejectionLayer) -> App {
    let me = route(me_auth!(), |_| text("me"));
    let items = route(items_auth!(), |_| text("items"));
    let login = route(login_auth(), |_| text("welcome"));
    let ok = route(tower::layer::util::Identity::new(), |_| text("ok"));
    let owned_route = route(tower::layer::util::Identity::new(), |req| {
        match owned(common::hyper_routes::last_segment(req)) {
            Ok(s) => text(s),
            Err(e) => e.into_http_response(),
        }
    });
    let token_route: Route = BoxCloneSyncService::new(service_fn(|req: Req| async move {
        Ok::<_, Infallible>(
            match parse_password_form(req, &FormConfig::default()).await {
                Ok(form) => match token(&form) {
                    Ok(v) => Json::response(&v),
                    Err(e) => e.into_http_response(),
                },
                Err(rejection) => rejection.into_http_response(),
            },
        )
    }));
    let routes = Arc::new([me, items, login, token_route, owned_route, ok]);
    let dispatch = service_fn(move |req: Req| {
        let path = req.uri().path();
        let i = match path {
            "/me" => Some(0),
            "/items" => Some(1),
            "/login" => Some(2),
            "/token" => Some(3),
            _ if path.starts_with("/owned/") => Some(4),
            "/ok" => Some(5),
            _ => None,
        };
        let route = i.map(|i| routes[i].clone());
        async move {
            match route {
                Some(r) => r.oneshot(req).await,
                None => {
                    let mut res = Response::new(Body::empty());
                    *res.status_mut() = StatusCode::NOT_FOUND;
                    Ok(res)
                }
            }
        }
    });
    BoxCloneSyncService::new(
        rejections
            .layer(dispatch)
            .map_response(|r| r.map(Body::new)),
    )
}

// ---- the rows -------------------------------------------------------------------------------

const FORM: &str = "application/x-www-form-urlencoded";
const PROBLEM: &str = "application/problem+json";
const TRUNCATED: &[u8] = b"--XyZ\r\nContent-Disposition: form-data; name=\"username\"\r\n\r\nalice";

struct Row {
    what: &'static str,
    method: &'static str,
    path: &'static str,
    headers: &'static [(&'static str, &'static str)],
    body: &'static [u8],
    status: u16,
    /// The answer's headers besides content-length (derived from the body).
    want_headers: &'static [(&'static str, &'static str)],
    want_body: &'static str,
}

/// The problem+json answers of the app.
const ROWS: &[Row] = &[
    Row {
        what: "an auth layer: no credentials",
        method: "GET",
        path: "/me",
        headers: &[],
        body: b"",
        status: 401,
        want_headers: &[("content-type", PROBLEM), ("www-authenticate", "Bearer")],
        want_body: r#"{"type":"about:blank","title":"Unauthorized","status":401,"detail":"Not authenticated"}"#,
    },
    Row {
        what: "an auth layer: the verifier refuses",
        method: "GET",
        path: "/me",
        headers: &[("authorization", "Bearer bad-token")],
        body: b"",
        status: 401,
        want_headers: &[("content-type", PROBLEM), ("www-authenticate", "Bearer")],
        want_body: r#"{"type":"about:blank","title":"Unauthorized","status":401,"detail":"Could not validate credentials"}"#,
    },
    Row {
        what: "a scope check",
        method: "GET",
        path: "/items",
        headers: &[("x-api-key", "reader-key")],
        body: b"",
        status: 403,
        want_headers: &[
            ("content-type", PROBLEM),
            ("www-authenticate", "Bearer scope=\"items:write\""),
        ],
        want_body: r#"{"type":"about:blank","title":"Forbidden","status":403,"detail":"Not enough permissions"}"#,
    },
    Row {
        what: "an API key missing",
        method: "GET",
        path: "/items",
        headers: &[],
        body: b"",
        status: 401,
        want_headers: &[("content-type", PROBLEM), ("www-authenticate", "APIKey")],
        want_body: r#"{"type":"about:blank","title":"Unauthorized","status":401,"detail":"Not authenticated"}"#,
    },
    Row {
        what: "a handler's AuthError",
        method: "GET",
        path: "/owned/2",
        headers: &[],
        body: b"",
        status: 403,
        want_headers: &[("content-type", PROBLEM)],
        want_body: r#"{"type":"about:blank","title":"Forbidden","status":403,"detail":"Not the owner"}"#,
    },
    Row {
        what: "a handler's AuthError after a valid form",
        method: "POST",
        path: "/token",
        headers: &[("content-type", FORM)],
        body: b"username=alice&password=wrong",
        status: 400,
        want_headers: &[("content-type", PROBLEM)],
        want_body: r#"{"type":"about:blank","title":"Bad Request","status":400,"detail":"Incorrect username or password"}"#,
    },
    Row {
        what: "the form: missing fields",
        method: "POST",
        path: "/token",
        headers: &[("content-type", FORM)],
        body: b"username=alice",
        status: 422,
        want_headers: &[("content-type", PROBLEM)],
        want_body: r#"{"type":"about:blank","title":"Unprocessable Entity","status":422,"errors":[{"type":"missing","loc":["body","password"],"msg":"Field required","input":null}]}"#,
    },
    Row {
        what: "the form: another content type",
        method: "POST",
        path: "/token",
        headers: &[("content-type", "application/json")],
        body: br#"{"username":"alice","password":"secret"}"#,
        status: 422,
        want_headers: &[("content-type", PROBLEM)],
        want_body: r#"{"type":"about:blank","title":"Unprocessable Entity","status":422,"errors":[{"type":"missing","loc":["body","username"],"msg":"Field required","input":null},{"type":"missing","loc":["body","password"],"msg":"Field required","input":null}]}"#,
    },
    Row {
        what: "the form: a raw 0xff, its latin-1 `ÿ` as FastAPI reads it, then validated",
        method: "POST",
        path: "/token",
        headers: &[("content-type", FORM)],
        body: b"grant_type=\xff&username=alice&password=secret",
        status: 422,
        want_headers: &[("content-type", PROBLEM)],
        want_body: "{\"type\":\"about:blank\",\"title\":\"Unprocessable Entity\",\"status\":422,\"errors\":[{\"type\":\"string_pattern_mismatch\",\"loc\":[\"body\",\"grant_type\"],\"msg\":\"String should match pattern '^password$'\",\"input\":\"\u{ff}\",\"ctx\":{\"pattern\":\"^password$\"}}]}",
    },
    Row {
        what: "the form: a truncated multipart body",
        method: "POST",
        path: "/token",
        headers: &[("content-type", "multipart/form-data; boundary=XyZ")],
        body: TRUNCATED,
        status: 400,
        want_headers: &[("content-type", PROBLEM)],
        want_body: r#"{"type":"about:blank","title":"Bad Request","status":400,"detail":"There was an error parsing the body"}"#,
    },
    Row {
        what: "the form: multipart without a boundary",
        method: "POST",
        path: "/token",
        headers: &[("content-type", "multipart/form-data")],
        body: b"username=alice&password=secret",
        status: 400,
        want_headers: &[("content-type", PROBLEM)],
        want_body: r#"{"type":"about:blank","title":"Bad Request","status":400,"detail":"There was an error parsing the body"}"#,
    },
    // Not rejections of towerapi's: as they were.
    Row {
        what: "a route's own on_reject",
        method: "GET",
        path: "/login",
        headers: &[],
        body: b"",
        status: 303,
        want_headers: &[("location", "/login-form"), ("www-authenticate", "Basic")],
        want_body: "",
    },
    Row {
        what: "a success",
        method: "GET",
        path: "/owned/1",
        headers: &[],
        body: b"",
        status: 200,
        want_headers: &[("content-type", "application/json")],
        want_body: r#""yours""#,
    },
    Row {
        what: "a valid form",
        method: "POST",
        path: "/token",
        headers: &[("content-type", FORM)],
        body: b"username=alice&password=secret",
        status: 200,
        want_headers: &[("content-type", "application/json")],
        want_body: r#"{"access_token":"good-token","token_type":"bearer"}"#,
    },
];

/// A request whose body fails mid-stream: a chunked body with a broken chunk size. The server
/// reads `username=alice&`, then the stream errors.
const BROKEN_CHUNKED: &[u8] = b"POST /token HTTP/1.1\r\nhost: x\r\nconnection: close\r\ncontent-type: application/x-www-form-urlencoded\r\ntransfer-encoding: chunked\r\n\r\nf\r\nusername=alice&\r\nzz\r\n";

/// Sends raw bytes and returns (status, sorted headers without date/connection, body).
async fn send_raw(addr: SocketAddr, request: &[u8]) -> (u16, Vec<(String, String)>, Vec<u8>) {
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    stream.write_all(request).await.unwrap();
    let mut raw = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut raw))
        .await
        .expect("the server answered within 10 s")
        .unwrap();
    let end = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = std::str::from_utf8(&raw[..end]).unwrap();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let mut h: Vec<(String, String)> = lines
        .map(|l| {
            let (n, v) = l.split_once(':').unwrap();
            (n.trim().to_ascii_lowercase(), v.trim().to_owned())
        })
        .filter(|(n, _)| n != "date" && n != "connection")
        .collect();
    h.sort();
    (status, h, raw[end + 4..].to_vec())
}

fn with_length(pairs: &[(&str, &str)], body: &str) -> Vec<(String, String)> {
    let len = body.len().to_string();
    let mut all: Vec<(&str, &str)> = pairs.to_vec();
    all.push(("content-length", &len));
    headers(&all)
}

async fn check(server: &Server, name: &str) {
    let mut failures = Vec::new();
    for row in ROWS {
        let w = if row.body.is_empty() && row.method == "GET" {
            send(server.addr, row.method, row.path, row.headers).await
        } else {
            send_body(server.addr, row.method, row.path, row.headers, row.body).await
        };
        let want_headers = with_length(row.want_headers, row.want_body);
        if w.status != row.status
            || w.stable_headers() != want_headers
            || w.body != row.want_body.as_bytes()
        {
            failures.push(format!(
                "{name}, {}: want {} {want_headers:?} {}\n  got {} {:?} {}",
                row.what,
                row.status,
                row.want_body,
                w.status,
                w.stable_headers(),
                String::from_utf8_lossy(&w.body)
            ));
        }
    }
    // A body that fails mid-stream: FastAPI's 400, in problem details, no library text.
    let (status, h, body) = send_raw(server.addr, BROKEN_CHUNKED).await;
    let want = r#"{"type":"about:blank","title":"Bad Request","status":400,"detail":"There was an error parsing the body"}"#;
    if status != 400
        || h != with_length(&[("content-type", PROBLEM)], want)
        || body != want.as_bytes()
    {
        failures.push(format!(
            "{name}, a body failing mid-stream: got {status} {h:?} {}",
            String::from_utf8_lossy(&body)
        ));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[tokio::test]
async fn axum_every_rejection_answers_problem_details() {
    let (app, _) = axum_app(RejectionLayer::problem_json());
    let server = serve_axum(app).await;
    check(&server, "axum").await;
    // axum's own 404 is no rejection of towerapi's: untouched.
    let w = send(server.addr, "GET", "/nowhere", &[]).await;
    assert_eq!((w.status, w.header("content-type")), (404, None));
}

#[tokio::test]
async fn hyper_every_rejection_answers_problem_details() {
    check(
        &serve_hyper(hyper_app(RejectionLayer::problem_json())).await,
        "hyper",
    )
    .await;
}

/// A hook of one's own: plain text for a client that asks for it, problem details with the
/// request's path as `instance` otherwise; a 401 with a status and challenge of its own.
fn custom() -> RejectionLayer {
    RejectionLayer::new(|rejection: &Rejection, head: &RequestHead| {
        let wants_text = head
            .headers()
            .get(header::ACCEPT)
            .is_some_and(|v| v.as_bytes().starts_with(b"text/plain"));
        if wants_text {
            let mut res = Response::new(Body::full(format!(
                "{} {}: {rejection}",
                head.method(),
                head.uri().path()
            )));
            res.headers_mut()
                .insert(header::CONTENT_TYPE, "text/plain".parse().unwrap());
            // A stale length on purpose: the layer sets the right one.
            res.headers_mut()
                .insert(header::CONTENT_LENGTH, "1".parse().unwrap());
            return Some(res);
        }
        if let Rejection::Scopes(_) = rejection {
            // Keep FastAPI's answer for this kind.
            return None;
        }
        Some(
            rejection
                .problem()
                .instance(head.uri().path())
                .to_response(),
        )
    })
    .capture_headers([header::ACCEPT])
    .document_problem_json()
}

async fn check_custom(server: &Server, name: &str) {
    let w = send(server.addr, "GET", "/me", &[("accept", "text/plain")]).await;
    let body = "GET /me: Not authenticated";
    assert_eq!(
        (
            w.status,
            w.stable_headers(),
            String::from_utf8(w.body).unwrap()
        ),
        (
            401,
            with_length(
                &[
                    ("content-type", "text/plain"),
                    ("www-authenticate", "Bearer")
                ],
                body
            ),
            body.to_owned()
        ),
        "{name}"
    );
    let w = send_body(
        server.addr,
        "POST",
        "/token",
        &[
            ("content-type", "multipart/form-data; boundary=XyZ"),
            ("accept", "text/plain"),
        ],
        TRUNCATED,
    )
    .await;
    // Display of the form's rejection: no multer text either.
    let body = "POST /token: There was an error parsing the body";
    assert_eq!(
        (w.status, String::from_utf8(w.body).unwrap()),
        (400, body.to_owned()),
        "{name}"
    );
    let w = send(server.addr, "GET", "/owned/7?x=1", &[]).await;
    let body = r#"{"type":"about:blank","title":"Forbidden","status":403,"detail":"Not the owner","instance":"/owned/7"}"#;
    assert_eq!(
        (
            w.status,
            w.stable_headers(),
            String::from_utf8(w.body).unwrap()
        ),
        (
            403,
            with_length(&[("content-type", PROBLEM)], body),
            body.to_owned()
        ),
        "{name}"
    );
    // The hook kept FastAPI's answer for a scope refusal.
    let w = send(server.addr, "GET", "/items", &[("x-api-key", "reader-key")]).await;
    let body = r#"{"detail":"Not enough permissions"}"#;
    assert_eq!(
        (
            w.status,
            w.stable_headers(),
            String::from_utf8(w.body).unwrap()
        ),
        (
            403,
            with_length(
                &[
                    ("content-type", "application/json"),
                    ("www-authenticate", "Bearer scope=\"items:write\"")
                ],
                body
            ),
            body.to_owned()
        ),
        "{name}"
    );
}

#[tokio::test]
async fn axum_a_hook_of_ones_own_sees_the_request_head() {
    let (app, _) = axum_app(custom());
    check_custom(&serve_axum(app).await, "axum").await;
}

#[tokio::test]
async fn hyper_a_hook_of_ones_own_sees_the_request_head() {
    check_custom(&serve_hyper(hyper_app(custom())).await, "hyper").await;
}

/// What the `ApiRouter` document says of the rejections under `RejectionLayer::problem_json()`.
#[test]
fn the_document_describes_problem_details() {
    let (_, doc) = axum_app(RejectionLayer::problem_json());
    let response = |method: &str, path: &str, status: &str| -> Value {
        let op = doc.operation(method, path).expect("the operation");
        serde_json::to_value(op.responses.get(status).expect("the response")).unwrap()
    };
    let problem = |r: &Value| r["content"]["application/problem+json"]["schema"].clone();
    for (method, path, status) in [
        ("get", "/me", "401"),
        ("get", "/items", "401"),
        ("get", "/items", "403"),
    ] {
        let r = response(method, path, status);
        assert_eq!(
            problem(&r)["required"],
            json!(["type", "title", "status"]),
            "{method} {path} {status}: {r}"
        );
        assert!(r["content"].get("application/json").is_none(), "{r}");
        assert!(r["headers"]["WWW-Authenticate"].is_object(), "{r}");
    }
    let r422 = response("post", "/token", "422");
    assert_eq!(
        problem(&r422)["properties"]["errors"],
        json!({"type": "array", "items": {"$ref": "#/components/schemas/ValidationError"}})
    );
    // /login's 401 is its on_reject's: no schema, as before.
    assert!(response("get", "/login", "401").get("content").is_none());
    let text = serde_json::to_string(&doc).unwrap();
    assert!(!text.contains("x-towerapi"), "{text}");
    assert!(!text.contains("HTTPValidationError"), "{text}");
}
