//! [`ResponseModelLayer`]: FastAPI's `response_model`, checking and filtering what leaves the
//! server.

mod fast;
mod filter;
mod paths;
mod pool;
#[cfg(test)]
mod tests;

use std::any::TypeId;
use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{ready, Context, Poll};

use bytes::Bytes;
use http::{Request, Response};
use pin_project_lite::pin_project;
use serde::de::DeserializeOwned;
use serde::{Serialize, Serializer};
use tower_layer::Layer;
use tower_service::Service;
use towerapi_encode::class::internal_server_error;
use towerapi_encode::transcode::{Presence, Tokens};
use towerapi_encode::Payload;

use filter::{Ctx, Filtered};
use paths::PathNode;

/// The output options, FastAPI's `response_model_*` arguments.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Options {
    pub(crate) exclude_none: bool,
    pub(crate) exclude_unset: bool,
    pub(crate) by_alias: bool,
    include: Option<PathNode>,
    exclude: Option<PathNode>,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            exclude_none: false,
            exclude_unset: false,
            by_alias: true,
            include: None,
            exclude: None,
        }
    }
}

type Convert = fn(&mut Payload) -> bool;
type OnError = Arc<dyn Fn(&ResponseValidationError) + Send + Sync>;

struct Config<M> {
    options: Options,
    /// The model's default, field by field, for `exclude_defaults` (and `exclude_unset` of a
    /// typed value, which cannot tell "unset" from "equal to the default").
    defaults: Option<Vec<(String, Tokens)>>,
    exclude_defaults: bool,
    from: Vec<(TypeId, Convert)>,
    on_error: Option<OnError>,
    /// Models of the generic path, kept for reuse (shared by the clones of a layer).
    pool: Arc<pool::Pool<M>>,
    /// The generic path's shortcut (shared by the clones of a layer).
    fast: Arc<fast::Fast>,
    _model: PhantomData<fn() -> M>,
}

impl<M> Clone for Config<M> {
    fn clone(&self) -> Self {
        Self {
            options: self.options.clone(),
            defaults: self.defaults.clone(),
            exclude_defaults: self.exclude_defaults,
            from: self.from.clone(),
            on_error: self.on_error.clone(),
            pool: self.pool.clone(),
            fast: self.fast.clone(),
            _model: PhantomData,
        }
    }
}

impl<M> Config<M> {
    fn filters(&self) -> bool {
        let o = &self.options;
        o.exclude_none
            || o.exclude_unset
            || self.exclude_defaults
            || !o.by_alias
            || o.include.is_some()
            || o.exclude.is_some()
    }
}

