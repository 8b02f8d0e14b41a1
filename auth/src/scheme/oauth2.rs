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

/// One OAuth2 flow, as the OpenAPI document describes it (FastAPI's
/// `{"tokenUrl": ..., "scopes": {...}}`).
///
/// Build one with the constructor of its kind, which sets the URLs that kind has, then
/// [`scopes`](Self::scopes) and [`refresh_url`](Self::refresh_url); the fields stay public.
///
/// # Example
/// ```
/// use towerapi_auth::OAuthFlow;
///
/// // FastAPI: {"tokenUrl": "token", "scopes": {"items:read": "Read items."}}
/// let flow = OAuthFlow::password("token").scopes([("items:read", "Read items.")]);
/// assert_eq!(flow.token_url.as_deref(), Some("token"));
/// assert_eq!(flow.authorization_url, None);
/// assert_eq!(flow.scopes, [("items:read".to_owned(), "Read items.".to_owned())]);
/// ```
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

impl OAuthFlow {
    /// The password flow (`tokenUrl`), FastAPI's `{"password": {"tokenUrl": token_url}}`.
    ///
    /// # Example
    /// ```
    /// use towerapi_auth::OAuthFlow;
    ///
    /// let flow = OAuthFlow::password("token");
    /// assert_eq!(flow.token_url.as_deref(), Some("token"));
    /// assert!(flow.authorization_url.is_none() && flow.refresh_url.is_none() && flow.scopes.is_empty());
    /// ```
    pub fn password(token_url: impl Into<String>) -> Self {
        Self {
            token_url: Some(token_url.into()),
            ..Self::default()
        }
    }

    /// The client-credentials flow (`tokenUrl`), FastAPI's
    /// `{"clientCredentials": {"tokenUrl": token_url}}`.
    ///
    /// # Example
    /// ```
    /// use towerapi_auth::OAuthFlow;
    ///
    /// let flow = OAuthFlow::client_credentials("https://auth.example.com/token");
    /// assert_eq!(flow.token_url.as_deref(), Some("https://auth.example.com/token"));
    /// assert!(flow.authorization_url.is_none());
    /// ```
    pub fn client_credentials(token_url: impl Into<String>) -> Self {
        Self {
            token_url: Some(token_url.into()),
            ..Self::default()
        }
    }

    /// The implicit flow (`authorizationUrl`), FastAPI's
    /// `{"implicit": {"authorizationUrl": authorization_url}}`.
    ///
    /// # Example
    /// ```
    /// use towerapi_auth::OAuthFlow;
    ///
    /// let flow = OAuthFlow::implicit("https://auth.example.com/authorize").scopes([("x", "X")]);
    /// assert_eq!(flow.authorization_url.as_deref(), Some("https://auth.example.com/authorize"));
    /// assert!(flow.token_url.is_none());
    /// assert_eq!(flow.scopes, [("x".to_owned(), "X".to_owned())]);
    /// ```
    pub fn implicit(authorization_url: impl Into<String>) -> Self {
        Self {
            authorization_url: Some(authorization_url.into()),
            ..Self::default()
        }
    }

    /// The authorization-code flow (`authorizationUrl` and `tokenUrl`), FastAPI's
    /// `{"authorizationCode": {"authorizationUrl": ..., "tokenUrl": ...}}`.
    ///
    /// # Example
    /// ```
    /// use towerapi_auth::OAuthFlow;
    ///
    /// let flow = OAuthFlow::authorization_code("https://auth.example.com/authorize", "https://auth.example.com/token");
    /// assert_eq!(flow.authorization_url.as_deref(), Some("https://auth.example.com/authorize"));
    /// assert_eq!(flow.token_url.as_deref(), Some("https://auth.example.com/token"));
    /// ```
    pub fn authorization_code(
        authorization_url: impl Into<String>,
        token_url: impl Into<String>,
    ) -> Self {
        Self {
            authorization_url: Some(authorization_url.into()),
            token_url: Some(token_url.into()),
            ..Self::default()
        }
    }

    /// The scopes and their descriptions, in this order (FastAPI's `"scopes": {name:
    /// description}`); replaces any set before.
    ///
    /// # Example
    /// ```
    /// use towerapi_auth::OAuthFlow;
    ///
    /// let flow = OAuthFlow::password("token").scopes([("me", "Read you."), ("items", "Read items.")]);
    /// assert_eq!(
    ///     flow.scopes,
    ///     [("me".to_owned(), "Read you.".to_owned()), ("items".to_owned(), "Read items.".to_owned())]
    /// );
    /// ```
    #[must_use]
    pub fn scopes<I, K, V>(mut self, list: I) -> Self
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<String>,
        V: Into<String>,
    {
        self.scopes = scopes(list);
        self
    }

