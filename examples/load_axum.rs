//! The load comparison's baseline: the routes of `load_towerapi` written by hand on bare axum
//! (axum's `Json`, `from_fn` middleware, jsonwebtoken, a typed projection), answering the same
//! bytes. `scripts/load` runs both side by side.
//!
//! ```text
//! cargo run --release --example load_axum [ADDR]   # default 127.0.0.1:8000
//! ```

#[path = "load/shared.rs"]
#[allow(dead_code)]
pub(crate) mod shared;

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::{from_fn, from_fn_with_state, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use base64::Engine as _;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use shared::{Keys, TokenClaims, User, UserOut};
use towerapi::auth::constant_time_eq;

async fn json() -> Json<User> {
    Json(shared::user())
}

async fn model() -> Json<UserOut> {
    Json(UserOut::from(shared::user()))
}

/// FastAPI's 401 body with a challenge.
fn unauthorized(detail: &'static str, challenge: &'static str) -> Response {
    let body = format!(r#"{{"detail":"{detail}"}}"#);
    (
        StatusCode::UNAUTHORIZED,
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            ),
            (
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static(challenge),
            ),
        ],
        body,
    )
        .into_response()
}

fn forbidden(detail: &'static str) -> Response {
    (
        StatusCode::FORBIDDEN,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        format!(r#"{{"detail":"{detail}"}}"#),
    )
        .into_response()
}

/// `Authorization: <scheme> <credentials>`, the scheme compared case-insensitively.
fn credentials<'a>(headers: &'a HeaderMap, scheme: &str) -> Option<&'a str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (s, rest) = value.split_once(' ')?;
    s.eq_ignore_ascii_case(scheme).then(|| rest.trim())
}

async fn basic(req: Request, next: Next) -> Response {
    let Some(encoded) = credentials(req.headers(), "basic") else {
        return unauthorized("Not authenticated", "Basic");
    };
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded)
        .ok()
        .and_then(|b| String::from_utf8(b).ok());
    let Some((user, password)) = decoded.as_deref().and_then(|d| d.split_once(':')) else {
        return unauthorized("Invalid authentication credentials", "Basic");
    };
    let user_ok = constant_time_eq(user, shared::BASIC_USER);
    let password_ok = constant_time_eq(password, shared::BASIC_PASSWORD);
    if !(user_ok & password_ok) {
        return unauthorized("Incorrect username or password", "Basic");
    }
    next.run(req).await
}

async fn bearer(req: Request, next: Next) -> Response {
    match credentials(req.headers(), "bearer") {
        Some(token) if constant_time_eq(token, shared::BEARER_TOKEN) => next.run(req).await,
        Some(_) => unauthorized("Invalid token", "Bearer"),
        None => unauthorized("Not authenticated", "Bearer"),
    }
}

async fn api_key(req: Request, next: Next) -> Response {
    match req.headers().get("x-api-key") {
        Some(key) if constant_time_eq(key.as_bytes(), shared::API_KEY) => next.run(req).await,
        Some(_) => forbidden("Invalid API key"),
        None => unauthorized("Not authenticated", "APIKey"),
    }
}

/// A JWT key and its validation, as a hand-written middleware keeps them.
#[derive(Clone)]
struct Jwt(Arc<(DecodingKey, Validation)>);

impl Jwt {
    fn new(key: DecodingKey, alg: Algorithm) -> Self {
        Self(Arc::new((key, Validation::new(alg))))
    }
}

async fn jwt(State(jwt): State<Jwt>, mut req: Request, next: Next) -> Response {
    let Some(token) = credentials(req.headers(), "bearer") else {
        return unauthorized("Not authenticated", "Bearer");
    };
    let (key, validation) = &*jwt.0;
    let claims = match jsonwebtoken::decode::<TokenClaims>(token, key, validation) {
        Ok(data) => data.claims,
        Err(_) => return unauthorized("Could not validate credentials", "Bearer"),
    };
    if !claims.scopes.iter().any(|s| s == shared::SCOPE) {
        return unauthorized("Not enough permissions", "Bearer scope=\"items:read\"");
    }
    req.extensions_mut().insert(Arc::new(claims));
    next.run(req).await
}

pub(crate) fn app(keys: &Keys) -> Router {
    let hs256 = Jwt::new(
        DecodingKey::from_secret(shared::HS256_SECRET),
        Algorithm::HS256,
    );
    let rs256 = Jwt::new(keys.rs256_public.clone(), Algorithm::RS256);
    Router::new()
        .route("/json", get(json))
        .route("/plain", get(|| async { shared::PLAIN }))
        .route("/basic", get(json).layer(from_fn(basic)))
        .route("/bearer", get(json).layer(from_fn(bearer)))
        .route("/apikey", get(json).layer(from_fn(api_key)))
        .route(
            "/jwt",
            get(json).layer(from_fn_with_state(hs256.clone(), jwt)),
        )
        .route(
            "/rs256",
            get(json).layer(from_fn_with_state(rs256.clone(), jwt)),
        )
        .route(
            "/rs256-cached",
            get(json).layer(from_fn_with_state(rs256, jwt)),
        )
        .route("/model", get(model))
        .route("/model-from", get(model))
        .route("/full", get(model).layer(from_fn_with_state(hs256, jwt)))
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let keys = Keys::generate();
    let listener = tokio::net::TcpListener::bind(shared::addr()).await?;
    keys.announce(listener.local_addr()?);
    axum::serve(listener, app(&keys)).await
}
