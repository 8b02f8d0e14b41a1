//! towerapi-layers: FastAPI's response pipeline as tower layers.
//!
//! A handler returns a [`Reply`](towerapi_encode::Reply): a typed value, not yet serialized.
//! These layers finish the job, each on its own and in any tower stack (axum's
//! `Router::layer`, `route_layer` and `MethodRouter::layer`, `tower::ServiceBuilder`, bare
//! hyper):
//!
//! - [`SerializeLayer`]: writes the value with the route's response class (JSON by default)
//!   and sets `content-type` and `content-length`. On the router it is the app's default; on a
//!   route it overrides, because the inner layer serializes first.
//! - [`StatusLayer`]: the status hierarchy (explicit on the reply > the route's default > the
//!   class's) and the body rules: no body and no `content-length` for 1xx, 204 and 304; no
//!   body for HEAD, with the `content-length` GET would have had.
//! - [`BackgroundTasksLayer`]: [`BackgroundTasks`] that run after the response body has been
//!   sent.
//!
//! A response that carries no payload (the handler built it itself) passes every layer
//! untouched.
//!
//! # Example
//! ```
//! # #[tokio::main(flavor = "current_thread")] async fn main() {
//! use http::{Request, StatusCode};
//! use http_body_util::BodyExt;
//! use tower::{service_fn, ServiceBuilder, ServiceExt};
//! use towerapi_encode::Reply;
//! use towerapi_layers::{SerializeLayer, StatusLayer};
//!
//! let svc = ServiceBuilder::new()
//!     .layer(StatusLayer::default_status(StatusCode::CREATED))
//!     .layer(SerializeLayer::json())
//!     .service(service_fn(|_req: Request<()>| async {
//!         Ok::<_, std::convert::Infallible>(Reply::new(serde_json::json!({"id": 1})).into_http_response())
//!     }));
//!
//! let res = svc.oneshot(Request::new(())).await.unwrap();
//! assert_eq!(res.status(), StatusCode::CREATED);
//! assert_eq!(res.headers()["content-type"], "application/json");
//! assert_eq!(res.headers()["content-length"], "8");
//! assert_eq!(res.into_body().collect().await.unwrap().to_bytes(), r#"{"id":1}"#);
//! # }
//! ```
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod background;
pub mod model;
#[cfg(feature = "openapi")]
mod openapi;
mod rules;
pub mod serialize;
pub mod status;

#[doc(inline)]
pub use background::{
    BackgroundTasks, BackgroundTasksLayer, BackgroundTasksService, MissingBackgroundTasksLayer,
};
#[doc(inline)]
pub use model::{ResponseModel, ResponseModelLayer, ResponseValidationError};
#[doc(inline)]
pub use serialize::{SerializeLayer, SerializeResponse};
#[doc(inline)]
pub use status::{Status, StatusLayer};

#[cfg(test)]
mod tests;
