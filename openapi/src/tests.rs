//! Unit tests of the collector: where layers land with each axum style, the errors, serving.
#![allow(clippy::unwrap_used)]

use http::{Method, Request, StatusCode};
use http_body_util::BodyExt;
use schemars::json_schema;
use serde_json::{json, Value};
use tower::{ServiceBuilder, ServiceExt};
use tower_layer::{Identity, Layer};

use crate::model::{ParameterIn, Response, SecurityScheme, SecuritySchemeKind};
use crate::{
    describe_layer, get, note, post, ApiRouter, Describe, DescribeCx, DocBuilder, DocError, Docs,
    Info, OpenApi, OperationSpec,
};

/// A fake security layer: registers an `apiKey` scheme named `name` and requires it.
#[derive(Clone, Debug)]
struct Key(&'static str, bool);

impl<S> Layer<S> for Key {
    type Service = S;
    fn layer(&self, inner: S) -> S {
        note(self);
        inner
    }
}

impl Describe for Key {
    fn describe(&self, cx: &mut DescribeCx<'_>) -> Result<(), DocError> {
        cx.security_scheme(
            self.0,
            SecurityScheme {
                kind: SecuritySchemeKind::ApiKey {
                    location: ParameterIn::Header,
                    name: format!("x-{}", self.0),
                },
                description: None,
            },
        )?;
        let mut alternatives = vec![vec![self.0.to_owned()]];
        if self.1 {
            alternatives.push(vec![]);
        }
        cx.operation().require_any(alternatives);
        cx.operation().enforces(format!("key {}", self.0));
        cx.operation()
            .add_response(401, Response::new("Not authenticated"));
        Ok(())
    }
}

/// A fake layer that marks the operation with a tag, to see the order layers are met in.
#[derive(Clone, Debug)]
struct Mark(&'static str);

impl<S> Layer<S> for Mark {
    type Service = S;
    fn layer(&self, inner: S) -> S {
        note(self);
        inner
    }
}

impl Describe for Mark {
    fn describe(&self, cx: &mut DescribeCx<'_>) -> Result<(), DocError> {
        cx.operation().operation.tags.push(self.0.to_owned());
        Ok(())
    }
}

/// A layer of someone else's whose constructor panics.
#[derive(Clone, Debug)]
struct Panics;

impl<S> Layer<S> for Panics {
    type Service = S;
    fn layer(&self, _inner: S) -> S {
        panic!("needs a runtime")
    }
}

async fn read_me() -> &'static str {
    "me"
}

async fn other() -> &'static str {
    "other"
}

fn info() -> Info {
    Info::new("test", "1.0.0")
}

fn tags(doc: &OpenApi, method: &str, path: &str) -> Vec<String> {
    doc.operation(method, path)
        .unwrap_or_else(|| panic!("{method} {path} is documented"))
        .tags
        .clone()
}

fn security(doc: &OpenApi, method: &str, path: &str) -> Value {
    serde_json::to_value(&doc.operation(method, path).unwrap().security).unwrap()
}

