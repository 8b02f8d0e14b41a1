//! towerapi-encode: values to bytes, as FastAPI turns a handler's return value into a response.
//!
//! - [`Reply`] and [`Payload`]: a handler's typed value, carried unserialized in the response
//!   extensions until the pipeline layers (towerapi-layers) check and write it.
//! - [`class`]: response classes ([`Json`](class::Json),
//!   [`PydanticJson`](class::PydanticJson) (a route with a response model), [`Html`](class::Html),
//!   [`PlainText`](class::PlainText), [`Redirect`](class::Redirect), [`File`](class::File),
//!   [`Stream`](class::Stream), and `FastJson` behind the `fast-json` feature).
//! - [`transcode`] and [`project`]: a value read as a response model through its serde form,
//!   and a struct written as its model straight from the value.
//! - [`with`]: `#[serde(with)]` helpers where serde's default differs from FastAPI's encoding
//!   (datetimes, durations, decimals, bytes), and [`custom`] encoders.
//!
//! # Example
//! ```
//! use towerapi_encode::{class::{Json, ResponseClass}, Payload, Reply};
//!
//! #[derive(serde::Serialize)]
//! struct Hello { message: &'static str, f: f64 }
//!
//! let res = Reply::new(Hello { message: "hello", f: 1e20 }).into_http_response();
//! let payload = res.extensions().get::<Payload>().unwrap();
//! let rendered = Json.render(payload).unwrap();
//! assert_eq!(rendered.body, r#"{"message":"hello","f":1e+20}"#);
//! ```
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod body;
pub mod class;
pub mod custom;
mod json_format;
#[cfg(feature = "openapi")]
mod openapi;
mod payload;
pub mod project;
mod reply;
pub mod transcode;
pub mod validation;
pub mod with;

pub use body::{Body, BoxError, LayerBody};
pub use payload::{Payload, Serialized, StatusFixed};
pub use reply::Reply;
