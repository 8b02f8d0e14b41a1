//! The response-pipeline rows that towerapi-encode and towerapi-layers own
//! (docs/behaviour/responses.md), over real HTTP on 127.0.0.1, with axum and with bare hyper:
//! exact status, headers and bytes.
#![allow(clippy::unwrap_used, missing_docs)]

mod common;

#[allow(dead_code)]
#[path = "../examples/fastapi_parity.rs"]
mod parity;

/// app.py's response routes on bare hyper.
#[path = "common/app.rs"]
mod app;

use std::time::Duration;

use common::{headers, send, serve_axum, serve_hyper, Server};

/// The example's router (app.py on axum), with the background-task route.
fn axum_app() -> axum::Router {
    parity::app().merge(app::axum_background())
}

struct Row {
    method: &'static str,
    path: &'static str,
    status: u16,
    /// Every header but `date` (and `etag`, `last-modified` for files, checked apart).
    headers: &'static [(&'static str, &'static str)],
    body: &'static [u8],
}

const JSON: (&str, &str) = ("content-type", "application/json");
const TEXT: (&str, &str) = ("content-type", "text/plain; charset=utf-8");
const HTML: (&str, &str) = ("content-type", "text/html; charset=utf-8");
const CHUNKED: (&str, &str) = ("transfer-encoding", "chunked");
const ENCODE: &str = r#"{"datetime_naive":"2024-01-02T03:04:05.123456","datetime_utc":"2024-01-02T03:04:05+00:00","datetime_offset":"2024-01-02T03:04:05+05:30","date":"2024-01-02","time":"03:04:05","timedelta":93603.5,"uuid":"12345678-1234-5678-1234-567812345678","decimal_int":10,"decimal_frac":10.25,"decimal_exp":100,"enum_str":"red","enum_int":3,"set":[7],"frozenset":[5],"bytes":"hello bytes","tuple":[1,"a"],"path":"/tmp/x.txt","nested_model":{"username":"nested","email":null,"full_name":null}}"#;

const fn row(
    method: &'static str,
    path: &'static str,
    status: u16,
    headers: &'static [(&'static str, &'static str)],
    body: &'static [u8],
) -> Row {
    Row {
        method,
        path,
        status,
        headers,
        body,
    }
}

const FILE_BODY: &[u8] = b"hello from the oracle file\n";

