//! The schemes: how each reads credentials from a request.

use http::{HeaderMap, HeaderValue, Uri};

use crate::AuthError;

mod api_key;
mod http_schemes;
mod oauth2;

pub use api_key::{ApiKeyCookie, ApiKeyHeader, ApiKeyQuery};
pub use http_schemes::InvalidRealm;
pub use http_schemes::{HttpBase, HttpBasic, HttpBearer, HttpDigest};
pub use oauth2::{
    OAuth2, OAuth2AuthorizationCodeBearer, OAuth2PasswordBearer, OAuthFlow, OAuthFlows,
    OpenIdConnect,
};

/// The settings every scheme has (FastAPI's `scheme_name`, `description`, `auto_error`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SchemeMeta {
    /// The name in the OpenAPI document (FastAPI: the class name by default).
    pub scheme_name: String,
    /// The description in the OpenAPI document.
    pub description: Option<String>,
    /// Whether missing credentials are an error (`true`) or reach the handler as `None`.
    pub auto_error: bool,
}

impl SchemeMeta {
    pub(crate) fn new(name: &str) -> Self {
        Self {
            scheme_name: name.to_owned(),
            description: None,
            auto_error: true,
        }
    }
}

/// A security scheme: reads credentials from the request head.
///
/// Implemented by each scheme of this crate; implement it for a scheme of your own, and
/// [`AuthLayer`](crate::AuthLayer) gives it FastAPI's behaviour (auto_error, rejections, the
/// verify hook, extensions).
pub trait Scheme: Clone + Send + Sync + 'static {
    /// What the scheme reads.
    type Credentials: Clone + Send + Sync + 'static;

    /// Reads the credentials. `Ok(None)`: there are none (missing, or another scheme's);
    /// `Err`: the request is rejected whatever `auto_error` says (HTTP Basic with a value it
    /// cannot decode).
    ///
    /// # Errors
    /// A rejection that `auto_error(false)` does not suppress.
    fn extract(
        &self,
        headers: &HeaderMap,
        uri: &Uri,
    ) -> Result<Option<Self::Credentials>, AuthError>;

    /// The `WWW-Authenticate` values sent with `Not authenticated`.
    fn challenges(&self) -> Vec<HeaderValue>;

    /// The common settings.
    fn meta(&self) -> &SchemeMeta;

    /// Marks the headers that can carry this scheme's credentials sensitive
    /// ([`HeaderValue::set_sensitive`]) before the inner service sees them, so that an HTTP/2
    /// encoder never indexes them and a logging layer that honours the flag hides them.
    /// Default: every `Authorization` and `Cookie` value; [`ApiKeyHeader`] adds its header.
    fn mark_sensitive(&self, headers: &mut HeaderMap) {
        mark_sensitive(headers, &http::header::AUTHORIZATION);
        mark_sensitive(headers, &http::header::COOKIE);
    }

    /// Puts the credentials into the request extensions (as `Self::Credentials`).
    fn store(credentials: Self::Credentials, extensions: &mut http::Extensions) {
        extensions.insert(credentials);
    }

    /// Whether [`extract`](Self::extract) can reject a request outright (`Err`), so that the
    /// layer answers `401` even with `auto_error(false)`: `true` for [`HttpBasic`], which
    /// refuses a `Basic` value it cannot decode. Default: `false`. The OpenAPI description
    /// documents the `401` from it.
    fn rejects_malformed(&self) -> bool {
        false
    }

    /// Registers the scheme (or, for [`AnyOf`](crate::AnyOf), the schemes) in the OpenAPI
    /// document with [`DescribeCx::security_scheme`](towerapi_openapi::DescribeCx::security_scheme)
    /// and returns the requirement alternatives: any one suffices, each a set of scheme names
    /// that all apply (`vec![vec![name]]` for one scheme).
    ///
    /// Every scheme of this crate writes FastAPI's entry. The default fails, so that a scheme
    /// of your own is never silently left out of the document: implement it as
    ///
    /// ```
    /// # use http::{HeaderMap, HeaderValue, Uri};
    /// # use towerapi_auth::{ApiKey, AuthError, Scheme, SchemeMeta};
    /// use towerapi_openapi::model::{ParameterIn, SecurityScheme, SecuritySchemeKind};
    /// use towerapi_openapi::{DescribeCx, DocError};
    ///
    /// /// An API key in `X-Tenant-Key`.
    /// #[derive(Clone)]
    /// struct TenantKey(SchemeMeta);
    ///
    /// impl Scheme for TenantKey {
    ///     type Credentials = ApiKey;
    /// #   fn extract(&self, h: &HeaderMap, _: &Uri) -> Result<Option<ApiKey>, AuthError> {
    /// #       Ok(h.get("x-tenant-key").and_then(|v| v.to_str().ok()).map(|v| ApiKey(v.into())))
    /// #   }
    /// #   fn challenges(&self) -> Vec<HeaderValue> { vec![HeaderValue::from_static("APIKey")] }
    /// #   fn meta(&self) -> &SchemeMeta { &self.0 }
    ///     // extract, challenges, meta ...
    ///     fn describe_scheme(&self, cx: &mut DescribeCx<'_>) -> Result<Vec<Vec<String>>, DocError> {
    ///         let name = self.meta().scheme_name.clone();
    ///         cx.security_scheme(&name, SecurityScheme {
    ///             kind: SecuritySchemeKind::ApiKey { location: ParameterIn::Header, name: "X-Tenant-Key".into() },
    ///             description: self.meta().description.clone(),
    ///         })?;
    ///         Ok(vec![vec![name]])
    ///     }
    /// }
    /// ```
    ///
    /// # Errors
    /// [`DocError::SchemeConflict`](towerapi_openapi::DocError::SchemeConflict) when another
    /// scheme took the name; by default [`DocError::Undescribed`](towerapi_openapi::DocError::Undescribed).
    #[cfg(feature = "openapi")]
    fn describe_scheme(
        &self,
        cx: &mut towerapi_openapi::DescribeCx<'_>,
    ) -> Result<Vec<Vec<String>>, towerapi_openapi::DocError> {
        let _ = cx;
        Err(towerapi_openapi::DocError::Undescribed {
            type_name: std::any::type_name::<Self>(),
            reason: "implement Scheme::describe_scheme".into(),
        })
    }
}

