//! The same layer values, stacked on axum through `ApiRouter` and on bare hyper through
//! `DocBuilder`, give the same document; both servers serve it (and `/docs`) over 127.0.0.1, and
//! each answers what its document says: a `401` where it lists a scheme, data where it lists
//! none.
#![allow(clippy::unwrap_used, missing_docs)]

mod common;

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;

use http::{Method, Response, StatusCode};
use serde_json::{json, Value};
use tower::{service_fn, ServiceExt};
use towerapi::auth::{ApiKeyHeader, AuthLayer, HttpBearer};
use towerapi::openapi::{get, post, ApiRouter, DocBuilder, Docs, Info, OpenApi, OperationSpec};
use towerapi::prelude::*;
use towerapi::schemars::{self, JsonSchema};

use common::hyper_routes::{route, Req, Route};
use common::{send, serve_axum, serve_hyper};

#[derive(serde::Serialize, JsonSchema)]
struct Item {
    name: String,
    price: f64,
}

fn item() -> Reply<Item> {
    Reply::new(Item {
        name: "Foo".into(),
        price: 50.2,
    })
}

fn bearer() -> AuthLayer<HttpBearer> {
    AuthLayer::new(HttpBearer::new().bearer_format("JWT"))
}

fn api_key() -> AuthLayer<ApiKeyHeader> {
    AuthLayer::new(ApiKeyHeader::new("X-API-Key").auto_error(false))
}

fn info() -> Info {
    Info::new("same layers", "1.0.0")
}

fn axum_app() -> (axum::Router, OpenApi) {
    let (router, doc) = ApiRouter::new()
        .route(
            "/items/{id}",
            get(|| async { item() })
                .operation_id("read_item")
                .summary("Read Item")
                .public(),
        )
        .route(
            "/items",
            post(|| async { item() })
                .operation_id("create_item")
                .summary("Create Item")
                .layer((StatusLayer::default_status(StatusCode::CREATED), bearer())),
        )
        .route(
            "/me",
            get(|| async { item() })
                .operation_id("read_me")
                .summary("Read Me")
                .layer(api_key()),
        )
        .layer(SerializeLayer::json())
        .require_security()
        .finish(info())
        .unwrap();
    (router.merge(Docs::new(&doc).router()), doc)
}

fn hyper_doc() -> OpenApi {
    DocBuilder::new()
        .layer(&SerializeLayer::json())
        .route_with(
            Method::GET,
            "/items/{id}",
            &tower::layer::util::Identity::new(),
            |op: OperationSpec| {
                op.returns::<Reply<Item>>()
                    .operation_id("read_item")
                    .summary("Read Item")
                    .public()
            },
        )
        .route_with(
            Method::POST,
            "/items",
            &(StatusLayer::default_status(StatusCode::CREATED), bearer()),
            |op: OperationSpec| {
                op.returns::<Reply<Item>>()
                    .operation_id("create_item")
                    .summary("Create Item")
            },
        )
        .route_with(Method::GET, "/me", &api_key(), |op: OperationSpec| {
            op.returns::<Reply<Item>>()
                .operation_id("read_me")
                .summary("Read Me")
        })
        .require_security()
        .finish(info())
        .unwrap()
}

type BoxFuture = Pin<Box<dyn Future<Output = Result<Response<Body>, Infallible>> + Send>>;

fn hyper_app(
    doc: &OpenApi,
) -> impl tower::Service<Req, Response = Response<Body>, Error = Infallible, Future = BoxFuture> + Clone
{
    let docs = Docs::new(doc).service();
    let handler = |_: &Req| item().into_http_response();
    let read: Route = route(SerializeLayer::json(), handler);
    let create: Route = route(
        (
            SerializeLayer::json(),
            StatusLayer::default_status(StatusCode::CREATED),
            bearer(),
        ),
        handler,
    );
    let me: Route = route((SerializeLayer::json(), api_key()), handler);
    service_fn(move |req: Req| -> BoxFuture {
        if let Some(res) = docs.respond(&req) {
            return Box::pin(std::future::ready(Ok(res.map(Body::new))));
        }
        let path = req.uri().path().to_owned();
        let route = match (req.method().clone(), path.as_str()) {
            (Method::GET, p) if p.starts_with("/items/") => read.clone(),
            (Method::POST, "/items") => create.clone(),
            (Method::GET, "/me") => me.clone(),
            _ => {
                let mut res = Response::new(Body::full("Not Found"));
                *res.status_mut() = StatusCode::NOT_FOUND;
                return Box::pin(std::future::ready(Ok(res)));
            }
        };
        Box::pin(route.oneshot(req))
    })
}

#[tokio::test]
async fn axum_and_hyper_serve_the_same_document() {
    let (router, axum_doc) = axum_app();
    let hyper_doc = hyper_doc();
    assert_eq!(axum_doc, hyper_doc);
    let axum_server = serve_axum(router).await;
    let hyper_server = serve_hyper(hyper_app(&hyper_doc)).await;

    let mut served = Vec::new();
    for server in [&axum_server, &hyper_server] {
        let w = send(server.addr, "GET", "/openapi.json", &[]).await;
        assert_eq!(w.status, 200);
        assert_eq!(w.header("content-type"), Some("application/json"));
        let etag = w.header("etag").unwrap().to_owned();
        let again = send(
            server.addr,
            "GET",
            "/openapi.json",
            &[("if-none-match", &etag)],
        )
        .await;
        assert_eq!((again.status, again.body.len()), (304, 0));
        served.push(serde_json::from_slice::<Value>(&w.body).unwrap());
        let docs = send(server.addr, "GET", "/docs", &[]).await;
        assert_eq!(docs.status, 200);
    }
    assert_eq!(served[0], served[1]);
    let doc = &served[0];
    assert_eq!(
        doc["paths"]["/items"]["post"]["security"],
        json!([{"HTTPBearer": []}])
    );
    assert_eq!(
        doc["paths"]["/me"]["get"]["security"],
        json!([{"APIKeyHeader": []}, {}])
    );
    assert!(doc["paths"]["/items/{id}"]["get"].get("security").is_none());
    assert_eq!(
        doc["paths"]["/items"]["post"]["responses"]["201"]["content"]["application/json"]["schema"],
        json!({"$ref": "#/components/schemas/Item"})
    );
    assert_eq!(
        doc["components"]["securitySchemes"],
        json!({
            "HTTPBearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"},
            "APIKeyHeader": {"type": "apiKey", "in": "header", "name": "X-API-Key"}
        })
    );

    // Each server does what the document says.
    for server in [&axum_server, &hyper_server] {
        let w = send(server.addr, "POST", "/items", &[]).await;
        assert_eq!(
            (w.status, w.header("www-authenticate"), w.body.as_slice()),
            (
                401,
                Some("Bearer"),
                br#"{"detail":"Not authenticated"}"#.as_slice()
            )
        );
        let w = send(
            server.addr,
            "POST",
            "/items",
            &[("authorization", "Bearer t")],
        )
        .await;
        assert_eq!(
            (w.status, w.body.as_slice()),
            (201, br#"{"name":"Foo","price":50.2}"#.as_slice())
        );
        // Optional: anonymous is allowed, as `{}` says.
        let w = send(server.addr, "GET", "/me", &[]).await;
        assert_eq!(w.status, 200);
        let w = send(server.addr, "GET", "/items/1", &[]).await;
        assert_eq!(w.status, 200);
    }
}