#[test]
fn layers_land_where_axum_puts_them() {
    let inner = ApiRouter::new()
        .route("/", get(other))
        .route("/deep", get(other).layer(Mark("deep")));
    let (router, doc) = ApiRouter::new()
        // MethodRouter::layer covers the methods present: GET, not the POST added after.
        .route(
            "/a",
            get(read_me)
                .layer(Mark("get-only"))
                .post(other)
                .layer(Mark("both")),
        )
        // route_layer of a method router
        .route("/b", get(other).route_layer(Mark("route-layer")))
        // a ServiceBuilder: outermost first
        .route(
            "/c",
            get(other).layer(
                ServiceBuilder::new()
                    .layer(Mark("outer"))
                    .layer(Mark("inner")),
            ),
        )
        // a tuple and option_layer
        .route("/d", get(other).layer((Mark("t1"), Mark("t2"))))
        .route(
            "/e",
            get(other).layer(
                ServiceBuilder::new()
                    .option_layer(Some(Mark("some")))
                    .option_layer(None::<Mark>),
            ),
        )
        .nest("/api", inner)
        // Router::layer covers the routes present now...
        .layer(Mark("router"))
        // ...not this later one
        .route("/late", get(other))
        .route_layer(Mark("route-layer-all"))
        .finish(info())
        .unwrap();
    let _: axum::Router = router;
    assert_eq!(
        tags(&doc, "get", "/a"),
        ["route-layer-all", "router", "both", "get-only"]
    );
    assert_eq!(
        tags(&doc, "post", "/a"),
        ["route-layer-all", "router", "both"]
    );
    assert_eq!(
        tags(&doc, "get", "/b"),
        ["route-layer-all", "router", "route-layer"]
    );
    assert_eq!(
        tags(&doc, "get", "/c"),
        ["route-layer-all", "router", "outer", "inner"]
    );
    assert_eq!(
        tags(&doc, "get", "/d"),
        ["route-layer-all", "router", "t1", "t2"]
    );
    assert_eq!(
        tags(&doc, "get", "/e"),
        ["route-layer-all", "router", "some"]
    );
    assert_eq!(tags(&doc, "get", "/api"), ["route-layer-all", "router"]);
    assert_eq!(
        tags(&doc, "get", "/api/deep"),
        ["route-layer-all", "router", "deep"]
    );
    assert_eq!(tags(&doc, "get", "/late"), ["route-layer-all"]);
    // axum's `get` answers HEAD too; only GET is documented.
    assert!(doc.operation("head", "/a").is_none());
    let ids: Vec<&str> = doc
        .paths
        .iter()
        .flat_map(|(_, item)| item.iter().map(|(_, op)| op.operation_id.as_str()))
        .collect();
    assert_eq!(
        ids,
        [
            "read_me_a_get",
            "other_a_post",
            "other_b_get",
            "other_c_get",
            "other_d_get",
            "other_e_get",
            "other_api_get",
            "other_api_deep_get",
            "other_late_get"
        ]
    );
    assert_eq!(
        doc.operation("get", "/a").unwrap().summary.as_deref(),
        Some("Read Me")
    );
}

#[tokio::test]
async fn the_router_serves_what_it_documents() {
    let (router, doc) = ApiRouter::new()
        .route(
            "/items/{id}",
            get(|| async { "item" }).post(|| async { "made" }),
        )
        .nest(
            "/v1",
            ApiRouter::new().route("/ping", get(|| async { "pong" })),
        )
        .finish(info())
        .unwrap();
    for (method, uri, body) in [
        (Method::GET, "/items/7", "item"),
        (Method::POST, "/items/7", "made"),
        (Method::GET, "/v1/ping", "pong"),
    ] {
        let res = router
            .clone()
            .oneshot(
                Request::builder()
                    .method(method)
                    .uri(uri)
                    .body(axum::body::Body::empty())
                    .unwrap(),
            )
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(res.into_body().collect().await.unwrap().to_bytes(), body);
    }
    let op = doc.operation("get", "/items/{id}").unwrap();
    assert_eq!(
        serde_json::to_value(&op.parameters).unwrap(),
        json!([{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}])
    );
    // A closure has no name: the id comes from the path and the method, the summary from the
    // path.
    assert_eq!(op.operation_id, "items__id__get");
    assert_eq!(op.summary.as_deref(), Some("Items Id"));
    assert_eq!(
        serde_json::to_value(&op.responses).unwrap(),
        json!({"200": {"description": "Successful Response", "content": {"text/plain": {"schema": {"type": "string"}}}}})
    );
}

#[test]
fn security_alternatives_and_optional_auth() {
    let (_, doc) = ApiRouter::new()
        .route("/one", get(other).layer(Key("A", false)))
        .route("/optional", get(other).layer(Key("A", true)))
        .route(
            "/both",
            get(other).layer((Key("A", false), Key("B", false))),
        )
        .route(
            "/both-optional",
            get(other).layer((Key("A", true), Key("B", true))),
        )
        .route("/none", get(other))
        .finish(info())
        .unwrap();
    assert_eq!(security(&doc, "get", "/one"), json!([{"A": []}]));
    assert_eq!(security(&doc, "get", "/optional"), json!([{"A": []}, {}]));
    assert_eq!(security(&doc, "get", "/both"), json!([{"A": [], "B": []}]));
    assert_eq!(
        security(&doc, "get", "/both-optional"),
        json!([{"A": [], "B": []}, {"A": []}, {"B": []}, {}])
    );
    assert_eq!(security(&doc, "get", "/none"), Value::Null);
    let report = doc.security_report();
    assert_eq!(report.unsecured(), ["GET /none"]);
    assert_eq!(report.rows[2].requirements, ["A + B"]);
    assert_eq!(report.rows[2].enforced, ["key A", "key B"]);
}

