//! The response routes of FastAPI's reference app on bare hyper (axum's are
//! examples/fastapi_parity.rs), plus the background-task route both servers get.
#![allow(unreachable_pub, clippy::unwrap_used)]

use std::collections::HashMap;
use std::convert::Infallible;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};

use http::{Method, Response, StatusCode};
use serde::Serialize;
use serde_json::json;
use tower::util::BoxCloneSyncService;
use tower::{service_fn, Layer, ServiceBuilder, ServiceExt};
use towerapi::encode::class::{File, Html, Json, Redirect, Stream};
use towerapi::prelude::*;

// ---- values: the example's (app.py's), and two of this app's own ----------------------------

use crate::parity::{dict, encode_values, floats, list, point, unicode};

#[derive(Serialize)]
pub struct Nan {
    x: f64,
}

#[derive(Serialize)]
pub struct JsonDirect {
    direct: bool,
    b: Option<bool>,
}

pub fn static_file() -> PathBuf {
    PathBuf::from(crate::parity::STATIC_FILE)
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

// ---- axum: the background route beside the example's router ------------------------------

/// `/bg?id=..`: two background tasks, on axum.
pub fn axum_background() -> axum::Router {
    use axum::extract::Query;
    axum::Router::new()
        .route(
            "/bg",
            axum::routing::get(
                |tasks: BackgroundTasks, Query(q): Query<HashMap<String, String>>| async move {
                    queue_background(&tasks, q.get("id").cloned().unwrap_or_default());
                    Reply::new("queued")
                },
            ),
        )
        .layer(SerializeLayer::json())
        .layer(BackgroundTasksLayer::new())
}

// ---- bare hyper ---------------------------------------------------------------------------

use crate::common::hyper_routes::{Req, Route};

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
        route(|_| Reply::new(point()).into_http_response()),
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
