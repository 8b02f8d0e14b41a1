//! towerapi-openapi: an OpenAPI 3.1 document collected from the layers an app already stacks,
//! served with Swagger UI and ReDoc.
//!
//! A route, its response model and its security are written once, as the layers that enforce
//! them; the document is read off those layers, so it cannot disagree with the server.
//!
//! - [`Describe`]: what a layer adds to its operation and to the components. Every towerapi
//!   layer implements it (behind the `openapi` feature of the crate that owns it) and reports
//!   itself with [`note`] from its `Layer::layer`, so [`describe_layer`] finds it inside any
//!   stack: `ServiceBuilder`, tuples, `option_layer`, a wrapper of someone else's.
//! - [`ApiRouter`] / [`ApiMethodRouter`] (feature `axum`): axum's routers, forwarded call for
//!   call, recording which layers wrap each (method, path). [`ApiRouter::finish`] gives the
//!   `Router` to serve and the [`OpenApi`] document, or a [`DocError`] for what axum would
//!   have panicked on.
//! - [`DocBuilder`]: the same document for bare hyper or tower, from the same layer values.
//! - [`Docs`]: `/openapi.json` (built once, served from memory with an ETag), Swagger UI at
//!   `/docs` with its OAuth2 redirect page, ReDoc at `/redoc`, the assets shipped inside the
//!   crate (feature `ui`).
//!
//! A layer of someone else's is applied but not described: a foreign layer that enforces
//! something (an auth check written with `from_fn`, say) is invisible to the document. Give it
//! a [`Describe`] of its own (`.describe(..)` on the route), or keep such routes out of the
//! document with [`ApiRouter::route_undocumented`].
//!
//! # Why a model of our own
//! The OpenAPI crates checked do not fit: utoipa 6 and openapiv3_1 cannot write FastAPI's
//! `http` scheme with a custom `scheme` (such as `HTTPCustom`), oas3 0.22 writes
//! `"bearerFormat": null`, and openapiv3 is OpenAPI 3.0 only. [`model`] is small, writes only
//! the keys that are set, and uses schemars' [`Schema`](schemars::Schema) (JSON Schema draft
//! 2020-12, as OpenAPI 3.1) with one generator per document and definitions under
//! `#/components/schemas`.
//!
//! # Example
//! ```
//! use towerapi_openapi::{get, ApiRouter, Docs, Info};
//!
//! #[derive(serde::Serialize, schemars::JsonSchema)]
//! struct Item { name: String }
//!
//! async fn item() -> axum::Json<Item> { axum::Json(Item { name: "Foo".into() }) }
//!
//! let (router, doc) = ApiRouter::new()
//!     .route("/items/foo", get(item))
//!     .finish(Info::new("Shop", "1.0.0"))
//!     .unwrap();
//! let app: axum::Router = router.merge(Docs::new(&doc).router());
//! let op = doc.operation("get", "/items/foo").unwrap();
//! assert_eq!(op.responses.get("200").unwrap().content.get("application/json").unwrap().schema,
//!            Some(schemars::json_schema!({"$ref": "#/components/schemas/Item"})));
//! ```
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(feature = "axum")]
mod axum;
mod collect;
mod describe;
mod error;
pub mod model;
mod output;
mod serve;

#[cfg(feature = "axum")]
pub use crate::axum::{
    delete, get, head, options, patch, post, put, trace, undocumented, ApiMethodRouter, ApiRouter,
    HandlerDoc, Undocumented,
};
pub use collect::{DocBuilder, OperationSpec, SecurityReport, SecurityRow};
pub use describe::{
    describe_layer, note, ClassDoc, Describe, DescribeCx, Described, DocProbe, OperationDraft,
    OutputDoc,
};
pub use error::DocError;
pub use model::{Info, OpenApi};
pub use output::DescribeOutput;
pub use schemars;
pub use serve::{Docs, DocsService};

#[cfg(test)]
mod tests;
