//! [`DocError`]: everything that can go wrong while the document is collected, returned by
//! `finish` instead of a panic.

use std::fmt;

/// Why the document (or the router beside it) could not be built.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum DocError {
    /// The same method and path were routed twice (axum would panic).
    DuplicateOperation {
        /// Upper-case method.
        method: String,
        /// The path.
        path: String,
    },
    /// A path axum refuses (it would panic), with the reason.
    InvalidPath {
        /// The path.
        path: String,
        /// What is wrong with it.
        reason: String,
    },
    /// Two different security schemes under one name.
    SchemeConflict {
        /// The name.
        name: String,
    },
    /// Two different schemas under one component name (schemars would rename one `Name2`).
    SchemaConflict {
        /// The name.
        name: String,
        /// The type that came second.
        type_name: &'static str,
    },
    /// Two operations with one `operationId`.
    DuplicateOperationId {
        /// The id.
        id: String,
    },
    /// Applying a layer panicked (a constructor that needs a runtime, say).
    LayerPanicked {
        /// The layer's type.
        layer: &'static str,
        /// The panic's message.
        message: String,
    },
    /// `route_layer` on a router that has no routes yet (axum would panic).
    RouteLayerWithoutRoutes,
    /// A handler returns a payload (`Reply<T>`) that no serializing layer writes: it would
    /// answer an empty body.
    MissingSerializer {
        /// Upper-case method.
        method: String,
        /// The path.
        path: String,
    },
    /// With `require_security()`: routes that no security layer covers and that were not
    /// marked `.public()`, as `METHOD /path`.
    Unsecured {
        /// The routes.
        routes: Vec<String>,
    },
    /// A layer could not describe itself (a security scheme of your own without a
    /// description, say).
    Undescribed {
        /// The layer or scheme's type.
        type_name: &'static str,
        /// What it lacks.
        reason: String,
    },
}

impl fmt::Display for DocError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::DuplicateOperation { method, path } => {
                write!(f, "{method} {path} is routed twice")
            }
            Self::InvalidPath { path, reason } => write!(f, "invalid path {path:?}: {reason}"),
            Self::SchemeConflict { name } => write!(
                f,
                "two different security schemes are named {name:?}; give one another `scheme_name`"
            ),
            Self::SchemaConflict { name, type_name } => write!(
                f,
                "the schema name {name:?} is taken by another type than {type_name}; rename one (`#[schemars(rename = \"..\")]`)"
            ),
            Self::DuplicateOperationId { id } => {
                write!(f, "two operations have the operationId {id:?}")
            }
            Self::LayerPanicked { layer, message } => {
                write!(f, "applying the layer {layer} panicked: {message}")
            }
            Self::RouteLayerWithoutRoutes => {
                f.write_str("route_layer was called on a router without routes")
            }
            Self::MissingSerializer { method, path } => write!(
                f,
                "{method} {path} returns a payload that no SerializeLayer writes; add `SerializeLayer::json()` to the route or the router"
            ),
            Self::Unsecured { routes } => write!(
                f,
                "no security layer covers {}; add one or mark the route `.public()`",
                routes.join(", ")
            ),
            Self::Undescribed { type_name, reason } => {
                write!(f, "{type_name} cannot describe itself: {reason}")
            }
        }
    }
}

impl std::error::Error for DocError {}
