//! [`AuthLayer`]: one mechanism for every scheme.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{ready, Context, Poll};

use bytes::Bytes;
use http::request::Parts;
use http::{header, Request, Response};
use pin_project_lite::pin_project;
use tower_layer::Layer;
use tower_service::Service;
use towerapi_encode::{Body, BoxError, LayerBody};

use crate::scopes::{check_required, Refusal, ScopesUnknown};
use crate::{AuthError, GrantedScopes, Principal, Scheme};

/// Turns credentials into a principal, or rejects: FastAPI's `get_current_user` dependency.
///
/// Implemented for async functions `async fn(Credentials, &Parts) -> Result<P, AuthError>`
/// (and closures returning a future that does not borrow the parts).
pub trait Verify<C>: Clone + Send + Sync + 'static {
    /// What a successful verification gives (a user); stored as [`Principal<P>`].
    type Principal: Clone + Send + Sync + 'static;
    /// `true` for [`NoVerify`]: the layer then calls the inner service without waiting.
    const PASSTHROUGH: bool = false;

    /// The scopes a principal holds, when the verifier knows them (a JWT's): the layer then
    /// stores them as [`GrantedScopes`](crate::GrantedScopes), and the scopes the request requires
    /// ([`ScopesLayer`](crate::ScopesLayer)) are checked against them.
    ///
    /// The list is shared, not copied: a JWT's claims hold theirs in an [`Arc`].
    fn granted_scopes(_principal: &Self::Principal) -> Option<Arc<[String]>> {
        None
    }

    /// Verifies the credentials of a request.
    fn verify<'a>(
        &'a self,
        credentials: C,
        parts: &'a Parts,
    ) -> impl Future<Output = Result<Self::Principal, AuthError>> + Send + 'a;

    /// Verifies at once, when this verifier can answer without waiting (a JWT checked with keys
    /// in memory, a token from the verified-token cache, a [`verify_sync`](AuthLayer::verify_sync)
    /// function): the layer then calls the inner service directly, with no boxed future, and
    /// moves the credentials into the request extensions instead of cloning them. `None` when
    /// the answer needs to wait: the layer then calls [`verify`](Self::verify). Default: `None`.
    fn verify_now(
        &self,
        _credentials: &C,
        _parts: &Parts,
    ) -> Option<Result<Self::Principal, AuthError>> {
        None
    }

    /// Whether this verifier's bearer challenges carry RFC 6750's error codes (see
    /// [`JwtVerifier::rfc6750_errors`](crate::jwt::JwtVerifier::rfc6750_errors)): the layer then
    /// marks the request so that a scope refusal says `error="insufficient_scope"`. Default:
    /// `false`, FastAPI's bytes.
    fn bearer_error_codes(&self) -> bool {
        false
    }

    /// A last check, after the layer checked the granted scopes against the required ones
    /// (FastAPI's `get_current_active_user` after `get_current_user`). Default: none.
    ///
    /// # Errors
    /// The answer to send instead of calling the inner service.
    fn authorize(&self, _principal: &Self::Principal, _parts: &Parts) -> Result<(), AuthError> {
        Ok(())
    }

    /// Puts the principal into the request extensions; by default as
    /// [`Principal<Self::Principal>`](Principal).
    fn store(principal: Self::Principal, extensions: &mut http::Extensions) {
        extensions.insert(Principal(principal));
    }
}

/// No verification: the credentials go to the handler as they were read.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoVerify;

impl<C: Send + 'static> Verify<C> for NoVerify {
    type Principal = ();
    const PASSTHROUGH: bool = true;

    fn verify<'a>(
        &'a self,
        _credentials: C,
        _parts: &'a Parts,
    ) -> impl Future<Output = Result<(), AuthError>> + Send + 'a {
        std::future::ready(Ok(()))
    }
}

/// An async function `(Credentials, &'a Parts) -> impl Future + 'a` (an `async fn` taking
/// `&Parts` is one).
pub trait VerifyCall<'a, C>: Fn(C, &'a Parts) -> <Self as VerifyCall<'a, C>>::Fut {
    /// Its future.
    type Fut: Future<Output = Result<Self::Principal, AuthError>> + Send + 'a;
    /// The principal.
    type Principal;
}

impl<'a, C, F, Fut, P> VerifyCall<'a, C> for F
where
    F: Fn(C, &'a Parts) -> Fut,
    Fut: Future<Output = Result<P, AuthError>> + Send + 'a,
{
    type Fut = Fut;
    type Principal = P;
}

/// A verifier followed by a second step on its principal (FastAPI's `get_current_user` after the
/// token check: look the user up), and optionally a last check after the scope check
/// (`get_current_active_user`: refuse a disabled user). Made by [`AuthLayer::and_then`] and
/// [`AuthLayer::authorize`]. The first verifier's granted scopes are kept; the handler gets
/// [`Principal<P>`] with the second step's `P`.
#[derive(Clone)]
pub struct AndThen<V, F, G = NoCheck> {
    first: V,
    then: F,
    check: G,
}

impl<V, F, G> fmt::Debug for AndThen<V, F, G> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AndThen")
            .field("first", &std::any::type_name::<V>())
            .field("then", &std::any::type_name::<F>())
            .field("check", &std::any::type_name::<G>())
            .finish()
    }
}

