//! The response routes of ../shared/fastapi/app.py, once on axum and once on bare hyper.

use std::collections::{BTreeSet, HashMap};
use std::convert::Infallible;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};

use axum::routing::{delete, get, post};
use chrono::{
    DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, TimeZone, Utc,
};
use http::{Method, Response, StatusCode};
use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::json;
use tower::util::BoxCloneSyncService;
use tower::{service_fn, Layer, ServiceBuilder, ServiceExt};
use towerapi::encode::with;
use towerapi::prelude::*;

// ---- values (app.py's) --------------------------------------------------------------------

#[derive(Serialize)]
pub struct Dict {
    message: &'static str,
    n: i32,
    f: f64,
    ok: bool,
    none: Option<i32>,
    nested: Nested,
}

#[derive(Serialize)]
pub struct Nested {
    a: Vec<i32>,
}

pub fn dict() -> Dict {
    Dict {
        message: "hello",
        n: 1,
        f: 1.5,
        ok: true,
        none: None,
        nested: Nested { a: vec![1, 2] },
    }
}

pub fn list() -> serde_json::Value {
    json!([1, "two", 3.5, null, true, {"k": "v"}])
}

#[derive(Serialize)]
pub struct Point {
    x: i32,
    y: i32,
    label: Option<String>,
}

#[derive(Serialize)]
pub struct Unicode {
    text: &'static str,
    emoji: &'static str,
    ctrl: &'static str,
    quote: &'static str,
}

pub fn unicode() -> Unicode {
    Unicode {
        text: "h\u{e9}llo w\u{f6}rld \u{2713} \u{65e5}\u{672c}",
        emoji: "\u{1f642}",
        ctrl: "tab\there\nnl",
        quote: "\"q\" \\ /",
    }
}

#[derive(Serialize)]
pub struct Floats {
    one: f64,
    big: f64,
    small: f64,
    tenth: f64,
    third: f64,
    neg_zero: f64,
    int_big: u64,
}

pub fn floats() -> Floats {
    Floats {
        one: 1.0,
        big: 1e20,
        small: 1e-7,
        tenth: 0.1,
        third: 1.0 / 3.0,
        neg_zero: -0.0,
        int_big: (1 << 53) + 1,
    }
}

#[derive(Serialize)]
pub struct Nan {
    x: f64,
}

#[derive(Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Color {
    Red,
}

#[derive(serde_repr::Serialize_repr)]
#[repr(u8)]
pub enum Level {
    High = 3,
}

#[derive(Serialize)]
pub struct UserOut {
    username: &'static str,
    email: Option<&'static str>,
    full_name: Option<&'static str>,
}

/// app.py's `encode_values()`, written as FastAPI path A writes it.
#[derive(Serialize)]
pub struct Encode {
    #[serde(with = "with::isoformat")]
    datetime_naive: NaiveDateTime,
    #[serde(with = "with::isoformat")]
    datetime_utc: DateTime<Utc>,
    #[serde(with = "with::isoformat")]
    datetime_offset: DateTime<FixedOffset>,
    #[serde(with = "with::isoformat")]
    date: NaiveDate,
    #[serde(with = "with::isoformat")]
    time: NaiveTime,
    #[serde(with = "with::duration_seconds")]
    timedelta: TimeDelta,
    uuid: uuid::Uuid,
    #[serde(with = "with::decimal_number")]
    decimal_int: Decimal,
    #[serde(with = "with::decimal_number")]
    decimal_frac: Decimal,
    #[serde(with = "with::decimal_number")]
    decimal_exp: Decimal,
    enum_str: Color,
    enum_int: Level,
    set: std::collections::HashSet<i32>,
    frozenset: BTreeSet<i32>,
    #[serde(with = "with::bytes_utf8")]
    bytes: Vec<u8>,
    tuple: (i32, &'static str),
    path: PathBuf,
    nested_model: UserOut,
}

pub fn encode_values() -> Encode {
    let naive = NaiveDate::from_ymd_opt(2024, 1, 2)
        .unwrap()
        .and_hms_micro_opt(3, 4, 5, 123_456)
        .unwrap();
    let plain = NaiveDate::from_ymd_opt(2024, 1, 2)
        .unwrap()
        .and_hms_opt(3, 4, 5)
        .unwrap();
    Encode {
        datetime_naive: naive,
        datetime_utc: Utc.from_utc_datetime(&plain),
        datetime_offset: FixedOffset::east_opt(5 * 3600 + 30 * 60)
            .unwrap()
            .from_local_datetime(&plain)
            .unwrap(),
        date: NaiveDate::from_ymd_opt(2024, 1, 2).unwrap(),
        time: NaiveTime::from_hms_opt(3, 4, 5).unwrap(),
        timedelta: TimeDelta::days(1)
            + TimeDelta::hours(2)
            + TimeDelta::seconds(3)
            + TimeDelta::microseconds(500_000),
        uuid: "12345678-1234-5678-1234-567812345678".parse().unwrap(),
        decimal_int: "10".parse().unwrap(),
        decimal_frac: "10.25".parse().unwrap(),
        decimal_exp: Decimal::from_scientific("1E+2").unwrap(),
        enum_str: Color::Red,
        enum_int: Level::High,
        set: [7].into_iter().collect(),
        frozenset: [5].into_iter().collect(),
        bytes: b"hello bytes".to_vec(),
        tuple: (1, "a"),
        path: PathBuf::from("/tmp/x.txt"),
        nested_model: UserOut {
            username: "nested",
            email: None,
            full_name: None,
        },
    }
}

#[derive(Serialize)]
pub struct JsonDirect {
    direct: bool,
    b: Option<bool>,
}

pub fn static_file() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/static/hello.txt")
}