    /// The `refreshUrl`.
    ///
    /// # Example
    /// ```
    /// use towerapi_auth::OAuthFlow;
    ///
    /// let flow = OAuthFlow::password("token").refresh_url("refresh");
    /// assert_eq!(flow.refresh_url.as_deref(), Some("refresh"));
    /// ```
    #[must_use]
    pub fn refresh_url(mut self, url: impl Into<String>) -> Self {
        self.refresh_url = Some(url.into());
        self
    }
}

#[cfg(feature = "openapi")]
impl OAuthFlow {
    /// The flow as the OpenAPI document writes it, scopes in order.
    fn to_model(&self) -> towerapi_openapi::model::OAuthFlow {
        towerapi_openapi::model::OAuthFlow {
            authorization_url: self.authorization_url.clone(),
            token_url: self.token_url.clone(),
            refresh_url: self.refresh_url.clone(),
            scopes: self.scopes.iter().cloned().collect(),
        }
    }
}

/// The flows of a generic [`OAuth2`] scheme (FastAPI's `OAuth2(flows={...})`).
///
/// Start from [`new`](Self::new) (no flow) and add each flow under its name; the fields stay
/// public. A flow's kind is its place here: give each setter the flow of the same name
/// ([`OAuthFlow::password`] to [`password`](Self::password), ...).
///
/// # Example
/// ```
/// use towerapi_auth::{OAuth2, OAuthFlow, OAuthFlows};
///
/// // FastAPI: OAuth2(flows={
/// //     "password": {"tokenUrl": "token", "scopes": {"items:read": "Read items."}},
/// //     "clientCredentials": {"tokenUrl": "https://auth.example.com/token", "scopes": {}},
/// // })
/// let oauth2 = OAuth2::new(
///     OAuthFlows::new()
///         .password(OAuthFlow::password("token").scopes([("items:read", "Read items.")]))
///         .client_credentials(OAuthFlow::client_credentials("https://auth.example.com/token")),
/// );
/// let flows = oauth2.flows();
/// assert_eq!(flows.password.as_ref().and_then(|f| f.token_url.as_deref()), Some("token"));
/// assert_eq!(flows.client_credentials, Some(OAuthFlow::client_credentials("https://auth.example.com/token")));
/// assert_eq!((&flows.implicit, &flows.authorization_code), (&None, &None));
/// ```
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

impl OAuthFlows {
    /// No flows (as [`Default`]); add them with the setters.
    pub fn new() -> Self {
        Self::default()
    }

    /// The implicit flow (FastAPI's `"implicit"`), usually [`OAuthFlow::implicit`].
    ///
    /// # Example
    /// ```
    /// use towerapi_auth::{OAuthFlow, OAuthFlows};
    ///
    /// let flows = OAuthFlows::new().implicit(OAuthFlow::implicit("https://auth.example.com/authorize"));
    /// assert_eq!(flows.implicit, Some(OAuthFlow::implicit("https://auth.example.com/authorize")));
    /// ```
    #[must_use]
    pub fn implicit(mut self, flow: OAuthFlow) -> Self {
        self.implicit = Some(flow);
        self
    }

    /// The password flow (FastAPI's `"password"`), usually [`OAuthFlow::password`].
    ///
    /// # Example
    /// ```
    /// use towerapi_auth::{OAuthFlow, OAuthFlows};
    ///
    /// let flows = OAuthFlows::new().password(OAuthFlow::password("token"));
    /// assert_eq!(flows.password, Some(OAuthFlow::password("token")));
    /// ```
    #[must_use]
    pub fn password(mut self, flow: OAuthFlow) -> Self {
        self.password = Some(flow);
        self
    }

    /// The client-credentials flow (FastAPI's `"clientCredentials"`), usually
    /// [`OAuthFlow::client_credentials`].
    ///
    /// # Example
    /// ```
    /// use towerapi_auth::{OAuthFlow, OAuthFlows};
    ///
    /// let flows = OAuthFlows::new().client_credentials(OAuthFlow::client_credentials("token"));
    /// assert_eq!(flows.client_credentials, Some(OAuthFlow::client_credentials("token")));
    /// ```
    #[must_use]
    pub fn client_credentials(mut self, flow: OAuthFlow) -> Self {
        self.client_credentials = Some(flow);
        self
    }

