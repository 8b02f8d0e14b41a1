//! The response-model rows (docs/behaviour/responses.md, "Response models") over real HTTP on
//! 127.0.0.1, with axum (the router of examples/fastapi_parity.rs) and with bare hyper (below):
//! exact status, headers and bytes.
#![allow(clippy::unwrap_used, missing_docs)]

mod common;

#[allow(dead_code)]
#[path = "../examples/fastapi_parity.rs"]
mod parity;

use std::convert::Infallible;
use std::sync::Arc;

use http::{Response, StatusCode};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use tower::{service_fn, ServiceBuilder, ServiceExt};
use towerapi::encode::class::Json;
use towerapi::layers::ResponseModelLayer;
use towerapi::prelude::*;
use towerapi::schemars::{self, JsonSchema};

use common::{headers, send, serve_axum, serve_hyper, Server};

// ---- app.py's models, for the hyper app ----------------------------------------------------------------------

#[derive(Serialize, Deserialize, Default, JsonSchema)]
struct UserIn {
    username: String,
    password: String,
    email: Option<String>,
    full_name: Option<String>,
}

#[derive(Serialize, Deserialize, JsonSchema)]
struct UserOut {
    username: String,
    email: Option<String>,
    full_name: Option<String>,
}

impl From<UserIn> for UserOut {
    fn from(u: UserIn) -> Self {
        UserOut {
            username: u.username,
            email: u.email,
            full_name: u.full_name,
        }
    }
}

#[derive(Serialize, Deserialize, JsonSchema)]
struct Item {
    name: String,
    #[serde(default)]
    description: Option<String>,
    price: f64,
    #[serde(default = "ten_five")]
    tax: f64,
    #[serde(default)]
    tags: Vec<String>,
}

fn ten_five() -> f64 {
    10.5
}

impl Default for Item {
    fn default() -> Self {
        Item {
            name: String::new(),
            description: None,
            price: 0.0,
            tax: 10.5,
            tags: vec![],
        }
    }
}

#[derive(Serialize, Deserialize, JsonSchema)]
struct Order {
    id: u32,
    owner: UserIn,
    items: Vec<Item>,
}

#[derive(Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
struct AliasModel {
    item_name: String,
    #[serde(default)]
    item_count: u32,
}

/// app.py's ITEMS: a JSON-like store, so "unset" is "not in the store".
fn item(id: &str) -> Value {
    match id {
        "foo" => json!({"name": "Foo", "price": 50.2}),
        "bar" => json!({"name": "Bar", "description": "The bartenders", "price": 62, "tax": 20.2}),
        _ => json!({"name": "Baz", "description": null, "price": 50.2, "tax": 10.5, "tags": []}),
    }
}

fn model_filter() -> Value {
    json!({"username": "alice", "password": "hunter2", "email": "alice@example.com", "full_name": null})
}

fn user_in() -> UserIn {
    UserIn {
        username: "alice".into(),
        password: "hunter2".into(),
        email: Some("alice@example.com".into()),
        full_name: None,
    }
}

fn annotated() -> UserIn {
    UserIn {
        username: "alice".into(),
        password: "hunter2".into(),
        email: None,
        full_name: Some("Alice".into()),
    }
}

fn list_model() -> Value {
    json!([{"username": "a", "password": "x"}, {"username": "b", "password": "y", "email": "b@example.com"}])
}

fn order() -> Value {
    json!({"id": 7, "owner": {"username": "alice", "password": "hunter2"}, "items": [item("foo"), item("bar")]})
}

// ---- bare hyper ---------------------------------------------------------------------------

use common::hyper_routes::{last_segment, route, Req, Route};

fn hyper_app() -> impl tower::Service<
    Req,
    Response = Response<
        impl http_body::Body<Data = bytes::Bytes, Error = impl Into<towerapi::encode::BoxError>>
            + Send
            + 'static,
    >,
    Error = Infallible,
    Future = impl Send + 'static,
