//! HTTP authentication schemes: Basic, Bearer, Digest and any other.

use http::{HeaderMap, HeaderValue, Uri};

use super::{common_builders, Scheme, SchemeMeta};
use crate::parse::{authorization, basic_decode, py_title, scheme_param};
use crate::{AuthError, HttpAuthorizationCredentials, HttpBasicCredentials};

/// HTTP Basic (FastAPI's `HTTPBasic`): `Authorization: Basic base64(user:password)`.
///
/// Missing, or another scheme: `401` with `WWW-Authenticate: Basic` (or `Basic realm="..."`),
/// or `None` with `auto_error(false)`. A `Basic` value that does not decode (bad base64, not
/// ASCII, no `:`) is a `401` even with `auto_error(false)`, as FastAPI answers.
#[derive(Clone, Debug)]
pub struct HttpBasic {
    meta: SchemeMeta,
    realm: Option<String>,
    challenge: HeaderValue,
}

impl Default for HttpBasic {
    fn default() -> Self {
        Self::new()
    }
}

impl HttpBasic {
    /// HTTP Basic without a realm.
    pub fn new() -> Self {
        Self {
            meta: SchemeMeta::new("HTTPBasic"),
            realm: None,
            challenge: HeaderValue::from_static("Basic"),
        }
    }

    /// The realm, sent in the challenge: `Basic realm="..."`.
    ///
    /// # Errors
    /// When the realm cannot be part of a header value (control characters, a `"`).
    pub fn realm(mut self, realm: impl Into<String>) -> Result<Self, InvalidRealm> {
        let realm = realm.into();
        if realm.contains('"') {
            return Err(InvalidRealm(()));
        }
        self.challenge = HeaderValue::try_from(format!("Basic realm=\"{realm}\""))
            .map_err(|_| InvalidRealm(()))?;
        self.realm = Some(realm);
        Ok(self)
    }

    /// The realm set with [`realm`](Self::realm), if any (`get_`: the setter has the name).
    pub fn get_realm(&self) -> Option<&str> {
        self.realm.as_deref()
    }
}

common_builders!(HttpBasic);

/// A realm that cannot be sent in a header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InvalidRealm(());

impl std::fmt::Display for InvalidRealm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an HTTP Basic realm must be visible ASCII without '\"'")
    }
}

impl std::error::Error for InvalidRealm {}

impl Scheme for HttpBasic {
    type Credentials = HttpBasicCredentials;

    fn extract(
        &self,
        headers: &HeaderMap,
        _uri: &Uri,
    ) -> Result<Option<HttpBasicCredentials>, AuthError> {
        let Some(value) = authorization(headers) else {
            return Ok(None);
        };
        let (scheme, param) = scheme_param(&value);
        if !scheme.eq_ignore_ascii_case("basic") {
            return Ok(None);
        }
        let invalid = || AuthError::not_authenticated(self.challenges());
        let mut username = basic_decode(param).ok_or_else(invalid)?;
        let colon = username.find(':').ok_or_else(invalid)?;
        // The decoded text's buffer becomes the user name: one allocation less per request.
        let password = username[colon + 1..].to_owned();
        username.truncate(colon);
        Ok(Some(HttpBasicCredentials { username, password }))
    }

    fn challenges(&self) -> Vec<HeaderValue> {
        vec![self.challenge.clone()]
    }

    fn meta(&self) -> &SchemeMeta {
        &self.meta
    }

    fn rejects_malformed(&self) -> bool {
        true
    }

    #[cfg(feature = "openapi")]
    fn describe_scheme(
        &self,
        cx: &mut towerapi_openapi::DescribeCx<'_>,
    ) -> Result<Vec<Vec<String>>, towerapi_openapi::DocError> {
        let kind = towerapi_openapi::model::SecuritySchemeKind::Http {
            scheme: "basic".to_owned(),
            bearer_format: None,
        };
        super::describe_one(cx, &self.meta, kind)
    }
}

/// Shared by Bearer, Digest and custom schemes: FastAPI's `HTTPBase.__call__`.
fn http_credentials(
    headers: &HeaderMap,
    expected: Option<&str>,
) -> Option<HttpAuthorizationCredentials> {
    let value = authorization(headers)?;
    let (scheme, credentials) = scheme_param(&value);
    if scheme.is_empty() || credentials.is_empty() {
        return None;
    }
    if expected.is_some_and(|e| !scheme.eq_ignore_ascii_case(e)) {
        return None;
    }
    Some(HttpAuthorizationCredentials {
        scheme: scheme.to_owned(),
        credentials: credentials.to_owned(),
    })
}

/// HTTP Bearer (FastAPI's `HTTPBearer`): `Authorization: Bearer <token>`; the scheme is kept as
/// sent. Missing, empty, another scheme or `Bearer` alone: `401` with `WWW-Authenticate:
/// Bearer`, or `None` with `auto_error(false)`.
#[derive(Clone, Debug)]
pub struct HttpBearer {
    meta: SchemeMeta,
    bearer_format: Option<String>,
}

impl Default for HttpBearer {
    fn default() -> Self {
        Self::new()
    }
}

impl HttpBearer {
    /// HTTP Bearer.
    pub fn new() -> Self {
        Self {
            meta: SchemeMeta::new("HTTPBearer"),
            bearer_format: None,
        }
    }