/// The last check of an [`AndThen`]: none, or a function of the principal and the request head
/// (see [`AuthLayer::authorize`]).
pub trait Check<P>: Clone + Send + Sync + 'static {
    /// `Ok` to go on, or the answer.
    ///
    /// # Errors
    /// The answer to send instead of calling the inner service.
    fn check(&self, principal: &P, parts: &Parts) -> Result<(), AuthError>;
}

/// No last check.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoCheck;

impl<P> Check<P> for NoCheck {
    fn check(&self, _principal: &P, _parts: &Parts) -> Result<(), AuthError> {
        Ok(())
    }
}

/// A function as a [`Check`].
#[derive(Clone, Copy)]
pub struct CheckFn<G>(G);

impl<G> fmt::Debug for CheckFn<G> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(std::any::type_name::<G>())
    }
}

impl<P, G> Check<P> for CheckFn<G>
where
    G: Fn(&P, &Parts) -> Result<(), AuthError> + Clone + Send + Sync + 'static,
{
    fn check(&self, principal: &P, parts: &Parts) -> Result<(), AuthError> {
        (self.0)(principal, parts)
    }
}

/// The principal of an [`AndThen`] while the layer works: the second step's, with the scopes
/// the first one granted. Handlers get [`Principal<P>`] (and the scopes as
/// [`GrantedScopes`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WithScopes<P> {
    /// What the second step returned.
    pub principal: P,
    /// The scopes the first step granted, if it knew them.
    pub scopes: Option<Arc<[String]>>,
}

impl<C, V, F, G, P> Verify<C> for AndThen<V, F, G>
where
    C: Send + 'static,
    V: Verify<C>,
    F: for<'a> VerifyCall<'a, V::Principal, Principal = P> + Clone + Send + Sync + 'static,
    G: Check<P>,
    P: Clone + Send + Sync + 'static,
{
    type Principal = WithScopes<P>;

    fn granted_scopes(principal: &WithScopes<P>) -> Option<Arc<[String]>> {
        principal.scopes.clone()
    }

    fn bearer_error_codes(&self) -> bool {
        self.first.bearer_error_codes()
    }

    fn authorize(&self, principal: &WithScopes<P>, parts: &Parts) -> Result<(), AuthError> {
        self.check.check(&principal.principal, parts)
    }

    fn store(principal: WithScopes<P>, extensions: &mut http::Extensions) {
        extensions.insert(Principal(principal.principal));
    }

    async fn verify<'a>(
        &'a self,
        credentials: C,
        parts: &'a Parts,
    ) -> Result<WithScopes<P>, AuthError> {
        let first = self.first.verify(credentials, parts).await?;
        let scopes = V::granted_scopes(&first);
        let principal = (self.then)(first, parts).await?;
        Ok(WithScopes { principal, scopes })
    }
}

/// A function as a [`Verify`]: what [`AuthLayer::verify`] uses, and [`verify_fn`] makes for a
/// verifier of its own (a branch of [`VerifyEach`](crate::VerifyEach)).
#[derive(Clone)]
pub struct VerifyFn<F>(F);

/// An async function of the credentials and the request head as a [`Verify`] (see
/// [`AuthLayer::verify`] for the signature).
pub fn verify_fn<C, F, P>(f: F) -> VerifyFn<F>
where
    C: Send + 'static,
    F: for<'a> VerifyCall<'a, C, Principal = P> + Clone + Send + Sync + 'static,
    P: Clone + Send + Sync + 'static,
{
    VerifyFn(f)
}

/// [`verify_fn`] for a function that also reports the scopes it grants, as
/// [`AuthLayer::verify_scoped`] takes.
pub fn verify_scoped_fn<C, F, P>(f: F) -> VerifyScopedFn<F>
where
    C: Send + 'static,
    F: for<'a> VerifyCall<'a, C, Principal = WithScopes<P>> + Clone + Send + Sync + 'static,
    P: Clone + Send + Sync + 'static,
{
    VerifyScopedFn(f)
}

impl<F> fmt::Debug for VerifyFn<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(std::any::type_name::<F>())
    }
}

