//! The JWT recipe's scope rules (docs/behaviour/security.md, "Scopes" and "JWT") in both stack
//! orders, over real HTTP on axum and on bare hyper:
//!
//! - FastAPI's shape: each route's `ScopesLayer`s outside its verifying layer (the route's
//!   scope first, then the dependency's), as `Security(get_current_user, scopes=[...])`.
//! - axum's usual shape: one verifying layer on the whole router, a `ScopesLayer` on single
//!   routes (inside it).
//!
//! In both, the scope check and its `403` challenge see every scope the route requires. The
//! one difference: an invalid token is refused by the verifier before the request reaches the
//! route's layers, so in axum's shape its `401` challenge cannot name the route's scopes
//! (`Bearer`, where FastAPI's shape says `Bearer scope="items:read"`).
#![allow(clippy::unwrap_used, missing_docs)]

mod common;

use std::future::Future;
use std::pin::Pin;

use axum::routing::get;
use axum::Router;
use http::request::Parts;
use http::Response;
use serde_json::json;
use tower::{Layer, ServiceBuilder};
use towerapi::auth::jwt::{bearer_challenge, Claims, JwtIssuer, JwtVerifier};
use towerapi::auth::{
    AndThen, AuthError, AuthLayer, CheckFn, OAuth2PasswordBearer, Principal, ScopesLayer,
};
use towerapi::Body;

use common::hyper_routes::{route, Req, Route};
use common::{send, serve_axum, serve_hyper, Server};

const SECRET: &[u8] = b"oracle-secret";
const EXP: u64 = 4_102_444_800;

#[derive(Clone)]
struct User {
    name: &'static str,
    disabled: bool,
}

async fn current_user(claims: Claims, parts: &Parts) -> Result<User, AuthError> {
    let user = match claims.sub.as_deref() {
        Some("alice") => User {
            name: "alice",
            disabled: false,
        },
        Some("bob") => User {
            name: "bob",
            disabled: true,
        },
        _ => {
            return Err(AuthError::unauthorized("Could not validate credentials")
                .with_challenge(bearer_challenge(parts)))
        }
    };
    Ok(user)
}

fn active(user: &User, _: &Parts) -> Result<(), AuthError> {
    if user.disabled {
        return Err(AuthError::inactive_user());
    }
    Ok(())
}

type UserFuture<'a> = Pin<Box<dyn Future<Output = Result<User, AuthError>> + Send + 'a>>;
/// Function pointers, so that the layer's type can be named.
type Lookup = for<'a> fn(Claims, &'a Parts) -> UserFuture<'a>;
type Active = fn(&User, &Parts) -> Result<(), AuthError>;
type ActiveUser = AuthLayer<OAuth2PasswordBearer, AndThen<JwtVerifier, Lookup, CheckFn<Active>>>;

fn lookup(claims: Claims, parts: &Parts) -> UserFuture<'_> {
    Box::pin(current_user(claims, parts))
}

/// `get_current_active_user`: the token, the user, the scopes, then `disabled`.
fn active_user() -> ActiveUser {
    AuthLayer::new(OAuth2PasswordBearer::new("token"))
        .jwt(JwtVerifier::hs256(SECRET))
        .and_then(lookup as Lookup)
        .authorize(active as Active)
}

fn me(user: &User) -> String {
    json!({ "username": user.name }).to_string()
}

fn items(user: &User) -> String {
    json!([{ "item_id": "Foo", "owner": user.name }]).to_string()
}

/// FastAPI's shape, on axum: the route's scope outside the dependency's, both outside the
/// verifier.
fn fastapi_shape() -> Router {
    Router::new()
        .route(
            "/me",
            get(|Principal(u): Principal<User>| async move { me(&u) }).layer(
                ServiceBuilder::new()
                    .layer(ScopesLayer::new(["items:read"]))
                    .layer(active_user()),
            ),
        )
        .route(
            "/me/items",
            get(|Principal(u): Principal<User>| async move { items(&u) }).layer(
                ServiceBuilder::new()
                    .layer(ScopesLayer::new(["items:write"]))
                    .layer(ScopesLayer::new(["items:read"]))
                    .layer(active_user()),
            ),
        )
}

/// axum's usual shape: the verifier on the whole router, scopes on single routes.
fn axum_shape() -> Router {
    Router::new()
        .route(
            "/me",
            get(|Principal(u): Principal<User>| async move { me(&u) })
                .layer(ScopesLayer::new(["items:read"])),
        )
        .route(
            "/me/items",
            get(|Principal(u): Principal<User>| async move { items(&u) })
                .layer(ScopesLayer::new(["items:write", "items:read"])),
        )
        .layer(active_user())
}

fn user_of(req: &Req) -> &User {
    &req.extensions().get::<Principal<User>>().unwrap().0
}

