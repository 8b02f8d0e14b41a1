//! API keys in a query parameter, a header or a cookie.

use http::header::HeaderName;
use http::{HeaderMap, HeaderValue, Uri};

use super::{common_builders, Scheme, SchemeMeta};
use crate::parse::{cookie, header_value, query_param};
use crate::{ApiKey, AuthError};

const CHALLENGE: HeaderValue = HeaderValue::from_static("APIKey");

/// An API key in a query parameter (FastAPI's `APIKeyQuery(name=...)`): the last value wins,
/// decoded as a form (`+` is a space); the name is case-sensitive. Missing or empty: `401` with
/// `WWW-Authenticate: APIKey`, or `None` with `auto_error(false)`.
#[derive(Clone, Debug)]
pub struct ApiKeyQuery {
    meta: SchemeMeta,
    name: String,
}

impl ApiKeyQuery {
    /// The key in the query parameter `name`.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            meta: SchemeMeta::new("APIKeyQuery"),
            name: name.into(),
        }
    }

    /// The parameter's name.
    pub fn name(&self) -> &str {
        &self.name
    }
}

common_builders!(ApiKeyQuery);

impl Scheme for ApiKeyQuery {
    type Credentials = ApiKey;

    fn extract(&self, _headers: &HeaderMap, uri: &Uri) -> Result<Option<ApiKey>, AuthError> {
        Ok(query_param(uri, &self.name).map(ApiKey))
    }

    fn challenges(&self) -> Vec<HeaderValue> {
        vec![CHALLENGE]
    }

    fn meta(&self) -> &SchemeMeta {
        &self.meta
    }

    #[cfg(feature = "openapi")]
    fn describe_scheme(
        &self,
        cx: &mut towerapi_openapi::DescribeCx<'_>,
    ) -> Result<Vec<Vec<String>>, towerapi_openapi::DocError> {
        let kind = towerapi_openapi::model::SecuritySchemeKind::ApiKey {
            location: towerapi_openapi::model::ParameterIn::Query,
            name: self.name.clone(),
        };
        super::describe_one(cx, &self.meta, kind)
    }
}

/// An API key in a header (FastAPI's `APIKeyHeader(name=...)`): the first header wins, its bytes
/// read as latin-1; the name is case-insensitive, as HTTP header names are. Missing or empty:
/// `401` with `WWW-Authenticate: APIKey`, or `None` with `auto_error(false)`.
#[derive(Clone, Debug)]
pub struct ApiKeyHeader {
    meta: SchemeMeta,
    name: HeaderName,
    /// The name as written (`X-API-Key`), for the OpenAPI document; `name` is lower-case.
    #[cfg_attr(not(feature = "openapi"), allow(dead_code))]
    written: String,
}

impl ApiKeyHeader {
    /// The key in the header `name`, a name written in the code (`"X-API-Key"`; any case, as
    /// HTTP header names are): no `Result` to unwrap.
    ///
    /// # Panics
    /// When `name` is not a valid header name (a space, a colon...): a mistake in the code,
    /// found when the layer is built, as axum's `route` panics on a bad path. For a name read
    /// at run time (configuration, environment), use [`try_new`](Self::try_new).
    pub fn new(name: &'static str) -> Self {
        Self::try_new(name).unwrap_or_else(|_| {
            panic!("ApiKeyHeader::new: {name:?} is not a valid HTTP header name")
        })
    }

    /// The key in the header `name`, for a name known only at run time.
    ///
    /// # Errors
    /// When `name` is not a valid header name.
    pub fn try_new(name: &str) -> Result<Self, http::header::InvalidHeaderName> {
        Ok(Self {
            meta: SchemeMeta::new("APIKeyHeader"),
            name: HeaderName::try_from(name)?,
            written: name.to_owned(),
        })
    }

    /// The header's name, lower-case as `http` keeps header names (the OpenAPI document says
    /// it as written to [`new`](Self::new): `X-API-Key`).
    pub fn name(&self) -> &HeaderName {
        &self.name
    }
}

common_builders!(ApiKeyHeader);

impl Scheme for ApiKeyHeader {
    type Credentials = ApiKey;

    fn extract(&self, headers: &HeaderMap, _uri: &Uri) -> Result<Option<ApiKey>, AuthError> {
        Ok(header_value(headers, &self.name).map(ApiKey))
    }

    fn challenges(&self) -> Vec<HeaderValue> {
        vec![CHALLENGE]
    }

    fn mark_sensitive(&self, headers: &mut HeaderMap) {
        super::mark_sensitive(headers, &http::header::AUTHORIZATION);
        super::mark_sensitive(headers, &http::header::COOKIE);
        super::mark_sensitive(headers, &self.name);
    }

    fn meta(&self) -> &SchemeMeta {
        &self.meta
    }

    #[cfg(feature = "openapi")]
    fn describe_scheme(
        &self,
        cx: &mut towerapi_openapi::DescribeCx<'_>,
    ) -> Result<Vec<Vec<String>>, towerapi_openapi::DocError> {
        let kind = towerapi_openapi::model::SecuritySchemeKind::ApiKey {
            location: towerapi_openapi::model::ParameterIn::Header,
            name: self.written.clone(),
        };
        super::describe_one(cx, &self.meta, kind)
    }
}

/// An API key in a cookie (FastAPI's `APIKeyCookie(name=...)`): read from the first `Cookie`
/// header as Starlette reads it (the last cookie of the name wins, quotes removed). Missing or
/// empty: `401` with `WWW-Authenticate: APIKey`, or `None` with `auto_error(false)`.
#[derive(Clone, Debug)]
pub struct ApiKeyCookie {
    meta: SchemeMeta,
    name: String,
}

impl ApiKeyCookie {
    /// The key in the cookie `name`.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            meta: SchemeMeta::new("APIKeyCookie"),
            name: name.into(),
        }
    }

    /// The cookie's name.
    pub fn name(&self) -> &str {
        &self.name
    }
}

common_builders!(ApiKeyCookie);

impl Scheme for ApiKeyCookie {
    type Credentials = ApiKey;

    fn extract(&self, headers: &HeaderMap, _uri: &Uri) -> Result<Option<ApiKey>, AuthError> {
        Ok(cookie(headers, &self.name).map(ApiKey))
    }

    fn challenges(&self) -> Vec<HeaderValue> {
        vec![CHALLENGE]
    }

    fn meta(&self) -> &SchemeMeta {
        &self.meta
    }

    #[cfg(feature = "openapi")]
    fn describe_scheme(
        &self,
        cx: &mut towerapi_openapi::DescribeCx<'_>,
    ) -> Result<Vec<Vec<String>>, towerapi_openapi::DocError> {
        let kind = towerapi_openapi::model::SecuritySchemeKind::ApiKey {
            location: towerapi_openapi::model::ParameterIn::Cookie,
            name: self.name.clone(),
        };
        super::describe_one(cx, &self.meta, kind)
    }
}
