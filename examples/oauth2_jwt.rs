//! FastAPI's "OAuth2 with Password (and hashing), Bearer with JWT tokens" and "OAuth2 scopes"
//! tutorials on axum: `/token`, `/users/me`, `/users/me/items`, `/status`, and Swagger UI at
//! `/docs` whose Authorize button logs in with the password flow (user `johndoe`, password
//! `secret`).
//!
//! ```text
//! cargo run --example oauth2_jwt               # listens on 127.0.0.1:8000
//! curl -d 'username=johndoe&password=secret&scope=me items' http://127.0.0.1:8000/token
//! curl -H "Authorization: Bearer <access_token>" http://127.0.0.1:8000/users/me/items
//! ```

use axum::Router;
use http::request::Parts;
use http::StatusCode;
use serde::Serialize;
use tower::ServiceBuilder;
use towerapi::auth::form::OAuth2PasswordRequestForm;
use towerapi::auth::jwt::{bearer_challenge, Claims, JwtIssuer, JwtVerifier};
use towerapi::auth::{
    constant_time_eq, AuthError, AuthLayer, OAuth2PasswordBearer, Principal, ScopesLayer,
};
use towerapi::openapi::{get, post, ApiRouter, Docs, Info};
use towerapi::prelude::*;
use towerapi::schemars::JsonSchema;

const SECRET_KEY: &[u8] = b"09d25e094faa6ca2556c818166b7a9563b93f7099f6f0f4caa6cf63b88e8d3e7";

#[derive(Clone, Serialize, JsonSchema)]
struct User {
    username: &'static str,
    email: &'static str,
    full_name: &'static str,
    disabled: bool,
    #[serde(skip)]
    password: &'static str,
}

const USERS: [User; 2] = [
    User {
        username: "johndoe",
        email: "johndoe@example.com",
        full_name: "John Doe",
        disabled: false,
        password: "secret",
    },
    User {
        username: "alice",
        email: "alice@example.com",
        full_name: "Alice Wonderson",
        disabled: true,
        password: "secret2",
    },
];

fn find(username: &str) -> Option<User> {
    USERS.iter().find(|u| u.username == username).cloned()
}

#[derive(Serialize, JsonSchema)]
struct Token {
    access_token: String,
    token_type: &'static str,
}

/// `/token`: the password form, the user table, a token carrying the requested scopes.
async fn login(form: OAuth2PasswordRequestForm) -> Result<Reply<Token>, Reply<serde_json::Value>> {
    let incorrect = || {
        Reply::new(serde_json::json!({"detail": "Incorrect username or password"}))
            .status(StatusCode::BAD_REQUEST)
    };
    let user = find(&form.username).ok_or_else(incorrect)?;
    if !constant_time_eq(user.password, &form.password) {
        return Err(incorrect());
    }
    let claims = serde_json::json!({"sub": user.username, "scopes": form.scopes});
    let access_token = JwtIssuer::hs256(SECRET_KEY)
        .ttl_secs(30 * 60)
        .issue(&claims)
        .map_err(|_| incorrect())?;
    Ok(Reply::new(Token {
        access_token,
        token_type: "bearer",
    }))
}

/// `get_current_user` after the token check: the user must exist.
async fn current_user(claims: Claims, parts: &Parts) -> Result<User, AuthError> {
    let user = claims.sub.as_deref().and_then(find);
    user.ok_or_else(|| {
        AuthError::unauthorized("Could not validate credentials")
            .with_challenge(bearer_challenge(parts))
    })
}

/// `get_current_active_user`, after the scope check.
fn active(user: &User, _: &Parts) -> Result<(), AuthError> {
    if user.disabled {
        return Err(AuthError::inactive_user());
    }
    Ok(())
}

fn app() -> Router {
    let verifier = JwtVerifier::<serde_json::Value>::hs256(SECRET_KEY);
    let oauth2 = OAuth2PasswordBearer::new("token").scopes([
        ("me", "Read information about the current user."),
        ("items", "Read items."),
    ]);
    // `get_current_user`, and `get_current_active_user` on top of it.
    let current = AuthLayer::new(oauth2).jwt(verifier).and_then(current_user);
    let active = current.clone().authorize(active);
    // Scopes outside the verifier: the check and the challenge see them all, route scope first.
    let secured = |scopes: &'static [&'static str]| {
        ServiceBuilder::new()
            .layer(ScopesLayer::new(scopes.iter().copied()))
            .layer(active.clone())
    };
    let (router, doc) = ApiRouter::new()
        .route(
            "/token",
            post(login)
                .describe(OAuth2PasswordRequestForm::openapi())
                .public(),
        )
        .route(
            "/users/me",
            get(|Principal(user): Principal<User>| async move { Reply::new(user) })
                .layer(secured(&["me"])),
        )
        .route(
            "/users/me/items",
            get(|Principal(user): Principal<User>| async move {
                Reply::new(serde_json::json!([{"item_id": "Foo", "owner": user.username}]))
            })
            .layer(secured(&["items", "me"])),
        )
        .route(
            "/status",
            // `Depends(get_current_user)`: any valid token of a known user, disabled or not.
            get(|| async { Reply::new(serde_json::json!({"status": "ok"})) }).layer(current),
        )
        .layer(SerializeLayer::json())
        .require_security()
        .finish(Info::new("OAuth2 with JWT", "0.1.0"))
        .expect("the routes are valid");
    router.merge(Docs::new(&doc).router())
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:8000".to_owned());
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    let base = format!("http://{}", listener.local_addr()?);
    println!("listening on {base}");
    println!("  docs {base}/docs (Authorize: johndoe / secret)");
    println!("  POST {base}/token");
    for path in ["/users/me", "/users/me/items", "/status"] {
        println!("  GET  {base}{path}");
    }
    axum::serve(listener, app()).await
}