    /// The token format, for the OpenAPI document (`JWT`).
    #[must_use]
    pub fn bearer_format(mut self, format: impl Into<String>) -> Self {
        self.bearer_format = Some(format.into());
        self
    }

    /// The token format set with [`bearer_format`](Self::bearer_format), if any (`get_`: the
    /// setter has the name).
    pub fn get_bearer_format(&self) -> Option<&str> {
        self.bearer_format.as_deref()
    }
}

common_builders!(HttpBearer);

impl Scheme for HttpBearer {
    type Credentials = HttpAuthorizationCredentials;

    fn extract(
        &self,
        headers: &HeaderMap,
        _uri: &Uri,
    ) -> Result<Option<Self::Credentials>, AuthError> {
        Ok(http_credentials(headers, Some("bearer")))
    }

    fn challenges(&self) -> Vec<HeaderValue> {
        vec![HeaderValue::from_static("Bearer")]
    }

    fn meta(&self) -> &SchemeMeta {
        &self.meta
    }

    #[cfg(feature = "openapi")]
    fn describe_scheme(
        &self,
        cx: &mut towerapi_openapi::DescribeCx<'_>,
    ) -> Result<Vec<Vec<String>>, towerapi_openapi::DocError> {
        let kind = towerapi_openapi::model::SecuritySchemeKind::Http {
            scheme: "bearer".to_owned(),
            bearer_format: self.bearer_format.clone(),
        };
        super::describe_one(cx, &self.meta, kind)
    }
}

/// HTTP Digest (FastAPI's `HTTPDigest`): like [`HttpBearer`] for `Authorization: Digest ...`; the
/// parameters are passed on unparsed. The challenge is `Digest`.
#[derive(Clone, Debug)]
pub struct HttpDigest {
    meta: SchemeMeta,
}

impl Default for HttpDigest {
    fn default() -> Self {
        Self::new()
    }
}

impl HttpDigest {
    /// HTTP Digest.
    pub fn new() -> Self {
        Self {
            meta: SchemeMeta::new("HTTPDigest"),
        }
    }
}

common_builders!(HttpDigest);

impl Scheme for HttpDigest {
    type Credentials = HttpAuthorizationCredentials;

    fn extract(
        &self,
        headers: &HeaderMap,
        _uri: &Uri,
    ) -> Result<Option<Self::Credentials>, AuthError> {
        Ok(http_credentials(headers, Some("digest")))
    }

    fn challenges(&self) -> Vec<HeaderValue> {
        vec![HeaderValue::from_static("Digest")]
    }

    fn meta(&self) -> &SchemeMeta {
        &self.meta
    }

    #[cfg(feature = "openapi")]
    fn describe_scheme(
        &self,
        cx: &mut towerapi_openapi::DescribeCx<'_>,
    ) -> Result<Vec<Vec<String>>, towerapi_openapi::DocError> {
        let kind = towerapi_openapi::model::SecuritySchemeKind::Http {
            scheme: "digest".to_owned(),
            bearer_format: None,
        };
        super::describe_one(cx, &self.meta, kind)
    }
}

/// Any HTTP scheme (FastAPI's `HTTPBase(scheme=...)`). As FastAPI, it does not check the scheme
/// sent: any `Authorization: <scheme> <credentials>` passes, and the challenge is the
/// configured scheme in title case (`custom` -> `Custom`). The OpenAPI document says the scheme
/// as configured, as FastAPI does (`{"type": "http", "scheme": "custom"}`).
#[derive(Clone, Debug)]
pub struct HttpBase {
    meta: SchemeMeta,
    scheme: String,
    challenge: HeaderValue,
}

impl HttpBase {
    /// A scheme of this name.
    ///
    /// # Errors
    /// When the name cannot be sent in a header.
    pub fn new(scheme: impl Into<String>) -> Result<Self, http::header::InvalidHeaderValue> {
        let scheme = scheme.into();
        let challenge = HeaderValue::try_from(py_title(&scheme))?;
        Ok(Self {
            meta: SchemeMeta::new("HTTPBase"),
            scheme,
            challenge,
        })
    }

    /// The scheme's name, as configured.
    pub fn scheme(&self) -> &str {
        &self.scheme
    }
}

common_builders!(HttpBase);

impl Scheme for HttpBase {
    type Credentials = HttpAuthorizationCredentials;

    fn extract(
        &self,
        headers: &HeaderMap,
        _uri: &Uri,
    ) -> Result<Option<Self::Credentials>, AuthError> {
        Ok(http_credentials(headers, None))
    }

    fn challenges(&self) -> Vec<HeaderValue> {
        vec![self.challenge.clone()]
    }

    fn meta(&self) -> &SchemeMeta {
        &self.meta
    }

    #[cfg(feature = "openapi")]
    fn describe_scheme(
        &self,
        cx: &mut towerapi_openapi::DescribeCx<'_>,
    ) -> Result<Vec<Vec<String>>, towerapi_openapi::DocError> {
        let kind = towerapi_openapi::model::SecuritySchemeKind::Http {
            scheme: self.scheme.clone(),
            bearer_format: None,
        };
        super::describe_one(cx, &self.meta, kind)
    }
}