impl<C, F, P> Verify<C> for VerifyFn<F>
where
    C: Send + 'static,
    F: for<'a> VerifyCall<'a, C, Principal = P> + Clone + Send + Sync + 'static,
    P: Clone + Send + Sync + 'static,
{
    type Principal = P;

    fn verify<'a>(
        &'a self,
        credentials: C,
        parts: &'a Parts,
    ) -> impl Future<Output = Result<P, AuthError>> + Send + 'a {
        (self.0)(credentials, parts)
    }
}

/// A synchronous function as a [`Verify`]: what [`AuthLayer::verify_sync`] uses.
#[derive(Clone)]
pub struct VerifySyncFn<F>(F);

impl<F> fmt::Debug for VerifySyncFn<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(std::any::type_name::<F>())
    }
}

impl<C, F, P> Verify<C> for VerifySyncFn<F>
where
    C: Send + Sync + 'static,
    F: Fn(&C, &Parts) -> Result<P, AuthError> + Clone + Send + Sync + 'static,
    P: Clone + Send + Sync + 'static,
{
    type Principal = P;

    fn verify_now(&self, credentials: &C, parts: &Parts) -> Option<Result<P, AuthError>> {
        Some((self.0)(credentials, parts))
    }

    fn verify<'a>(
        &'a self,
        credentials: C,
        parts: &'a Parts,
    ) -> impl Future<Output = Result<P, AuthError>> + Send + 'a {
        std::future::ready((self.0)(&credentials, parts))
    }
}

impl<P> WithScopes<P> {
    /// `principal`, holding `scopes`: what a [`verify_scoped`](AuthLayer::verify_scoped)
    /// function returns.
    pub fn new<I: IntoIterator<Item = S>, S: Into<String>>(principal: P, scopes: I) -> Self {
        Self {
            principal,
            scopes: Some(scopes.into_iter().map(Into::into).collect()),
        }
    }
}

/// A function that reports the scopes it grants, as a [`Verify`]: made by
/// [`AuthLayer::verify_scoped`]. The handler gets [`Principal<P>`]; the scopes are checked
/// against every [`ScopesLayer`](crate::ScopesLayer) of the route.
#[derive(Clone)]
pub struct VerifyScopedFn<F>(F);

impl<F> fmt::Debug for VerifyScopedFn<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(std::any::type_name::<F>())
    }
}

impl<C, F, P> Verify<C> for VerifyScopedFn<F>
where
    C: Send + 'static,
    F: for<'a> VerifyCall<'a, C, Principal = WithScopes<P>> + Clone + Send + Sync + 'static,
    P: Clone + Send + Sync + 'static,
{
    type Principal = WithScopes<P>;

    fn granted_scopes(principal: &WithScopes<P>) -> Option<Arc<[String]>> {
        principal.scopes.clone()
    }

    fn store(principal: WithScopes<P>, extensions: &mut http::Extensions) {
        extensions.insert(Principal(principal.principal));
    }

    fn verify<'a>(
        &'a self,
        credentials: C,
        parts: &'a Parts,
    ) -> impl Future<Output = Result<WithScopes<P>, AuthError>> + Send + 'a {
        (self.0)(credentials, parts)
    }
}

type OnReject = Arc<dyn Fn(&AuthError) -> Response<Body> + Send + Sync>;

/// A span field and how to write the principal into it ([`AuthLayer::record_principal`]); the
/// principal arrives type-erased and is downcast to the verifier's principal type.
#[derive(Clone)]
struct Record {
    field: &'static str,
    value: RecordFn,
}

type RecordFn = Arc<dyn Fn(&dyn std::any::Any) -> Option<String> + Send + Sync>;

struct Shared<Sch, V> {
    scheme: Sch,
    verify: V,
    on_reject: Option<OnReject>,
    /// Inserted for a request this layer authenticated without knowing its scopes (made once:
    /// a clone per request is a reference count).
    unknown: ScopesUnknown,
    log_level: tracing::Level,
    record: Option<Record>,
}