    /// The authorization-code flow (FastAPI's `"authorizationCode"`), usually
    /// [`OAuthFlow::authorization_code`].
    ///
    /// # Example
    /// ```
    /// use towerapi_auth::{OAuthFlow, OAuthFlows};
    ///
    /// let flow = OAuthFlow::authorization_code("authorize", "token");
    /// let flows = OAuthFlows::new().authorization_code(flow.clone());
    /// assert_eq!(flows.authorization_code, Some(flow));
    /// ```
    #[must_use]
    pub fn authorization_code(mut self, flow: OAuthFlow) -> Self {
        self.authorization_code = Some(flow);
        self
    }
}

/// The builders of a bearer scheme's single flow, and its reading of the request: both OAuth2
/// bearers read `Authorization: Bearer <token>` alike.
macro_rules! flow_builders {
    ($ty:ty, $slot:ident) => {
        impl Scheme for $ty {
            type Credentials = BearerToken;

            fn extract(
                &self,
                headers: &HeaderMap,
                _uri: &Uri,
            ) -> Result<Option<BearerToken>, AuthError> {
                Ok(bearer_token(headers))
            }

            fn challenges(&self) -> Vec<HeaderValue> {
                vec![BEARER]
            }

            fn meta(&self) -> &SchemeMeta {
                &self.meta
            }

            #[cfg(feature = "openapi")]
            fn describe_scheme(
                &self,
                cx: &mut towerapi_openapi::DescribeCx<'_>,
            ) -> Result<Vec<Vec<String>>, towerapi_openapi::DocError> {
                let flows = towerapi_openapi::model::OAuthFlows {
                    $slot: Some(self.flow.to_model()),
                    ..Default::default()
                };
                let kind = towerapi_openapi::model::SecuritySchemeKind::OAuth2 { flows };
                super::describe_one(cx, &self.meta, kind)
            }
        }

        impl $ty {
            /// The scopes and their descriptions (for the OpenAPI document).
            #[must_use]
            pub fn scopes<I, K, V>(mut self, list: I) -> Self
            where
                I: IntoIterator<Item = (K, V)>,
                K: Into<String>,
                V: Into<String>,
            {
                self.flow = self.flow.scopes(list);
                self
            }

            /// The refresh URL (for the OpenAPI document).
            #[must_use]
            pub fn refresh_url(mut self, url: impl Into<String>) -> Self {
                self.flow = self.flow.refresh_url(url);
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
            flow: OAuthFlow::password(token_url),
        }
    }
}

common_builders!(OAuth2PasswordBearer);
flow_builders!(OAuth2PasswordBearer, password);

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
            flow: OAuthFlow::authorization_code(authorization_url, token_url),
        }
    }
}

