//! The same pipeline with bare hyper 1 and no axum: one tower stack, a `service_fn` router.
//!
//! ```text
//! cargo run --example hyper_only               # listens on 127.0.0.1:8000
//! cargo run --example hyper_only 127.0.0.1:0
//! ```

use std::convert::Infallible;

use http::{Method, Request, Response, StatusCode};
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use serde::Serialize;
use tower::{service_fn, ServiceBuilder};
use towerapi::encode::class::{Html, Redirect, Stream};
use towerapi::prelude::*;

#[derive(Serialize)]
struct Item {
    name: &'static str,
    price: f64,
}

async fn route(req: Request<Incoming>) -> Result<Response<Body>, Infallible> {
    let res = match (req.method(), req.uri().path()) {
        (&Method::GET, "/items/foo") => Reply::new(Item {
            name: "Foo",
            price: 50.2,
        })
        .into_http_response(),
        (&Method::POST, "/items") => Reply::created(Item {
            name: "New",
            price: 1.5,
        })
        .into_http_response(),
        (&Method::GET, "/html") => Html::response("<h1>Hello</h1>"),
        (&Method::GET, "/redirect") => Redirect::to("/items/foo"),
        (&Method::GET, "/stream") => Stream::from_iter(["a", "b"]).into_http_response(),
        (&Method::POST, "/notify") => {
            if let Some(tasks) = req.extensions().get::<BackgroundTasks>() {
                tasks.add(async { println!("background task: notification sent") });
            }
            Reply::new(serde_json::json!({"message": "notification queued"})).into_http_response()
        }
        _ => Reply::new(serde_json::json!({"detail": "Not Found"}))
            .status(StatusCode::NOT_FOUND)
            .into_http_response(),
    };
    Ok(res)
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:8000".to_owned());
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    let base = format!("http://{}", listener.local_addr()?);
    println!("listening on {base}");
    for path in ["/items/foo", "/html", "/redirect", "/stream"] {
        println!("  GET  {base}{path}");
    }
    println!("  POST {base}/items");
    println!("  POST {base}/notify");

    let svc = ServiceBuilder::new()
        .layer(BackgroundTasksLayer::new())
        .layer(StatusLayer::new())
        .layer(SerializeLayer::json())
        .service(service_fn(route));
    loop {
        let (stream, _) = listener.accept().await?;
        let svc = TowerToHyperService::new(svc.clone());
        tokio::spawn(async move {
            if let Err(error) = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), svc)
                .await
            {
                eprintln!("connection error: {error}");
            }
        });
    }
}
