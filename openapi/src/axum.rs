//! The collector for axum: [`ApiRouter`] and [`ApiMethodRouter`] mirror axum's `Router` and
//! `MethodRouter`, forward every call to them, and record per (method, path) the describing
//! layers that wrap the route, with axum's own rules: a router's `layer` and `route_layer`
//! cover the routes present at the time of the call, a method router's `layer` the methods
//! present.

use std::convert::Infallible;
use std::fmt;
use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};

use axum::extract::Request;
use axum::handler::Handler;
use axum::response::IntoResponse;
use axum::routing::{MethodFilter, MethodRouter, Route};
use axum::Router;
use http::Method;
use tower_layer::Layer;
use tower_service::Service;

use crate::collect::{build, check_path, handler_name, OpEntry, OperationSpec, OutputFn};
use crate::describe::{describe_layer, panic_message, DocProbe};
use crate::output::DescribeOutput;
use crate::{DescribeCx, DocError, Info, OpenApi};

/// A handler whose return type documents its response: every axum handler (async function or
/// closure) whose output implements [`DescribeOutput`]. Wrap others with [`undocumented`].
///
/// ```compile_fail
/// use axum::response::IntoResponse;
/// use towerapi_openapi::{get, ApiRouter};
///
/// async fn opaque() -> impl IntoResponse { "hello" }
///
/// // `impl IntoResponse` says nothing the document could use:
/// let _ = ApiRouter::<()>::new().route("/", get(opaque));
/// ```
///
/// ```
/// use axum::response::IntoResponse;
/// use towerapi_openapi::{get, undocumented, ApiRouter};
///
/// async fn opaque() -> impl IntoResponse { "hello" }
///
/// let _ = ApiRouter::<()>::new().route("/", get(undocumented(opaque)));
/// ```
#[diagnostic::on_unimplemented(
    message = "the return type of this handler does not describe itself in the OpenAPI document",
    label = "its output does not implement `DescribeOutput`",
    note = "return `Reply<T>` with `T: JsonSchema`, `axum::Json<T>`, a `Response`, ..., or route it as `get(undocumented(handler))`"
)]
pub trait HandlerDoc<T, S> {
    /// Documents the handler's output.
    ///
    /// # Errors
    /// What the output's [`DescribeOutput`] returns.
    fn describe_output(cx: &mut DescribeCx<'_>) -> Result<(), DocError>;

    /// The function's name (`read_me`), for FastAPI's operationId and summary; `None` for a
    /// closure.
    fn name() -> Option<&'static str>;
}

impl<F, Fut, S> HandlerDoc<((),), S> for F
where
    F: FnOnce() -> Fut,
    Fut: Future,
    Fut::Output: DescribeOutput,
{
    fn describe_output(cx: &mut DescribeCx<'_>) -> Result<(), DocError> {
        Fut::Output::describe_output(cx)
    }

    fn name() -> Option<&'static str> {
        handler_name::<F>()
    }
}

macro_rules! handler_doc {
    ([$($ty:ident),*], $last:ident) => {
        impl<F, Fut, S, M, $($ty,)* $last> HandlerDoc<(M, $($ty,)* $last,), S> for F
        where
            F: FnOnce($($ty,)* $last,) -> Fut,
            Fut: Future,
            Fut::Output: DescribeOutput,
        {
            fn describe_output(cx: &mut DescribeCx<'_>) -> Result<(), DocError> {
                Fut::Output::describe_output(cx)
            }

            fn name() -> Option<&'static str> {
                handler_name::<F>()
            }
        }
    };
}

handler_doc!([], T1);
handler_doc!([T1], T2);
handler_doc!([T1, T2], T3);
handler_doc!([T1, T2, T3], T4);
handler_doc!([T1, T2, T3, T4], T5);
handler_doc!([T1, T2, T3, T4, T5], T6);
handler_doc!([T1, T2, T3, T4, T5, T6], T7);
handler_doc!([T1, T2, T3, T4, T5, T6, T7], T8);
handler_doc!([T1, T2, T3, T4, T5, T6, T7, T8], T9);
handler_doc!([T1, T2, T3, T4, T5, T6, T7, T8, T9], T10);
handler_doc!([T1, T2, T3, T4, T5, T6, T7, T8, T9, T10], T11);
handler_doc!([T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11], T12);
handler_doc!([T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12], T13);
handler_doc!(
    [T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12, T13],
    T14
);
handler_doc!(
    [T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12, T13, T14],
    T15
);
handler_doc!(
    [T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12, T13, T14, T15],
    T16
);