/// FastAPI's `response_model=M`: the handler's value is checked against the model `M` and
/// only what `M` declares is sent, so a field the model does not have (a password hash in a
/// database row) never leaves the server.
///
/// Put it closer to the handler than [`SerializeLayer`](crate::SerializeLayer) (on the route,
/// with the serializer on the router); it replaces the payload by an `M` and the serializer
/// writes that.
///
/// - **A payload that already is an `M`** (compared by `TypeId`) is left as it is: no
///   conversion, no extra serialization.
/// - **A payload of a type `T` with `M: From<T>`**, declared with [`from`](Self::from), is
///   converted by that `From`, without serialization.
/// - **A struct whose fields have `M`'s own types** (a row and its public model: the fields `M`
///   keeps, of the same Rust types, in `M`'s order, whatever else the struct has) is written as
///   `M` straight from the value, the other fields left out; no `M` is built (for `Vec<M>`, a
///   list of such structs, element by element). A value of `M`'s
///   own field types needs no check, as a payload that is an `M` needs none. The layer trusts
///   this shortcut only after it has seen that it gives what reading `M` gives: `M`'s
///   `Deserialize` reads a plain struct ([`Projection`](towerapi_encode::project::Projection)),
///   `M`'s schema for serialization lists exactly those fields, all always written (no
///   `skip_serializing_if`), and on the first 8 values that fit, the `M` read from each wrote
///   those fields as their own types (no `serialize_with`) and the bytes the shortcut gives
///   (one that differs turns it off for good). It needs the `openapi`
///   feature, for the schema. The payload then reads as neither type.
/// - **Any other payload** (a `serde_json::Value`, another struct) is read into `M` as a JSON
///   round trip would, through a flat token buffer ([`transcode`](towerapi_encode::transcode)),
///   without writing JSON or building a `serde_json::Value` tree. Once its response is sent,
///   the model is kept (up to 32 per layer, none read from more than 16 KiB of strings) and the
///   next one is read into it in place, reusing its strings' and lists' buffers (serde's
///   `deserialize_in_place`, which this crate turns on for derived types).
/// - **A payload that does not fit `M`** (a missing field, a wrong type) is a server fault: the
///   client gets `500`, `text/plain; charset=utf-8`, `Internal Server Error`, and a
///   [`ResponseValidationError`] with the serde path of the fault is logged at error level
///   (target `towerapi::response_model`), handed to [`on_error`](Self::on_error) and put into
///   the response extensions. The layer passes the inner body type through (axum does not
///   box it again): it drops the value and leaves the error, and the `SerializeLayer` outside
///   writes the 500 where it would have written the value.
/// - `Vec<M>` (FastAPI's `list[M]`) is a model like any other.
///
/// # Output options
/// As FastAPI's `response_model_exclude_unset`, `_exclude_defaults`, `_exclude_none`,
/// `_include`, `_exclude` and `_by_alias`. What "unset" means:
/// - for a payload read from another value (a JSON-like `serde_json::Value` from a store, a
///   `HashMap`, another struct), a field is unset when the payload had no such key, at every
///   depth: FastAPI's tutorial items `foo`, `bar`, `baz` give FastAPI's bytes;
/// - for a payload that is an `M` (or converted with `from`), Rust cannot tell a field that was
///   never set from one set to its default, so "unset" means "equal to `M::default()`'s value"
///   (top-level fields), as `exclude_defaults` does.
///
/// # Example
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// use http::Request;
/// use http_body_util::BodyExt;
/// use serde::{Deserialize, Serialize};
/// use tower::{service_fn, ServiceBuilder, ServiceExt};
/// use towerapi_encode::Reply;
/// use towerapi_layers::{ResponseModelLayer, SerializeLayer};
///
/// // With the `openapi` feature (on by default) the model describes itself in the document.
/// #[derive(Serialize, Deserialize)]
/// #[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
/// struct UserOut { username: String, email: Option<String> }
///
/// let svc = ServiceBuilder::new()
///     .layer(SerializeLayer::json())
///     .layer(ResponseModelLayer::<UserOut>::new())
///     .service(service_fn(|_req: Request<()>| async {
///         let row = serde_json::json!({"username": "alice", "password": "hunter2", "email": null});
///         Ok::<_, std::convert::Infallible>(Reply::new(row).into_http_response())
///     }));
/// let res = svc.oneshot(Request::new(())).await.unwrap();
/// let body = res.into_body().collect().await.unwrap().to_bytes();
/// assert_eq!(body, r#"{"username":"alice","email":null}"#);
/// # }
/// ```
#[must_use]
pub struct ResponseModelLayer<M> {
    config: Arc<Config<M>>,
}

impl<M> Clone for ResponseModelLayer<M> {
    fn clone(&self) -> Self {
        Self {
            config: self.config.clone(),
        }
    }
}

impl<M> fmt::Debug for ResponseModelLayer<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResponseModelLayer")
            .field("model", &std::any::type_name::<M>())
            .field("options", &self.config.options)
            .field("exclude_defaults", &self.config.exclude_defaults)
            .field("from", &self.config.from.len())
            .field("on_error", &self.config.on_error.as_ref().map(|_| "Fn"))
            .finish()
    }
}

impl<M> Default for ResponseModelLayer<M>
where
    M: Serialize + DeserializeOwned + Send + Sync + 'static,
{
    fn default() -> Self {
        Self::new()
    }
}

