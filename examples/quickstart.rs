//! towerapi on axum: typed values in, FastAPI's responses out, and the OpenAPI document read
//! off the same layers, with Swagger UI at `/docs` and ReDoc at `/redoc`.
//!
//! ```text
//! cargo run --example quickstart               # listens on 127.0.0.1:8000
//! cargo run --example quickstart 127.0.0.1:0   # any free port; the URLs are printed
//! ```

use std::path::PathBuf;

use axum::Router;
use http::StatusCode;
use serde::Serialize;
use towerapi::encode::class::{File, Html, Json, Redirect, Stream};
use towerapi::openapi::{get, post, ApiRouter, Docs, Info};
use towerapi::prelude::*;
use towerapi::schemars::JsonSchema;

#[derive(Serialize, JsonSchema)]
struct Item {
    name: String,
    price: f64,
    tags: Vec<String>,
}

fn hello_file() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/static/hello.txt")
}

fn app() -> Router {
    let (router, doc) = ApiRouter::new()
        // A static string, written by axum as text/plain; `public()`: needs no security.
        .route("/health", get(|| async { "ok" }).public())
        // A plain value: JSON, 200.
        .route(
            "/items/foo",
            get(|| async {
                Reply::new(Item {
                    name: "Foo".into(),
                    price: 50.2,
                    tags: vec![],
                })
            }),
        )
        // The route's default status, as FastAPI's `status_code=201`.
        .route(
            "/items",
            post(|| async {
                Reply::new(Item {
                    name: "New".into(),
                    price: 1.5,
                    tags: vec!["new".into()],
                })
            })
            .layer(StatusLayer::default_status(StatusCode::CREATED)),
        )
        // An explicit status and header on the reply (FastAPI's `response: Response` parameter).
        .route(
            "/dynamic",
            get(|| async {
                Reply::new(serde_json::json!({"dynamic": true}))
                    .status(StatusCode::ACCEPTED)
                    .header("x-extra", "yes")
            }),
        )
        // Response classes, as `response_class=`: the handler returns a string.
        .route(
            "/html",
            get(|| async { Reply::new("<h1>Hello</h1>") }).layer(SerializeLayer::new(Html)),
        )
        .route(
            "/plain",
            get(|| async { Reply::new("plain text ✓") }).layer(SerializeLayer::new(PlainText)),
        )
        .route(
            "/redirect",
            get(|| async { Reply::new("/items/foo") }).layer(SerializeLayer::new(Redirect)),
        )
        // Responses returned directly.
        .route(
            "/json",
            get(|| async { Json::response(&serde_json::json!({"direct": true})) }),
        )
        .route(
            "/file",
            get(|| async { File::new(hello_file()).filename("hello.txt") }),
        )
        .route(
            "/stream",
            get(|| async { Stream::from_iter(["chunk1\n", "chunk2\n"]).media_type("text/plain") }),
        )
        // Work after the response has been sent.
        .route(
            "/notify",
            post(|tasks: BackgroundTasks| async move {
                tasks.add(async { println!("background task: notification sent") });
                Reply::new(serde_json::json!({"message": "notification queued"}))
            }),
        )
        // The app-wide pipeline: JSON by default, status and body rules, background tasks.
        .layer(SerializeLayer::json())
        .layer(StatusLayer::new())
        .layer(BackgroundTasksLayer::new())
        .finish(Info::new("quickstart", "0.1.0"))
        .expect("the routes are valid");
    // `/openapi.json`, Swagger UI at `/docs`, ReDoc at `/redoc`, from memory.
    router.merge(Docs::new(&doc).router())
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:8000".to_owned());
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    let base = format!("http://{}", listener.local_addr()?);
    println!("listening on {base}");
    println!("  docs {base}/docs (Swagger UI), {base}/redoc, {base}/openapi.json");
    for (method, path) in [
        ("GET", "/health"),
        ("GET", "/items/foo"),
        ("POST", "/items"),
        ("GET", "/dynamic"),
        ("GET", "/html"),
        ("GET", "/plain"),
        ("GET", "/redirect"),
        ("GET", "/json"),
        ("GET", "/file"),
        ("GET", "/stream"),
        ("POST", "/notify"),
    ] {
        println!("  {method:<4} {base}{path}");
    }
    axum::serve(listener, app()).await
}