/// A handler whose return type documents nothing (`impl IntoResponse`): its layers still
/// document the route. Made by [`undocumented`].
#[derive(Clone, Copy, Debug)]
pub struct Undocumented<H>(pub H);

/// Routes a handler whose return type cannot document itself (`-> impl IntoResponse`):
/// `get(undocumented(handler))`. Its layers (security, class, status) still describe it.
pub fn undocumented<H>(handler: H) -> Undocumented<H> {
    Undocumented(handler)
}

impl<H, T, S> Handler<T, S> for Undocumented<H>
where
    H: Handler<T, S>,
{
    type Future = H::Future;

    fn call(self, req: Request, state: S) -> Self::Future {
        self.0.call(req, state)
    }
}

impl<H: Handler<T, S>, T, S> HandlerDoc<T, S> for Undocumented<H> {
    fn describe_output(_cx: &mut DescribeCx<'_>) -> Result<(), DocError> {
        Ok(())
    }

    fn name() -> Option<&'static str> {
        None
    }
}

/// axum's [`MethodRouter`] and, per method, the describing layers that wrap it.
///
/// Made by [`get`], [`post`], ... and chained as axum's (`get(a).post(b)`). The extras
/// ([`summary`](Self::summary), [`tag`](Self::tag), ...) apply to the method added last.
#[must_use]
pub struct ApiMethodRouter<S = (), E = Infallible> {
    router: MethodRouter<S, E>,
    ops: Vec<OpEntry>,
    errors: Vec<DocError>,
}

impl<S, E> fmt::Debug for ApiMethodRouter<S, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiMethodRouter")
            .field("ops", &self.ops)
            .field("errors", &self.errors)
            .finish_non_exhaustive()
    }
}

fn entry<H: HandlerDoc<T, S>, T, S>(method: Method) -> OpEntry {
    let output: OutputFn = H::describe_output;
    OpEntry {
        method,
        path: String::new(),
        layers: Vec::new(),
        spec: OperationSpec {
            output: Some(output),
            handler_name: H::name(),
            ..OperationSpec::default()
        },
    }
}

fn filter(method: &Method) -> MethodFilter {
    match *method {
        Method::GET => MethodFilter::GET,
        Method::POST => MethodFilter::POST,
        Method::PUT => MethodFilter::PUT,
        Method::DELETE => MethodFilter::DELETE,
        Method::PATCH => MethodFilter::PATCH,
        Method::HEAD => MethodFilter::HEAD,
        Method::OPTIONS => MethodFilter::OPTIONS,
        _ => MethodFilter::TRACE,
    }
}

