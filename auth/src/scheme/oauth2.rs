//! OAuth2 and OpenID Connect.

use http::{HeaderMap, HeaderValue, Uri};

use super::{common_builders, Scheme, SchemeMeta};
use crate::parse::{authorization, scheme_param};
use crate::{AuthError, AuthorizationValue, BearerToken};

const BEARER: HeaderValue = HeaderValue::from_static("Bearer");

/// FastAPI's `OAuth2PasswordBearer.__call__` (and the authorization-code bearer's).
fn bearer_token(headers: &HeaderMap) -> Option<BearerToken> {
    let value = authorization(headers)?;
    let (scheme, param) = scheme_param(&value);
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| BearerToken(param.to_owned()))
}

/// One OAuth2 flow, as the OpenAPI document describes it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OAuthFlow {
    /// `authorizationUrl` (implicit and authorization-code flows).
    pub authorization_url: Option<String>,
    /// `tokenUrl` (password, client-credentials and authorization-code flows).
    pub token_url: Option<String>,
    /// `refreshUrl`.
    pub refresh_url: Option<String>,
    /// The scopes and their descriptions, in order.
    pub scopes: Vec<(String, String)>,
}

/// The flows of a generic [`OAuth2`] scheme.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OAuthFlows {
    /// The implicit flow.
    pub implicit: Option<OAuthFlow>,
    /// The password flow.
    pub password: Option<OAuthFlow>,
    /// The client-credentials flow.
    pub client_credentials: Option<OAuthFlow>,
    /// The authorization-code flow.
    pub authorization_code: Option<OAuthFlow>,
}

/// The builders of a bearer scheme's single flow.
macro_rules! flow_builders {
    ($ty:ty) => {
        impl $ty {
            /// The scopes and their descriptions (for the OpenAPI document).
            #[must_use]
            pub fn scopes<I, K, V>(mut self, list: I) -> Self
            where
                I: IntoIterator<Item = (K, V)>,
                K: Into<String>,
                V: Into<String>,
            {
                self.flow.scopes = scopes(list);
                self
            }

            /// The refresh URL (for the OpenAPI document).
            #[must_use]
            pub fn refresh_url(mut self, url: impl Into<String>) -> Self {
                self.flow.refresh_url = Some(url.into());
                self
            }

            /// The flow as configured.
            pub fn flow(&self) -> &OAuthFlow {
                &self.flow
            }
        }
    };
}

fn scopes<I, K, V>(scopes: I) -> Vec<(String, String)>
where
    I: IntoIterator<Item = (K, V)>,
    K: Into<String>,
    V: Into<String>,
{
    scopes
        .into_iter()
        .map(|(k, v)| (k.into(), v.into()))
        .collect()
}

/// OAuth2's password flow with a bearer token (FastAPI's `OAuth2PasswordBearer(tokenUrl=...)`).
///
/// `Authorization: Bearer <token>` (scheme case-insensitive) gives the token, which may be empty
/// (`Bearer` alone gives `""`, as FastAPI). Missing, empty, or another scheme: `401` with
/// `WWW-Authenticate: Bearer`, or `None` with `auto_error(false)`.
#[derive(Clone, Debug)]
pub struct OAuth2PasswordBearer {
    meta: SchemeMeta,
    flow: OAuthFlow,
}

impl OAuth2PasswordBearer {
    /// The bearer of tokens issued at `token_url`.
    pub fn new(token_url: impl Into<String>) -> Self {
        Self {
            meta: SchemeMeta::new("OAuth2PasswordBearer"),
            flow: OAuthFlow {
                token_url: Some(token_url.into()),
                ..OAuthFlow::default()
            },
        }
    }
}

common_builders!(OAuth2PasswordBearer);
flow_builders!(OAuth2PasswordBearer);

impl Scheme for OAuth2PasswordBearer {
    type Credentials = BearerToken;

    fn extract(&self, headers: &HeaderMap, _uri: &Uri) -> Result<Option<BearerToken>, AuthError> {
        Ok(bearer_token(headers))
    }

    fn challenges(&self) -> Vec<HeaderValue> {
        vec![BEARER]
    }

