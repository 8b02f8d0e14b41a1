//! towerapi-auth: FastAPI's security schemes as tower layers.
//!
//! One mechanism, [`AuthLayer<S>`](AuthLayer), and a small [`Scheme`] per FastAPI class:
//! [`HttpBasic`], [`HttpBearer`], [`HttpDigest`], [`HttpBase`], [`ApiKeyQuery`],
//! [`ApiKeyHeader`], [`ApiKeyCookie`], [`OAuth2`], [`OAuth2PasswordBearer`],
//! [`OAuth2AuthorizationCodeBearer`], [`OpenIdConnect`]. Each reads the request exactly as
//! FastAPI 0.165 does and answers missing credentials as it does (`401`,
//! `{"detail":"Not authenticated"}`, the scheme's `WWW-Authenticate`). Credentials go into the
//! request extensions as typed values; a [`verify`](AuthLayer::verify) hook turns them into a
//! principal. [`AnyOf`] makes schemes alternatives, [`ScopesLayer`] gathers FastAPI's
//! `SecurityScopes`, and [`form`] parses `OAuth2PasswordRequestForm`. One [`RejectionLayer`] on
//! the router sees every rejection of them all as a typed [`Rejection`] and may reshape it
//! (RFC 9457 problem details with [`RejectionLayer::problem_json`]).
//!
//! With the `openapi` feature (on by default) every layer describes itself for
//! towerapi-openapi's document: [`AuthLayer`] registers its scheme with FastAPI's
//! `securitySchemes` entry (`Scheme::describe_scheme`), sets the operation's `security` and
//! documents its `401`; [`ScopesLayer`] adds its scopes and a `403`; the password forms give
//! their request body and `422` (`OAuth2PasswordRequestForm::openapi()`).
//!
//! # Names
//!
//! A getter has the plain name of what it returns ([`ApiKeyQuery::name`],
//! [`OAuth2PasswordBearer::flow`], [`OpenIdConnect::url`], [`HttpBase::scheme`]), as the Rust API
//! guidelines ask (C-GETTER), and takes `get_` only where a builder method already has that
//! name ([`HttpBasic::realm`] sets, [`HttpBasic::get_realm`] reads; likewise
//! [`HttpBearer::get_bearer_format`], `JwtVerifier::get_cache`,
//! `TokenCache::get_max_age`, [`FormConfig::get_limit`](form::FormConfig::get_limit)),
//! as `std::process::Command` pairs `current_dir` with `get_current_dir`; the settings every
//! scheme shares (`scheme_name`, `description`, `auto_error`) are read from [`Scheme::meta`].
//!
//! # Example
//! ```
//! # #[tokio::main(flavor = "current_thread")] async fn main() {
//! use http::{header, Request, Response};
//! use tower::{service_fn, Layer, ServiceExt};
//! use towerapi_auth::{constant_time_eq, ApiKey, ApiKeyHeader, AuthError, AuthLayer, Principal};
//!
//! let layer = AuthLayer::new(ApiKeyHeader::new("x-api-key")).verify(|key: ApiKey, _parts: &http::request::Parts| async move {
//!     if constant_time_eq(&key.0, "k1") { Ok("service-a") } else { Err(AuthError::unauthorized("Invalid API key")) }
//! });
//! let svc = layer.layer(service_fn(|req: Request<()>| async move {
//!     let who = req.extensions().get::<Principal<&str>>().unwrap().0;
//!     Ok::<_, std::convert::Infallible>(Response::new(towerapi_encode::Body::full(who)))
//! }));
//! let req = Request::builder().header("x-api-key", "k1").body(()).unwrap();
//! assert_eq!(svc.clone().oneshot(req).await.unwrap().status(), 200);
//! let req = Request::builder().header("x-api-key", "nope").body(()).unwrap();
//! assert_eq!(svc.oneshot(req).await.unwrap().status(), 401);
//! # }
//! ```
//!
//! # Layers from a helper function
//!
//! Every layer here is a plain, nameable type, so a helper can build one and return it. With a
//! JWT verifier the whole type is spelled out; with a closure or an `async fn` verifier, say
//! `impl Verify<...>` for the verifier (its type has no name), never `impl Layer<S>` (whose
//! service bounds would have to be repeated). A stack is a tuple of layers, outer first:
//! ```
//! # #[cfg(any(feature = "jwt-aws-lc-rs", feature = "jwt-rust-crypto"))] {
//! use http::request::Parts;
//! use towerapi_auth::jwt::JwtVerifier;
//! use towerapi_auth::{
//!     constant_time_eq, ApiKey, ApiKeyHeader, AuthError, AuthLayer, OAuth2PasswordBearer,
//!     ScopesLayer, Verify,
//! };
//!
//! /// Bearer JWT with scope `items:read`: FastAPI's `Security(get_current_user, scopes=[...])`.
//! fn read_items(secret: &[u8]) -> (ScopesLayer, AuthLayer<OAuth2PasswordBearer, JwtVerifier>) {
//!     let auth = AuthLayer::new(OAuth2PasswordBearer::new("token")).jwt(JwtVerifier::hs256(secret));
//!     (ScopesLayer::new(["items:read"]), auth)
//! }
//!
//! async fn service_key(key: ApiKey, _parts: &Parts) -> Result<String, AuthError> {
//!     if constant_time_eq(&key.0, "k1") { Ok("service-a".to_owned()) } else { Err(AuthError::forbidden("Invalid API key")) }
//! }
//!
//! /// An API key checked by a function: the verifier's type is `impl Verify<...>`.
//! fn api_key() -> AuthLayer<ApiKeyHeader, impl Verify<ApiKey, Principal = String>> {
//!     AuthLayer::new(ApiKeyHeader::new("x-api-key")).verify(service_key)
//! }
//!
//! # let (_scopes, _auth) = read_items(b"secret");
//! # let _ = api_key();
//! # }
//! ```
//!
//! # A verifier with the app's state
//!
//! A layer runs before axum hands the state to a handler, so a verifier takes what it needs
//! when it is built: `Db::from_ref(&state)` (axum's `FromRef`) or a clone. Implement [`Verify`]
//! on a struct holding it: its `async fn verify` may use the request head across `.await`s
//! (a closure passed to [`AuthLayer::verify`] cannot hold `&Parts` across one, a limit of
//! closures returning futures; an `async fn` can):
//! ```
//! use std::collections::HashMap;
//! use std::sync::Arc;
//! use http::request::Parts;
//! use towerapi_auth::{ApiKey, ApiKeyHeader, AuthError, AuthLayer, Verify};
//!
//! /// What the app keeps in its state (axum: `impl FromRef<AppState> for Db`).
//! #[derive(Clone)]
//! struct Db(Arc<HashMap<String, String>>);
//!
//! impl Db {
//!     async fn owner_of(&self, key: &str) -> Option<String> {
//!         tokio::task::yield_now().await; // a query, in real life
//!         self.0.get(key).cloned()
//!     }
//! }
//!
//! #[derive(Clone)]
//! struct KeyOwner(Db);
//!
//! impl Verify<ApiKey> for KeyOwner {
//!     type Principal = String;
//!     async fn verify(&self, key: ApiKey, parts: &Parts) -> Result<String, AuthError> {
//!         let owner = self.0.owner_of(&key.0).await;
//!         // The request head is still here after the `.await`.
//!         let agent = parts.headers.get("user-agent").and_then(|v| v.to_str().ok());
//!         match (owner, agent) {
//!             (Some(owner), Some(_)) => Ok(owner),
//!             _ => Err(AuthError::forbidden("Invalid API key")),
//!         }
//!     }
//! }
//!
//! # #[tokio::main(flavor = "current_thread")] async fn main() {
//! # use tower::{Layer as _, ServiceExt as _};
//! let db = Db(Arc::new(HashMap::from([("k1".to_owned(), "alice".to_owned())])));
//! let layer = AuthLayer::new(ApiKeyHeader::new("x-api-key")).verify_with(KeyOwner(db));
//! # let svc = layer.layer(tower::service_fn(|req: http::Request<()>| async move {
//! #     let who = req.extensions().get::<towerapi_auth::Principal<String>>().unwrap().0.clone();
//! #     Ok::<_, std::convert::Infallible>(http::Response::new(towerapi_encode::Body::full(who)))
//! # }));
//! # let req = |key: &str| http::Request::builder().header("x-api-key", key).header("user-agent", "t").body(()).unwrap();
//! # assert_eq!(svc.clone().oneshot(req("k1")).await.unwrap().status(), 200);
//! # assert_eq!(svc.oneshot(req("k2")).await.unwrap().status(), 403);
//! # }
//! ```
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod any_of;
mod credentials;
mod error;
#[cfg(feature = "axum")]
mod extract;
pub mod form;
#[cfg(any(feature = "jwt-aws-lc-rs", feature = "jwt-rust-crypto"))]
pub mod jwt;
mod layer;
#[cfg(feature = "openapi")]
mod openapi;
mod parse;
mod reject;
pub mod scheme;
mod scopes;