/// Registers a scheme of one entry under its `scheme_name`, with its description: the body of
/// every `describe_scheme` of this crate.
#[cfg(feature = "openapi")]
pub(crate) fn describe_one(
    cx: &mut towerapi_openapi::DescribeCx<'_>,
    meta: &SchemeMeta,
    kind: towerapi_openapi::model::SecuritySchemeKind,
) -> Result<Vec<Vec<String>>, towerapi_openapi::DocError> {
    cx.security_scheme(
        &meta.scheme_name,
        towerapi_openapi::model::SecurityScheme {
            kind,
            description: meta.description.clone(),
        },
    )?;
    Ok(vec![vec![meta.scheme_name.clone()]])
}

/// Marks every value of `name` sensitive.
pub(crate) fn mark_sensitive(headers: &mut HeaderMap, name: &http::header::HeaderName) {
    if let http::header::Entry::Occupied(mut entry) = headers.entry(name) {
        entry.iter_mut().for_each(|v| v.set_sensitive(true));
    }
}

/// The builder methods every scheme has.
macro_rules! common_builders {
    ($ty:ty) => {
        impl $ty {
            /// The name under which the scheme appears in the OpenAPI document.
            #[must_use]
            pub fn scheme_name(mut self, name: impl Into<String>) -> Self {
                self.meta.scheme_name = name.into();
                self
            }

            /// The description in the OpenAPI document.
            #[must_use]
            pub fn description(mut self, description: impl Into<String>) -> Self {
                self.meta.description = Some(description.into());
                self
            }

            /// `false`: missing credentials reach the handler as `None` instead of a `401`
            /// (FastAPI's `auto_error=False`).
            #[must_use]
            pub fn auto_error(mut self, auto_error: bool) -> Self {
                self.meta.auto_error = auto_error;
                self
            }
        }
    };
}

pub(crate) use common_builders;
