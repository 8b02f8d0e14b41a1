//! FastAPI's `SecurityScopes`: the scopes a route requires, gathered from the layers.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{ready, Context, Poll};

use bytes::Bytes;
use http::{Request, Response};
use pin_project_lite::pin_project;
use tower_layer::Layer;
use tower_service::Service;
use towerapi_encode::{BoxError, LayerBody};

use crate::AuthError;

/// The scopes the authenticated principal holds (a verified JWT's), stored by the verifying
/// [`AuthLayer`](crate::AuthLayer). Where present, every [`ScopesLayer`] checks that the request's
/// required scopes are among them.
///
/// The list is shared (an [`Arc`]) with the verified principal, such as a JWT's
/// [`Claims::scopes`](crate::jwt::Claims::scopes): storing it for a request copies nothing.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GrantedScopes(pub Arc<[String]>);

impl GrantedScopes {
    /// Whether every scope the request requires so far is granted; if not, FastAPI's answer
    /// with the status RFC 6750 gives insufficient scope: `403 {"detail":"Not enough
    /// permissions"}` with `WWW-Authenticate: Bearer scope="<required scopes>"`.
    ///
    /// # Errors
    /// The 403 when a required scope is missing.
    pub fn check(&self, parts: &http::request::Parts) -> Result<(), AuthError> {
        let Some(required) = parts.extensions.get::<SecurityScopes>() else {
            return Ok(());
        };
        if required.scopes().iter().all(|s| self.0.contains(s)) {
            return Ok(());
        }
        let challenge = if parts.extensions.get::<BearerErrorCodes>().is_some() {
            format!(
                "Bearer error=\"insufficient_scope\", scope=\"{}\"",
                required.scope_str()
            )
        } else {
            format!("Bearer scope=\"{}\"", required.scope_str())
        };
        Err(AuthError::forbidden("Not enough permissions").with_challenge(challenge))
    }
}

/// Put into the request by a verifying layer whose verifier sends RFC 6750's error codes
/// ([`Verify::bearer_error_codes`](crate::Verify::bearer_error_codes)): a scope refusal then
/// says `error="insufficient_scope"` (RFC 6750 3.1).
#[derive(Clone, Copy, Debug)]
pub(crate) struct BearerErrorCodes;

/// Set by a verifying [`AuthLayer`](crate::AuthLayer) whose verifier authenticated the request
/// but cannot tell which scopes it holds (a closure verifier, or no verifier at all). A route
/// that requires scopes is then refused with `500 Internal Server Error` and an error event
/// (target `towerapi::config`), never let in: the scopes it requires could not be checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ScopesUnknown {
    /// The scheme whose verifier knows no scopes, for the log.
    pub(crate) scheme: Arc<str>,
}

/// What the scopes a request carries allow, checked against those its route requires so far.
///
/// - scopes granted by a verifier ([`GrantedScopes`]): every required one must be among them
///   (a `403` otherwise);
/// - a verifier that knows no scopes ([`ScopesUnknown`]) and scopes required: a configuration
///   error, answered `500` (fail closed);
/// - no verifier at all: FastAPI's `SecurityScopes` read without a scheme, nothing to check.
pub(crate) fn check_required(parts: &http::request::Parts) -> Result<(), Refusal> {
    if let Some(granted) = parts.extensions.get::<GrantedScopes>() {
        return granted.check(parts).map_err(Refusal::Forbidden);
    }
    let Some(unknown) = parts.extensions.get::<ScopesUnknown>() else {
        return Ok(());
    };
    match parts.extensions.get::<SecurityScopes>() {
        Some(required) if !required.is_empty() => {
            tracing::error!(
                target: "towerapi::config",
                scheme = %unknown.scheme,
                required = %required.scope_str(),
                path = %parts.uri.path(),
                "the route requires scopes, but the verifier of its scheme reports none, so they \
                 cannot be checked: the request is refused. Use a verifier that grants scopes \
                 (JwtVerifier, or AuthLayer::verify_scoped)"
            );
            Err(Refusal::Misconfigured)
        }
        _ => Ok(()),
    }
}

/// Why [`check_required`] refuses.
#[derive(Debug)]
pub(crate) enum Refusal {
    /// A required scope is not granted: FastAPI's 403.
    Forbidden(AuthError),
    /// Scopes are required but nothing can check them: a 500.
    Misconfigured,
}

