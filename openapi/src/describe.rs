//! [`Describe`]: what a layer adds to its operation and to the components, and how the
//! collector finds the describing layers inside any stack ([`note`], [`describe_layer`]).

use std::any::Any;
use std::cell::RefCell;
use std::convert::Infallible;
use std::fmt;
use std::future::{ready, Ready};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::Bytes;
use http::StatusCode;
use http_body_util::Empty;
use schemars::{JsonSchema, Schema, SchemaGenerator};
use tower_layer::Layer;
use tower_service::Service;

use crate::model::{Components, Operation, Response, SecurityScheme};
use crate::DocError;

/// A layer (or anything else) that knows what it adds to the OpenAPI document.
///
/// Every towerapi layer implements it and reports itself with [`note`] at the top of its
/// `Layer::layer`, so the collector finds it inside any stack (`ServiceBuilder`, tuples,
/// `option_layer`, a wrapper of someone else's) with no change to the collector. Implement it
/// for a layer of your own the same way.
///
/// # Example
/// ```
/// use towerapi_openapi::{describe_layer, note, DescribeCx, Describe, DocError};
/// use towerapi_openapi::model::Response;
///
/// /// A layer that answers 429 when a client sends too much.
/// #[derive(Clone)]
/// struct RateLimitLayer;
///
/// impl<S> tower_layer::Layer<S> for RateLimitLayer {
///     type Service = S;
///     fn layer(&self, inner: S) -> S {
///         note(self);
///         inner
///     }
/// }
///
/// impl Describe for RateLimitLayer {
///     fn describe(&self, cx: &mut DescribeCx<'_>) -> Result<(), DocError> {
///         cx.operation().add_response(429, Response::new("Too Many Requests"));
///         Ok(())
///     }
/// }
///
/// let found = describe_layer(&(RateLimitLayer, tower_layer::Identity::new())).unwrap();
/// assert_eq!(found.len(), 1);
/// ```
pub trait Describe: Send + Sync + 'static {
    /// Adds what the layer knows to its operation (`cx.operation()`) and to the components.
    ///
    /// # Errors
    /// A [`DocError`] when what the layer would write contradicts the document (a security
    /// scheme or a schema name already taken by a different one).
    fn describe(&self, cx: &mut DescribeCx<'_>) -> Result<(), DocError>;

    /// A name for debugging output (default: the type's name).
    fn label(&self) -> &'static str {
        std::any::type_name::<Self>()
    }
}

impl fmt::Debug for dyn Describe {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// What a route's response class says about its body.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClassDoc {
    /// The media type (`application/json`, `text/html`), or `None` for a class without a body
    /// (a redirect).
    pub media_type: Option<&'static str>,
    /// `true`: the body is the payload's JSON, so the payload's schema applies; `false`: the
    /// body is text (`{"type": "string"}`).
    pub json: bool,
    /// The class's default status (a redirect's `307`).
    pub status: StatusCode,
}

/// What a handler's return type says about the response.
#[derive(Clone, Debug, PartialEq)]
pub enum OutputDoc {
    /// A value that a serializing layer writes (towerapi's `Reply<T>`): its schema.
    Payload(Schema),
    /// A body the handler writes itself, in this media type (`axum::Json<T>`, a `String`).
    Direct {
        /// Its media type.
        media_type: &'static str,
        /// Its schema.
        schema: Schema,
    },
    /// A body the handler writes itself whose media type its type does not tell (a file, a
    /// stream): documented without content rather than as the route's class.
    Opaque,
}

/// One operation while its layers describe it, outermost layer first.
///
/// The response parts are gathered here and written once at the end, because they come from
/// several layers: the class from the innermost `SerializeLayer`, the default status from the
/// innermost `StatusLayer`, the schema from a response model, else from the handler's return
/// type.
#[derive(Debug, Default)]
pub struct OperationDraft {
    /// The operation as far as it is known (summary, parameters, extra responses, ...).
    pub operation: Operation,
    pub(crate) security: Option<Vec<Vec<String>>>,
    pub(crate) scopes: Vec<String>,
    pub(crate) class: Option<ClassDoc>,
    pub(crate) status: Option<StatusCode>,
    pub(crate) model: Option<Schema>,
    pub(crate) output: Option<OutputDoc>,
    pub(crate) enforced: Vec<String>,
}