/// What the background route's tasks recorded.
pub fn background_log() -> &'static Mutex<Vec<String>> {
    static LOG: OnceLock<Mutex<Vec<String>>> = OnceLock::new();
    LOG.get_or_init(Default::default)
}

fn queue_background(tasks: &BackgroundTasks, id: String) {
    let first = id.clone();
    tasks.add(async move {
        background_log()
            .lock()
            .unwrap()
            .push(format!("{first}:async"))
    });
    tasks.add_blocking(move || {
        background_log()
            .lock()
            .unwrap()
            .push(format!("{id}:blocking"))
    });
}

fn with_status(mut res: Response<Body>, status: StatusCode) -> Response<Body> {
    *res.status_mut() = status;
    res
}

// ---- axum ---------------------------------------------------------------------------------

pub fn axum_app() -> axum::Router {
    use axum::extract::Query;
    axum::Router::new()
        .route("/resp/dict", get(|| async { Reply::new(dict()) }))
        .route("/resp/list", get(|| async { Reply::new(list()) }))
        .route("/resp/str", get(|| async { Reply::new("hello") }))
        .route("/resp/int", get(|| async { Reply::new(42) }))
        .route("/resp/none", get(|| async { Reply::new(()) }))
        .route("/resp/tuple", get(|| async { Reply::new((1, "two")) }))
        .route(
            "/resp/dataclass",
            get(|| async {
                Reply::new(Point {
                    x: 1,
                    y: 2,
                    label: None,
                })
            }),
        )
        .route("/resp/unicode", get(|| async { Reply::new(unicode()) }))
        .route("/resp/floats", get(|| async { Reply::new(floats()) }))
        .route(
            "/resp/nan",
            get(|| async { Reply::new(Nan { x: f64::NAN }) }),
        )
        .route(
            "/resp/encode",
            get(|| async { Reply::new(encode_values()) }),
        )
        .route(
            "/resp/default-post",
            post(|| async { Reply::new(json!({"created": false})) }),
        )
        .route(
            "/resp/created",
            post(|| async { Reply::new(json!({"id": 1})) })
                .layer(StatusLayer::default_status(StatusCode::CREATED)),
        )
        .route(
            "/resp/no-content",
            delete(|| async { Reply::new(()) })
                .layer(StatusLayer::default_status(StatusCode::NO_CONTENT)),
        )
        .route(
            "/resp/no-content-body",
            get(|| async { Reply::new(json!({"ignored": true})) })
                .layer(StatusLayer::default_status(StatusCode::NO_CONTENT)),
        )
        .route(
            "/resp/not-modified",
            get(|| async { Reply::new(json!({"ignored": true})) })
                .layer(StatusLayer::default_status(StatusCode::NOT_MODIFIED)),
        )
        .route(
            "/resp/dynamic-status",
            get(|| async {
                Reply::new(json!({"dynamic": true}))
                    .status(StatusCode::ACCEPTED)
                    .header("x-oracle-extra", "dynamic")
            }),
        )
        .route(
            "/resp/dynamic-204",
            get(|| async { Reply::new(json!({"ignored": true})).status(StatusCode::NO_CONTENT) }),
        )
        .route(
            "/resp/html",
            get(|| async { Html::response("<h1>Hello</h1>") }),
        )
        .route(
            "/resp/html-class",
            get(|| async { Reply::new("<p>via response_class</p>") })
                .layer(SerializeLayer::new(Html)),
        )
        .route(
            "/resp/plain",
            get(|| async { PlainText::response("plain text \u{2713}") }),
        )
        .route(
            "/resp/plain-class",
            get(|| async { Reply::new("via response_class") })
                .layer(SerializeLayer::new(PlainText)),
        )
        .route(
            "/resp/json-direct",
            get(|| async {
                with_status(
                    Json::response(&JsonDirect {
                        direct: true,
                        b: None,
                    }),
                    StatusCode::ACCEPTED,
                )
            }),
        )
        .route(
            "/resp/json-direct-headers",
            get(|| async {
                (
                    [("x-oracle-extra", "yes")],
                    Json::response(&json!({"direct": true})),
                )
            }),
        )
        .route(
            "/resp/json-class",
            get(|| async { Reply::new(json!({"explicit": "json"})) })
                .layer(SerializeLayer::new(Json)),
        )
        .route(
            "/resp/redirect",
            get(|| async { Redirect::to("/resp/dict") }),
        )
        .route(
            "/resp/redirect-301",
            get(|| async { Redirect::with_status("/resp/dict", StatusCode::MOVED_PERMANENTLY) }),
        )
        .route(
            "/resp/redirect-class",
            get(|| async { Reply::new("/resp/list") }).layer(SerializeLayer::new(Redirect)),
        )
        .route(
            "/resp/redirect-class-302",
            get(|| async { Reply::new("/resp/list") }).layer(
                ServiceBuilder::new()
                    .layer(SerializeLayer::new(Redirect))
                    .layer(StatusLayer::default_status(StatusCode::FOUND)),
            ),
        )
        .route(
            "/resp/redirect-quoting",
            get(|| async { Redirect::to("https://example.com/a b/\u{e9}?q=1 2&r=\u{e9}#frag") }),
        )
        .route("/resp/file", get(|| async { File::new(static_file()) }))
        .route(
            "/resp/file-download",
            get(|| async { File::new(static_file()).filename("report.txt") }),
        )
        .route(
            "/resp/file-unicode-name",
            get(|| async { File::new(static_file()).filename("r\u{e9}sum\u{e9} 1.txt") }),
        )
        .route(
            "/resp/file-media-type",
            get(|| async { File::new(static_file()).media_type("application/octet-stream") }),
        )
        .route(
            "/resp/stream",
            get(|| async { Stream::from_iter(["chunk1\n", "chunk2\n"]).media_type("text/plain") }),
        )
        .route(
            "/resp/stream-no-media-type",
            get(|| async { Stream::from_iter(["a", "b"]) }),
        )
        .route(
            "/resp/head",
            get(|| async { Reply::new(json!({"head": "ok"})) }),
        )
        .route(
            "/bg",
            get(
                |tasks: BackgroundTasks, Query(q): Query<HashMap<String, String>>| async move {
                    queue_background(&tasks, q.get("id").cloned().unwrap_or_default());
                    Reply::new("queued")
                },
            ),
        )
        .layer(SerializeLayer::json())
        .layer(StatusLayer::new())
        .layer(BackgroundTasksLayer::new())
}

