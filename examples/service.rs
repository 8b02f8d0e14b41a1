//! A small service as an axum user builds it on the first day: a public `/health`, a password
//! login issuing HS256 JWTs with scopes, `/users/me` behind a public model that drops the
//! password hash, `/items` read and written under their own scopes (201 on create, an audit
//! line as a background task), `/admin/stats` for an API key *or* a token, every rejection as
//! RFC 9457 problem details, the user id on the request's span, and the OpenAPI document with
//! Swagger UI at `/docs`.
//!
//! ```text
//! cargo run --example service                  # listens on 127.0.0.1:8000
//! curl -d 'username=alice&password=wonderland&scope=me items:read items:write' 127.0.0.1:8000/token
//! curl -H "Authorization: Bearer <access_token>" 127.0.0.1:8000/users/me
//! curl -H 'x-api-key: ops-key-1' 127.0.0.1:8000/admin/stats
//! ```

use std::sync::{Arc, Mutex};

use axum::Router;
use http::StatusCode;
use serde::{Deserialize, Serialize};
use tower::ServiceBuilder;
use tower_http::trace::TraceLayer;
use towerapi::auth::form::OAuth2PasswordRequestForm;
use towerapi::auth::jwt::{Claims, JwtIssuer, JwtVerifier};
use towerapi::auth::{
    constant_time_eq, verify_fn, AnyOf, ApiKey, ApiKeyHeader, Either, HttpBearer,
    OAuth2PasswordBearer, RejectionLayer, VerifyEach,
};
use towerapi::openapi::{get, post, ApiRouter, Docs, Info};
use towerapi::prelude::*;
use towerapi::schemars::JsonSchema;

const SECRET: &[u8] = b"change-me: 32 bytes of randomness";

/// A row as stored, with its secret.
#[derive(Clone, Serialize, JsonSchema)]
struct User {
    username: String,
    full_name: String,
    password_hash: String,
}

/// What leaves the server.
#[derive(Serialize, Deserialize, JsonSchema)]
struct UserOut {
    username: String,
    full_name: String,
}

#[derive(Clone, Serialize, Deserialize, JsonSchema)]
struct Item {
    name: String,
    price: f64,
}

#[derive(Serialize, JsonSchema)]
struct Token {
    access_token: String,
    token_type: &'static str,
}

#[derive(Clone, Default)]
struct Store {
    items: Arc<Mutex<Vec<Item>>>,
}

/// The user table (a hash in real life; the example compares in constant time).
fn user(name: &str) -> Option<(User, &'static str)> {
    (name == "alice").then(|| {
        let row = User {
            username: "alice".into(),
            full_name: "Alice Liddell".into(),
            password_hash: "$argon2id$v=19$m=65536,t=3,p=4$...".into(),
        };
        (row, "wonderland")
    })
}

async fn login(form: OAuth2PasswordRequestForm) -> Result<Reply<Token>, AuthError> {
    let refused = || AuthError::custom(StatusCode::BAD_REQUEST, "Incorrect username or password");
    let (row, password) = user(&form.username).ok_or_else(refused)?;
    if !constant_time_eq(password, &form.password) {
        return Err(refused());
    }
    let claims = serde_json::json!({"sub": row.username, "scopes": form.scopes});
    let access_token = JwtIssuer::hs256(SECRET)
        .ttl_secs(30 * 60)
        .issue(&claims)
        .map_err(|_| refused())?;
    Ok(Reply::new(Token {
        access_token,
        token_type: "bearer",
    }))
}

async fn me(Principal(claims): Principal<Claims>) -> Result<Reply<User>, AuthError> {
    let (row, _) = claims
        .sub
        .as_deref()
        .and_then(user)
        .ok_or_else(|| AuthError::unauthorized("Could not validate credentials"))?;
    Ok(Reply::new(row))
}

async fn list(axum::extract::State(store): axum::extract::State<Store>) -> Reply<Vec<Item>> {
    Reply::new(store.items.lock().expect("not poisoned").clone())
}

async fn create(
    axum::extract::State(store): axum::extract::State<Store>,
    tasks: BackgroundTasks,
    Principal(claims): Principal<Claims>,
    axum::Json(item): axum::Json<Item>,
) -> Reply<Item> {
    store.items.lock().expect("not poisoned").push(item.clone());
    let (who, what) = (claims.sub.unwrap_or_default(), item.name.clone());
    tasks.add(async move { println!("audit: {who} created {what}") });
    Reply::new(item)
}

async fn stats(Principal(who): Principal<Either<String, Claims>>) -> Reply<serde_json::Value> {
    let caller = match who {
        Either::First(service) => service,
        Either::Second(claims) => claims.sub.as_deref().unwrap_or_default().to_owned(),
    };
    Reply::new(serde_json::json!({"caller": caller, "users": 1}))
}

fn app() -> Router {
    let jwt = || JwtVerifier::<serde_json::Value>::hs256(SECRET).rfc6750_errors();
    let bearer = OAuth2PasswordBearer::new("token").scopes([
        ("me", "Read your profile."),
        ("items:read", "Read items."),
        ("items:write", "Create items."),
    ]);
    let user_id = |c: &Claims| c.sub.as_deref().unwrap_or_default().to_owned();
    let auth = AuthLayer::new(bearer)
        .jwt(jwt())
        .record_principal("user.id", user_id);
    let scoped = |scope: &'static str| (ScopesLayer::new([scope]), auth.clone());
    let ops_key = verify_fn(|key: ApiKey, _: &http::request::Parts| async move {
        if constant_time_eq(&key.0, "ops-key-1") {
            Ok("ops".to_owned())
        } else {
            Err(AuthError::forbidden("Invalid API key"))
        }
    });
    let admin = AuthLayer::new(AnyOf::new(
        ApiKeyHeader::new("x-api-key"),
        HttpBearer::new(),
    ))
    .verify_with(VerifyEach::new(ops_key, jwt()));
    let (router, doc) = ApiRouter::<Store>::new()
        .route("/health", get(|| async { Reply::new("ok") }).public())
        .route(
            "/token",
            post(login)
                .describe(OAuth2PasswordRequestForm::openapi())
                .public(),
        )
        .route(
            "/users/me",
            get(me).layer((scoped("me"), ResponseModelLayer::<UserOut>::new())),
        )
        // One route per method: a `.layer` after `.post(..)` would wrap GET too (axum's rule).
        .route("/items", get(list).layer(scoped("items:read")))
        .route(
            "/items",
            post(create).layer((
                scoped("items:write"),
                StatusLayer::default_status(StatusCode::CREATED),
            )),
        )
        .route("/admin/stats", get(stats).layer(admin))
        .layer(
            ServiceBuilder::new()
                .layer(SerializeLayer::json())
                .layer(BackgroundTasksLayer::new()),
        )
        .with_state(Store::default())
        .require_security()
        .finish(Info::new("service", "1.0.0"))
        .expect("the routes are valid");
    router
        .merge(Docs::new(&doc).router())
        .layer(RejectionLayer::problem_json())
        .layer(TraceLayer::new_for_http().make_span_with(|req: &http::Request<_>| {
            tracing::info_span!("request", method = %req.method(), path = req.uri().path(), user.id = tracing::field::Empty)
        }))
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    // Logs on stderr; with RUST_LOG=info, each request's span carries the user id.
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .with_writer(std::io::stderr)
        .init();
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:8000".to_owned());
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    println!("listening on http://{}", listener.local_addr()?);
    axum::serve(listener, app()).await
}
