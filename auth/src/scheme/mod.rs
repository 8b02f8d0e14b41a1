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

    /// Puts the credentials into the request extensions (as `Self::Credentials`).
    fn store(credentials: &Self::Credentials, extensions: &mut http::Extensions) {
        extensions.insert(credentials.clone());
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