/// Authenticates requests with a [`Scheme`], as FastAPI's security dependencies do.
///
/// - Credentials found: they go into the request extensions (`HttpBasicCredentials`,
///   `BearerToken`, ...); with [`verify`](Self::verify), the verifier's principal too, as
///   [`Principal<P>`].
/// - Missing: `401 {"detail":"Not authenticated"}` with the scheme's `WWW-Authenticate`; with the
///   scheme's `auto_error(false)`, the request goes on without credentials.
/// - Rejected by the scheme (an HTTP Basic value that does not decode) or by the verifier: its
///   [`AuthError`], as FastAPI answers it, or reshaped by [`on_reject`](Self::on_reject).
/// - Every rejection emits one tracing event (target `towerapi::rejection`) without the
///   credential, and the `AuthError` goes into the response extensions, with its
///   [`Rejection`](crate::Rejection) for an app-wide [`RejectionLayer`](crate::RejectionLayer).
///
/// # Example
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// use http::{header, Request, Response};
/// use tower::{service_fn, Layer, ServiceExt};
/// use towerapi_auth::{AuthLayer, HttpBasic, HttpBasicCredentials};
///
/// let svc = AuthLayer::new(HttpBasic::new()).layer(service_fn(|req: Request<()>| async move {
///     let user = req.extensions().get::<HttpBasicCredentials>().unwrap().username.clone();
///     Ok::<_, std::convert::Infallible>(Response::new(towerapi_encode::Body::full(user)))
/// }));
/// let res = svc.clone().oneshot(Request::new(())).await.unwrap();
/// assert_eq!(res.status(), 401);
/// assert_eq!(res.headers()["www-authenticate"], "Basic");
///
/// let req = Request::builder().header(header::AUTHORIZATION, "Basic YWxpY2U6c2VjcmV0").body(()).unwrap();
/// assert_eq!(svc.oneshot(req).await.unwrap().status(), 200);
/// # }
/// ```
#[must_use]
#[derive(Clone)]
pub struct AuthLayer<Sch, V = NoVerify> {
    scheme: Sch,
    verify: V,
    on_reject: Option<OnReject>,
    log_level: tracing::Level,
    record: Option<Record>,
}

impl<Sch: fmt::Debug, V> fmt::Debug for AuthLayer<Sch, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthLayer")
            .field("scheme", &self.scheme)
            .field("verify", &std::any::type_name::<V>())
            .field("on_reject", &self.on_reject.as_ref().map(|_| "Fn"))
            .field("log_level", &self.log_level)
            .finish()
    }
}

impl<Sch: Scheme> AuthLayer<Sch> {
    /// Authenticates with `scheme`.
    pub fn new(scheme: Sch) -> Self {
        Self {
            scheme,
            verify: NoVerify,
            on_reject: None,
            log_level: tracing::Level::DEBUG,
            record: None,
        }
    }
}

impl<Sch: Scheme, V> AuthLayer<Sch, V> {
    /// Verifies the credentials with an async function of them and the request head; its
    /// `Ok` value goes into the extensions as [`Principal<P>`], its `Err` is the answer.
    pub fn verify<F, P>(self, f: F) -> AuthLayer<Sch, VerifyFn<F>>
    where
        F: for<'a> VerifyCall<'a, Sch::Credentials, Principal = P> + Clone + Send + Sync + 'static,
        P: Clone + Send + Sync + 'static,
    {
        self.verify_with(VerifyFn(f))
    }

    /// Verifies the credentials with a plain function of them and the request head, run in
    /// place: FastAPI's `def` dependency next to [`verify`](Self::verify)'s `async def`. For a
    /// check that never waits (a comparison with
    /// [`constant_time_eq`](crate::constant_time_eq), a lookup in a map in memory), it costs
    /// no future, no box and no copy of the credentials, which go into the extensions as they
    /// were read. Its `Ok` value goes into the extensions as [`Principal<P>`], its `Err` is the
    /// answer. It runs on the runtime's thread: anything that blocks (a database, a file, a
    /// slow hash) belongs in [`verify`](Self::verify).
    ///
    /// # Example
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// use http::{Request, Response};
    /// use tower::{service_fn, Layer, ServiceExt};
    /// use towerapi_auth::{constant_time_eq, ApiKey, ApiKeyHeader, AuthError, AuthLayer, Principal};
    ///
    /// let auth = AuthLayer::new(ApiKeyHeader::new("x-api-key")).verify_sync(
    ///     |key: &ApiKey, _parts: &http::request::Parts| {
    ///         if constant_time_eq(&key.0, "k1") {
    ///             Ok("service-a")
    ///         } else {
    ///             Err(AuthError::forbidden("Invalid API key"))
    ///         }
    ///     },
    /// );
    /// let svc = auth.layer(service_fn(|req: Request<()>| async move {
    ///     let Principal(who) = req.extensions().get::<Principal<&str>>().unwrap().clone();
    ///     Ok::<_, std::convert::Infallible>(Response::new(towerapi_encode::Body::full(who)))
    /// }));
    /// let req = Request::builder().header("x-api-key", "k2").body(()).unwrap();
    /// assert_eq!(svc.clone().oneshot(req).await.unwrap().status(), 403);
    /// let req = Request::builder().header("x-api-key", "k1").body(()).unwrap();
    /// assert_eq!(svc.oneshot(req).await.unwrap().status(), 200);
    /// # }
    /// ```
    pub fn verify_sync<F, P>(self, f: F) -> AuthLayer<Sch, VerifySyncFn<F>>
    where
        F: Fn(&Sch::Credentials, &Parts) -> Result<P, AuthError> + Clone + Send + Sync + 'static,
        P: Clone + Send + Sync + 'static,
    {
        self.verify_with(VerifySyncFn(f))
    }

