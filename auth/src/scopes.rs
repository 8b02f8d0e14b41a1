//! FastAPI's `SecurityScopes`: the scopes a route requires, gathered from the layers.

use std::sync::Arc;
use std::task::{Context, Poll};

use http::Request;
use tower_layer::Layer;
use tower_service::Service;

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
    scopes: Vec<String>,
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
        self.scopes.extend(scopes.into_iter().map(Into::into));
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
        Scopes {
            inner,
            scopes: self.scopes.clone(),
        }
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

impl<S, B> Service<Request<B>> for Scopes<S>
where
    S: Service<Request<B>>,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = S::Future;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut req: Request<B>) -> Self::Future {
        let ext = req.extensions_mut();
        match ext.get_mut::<SecurityScopes>() {
            Some(s) => s.scopes.extend(self.scopes.iter().cloned()),
            None => {
                ext.insert(SecurityScopes {
                    scopes: self.scopes.to_vec(),
                });
            }
        }
        self.inner.call(req)
    }
}