#[test]
fn require_security_names_the_open_routes() {
    let err = ApiRouter::new()
        .route("/open", get(other))
        .route("/health", get(other).public())
        .route("/also-open", post(other))
        .route("/closed", get(other).layer(Key("A", false)))
        .require_security()
        .finish(info())
        .unwrap_err();
    assert_eq!(
        err,
        DocError::Unsecured {
            routes: vec!["GET /open".into(), "POST /also-open".into()]
        }
    );
    assert_eq!(
        err.to_string(),
        "no security layer covers GET /open, POST /also-open; add one or mark the route `.public()`"
    );
}

#[test]
fn what_axum_would_panic_on_is_an_error() {
    let twice = ApiRouter::new()
        .route("/x", get(other))
        .route("/x", get(read_me))
        .finish(info())
        .unwrap_err();
    assert_eq!(
        twice,
        DocError::DuplicateOperation {
            method: "GET".into(),
            path: "/x".into()
        }
    );
    let merged = ApiRouter::new()
        .route("/x", get(other))
        .merge(ApiRouter::new().route("/x", get(read_me)))
        .finish(info())
        .unwrap_err();
    assert!(
        matches!(merged, DocError::DuplicateOperation { .. }),
        "{merged:?}"
    );
    let method_twice = ApiRouter::new()
        .route("/x", get(other).get(read_me))
        .finish(info())
        .unwrap_err();
    assert_eq!(
        method_twice,
        DocError::DuplicateOperation {
            method: "GET".into(),
            path: "/x".into()
        }
    );
    for (path, reason) in [
        ("x", "a path must start with '/'"),
        (
            "/items/:id",
            "axum 0.8 writes parameters as {name} and {*rest}",
        ),
        ("/a/{*rest}/b", "a {*wildcard} must be the last segment"),
        ("/a/{id", "unbalanced braces"),
    ] {
        let err = ApiRouter::new()
            .route(path, get(other))
            .finish(info())
            .unwrap_err();
        assert_eq!(
            err,
            DocError::InvalidPath {
                path: path.into(),
                reason: reason.into()
            }
        );
    }
    // A conflict only axum's router sees: caught, not a panic.
    let conflict = ApiRouter::new()
        .route("/users/{id}", get(other))
        .route("/users/{name}", post(other))
        .finish(info())
        .unwrap_err();
    assert!(
        matches!(conflict, DocError::InvalidPath { ref path, .. } if path == "/users/{name}"),
        "{conflict:?}"
    );
    let nest_root = ApiRouter::new()
        .nest("/", ApiRouter::new().route("/x", get(other)))
        .finish(info())
        .unwrap_err();
    assert!(matches!(nest_root, DocError::InvalidPath { .. }));
    assert_eq!(
        ApiRouter::<()>::new()
            .route_layer(Mark("x"))
            .finish(info())
            .unwrap_err(),
        DocError::RouteLayerWithoutRoutes
    );
    let panicked = ApiRouter::new()
        .route("/x", get(other).layer(Panics))
        .finish(info())
        .unwrap_err();
    assert!(
        matches!(&panicked, DocError::LayerPanicked { message, .. } if message == "needs a runtime"),
        "{panicked:?}"
    );
    let router_panicked = ApiRouter::new()
        .route("/x", get(other))
        .layer(Panics)
        .finish(info())
        .unwrap_err();
    assert!(matches!(router_panicked, DocError::LayerPanicked { .. }));
}