    /// Verifies with an async function that also reports the scopes the principal holds
    /// ([`WithScopes::new`]`(user, scopes)`): a route's [`ScopesLayer`](crate::ScopesLayer)s
    /// are then checked against them. A closure given to [`verify`](Self::verify) reports none,
    /// so a route that requires scopes behind it is refused (`500`, a configuration error).
    ///
    /// # Example
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// use http::{Request, Response};
    /// use tower::{service_fn, ServiceBuilder, ServiceExt};
    /// use towerapi_auth::{constant_time_eq, ApiKey, ApiKeyHeader, AuthError, AuthLayer, ScopesLayer, WithScopes};
    ///
    /// let auth = AuthLayer::new(ApiKeyHeader::new("x-api-key")).verify_scoped(
    ///     |key: ApiKey, _parts: &http::request::Parts| async move {
    ///         if constant_time_eq(&key.0, "reader-key") {
    ///             Ok(WithScopes::new("reader", ["items:read"]))
    ///         } else {
    ///             Err(AuthError::unauthorized("Invalid API key"))
    ///         }
    ///     },
    /// );
    /// let svc = ServiceBuilder::new()
    ///     .layer(ScopesLayer::new(["items:write"]))
    ///     .layer(auth)
    ///     .service(service_fn(|_req: Request<()>| async {
    ///         Ok::<_, std::convert::Infallible>(Response::new(towerapi_encode::Body::full("written")))
    ///     }));
    /// let req = Request::builder().header("x-api-key", "reader-key").body(()).unwrap();
    /// assert_eq!(svc.oneshot(req).await.unwrap().status(), 403);
    /// # }
    /// ```
    pub fn verify_scoped<F, P>(self, f: F) -> AuthLayer<Sch, VerifyScopedFn<F>>
    where
        F: for<'a> VerifyCall<'a, Sch::Credentials, Principal = WithScopes<P>>
            + Clone
            + Send
            + Sync
            + 'static,
        P: Clone + Send + Sync + 'static,
    {
        self.verify_with(VerifyScopedFn(f))
    }

    /// Verifies with any [`Verify`] (a JWT verifier, for one).
    pub fn verify_with<W: Verify<Sch::Credentials>>(self, verify: W) -> AuthLayer<Sch, W> {
        AuthLayer {
            scheme: self.scheme,
            verify,
            on_reject: self.on_reject,
            log_level: self.log_level,
            // The principal's type may change: a recorder for the old one would never match.
            record: None,
        }
    }

    /// Adds a second step after the verifier: an async function of its principal and the request
    /// head (look the user up; `Err` for an unknown one). The handler gets [`Principal<P>`];
    /// the first verifier's scopes are checked after this step, then
    /// [`authorize`](AuthLayer::authorize)'s check runs, in FastAPI's order.
    pub fn and_then<F, P>(self, f: F) -> AuthLayer<Sch, AndThen<V, F>>
    where
        V: Verify<Sch::Credentials>,
        F: for<'a> VerifyCall<'a, V::Principal, Principal = P> + Clone + Send + Sync + 'static,
        P: Clone + Send + Sync + 'static,
    {
        AuthLayer {
            scheme: self.scheme,
            verify: AndThen {
                first: self.verify,
                then: f,
                check: NoCheck,
            },
            on_reject: self.on_reject,
            log_level: self.log_level,
            // The principal's type may change: a recorder for the old one would never match.
            record: None,
        }
    }

    /// Shapes the rejection's response (problem+json, a redirect to a login page...). The
    /// response keeps the error's status and `WWW-Authenticate` unless the hook sets a status
    /// other than 200 or a `WWW-Authenticate` of its own. The hook may return a
    /// [`Reply`](towerapi_encode::Reply) (`Reply::new(problem).into_http_response()`): a
    /// `SerializeLayer` outside the auth layer renders it, with the error's status unless the
    /// reply sets one. This hook runs first: a [`RejectionLayer`](crate::RejectionLayer) outside
    /// leaves what it answered as it is.
    pub fn on_reject<F>(mut self, f: F) -> Self
    where
        F: Fn(&AuthError) -> Response<Body> + Send + Sync + 'static,
    {
        self.on_reject = Some(Arc::new(f));
        self
    }

    /// The level of the one tracing event each rejection emits (target `towerapi::rejection`,
    /// never the credential). Default DEBUG, so that unauthenticated clients cannot fill the
    /// logs at the usual INFO; INFO or WARN for an audit trail.
    pub fn rejection_log_level(mut self, level: tracing::Level) -> Self {
        self.log_level = level;
        self
    }