/// The scopes a request's route requires, in FastAPI's order: the outermost layer's first
/// (FastAPI: the route's `Security(..., scopes=...)` before its dependencies').
///
/// # Example
/// ```
/// use towerapi_auth::SecurityScopes;
///
/// let s = SecurityScopes::from_iter(["route", "inner:a", "inner:b"]);
/// assert_eq!(s.scopes(), ["route", "inner:a", "inner:b"]);
/// assert_eq!(s.scope_str(), "route inner:a inner:b");
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SecurityScopes {
    // Shared with the `ScopesLayer` that added them: a route with one such layer, the usual
    // case, copies no string per request. `extend` makes a list of its own.
    scopes: Arc<[String]>,
}

impl SecurityScopes {
    /// The scopes, in order.
    pub fn scopes(&self) -> &[String] {
        &self.scopes
    }

    /// The scopes joined by spaces, for `WWW-Authenticate: Bearer scope="..."`.
    pub fn scope_str(&self) -> String {
        self.scopes.join(" ")
    }

    /// Whether no scope is required.
    pub fn is_empty(&self) -> bool {
        self.scopes.is_empty()
    }

    /// Adds scopes at the end.
    pub fn extend<I: IntoIterator<Item = S>, S: Into<String>>(&mut self, scopes: I) {
        let mut own = self.scopes.to_vec();
        own.extend(scopes.into_iter().map(Into::into));
        self.scopes = own.into();
    }
}

impl<S: Into<String>> FromIterator<S> for SecurityScopes {
    fn from_iter<I: IntoIterator<Item = S>>(iter: I) -> Self {
        Self {
            scopes: iter.into_iter().map(Into::into).collect(),
        }
    }
}

/// Adds scopes to the request's [`SecurityScopes`] (FastAPI's `Security(dep, scopes=[...])`).
/// Stacked layers add in order, the outermost first.
///
/// When the request carries [`GrantedScopes`] (a verifying layer outside this one stored them),
/// the scopes required so far are checked: a missing one is `403 {"detail":"Not enough
/// permissions"}` with `WWW-Authenticate: Bearer scope="..."`, and the handler is not called.
/// A verifying layer inside this one checks them itself.
///
/// It fails closed: when the request was authenticated by a verifier that cannot tell its
/// scopes (a closure given to [`verify`](crate::AuthLayer::verify), or no verifier), a route
/// that requires scopes answers `500 Internal Server Error` and logs the misconfiguration at
/// ERROR (target `towerapi::config`); give such a verifier
/// [`verify_scoped`](crate::AuthLayer::verify_scoped). A request that reached the route
/// anonymously (`auto_error(false)`) holds no scopes: `403`. Only `SecurityScopes` read with no
/// security layer at all (FastAPI's plain dependency) records without checking.
///
/// # Stack order
/// - FastAPI's shape, scopes outside the verifier on each route
///   (`ServiceBuilder::new().layer(ScopesLayer::new(["items:read"])).layer(auth)`): every answer
///   is FastAPI's, and a refused token's `401` names the route's scopes
///   (`Bearer scope="items:read"`).
/// - axum's usual shape, one verifier on the whole router (`Router::layer(auth)`) and a
///   `ScopesLayer` on single routes: the scope check and its `403` are the same, but a refused
///   token's `401` says plain `Bearer`. The verifier answers before the request reaches the
///   route's layers, and it cannot ask them without running the route; it will not let an
///   invalid token in to find out. RFC 6750 makes `scope` optional in a challenge and ties it
///   to `insufficient_scope`, which is the `403`. `tests/jwt_scopes.rs` runs both shapes.
#[derive(Clone, Debug)]
#[must_use]
pub struct ScopesLayer {
    scopes: Arc<[String]>,
}

impl ScopesLayer {
    /// Requires these scopes.
    pub fn new<I: IntoIterator<Item = S>, S: Into<String>>(scopes: I) -> Self {
        Self {
            scopes: scopes.into_iter().map(Into::into).collect(),
        }
    }

    /// The scopes this layer adds.
    pub fn scopes(&self) -> &[String] {
        &self.scopes
    }
}

impl<S> Layer<S> for ScopesLayer {
    type Service = Scopes<S>;