#[test]
fn a_scheme_name_means_one_scheme() {
    #[derive(Clone)]
    struct OtherA;
    impl<S> Layer<S> for OtherA {
        type Service = S;
        fn layer(&self, inner: S) -> S {
            note(self);
            inner
        }
    }
    impl Describe for OtherA {
        fn describe(&self, cx: &mut DescribeCx<'_>) -> Result<(), DocError> {
            cx.security_scheme(
                "A",
                SecurityScheme {
                    kind: SecuritySchemeKind::Http {
                        scheme: "basic".into(),
                        bearer_format: None,
                    },
                    description: None,
                },
            )
        }
    }
    let err = ApiRouter::new()
        .route("/x", get(other).layer(Key("A", false)))
        .route("/y", get(other).layer(OtherA))
        .finish(info())
        .unwrap_err();
    assert_eq!(err, DocError::SchemeConflict { name: "A".into() });
}

mod first {
    /// A model named `Item`.
    #[derive(serde::Serialize, schemars::JsonSchema)]
    pub(super) struct Item {
        pub(super) _name: String,
    }
}

mod second {
    /// Another model named `Item`.
    #[derive(serde::Serialize, schemars::JsonSchema)]
    pub(super) struct Item {
        pub(super) _price: f64,
    }
}

#[test]
fn a_schema_name_means_one_type() {
    async fn one() -> axum::Json<first::Item> {
        unreachable!("never called")
    }
    async fn two() -> axum::Json<second::Item> {
        unreachable!("never called")
    }
    let err = ApiRouter::new()
        .route("/one", get(one))
        .route("/two", get(two))
        .finish(info())
        .unwrap_err();
    assert!(
        matches!(&err, DocError::SchemaConflict { name, type_name } if name == "Item" && type_name.ends_with("second::Item")),
        "{err:?}"
    );
    // Once, the component is there and referenced.
    let (_, doc) = ApiRouter::new()
        .route("/one", get(one))
        .finish(info())
        .unwrap();
    assert!(doc.components.schemas.contains_key("Item"));
    assert_eq!(
        doc.operation("get", "/one")
            .unwrap()
            .responses
            .get("200")
            .unwrap()
            .content
            .get("application/json")
            .unwrap()
            .schema,
        Some(json_schema!({"$ref": "#/components/schemas/Item"}))
    );
}

#[test]
fn extras_and_unique_operation_ids() {
    let (_, doc) = ApiRouter::new()
        .route(
            "/x",
            get(other)
                .summary("S")
                .description("D")
                .tag("t")
                .operation_id("custom")
                .deprecated()
                .response(418, Response::new("Teapot"))
                .post(other),
        )
        // `/x-y` and `/x_y` make the same generated id: the second gets a suffix.
        .route("/x-y", get(other))
        .route("/x_y", get(other))
        .finish(info())
        .unwrap();
    let op = serde_json::to_value(doc.operation("get", "/x").unwrap()).unwrap();
    assert_eq!(
        op,
        json!({
            "tags": ["t"], "summary": "S", "description": "D", "operationId": "custom",
            "responses": {
                "200": {"description": "Successful Response", "content": {"text/plain": {"schema": {"type": "string"}}}},
                "418": {"description": "Teapot"}
            },
            "deprecated": true
        })
    );
    assert_eq!(
        doc.operation("post", "/x").unwrap().operation_id,
        "other_x_post"
    );
    assert_eq!(
        doc.operation("get", "/x-y").unwrap().operation_id,
        "other_x_y_get"
    );
    assert_eq!(
        doc.operation("get", "/x_y").unwrap().operation_id,
        "other_x_y_get_2"
    );
    let dup = ApiRouter::new()
        .route("/a", get(other).operation_id("same"))
        .route("/b", get(other).operation_id("same"))
        .finish(info())
        .unwrap_err();
    assert_eq!(dup, DocError::DuplicateOperationId { id: "same".into() });
}