    /// Records the verified principal on the current span, as `field` (for example the user
    /// id on the span of tower-http's `TraceLayer`), after every check passed. As always with
    /// `tracing`, the span must declare the field: `tracing::info_span!("request", user.id =
    /// tracing::field::Empty)` in `TraceLayer::make_span_with`. Set it last: a later
    /// `verify_with`, `and_then` or `authorize` changes the principal and drops it.
    pub fn record_principal<F>(mut self, field: &'static str, value: F) -> Self
    where
        V: Verify<Sch::Credentials>,
        F: Fn(&V::Principal) -> String + Send + Sync + 'static,
    {
        self.record = Some(Record {
            field,
            value: Arc::new(move |principal| principal.downcast_ref::<V::Principal>().map(&value)),
        });
        self
    }

    /// The scheme.
    pub fn scheme(&self) -> &Sch {
        &self.scheme
    }
}

impl<Sch: Scheme, V, F> AuthLayer<Sch, AndThen<V, F>> {
    /// A last check on the principal of [`and_then`](AuthLayer::and_then), after the scope
    /// check: FastAPI's `get_current_active_user`, as in
    /// `.authorize(|user: &User, _| if user.disabled { Err(AuthError::inactive_user()) } else { Ok(()) })`.
    pub fn authorize<G, P>(self, check: G) -> AuthLayer<Sch, AndThen<V, F, CheckFn<G>>>
    where
        G: Fn(&P, &Parts) -> Result<(), AuthError> + Clone + Send + Sync + 'static,
    {
        AuthLayer {
            scheme: self.scheme,
            verify: AndThen {
                first: self.verify.first,
                then: self.verify.then,
                check: CheckFn(check),
            },
            on_reject: self.on_reject,
            log_level: self.log_level,
            // The principal's type may change: a recorder for the old one would never match.
            record: None,
        }
    }
}

impl<S, Sch: Scheme, V: Verify<Sch::Credentials>> Layer<S> for AuthLayer<Sch, V> {
    type Service = Auth<S, Sch, V>;

    fn layer(&self, inner: S) -> Self::Service {
        #[cfg(feature = "openapi")]
        towerapi_openapi::note(self);
        let shared = Shared {
            scheme: self.scheme.clone(),
            verify: self.verify.clone(),
            on_reject: self.on_reject.clone(),
            unknown: ScopesUnknown {
                scheme: self.scheme.meta().scheme_name.as_str().into(),
            },
            log_level: self.log_level,
            record: self.record.clone(),
        };
        Auth {
            inner,
            shared: Arc::new(shared),
        }
    }
}

/// The layer's part of the OpenAPI document:
///
/// - the scheme, registered by [`Scheme::describe_scheme`], and the operation's `security`:
///   the scheme's alternatives, plus `{}` (anonymous access) with `auto_error(false)`;
/// - a `401` "Not authenticated" with `{"detail": string}` and the scheme's `WWW-Authenticate`
///   challenges, when the layer can answer it: `auto_error` on, a verifier, or a scheme that
///   rejects malformed credentials ([`Scheme::rejects_malformed`]). With
///   [`on_reject`](AuthLayer::on_reject) the body is the hook's, so it is documented without a
///   schema;
/// - for the security report, what it enforces: `AuthLayer<HttpBearer> (required, verified)`.
#[cfg(feature = "openapi")]
impl<Sch: Scheme, V: Verify<Sch::Credentials>> towerapi_openapi::Describe for AuthLayer<Sch, V> {
    fn describe(
        &self,
        cx: &mut towerapi_openapi::DescribeCx<'_>,
    ) -> Result<(), towerapi_openapi::DocError> {
        let auto_error = self.scheme.meta().auto_error;
        let mut alternatives = self.scheme.describe_scheme(cx)?;
        if !auto_error {
            alternatives.push(Vec::new());
        }
        let op = cx.operation();
        op.require_any(alternatives);
        if auto_error || !V::PASSTHROUGH || self.scheme.rejects_malformed() {
            let challenges = self
                .scheme
                .challenges()
                .iter()
                .filter_map(|c| c.to_str().ok())
                .collect::<Vec<_>>()
                .join(", ");
            let mut response = crate::openapi::detail_response("Not authenticated", &challenges);
            if self.on_reject.is_some() {
                response.content = Default::default();
            } else {
                crate::reject::document(crate::reject::doc_shape(op), &mut response, None);
            }
            op.add_response(401, response);
        }
        op.enforces(format!(
            "AuthLayer<{}> ({}{})",
            crate::openapi::short_type_name::<Sch>(),
            if auto_error { "required" } else { "optional" },
            if V::PASSTHROUGH { "" } else { ", verified" },
        ));
        Ok(())
    }
}

/// The service of [`AuthLayer`].
pub struct Auth<S, Sch, V = NoVerify> {
    inner: S,
    shared: Arc<Shared<Sch, V>>,
}

impl<S: Clone, Sch, V> Clone for Auth<S, Sch, V> {
    fn clone(&self) -> Self {
        Self {
            inner: self.inner.clone(),
            shared: self.shared.clone(),
        }
    }
}

impl<S: fmt::Debug, Sch: fmt::Debug, V> fmt::Debug for Auth<S, Sch, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Auth")
            .field("inner", &self.inner)
            .field("scheme", &self.shared.scheme)
            .finish()
    }
}

