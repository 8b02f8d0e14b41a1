//! The load comparison's towerapi side: the routes of `load_axum`, built from towerapi's layers
//! as the README shows them. `scripts/load` runs both side by side; `tests/load_examples.rs`
//! checks that they answer the same bytes.
//!
//! ```text
//! cargo run --release --example load_towerapi [ADDR]   # default 127.0.0.1:8000
//! ```

#[path = "load/shared.rs"]
#[allow(dead_code)]
pub(crate) mod shared;

use axum::routing::get;
use axum::Router;
use http::request::Parts;
use jsonwebtoken::Algorithm;
use shared::{Keys, User, UserOut};
use tower::ServiceBuilder;
use towerapi::auth::jwt::{JwtVerifier, TokenCache};
use towerapi::auth::{
    constant_time_eq, ApiKey, ApiKeyHeader, AuthError, AuthLayer, HttpAuthorizationCredentials,
    HttpBasic, HttpBasicCredentials, HttpBearer, OAuth2PasswordBearer, ScopesLayer,
};
use towerapi::encode::class::PlainText;
use towerapi::layers::ResponseModelLayer;
use towerapi::prelude::*;

async fn json() -> Reply<User> {
    Reply::new(shared::user())
}

// The header-only checks compare with constants: plain functions, run in place (`verify_sync`).
fn basic(c: &HttpBasicCredentials, _: &Parts) -> Result<(), AuthError> {
    // Both compared, always: no early exit on the user name.
    let user = constant_time_eq(&c.username, shared::BASIC_USER);
    let password = constant_time_eq(&c.password, shared::BASIC_PASSWORD);
    if user & password {
        Ok(())
    } else {
        Err(AuthError::unauthorized("Incorrect username or password").with_challenge("Basic"))
    }
}

fn bearer(c: &HttpAuthorizationCredentials, _: &Parts) -> Result<(), AuthError> {
    if constant_time_eq(&c.credentials, shared::BEARER_TOKEN) {
        Ok(())
    } else {
        Err(AuthError::unauthorized("Invalid token").with_challenge("Bearer"))
    }
}

fn api_key(key: &ApiKey, _: &Parts) -> Result<(), AuthError> {
    if constant_time_eq(&key.0, shared::API_KEY) {
        Ok(())
    } else {
        Err(AuthError::forbidden("Invalid API key"))
    }
}

/// The app: one route per row of the comparison.
pub(crate) fn app(keys: &Keys) -> Router {
    let hs256 =
        AuthLayer::new(OAuth2PasswordBearer::new("token")).jwt(
            JwtVerifier::<serde_json::Value>::hs256(shared::HS256_SECRET),
        );
    let hs256_cached = AuthLayer::new(OAuth2PasswordBearer::new("token")).jwt(
        JwtVerifier::<serde_json::Value>::hs256(shared::HS256_SECRET).cache(TokenCache::new()),
    );
    let rs256 = AuthLayer::new(OAuth2PasswordBearer::new("token")).jwt(
        JwtVerifier::<serde_json::Value>::new().key(keys.rs256_public.clone(), [Algorithm::RS256]),
    );
    let rs256_cached = AuthLayer::new(OAuth2PasswordBearer::new("token")).jwt(
        JwtVerifier::<serde_json::Value>::new()
            .key(keys.rs256_public.clone(), [Algorithm::RS256])
            .cache(TokenCache::new()),
    );
    let scoped = |auth| {
        ServiceBuilder::new()
            .layer(ScopesLayer::new([shared::SCOPE]))
            .layer(auth)
    };
    Router::new()
        .route("/json", get(json))
        .route(
            "/plain",
            get(|| async { Reply::new(shared::PLAIN) }).layer(SerializeLayer::new(PlainText)),
        )
        .route(
            "/basic",
            get(json).layer(AuthLayer::new(HttpBasic::new()).verify_sync(basic)),
        )
        .route(
            "/bearer",
            get(json).layer(AuthLayer::new(HttpBearer::new()).verify_sync(bearer)),
        )
        .route(
            "/apikey",
            get(json).layer(AuthLayer::new(ApiKeyHeader::new("x-api-key")).verify_sync(api_key)),
        )
        .route("/jwt", get(json).layer(scoped(hs256)))
        .route("/rs256", get(json).layer(scoped(rs256)))
        .route("/rs256-cached", get(json).layer(scoped(rs256_cached)))
        .route(
            "/model",
            get(json).layer(ResponseModelLayer::<UserOut>::new()),
        )
        .route(
            "/model-from",
            get(json).layer(ResponseModelLayer::<UserOut>::new().from::<User>()),
        )
        // The full stack as a service would run it: a client sends its token on every request,
        // and the verified-token cache saves what a hand-written middleware redoes each time.
        .route(
            "/full",
            get(json).layer(
                ServiceBuilder::new()
                    .layer(scoped(hs256_cached))
                    .layer(ResponseModelLayer::<UserOut>::new()),
            ),
        )
        .layer(
            ServiceBuilder::new()
                .layer(SerializeLayer::json())
                .layer(StatusLayer::new()),
        )
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let keys = Keys::generate();
    let listener = tokio::net::TcpListener::bind(shared::addr()).await?;
    keys.announce(listener.local_addr()?);
    axum::serve(listener, app(&keys)).await
}