#[test]
fn bare_tower_gets_the_same_document() {
    let stack = ServiceBuilder::new()
        .layer(Mark("outer"))
        .layer(Key("A", false));
    let doc = DocBuilder::new()
        .layer(&Mark("app"))
        .route(Method::GET, "/me", &stack)
        .route_with(
            Method::GET,
            "/health",
            &Identity::new(),
            |op: OperationSpec| op.public().returns::<&'static str>(),
        )
        .require_security()
        .finish(info())
        .unwrap();
    let (_, via_axum) = ApiRouter::new()
        .route(
            "/me",
            get(crate::undocumented(|| async { "me" })).layer(stack.clone()),
        )
        .route("/health", get(|| async { "ok" }).public())
        .layer(Mark("app"))
        .finish(info())
        .unwrap();
    assert_eq!(
        serde_json::to_value(&doc.operation("get", "/me").unwrap().security).unwrap(),
        serde_json::to_value(&via_axum.operation("get", "/me").unwrap().security).unwrap()
    );
    assert_eq!(tags(&doc, "get", "/me"), ["app", "outer"]);
    assert_eq!(tags(&via_axum, "get", "/me"), ["app", "outer"]);
    assert_eq!(
        doc.operation("get", "/health").unwrap().responses,
        via_axum.operation("get", "/health").unwrap().responses
    );
    let dup = DocBuilder::new()
        .route(Method::GET, "/x", &Identity::new())
        .route(Method::GET, "/x", &Identity::new())
        .finish(info())
        .unwrap_err();
    assert!(matches!(dup, DocError::DuplicateOperation { .. }));
}

#[test]
fn describe_layer_finds_layers_inside_any_stack() {
    let found = describe_layer(
        &ServiceBuilder::new()
            .layer(Mark("a"))
            .layer(tower::util::MapRequestLayer::new(|r: Request<()>| r))
            .layer((Mark("b"), Mark("c"))),
    )
    .unwrap();
    assert_eq!(found.len(), 3);
    // Outside a frame, note is a no-op.
    note(&Mark("nothing"));
    assert_eq!(describe_layer(&Identity::new()).unwrap().len(), 0);
}

async fn body(res: http::Response<http_body_util::Full<bytes::Bytes>>) -> bytes::Bytes {
    res.into_body().collect().await.unwrap().to_bytes()
}

#[tokio::test]
async fn docs_are_served_from_memory_with_etags() {
    let (_, doc) = ApiRouter::new()
        .route("/x", get(other))
        .finish(info())
        .unwrap();
    let docs = Docs::new(&doc)
        .init_oauth(json!({"clientId": "</script>", "usePkceWithAuthorizationCodeGrant": true}));
    let svc = docs.service();
    let res = svc
        .clone()
        .oneshot(Request::get("/openapi.json").body(()).unwrap())
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "application/json");
    assert_eq!(res.headers()["cache-control"], "no-cache");
    let etag = res.headers()["etag"].clone();
    let json = body(res).await;
    assert_eq!(json, doc.to_json());
    let again = svc
        .clone()
        .oneshot(
            Request::get("/openapi.json")
                .header("if-none-match", etag.clone())
                .body(())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(again.headers()["etag"], etag);
    assert!(body(again).await.is_empty());
    let head = svc
        .clone()
        .oneshot(Request::head("/openapi.json").body(()).unwrap())
        .await
        .unwrap();
    assert_eq!(head.headers()["content-length"], json.len().to_string());
    assert!(body(head).await.is_empty());
    let post = svc
        .clone()
        .oneshot(Request::post("/openapi.json").body(()).unwrap())
        .await
        .unwrap();
    assert_eq!(post.status(), StatusCode::METHOD_NOT_ALLOWED);
    let missing = svc
        .clone()
        .oneshot(Request::get("/nope").body(()).unwrap())
        .await
        .unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);

    let page = svc
        .clone()
        .oneshot(Request::get("/docs").body(()).unwrap())
        .await
        .unwrap();
    assert_eq!(page.headers()["content-type"], "text/html; charset=utf-8");
    let page = String::from_utf8(body(page).await.to_vec()).unwrap();
    assert!(page.contains("\"url\":\"/openapi.json\""), "{page}");
    assert!(page.contains("\"validatorUrl\":null"), "{page}");
    assert!(page.contains("\"deepLinking\":true"), "{page}");
    assert!(
        page.contains(
            "config.oauth2RedirectUrl = window.location.origin + \"/docs/oauth2-redirect\";"
        ),
        "{page}"
    );
    // JSON inside the script cannot close it.
    assert!(page.contains("ui.initOAuth({\"clientId\":\"\\u003c/script\\u003e\",\"usePkceWithAuthorizationCodeGrant\":true});"), "{page}");
    #[cfg(feature = "ui")]
    assert!(
        !page.contains("http://") && !page.contains("https://"),
        "nothing from another origin: {page}"
    );

    #[cfg(feature = "ui")]
    for path in svc
        .paths()
        .filter(|p| p.ends_with(".js") || p.ends_with(".css"))
        .map(str::to_owned)
        .collect::<Vec<_>>()
    {
        let res = svc
            .clone()
            .oneshot(Request::get(path.as_str()).body(()).unwrap())
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        assert_eq!(
            res.headers()["cache-control"],
            "public, max-age=31536000, immutable"
        );
        let ct = res.headers()["content-type"].to_str().unwrap().to_owned();
        assert!(
            ct == "text/javascript; charset=utf-8" || ct == "text/css; charset=utf-8",
            "{ct}"
        );
        assert!(body(res).await.len() > 100_000, "{path}");
    }
    let redoc = svc
        .clone()
        .oneshot(Request::get("/redoc").body(()).unwrap())
        .await
        .unwrap();
    let redoc = String::from_utf8(body(redoc).await.to_vec()).unwrap();
    assert!(
        redoc.contains("<redoc spec-url=\"/openapi.json\"></redoc>"),
        "{redoc}"
    );
    #[cfg(feature = "ui")]
    assert!(!redoc.contains("https://"), "{redoc}");
    let redirect = svc
        .clone()
        .oneshot(Request::get("/docs/oauth2-redirect").body(()).unwrap())
        .await
        .unwrap();
    let redirect = String::from_utf8(body(redirect).await.to_vec()).unwrap();
    assert!(redirect.contains("swaggerUIRedirectOauth2"), "{redirect}");
}