impl OperationDraft {
    /// One more security layer: any of `alternatives` must be satisfied (each a set of scheme
    /// names that all apply; an empty set means anonymous access). Stacked layers combine: both
    /// must be satisfied.
    pub fn require_any(&mut self, alternatives: Vec<Vec<String>>) {
        self.security = Some(match self.security.take() {
            None => alternatives,
            Some(current) => {
                let mut combined = Vec::with_capacity(current.len() * alternatives.len());
                for a in &current {
                    for b in &alternatives {
                        let mut set = a.clone();
                        for name in b {
                            if !set.contains(name) {
                                set.push(name.clone());
                            }
                        }
                        if !combined.contains(&set) {
                            combined.push(set);
                        }
                    }
                }
                combined
            }
        });
    }

    /// Scopes the route requires (added after those of outer layers), for every `oauth2` and
    /// `openIdConnect` scheme of its requirements.
    pub fn require_scopes<I: IntoIterator<Item = S>, S: Into<String>>(&mut self, scopes: I) {
        for s in scopes {
            let s = s.into();
            if !self.scopes.contains(&s) {
                self.scopes.push(s);
            }
        }
    }

    /// Records, for the security report, what a layer enforces on this operation.
    pub fn enforces(&mut self, what: impl Into<String>) {
        self.enforced.push(what.into());
    }

    /// The route's response class; an inner one (closer to the handler) replaces an outer one,
    /// as the inner `SerializeLayer` serializes first.
    pub fn set_class(&mut self, class: ClassDoc) {
        self.class = Some(class);
    }

    /// The route's default status; an inner one replaces an outer one.
    pub fn set_default_status(&mut self, status: StatusCode) {
        self.status = Some(status);
    }

    /// The response model's schema (wins over the handler's return type).
    pub fn set_model(&mut self, schema: Schema) {
        self.model = Some(schema);
    }

    /// What the handler's return type says; the first one set wins (a `Result`'s `Ok` type).
    pub fn set_output(&mut self, output: OutputDoc) {
        if self.output.is_none() {
            self.output = Some(output);
        }
    }

    /// A response the operation can give besides the successful one; the first description of
    /// a status wins.
    pub fn add_response(&mut self, status: u16, response: Response) {
        let key = status.to_string();
        if !self.operation.responses.contains_key(&key) {
            self.operation.responses.insert(key, response);
        }
    }
}

/// What a [`Describe`] implementation writes into: its operation, the components and the
/// document's one schema generator.
pub struct DescribeCx<'a> {
    pub(crate) op: &'a mut OperationDraft,
    pub(crate) components: &'a mut Components,
    pub(crate) generator: &'a mut SchemaGenerator,
    pub(crate) method: &'a str,
    pub(crate) path: &'a str,
}

impl fmt::Debug for DescribeCx<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DescribeCx")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("op", &self.op)
            .finish_non_exhaustive()
    }
}