common_builders!(OAuth2AuthorizationCodeBearer);
flow_builders!(OAuth2AuthorizationCodeBearer, authorization_code);

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
        Ok(authorization(headers).map(|v| AuthorizationValue(v.into_owned())))
    }

    fn challenges(&self) -> Vec<HeaderValue> {
        vec![BEARER]
    }

    fn meta(&self) -> &SchemeMeta {
        &self.meta
    }

    #[cfg(feature = "openapi")]
    fn describe_scheme(
        &self,
        cx: &mut towerapi_openapi::DescribeCx<'_>,
    ) -> Result<Vec<Vec<String>>, towerapi_openapi::DocError> {
        let f = &self.flows;
        let flows = towerapi_openapi::model::OAuthFlows {
            implicit: f.implicit.as_ref().map(OAuthFlow::to_model),
            password: f.password.as_ref().map(OAuthFlow::to_model),
            client_credentials: f.client_credentials.as_ref().map(OAuthFlow::to_model),
            authorization_code: f.authorization_code.as_ref().map(OAuthFlow::to_model),
        };
        let kind = towerapi_openapi::model::SecuritySchemeKind::OAuth2 { flows };
        super::describe_one(cx, &self.meta, kind)
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
        Ok(authorization(headers).map(|v| AuthorizationValue(v.into_owned())))
    }

    fn challenges(&self) -> Vec<HeaderValue> {
        vec![BEARER]
    }

    fn meta(&self) -> &SchemeMeta {
        &self.meta
    }

    #[cfg(feature = "openapi")]
    fn describe_scheme(
        &self,
        cx: &mut towerapi_openapi::DescribeCx<'_>,
    ) -> Result<Vec<Vec<String>>, towerapi_openapi::DocError> {
        let kind = towerapi_openapi::model::SecuritySchemeKind::OpenIdConnect {
            open_id_connect_url: self.url.clone(),
        };
        super::describe_one(cx, &self.meta, kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flow(
        authorization_url: Option<&str>,
        token_url: Option<&str>,
        refresh_url: Option<&str>,
        scopes: &[(&str, &str)],
    ) -> OAuthFlow {
        OAuthFlow {
            authorization_url: authorization_url.map(str::to_owned),
            token_url: token_url.map(str::to_owned),
            refresh_url: refresh_url.map(str::to_owned),
            scopes: scopes
                .iter()
                .map(|&(k, v)| (k.to_owned(), v.to_owned()))
                .collect(),
        }
    }

    #[test]
    fn flow_constructors_set_the_urls_of_their_kind_only() {
        assert_eq!(
            OAuthFlow::password("token"),
            flow(None, Some("token"), None, &[])
        );
        assert_eq!(
            OAuthFlow::client_credentials("https://a.example/token"),
            flow(None, Some("https://a.example/token"), None, &[])
        );
        assert_eq!(
            OAuthFlow::implicit("https://a.example/authorize"),
            flow(Some("https://a.example/authorize"), None, None, &[])
        );
        assert_eq!(
            OAuthFlow::authorization_code("https://a.example/authorize", String::from("tok")),
            flow(Some("https://a.example/authorize"), Some("tok"), None, &[])
        );
    }

    #[test]
    fn flow_scopes_keep_order_and_replace_and_refresh_url_is_set() {
        let f = OAuthFlow::password("token")
            .scopes([("z", "Zed"), ("a", "A")])
            .refresh_url("refresh");
        assert_eq!(
            f,
            flow(
                None,
                Some("token"),
                Some("refresh"),
                &[("z", "Zed"), ("a", "A")]
            )
        );
        // Owned strings and any iterator; a second call replaces the list.
        let f = f.scopes(vec![(String::from("b"), String::from("B"))]);
        assert_eq!(f.scopes, [("b".to_owned(), "B".to_owned())]);
        let f = f.scopes(std::iter::empty::<(&str, &str)>());
        assert!(f.scopes.is_empty());
        assert_eq!(f.refresh_url.as_deref(), Some("refresh"));
    }

    #[test]
    fn flows_builders_fill_each_slot_as_the_struct_literal_does() {
        // The generic OAuth2 of FastAPI's reference app (examples/fastapi_parity.rs).
        let built = OAuthFlows::new()
            .password(OAuthFlow::password("token").scopes([("items:read", "Read items.")]))
            .client_credentials(OAuthFlow::client_credentials(
                "https://auth.example.com/token",
            ))
            .implicit(
                OAuthFlow::implicit("https://auth.example.com/authorize").scopes([("x", "X")]),
            );
        let literal = OAuthFlows {
            password: Some(OAuthFlow {
                token_url: Some("token".into()),
                scopes: vec![("items:read".into(), "Read items.".into())],
                ..OAuthFlow::default()
            }),
            client_credentials: Some(OAuthFlow {
                token_url: Some("https://auth.example.com/token".into()),
                ..OAuthFlow::default()
            }),
            implicit: Some(OAuthFlow {
                authorization_url: Some("https://auth.example.com/authorize".into()),
                scopes: vec![("x".into(), "X".into())],
                ..OAuthFlow::default()
            }),
            authorization_code: None,
        };
        assert_eq!(built, literal);
        assert_eq!(OAuth2::new(built).flows(), &literal);
        assert_eq!(OAuthFlows::new(), OAuthFlows::default());

        let code = OAuthFlow::authorization_code("a", "t").refresh_url("r");
        let flows = OAuthFlows::new().authorization_code(code.clone());
        assert_eq!(flows.authorization_code, Some(code));
        assert_eq!(
            (flows.implicit, flows.password, flows.client_credentials),
            (None, None, None)
        );
    }

    #[test]
    fn bearer_schemes_build_their_flow_with_the_constructors() {
        let p = OAuth2PasswordBearer::new("token")
            .scopes([("me", "Me")])
            .refresh_url("r");
        assert_eq!(
            p.flow(),
            &OAuthFlow::password("token")
                .scopes([("me", "Me")])
                .refresh_url("r")
        );
        let c = OAuth2AuthorizationCodeBearer::new("auth", "token");
        assert_eq!(c.flow(), &OAuthFlow::authorization_code("auth", "token"));
    }
}