pub use any_of::{AnyOf, Either, VerifyEach};
pub use credentials::{
    constant_time_eq, ApiKey, AuthorizationValue, BearerToken, HttpAuthorizationCredentials,
    HttpBasicCredentials, Principal,
};
pub use error::{AuthError, AuthErrorKind};
#[cfg(feature = "axum")]
pub use extract::MissingCredentials;
pub use layer::{
    verify_fn, verify_scoped_fn, AndThen, Auth, AuthLayer, Check, CheckFn, NoCheck, NoVerify,
    ResponseFuture, Verify, VerifyCall, VerifyFn, VerifyScopedFn, VerifySyncFn, WithScopes,
};
pub use reject::{
    Detail, Problem, Rejection, RejectionFuture, RejectionLayer, Rejections, RequestHead,
    PROBLEM_JSON,
};
#[doc(inline)]
pub use scheme::{
    ApiKeyCookie, ApiKeyHeader, ApiKeyQuery, HttpBase, HttpBasic, HttpBearer, HttpDigest, OAuth2,
    OAuth2AuthorizationCodeBearer, OAuth2PasswordBearer, OAuthFlow, OAuthFlows, OpenIdConnect,
    Scheme, SchemeMeta,
};
pub use scopes::{GrantedScopes, Scopes, ScopesFuture, ScopesLayer, SecurityScopes};
pub use towerapi_encode::LayerBody;

#[cfg(all(test, feature = "openapi"))]
mod openapi_tests;
#[cfg(test)]
mod tests;