impl DescribeCx<'_> {
    /// The operation being described.
    pub fn operation(&mut self) -> &mut OperationDraft {
        self.op
    }

    /// The operation's method, lower-case (`get`).
    pub fn method(&self) -> &str {
        self.method
    }

    /// The operation's path (`/items/{id}`).
    pub fn path(&self) -> &str {
        self.path
    }

    /// Registers a security scheme under `name`; the same name again must be the same scheme.
    ///
    /// # Errors
    /// [`DocError::SchemeConflict`] when `name` is taken by a different scheme.
    pub fn security_scheme(&mut self, name: &str, scheme: SecurityScheme) -> Result<(), DocError> {
        match self.components.security_schemes.get(name) {
            Some(existing) if *existing != scheme => Err(DocError::SchemeConflict {
                name: name.to_owned(),
            }),
            Some(_) => Ok(()),
            None => {
                self.components.security_schemes.insert(name, scheme);
                Ok(())
            }
        }
    }

    /// The schema of `T` for use in this operation: a `$ref` to `#/components/schemas/<name>`
    /// for a named type, whose definition goes into the components.
    ///
    /// # Errors
    /// [`DocError::SchemaConflict`] when another type already took `T`'s schema name (schemars
    /// would silently rename it `Name2`).
    pub fn schema_for<T: JsonSchema + ?Sized>(&mut self) -> Result<Schema, DocError> {
        let mut schema = self.generator.subschema_for::<T>();
        if schema.as_bool() == Some(true) {
            // `true` (any value, schemars' `serde_json::Value`) is written `{}` as FastAPI
            // writes it: some tools take a schema to be an object.
            schema = schemars::json_schema!({});
        }
        if let Some(reference) = schema.get("$ref").and_then(|r| r.as_str()) {
            let name = reference.rsplit('/').next().unwrap_or(reference);
            if name != T::schema_name() {
                return Err(DocError::SchemaConflict {
                    name: T::schema_name().into_owned(),
                    type_name: std::any::type_name::<T>(),
                });
            }
        }
        Ok(schema)
    }

    /// A schema written by hand under `name` in the components; the same name again must be
    /// the same schema. Returns the `$ref` to it.
    ///
    /// # Errors
    /// [`DocError::SchemaConflict`] when `name` is taken by a different schema.
    pub fn component_schema(&mut self, name: &str, schema: Schema) -> Result<Schema, DocError> {
        let defs = self.generator.definitions_mut();
        match defs.get(name) {
            Some(existing) if *existing != *schema.as_value() => {
                return Err(DocError::SchemaConflict {
                    name: name.to_owned(),
                    type_name: "a hand-written schema",
                })
            }
            Some(_) => {}
            None => {
                defs.insert(name.to_owned(), schema.to_value());
            }
        }
        Ok(schemars::json_schema!({ "$ref": format!("#/components/schemas/{name}") }))
    }
}

/// A describing layer as the collector keeps it.
pub type Described = Arc<dyn Describe>;

thread_local! {
    static FRAMES: RefCell<Vec<Vec<Described>>> = const { RefCell::new(Vec::new()) };
}

/// Reports `layer` to the collector. Call it first thing in `Layer::layer`; outside
/// [`describe_layer`] it does nothing but one thread-local read.
pub fn note<D: Describe + Clone>(layer: &D) {
    FRAMES.with(|frames| {
        if let Ok(mut frames) = frames.try_borrow_mut() {
            if let Some(top) = frames.last_mut() {
                top.push(Arc::new(layer.clone()));
            }
        }
    });
}

struct Frame;

impl Drop for Frame {
    fn drop(&mut self) {
        FRAMES.with(|frames| {
            frames.borrow_mut().pop();
        });
    }
}

/// The describing layers inside `layer`, outermost first: applies it once to a [`DocProbe`]
/// and collects what reports itself.
///
/// # Errors
/// [`DocError::LayerPanicked`] when applying the layer panics (a constructor that needs a
/// runtime, say); the panic is caught.
pub fn describe_layer<L: Layer<DocProbe>>(layer: &L) -> Result<Vec<Described>, DocError> {
    FRAMES.with(|frames| frames.borrow_mut().push(Vec::new()));
    let frame = Frame; // pops even when the layer panics
    let applied = catch_unwind(AssertUnwindSafe(|| drop(layer.layer(DocProbe))));
    let mut found = FRAMES.with(|frames| {
        frames
            .borrow_mut()
            .last_mut()
            .map(std::mem::take)
            .unwrap_or_default()
    });
    drop(frame);
    if let Err(panic) = applied {
        return Err(DocError::LayerPanicked {
            layer: std::any::type_name::<L>(),
            message: panic_message(&*panic),
        });
    }
    // A stack applies its innermost layer first.
    found.reverse();
    Ok(found)
}

pub(crate) fn panic_message(panic: &(dyn Any + Send)) -> String {
    if let Some(s) = panic.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = panic.downcast_ref::<String>() {
        s.clone()
    } else {
        "a panic without a message".to_owned()
    }
}

/// The service [`describe_layer`] wraps. It is never called; if it were, it would answer
/// `500` with no body.
#[derive(Clone, Copy, Debug, Default)]
pub struct DocProbe;

impl<B> Service<http::Request<B>> for DocProbe {
    type Response = http::Response<Empty<Bytes>>;
    type Error = Infallible;
    type Future = Ready<Result<Self::Response, Infallible>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, _req: http::Request<B>) -> Self::Future {
        let mut res = http::Response::new(Empty::new());
        *res.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
        ready(Ok(res))
    }
}