impl<M> ResponseModelLayer<M>
where
    M: Serialize + DeserializeOwned + Send + Sync + 'static,
{
    /// Checks payloads against `M`.
    pub fn new() -> Self {
        Self {
            config: Arc::new(Config {
                options: Options::default(),
                defaults: None,
                exclude_defaults: false,
                from: Vec::new(),
                on_error: None,
                pool: Arc::default(),
                fast: Arc::default(),
                _model: PhantomData,
            }),
        }
    }

    fn edit(mut self, f: impl FnOnce(&mut Config<M>)) -> Self {
        f(Arc::make_mut(&mut self.config));
        self
    }

    /// Converts a payload of type `T` with `M: From<T>`, with no serialization in between
    /// (FastAPI's "return the row, declare the public model").
    pub fn from<T>(self) -> Self
    where
        T: Serialize + Send + Sync + 'static,
        M: From<T>,
    {
        fn convert<T, M>(payload: &mut Payload) -> bool
        where
            T: Serialize + Send + Sync + 'static,
            M: From<T> + Serialize + Send + Sync + 'static,
        {
            payload.try_map::<T, M>(M::from)
        }
        self.edit(|c| c.from.push((TypeId::of::<T>(), convert::<T, M>)))
    }

    /// Leaves out fields whose value is null (FastAPI's `response_model_exclude_none`).
    pub fn exclude_none(self) -> Self {
        self.edit(|c| c.options.exclude_none = true)
    }

    /// Sends only the fields listed, as dotted paths: `["name", "owner.email", "items.*.name"]`
    /// (`*`, or `__all__`, is every element of a list; a number is one element). FastAPI's
    /// `response_model_include`. Paths name fields as they are written (serde names).
    pub fn include<I, P>(self, paths: I) -> Self
    where
        I: IntoIterator<Item = P>,
        P: AsRef<str>,
    {
        let node = PathNode::from_paths(paths);
        self.edit(|c| c.options.include = Some(node))
    }

    /// Leaves out the fields listed, as dotted paths: `["owner.password", "items.*.tax"]`.
    /// FastAPI's `response_model_exclude`; applied after `include`.
    pub fn exclude<I, P>(self, paths: I) -> Self
    where
        I: IntoIterator<Item = P>,
        P: AsRef<str>,
    {
        let node = PathNode::from_paths(paths);
        self.edit(|c| c.options.exclude = Some(node))
    }

    /// `true` (the default): fields are written under their serde names (FastAPI's aliases).
    /// `false`: under their Rust field names, derived as the snake_case of the serde name
    /// (`itemName` -> `item_name`), which is the field name whenever the alias comes from
    /// `rename_all` or a camelCase `rename`. FastAPI's `response_model_by_alias`.
    pub fn by_alias(self, by_alias: bool) -> Self {
        self.edit(|c| c.options.by_alias = by_alias)
    }

    /// Called with each validation failure, after it is logged.
    pub fn on_error<F>(self, hook: F) -> Self
    where
        F: Fn(&ResponseValidationError) + Send + Sync + 'static,
    {
        self.edit(|c| c.on_error = Some(Arc::new(hook)))
    }
}

impl<M> ResponseModelLayer<M>
where
    M: Serialize + DeserializeOwned + Default + Send + Sync + 'static,
{
    /// Leaves out fields that were not set (FastAPI's `response_model_exclude_unset`; see the
    /// type's documentation for what "unset" means for each kind of payload).
    pub fn exclude_unset(self) -> Self {
        let defaults = model_defaults::<M>();
        self.edit(|c| {
            c.options.exclude_unset = true;
            c.defaults = defaults;
        })
    }

    /// Leaves out top-level fields equal to `M::default()`'s (FastAPI's
    /// `response_model_exclude_defaults`).
    pub fn exclude_defaults(self) -> Self {
        let defaults = model_defaults::<M>();
        self.edit(|c| {
            c.exclude_defaults = true;
            c.defaults = defaults;
        })
    }
}

/// The defaults of the fields that have one, as serde sees them: a field whose absence `M`'s
/// `Deserialize` accepts (`Option`, `#[serde(default)]`) has a default, the value it then
/// takes; a required field has none and is never left out as "default". `M::default()` only
/// gives the list of fields.
fn model_defaults<M: Serialize + DeserializeOwned + Default>() -> Option<Vec<(String, Tokens)>> {
    let all = Tokens::from_value(&M::default()).ok()?.fields()?;
    let mut defaults = Vec::new();
    for (name, _) in &all {
        let others = Tokens::map_of(
            all.iter()
                .filter(|(k, _)| k != name)
                .map(|(k, v)| (k.as_str(), v)),
        );
        let Ok(model) = others.deserialize::<M>() else {
            continue;
        };
        let taken = Tokens::from_value(&model).ok().and_then(|t| t.fields());
        if let Some((_, value)) = taken.into_iter().flatten().find(|(k, _)| k == name) {
            defaults.push((name.clone(), value));
        }
    }
    Some(defaults)
}