// ---- bare hyper ---------------------------------------------------------------------------

use super::hyper_routes::{Req, Route};

fn route<F>(handler: F) -> Route
where
    F: Fn(&Req) -> Response<Body> + Clone + Send + Sync + 'static,
{
    BoxCloneSyncService::new(service_fn(move |req: Req| {
        let res = handler(&req);
        async move { Ok::<_, Infallible>(res) }
    }))
}

fn boxed<S, B>(svc: S) -> Route
where
    S: tower::Service<Req, Response = Response<B>, Error = Infallible>
        + Clone
        + Send
        + Sync
        + 'static,
    S::Future: Send + 'static,
    B: http_body::Body<Data = bytes::Bytes> + Send + 'static,
    B::Error: Into<towerapi::encode::BoxError>,
{
    BoxCloneSyncService::new(svc.map_response(|r| r.map(Body::new)))
}

pub fn hyper_app() -> impl tower::Service<
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
    let created = StatusLayer::default_status(StatusCode::CREATED);
    let no_content = StatusLayer::default_status(StatusCode::NO_CONTENT);
    let mut routes: HashMap<(Method, &'static str), Route> = HashMap::new();
    let mut add = |m: Method, p: &'static str, r: Route| {
        routes.insert((m, p), r);
    };
    add(
        Method::GET,
        "/resp/dict",
        route(|_| Reply::new(dict()).into_http_response()),
    );
    add(
        Method::GET,
        "/resp/list",
        route(|_| Reply::new(list()).into_http_response()),
    );
    add(
        Method::GET,
        "/resp/str",
        route(|_| Reply::new("hello").into_http_response()),
    );
    add(
        Method::GET,
        "/resp/int",
        route(|_| Reply::new(42).into_http_response()),
    );
    add(
        Method::GET,
        "/resp/none",
        route(|_| Reply::new(()).into_http_response()),
    );
    add(
        Method::GET,
        "/resp/tuple",
        route(|_| Reply::new((1, "two")).into_http_response()),
    );
    add(
        Method::GET,
        "/resp/dataclass",
        route(|_| {
            Reply::new(Point {
                x: 1,
                y: 2,
                label: None,
            })
            .into_http_response()
        }),
    );
    add(
        Method::GET,
        "/resp/unicode",
        route(|_| Reply::new(unicode()).into_http_response()),
    );
    add(
        Method::GET,
        "/resp/floats",
        route(|_| Reply::new(floats()).into_http_response()),
    );
    add(
        Method::GET,
        "/resp/nan",
        route(|_| Reply::new(Nan { x: f64::NAN }).into_http_response()),
    );
    add(
        Method::GET,
        "/resp/encode",
        route(|_| Reply::new(encode_values()).into_http_response()),
    );
    add(
        Method::POST,
        "/resp/default-post",
        route(|_| Reply::new(json!({"created": false})).into_http_response()),
    );
    add(
        Method::POST,
        "/resp/created",
        boxed(created.layer(route(|_| Reply::new(json!({"id": 1})).into_http_response()))),
    );
    add(
        Method::DELETE,
        "/resp/no-content",
        boxed(no_content.layer(route(|_| Reply::new(()).into_http_response()))),
    );
    add(
        Method::GET,
        "/resp/no-content-body",
        boxed(no_content.layer(route(|_| {
            Reply::new(json!({"ignored": true})).into_http_response()
        }))),
    );
    add(
        Method::GET,
        "/resp/not-modified",
        boxed(
            StatusLayer::default_status(StatusCode::NOT_MODIFIED).layer(route(|_| {
                Reply::new(json!({"ignored": true})).into_http_response()
            })),
        ),
    );
    add(
        Method::GET,
        "/resp/dynamic-status",
        route(|_| {
            Reply::new(json!({"dynamic": true}))
                .status(StatusCode::ACCEPTED)
                .header("x-oracle-extra", "dynamic")
                .into_http_response()
        }),
    );
    add(
        Method::GET,
        "/resp/dynamic-204",
        route(|_| {
            Reply::new(json!({"ignored": true}))
                .status(StatusCode::NO_CONTENT)
                .into_http_response()
        }),
    );
    add(
        Method::GET,
        "/resp/html",
        route(|_| Html::response("<h1>Hello</h1>")),
    );
    add(
        Method::GET,
        "/resp/html-class",
        boxed(SerializeLayer::new(Html).layer(route(|_| {
            Reply::new("<p>via response_class</p>").into_http_response()
        }))),
    );
    add(
        Method::GET,
        "/resp/plain",
        route(|_| PlainText::response("plain text \u{2713}")),
    );
    add(
        Method::GET,
        "/resp/plain-class",
        boxed(SerializeLayer::new(PlainText).layer(route(|_| {
            Reply::new("via response_class").into_http_response()
        }))),
    );
    add(
        Method::GET,
        "/resp/json-direct",
        route(|_| {
            with_status(
                Json::response(&JsonDirect {
                    direct: true,
                    b: None,
                }),
                StatusCode::ACCEPTED,
            )
        }),
    );
    add(
        Method::GET,
        "/resp/json-direct-headers",
        route(|_| {
            let mut res = Json::response(&json!({"direct": true}));
            res.headers_mut()
                .insert("x-oracle-extra", http::HeaderValue::from_static("yes"));
            res
        }),
    );
    add(
        Method::GET,
        "/resp/json-class",
        boxed(SerializeLayer::new(Json).layer(route(|_| {
            Reply::new(json!({"explicit": "json"})).into_http_response()
        }))),
    );
    add(
        Method::GET,
        "/resp/redirect",
        route(|_| Redirect::to("/resp/dict")),
    );
    add(
        Method::GET,
        "/resp/redirect-301",
        route(|_| Redirect::with_status("/resp/dict", StatusCode::MOVED_PERMANENTLY)),
    );
    add(
        Method::GET,
        "/resp/redirect-class",
        boxed(
            SerializeLayer::new(Redirect)
                .layer(route(|_| Reply::new("/resp/list").into_http_response())),
        ),
    );
    add(
        Method::GET,
        "/resp/redirect-class-302",
        boxed(
            SerializeLayer::new(Redirect).layer(
                StatusLayer::default_status(StatusCode::FOUND)
                    .layer(route(|_| Reply::new("/resp/list").into_http_response())),
            ),
        ),
    );
    add(
        Method::GET,
        "/resp/redirect-quoting",
        route(|_| Redirect::to("https://example.com/a b/\u{e9}?q=1 2&r=\u{e9}#frag")),
    );
    add(
        Method::GET,
        "/resp/file",
        route(|_| File::new(static_file()).into_http_response()),
    );
    add(
        Method::GET,
        "/resp/file-download",
        route(|_| {
            File::new(static_file())
                .filename("report.txt")
                .into_http_response()
        }),
    );
    add(
        Method::GET,
        "/resp/file-unicode-name",
        route(|_| {
            File::new(static_file())
                .filename("r\u{e9}sum\u{e9} 1.txt")
                .into_http_response()
        }),
    );
    add(
        Method::GET,
        "/resp/file-media-type",
        route(|_| {
            File::new(static_file())
                .media_type("application/octet-stream")
                .into_http_response()
        }),
    );
    add(
        Method::GET,
        "/resp/stream",
        route(|_| {
            Stream::from_iter(["chunk1\n", "chunk2\n"])
                .media_type("text/plain")
                .into_http_response()
        }),
    );
    add(
        Method::GET,
        "/resp/stream-no-media-type",
        route(|_| Stream::from_iter(["a", "b"]).into_http_response()),
    );
    let head = route(|_| Reply::new(json!({"head": "ok"})).into_http_response());
    add(Method::GET, "/resp/head", head.clone());
    add(Method::HEAD, "/resp/head", head);
    add(
        Method::GET,
        "/bg",
        route(|req| {
            let tasks = req
                .extensions()
                .get::<BackgroundTasks>()
                .expect("BackgroundTasksLayer is on the app");
            let id = req
                .uri()
                .query()
                .and_then(|q| q.strip_prefix("id="))
                .unwrap_or_default()
                .to_owned();
            queue_background(tasks, id);
            Reply::new("queued").into_http_response()
        }),
    );

    let routes = Arc::new(routes);
    let dispatch = service_fn(move |req: Req| {
        let route = routes
            .get(&(req.method().clone(), req.uri().path()))
            .cloned();
        async move {
            match route {
                Some(route) => route.oneshot(req).await,
                None => Ok(with_status(
                    Json::response(&json!({"detail": "Not Found"})),
                    StatusCode::NOT_FOUND,
                )),
            }
        }
    });
    ServiceBuilder::new()
        .layer(BackgroundTasksLayer::new())
        .layer(StatusLayer::new())
        .layer(SerializeLayer::json())
        .service(dispatch)
}