const ROWS: &[Row] = &[
    row("GET", "/resp/dict", 200, &[JSON, ("content-length", "76")], br#"{"message":"hello","n":1,"f":1.5,"ok":true,"none":null,"nested":{"a":[1,2]}}"#),
    row("GET", "/resp/list", 200, &[JSON, ("content-length", "33")], br#"[1,"two",3.5,null,true,{"k":"v"}]"#),
    row("GET", "/resp/str", 200, &[JSON, ("content-length", "7")], br#""hello""#),
    row("GET", "/resp/int", 200, &[JSON, ("content-length", "2")], b"42"),
    row("GET", "/resp/none", 200, &[JSON, ("content-length", "4")], b"null"),
    row("GET", "/resp/tuple", 200, &[JSON, ("content-length", "9")], br#"[1,"two"]"#),
    row("GET", "/resp/dataclass", 200, &[JSON, ("content-length", "26")], br#"{"x":1,"y":2,"label":null}"#),
    row("GET", "/resp/unicode", 200, &[JSON, ("content-length", "94")], "{\"text\":\"h\u{e9}llo w\u{f6}rld \u{2713} \u{65e5}\u{672c}\",\"emoji\":\"\u{1f642}\",\"ctrl\":\"tab\\there\\nnl\",\"quote\":\"\\\"q\\\" \\\\ /\"}".as_bytes()),
    row("GET", "/resp/floats", 200, &[JSON, ("content-length", "119")], br#"{"one":1.0,"big":1e+20,"small":1e-07,"tenth":0.1,"third":0.3333333333333333,"neg_zero":-0.0,"int_big":9007199254740993}"#),
    row("GET", "/resp/nan", 500, &[TEXT, ("content-length", "21")], b"Internal Server Error"),
    row("GET", "/resp/encode", 200, &[JSON, ("content-length", "477")], ENCODE.as_bytes()),
    row("POST", "/resp/default-post", 200, &[JSON, ("content-length", "17")], br#"{"created":false}"#),
    row("POST", "/resp/created", 201, &[JSON, ("content-length", "8")], br#"{"id":1}"#),
    row("DELETE", "/resp/no-content", 204, &[JSON], b""),
    row("GET", "/resp/no-content-body", 204, &[JSON], b""),
    row("GET", "/resp/not-modified", 304, &[JSON], b""),
    row("GET", "/resp/dynamic-status", 202, &[JSON, ("content-length", "16"), ("x-oracle-extra", "dynamic")], br#"{"dynamic":true}"#),
    row("GET", "/resp/dynamic-204", 204, &[JSON], b""),
    row("GET", "/resp/html", 200, &[HTML, ("content-length", "14")], b"<h1>Hello</h1>"),
    row("GET", "/resp/html-class", 200, &[HTML, ("content-length", "25")], b"<p>via response_class</p>"),
    row("GET", "/resp/plain", 200, &[TEXT, ("content-length", "14")], "plain text \u{2713}".as_bytes()),
    row("GET", "/resp/plain-class", 200, &[TEXT, ("content-length", "18")], b"via response_class"),
    row("GET", "/resp/json-direct", 202, &[JSON, ("content-length", "24")], br#"{"direct":true,"b":null}"#),
    row("GET", "/resp/json-direct-headers", 200, &[JSON, ("content-length", "15"), ("x-oracle-extra", "yes")], br#"{"direct":true}"#),
    row("GET", "/resp/json-class", 200, &[JSON, ("content-length", "19")], br#"{"explicit":"json"}"#),
    row("GET", "/resp/redirect", 307, &[("content-length", "0"), ("location", "/resp/dict")], b""),
    row("GET", "/resp/redirect-301", 301, &[("content-length", "0"), ("location", "/resp/dict")], b""),
    row("GET", "/resp/redirect-class", 307, &[("content-length", "0"), ("location", "/resp/list")], b""),
    row("GET", "/resp/redirect-class-302", 302, &[("content-length", "0"), ("location", "/resp/list")], b""),
    row("GET", "/resp/redirect-quoting", 307, &[("content-length", "0"), ("location", "https://example.com/a%20b/%C3%A9?q=1%202&r=%C3%A9#frag")], b""),
    row("GET", "/resp/file", 200, &[TEXT, ("content-length", "27"), ("accept-ranges", "bytes")], FILE_BODY),
    row("GET", "/resp/file-download", 200, &[TEXT, ("content-length", "27"), ("accept-ranges", "bytes"), ("content-disposition", "attachment; filename=\"report.txt\"")], FILE_BODY),
    row("GET", "/resp/file-unicode-name", 200, &[TEXT, ("content-length", "27"), ("accept-ranges", "bytes"), ("content-disposition", "attachment; filename*=utf-8''r%C3%A9sum%C3%A9%201.txt")], FILE_BODY),
    row("GET", "/resp/file-media-type", 200, &[("content-type", "application/octet-stream"), ("content-length", "27"), ("accept-ranges", "bytes")], FILE_BODY),
    row("GET", "/resp/stream", 200, &[TEXT, CHUNKED], b"chunk1\nchunk2\n"),
    row("GET", "/resp/stream-no-media-type", 200, &[CHUNKED], b"ab"),
    row("GET", "/resp/head", 200, &[JSON, ("content-length", "13")], br#"{"head":"ok"}"#),
    row("HEAD", "/resp/head", 200, &[JSON, ("content-length", "13")], b""),
];

async fn check_rows(server: &Server, name: &str) {
    let mut failures = Vec::new();
    for r in ROWS {
        let wire = send(server.addr, r.method, r.path, &[]).await;
        let want_headers = headers(r.headers);
        if wire.status != r.status || wire.stable_headers() != want_headers || wire.body != r.body {
            failures.push(format!(
                "{name} {} {}:\n  want {} {:?} {:?}\n  got  {} {:?} {:?}",
                r.method,
                r.path,
                r.status,
                want_headers,
                String::from_utf8_lossy(r.body),
                wire.status,
                wire.stable_headers(),
                String::from_utf8_lossy(&wire.body)
            ));
        }
        assert!(wire.header("date").is_some());
        if r.path.starts_with("/resp/file") {
            assert!(
                wire.header("etag")
                    .is_some_and(|e| e.starts_with('"') && e.ends_with('"')),
                "{name} {}: etag",
                r.path
            );
            assert!(
                wire.header("last-modified")
                    .is_some_and(|v| v.ends_with(" GMT")),
                "{name} {}: last-modified",
                r.path
            );
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

async fn check_file_conditions(server: &Server) {
    let full = send(server.addr, "GET", "/resp/file", &[]).await;
    let etag = full.header("etag").unwrap().to_owned();
    let last_modified = full.header("last-modified").unwrap().to_owned();

    let range = send(server.addr, "GET", "/resp/file", &[("range", "bytes=6-9")]).await;
    assert_eq!(range.status, 206);
    assert_eq!(range.header("content-range"), Some("bytes 6-9/27"));
    assert_eq!(range.header("content-length"), Some("4"));
    assert_eq!(range.body, b"from");

    let not_modified = send(
        server.addr,
        "GET",
        "/resp/file",
        &[("if-none-match", &etag)],
    )
    .await;
    assert_eq!(not_modified.status, 304);
    assert_eq!(not_modified.header("etag"), Some(etag.as_str()));
    assert!(not_modified.body.is_empty());

    let since = send(
        server.addr,
        "GET",
        "/resp/file",
        &[("if-modified-since", &last_modified)],
    )
    .await;
    assert_eq!(since.status, 304);
    assert!(since.body.is_empty());

    let bad_range = send(
        server.addr,
        "GET",
        "/resp/file",
        &[("range", "bytes=100-200")],
    )
    .await;
    assert_eq!(bad_range.status, 416);
    assert_eq!(bad_range.header("content-range"), Some("bytes */27"));
}

async fn check_background(server: &Server, id: &str) {
    let wire = send(server.addr, "GET", &format!("/bg?id={id}"), &[]).await;
    assert_eq!(wire.status, 200);
    assert_eq!(wire.body, br#""queued""#);
    let want = [format!("{id}:async"), format!("{id}:blocking")];
    for _ in 0..500 {
        let log = app::background_log().lock().unwrap().clone();
        let mine: Vec<_> = log
            .iter()
            .filter(|l| l.starts_with(&format!("{id}:")))
            .cloned()
            .collect();
        if mine.len() == 2 {
            assert_eq!(mine, want, "the tasks ran in the order they were added");
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("background tasks of {id} did not run within 5 s");
}

#[tokio::test]
async fn axum_rows() {
    let server = serve_axum(axum_app()).await;
    check_rows(&server, "axum").await;
}

#[tokio::test]
async fn hyper_rows() {
    let server = serve_hyper(app::hyper_app()).await;
    check_rows(&server, "hyper").await;
}

#[tokio::test]
async fn axum_file_conditions() {
    check_file_conditions(&serve_axum(axum_app()).await).await;
}

#[tokio::test]
async fn hyper_file_conditions() {
    check_file_conditions(&serve_hyper(app::hyper_app()).await).await;
}

#[tokio::test]
async fn axum_background_tasks() {
    check_background(&serve_axum(axum_app()).await, "axum").await;
}

#[tokio::test]
async fn hyper_background_tasks() {
    check_background(&serve_hyper(app::hyper_app()).await, "hyper").await;
}

#[tokio::test]
async fn background_tasks_extractor_without_the_layer_is_a_500() {
    use axum::routing::get;
    use towerapi::prelude::*;
    let app = axum::Router::new().route("/", get(|_t: BackgroundTasks| async { "unreachable" }));
    let server = serve_axum(app).await;
    let wire = send(server.addr, "GET", "/", &[]).await;
    assert_eq!(wire.status, 500);
    assert_eq!(
        wire.stable_headers(),
        headers(&[TEXT, ("content-length", "21")])
    );
    assert_eq!(wire.body, b"Internal Server Error");
}

#[tokio::test]
async fn route_layer_and_service_builder_stacks() {
    use axum::routing::{get, post};
    use towerapi::prelude::*;
    // `route_layer` applies to the routes added before it; `Router::layer` to all.
    let app = axum::Router::new()
        .route(
            "/created",
            post(|| async { Reply::new(serde_json::json!({"id": 1})) }),
        )
        .route_layer(StatusLayer::default_status(http::StatusCode::CREATED))
        .route("/plain", get(|| async { Reply::new("via route_layer") }))
        .route_layer(SerializeLayer::new(PlainText))
        .route("/json", get(|| async { Reply::new("json") }))
        .layer(
            tower::ServiceBuilder::new()
                .layer(BackgroundTasksLayer::new())
                .layer(StatusLayer::new())
                .layer(SerializeLayer::json()),
        );
    let server = serve_axum(app).await;
    let w = send(server.addr, "POST", "/created", &[]).await;
    // The plain-text route_layer also wraps /created, whose value is not a string: a 500.
    assert_eq!(
        (w.status, w.body.as_slice()),
        (500, b"Internal Server Error".as_slice())
    );
    let w = send(server.addr, "GET", "/plain", &[]).await;
    assert_eq!(w.status, 200);
    assert_eq!(
        w.stable_headers(),
        headers(&[TEXT, ("content-length", "15")])
    );
    assert_eq!(w.body, b"via route_layer");
    let w = send(server.addr, "GET", "/json", &[]).await;
    assert_eq!(
        w.stable_headers(),
        headers(&[JSON, ("content-length", "6")])
    );
    assert_eq!(w.body, br#""json""#);
}

#[tokio::test]
async fn route_layer_default_status() {
    use axum::routing::post;
    use towerapi::prelude::*;
    let app = axum::Router::new()
        .route(
            "/created",
            post(|| async { Reply::new(serde_json::json!({"id": 1})) }),
        )
        .route_layer(StatusLayer::default_status(http::StatusCode::CREATED))
        .route(
            "/other",
            post(|| async { Reply::new(serde_json::json!({"id": 2})) }),
        )
        .layer(SerializeLayer::json());
    let server = serve_axum(app).await;
    let w = send(server.addr, "POST", "/created", &[]).await;
    assert_eq!(
        (w.status, w.stable_headers()),
        (201, headers(&[JSON, ("content-length", "8")]))
    );
    assert_eq!(w.body, br#"{"id":1}"#);
    let w = send(server.addr, "POST", "/other", &[]).await;
    assert_eq!(
        (w.status, w.body.as_slice()),
        (200, br#"{"id":2}"#.as_slice())
    );
}

// ---- values no SerializeLayer renders (a Reply or a File): a logged 500, never an empty 200 --

/// Captures the events of the servers below (thread-local subscriber: the tests run on a
/// current-thread runtime, so the server's tasks share the thread).
#[derive(Clone, Default)]
struct Logs(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Logs {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Logs {
    fn capture() -> (Self, tracing::subscriber::DefaultGuard) {
        let logs = Logs::default();
        let writer = logs.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .finish();
        (logs, tracing::subscriber::set_default(subscriber))
    }
    fn text(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    }
}

const UNRENDERED: &str = "a response was sent unrendered, as 500 Internal Server Error: no \
     SerializeLayer is on this route to turn the returned value into a body";

/// What both servers below must answer, path by path.
async fn check_unrendered(server: &Server, logs: &Logs, name: &str) {
    // A Reply and a File with no SerializeLayer on the route: FastAPI's fault answer, and an
    // error event naming what was not rendered.
    let w = send(server.addr, "GET", "/reply", &[]).await;
    assert_eq!(
        (w.status, w.stable_headers(), w.body.as_slice()),
        (
            500,
            headers(&[TEXT, ("content-length", "21"), ("x-extra", "kept")]),
            b"Internal Server Error".as_slice()
        ),
        "{name} /reply"
    );
    let w = send(server.addr, "GET", "/file", &[]).await;
    assert_eq!(
        (w.status, w.stable_headers(), w.body.as_slice()),
        (
            500,
            headers(&[TEXT, ("content-length", "21")]),
            b"Internal Server Error".as_slice()
        ),
        "{name} /file"
    );
    let text = logs.text();
    assert_eq!(text.matches(UNRENDERED).count(), 2, "{name}: {text}");
    assert!(
        text.contains(r#"value="serde_json::value::Value""#),
        "{name}: {text}"
    );
    assert!(
        text.contains(r#"value="towerapi_encode::class::File""#),
        "{name}: {text}"
    );
    // With the layer: a status set on the built response counts, as axum's
    // `(StatusCode::CREATED, Reply)` sets it, over the route's default 202.
    let w = send(server.addr, "POST", "/created", &[]).await;
    assert_eq!(
        (w.status, w.stable_headers(), w.body.as_slice()),
        (
            201,
            headers(&[JSON, ("content-length", "8")]),
            br#"{"id":1}"#.as_slice()
        ),
        "{name} /created"
    );
    // An on_reject hook returning a Reply, rendered outside: the rejection's status and
    // challenge, the hook's body.
    let w = send(server.addr, "GET", "/guarded", &[]).await;
    assert_eq!(
        (w.status, w.stable_headers(), w.body.as_slice()),
        (
            401,
            headers(&[
                JSON,
                ("content-length", "31"),
                ("www-authenticate", "Bearer")
            ]),
            br#"{"problem":"Not authenticated"}"#.as_slice()
        ),
        "{name} /guarded"
    );
    // Nothing else logged the placeholder.
    assert_eq!(logs.text().matches(UNRENDERED).count(), 2, "{name}");
}

fn problem(err: &towerapi::auth::AuthError) -> http::Response<towerapi::Body> {
    towerapi::encode::Reply::new(serde_json::json!({"problem": err.detail()})).into_http_response()
}

fn extra_reply() -> towerapi::encode::Reply<serde_json::Value> {
    towerapi::encode::Reply::new(serde_json::json!({"never": "sent"})).header("x-extra", "kept")
}

#[tokio::test(flavor = "current_thread")]
async fn axum_unrendered_values_are_a_logged_500() {
    use axum::routing::{get, post};
    use towerapi::auth::{AuthLayer, HttpBearer};
    use towerapi::encode::class::File;
    use towerapi::prelude::*;
    let (logs, _guard) = Logs::capture();
    let app = axum::Router::new()
        .route("/reply", get(|| async { extra_reply() }))
        .route("/file", get(|| async { File::new(app::static_file()) }))
        .route(
            "/created",
            post(|| async {
                (
                    http::StatusCode::CREATED,
                    Reply::new(serde_json::json!({"id": 1})),
                )
            })
            .layer(
                tower::ServiceBuilder::new()
                    .layer(SerializeLayer::json())
                    .layer(StatusLayer::default_status(http::StatusCode::ACCEPTED)),
            ),
        )
        .route(
            "/guarded",
            get(|| async { "unreachable" }).layer(
                tower::ServiceBuilder::new()
                    .layer(SerializeLayer::json())
                    .layer(AuthLayer::new(HttpBearer::new()).on_reject(problem)),
            ),
        );
    let server = serve_axum(app).await;
    check_unrendered(&server, &logs, "axum").await;
}

#[tokio::test(flavor = "current_thread")]
async fn hyper_unrendered_values_are_a_logged_500() {
    use common::hyper_routes::{route, Req};
    use towerapi::auth::{AuthLayer, HttpBearer};
    use towerapi::encode::class::File;
    use towerapi::prelude::*;
    let (logs, _guard) = Logs::capture();
    let reply = route(tower::layer::util::Identity::new(), |_| {
        extra_reply().into_http_response()
    });
    let file = route(tower::layer::util::Identity::new(), |_| {
        File::new(app::static_file()).into_http_response()
    });
    let created = route(
        tower::ServiceBuilder::new()
            .layer(SerializeLayer::json())
            .layer(StatusLayer::default_status(http::StatusCode::ACCEPTED)),
        |_| {
            let mut res = Reply::new(serde_json::json!({"id": 1})).into_http_response();
            *res.status_mut() = http::StatusCode::CREATED;
            res
        },
    );
    let guarded = route(
        tower::ServiceBuilder::new()
            .layer(SerializeLayer::json())
            .layer(AuthLayer::new(HttpBearer::new()).on_reject(problem)),
        |_| http::Response::new(towerapi::Body::from("unreachable")),
    );
    let svc = tower::service_fn(move |req: Req| {
        let route = match req.uri().path() {
            "/reply" => reply.clone(),
            "/file" => file.clone(),
            "/created" => created.clone(),
            _ => guarded.clone(),
        };
        tower::ServiceExt::oneshot(route, req)
    });
    let server = serve_hyper(svc).await;
    check_unrendered(&server, &logs, "hyper").await;
}
