//! towerapi: what FastAPI gives Python, as independent tower layers for any tower-compatible
//! HTTP server (axum, hyper, anything built on `tower::Service`).
//!
//! This crate only re-exports: [`encode`] (values to bytes: `Reply`, response classes,
//! FastAPI's encoding rules) and [`layers`] (the response pipeline: serialize, status and body
//! rules, background tasks). Stack only what a route needs.
//!
//! # Example
//! ```no_run
//! use axum::{routing::get, Router};
//! use towerapi::prelude::*;
//!
//! #[derive(serde::Serialize)]
//! struct Hello { message: &'static str }
//!
//! # async fn run() {
//! let app = Router::new()
//!     .route("/", get(|| async { Reply::new(Hello { message: "hello" }) }))
//!     .layer(SerializeLayer::json());
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8000").await.unwrap();
//! axum::serve(listener, app).await.unwrap();
//! # }
//! ```
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

/// schemars, for `#[derive(JsonSchema)]` on the types the document describes.
#[cfg(feature = "openapi")]
pub use schemars;
#[doc(inline)]
pub use towerapi_auth as auth;
#[doc(inline)]
pub use towerapi_encode as encode;
#[doc(inline)]
pub use towerapi_layers as layers;
#[cfg(feature = "openapi")]
#[doc(inline)]
pub use towerapi_openapi as openapi;

#[doc(inline)]
pub use towerapi_encode::{Body, Payload, Reply};

/// The names most handlers and routers need, none of which clashes with axum's, std's or
/// tokio's: the response classes are reached through [`class`](prelude::class)
/// (`class::Json`, `class::Html`, `class::Redirect`, `class::File`, `class::Stream`), since
/// `Json`, `Html` and `Redirect` are axum's and `File` is std's and tokio's.
pub mod prelude {
    pub use towerapi_auth::{AuthError, AuthLayer, Principal, RejectionLayer, ScopesLayer, Verify};
    pub use towerapi_encode::class::{self, PlainText, PydanticJson, ResponseClass};
    pub use towerapi_encode::{Body, Payload, Reply};
    pub use towerapi_layers::{
        BackgroundTasks, BackgroundTasksLayer, ResponseModelLayer, SerializeLayer, StatusLayer,
    };
}

/// The README's example compiles.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

/// docs/from-axum.md's code blocks compile and run.
#[cfg(doctest)]
#[doc = include_str!("../docs/from-axum.md")]
struct FromAxumDoctests;