> + Clone
       + Send
       + 'static {
    let by_id = |l: ResponseModelLayer<Item>| {
        route(l, |r| {
            Reply::new(item(last_segment(r))).into_http_response()
        })
    };
    let routes: Vec<(&'static str, Route)> = vec![
        (
            "/resp/model-filter",
            route(ResponseModelLayer::<UserOut>::new(), |_| {
                Reply::new(model_filter()).into_http_response()
            }),
        ),
        (
            "/resp/model-filter-object",
            route(
                ResponseModelLayer::<UserOut>::new().from::<UserIn>(),
                |_| Reply::new(user_in()).into_http_response(),
            ),
        ),
        (
            "/resp/return-annotation",
            route(ResponseModelLayer::<UserOut>::new(), |_| {
                Reply::new(annotated()).into_http_response()
            }),
        ),
        (
            "/resp/list-model",
            route(ResponseModelLayer::<Vec<UserOut>>::new(), |_| {
                Reply::new(list_model()).into_http_response()
            }),
        ),
        ("/resp/full/", by_id(ResponseModelLayer::new())),
        (
            "/resp/exclude-unset/",
            by_id(ResponseModelLayer::new().exclude_unset()),
        ),
        (
            "/resp/exclude-unset-object",
            route(ResponseModelLayer::<Item>::new().exclude_unset(), |_| {
                Reply::new(Item {
                    name: "Obj".into(),
                    price: 1.5,
                    ..Item::default()
                })
                .into_http_response()
            }),
        ),
        (
            "/resp/exclude-defaults/",
            by_id(ResponseModelLayer::new().exclude_defaults()),
        ),
        (
            "/resp/exclude-none/",
            by_id(ResponseModelLayer::new().exclude_none()),
        ),
        (
            "/resp/include/",
            by_id(ResponseModelLayer::new().include(["name", "description"])),
        ),
        (
            "/resp/exclude/",
            by_id(ResponseModelLayer::new().exclude(["tax"])),
        ),
        (
            "/resp/include-exclude/",
            by_id(
                ResponseModelLayer::new()
                    .include(["name", "price", "tax"])
                    .exclude(["tax"]),
            ),
        ),
        (
            "/resp/nested-exclude",
            route(
                ResponseModelLayer::<Order>::new().exclude([
                    "owner.password",
                    "items.*.tax",
                    "items.*.tags",
                ]),
                |_| Reply::new(order()).into_http_response(),
            ),
        ),
        (
            "/resp/alias",
            route(ResponseModelLayer::<AliasModel>::new(), |_| {
                Reply::new(json!({"itemName": "widget", "itemCount": 3})).into_http_response()
            }),
        ),
        (
            "/resp/alias-by-name",
            route(
                ResponseModelLayer::<AliasModel>::new().by_alias(false),
                |_| Reply::new(json!({"itemName": "widget", "itemCount": 3})).into_http_response(),
            ),
        ),
        (
            "/resp/created-model",
            route(
                ServiceBuilder::new()
                    .layer(StatusLayer::default_status(StatusCode::CREATED))
                    .layer(ResponseModelLayer::<UserOut>::new()),
                |_| Reply::new(json!({"username": "new", "password": "pw"})).into_http_response(),
            ),
        ),
        (
            "/resp/validation-error-type",
            route(ResponseModelLayer::<Item>::new(), |_| {
                Reply::new(json!({"name": "x", "price": "not-a-number"})).into_http_response()
            }),
        ),
        (
            "/resp/validation-error",
            route(ResponseModelLayer::<Item>::new(), |_| {
                Reply::new(json!({"name": "broken"})).into_http_response()
            }),
        ),
        (
            "/resp/json-class-model",
            route(
                ServiceBuilder::new()
                    .layer(SerializeLayer::new(Json))
                    .layer(ResponseModelLayer::<Item>::new()),
                |_| Reply::new(item("bar")).into_http_response(),
            ),
        ),
    ];
    let routes = Arc::new(routes);
    let dispatch = service_fn(move |req: Req| {
        let path = req.uri().path().to_owned();
        // Exact paths, then prefixes ending in `/` (the `{item_id}` routes).
        let route = routes
            .iter()
            .find(|(p, _)| *p == path)
            .or_else(|| {
                routes
                    .iter()
                    .find(|(p, _)| p.ends_with('/') && path.starts_with(p))
            })
            .map(|(_, r)| r.clone());
        async move {
            match route {
                Some(route) => route.oneshot(req).await,
                None => Ok(Reply::new(json!({"detail": "Not Found"}))
                    .status(StatusCode::NOT_FOUND)
                    .into_http_response()),
            }
        }
    });
    ServiceBuilder::new()
        .layer(StatusLayer::new())
        .layer(SerializeLayer::json())
        .service(dispatch)
}

// ---- the rows -----------------------------------------------------------------------------

const JSON: (&str, &str) = ("content-type", "application/json");

struct Row(
    &'static str,
    &'static str,
    u16,
    &'static [(&'static str, &'static str)],
    &'static str,
);

const ERROR: &[(&str, &str)] = &[
    ("content-type", "text/plain; charset=utf-8"),
    ("content-length", "21"),
];

