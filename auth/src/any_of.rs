//! [`AnyOf`]: alternative schemes on one route (API key OR bearer), which OpenAPI can say and
//! FastAPI cannot do.

use http::request::Parts;
use http::{HeaderMap, HeaderValue, Uri};

use crate::scheme::SchemeMeta;
use crate::{AuthError, Scheme, Verify};

/// Credentials from one of two schemes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Either<A, B> {
    /// The first scheme's.
    First(A),
    /// The second scheme's.
    Second(B),
}

/// Two schemes as alternatives: the first that finds credentials wins and stores them as its
/// own type (so `HttpAuthorizationCredentials` or `ApiKey` extractors work as with the scheme
/// alone). `401` only when neither finds any, with every scheme's challenge. A scheme that
/// rejects outright (a malformed HTTP Basic value) is answered only if the other finds nothing.
/// Nest for more: `AnyOf::new(a, AnyOf::new(b, c))`.
#[derive(Clone, Debug)]
pub struct AnyOf<A, B> {
    first: A,
    second: B,
    meta: SchemeMeta,
}

impl<A: Scheme, B: Scheme> AnyOf<A, B> {
    /// `first`, else `second`.
    pub fn new(first: A, second: B) -> Self {
        let name = format!("{}|{}", first.meta().scheme_name, second.meta().scheme_name);
        Self {
            first,
            second,
            meta: SchemeMeta {
                scheme_name: name,
                description: None,
                auto_error: true,
            },
        }
    }

    /// `false`: when neither scheme finds credentials, the request goes on without them.
    #[must_use]
    pub fn auto_error(mut self, auto_error: bool) -> Self {
        self.meta.auto_error = auto_error;
        self
    }

    /// The alternatives.
    pub fn schemes(&self) -> (&A, &B) {
        (&self.first, &self.second)
    }
}

impl<A: Scheme, B: Scheme> Scheme for AnyOf<A, B> {
    type Credentials = Either<A::Credentials, B::Credentials>;

    fn extract(
        &self,
        headers: &HeaderMap,
        uri: &Uri,
    ) -> Result<Option<Self::Credentials>, AuthError> {
        let first = match self.first.extract(headers, uri) {
            Ok(Some(c)) => return Ok(Some(Either::First(c))),
            Ok(None) => None,
            Err(e) => Some(e),
        };
        match self.second.extract(headers, uri) {
            Ok(Some(c)) => Ok(Some(Either::Second(c))),
            Ok(None) => first.map_or(Ok(None), Err),
            Err(e) => Err(first.unwrap_or(e)),
        }
    }

    fn challenges(&self) -> Vec<HeaderValue> {
        let mut c = self.first.challenges();
        c.extend(self.second.challenges());
        c
    }

    fn meta(&self) -> &SchemeMeta {
        &self.meta
    }

    fn mark_sensitive(&self, headers: &mut HeaderMap) {
        self.first.mark_sensitive(headers);
        self.second.mark_sensitive(headers);
    }

    fn rejects_malformed(&self) -> bool {
        self.first.rejects_malformed() || self.second.rejects_malformed()
    }

    /// Registers both schemes; the alternatives are the first's, then the second's.
    #[cfg(feature = "openapi")]
    fn describe_scheme(
        &self,
        cx: &mut towerapi_openapi::DescribeCx<'_>,
    ) -> Result<Vec<Vec<String>>, towerapi_openapi::DocError> {
        let mut alternatives = self.first.describe_scheme(cx)?;
        for alternative in self.second.describe_scheme(cx)? {
            if !alternatives.contains(&alternative) {
                alternatives.push(alternative);
            }
        }
        Ok(alternatives)
    }

    fn store(credentials: Self::Credentials, extensions: &mut http::Extensions) {
        match &credentials {
            Either::First(c) => A::store(c.clone(), extensions),
            Either::Second(c) => B::store(c.clone(), extensions),
        }
        extensions.insert(credentials);
    }
}