/// Both shapes on bare hyper: `(fastapi, axum)`.
async fn hyper_servers() -> (Server, Server) {
    fn me_handler(req: &Req) -> Response<Body> {
        Response::new(Body::from(me(user_of(req))))
    }
    fn items_handler(req: &Req) -> Response<Body> {
        Response::new(Body::from(items(user_of(req))))
    }
    let dispatch = |me: Route, items: Route| {
        tower::service_fn(move |req: Req| {
            let route = if req.uri().path() == "/me/items" {
                items.clone()
            } else {
                me.clone()
            };
            tower::ServiceExt::oneshot(route, req)
        })
    };
    let fastapi = dispatch(
        route(
            ServiceBuilder::new()
                .layer(ScopesLayer::new(["items:read"]))
                .layer(active_user()),
            me_handler,
        ),
        route(
            ServiceBuilder::new()
                .layer(ScopesLayer::new(["items:write"]))
                .layer(ScopesLayer::new(["items:read"]))
                .layer(active_user()),
            items_handler,
        ),
    );
    // The verifier around the router: here, around each route's scopes.
    let on_router = |scopes: &'static [&'static str], handler| {
        let inner: Route = route(ScopesLayer::new(scopes.iter().copied()), handler);
        let outer = active_user().layer(inner);
        let boxed: Route =
            tower::util::BoxCloneSyncService::new(tower::ServiceExt::map_response(outer, |r| {
                common::hyper_routes::Boxed::from(r).0
            }));
        boxed
    };
    let axum_like = dispatch(
        on_router(&["items:read"], me_handler),
        on_router(&["items:write", "items:read"], items_handler),
    );
    (serve_hyper(fastapi).await, serve_hyper(axum_like).await)
}

fn token(claims: serde_json::Value) -> String {
    let token = JwtIssuer::hs256(SECRET).issue_at(&claims, EXP).unwrap();
    format!("Bearer {token}")
}

type Answer = (u16, Option<String>, String);

async fn call(server: &Server, path: &str, authorization: Option<&str>) -> Answer {
    let headers: Vec<(&str, &str)> = authorization
        .map(|a| ("authorization", a))
        .into_iter()
        .collect();
    let wire = send(server.addr, "GET", path, &headers).await;
    (
        wire.status,
        wire.header("www-authenticate").map(str::to_owned),
        String::from_utf8(wire.body).unwrap(),
    )
}

fn answer(status: u16, challenge: Option<&str>, body: &str) -> Answer {
    (status, challenge.map(str::to_owned), body.to_owned())
}

#[tokio::test]
async fn scopes_in_both_stack_orders_on_axum_and_hyper() {
    let (hyper_fastapi, hyper_axum) = hyper_servers().await;
    let servers = [
        (
            "fastapi shape, axum",
            serve_axum(fastapi_shape()).await,
            true,
        ),
        ("axum shape, axum", serve_axum(axum_shape()).await, false),
        ("fastapi shape, hyper", hyper_fastapi, true),
        ("axum shape, hyper", hyper_axum, false),
    ];
    let read = token(json!({"sub": "alice", "scopes": ["items:read"]}));
    let both = token(json!({"sub": "alice", "scopes": ["items:read", "items:write"]}));
    let none = token(json!({"sub": "alice", "scopes": []}));
    let bob = token(json!({"sub": "bob", "scopes": ["items:read"]}));
    let bob_none = token(json!({"sub": "bob", "scopes": []}));
    let stranger = token(json!({"sub": "mallory", "scopes": ["items:read"]}));
    let expired = format!(
        "Bearer {}",
        JwtIssuer::hs256(SECRET)
            .issue_at(
                &json!({"sub": "alice", "scopes": ["items:read"]}),
                946_684_800
            )
            .unwrap()
    );
    const NEP: &str = r#"{"detail":"Not enough permissions"}"#;
    const CVC: &str = r#"{"detail":"Could not validate credentials"}"#;
    let read_scope = Some(r#"Bearer scope="items:read""#);
    let items_scope = Some(r#"Bearer scope="items:write items:read""#);

    for (name, server, fastapi) in &servers {
        let rows: Vec<(&str, Option<&str>, Answer)> = vec![
            (
                "/me",
                Some(&read),
                answer(200, None, r#"{"username":"alice"}"#),
            ),
            ("/me", Some(&none), answer(403, read_scope, NEP)),
            (
                "/me",
                None,
                answer(401, Some("Bearer"), r#"{"detail":"Not authenticated"}"#),
            ),
            (
                "/me",
                Some(&bob),
                answer(400, None, r#"{"detail":"Inactive user"}"#),
            ),
            (
                "/me/items",
                Some(&both),
                answer(200, None, r#"[{"item_id":"Foo","owner":"alice"}]"#),
            ),
            ("/me/items", Some(&read), answer(403, items_scope, NEP)),
            // An invalid token or an unknown user: the verifier's 401 names the scopes it can
            // see, every one in FastAPI's shape, none in axum's (see the module docs).
            (
                "/me",
                Some(&expired),
                answer(401, if *fastapi { read_scope } else { Some("Bearer") }, CVC),
            ),
            (
                "/me/items",
                Some("Bearer not-a-jwt"),
                answer(
                    401,
                    if *fastapi {
                        items_scope
                    } else {
                        Some("Bearer")
                    },
                    CVC,
                ),
            ),
            (
                "/me",
                Some(&stranger),
                answer(401, if *fastapi { read_scope } else { Some("Bearer") }, CVC),
            ),
            // A disabled user without the scope: FastAPI checks the scopes first. In axum's shape
            // the router's verifier runs `authorize` before the route's scope check.
            (
                "/me",
                Some(&bob_none),
                if *fastapi {
                    answer(403, read_scope, NEP)
                } else {
                    answer(400, None, r#"{"detail":"Inactive user"}"#)
                },
            ),
        ];
        for (path, authorization, want) in rows {
            assert_eq!(
                call(server, path, authorization).await,
                want,
                "{name}: GET {path} with {authorization:?}"
            );
        }
    }
}
