//! The collector and the server agree, for every way axum lets a layer reach a route: over
//! real HTTP on 127.0.0.1, each documented operation answers `401` without credentials exactly
//! when its document lists a required scheme, and its data with them.
#![allow(clippy::unwrap_used, missing_docs)]

mod common;

use axum::response::IntoResponse;
use serde_json::Value;
use tower::util::MapResponseLayer;
use tower::ServiceBuilder;
use towerapi::auth::{ApiKeyHeader, AuthLayer, LayerBody};
use towerapi::openapi::{get, post, ApiRouter, Info};
use towerapi::prelude::*;

use common::{send, serve_axum};

fn key(name: &str) -> AuthLayer<ApiKeyHeader> {
    AuthLayer::new(ApiKeyHeader::try_new(name).unwrap().scheme_name(name))
}

fn optional(name: &str) -> AuthLayer<ApiKeyHeader> {
    AuthLayer::new(
        ApiKeyHeader::try_new(name)
            .unwrap()
            .scheme_name(name)
            .auto_error(false),
    )
}

/// An auth layer whose response is axum's again, as `option_layer` needs.
type Keyed = (
    MapResponseLayer<fn(http::Response<LayerBody<axum::body::Body>>) -> axum::response::Response>,
    AuthLayer<ApiKeyHeader>,
);

fn keyed(name: &str) -> Keyed {
    (MapResponseLayer::new(|r| r.into_response()), key(name))
}

async fn ok() -> &'static str {
    "ok"
}

#[derive(Clone)]
struct AppState;

#[tokio::test]
async fn every_layering_style_is_documented_where_it_is_enforced() {
    let nested = ApiRouter::new()
        .route("/inner", get(ok))
        .route("/inner-keyed", get(ok).layer(key("x-nested")));
    let merged = ApiRouter::new().route("/merged", get(ok).layer(key("x-merged")));
    let stateful = ApiRouter::<AppState>::new()
        .route(
            "/stateful",
            get(|_: axum::extract::State<AppState>| async { "ok" }),
        )
        .layer(key("x-state"))
        .with_state(AppState);
    let (router, doc) = ApiRouter::new()
        .route("/open", get(ok))
        // MethodRouter::layer: the methods present (GET), not POST added after
        .route("/method", get(ok).layer(key("x-get")).post(ok))
        // route_layer on a method router
        .route("/route-layer", get(ok).route_layer(key("x-rl")))
        // a ServiceBuilder stack and a tuple: both layers
        .route(
            "/stack",
            get(ok).layer(ServiceBuilder::new().layer(key("x-a")).layer(key("x-b"))),
        )
        .route("/tuple", get(ok).layer((key("x-a"), key("x-b"))))
        // option_layer: Some is applied, None is not. tower's `Either` needs both arms to answer
        // the same type, so the auth layer's body goes back to axum's.
        .route(
            "/option",
            get(ok).layer(ServiceBuilder::new().option_layer(Some(keyed("x-some")))),
        )
        .route(
            "/option-none",
            get(ok).layer(ServiceBuilder::new().option_layer(None::<Keyed>)),
        )
        // optional auth: anonymous allowed
        .route("/optional", get(ok).layer(optional("x-opt")))
        .nest("/nest", nested)
        .merge(merged)
        .merge(stateful)
        // Router::layer: the routes present now...
        .layer(key("x-outer"))
        // ...not this one, added after
        .route("/late", post(ok))
        .layer(SerializeLayer::json())
        .finish(Info::new("styles", "1"))
        .unwrap();
    let server = serve_axum(router).await;
    let doc = serde_json::to_value(&doc).unwrap();

    let mut checked = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let security = op
                .get("security")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            // Every header any requirement names (each alternative here has all its keys).
            let mut all_keys: Vec<(String, String)> = Vec::new();
            for requirement in &security {
                for name in requirement.as_object().unwrap().keys() {
                    if !all_keys.iter().any(|(n, _)| n == name) {
                        all_keys.push((name.clone(), "k".to_owned()));
                    }
                }
            }
            let method_up = method.to_uppercase();
            // Every subset of the keys: 200 exactly when it satisfies one requirement object
            // (an empty list, no security at all, is satisfied by anything).
            for mask in 0..(1u32 << all_keys.len()) {
                let sent: Vec<(&str, &str)> = all_keys
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| mask & (1 << i) != 0)
                    .map(|(_, (n, v))| (n.as_str(), v.as_str()))
                    .collect();
                let satisfied = security.is_empty()
                    || security.iter().any(|r| {
                        r.as_object()
                            .unwrap()
                            .keys()
                            .all(|k| sent.iter().any(|(n, _)| n == k))
                    });
                let res = send(server.addr, &method_up, path, &sent).await;
                assert_eq!(
                    res.status,
                    if satisfied { 200 } else { 401 },
                    "{method_up} {path} with {sent:?}, documented security {security:?}"
                );
            }
            checked += 1;
        }
    }
    assert_eq!(checked, 14);
    let security = |m: &str, p: &str| doc["paths"][p][m]["security"].clone();
    assert_eq!(
        security("get", "/method"),
        serde_json::json!([{"x-outer": [], "x-get": []}])
    );
    assert_eq!(
        security("post", "/method"),
        serde_json::json!([{"x-outer": []}])
    );
    assert_eq!(security("post", "/late"), Value::Null);
    assert_eq!(
        security("get", "/option-none"),
        serde_json::json!([{"x-outer": []}])
    );
    assert_eq!(
        security("get", "/nest/inner-keyed"),
        serde_json::json!([{"x-outer": [], "x-nested": []}])
    );
    assert_eq!(
        security("get", "/stateful"),
        serde_json::json!([{"x-outer": [], "x-state": []}])
    );
    assert_eq!(
        security("get", "/optional"),
        serde_json::json!([{"x-outer": [], "x-opt": []}, {"x-outer": []}])
    );
}