#[cfg(not(feature = "openapi"))]
impl<S, M> Layer<S> for ResponseModelLayer<M> {
    type Service = ResponseModel<S, M>;

    fn layer(&self, inner: S) -> Self::Service {
        ResponseModel {
            inner,
            config: self.config.clone(),
        }
    }
}

/// With the `openapi` feature, the model describes itself, so it needs a schema.
#[cfg(feature = "openapi")]
impl<S, M> Layer<S> for ResponseModelLayer<M>
where
    M: schemars::JsonSchema + DeserializeOwned + 'static,
    Self: Send + Sync,
{
    type Service = ResponseModel<S, M>;

    fn layer(&self, inner: S) -> Self::Service {
        towerapi_openapi::note(self);
        self.config.fast.init(fast::plan_of::<M>);
        ResponseModel {
            inner,
            config: self.config.clone(),
        }
    }
}

/// The service of [`ResponseModelLayer`].
pub struct ResponseModel<S, M> {
    inner: S,
    config: Arc<Config<M>>,
}

impl<S: Clone, M> Clone for ResponseModel<S, M> {
    fn clone(&self) -> Self {
        Self {
            inner: self.inner.clone(),
            config: self.config.clone(),
        }
    }
}

impl<S: fmt::Debug, M> fmt::Debug for ResponseModel<S, M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResponseModel")
            .field("inner", &self.inner)
            .field("model", &std::any::type_name::<M>())
            .finish()
    }
}

impl<S, M> ResponseModel<S, M> {
    /// The inner service.
    pub fn get_ref(&self) -> &S {
        &self.inner
    }

    /// The inner service, mutably.
    pub fn get_mut(&mut self) -> &mut S {
        &mut self.inner
    }

    /// Unwraps the inner service.
    pub fn into_inner(self) -> S {
        self.inner
    }
}

impl<S, M, ReqBody, ResBody> Service<Request<ReqBody>> for ResponseModel<S, M>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>>,
    M: Serialize + DeserializeOwned + Send + Sync + 'static,
    ResBody: http_body::Body<Data = Bytes>,
{
    // The inner body as it is: this layer never writes a body of its own (a value that does
    // not fit is answered by the `SerializeLayer` outside), so axum does not box it again.
    type Response = Response<ResBody>;
    type Error = S::Error;
    type Future = ResponseFuture<S::Future, M>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request<ReqBody>) -> Self::Future {
        ResponseFuture {
            future: self.inner.call(req),
            config: Some(self.config.clone()),
        }
    }
}

pin_project! {
    /// The response future of [`ResponseModel`].
    pub struct ResponseFuture<F, M> {
        #[pin]
        future: F,
        config: Option<Arc<Config<M>>>,
    }
}

impl<F, M> fmt::Debug for ResponseFuture<F, M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResponseFuture").finish_non_exhaustive()
    }
}

impl<F, M, B, E> Future for ResponseFuture<F, M>
where
    F: Future<Output = Result<Response<B>, E>>,
    M: Serialize + DeserializeOwned + Send + Sync + 'static,
{
    type Output = Result<Response<B>, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let mut res = ready!(this.future.poll(cx))?;
        let config = this.config.take().expect("polled after completion");
        let Some(payload) = res.extensions_mut().get_mut::<Payload>() else {
            return Poll::Ready(Ok(res));
        };
        if let Err(error) = apply(&config, payload) {
            tracing::error!(
                target: "towerapi::response_model",
                model = error.model,
                payload = error.payload,
                path = %error.path,
                error = %error.kind(),
                "the response value does not fit the response model"
            );
            if let Some(hook) = &config.on_error {
                hook(&error);
            }
            fail(&mut res, error);
        }
        Poll::Ready(Ok(res))
    }
}

