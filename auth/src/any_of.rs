//! [`AnyOf`]: alternative schemes on one route (API key OR bearer), which OpenAPI can say and
//! FastAPI cannot do.

use http::{HeaderMap, HeaderValue, Uri};

use crate::scheme::SchemeMeta;
use crate::{AuthError, Scheme};

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

    fn store(credentials: &Self::Credentials, extensions: &mut http::Extensions) {
        match credentials {
            Either::First(c) => A::store(c, extensions),
            Either::Second(c) => B::store(c, extensions),
        }
        extensions.insert(credentials.clone());
    }
}
