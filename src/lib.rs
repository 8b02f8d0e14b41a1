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

/// The names most handlers and routers need.
pub mod prelude {
    #[cfg(feature = "fast-json")]
    pub use towerapi_encode::class::FastJson;
    pub use towerapi_encode::class::{
        File, Html, Json, PlainText, PydanticJson, Redirect, ResponseClass, Stream,
    };
    pub use towerapi_encode::{Body, Payload, Reply};
    pub use towerapi_layers::{BackgroundTasks, BackgroundTasksLayer, SerializeLayer, StatusLayer};
}

/// The README's example compiles.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
