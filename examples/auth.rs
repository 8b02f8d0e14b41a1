//! Every FastAPI security scheme on an axum router, with verify hooks.
//!
//! ```text
//! cargo run --example auth                # listens on 127.0.0.1:8000
//! cargo run --example auth 127.0.0.1:0    # any free port; the URLs are printed
//! curl -u alice:secret http://127.0.0.1:8000/basic
//! ```

use axum::routing::get;
use axum::Router;
use http::request::Parts;
use serde::Serialize;
use towerapi::auth::scheme::OAuthFlows;
use towerapi::auth::{
    constant_time_eq, AnyOf, ApiKey, ApiKeyCookie, ApiKeyHeader, ApiKeyQuery, AuthError, AuthLayer,
    AuthorizationValue, BearerToken, HttpAuthorizationCredentials, HttpBase, HttpBasic,
    HttpBasicCredentials, HttpBearer, HttpDigest, OAuth2, OAuth2AuthorizationCodeBearer,
    OAuth2PasswordBearer, OpenIdConnect, Principal, ScopesLayer, SecurityScopes,
};
use towerapi::prelude::*;

#[derive(Clone, Serialize)]
struct User {
    username: String,
    full_name: String,
}

/// FastAPI's `get_current_user` for HTTP Basic: a user table, passwords compared in constant
/// time, a disabled account answered `400 Inactive user`.
async fn basic_user(creds: HttpBasicCredentials, _parts: &Parts) -> Result<User, AuthError> {
    let known = [
        ("alice", "secret", "Alice Oracle", false),
        ("bob", "builder", "Bob Disabled", true),
    ];
    for (name, password, full_name, disabled) in known {
        if creds.username == name && constant_time_eq(&creds.password, password) {
            if disabled {
                return Err(AuthError::inactive_user());
            }
            return Ok(User {
                username: name.to_owned(),
                full_name: full_name.to_owned(),
            });
        }
    }
    Err(AuthError::unauthorized("Incorrect username or password").with_challenge("Basic"))
}

/// An API key checked in constant time.
async fn api_client(key: ApiKey, _parts: &Parts) -> Result<String, AuthError> {
    if constant_time_eq(&key.0, "k1") {
        Ok("client-1".to_owned())
    } else {
        Err(AuthError::forbidden("Invalid API key"))
    }
}

fn app() -> Router {
    Router::new()
        .route(
            "/basic",
            get(|Principal(user): Principal<User>| async move { Reply::new(user) }).layer(AuthLayer::new(HttpBasic::new()).verify(basic_user)),
        )
        .route(
            "/bearer",
            get(|c: HttpAuthorizationCredentials| async move { Reply::new(serde_json::json!({"token": c.credentials})) })
                .layer(AuthLayer::new(HttpBearer::new().bearer_format("JWT"))),
        )
        .route(
            "/digest",
            get(|c: HttpAuthorizationCredentials| async move { Reply::new(serde_json::json!({"scheme": c.scheme, "credentials": c.credentials})) })
                .layer(AuthLayer::new(HttpDigest::new())),
        )
        .route(
            "/custom",
            get(|c: HttpAuthorizationCredentials| async move { Reply::new(serde_json::json!({"scheme": c.scheme})) })
                .layer(AuthLayer::new(HttpBase::new("custom").expect("a valid scheme name"))),
        )
        .route(
            "/key/query",
            get(|Principal(client): Principal<String>| async move { Reply::new(serde_json::json!({"client": client})) })
                .layer(AuthLayer::new(ApiKeyQuery::new("api_key")).verify(api_client)),
        )
        .route(
            "/key/header",
            get(|Principal(client): Principal<String>| async move { Reply::new(serde_json::json!({"client": client})) })
                .layer(AuthLayer::new(ApiKeyHeader::new("x-api-key")).verify(api_client)),
        )
        .route(
            "/key/cookie",
            get(|k: ApiKey| async move { Reply::new(serde_json::json!({"key_len": k.0.len()})) }).layer(AuthLayer::new(ApiKeyCookie::new("session"))),
        )
        .route(
            "/oauth2/password",
            get(|t: BearerToken| async move { Reply::new(serde_json::json!({"token": t.0})) })
                .layer(AuthLayer::new(OAuth2PasswordBearer::new("token").scopes([("items:read", "Read items.")]))),
        )
        .route(
            "/oauth2/code",
            get(|t: Option<BearerToken>| async move { Reply::new(serde_json::json!({"token": t.map(|t| t.0)})) }).layer(AuthLayer::new(
                OAuth2AuthorizationCodeBearer::new("https://auth.example.com/authorize", "https://auth.example.com/token").auto_error(false),
            )),
        )
        .route(
            "/oauth2/generic",
            get(|a: AuthorizationValue| async move { Reply::new(serde_json::json!({"authorization": a.0})) })
                .layer(AuthLayer::new(OAuth2::new(OAuthFlows::default()))),
        )
        .route(
            "/openid",
            get(|a: AuthorizationValue| async move { Reply::new(serde_json::json!({"authorization": a.0})) })
                .layer(AuthLayer::new(OpenIdConnect::new("https://auth.example.com/.well-known/openid-configuration"))),
        )
        .route(
            "/either",
            get(|b: Option<HttpAuthorizationCredentials>, k: Option<ApiKey>| async move {
                Reply::new(serde_json::json!({"via": if b.is_some() { "bearer" } else if k.is_some() { "api key" } else { "none" }}))
            })
            .layer(AuthLayer::new(AnyOf::new(HttpBearer::new(), ApiKeyHeader::new("x-api-key")))),
        )
        .route(
            "/scopes",
            get(|s: SecurityScopes| async move { Reply::new(serde_json::json!({"scopes": s.scopes()})) })
                .layer(ScopesLayer::new(["items:read", "items:write"])),
        )
        .layer(SerializeLayer::json())
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:8000".to_owned());
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    let base = format!("http://{}", listener.local_addr()?);
    println!("listening on {base}");
    for path in [
        "/basic",
        "/bearer",
        "/digest",
        "/custom",
        "/key/query",
        "/key/header",
        "/key/cookie",
        "/oauth2/password",
        "/oauth2/code",
        "/oauth2/generic",
        "/openid",
        "/either",
        "/scopes",
    ] {
        println!("  GET  {base}{path}");
    }
    axum::serve(listener, app()).await
}
