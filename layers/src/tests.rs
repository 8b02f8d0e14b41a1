//! Each layer alone, with `oneshot` and a `service_fn`.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use http::{header, HeaderMap, Method, Request, Response, StatusCode};
use http_body_util::BodyExt;
use tower::{service_fn, Layer, ServiceBuilder, ServiceExt};
use towerapi_encode::class::{File, Html, Json, PlainText, Redirect};
use towerapi_encode::{Body, Reply};

use crate::{BackgroundTasks, BackgroundTasksLayer, SerializeLayer, StatusLayer};

#[derive(serde::Serialize)]
struct Point {
    x: i32,
    y: i32,
    label: Option<String>,
}

fn handler<F>(
    make: F,
) -> impl tower::Service<
    Request<()>,
    Response = Response<Body>,
    Error = Infallible,
    Future = impl Send,
> + Clone
where
    F: Fn() -> Response<Body> + Clone + Send + 'static,
{
    service_fn(move |_req: Request<()>| {
        let make = make.clone();
        async move { Ok::<_, Infallible>(make()) }
    })
}

fn get() -> Request<()> {
    Request::new(())
}

fn with_method(method: Method) -> Request<()> {
    Request::builder().method(method).body(()).unwrap()
}

async fn parts<B>(res: Response<B>) -> (StatusCode, HeaderMap, Bytes)
where
    B: http_body::Body,
    B::Error: std::fmt::Debug,
{
    let (parts, body) = res.into_parts();
    (
        parts.status,
        parts.headers,
        body.collect().await.unwrap().to_bytes(),
    )
}