/// A value that does not fit: the value goes, and the response becomes FastAPI's 500 with the
/// error in its extensions. The body is still the `Reply`'s placeholder, whose bytes are the
/// 500's; the `SerializeLayer` outside, finding the error where it looks for a value, replaces
/// it with the 500's own body.
fn fail<B>(res: &mut Response<B>, error: ResponseValidationError) {
    res.extensions_mut().remove::<Payload>();
    let (parts, _) = internal_server_error().into_parts();
    *res.status_mut() = parts.status;
    *res.headers_mut() = parts.headers;
    res.extensions_mut().insert(error);
}

/// The keys of every object of a JSON value (for "exclude unset").
fn presence_of(value: &serde_json::Value) -> Presence {
    match value {
        serde_json::Value::Object(map) => Presence::Map(
            map.iter()
                .map(|(k, v)| (k.clone(), presence_of(v)))
                .collect(),
        ),
        serde_json::Value::Array(items) => Presence::Seq(items.iter().map(presence_of).collect()),
        _ => Presence::Leaf,
    }
}

/// The model's value, written with the output options.
struct Output<M> {
    value: Arc<M>,
    config: Arc<Config<M>>,
    presence: Option<Presence>,
}

impl<M: Serialize> Serialize for Output<M> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let c = &*self.config;
        // A typed payload has no record of what was set: "unset" falls back to the defaults.
        let use_defaults =
            c.exclude_defaults || (c.options.exclude_unset && self.presence.is_none());
        let ctx = Ctx {
            options: &c.options,
            include: c.options.include.as_ref(),
            exclude: c.options.exclude.as_ref(),
            presence: self.presence.as_ref(),
            defaults: if use_defaults {
                c.defaults.as_deref()
            } else {
                None
            },
        };
        Filtered {
            value: &*self.value,
            ctx,
        }
        .serialize(serializer)
    }
}

/// Checks and converts the payload in place (no new extension entry on the hot path).
fn apply<M>(config: &Arc<Config<M>>, payload: &mut Payload) -> Result<(), ResponseValidationError>
where
    M: Serialize + DeserializeOwned + Send + Sync + 'static,
{
    let filters = config.filters();
    if payload.is::<M>() && !filters {
        return Ok(());
    }
    let payload_type = payload.type_name();
    let (value, presence): (Arc<M>, Option<Presence>) = if let Some(value) =
        payload.downcast_arc::<M>()
    {
        (value, None)
    } else {
        if let Some((_, convert)) = config.from.iter().find(|(id, _)| *id == payload.type_id()) {
            if convert(payload) && !filters {
                return Ok(());
            }
        }
        match payload.downcast_arc::<M>() {
            Some(value) => (value, None),
            None => {
                // The model goes into its `Arc` where it is read, and only the pointer moves on:
                // a model is often a few hundred bytes, and each move of it is a copy.
                let (value, presence) =
                    if let Some(json) = payload.downcast_ref::<serde_json::Value>() {
                        // A JSON-like payload (FastAPI's dict) is a tree already: read the model from it.
                        let value: Arc<M> = match M::deserialize(json) {
                            Ok(value) => Arc::new(value),
                            Err(_) => {
                                Arc::new(serde_path_to_error::deserialize(json).map_err(|e| {
                                    ResponseValidationError::new::<M>(
                                        payload_type,
                                        e.path().to_string(),
                                        e.inner().to_string(),
                                    )
                                })?)
                            }
                        };
                        (
                            value,
                            (filters && config.options.exclude_unset).then(|| presence_of(json)),
                        )
                    } else if !filters {
                        // A struct with the model's fields, of the model's types: written as
                        // the model, with no model read (see `fast`).
                        if let Some(plan) = config.fast.ready() {
                            if payload.project(plan) {
                                return Ok(());
                            }
                        }
                        // The common case: read into a model kept from an earlier response,
                        // and lend it to the payload, which hands it back when sent.
                        let lent = Tokens::with_reused(|tokens| {
                            payload
                                .record_tokens(tokens)
                                .map_err(|e| unrecordable::<M>(payload_type, &e))?;
                            let read = match config.pool.take() {
                                Some(mut kept) => {
                                    tokens.deserialize_in_place(&mut *kept).map(|()| kept)
                                }
                                None => tokens.deserialize().map(Box::new),
                            };
                            let model = read.map_err(|e| unfitting::<M>(payload_type, &e))?;
                            if config.fast.sampling() {
                                config.fast.sample(payload, &*model);
                            }
                            Ok::<_, ResponseValidationError>((
                                model,
                                tokens.text_len() <= pool::MAX_TEXT,
                            ))
                        })?;
                        match lent {
                            (model, true) => payload.replace_lent(model, config.pool.back()),
                            (model, false) => payload.replace(*model),
                        }
                        return Ok(());
                    } else {
                        Tokens::with_reused(|tokens| {
                            payload
                                .record_tokens(tokens)
                                .map_err(|e| unrecordable::<M>(payload_type, &e))?;
                            let value: Arc<M> = Arc::new(
                                tokens
                                    .deserialize()
                                    .map_err(|e| unfitting::<M>(payload_type, &e))?,
                            );
                            let presence = (filters && config.options.exclude_unset)
                                .then(|| tokens.presence());
                            Ok::<_, ResponseValidationError>((value, presence))
                        })?
                    };
                if !filters {
                    payload.replace_arc(value);
                    return Ok(());
                }
                (value, presence)
            }
        }
    };
    payload.replace(Output {
        value,
        config: config.clone(),
        presence,
    });
    Ok(())
}