macro_rules! top_level {
    ($($(#[$doc:meta])* $name:ident => $method:ident),*) => {$(
        $(#[$doc])*
        pub fn $name<H, T, S>(handler: H) -> ApiMethodRouter<S, Infallible>
        where
            H: Handler<T, S> + HandlerDoc<T, S>,
            T: 'static,
            S: Clone + Send + Sync + 'static,
        {
            ApiMethodRouter::new().on(Method::$method, handler)
        }
    )*};
}

top_level!(
    /// axum's `get`: also answers HEAD, which is not documented apart.
    get => GET,
    /// axum's `post`.
    post => POST,
    /// axum's `put`.
    put => PUT,
    /// axum's `delete`.
    delete => DELETE,
    /// axum's `patch`.
    patch => PATCH,
    /// axum's `head`.
    head => HEAD,
    /// axum's `options`.
    options => OPTIONS,
    /// axum's `trace`.
    trace => TRACE
);

macro_rules! chained {
    ($($(#[$doc:meta])* $name:ident => $method:ident),*) => {$(
        $(#[$doc])*
        pub fn $name<H, T>(self, handler: H) -> Self
        where
            H: Handler<T, S> + HandlerDoc<T, S>,
            T: 'static,
        {
            self.on(Method::$method, handler)
        }
    )*};
}

impl<S> Default for ApiMethodRouter<S, Infallible>
where
    S: Clone + Send + Sync + 'static,
{
    fn default() -> Self {
        Self::new()
    }
}

impl<S> ApiMethodRouter<S, Infallible>
where
    S: Clone + Send + Sync + 'static,
{
    /// No methods yet.
    pub fn new() -> Self {
        Self {
            router: MethodRouter::new(),
            ops: Vec::new(),
            errors: Vec::new(),
        }
    }

    /// The handler for `method` (one of GET, POST, PUT, DELETE, PATCH, HEAD, OPTIONS, TRACE).
    pub fn on<H, T>(mut self, method: Method, handler: H) -> Self
    where
        H: Handler<T, S> + HandlerDoc<T, S>,
        T: 'static,
    {
        if self.ops.iter().any(|o| o.method == method) {
            // axum: "Overlapping method route". The path is filled in by `ApiRouter::route`.
            self.errors.push(DocError::DuplicateOperation {
                method: method.to_string(),
                path: String::new(),
            });
            return self;
        }
        self.router = self.router.on(filter(&method), handler);
        self.ops.push(entry::<H, T, S>(method));
        self
    }

    chained!(
        /// Adds a GET handler.
        get => GET,
        /// Adds a POST handler.
        post => POST,
        /// Adds a PUT handler.
        put => PUT,
        /// Adds a DELETE handler.
        delete => DELETE,
        /// Adds a PATCH handler.
        patch => PATCH,
        /// Adds a HEAD handler.
        head => HEAD,
        /// Adds an OPTIONS handler.
        options => OPTIONS,
        /// Adds a TRACE handler.
        trace => TRACE
    );

    /// axum's `MethodRouter::fallback`: answers the methods not routed (not documented).
    pub fn fallback<H, T>(mut self, handler: H) -> Self
    where
        H: Handler<T, S>,
        T: 'static,
    {
        self.router = self.router.fallback(handler);
        self
    }
}

impl<S, E> ApiMethodRouter<S, E>
where
    S: Clone + Send + Sync + 'static,
    E: 'static,
{
    fn last(mut self, f: impl FnOnce(OperationSpec) -> OperationSpec) -> Self {
        if let Some(op) = self.ops.last_mut() {
            op.spec = f(std::mem::take(&mut op.spec));
        }
        self
    }

    /// The summary of the method added last.
    pub fn summary(self, summary: impl Into<String>) -> Self {
        self.last(|op| op.summary(summary))
    }

    /// The description of the method added last.
    pub fn description(self, description: impl Into<String>) -> Self {
        self.last(|op| op.description(description))
    }

    /// A tag for the method added last.
    pub fn tag(self, tag: impl Into<String>) -> Self {
        self.last(|op| op.tag(tag))
    }

    /// The operationId of the method added last.
    pub fn operation_id(self, id: impl Into<String>) -> Self {
        self.last(|op| op.operation_id(id))
    }

    /// Marks the method added last deprecated.
    pub fn deprecated(self) -> Self {
        self.last(OperationSpec::deprecated)
    }

    /// One more documented response of the method added last.
    pub fn response(self, status: u16, response: crate::model::Response) -> Self {
        self.last(|op| op.response(status, response))
    }

    /// One more describer for the method added last (an extractor's, such as the password
    /// form's).
    pub fn describe<D: crate::Describe>(self, describer: D) -> Self {
        self.last(|op| op.describe(describer))
    }

    /// Marks the method added last as needing no security
    /// ([`ApiRouter::require_security`]).
    pub fn public(self) -> Self {
        self.last(OperationSpec::public)
    }

    /// Any extras for the method added last, in one closure.
    pub fn with(self, f: impl FnOnce(OperationSpec) -> OperationSpec) -> Self {
        self.last(f)
    }

    /// axum's `MethodRouter::layer`: wraps every method present, in the server and in the
    /// document.
    pub fn layer<L, NewError>(mut self, layer: L) -> ApiMethodRouter<S, NewError>
    where
        L: Layer<Route<E>> + Layer<DocProbe> + Clone + Send + Sync + 'static,
        <L as Layer<Route<E>>>::Service: Service<Request> + Clone + Send + Sync + 'static,
        <<L as Layer<Route<E>>>::Service as Service<Request>>::Response: IntoResponse + 'static,
        <<L as Layer<Route<E>>>::Service as Service<Request>>::Error: Into<NewError> + 'static,
        <<L as Layer<Route<E>>>::Service as Service<Request>>::Future: Send + 'static,
        NewError: 'static,
    {
        let router = match describe_layer(&layer) {
            Ok(found) => {
                self.ops.iter_mut().for_each(|o| o.wrap(&found));
                self.router.layer(layer)
            }
            Err(e) => {
                // `finish` reports it; the method router is left empty.
                self.errors.push(e);
                MethodRouter::new()
            }
        };
        ApiMethodRouter {
            router,
            ops: self.ops,
            errors: self.errors,
        }
    }

    /// axum's `MethodRouter::route_layer`: the same for the document.
    pub fn route_layer<L>(mut self, layer: L) -> Self
    where
        L: Layer<Route<E>> + Layer<DocProbe> + Clone + Send + Sync + 'static,
        <L as Layer<Route<E>>>::Service:
            Service<Request, Error = E> + Clone + Send + Sync + 'static,
        <<L as Layer<Route<E>>>::Service as Service<Request>>::Response: IntoResponse + 'static,
        <<L as Layer<Route<E>>>::Service as Service<Request>>::Future: Send + 'static,
    {
        match describe_layer(&layer) {
            Ok(found) => {
                self.ops.iter_mut().for_each(|o| o.wrap(&found));
                self.router = self.router.route_layer(layer);
            }
            Err(e) => self.errors.push(e),
        }
        self
    }
}

/// axum's [`Router`] and, per (method, path), the describing layers that wrap the route.
///
/// Every axum call is forwarded with axum's semantics; what axum would panic on (a route
/// twice, a bad path, `route_layer` before any route) is recorded and returned by
/// [`finish`](ApiRouter::finish) as a [`DocError`], and the offending call is not forwarded.
///
/// # Example
/// ```
/// use towerapi_openapi::{get, ApiRouter, Info};
///
/// async fn health() -> &'static str { "ok" }
///
/// let (router, doc) = ApiRouter::new()
///     .route("/health", get(health).summary("Liveness"))
///     .finish(Info::new("svc", "1.0.0"))
///     .unwrap();
/// # let _: axum::Router = router;
/// let op = doc.operation("get", "/health").unwrap();
/// assert_eq!(op.operation_id, "health_health_get");
/// assert_eq!(op.summary.as_deref(), Some("Liveness"));
/// ```
#[must_use]
pub struct ApiRouter<S = ()> {
    router: Router<S>,
    ops: Vec<OpEntry>,
    errors: Vec<DocError>,
    require_security: bool,
}

impl<S> fmt::Debug for ApiRouter<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiRouter")
            .field("ops", &self.ops)
            .field("errors", &self.errors)
            .field("require_security", &self.require_security)
            .finish_non_exhaustive()
    }
}

impl<S> Default for ApiRouter<S>
where
    S: Clone + Send + Sync + 'static,
{
    fn default() -> Self {
        Self::new()
    }
}

/// axum 0.8's `path_for_nested_route`.
fn nested_path(prefix: &str, path: &str) -> String {
    if prefix.ends_with('/') {
        format!("{prefix}{}", path.trim_start_matches('/'))
    } else if path == "/" {
        prefix.to_owned()
    } else {
        format!("{prefix}{path}")
    }
}

/// Runs an axum call that may panic (a conflicting route) and turns the panic into a
/// [`DocError::InvalidPath`]. The router is moved in, not cloned (a shared router would copy
/// its whole route table on every call); after a panic it is left empty, which does not matter
/// because `finish` then returns the error.
fn guarded<S: Clone + Send + Sync + 'static>(
    router: &mut Router<S>,
    path: &str,
    f: impl FnOnce(Router<S>) -> Router<S>,
) -> Result<(), DocError> {
    let taken = std::mem::replace(router, Router::new());
    match catch_unwind(AssertUnwindSafe(|| f(taken))) {
        Ok(r) => {
            *router = r;
            Ok(())
        }
        Err(panic) => Err(DocError::InvalidPath {
            path: path.to_owned(),
            reason: panic_message(&*panic),
        }),
    }
}

impl<S> ApiRouter<S>
where
    S: Clone + Send + Sync + 'static,
{
    /// No routes yet.
    pub fn new() -> Self {
        Self {
            router: Router::new(),
            ops: Vec::new(),
            errors: Vec::new(),
            require_security: false,
        }
    }

    /// Adds operations unless one is present already; `false` (and an error recorded) if so.
    fn take_ops(&mut self, ops: &[OpEntry]) -> bool {
        let mut ok = true;
        for op in ops {
            let dup = self
                .ops
                .iter()
                .any(|o| o.method == op.method && o.path == op.path)
                || ops
                    .iter()
                    .filter(|o| o.method == op.method && o.path == op.path)
                    .count()
                    > 1;
            if dup {
                self.errors.push(DocError::DuplicateOperation {
                    method: op.method.to_string(),
                    path: op.path.clone(),
                });
                ok = false;
            }
        }
        ok
    }

    /// axum's `Router::route`, documented.
    pub fn route(mut self, path: &str, method_router: ApiMethodRouter<S>) -> Self {
        self.errors
            .extend(method_router.errors.into_iter().map(|mut e| {
                if let DocError::DuplicateOperation { path: p, .. } = &mut e {
                    if p.is_empty() {
                        path.clone_into(p);
                    }
                }
                e
            }));
        if let Err(e) = check_path(path) {
            self.errors.push(e);
            return self;
        }
        let ops: Vec<OpEntry> = method_router
            .ops
            .into_iter()
            .map(|mut o| {
                o.path = path.to_owned();
                o
            })
            .collect();
        if !self.take_ops(&ops) {
            return self;
        }
        let mr = method_router.router;
        match guarded(&mut self.router, path, |r| r.route(path, mr)) {
            Ok(()) => self.ops.extend(ops),
            Err(e) => self.errors.push(e),
        }
        self
    }

    /// axum's `Router::route`, not documented: for routes the document must not show.
    pub fn route_undocumented(mut self, path: &str, method_router: MethodRouter<S>) -> Self {
        if let Err(e) = guarded(&mut self.router, path, |r| r.route(path, method_router)) {
            self.errors.push(e);
        }
        self
    }

    /// axum's `Router::route_service`: served, not documented (a service says nothing about
    /// its methods).
    pub fn route_service<T>(mut self, path: &str, service: T) -> Self
    where
        T: Service<Request, Error = Infallible> + Clone + Send + Sync + 'static,
        T::Response: IntoResponse,
        T::Future: Send + 'static,
    {
        if let Err(e) = guarded(&mut self.router, path, |r| r.route_service(path, service)) {
            self.errors.push(e);
        }
        self
    }

    /// axum's `Router::nest`: the other router's operations under `prefix`.
    pub fn nest(mut self, prefix: &str, other: ApiRouter<S>) -> Self {
        self.errors.extend(other.errors);
        if prefix.is_empty() || prefix == "/" {
            self.errors.push(DocError::InvalidPath {
                path: prefix.to_owned(),
                reason: "nesting at the root is not supported; use merge".to_owned(),
            });
            return self;
        }
        if let Err(e) = check_path(prefix) {
            self.errors.push(e);
            return self;
        }
        let ops: Vec<OpEntry> = other
            .ops
            .into_iter()
            .map(|mut o| {
                o.path = nested_path(prefix, &o.path);
                o
            })
            .collect();
        if !self.take_ops(&ops) {
            return self;
        }
        let nested = other.router;
        match guarded(&mut self.router, prefix, |r| r.nest(prefix, nested)) {
            Ok(()) => self.ops.extend(ops),
            Err(e) => self.errors.push(e),
        }
        self
    }

    /// axum's `Router::nest_service`: served, not documented.
    pub fn nest_service<T>(mut self, prefix: &str, service: T) -> Self
    where
        T: Service<Request, Error = Infallible> + Clone + Send + Sync + 'static,
        T::Response: IntoResponse,
        T::Future: Send + 'static,
    {
        if let Err(e) = guarded(&mut self.router, prefix, |r| {
            r.nest_service(prefix, service)
        }) {
            self.errors.push(e);
        }
        self
    }

    /// axum's `Router::merge`, documented; a plain axum `Router` merges with
    /// [`merge_undocumented`](Self::merge_undocumented).
    pub fn merge(mut self, other: ApiRouter<S>) -> Self {
        self.errors.extend(other.errors);
        if !self.take_ops(&other.ops) {
            return self;
        }
        let merged = other.router;
        match guarded(&mut self.router, "(merge)", |r| r.merge(merged)) {
            Ok(()) => self.ops.extend(other.ops),
            Err(e) => self.errors.push(e),
        }
        self
    }

    /// Merges a plain axum `Router`: served, not documented.
    pub fn merge_undocumented(mut self, other: Router<S>) -> Self {
        if let Err(e) = guarded(&mut self.router, "(merge)", |r| r.merge(other)) {
            self.errors.push(e);
        }
        self
    }

    /// axum's `Router::layer`: the routes present now get the layer, in the server and in the
    /// document (not routes added later, as in axum).
    pub fn layer<L>(mut self, layer: L) -> Self
    where
        L: Layer<Route> + Layer<DocProbe> + Clone + Send + Sync + 'static,
        <L as Layer<Route>>::Service: Service<Request> + Clone + Send + Sync + 'static,
        <<L as Layer<Route>>::Service as Service<Request>>::Response: IntoResponse + 'static,
        <<L as Layer<Route>>::Service as Service<Request>>::Error: Into<Infallible> + 'static,
        <<L as Layer<Route>>::Service as Service<Request>>::Future: Send + 'static,
    {
        match describe_layer(&layer) {
            Ok(found) => {
                self.ops.iter_mut().for_each(|o| o.wrap(&found));
                self.router = self.router.layer(layer);
            }
            Err(e) => self.errors.push(e),
        }
        self
    }

    /// axum's `Router::route_layer`.
    pub fn route_layer<L>(mut self, layer: L) -> Self
    where
        L: Layer<Route> + Layer<DocProbe> + Clone + Send + Sync + 'static,
        <L as Layer<Route>>::Service: Service<Request> + Clone + Send + Sync + 'static,
        <<L as Layer<Route>>::Service as Service<Request>>::Response: IntoResponse + 'static,
        <<L as Layer<Route>>::Service as Service<Request>>::Error: Into<Infallible> + 'static,
        <<L as Layer<Route>>::Service as Service<Request>>::Future: Send + 'static,
    {
        if !self.router.has_routes() {
            self.errors.push(DocError::RouteLayerWithoutRoutes);
            return self;
        }
        match describe_layer(&layer) {
            Ok(found) => {
                self.ops.iter_mut().for_each(|o| o.wrap(&found));
                self.router = self.router.route_layer(layer);
            }
            Err(e) => self.errors.push(e),
        }
        self
    }

    /// axum's `Router::fallback` (not documented).
    pub fn fallback<H, T>(mut self, handler: H) -> Self
    where
        H: Handler<T, S>,
        T: 'static,
    {
        self.router = self.router.fallback(handler);
        self
    }

    /// axum's `Router::with_state`.
    pub fn with_state<S2>(self, state: S) -> ApiRouter<S2> {
        ApiRouter {
            router: self.router.with_state(state),
            ops: self.ops,
            errors: self.errors,
            require_security: self.require_security,
        }
    }

    /// Makes [`finish`](ApiRouter::finish) fail, naming the routes, when a route has no security
    /// layer and was not marked [`public`](ApiMethodRouter::public).
    pub fn require_security(mut self) -> Self {
        self.require_security = true;
        self
    }
}

impl ApiRouter<()> {
    /// The router to serve (with its state applied, so no layer runs again per request) and
    /// its document.
    ///
    /// # Errors
    /// The first [`DocError`] recorded while routing, else the first met while describing.
    pub fn finish(self, info: Info) -> Result<(Router, OpenApi), DocError> {
        if let Some(e) = self.errors.into_iter().next() {
            return Err(e);
        }
        let doc = build(info, &self.ops, &[], self.require_security)?;
        Ok((self.router.with_state(()), doc))
    }
}