#[tokio::test]
async fn docs_mount_under_a_prefix() {
    let doc = OpenApi::new(info());
    let svc = Docs::new(&doc).prefix("/api/").service();
    let mut paths: Vec<&str> = svc
        .paths()
        .filter(|p| !p.ends_with(".js") && !p.ends_with(".css"))
        .collect();
    paths.sort_unstable();
    assert_eq!(
        paths,
        [
            "/api/docs",
            "/api/docs/oauth2-redirect",
            "/api/openapi.json",
            "/api/redoc"
        ]
    );
    let page = svc
        .clone()
        .oneshot(Request::get("/api/docs").body(()).unwrap())
        .await
        .unwrap();
    let page = String::from_utf8(body(page).await.to_vec()).unwrap();
    assert!(page.contains("\"url\":\"/api/openapi.json\""), "{page}");
    assert!(page.contains("\"/api/docs/oauth2-redirect\""), "{page}");
    #[cfg(feature = "ui")]
    assert!(
        page.contains("src=\"/api/docs/swagger-ui-bundle.js?v="),
        "{page}"
    );
    // Behind a proxy that strips the prefix: links keep it, routes do not.
    let proxied = Docs::new(&doc).root_path("/api").service();
    assert!(proxied.paths().any(|p| p == "/docs"));
    let page = proxied
        .oneshot(Request::get("/docs").body(()).unwrap())
        .await
        .unwrap();
    let page = String::from_utf8(body(page).await.to_vec()).unwrap();
    assert!(page.contains("\"url\":\"/api/openapi.json\""), "{page}");
    // CDN URLs remain an option.
    let cdn = Docs::new(&doc)
        .swagger_ui_urls("https://cdn.example/ui.js", "https://cdn.example/ui.css")
        .redoc_js_url("https://cdn.example/redoc.js")
        .service();
    assert!(!cdn.paths().any(|p| p.ends_with(".js")));
}

#[tokio::test]
async fn docs_router_merges_into_an_axum_app() {
    let (router, doc) = ApiRouter::new()
        .route("/x", get(other))
        .finish(info())
        .unwrap();
    let app = router.merge(Docs::new(&doc).router());
    let res = app
        .clone()
        .oneshot(
            Request::get("/openapi.json")
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let served: Value =
        serde_json::from_slice(&res.into_body().collect().await.unwrap().to_bytes()).unwrap();
    assert_eq!(served["paths"]["/x"]["get"]["operationId"], "other_x_get");
    let res = app
        .oneshot(Request::get("/x").body(axum::body::Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
}