/// A value whose serde form cannot be recorded (a map key that is not a string...).
fn unrecordable<M>(
    payload_type: &'static str,
    error: &towerapi_encode::transcode::TranscodeError,
) -> ResponseValidationError {
    ResponseValidationError::new::<M>(payload_type, String::new(), error.to_string())
}

/// A value that does not fit the model, with the serde path of the fault.
fn unfitting<M>(
    payload_type: &'static str,
    error: &serde_path_to_error::Error<towerapi_encode::transcode::TranscodeError>,
) -> ResponseValidationError {
    ResponseValidationError::new::<M>(
        payload_type,
        error.path().to_string(),
        error.inner().to_string(),
    )
}

/// A handler's value that does not fit the route's response model (FastAPI's
/// `ResponseValidationError`). Logged and handed to the `on_error` hook; the client only sees
/// `500 Internal Server Error`. Also put into the 500 response's extensions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResponseValidationError {
    model: &'static str,
    payload: &'static str,
    path: String,
    message: String,
}

impl ResponseValidationError {
    fn new<M>(payload: &'static str, path: String, message: String) -> Self {
        Self {
            model: std::any::type_name::<M>(),
            payload,
            path,
            message,
        }
    }

    /// The model's Rust type.
    pub fn model(&self) -> &'static str {
        self.model
    }

    /// The Rust type of the value the handler returned.
    pub fn payload_type(&self) -> &'static str {
        self.payload
    }

    /// Where in the value the fault is, as serde_path_to_error writes it (`items[1].price`; `.`
    /// for the value itself).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// What is wrong there, as serde says it (`missing field `price``, `invalid type: string
    /// "x", expected f64`). It can quote the value: for your own use, never a log line or a
    /// response; [`kind`](Self::kind) is what is logged.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// What is wrong there without any part of the value: `invalid type, expected f64`,
    /// `missing field `price`` (the model's field name), `unknown field, expected one of ...`.
    /// This is what the layer logs and what `Display` writes.
    pub fn kind(&self) -> String {
        let m = self.message.as_str();
        // What serde says was expected describes the model, not the value.
        let expected = m.rfind(", expected ").map_or("", |i| &m[i..]);
        for (prefix, keep_rest) in [
            ("missing field ", true),
            ("duplicate field ", true),
            ("invalid length ", true),
            ("invalid type", false),
            ("invalid value", false),
            ("unknown field", false),
            ("unknown variant", false),
        ] {
            if m.starts_with(prefix) {
                return if keep_rest {
                    m.to_owned()
                } else {
                    format!("{}{expected}", prefix.trim_end())
                };
            }
        }
        format!("invalid value{expected}")
    }
}

impl fmt::Display for ResponseValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the response value (`{}`) does not fit the model `{}` at `{}`: {}",
            self.payload,
            self.model,
            self.path,
            self.kind()
        )
    }
}

impl std::error::Error for ResponseValidationError {}