fn header_list(h: &HeaderMap) -> Vec<(String, String)> {
    let mut v: Vec<_> = h
        .iter()
        .map(|(k, v)| {
            (
                k.to_string(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    v.sort();
    v
}

fn hv(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut v: Vec<_> = pairs
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    v.sort();
    v
}

/// Captures the events the code under test emits (thread-local subscriber, so use a
/// current-thread runtime).
#[derive(Clone, Default)]
struct Logs(Arc<Mutex<Vec<u8>>>);

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
            .with_max_level(tracing::Level::TRACE)
            .finish();
        (logs, tracing::subscriber::set_default(subscriber))
    }
    fn text(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    }
}

// ---- SerializeLayer -------------------------------------------------------------------------

#[tokio::test]
async fn serialize_writes_json_with_type_and_length() {
    let svc = SerializeLayer::json().layer(handler(|| {
        Reply::new(Point {
            x: 1,
            y: 2,
            label: None,
        })
        .into_http_response()
    }));
    let (status, headers, body) = parts(svc.oneshot(get()).await.unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        header_list(&headers),
        hv(&[
            ("content-type", "application/json"),
            ("content-length", "26")
        ])
    );
    assert_eq!(body, r#"{"x":1,"y":2,"label":null}"#);
}

#[tokio::test]
async fn serialize_passes_a_built_response_untouched() {
    let svc = SerializeLayer::json().layer(handler(|| {
        let mut res = Response::new(Body::full("raw"));
        res.headers_mut().insert("x-own", "1".parse().unwrap());
        *res.status_mut() = StatusCode::IM_A_TEAPOT;
        res
    }));
    let (status, headers, body) = parts(svc.oneshot(get()).await.unwrap()).await;
    assert_eq!(status, StatusCode::IM_A_TEAPOT);
    assert_eq!(header_list(&headers), hv(&[("x-own", "1")]));
    assert_eq!(body, "raw");
}

#[tokio::test]
async fn the_route_class_wins_over_the_router_default() {
    let svc = ServiceBuilder::new()
        .layer(SerializeLayer::json()) // the router's
        .layer(SerializeLayer::new(Html)) // the route's
        .service(handler(|| {
            Reply::new("<p>via response_class</p>").into_http_response()
        }));
    let (_, headers, body) = parts(svc.oneshot(get()).await.unwrap()).await;
    assert_eq!(
        header_list(&headers),
        hv(&[
            ("content-type", "text/html; charset=utf-8"),
            ("content-length", "25")
        ])
    );
    assert_eq!(body, "<p>via response_class</p>");

    let svc = SerializeLayer::new(PlainText).layer(handler(|| {
        Reply::new(String::from("via response_class")).into_http_response()
    }));
    let (_, headers, body) = parts(svc.oneshot(get()).await.unwrap()).await;
    assert_eq!(
        header_list(&headers),
        hv(&[
            ("content-type", "text/plain; charset=utf-8"),
            ("content-length", "18")
        ])
    );
    assert_eq!(body, "via response_class");
}

#[tokio::test(flavor = "current_thread")]
async fn unserializable_value_is_a_logged_500() {
    let (logs, _guard) = Logs::capture();
    // serde_json cannot write a map whose keys are sequences.
    let svc = SerializeLayer::json().layer(handler(|| {
        let mut map = BTreeMap::new();
        map.insert(vec![1, 2], "secret-detail");
        Reply::new(map).into_http_response()
    }));
    let (status, headers, body) = parts(svc.oneshot(get()).await.unwrap()).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(
        header_list(&headers),
        hv(&[
            ("content-type", "text/plain; charset=utf-8"),
            ("content-length", "21")
        ])
    );
    assert_eq!(body, "Internal Server Error");
    let logs = logs.text();
    assert!(logs.contains("ERROR towerapi::serialize"), "{logs}");
    assert!(logs.contains("key must be a string"), "{logs}");
    assert!(
        logs.contains("BTreeMap<alloc::vec::Vec<i32>, &str>"),
        "{logs}"
    );
}

#[tokio::test(flavor = "current_thread")]
async fn nan_is_a_500_as_in_fastapi_path_a() {
    let (logs, _guard) = Logs::capture();
    let svc = SerializeLayer::json().layer(handler(|| {
        Reply::new(serde_json::json!({"x": f64::NAN})).into_http_response()
    }));
    // serde_json::Value turns NaN into null on construction; use a struct to keep the float.
    let (_, _, body) = parts(svc.oneshot(get()).await.unwrap()).await;
    assert_eq!(body, r#"{"x":null}"#);

    #[derive(serde::Serialize)]
    struct X {
        x: f64,
    }
    let svc = SerializeLayer::json().layer(handler(|| {
        Reply::new(X { x: f64::NAN }).into_http_response()
    }));
    let (status, _, body) = parts(svc.oneshot(get()).await.unwrap()).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(body, "Internal Server Error");
    assert!(
        logs.text().contains("not JSON compliant"),
        "{}",
        logs.text()
    );
}

#[tokio::test(flavor = "current_thread")]
async fn text_class_needs_a_string() {
    let (logs, _guard) = Logs::capture();
    let svc = SerializeLayer::new(Html).layer(handler(|| {
        Reply::new(Point {
            x: 1,
            y: 2,
            label: None,
        })
        .into_http_response()
    }));
    let (status, _, body) = parts(svc.oneshot(get()).await.unwrap()).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(body, "Internal Server Error");
    assert!(
        logs.text()
            .contains("Html needs a value that serializes as a string"),
        "{}",
        logs.text()
    );
}

#[tokio::test]
async fn explicit_status_and_headers_from_the_reply() {
    let svc = SerializeLayer::json().layer(handler(|| {
        Reply::new(serde_json::json!({"dynamic": true}))
            .status(StatusCode::ACCEPTED)
            .header("x-oracle-extra", "dynamic")
            .into_http_response()
    }));
    let (status, headers, body) = parts(svc.oneshot(get()).await.unwrap()).await;
    assert_eq!(status, StatusCode::ACCEPTED);
    assert_eq!(
        header_list(&headers),
        hv(&[
            ("content-type", "application/json"),
            ("content-length", "16"),
            ("x-oracle-extra", "dynamic")
        ])
    );
    assert_eq!(body, r#"{"dynamic":true}"#);
}

#[tokio::test(flavor = "current_thread")]
async fn invalid_reply_header_is_a_logged_500() {
    let (logs, _guard) = Logs::capture();
    let svc = SerializeLayer::json().layer(handler(|| {
        Reply::new(1).header("bad header", "x").into_http_response()
    }));
    let (status, _, body) = parts(svc.oneshot(get()).await.unwrap()).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(body, "Internal Server Error");
    assert!(
        logs.text().contains("invalid header name"),
        "{}",
        logs.text()
    );
}

#[tokio::test]
async fn redirect_class_and_route_status() {
    let svc = SerializeLayer::new(Redirect)
        .layer(handler(|| Reply::new("/resp/list").into_http_response()));
    let (status, headers, body) = parts(svc.oneshot(get()).await.unwrap()).await;
    assert_eq!(status, StatusCode::TEMPORARY_REDIRECT);
    assert_eq!(
        header_list(&headers),
        hv(&[("location", "/resp/list"), ("content-length", "0")])
    );
    assert!(body.is_empty());

    // StatusLayer outside or inside the serializer: the route's 302 beats the class's 307.
    let outside = ServiceBuilder::new()
        .layer(StatusLayer::default_status(StatusCode::FOUND))
        .layer(SerializeLayer::new(Redirect))
        .service(handler(|| Reply::new("/resp/list").into_http_response()));
    let inside = ServiceBuilder::new()
        .layer(SerializeLayer::new(Redirect))
        .layer(StatusLayer::default_status(StatusCode::FOUND))
        .service(handler(|| Reply::new("/resp/list").into_http_response()));
    for res in [
        outside.oneshot(get()).await.unwrap().map(Body::new),
        inside.oneshot(get()).await.unwrap().map(Body::new),
    ] {
        let (status, headers, _) = parts(res).await;
        assert_eq!(status, StatusCode::FOUND);
        assert_eq!(
            header_list(&headers),
            hv(&[("location", "/resp/list"), ("content-length", "0")])
        );
    }
}

#[tokio::test]
async fn head_drops_the_body_and_keeps_its_length() {
    let svc = SerializeLayer::json().layer(handler(|| {
        Reply::new(serde_json::json!({"head": "ok"})).into_http_response()
    }));
    let (status, headers, body) =
        parts(svc.oneshot(with_method(Method::HEAD)).await.unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        header_list(&headers),
        hv(&[
            ("content-type", "application/json"),
            ("content-length", "13")
        ])
    );
    assert!(body.is_empty());
}

#[tokio::test]
async fn file_returned_by_the_handler_is_served_with_the_request_headers() {
    let dir = std::env::temp_dir().join(format!("towerapi-layers-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("hello.txt");
    std::fs::write(&path, "hello from the oracle file\n").unwrap();
    let p = path.clone();
    let svc = SerializeLayer::json().layer(handler(move || {
        File::new(&p).filename("report.txt").into_http_response()
    }));

    let (status, headers, body) = parts(svc.clone().oneshot(get()).await.unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["content-type"], "text/plain; charset=utf-8");
    assert_eq!(headers["content-length"], "27");
    assert_eq!(
        headers["content-disposition"],
        "attachment; filename=\"report.txt\""
    );
    assert_eq!(headers["accept-ranges"], "bytes");
    assert!(headers.contains_key("last-modified"));
    let etag = headers["etag"].clone();
    assert_eq!(body, "hello from the oracle file\n");

    let req = Request::builder()
        .header(header::RANGE, "bytes=0-4")
        .body(())
        .unwrap();
    let (status, headers, body) = parts(svc.clone().oneshot(req).await.unwrap()).await;
    assert_eq!(status, StatusCode::PARTIAL_CONTENT);
    assert_eq!(headers["content-range"], "bytes 0-4/27");
    assert_eq!(headers["content-length"], "5");
    assert_eq!(body, "hello");

    let req = Request::builder()
        .header(header::IF_NONE_MATCH, etag.clone())
        .body(())
        .unwrap();
    let (status, headers, body) = parts(svc.clone().oneshot(req).await.unwrap()).await;
    assert_eq!(status, StatusCode::NOT_MODIFIED);
    assert_eq!(
        header_list(&headers),
        vec![("etag".to_owned(), etag.to_str().unwrap().to_owned())]
    );
    assert!(body.is_empty());

    let last_modified = {
        let (_, h, _) = parts(svc.clone().oneshot(get()).await.unwrap()).await;
        h["last-modified"].clone()
    };
    let req = Request::builder()
        .header(header::IF_MODIFIED_SINCE, last_modified)
        .body(())
        .unwrap();
    let (status, _, body) = parts(svc.clone().oneshot(req).await.unwrap()).await;
    assert_eq!(status, StatusCode::NOT_MODIFIED);
    assert!(body.is_empty());

    let (status, headers, body) = parts(
        svc.clone()
            .oneshot(with_method(Method::HEAD))
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["content-length"], "27");
    assert!(body.is_empty());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test(flavor = "current_thread")]
async fn missing_file_is_a_logged_500() {
    let (logs, _guard) = Logs::capture();
    let svc = SerializeLayer::json().layer(handler(|| {
        File::new("/nonexistent/towerapi/x.txt").into_http_response()
    }));
    let (status, headers, body) = parts(svc.oneshot(get()).await.unwrap()).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(
        header_list(&headers),
        hv(&[
            ("content-type", "text/plain; charset=utf-8"),
            ("content-length", "21")
        ])
    );
    assert_eq!(body, "Internal Server Error");
    assert!(
        logs.text().contains("File could not be served"),
        "{}",
        logs.text()
    );
}

// ---- StatusLayer ----------------------------------------------------------------------------

#[tokio::test]
async fn default_status_in_either_order_and_explicit_wins() {
    for explicit in [None, Some(StatusCode::ACCEPTED)] {
        let make = move || {
            let r = Reply::new(serde_json::json!({"id": 1}));
            match explicit {
                Some(s) => r.status(s).into_http_response(),
                None => r.into_http_response(),
            }
        };
        let want = explicit.unwrap_or(StatusCode::CREATED);
        let a = ServiceBuilder::new()
            .layer(StatusLayer::default_status(StatusCode::CREATED))
            .layer(SerializeLayer::json())
            .service(handler(make));
        let b = ServiceBuilder::new()
            .layer(SerializeLayer::json())
            .layer(StatusLayer::default_status(StatusCode::CREATED))
            .service(handler(make));
        let (sa, ha, ba) = parts(a.oneshot(get()).await.unwrap()).await;
        let (sb, hb, bb) = parts(b.oneshot(get()).await.unwrap()).await;
        for (s, h, body) in [(sa, ha, ba), (sb, hb, bb)] {
            assert_eq!(s, want);
            assert_eq!(
                header_list(&h),
                hv(&[
                    ("content-type", "application/json"),
                    ("content-length", "8")
                ])
            );
            assert_eq!(body, r#"{"id":1}"#);
        }
    }
}

#[tokio::test]
async fn the_route_status_wins_over_the_router_status() {
    // Router: Status(200-ish default 202) outside; route: Status(201) inside, with the serializer
    // between them or outside both.
    let a = ServiceBuilder::new()
        .layer(StatusLayer::default_status(StatusCode::ACCEPTED))
        .layer(SerializeLayer::json())
        .layer(StatusLayer::default_status(StatusCode::CREATED))
        .service(handler(|| Reply::new(1).into_http_response()));
    let b = ServiceBuilder::new()
        .layer(SerializeLayer::json())
        .layer(StatusLayer::default_status(StatusCode::ACCEPTED))
        .layer(StatusLayer::default_status(StatusCode::CREATED))
        .service(handler(|| Reply::new(1).into_http_response()));
    let c = ServiceBuilder::new()
        .layer(StatusLayer::default_status(StatusCode::ACCEPTED))
        .layer(StatusLayer::default_status(StatusCode::CREATED))
        .layer(SerializeLayer::json())
        .service(handler(|| Reply::new(1).into_http_response()));
    assert_eq!(
        a.oneshot(get()).await.unwrap().status(),
        StatusCode::CREATED
    );
    assert_eq!(
        b.oneshot(get()).await.unwrap().status(),
        StatusCode::CREATED
    );
    assert_eq!(
        c.oneshot(get()).await.unwrap().status(),
        StatusCode::CREATED
    );
}

#[tokio::test]
async fn bodiless_statuses_keep_the_content_type_and_lose_the_length() {
    for status in [
        StatusCode::NO_CONTENT,
        StatusCode::NOT_MODIFIED,
        StatusCode::from_u16(103).unwrap(),
    ] {
        // As the route's default...
        let svc = ServiceBuilder::new()
            .layer(StatusLayer::default_status(status))
            .layer(SerializeLayer::json())
            .service(handler(|| {
                Reply::new(serde_json::json!({"ignored": true})).into_http_response()
            }));
        let (s, headers, body) = parts(svc.oneshot(get()).await.unwrap()).await;
        assert_eq!(s, status);
        assert_eq!(
            header_list(&headers),
            hv(&[("content-type", "application/json")])
        );
        assert!(body.is_empty());
        // ...and set on the reply (FastAPI's `response.status_code = 204`).
        let svc = ServiceBuilder::new()
            .layer(StatusLayer::new())
            .layer(SerializeLayer::json())
            .service(handler(move || {
                Reply::new(serde_json::json!({"ignored": true}))
                    .status(status)
                    .into_http_response()
            }));
        let (s, headers, body) = parts(svc.oneshot(get()).await.unwrap()).await;
        assert_eq!(s, status);
        assert_eq!(
            header_list(&headers),
            hv(&[("content-type", "application/json")])
        );
        assert!(body.is_empty());
    }
}

#[tokio::test]
async fn delete_returning_nothing_with_204() {
    let svc = ServiceBuilder::new()
        .layer(SerializeLayer::json())
        .layer(StatusLayer::default_status(StatusCode::NO_CONTENT))
        .service(handler(|| Reply::new(()).into_http_response()));
    let (s, headers, body) = parts(svc.oneshot(with_method(Method::DELETE)).await.unwrap()).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    assert_eq!(
        header_list(&headers),
        hv(&[("content-type", "application/json")])
    );
    assert!(body.is_empty());
}

#[tokio::test]
async fn status_layer_passes_built_responses_and_failures_untouched() {
    let svc = ServiceBuilder::new()
        .layer(StatusLayer::default_status(StatusCode::NO_CONTENT))
        .service(handler(|| {
            Json::response(&serde_json::json!({"direct": true, "b": null}))
        }));
    let (s, headers, body) = parts(svc.oneshot(get()).await.unwrap()).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        header_list(&headers),
        hv(&[
            ("content-type", "application/json"),
            ("content-length", "24")
        ])
    );
    assert_eq!(body, r#"{"b":null,"direct":true}"#);

    let svc = ServiceBuilder::new()
        .layer(StatusLayer::default_status(StatusCode::CREATED))
        .layer(SerializeLayer::json())
        .service(handler(|| {
            let mut m = BTreeMap::new();
            m.insert((1, 2), 3);
            Reply::new(m).into_http_response()
        }));
    let (s, _, body) = parts(svc.oneshot(get()).await.unwrap()).await;
    assert_eq!(
        s,
        StatusCode::INTERNAL_SERVER_ERROR,
        "a failed serialization is never turned into a 201"
    );
    assert_eq!(body, "Internal Server Error");
}

#[tokio::test]
async fn status_layer_head() {
    let svc = ServiceBuilder::new()
        .layer(StatusLayer::default_status(StatusCode::CREATED))
        .layer(SerializeLayer::json())
        .service(handler(|| Reply::new("hello").into_http_response()));
    let (s, headers, body) = parts(svc.oneshot(with_method(Method::HEAD)).await.unwrap()).await;
    assert_eq!(s, StatusCode::CREATED);
    assert_eq!(
        header_list(&headers),
        hv(&[
            ("content-type", "application/json"),
            ("content-length", "7")
        ])
    );
    assert!(body.is_empty());
}

// ---- BackgroundTasksLayer -------------------------------------------------------------------

#[tokio::test(flavor = "current_thread")]
async fn tasks_run_in_order_after_the_body_and_survive_a_panic() {
    let (logs, _guard) = Logs::capture();
    let seen = Arc::new(Mutex::new(Vec::<&'static str>::new()));
    let (done_tx, done_rx) = tokio::sync::oneshot::channel::<()>();
    let done_tx = Arc::new(Mutex::new(Some(done_tx)));
    let s = seen.clone();
    let svc = BackgroundTasksLayer::new().layer(service_fn(move |req: Request<()>| {
        let seen = s.clone();
        let done_tx = done_tx.clone();
        async move {
            let tasks = req.extensions().get::<BackgroundTasks>().unwrap().clone();
            let a = seen.clone();
            tasks.add(async move { a.lock().unwrap().push("first") });
            tasks.add(async { panic!("task failed on purpose") });
            let b = seen.clone();
            tasks.add_blocking(move || b.lock().unwrap().push("blocking"));
            let c = seen.clone();
            tasks.add(async move {
                c.lock().unwrap().push("last");
                let _ = done_tx.lock().unwrap().take().unwrap().send(());
            });
            seen.lock().unwrap().push("handler");
            Ok::<_, Infallible>(Response::new(Body::full("body")))
        }
    }));
    let res = svc.oneshot(get()).await.unwrap();
    tokio::task::yield_now().await;
    assert_eq!(
        *seen.lock().unwrap(),
        ["handler"],
        "no task runs before the body is sent"
    );
    let body = res.into_body().collect().await.unwrap().to_bytes();
    assert_eq!(body, "body");
    done_rx.await.unwrap();
    assert_eq!(
        *seen.lock().unwrap(),
        ["handler", "first", "blocking", "last"]
    );
    let logs = logs.text();
    assert!(logs.contains("ERROR towerapi::background"), "{logs}");
    assert!(logs.contains("panicked=true"), "{logs}");
}

#[tokio::test]
async fn tasks_run_when_the_body_is_dropped_unsent() {
    let (tx, rx) = tokio::sync::oneshot::channel::<&'static str>();
    let tx = Arc::new(Mutex::new(Some(tx)));
    let svc = BackgroundTasksLayer::new().layer(service_fn(move |req: Request<()>| {
        let tx = tx.lock().unwrap().take().unwrap();
        async move {
            req.extensions()
                .get::<BackgroundTasks>()
                .unwrap()
                .add(async move {
                    let _ = tx.send("ran");
                });
            Ok::<_, Infallible>(Response::new(Body::full("never read")))
        }
    }));
    let res = svc.oneshot(get()).await.unwrap();
    drop(res);
    assert_eq!(rx.await.unwrap(), "ran");
}

#[tokio::test]
async fn no_tasks_no_work() {
    let svc = BackgroundTasksLayer::new().layer(service_fn(|req: Request<()>| async move {
        assert!(req
            .extensions()
            .get::<BackgroundTasks>()
            .unwrap()
            .is_empty());
        Ok::<_, Infallible>(Response::new(Body::full("x")))
    }));
    let (s, _, body) = parts(svc.oneshot(get()).await.unwrap()).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(body, "x");
}

// ---- a value no SerializeLayer renders ------------------------------------------------------

const PLACEHOLDER_LOG: &str = "a response was sent unrendered, as 500 Internal Server Error: no \
     SerializeLayer is on this route";

#[tokio::test(flavor = "current_thread")]
async fn a_reply_without_serialize_layer_is_a_logged_500_not_an_empty_200() {
    let (logs, _guard) = Logs::capture();
    // The layers that look at payloads but do not render them leave it a 500.
    let svc = ServiceBuilder::new()
        .layer(StatusLayer::default_status(StatusCode::CREATED))
        .service(handler(|| {
            Reply::new(Point {
                x: 1,
                y: 2,
                label: None,
            })
            .status(StatusCode::ACCEPTED)
            .header("x-extra", "kept")
            .into_http_response()
        }));
    let res = svc.oneshot(get()).await.unwrap();
    // Building the response logs nothing; sending its body does.
    assert_eq!(logs.text(), "");
    // The length is the body's exact size hint, which axum and hyper write as
    // `content-length: 21` (tests/pipeline.rs checks the wire).
    assert_eq!(http_body::Body::size_hint(res.body()).exact(), Some(21));
    let (status, headers, body) = parts(res).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(
        header_list(&headers),
        hv(&[
            ("content-type", "text/plain; charset=utf-8"),
            ("x-extra", "kept"),
        ])
    );
    assert_eq!(body, "Internal Server Error");
    let text = logs.text();
    assert_eq!(
        text.matches("ERROR towerapi::serialize").count(),
        1,
        "{text}"
    );
    assert!(text.contains(PLACEHOLDER_LOG), "{text}");
    assert!(
        text.contains("value=\"towerapi_layers::tests::Point\""),
        "{text}"
    );
}

/// A handler's own `content-length` would not fit the placeholder's body: it becomes 21.
#[tokio::test(flavor = "current_thread")]
async fn an_unrendered_reply_replaces_a_content_length_of_the_handler() {
    let res = Reply::new(1)
        .header("content-length", "5")
        .header("content-type", "application/x-custom")
        .into_http_response();
    let (status, headers, body) = parts(res).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(
        header_list(&headers),
        hv(&[
            ("content-length", "21"),
            ("content-type", "application/x-custom"),
        ])
    );
    assert_eq!(body, "Internal Server Error");
}

#[tokio::test(flavor = "current_thread")]
async fn a_file_without_serialize_layer_is_a_logged_500() {
    let (logs, _guard) = Logs::capture();
    let path = std::env::temp_dir().join("towerapi-unrendered-file.txt");
    std::fs::write(&path, "never sent").unwrap();
    let svc = handler(move || File::new(&path).into_http_response());
    let (status, headers, body) = parts(svc.oneshot(get()).await.unwrap()).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(
        header_list(&headers),
        hv(&[
            ("content-length", "21"),
            ("content-type", "text/plain; charset=utf-8"),
        ])
    );
    assert_eq!(body, "Internal Server Error");
    let text = logs.text();
    assert!(text.contains(PLACEHOLDER_LOG), "{text}");
    assert!(
        text.contains("value=\"towerapi_encode::class::File\""),
        "{text}"
    );
}

#[tokio::test(flavor = "current_thread")]
async fn a_rendered_reply_logs_nothing_and_keeps_no_placeholder_header() {
    let (logs, _guard) = Logs::capture();
    // A redirect sends no content-type: the placeholder's must not survive.
    let svc = SerializeLayer::new(Redirect)
        .layer(handler(|| Reply::new("/elsewhere").into_http_response()));
    let (status, headers, body) = parts(svc.oneshot(get()).await.unwrap()).await;
    assert_eq!(status, StatusCode::TEMPORARY_REDIRECT);
    assert_eq!(
        header_list(&headers),
        hv(&[("content-length", "0"), ("location", "/elsewhere")])
    );
    assert_eq!(body, "");
    // A content-type the handler chose is still replaced by the class's, as before.
    let svc = SerializeLayer::json().layer(handler(|| {
        Reply::new(1)
            .header("content-type", "text/plain; charset=utf-8")
            .into_http_response()
    }));
    let (status, headers, body) = parts(svc.oneshot(get()).await.unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        header_list(&headers),
        hv(&[
            ("content-length", "1"),
            ("content-type", "application/json")
        ])
    );
    assert_eq!(body, "1");
    assert_eq!(logs.text(), "");
}

#[tokio::test]
async fn a_status_set_on_the_reply_response_is_explicit() {
    // axum's `(StatusCode::CREATED, Reply)` sets the status on the built response.
    fn set_after(status: StatusCode) -> Response<Body> {
        let mut res = Reply::new(serde_json::json!({"id": 1})).into_http_response();
        *res.status_mut() = status;
        res
    }
    // It beats the route's default, as `Reply::status` does...
    let svc = ServiceBuilder::new()
        .layer(SerializeLayer::json())
        .layer(StatusLayer::default_status(StatusCode::ACCEPTED))
        .service(handler(|| set_after(StatusCode::CREATED)));
    let (status, headers, body) = parts(svc.oneshot(get()).await.unwrap()).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(
        header_list(&headers),
        hv(&[
            ("content-length", "8"),
            ("content-type", "application/json")
        ])
    );
    assert_eq!(body, r#"{"id":1}"#);
    // ...and an outer status layer keeps it; the body rules follow it.
    let svc = ServiceBuilder::new()
        .layer(StatusLayer::default_status(StatusCode::ACCEPTED))
        .layer(SerializeLayer::json())
        .service(handler(|| set_after(StatusCode::NO_CONTENT)));
    let (status, headers, body) = parts(svc.oneshot(get()).await.unwrap()).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(
        header_list(&headers),
        hv(&[("content-type", "application/json")])
    );
    assert_eq!(body, "");
    // `Reply::status` still wins over one set afterwards.
    let svc = SerializeLayer::json().layer(handler(|| {
        let mut res = Reply::new(1)
            .status(StatusCode::ACCEPTED)
            .into_http_response();
        *res.status_mut() = StatusCode::CREATED;
        res
    }));
    assert_eq!(
        svc.oneshot(get()).await.unwrap().status(),
        StatusCode::ACCEPTED
    );
}

#[tokio::test]
async fn tasks_inside_a_serialize_layer_wait_for_the_rendered_body() {
    let (tx, mut rx) = tokio::sync::oneshot::channel::<&'static str>();
    let tx = Arc::new(Mutex::new(Some(tx)));
    let svc = SerializeLayer::json().layer(BackgroundTasksLayer::new().layer(service_fn(
        move |req: Request<()>| {
            let tx = tx.lock().unwrap().take().unwrap();
            async move {
                req.extensions()
                    .get::<BackgroundTasks>()
                    .unwrap()
                    .add(async move {
                        let _ = tx.send("ran");
                    });
                Ok::<_, Infallible>(Reply::new("rendered").into_http_response())
            }
        },
    )));
    let res = svc.oneshot(get()).await.unwrap();
    for _ in 0..10 {
        tokio::task::yield_now().await;
    }
    // The placeholder the reply was is gone, the rendered body not yet sent: nothing ran.
    assert!(rx.try_recv().is_err());
    let (status, _, body) = parts(res).await;
    assert_eq!(
        (status, body.as_ref()),
        (StatusCode::OK, br#""rendered""#.as_slice())
    );
    assert_eq!(rx.await.unwrap(), "ran");
}