    fn meta(&self) -> &SchemeMeta {
        &self.meta
    }
}

/// OAuth2's authorization-code flow with a bearer token (FastAPI's
/// `OAuth2AuthorizationCodeBearer`): reads the request as [`OAuth2PasswordBearer`] does.
#[derive(Clone, Debug)]
pub struct OAuth2AuthorizationCodeBearer {
    meta: SchemeMeta,
    flow: OAuthFlow,
}

impl OAuth2AuthorizationCodeBearer {
    /// The flow with these URLs.
    pub fn new(authorization_url: impl Into<String>, token_url: impl Into<String>) -> Self {
        Self {
            meta: SchemeMeta::new("OAuth2AuthorizationCodeBearer"),
            flow: OAuthFlow {
                authorization_url: Some(authorization_url.into()),
                token_url: Some(token_url.into()),
                ..OAuthFlow::default()
            },
        }
    }
}

common_builders!(OAuth2AuthorizationCodeBearer);
flow_builders!(OAuth2AuthorizationCodeBearer);

impl Scheme for OAuth2AuthorizationCodeBearer {
    type Credentials = BearerToken;

    fn extract(&self, headers: &HeaderMap, _uri: &Uri) -> Result<Option<BearerToken>, AuthError> {
        Ok(bearer_token(headers))
    }

    fn challenges(&self) -> Vec<HeaderValue> {
        vec![BEARER]
    }

    fn meta(&self) -> &SchemeMeta {
        &self.meta
    }
}

/// Generic OAuth2 with any flows (FastAPI's `OAuth2(flows=...)`). As FastAPI, it passes the
/// whole `Authorization` value on without checking the scheme; missing or empty: `401` with
/// `WWW-Authenticate: Bearer`, or `None` with `auto_error(false)`.
#[derive(Clone, Debug)]
pub struct OAuth2 {
    meta: SchemeMeta,
    flows: OAuthFlows,
}

impl OAuth2 {
    /// OAuth2 with these flows.
    pub fn new(flows: OAuthFlows) -> Self {
        Self {
            meta: SchemeMeta::new("OAuth2"),
            flows,
        }
    }

    /// The flows.
    pub fn flows(&self) -> &OAuthFlows {
        &self.flows
    }
}

common_builders!(OAuth2);

impl Scheme for OAuth2 {
    type Credentials = AuthorizationValue;

    fn extract(
        &self,
        headers: &HeaderMap,
        _uri: &Uri,
    ) -> Result<Option<AuthorizationValue>, AuthError> {
        Ok(authorization(headers).map(AuthorizationValue))
    }

    fn challenges(&self) -> Vec<HeaderValue> {
        vec![BEARER]
    }

    fn meta(&self) -> &SchemeMeta {
        &self.meta
    }
}

/// OpenID Connect (FastAPI's `OpenIdConnect(openIdConnectUrl=...)`): passes the whole
/// `Authorization` value on, as FastAPI; missing or empty: `401` with `WWW-Authenticate:
/// Bearer`, or `None` with `auto_error(false)`.
#[derive(Clone, Debug)]
pub struct OpenIdConnect {
    meta: SchemeMeta,
    url: String,
}

impl OpenIdConnect {
    /// OpenID Connect with this discovery URL.
    pub fn new(open_id_connect_url: impl Into<String>) -> Self {
        Self {
            meta: SchemeMeta::new("OpenIdConnect"),
            url: open_id_connect_url.into(),
        }
    }

    /// The discovery URL.
    pub fn url(&self) -> &str {
        &self.url
    }
}

common_builders!(OpenIdConnect);

impl Scheme for OpenIdConnect {
    type Credentials = AuthorizationValue;

    fn extract(
        &self,
        headers: &HeaderMap,
        _uri: &Uri,
    ) -> Result<Option<AuthorizationValue>, AuthError> {
        Ok(authorization(headers).map(AuthorizationValue))
    }

    fn challenges(&self) -> Vec<HeaderValue> {
        vec![BEARER]
    }

    fn meta(&self) -> &SchemeMeta {
        &self.meta
    }
}