/// A verifier per branch of an [`AnyOf`]: `First` credentials go to the first verifier,
/// `Second` ones to the second, and the handler gets `Principal<Either<P1, P2>>`. Each
/// branch keeps what its verifier does: the scopes a JWT verifier grants are checked against
/// the route's, a closure's branch holds no scopes (so a route that requires some refuses it,
/// unless the closure reports them with [`AuthLayer::verify_scoped`](crate::AuthLayer::verify_scoped)'s
/// [`WithScopes`](crate::WithScopes)).
///
/// **A request that carries credentials of both schemes** is verified with the first scheme
/// of the `AnyOf` only, as [`AnyOf`] extracts them: order the schemes so that the one you
/// trust to decide comes first. Its refusal is the answer; the second credential is not tried
/// (a refused key next to a valid token is refused, never silently re-tried with the token).
///
/// # Example
/// ```
/// # #[cfg(any(feature = "jwt-aws-lc-rs", feature = "jwt-rust-crypto"))] {
/// use towerapi_auth::jwt::JwtVerifier;
/// use towerapi_auth::{constant_time_eq, verify_fn, AnyOf, ApiKey, ApiKeyHeader, AuthError, AuthLayer, Either, HttpBearer, VerifyEach};
///
/// let key = verify_fn(|key: ApiKey, _parts: &http::request::Parts| async move {
///     if constant_time_eq(&key.0, "k1") { Ok("service-a".to_owned()) } else { Err(AuthError::forbidden("Invalid API key")) }
/// });
/// let layer = AuthLayer::new(AnyOf::new(ApiKeyHeader::new("x-api-key"), HttpBearer::new()))
///     .verify_with(VerifyEach::new(key, JwtVerifier::<serde_json::Value>::hs256(b"secret")));
/// // The handler takes `Principal<Either<String, Claims>>`.
/// # let _ = layer;
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct VerifyEach<V1, V2> {
    first: V1,
    second: V2,
}

impl<V1, V2> VerifyEach<V1, V2> {
    /// The first scheme's verifier, then the second's.
    pub fn new(first: V1, second: V2) -> Self {
        Self { first, second }
    }
}

impl<C1, C2, V1, V2> Verify<Either<C1, C2>> for VerifyEach<V1, V2>
where
    C1: Send + 'static,
    C2: Send + 'static,
    V1: Verify<C1>,
    V2: Verify<C2>,
{
    type Principal = Either<V1::Principal, V2::Principal>;

    fn granted_scopes(principal: &Self::Principal) -> Option<std::sync::Arc<[String]>> {
        match principal {
            Either::First(p) => V1::granted_scopes(p),
            Either::Second(p) => V2::granted_scopes(p),
        }
    }

    fn bearer_error_codes(&self) -> bool {
        self.first.bearer_error_codes() || self.second.bearer_error_codes()
    }

    fn verify_now(
        &self,
        credentials: &Either<C1, C2>,
        parts: &Parts,
    ) -> Option<Result<Self::Principal, AuthError>> {
        match credentials {
            Either::First(c) => Some(self.first.verify_now(c, parts)?.map(Either::First)),
            Either::Second(c) => Some(self.second.verify_now(c, parts)?.map(Either::Second)),
        }
    }

    async fn verify(
        &self,
        credentials: Either<C1, C2>,
        parts: &Parts,
    ) -> Result<Self::Principal, AuthError> {
        match credentials {
            Either::First(c) => self.first.verify(c, parts).await.map(Either::First),
            Either::Second(c) => self.second.verify(c, parts).await.map(Either::Second),
        }
    }

    fn authorize(&self, principal: &Self::Principal, parts: &Parts) -> Result<(), AuthError> {
        match principal {
            Either::First(p) => self.first.authorize(p, parts),
            Either::Second(p) => self.second.authorize(p, parts),
        }
    }
}