    fn layer(&self, inner: S) -> Self::Service {
        #[cfg(feature = "openapi")]
        towerapi_openapi::note(self);
        Scopes {
            inner,
            scopes: self.scopes.clone(),
        }
    }
}

/// The layer's part of the OpenAPI document: its scopes on every `oauth2` and `openIdConnect`
/// requirement of the operation (after those of the layers outside it, FastAPI's order), a
/// `403` "Not enough permissions" with `{"detail": string}` (as a
/// [`RejectionLayer`](crate::RejectionLayer) outside reshapes it, if there is one) and its
/// `WWW-Authenticate: Bearer scope="..."`, and for the security report `ScopesLayer [items:read]`.
#[cfg(feature = "openapi")]
impl towerapi_openapi::Describe for ScopesLayer {
    fn describe(
        &self,
        cx: &mut towerapi_openapi::DescribeCx<'_>,
    ) -> Result<(), towerapi_openapi::DocError> {
        let op = cx.operation();
        op.require_scopes(self.scopes.iter().cloned());
        let mut response = crate::openapi::detail_response(
            "Not enough permissions",
            "Bearer, with scope=\"...\" naming the scopes the operation requires",
        );
        crate::reject::document(crate::reject::doc_shape(op), &mut response, None);
        op.add_response(403, response);
        op.enforces(format!("ScopesLayer [{}]", self.scopes.join(" ")));
        Ok(())
    }
}

/// The service of [`ScopesLayer`].
#[derive(Clone, Debug)]
pub struct Scopes<S> {
    inner: S,
    scopes: Arc<[String]>,
}

impl<S> Scopes<S> {
    /// The inner service.
    pub fn get_ref(&self) -> &S {
        &self.inner
    }

    /// Unwraps the inner service.
    pub fn into_inner(self) -> S {
        self.inner
    }
}

impl<S, B, ResBody> Service<Request<B>> for Scopes<S>
where
    S: Service<Request<B>, Response = Response<ResBody>>,
    ResBody: http_body::Body<Data = Bytes>,
    ResBody::Error: Into<BoxError>,
{
    type Response = Response<LayerBody<ResBody>>;
    type Error = S::Error;
    type Future = ScopesFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request<B>) -> Self::Future {
        let (mut parts, body) = req.into_parts();
        match parts.extensions.get_mut::<SecurityScopes>() {
            Some(s) => s.extend(self.scopes.iter().cloned()),
            None => {
                parts.extensions.insert(SecurityScopes {
                    scopes: Arc::clone(&self.scopes),
                });
            }
        }
        let refused = match check_required(&parts) {
            Ok(()) => None,
            Err(Refusal::Forbidden(error)) => {
                error.log("scopes", tracing::Level::DEBUG);
                let mut res = error.fastapi_response();
                crate::reject::mark(&mut res, crate::Rejection::Scopes(error));
                Some(res)
            }
            Err(Refusal::Misconfigured) => Some(towerapi_encode::class::internal_server_error()),
        };
        if let Some(res) = refused {
            return ScopesFuture {
                kind: Kind::Reject {
                    response: Some(res),
                },
            };
        }
        ScopesFuture {
            kind: Kind::Inner {
                future: self.inner.call(Request::from_parts(parts, body)),
            },
        }
    }
}

pin_project! {
    /// The response future of [`Scopes`].
    pub struct ScopesFuture<F> {
        #[pin]
        kind: Kind<F>,
    }
}

pin_project! {
    #[project = KindProj]
    enum Kind<F> {
        Inner { #[pin] future: F },
        Reject { response: Option<Response<towerapi_encode::Body>> },
    }
}

impl<F> std::fmt::Debug for ScopesFuture<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ScopesFuture").finish_non_exhaustive()
    }
}

impl<F, B, E> Future for ScopesFuture<F>
where
    F: Future<Output = Result<Response<B>, E>>,
{
    type Output = Result<Response<LayerBody<B>>, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.project().kind.project() {
            KindProj::Inner { future } => {
                Poll::Ready(Ok(ready!(future.poll(cx))?.map(LayerBody::inner)))
            }
            KindProj::Reject { response } => Poll::Ready(Ok(response
                .take()
                .expect("polled after completion")
                .map(LayerBody::own))),
        }
    }
}