impl<S, Sch, V> Auth<S, Sch, V> {
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

impl<Sch: Scheme, V: Send + Sync + 'static> Shared<Sch, V> {
    /// Marks the request as authenticated by a verifier that knows no scopes, unless another
    /// layer granted some.
    fn scopes_unknown(&self, extensions: &mut http::Extensions) {
        if extensions.get::<GrantedScopes>().is_none() {
            extensions.insert(self.unknown.clone());
        }
    }

    /// After a successful verification: records the granted scopes, checks the scopes required
    /// so far (layers outside this one; the ones inside check themselves), runs the last check,
    /// and stores the principal. `Err` is the answer to send instead (a response, unboxed: it is
    /// moved once, into the future).
    #[allow(clippy::result_large_err)]
    fn admit(&self, principal: V::Principal, parts: &mut Parts) -> Result<(), Response<Body>>
    where
        V: Verify<Sch::Credentials>,
    {
        if self.verify.bearer_error_codes() {
            parts.extensions.insert(crate::scopes::BearerErrorCodes);
        }
        match V::granted_scopes(&principal) {
            Some(granted) => {
                parts.extensions.insert(GrantedScopes(granted));
                parts.extensions.remove::<ScopesUnknown>();
            }
            None => self.scopes_unknown(&mut parts.extensions),
        }
        if let Err(refusal) = check_required(parts) {
            return Err(self.refuse(refusal));
        }
        if let Err(error) = self.verify.authorize(&principal, parts) {
            return Err(self.reject(error));
        }
        if let Some(record) = &self.record {
            if let Some(value) = (record.value)(&principal) {
                tracing::Span::current().record(record.field, value.as_str());
            }
        }
        V::store(principal, &mut parts.extensions);
        Ok(())
    }

    /// The answer to a failed scope check: FastAPI's 403, or a 500 for a route whose scopes
    /// nothing can check.
    fn refuse(&self, refusal: Refusal) -> Response<Body> {
        match refusal {
            Refusal::Forbidden(error) => crate::reject::into_scopes(self.reject(error)),
            Refusal::Misconfigured => towerapi_encode::class::internal_server_error(),
        }
    }

    fn reject(&self, error: AuthError) -> Response<Body> {
        error.log(&self.scheme.meta().scheme_name, self.log_level);
        let mut res = match &self.on_reject {
            Some(hook) => {
                let mut res = hook(&error);
                let chosen = res.status();
                *res.status_mut() =
                    crate::reject::answer_status(chosen, res.extensions_mut(), error.status());
                if !res.headers().contains_key(header::WWW_AUTHENTICATE) {
                    error.apply_headers(&mut res);
                }
                res
            }
            None => error.fastapi_response(),
        };
        if self.on_reject.is_some() {
            crate::reject::mark_reshaped(&mut res);
        }
        crate::reject::mark(&mut res, crate::Rejection::Auth(error));
        res
    }
}