const ROWS: &[Row] = &[
    Row(
        "GET",
        "/resp/model-filter",
        200,
        &[JSON, ("content-length", "65")],
        r#"{"username":"alice","email":"alice@example.com","full_name":null}"#,
    ),
    Row(
        "GET",
        "/resp/model-filter-object",
        200,
        &[JSON, ("content-length", "65")],
        r#"{"username":"alice","email":"alice@example.com","full_name":null}"#,
    ),
    Row(
        "GET",
        "/resp/return-annotation",
        200,
        &[JSON, ("content-length", "53")],
        r#"{"username":"alice","email":null,"full_name":"Alice"}"#,
    ),
    Row(
        "GET",
        "/resp/list-model",
        200,
        &[JSON, ("content-length", "106")],
        r#"[{"username":"a","email":null,"full_name":null},{"username":"b","email":"b@example.com","full_name":null}]"#,
    ),
    Row(
        "GET",
        "/resp/full/bar",
        200,
        &[JSON, ("content-length", "79")],
        r#"{"name":"Bar","description":"The bartenders","price":62.0,"tax":20.2,"tags":[]}"#,
    ),
    Row(
        "GET",
        "/resp/exclude-unset/foo",
        200,
        &[JSON, ("content-length", "27")],
        r#"{"name":"Foo","price":50.2}"#,
    ),
    Row(
        "GET",
        "/resp/exclude-unset/baz",
        200,
        &[JSON, ("content-length", "67")],
        r#"{"name":"Baz","description":null,"price":50.2,"tax":10.5,"tags":[]}"#,
    ),
    Row(
        "GET",
        "/resp/exclude-unset-object",
        200,
        &[JSON, ("content-length", "26")],
        r#"{"name":"Obj","price":1.5}"#,
    ),
    Row(
        "GET",
        "/resp/exclude-defaults/baz",
        200,
        &[JSON, ("content-length", "27")],
        r#"{"name":"Baz","price":50.2}"#,
    ),
    Row(
        "GET",
        "/resp/exclude-defaults/bar",
        200,
        &[JSON, ("content-length", "69")],
        r#"{"name":"Bar","description":"The bartenders","price":62.0,"tax":20.2}"#,
    ),
    Row(
        "GET",
        "/resp/exclude-none/baz",
        200,
        &[JSON, ("content-length", "48")],
        r#"{"name":"Baz","price":50.2,"tax":10.5,"tags":[]}"#,
    ),
    Row(
        "GET",
        "/resp/exclude-none/foo",
        200,
        &[JSON, ("content-length", "48")],
        r#"{"name":"Foo","price":50.2,"tax":10.5,"tags":[]}"#,
    ),
    Row(
        "GET",
        "/resp/include/bar",
        200,
        &[JSON, ("content-length", "45")],
        r#"{"name":"Bar","description":"The bartenders"}"#,
    ),
    Row(
        "GET",
        "/resp/exclude/bar",
        200,
        &[JSON, ("content-length", "68")],
        r#"{"name":"Bar","description":"The bartenders","price":62.0,"tags":[]}"#,
    ),
    Row(
        "GET",
        "/resp/include-exclude/bar",
        200,
        &[JSON, ("content-length", "27")],
        r#"{"name":"Bar","price":62.0}"#,
    ),
    Row(
        "GET",
        "/resp/nested-exclude",
        200,
        &[JSON, ("content-length", "183")],
        r#"{"id":7,"owner":{"username":"alice","email":null,"full_name":null},"items":[{"name":"Foo","description":null,"price":50.2},{"name":"Bar","description":"The bartenders","price":62.0}]}"#,
    ),
    Row(
        "GET",
        "/resp/alias",
        200,
        &[JSON, ("content-length", "35")],
        r#"{"itemName":"widget","itemCount":3}"#,
    ),
    Row(
        "GET",
        "/resp/alias-by-name",
        200,
        &[JSON, ("content-length", "37")],
        r#"{"item_name":"widget","item_count":3}"#,
    ),
    Row(
        "POST",
        "/resp/created-model",
        201,
        &[JSON, ("content-length", "48")],
        r#"{"username":"new","email":null,"full_name":null}"#,
    ),
    Row(
        "GET",
        "/resp/validation-error",
        500,
        ERROR,
        "Internal Server Error",
    ),
    Row(
        "GET",
        "/resp/validation-error-type",
        500,
        ERROR,
        "Internal Server Error",
    ),
    Row(
        "GET",
        "/resp/json-class-model",
        200,
        &[JSON, ("content-length", "79")],
        r#"{"name":"Bar","description":"The bartenders","price":62.0,"tax":20.2,"tags":[]}"#,
    ),
];

async fn check(server: &Server, name: &str) {
    let mut failures = Vec::new();
    for Row(method, path, status, want_headers, body) in ROWS {
        let w = send(server.addr, method, path, &[]).await;
        if w.status != *status
            || w.stable_headers() != headers(want_headers)
            || w.body != body.as_bytes()
        {
            failures.push(format!(
                "{name} {method} {path}: want {status} {:?} {body}\n  got {} {:?} {}",
                headers(want_headers),
                w.status,
                w.stable_headers(),
                String::from_utf8_lossy(&w.body)
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} rows differ:\n{}",
        failures.len(),
        ROWS.len(),
        failures.join("\n")
    );
}

#[tokio::test]
async fn axum_rows() {
    check(&serve_axum(parity::app()).await, "axum").await;
}

#[tokio::test]
async fn hyper_rows() {
    check(&serve_hyper(hyper_app()).await, "hyper").await;
}