impl<S, Sch, V, ReqBody, ResBody> Service<Request<ReqBody>> for Auth<S, Sch, V>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>> + Clone,
    Sch: Scheme,
    V: Verify<Sch::Credentials>,
    ResBody: http_body::Body<Data = Bytes>,
    ResBody::Error: Into<BoxError>,
{
    type Response = Response<LayerBody<ResBody>>;
    type Error = S::Error;
    type Future = ResponseFuture<S, V::Principal, ReqBody>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request<ReqBody>) -> Self::Future {
        let shared = &*self.shared;
        let (mut parts, body) = req.into_parts();
        shared.scheme.mark_sensitive(&mut parts.headers);
        let credentials = match shared.scheme.extract(&parts.headers, &parts.uri) {
            Ok(c) => c,
            Err(error) => return ResponseFuture::reject(shared.reject(error)),
        };
        let Some(credentials) = credentials else {
            if shared.scheme.meta().auto_error {
                return ResponseFuture::reject(
                    shared.reject(AuthError::not_authenticated(shared.scheme.challenges())),
                );
            }
            // Anonymous: it holds no scopes, so a route that requires some refuses it.
            if parts.extensions.get::<GrantedScopes>().is_none() {
                parts.extensions.insert(GrantedScopes::default());
            }
            if let Err(refusal) = check_required(&parts) {
                return ResponseFuture::reject(shared.refuse(refusal));
            }
            return ResponseFuture::inner(self.inner.call(Request::from_parts(parts, body)));
        };
        if V::PASSTHROUGH {
            Sch::store(credentials, &mut parts.extensions);
            // No verifier: nothing here knows the scopes of these credentials.
            shared.scopes_unknown(&mut parts.extensions);
            if let Err(refusal) = check_required(&parts) {
                return ResponseFuture::reject(shared.refuse(refusal));
            }
            return ResponseFuture::inner(self.inner.call(Request::from_parts(parts, body)));
        }
        // A verifier that can answer at once (keys in memory, a cached token, a sync function):
        // no box, no clone of the inner service, and the credentials are moved, not cloned.
        if let Some(outcome) = shared.verify.verify_now(&credentials, &parts) {
            Sch::store(credentials, &mut parts.extensions);
            let admitted = match outcome {
                Ok(principal) => shared.admit(principal, &mut parts),
                Err(error) => Err(shared.reject(error)),
            };
            return match admitted {
                Ok(()) => ResponseFuture::inner(self.inner.call(Request::from_parts(parts, body))),
                Err(response) => ResponseFuture::reject(response),
            };
        }
        // The verifier takes the credentials: the extensions get a copy.
        Sch::store(credentials.clone(), &mut parts.extensions);
        // The verifier may borrow the request head: one async block owns both. A box on this
        // path only (a verifier that waits does I/O; the plain schemes never get here).
        let shared = self.shared.clone();
        let verifying: Verifying = Box::pin(async move {
            let mut parts = parts;
            let principal = match shared.verify.verify(credentials, &parts).await {
                Ok(principal) => principal,
                Err(error) => return Err(shared.reject(error)),
            };
            shared.admit(principal, &mut parts).map(|()| parts)
        });
        // The ready service goes into the future; a fresh clone stays for the next request.
        let clone = self.inner.clone();
        let ready = std::mem::replace(&mut self.inner, clone);
        ResponseFuture {
            state: State::Verifying {
                verifying,
                inner: Some(ready),
                body: Some(body),
            },
            _principal: std::marker::PhantomData,
        }
    }
}

type Verifying = Pin<Box<dyn Future<Output = Result<Parts, Response<Body>>> + Send>>;

pin_project! {
    /// The response future of [`Auth`].
    pub struct ResponseFuture<S, P, ReqBody>
    where
        S: Service<Request<ReqBody>>,
    {
        #[pin]
        state: State<S, ReqBody>,
        _principal: std::marker::PhantomData<fn() -> P>,
    }
}

pin_project! {
    #[project = StateProj]
    enum State<S, ReqBody>
    where
        S: Service<Request<ReqBody>>,
    {
        Inner { #[pin] future: S::Future },
        Reject { response: Option<Response<Body>> },
        Verifying {
            verifying: Verifying,
            inner: Option<S>,
            body: Option<ReqBody>,
        },
    }
}

impl<S: Service<Request<B>>, P, B> ResponseFuture<S, P, B> {
    fn inner(future: S::Future) -> Self {
        Self {
            state: State::Inner { future },
            _principal: std::marker::PhantomData,
        }
    }

    fn reject(response: Response<Body>) -> Self {
        Self {
            state: State::Reject {
                response: Some(response),
            },
            _principal: std::marker::PhantomData,
        }
    }
}

impl<S: Service<Request<B>>, P, B> fmt::Debug for ResponseFuture<S, P, B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResponseFuture").finish_non_exhaustive()
    }
}

impl<S, ReqBody, ResBody, P> Future for ResponseFuture<S, P, ReqBody>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>>,
    P: Clone + Send + Sync + 'static,
{
    type Output = Result<Response<LayerBody<ResBody>>, S::Error>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        loop {
            let mut this = self.as_mut().project();
            match this.state.as_mut().project() {
                StateProj::Inner { future } => {
                    let res = ready!(future.poll(cx))?;
                    return Poll::Ready(Ok(res.map(LayerBody::inner)));
                }
                StateProj::Reject { response } => {
                    let res = response.take().expect("polled after completion");
                    return Poll::Ready(Ok(res.map(LayerBody::own)));
                }
                StateProj::Verifying {
                    verifying,
                    inner,
                    body,
                } => {
                    let outcome = ready!(verifying.as_mut().poll(cx));
                    match outcome {
                        Ok(parts) => {
                            let body = body.take().expect("polled after completion");
                            let mut svc = inner.take().expect("polled after completion");
                            let future = svc.call(Request::from_parts(parts, body));
                            this.state.set(State::Inner { future });
                        }
                        Err(response) => {
                            this.state.set(State::Reject {
                                response: Some(response),
                            });
                        }
                    }
                }
            }
        }
    }
}
