//! The security-scheme rows (docs/behaviour/security.md) over real HTTP on 127.0.0.1, with axum
//! and with bare hyper: exact status, `WWW-Authenticate`, content-type, content-length and body.
#![allow(clippy::unwrap_used, missing_docs)]

mod common;

#[allow(dead_code)]
#[path = "../examples/fastapi_parity.rs"]
mod parity;

use std::convert::Infallible;
use std::sync::Arc;

use axum::routing::get;
use http::{Request, Response};
use serde::Serialize;
use serde_json::json;
use tower::{service_fn, Layer, ServiceBuilder, ServiceExt};
use towerapi::auth::{
    AnyOf, ApiKey, ApiKeyCookie, ApiKeyQuery, AuthLayer, AuthorizationValue, BearerToken,
    HttpAuthorizationCredentials, HttpBasic, HttpBasicCredentials, HttpDigest, ScopesLayer,
    SecurityScopes,
};
use towerapi::prelude::*;

use common::{send_bytes, serve_axum, serve_hyper, Server};

// ---- the schemes of app.py: the example's ------------------------------------------------

use parity::{
    api_key_header, http_base_custom as http_custom, http_bearer, oauth2_authcode, oauth2_flows,
    oauth2_password, openid,
};

// ---- handler bodies, as app.py's --------------------------------------------------------------

#[derive(Serialize)]
struct Opt<T> {
    present: bool,
    value: Option<T>,
}

fn opt<T>(v: Option<T>) -> Opt<T> {
    Opt {
        present: v.is_some(),
        value: v,
    }
}

#[derive(Serialize)]
struct Basic {
    username: String,
    password: String,
}

#[derive(Serialize)]
struct HttpCreds {
    scheme: String,
    credentials: String,
}

fn basic(c: HttpBasicCredentials) -> Basic {
    Basic {
        username: c.username,
        password: c.password,
    }
}

fn http(c: HttpAuthorizationCredentials) -> HttpCreds {
    HttpCreds {
        scheme: c.scheme,
        credentials: c.credentials,
    }
}

/// app.py's `{"scopes": ..., "scope_str": ...}`, in its order.
#[derive(Serialize)]
struct ScopesOut {
    scopes: Vec<String>,
    scope_str: String,
}

fn scopes_out(s: &SecurityScopes) -> ScopesOut {
    ScopesOut {
        scopes: s.scopes().to_vec(),
        scope_str: s.scope_str(),
    }
}

// ---- axum: the extractors ---------------------------------------------------------------------

fn axum_app() -> axum::Router {
    use axum::routing::MethodRouter;
    fn r<L>(h: MethodRouter, layer: L) -> MethodRouter
    where
        L: Layer<axum::routing::Route> + Clone + Send + Sync + 'static,
        L::Service: tower::Service<Request<axum::body::Body>, Error = Infallible>
            + Clone
            + Send
            + Sync
            + 'static,
        <L::Service as tower::Service<Request<axum::body::Body>>>::Response:
            axum::response::IntoResponse + 'static,
        <L::Service as tower::Service<Request<axum::body::Body>>>::Future: Send + 'static,
    {
        h.layer(layer)
    }
    axum::Router::new()
        .route("/auth/oauth2-password", r(get(|t: BearerToken| async move { Reply::new(json!({"token": t.0})) }), AuthLayer::new(oauth2_password())))
        .route(
            "/auth/oauth2-password-optional",
            r(get(|t: Option<BearerToken>| async move { Reply::new(opt(t.map(|t| t.0))) }), AuthLayer::new(oauth2_password().auto_error(false))),
        )
        .route("/auth/oauth2-authcode", r(get(|t: BearerToken| async move { Reply::new(json!({"token": t.0})) }), AuthLayer::new(oauth2_authcode())))
        .route(
            "/auth/oauth2-authcode-optional",
            r(get(|t: Option<BearerToken>| async move { Reply::new(opt(t.map(|t| t.0))) }), AuthLayer::new(oauth2_authcode().auto_error(false))),
        )
        .route(
            "/auth/oauth2-flows",
            r(get(|a: AuthorizationValue| async move { Reply::new(json!({"authorization": a.0})) }), AuthLayer::new(oauth2_flows())),
        )
        .route(
            "/auth/oauth2-flows-optional",
            r(get(|a: Option<AuthorizationValue>| async move { Reply::new(opt(a.map(|a| a.0))) }), AuthLayer::new(oauth2_flows().auto_error(false))),
        )
        .route("/auth/http-basic", r(get(|c: HttpBasicCredentials| async move { Reply::new(basic(c)) }), AuthLayer::new(HttpBasic::new())))
        .route(
            "/auth/http-basic-optional",
            r(get(|c: Option<HttpBasicCredentials>| async move { Reply::new(opt(c.map(basic))) }), AuthLayer::new(HttpBasic::new().auto_error(false))),
        )
        .route(
            "/auth/http-basic-realm",
            r(get(|c: HttpBasicCredentials| async move { Reply::new(basic(c)) }), AuthLayer::new(HttpBasic::new().realm("oracle realm").unwrap())),
        )
        .route("/auth/http-bearer", r(get(|c: HttpAuthorizationCredentials| async move { Reply::new(http(c)) }), AuthLayer::new(http_bearer())))
        .route(
            "/auth/http-bearer-optional",
            r(get(|c: Option<HttpAuthorizationCredentials>| async move { Reply::new(opt(c.map(http))) }), AuthLayer::new(http_bearer().auto_error(false))),
        )
        .route("/auth/http-digest", r(get(|c: HttpAuthorizationCredentials| async move { Reply::new(http(c)) }), AuthLayer::new(HttpDigest::new())))
        .route(
            "/auth/http-digest-optional",
            r(get(|c: Option<HttpAuthorizationCredentials>| async move { Reply::new(opt(c.map(http))) }), AuthLayer::new(HttpDigest::new().auto_error(false))),
        )
        .route("/auth/http-custom", r(get(|c: HttpAuthorizationCredentials| async move { Reply::new(http(c)) }), AuthLayer::new(http_custom())))
        .route("/auth/apikey-query", r(get(|k: ApiKey| async move { Reply::new(json!({"key": k.0})) }), AuthLayer::new(ApiKeyQuery::new("api_key"))))
        .route(
            "/auth/apikey-query-optional",
            r(get(|k: Option<ApiKey>| async move { Reply::new(opt(k.map(|k| k.0))) }), AuthLayer::new(ApiKeyQuery::new("api_key").auto_error(false))),
        )
        .route("/auth/apikey-header", r(get(|k: ApiKey| async move { Reply::new(json!({"key": k.0})) }), AuthLayer::new(api_key_header())))
        .route(
            "/auth/apikey-header-optional",
            r(get(|k: Option<ApiKey>| async move { Reply::new(opt(k.map(|k| k.0))) }), AuthLayer::new(api_key_header().auto_error(false))),
        )
        .route("/auth/apikey-cookie", r(get(|k: ApiKey| async move { Reply::new(json!({"key": k.0})) }), AuthLayer::new(ApiKeyCookie::new("session"))))
        .route(
            "/auth/apikey-cookie-optional",
            r(get(|k: Option<ApiKey>| async move { Reply::new(opt(k.map(|k| k.0))) }), AuthLayer::new(ApiKeyCookie::new("session").auto_error(false))),
        )
        .route("/auth/openid", r(get(|a: AuthorizationValue| async move { Reply::new(json!({"authorization": a.0})) }), AuthLayer::new(openid())))
        .route(
            "/auth/openid-optional",
            r(get(|a: Option<AuthorizationValue>| async move { Reply::new(opt(a.map(|a| a.0))) }), AuthLayer::new(openid().auto_error(false))),
        )
        .route("/auth/route-dependency", r(get(|| async { Reply::new(json!({"ok": true})) }), AuthLayer::new(api_key_header())))
        .route(
            "/auth/security-scopes",
            get(|s: SecurityScopes| async move { Reply::new(scopes_out(&s)) })
                .layer(ServiceBuilder::new().layer(ScopesLayer::new(["route"])).layer(ScopesLayer::new(["inner:a", "inner:b"]))),
        )
        .route(
            "/auth/any-of",
            r(
                get(|b: Option<HttpAuthorizationCredentials>, k: Option<ApiKey>| async move {
                    Reply::new(json!({"bearer": b.map(|b| b.credentials), "api_key": k.map(|k| k.0)}))
                }),
                AuthLayer::new(AnyOf::new(http_bearer(), api_key_header())),
            ),
        )
        .layer(SerializeLayer::json())
}

// ---- bare hyper: the request extensions -------------------------------------------------------

use common::hyper_routes::{route, Req, Route};

fn ext<T: Clone + Send + Sync + 'static>(req: &Req) -> Option<T> {
    req.extensions().get::<T>().cloned()
}

fn hyper_app() -> impl tower::Service<
    Req,
    Response = Response<
        impl http_body::Body<Data = bytes::Bytes, Error = impl Into<towerapi::encode::BoxError>>
            + Send
            + 'static,
    >,
    Error = Infallible,
    Future = impl Send + 'static,
> + Clone
       + Send
       + 'static {
    let routes: Vec<(&'static str, Route)> = vec![
        (
            "/auth/oauth2-password",
            route(AuthLayer::new(oauth2_password()), |r| {
                Reply::new(json!({"token": ext::<BearerToken>(r).unwrap().0})).into_http_response()
            }),
        ),
        (
            "/auth/oauth2-password-optional",
            route(AuthLayer::new(oauth2_password().auto_error(false)), |r| {
                Reply::new(opt(ext::<BearerToken>(r).map(|t| t.0))).into_http_response()
            }),
        ),
        (
            "/auth/oauth2-authcode",
            route(AuthLayer::new(oauth2_authcode()), |r| {
                Reply::new(json!({"token": ext::<BearerToken>(r).unwrap().0})).into_http_response()
            }),
        ),
        (
            "/auth/oauth2-authcode-optional",
            route(AuthLayer::new(oauth2_authcode().auto_error(false)), |r| {
                Reply::new(opt(ext::<BearerToken>(r).map(|t| t.0))).into_http_response()
            }),
        ),
        (
            "/auth/oauth2-flows",
            route(AuthLayer::new(oauth2_flows()), |r| {
                Reply::new(json!({"authorization": ext::<AuthorizationValue>(r).unwrap().0}))
                    .into_http_response()
            }),
        ),
        (
            "/auth/oauth2-flows-optional",
            route(AuthLayer::new(oauth2_flows().auto_error(false)), |r| {
                Reply::new(opt(ext::<AuthorizationValue>(r).map(|a| a.0))).into_http_response()
            }),
        ),
        (
            "/auth/http-basic",
            route(AuthLayer::new(HttpBasic::new()), |r| {
                Reply::new(basic(ext(r).unwrap())).into_http_response()
            }),
        ),
        (
            "/auth/http-basic-optional",
            route(AuthLayer::new(HttpBasic::new().auto_error(false)), |r| {
                Reply::new(opt(ext(r).map(basic))).into_http_response()
            }),
        ),
        (
            "/auth/http-basic-realm",
            route(
                AuthLayer::new(HttpBasic::new().realm("oracle realm").unwrap()),
                |r| Reply::new(basic(ext(r).unwrap())).into_http_response(),
            ),
        ),
        (
            "/auth/http-bearer",
            route(AuthLayer::new(http_bearer()), |r| {
                Reply::new(http(ext(r).unwrap())).into_http_response()
            }),
        ),
        (
            "/auth/http-bearer-optional",
            route(AuthLayer::new(http_bearer().auto_error(false)), |r| {
                Reply::new(opt(ext(r).map(http))).into_http_response()
            }),
        ),
        (
            "/auth/http-digest",
            route(AuthLayer::new(HttpDigest::new()), |r| {
                Reply::new(http(ext(r).unwrap())).into_http_response()
            }),
        ),
        (
            "/auth/http-digest-optional",
            route(AuthLayer::new(HttpDigest::new().auto_error(false)), |r| {
                Reply::new(opt(ext(r).map(http))).into_http_response()
            }),
        ),
        (
            "/auth/http-custom",
            route(AuthLayer::new(http_custom()), |r| {
                Reply::new(http(ext(r).unwrap())).into_http_response()
            }),
        ),
        (
            "/auth/apikey-query",
            route(AuthLayer::new(ApiKeyQuery::new("api_key")), |r| {
                Reply::new(json!({"key": ext::<ApiKey>(r).unwrap().0})).into_http_response()
            }),
        ),
        (
            "/auth/apikey-query-optional",
            route(
                AuthLayer::new(ApiKeyQuery::new("api_key").auto_error(false)),
                |r| Reply::new(opt(ext::<ApiKey>(r).map(|k| k.0))).into_http_response(),
            ),
        ),
        (
            "/auth/apikey-header",
            route(AuthLayer::new(api_key_header()), |r| {
                Reply::new(json!({"key": ext::<ApiKey>(r).unwrap().0})).into_http_response()
            }),
        ),
        (
            "/auth/apikey-header-optional",
            route(AuthLayer::new(api_key_header().auto_error(false)), |r| {
                Reply::new(opt(ext::<ApiKey>(r).map(|k| k.0))).into_http_response()
            }),
        ),
        (
            "/auth/apikey-cookie",
            route(AuthLayer::new(ApiKeyCookie::new("session")), |r| {
                Reply::new(json!({"key": ext::<ApiKey>(r).unwrap().0})).into_http_response()
            }),
        ),
        (
            "/auth/apikey-cookie-optional",
            route(
                AuthLayer::new(ApiKeyCookie::new("session").auto_error(false)),
                |r| Reply::new(opt(ext::<ApiKey>(r).map(|k| k.0))).into_http_response(),
            ),
        ),
        (
            "/auth/openid",
            route(AuthLayer::new(openid()), |r| {
                Reply::new(json!({"authorization": ext::<AuthorizationValue>(r).unwrap().0}))
                    .into_http_response()
            }),
        ),
        (
            "/auth/openid-optional",
            route(AuthLayer::new(openid().auto_error(false)), |r| {
                Reply::new(opt(ext::<AuthorizationValue>(r).map(|a| a.0))).into_http_response()
            }),
        ),
        (
            "/auth/route-dependency",
            route(AuthLayer::new(api_key_header()), |_| {
                Reply::new(json!({"ok": true})).into_http_response()
            }),
        ),
        (
            "/auth/security-scopes",
            route(
                ServiceBuilder::new()
                    .layer(ScopesLayer::new(["route"]))
                    .layer(ScopesLayer::new(["inner:a", "inner:b"])),
                |r| {
                    let s = ext::<SecurityScopes>(r).unwrap();
                    Reply::new(scopes_out(&s)).into_http_response()
                },
            ),
        ),
        (
            "/auth/any-of",
            route(
                AuthLayer::new(AnyOf::new(http_bearer(), api_key_header())),
                |r| {
                    Reply::new(json!({"bearer": ext::<HttpAuthorizationCredentials>(r).map(|b| b.credentials), "api_key": ext::<ApiKey>(r).map(|k| k.0)}))
                    .into_http_response()
                },
            ),
        ),
    ];
    let routes = Arc::new(routes);
    let dispatch = service_fn(move |req: Req| {
        let route = routes
            .iter()
            .find(|(p, _)| *p == req.uri().path())
            .map(|(_, r)| r.clone());
        async move {
            match route {
                Some(route) => route.oneshot(req).await,
                None => Ok(Reply::new(json!({"detail": "Not Found"}))
                    .status(http::StatusCode::NOT_FOUND)
                    .into_http_response()),
            }
        }
    });
    ServiceBuilder::new()
        .layer(SerializeLayer::json())
        .service(dispatch)
}

// ---- the rows ---------------------------------------------------------------------------------

const NA: &str = r#"{"detail":"Not authenticated"}"#;
const B64: &[u8] = b"Basic YWxpY2U6c2VjcmV0";

/// (path with query, request headers, status, WWW-Authenticate values, body)
type Row = (
    &'static str,
    &'static [(&'static str, &'static [u8])],
    u16,
    &'static [&'static str],
    &'static str,
);

const ROWS: &[Row] = &[
    // OAuth2PasswordBearer
    (
        "/auth/oauth2-password",
        &[("authorization", b"Bearer abc")],
        200,
        &[],
        r#"{"token":"abc"}"#,
    ),
    (
        "/auth/oauth2-password",
        &[("authorization", b"bearer abc")],
        200,
        &[],
        r#"{"token":"abc"}"#,
    ),
    (
        "/auth/oauth2-password",
        &[("authorization", b"BEARER abc")],
        200,
        &[],
        r#"{"token":"abc"}"#,
    ),
    (
        "/auth/oauth2-password",
        &[("authorization", b"Bearer    abc")],
        200,
        &[],
        r#"{"token":"abc"}"#,
    ),
    (
        "/auth/oauth2-password",
        &[("authorization", b"Bearer abc def")],
        200,
        &[],
        r#"{"token":"abc def"}"#,
    ),
    (
        "/auth/oauth2-password",
        &[("authorization", b"Bearer")],
        200,
        &[],
        r#"{"token":""}"#,
    ),
    ("/auth/oauth2-password", &[], 401, &["Bearer"], NA),
    (
        "/auth/oauth2-password",
        &[("authorization", b"")],
        401,
        &["Bearer"],
        NA,
    ),
    (
        "/auth/oauth2-password",
        &[("authorization", B64)],
        401,
        &["Bearer"],
        NA,
    ),
    (
        "/auth/oauth2-password",
        &[("authorization", b"Bearer\tabc")],
        401,
        &["Bearer"],
        NA,
    ),
    (
        "/auth/oauth2-password?access_token=abc",
        &[],
        401,
        &["Bearer"],
        NA,
    ),
    (
        "/auth/oauth2-password",
        &[("authorization", B64), ("authorization", b"Bearer second")],
        401,
        &["Bearer"],
        NA,
    ),
    (
        "/auth/oauth2-password-optional",
        &[],
        200,
        &[],
        r#"{"present":false,"value":null}"#,
    ),
    (
        "/auth/oauth2-password-optional",
        &[("authorization", B64)],
        200,
        &[],
        r#"{"present":false,"value":null}"#,
    ),
    (
        "/auth/oauth2-password-optional",
        &[("authorization", b"Bearer")],
        200,
        &[],
        r#"{"present":true,"value":""}"#,
    ),
    // OAuth2AuthorizationCodeBearer
    (
        "/auth/oauth2-authcode",
        &[("authorization", b"Bearer code-token")],
        200,
        &[],
        r#"{"token":"code-token"}"#,
    ),
    ("/auth/oauth2-authcode", &[], 401, &["Bearer"], NA),
    (
        "/auth/oauth2-authcode",
        &[("authorization", b"Token x")],
        401,
        &["Bearer"],
        NA,
    ),
    (
        "/auth/oauth2-authcode-optional",
        &[("authorization", b"Token x")],
        200,
        &[],
        r#"{"present":false,"value":null}"#,
    ),
    // OAuth2 (generic)
    (
        "/auth/oauth2-flows",
        &[("authorization", b"Token xyz")],
        200,
        &[],
        r#"{"authorization":"Token xyz"}"#,
    ),
    ("/auth/oauth2-flows", &[], 401, &["Bearer"], NA),
    (
        "/auth/oauth2-flows",
        &[("authorization", b"")],
        401,
        &["Bearer"],
        NA,
    ),
    (
        "/auth/oauth2-flows-optional",
        &[],
        200,
        &[],
        r#"{"present":false,"value":null}"#,
    ),
    // OpenIdConnect
    (
        "/auth/openid",
        &[("authorization", b"Basic zzz")],
        200,
        &[],
        r#"{"authorization":"Basic zzz"}"#,
    ),
    ("/auth/openid", &[], 401, &["Bearer"], NA),
    (
        "/auth/openid",
        &[("authorization", b"")],
        401,
        &["Bearer"],
        NA,
    ),
    (
        "/auth/openid-optional",
        &[],
        200,
        &[],
        r#"{"present":false,"value":null}"#,
    ),
    // HTTPBasic
    (
        "/auth/http-basic",
        &[("authorization", B64)],
        200,
        &[],
        r#"{"username":"alice","password":"secret"}"#,
    ),
    (
        "/auth/http-basic",
        &[("authorization", b"basic YWxpY2U6c2VjcmV0")],
        200,
        &[],
        r#"{"username":"alice","password":"secret"}"#,
    ),
    (
        "/auth/http-basic",
        &[("authorization", b"Basic YWxpY2U6cGE6c3M=")],
        200,
        &[],
        r#"{"username":"alice","password":"pa:ss"}"#,
    ),
    (
        "/auth/http-basic",
        &[("authorization", b"Basic YWxpY2U6")],
        200,
        &[],
        r#"{"username":"alice","password":""}"#,
    ),
    (
        "/auth/http-basic",
        &[("authorization", b"Basic OnNlY3JldA==")],
        200,
        &[],
        r#"{"username":"","password":"secret"}"#,
    ),
    (
        "/auth/http-basic",
        &[("authorization", b"Basic YWxpY2U6c2VjcmV0!!")],
        200,
        &[],
        r#"{"username":"alice","password":"secret"}"#,
    ),
    (
        "/auth/http-basic",
        &[("authorization", b"Basic YWxp Y2U6c2VjcmV0")],
        200,
        &[],
        r#"{"username":"alice","password":"secret"}"#,
    ),
    (
        "/auth/http-basic",
        &[("authorization", b"Basic YWxpY2VzZWNyZXQ=")],
        401,
        &["Basic"],
        NA,
    ),
    (
        "/auth/http-basic",
        &[("authorization", b"Basic %%%")],
        401,
        &["Basic"],
        NA,
    ),
    (
        "/auth/http-basic",
        &[("authorization", b"Basic YWxpY2U6c2VjcmV0MQ")],
        401,
        &["Basic"],
        NA,
    ),
    (
        "/auth/http-basic",
        &[("authorization", b"Basic YWzDr2NlOnNlY3JldA==")],
        401,
        &["Basic"],
        NA,
    ),
    (
        "/auth/http-basic",
        &[("authorization", b"Basic /zpwdw==")],
        401,
        &["Basic"],
        NA,
    ),
    ("/auth/http-basic", &[], 401, &["Basic"], NA),
    (
        "/auth/http-basic",
        &[("authorization", b"Bearer abc")],
        401,
        &["Basic"],
        NA,
    ),
    (
        "/auth/http-basic",
        &[("authorization", b"Basic")],
        401,
        &["Basic"],
        NA,
    ),
    (
        "/auth/http-basic-realm",
        &[],
        401,
        &["Basic realm=\"oracle realm\""],
        NA,
    ),
    (
        "/auth/http-basic-realm",
        &[("authorization", b"Basic YWxpY2VzZWNyZXQ=")],
        401,
        &["Basic realm=\"oracle realm\""],
        NA,
    ),
    (
        "/auth/http-basic-optional",
        &[],
        200,
        &[],
        r#"{"present":false,"value":null}"#,
    ),
    (
        "/auth/http-basic-optional",
        &[("authorization", b"Bearer abc")],
        200,
        &[],
        r#"{"present":false,"value":null}"#,
    ),
    (
        "/auth/http-basic-optional",
        &[("authorization", B64)],
        200,
        &[],
        r#"{"present":true,"value":{"username":"alice","password":"secret"}}"#,
    ),
    (
        "/auth/http-basic-optional",
        &[("authorization", b"Basic")],
        401,
        &["Basic"],
        NA,
    ),
    (
        "/auth/http-basic-optional",
        &[("authorization", b"Basic YWxpY2VzZWNyZXQ=")],
        401,
        &["Basic"],
        NA,
    ),
    (
        "/auth/http-basic-optional",
        &[("authorization", b"Basic YWxpY2U6c2VjcmV0MQ")],
        401,
        &["Basic"],
        NA,
    ),
    // HTTPBearer
    (
        "/auth/http-bearer",
        &[("authorization", b"Bearer abc")],
        200,
        &[],
        r#"{"scheme":"Bearer","credentials":"abc"}"#,
    ),
    (
        "/auth/http-bearer",
        &[("authorization", b"bearer abc")],
        200,
        &[],
        r#"{"scheme":"bearer","credentials":"abc"}"#,
    ),
    (
        "/auth/http-bearer",
        &[("authorization", b"Bearer    abc")],
        200,
        &[],
        r#"{"scheme":"Bearer","credentials":"abc"}"#,
    ),
    (
        "/auth/http-bearer",
        &[("authorization", b"Bearer abc def")],
        200,
        &[],
        r#"{"scheme":"Bearer","credentials":"abc def"}"#,
    ),
    (
        "/auth/http-bearer",
        &[("authorization", b"Bearer t\xf6k")],
        200,
        &[],
        "{\"scheme\":\"Bearer\",\"credentials\":\"t\u{f6}k\"}",
    ),
    ("/auth/http-bearer", &[], 401, &["Bearer"], NA),
    (
        "/auth/http-bearer",
        &[("authorization", b"")],
        401,
        &["Bearer"],
        NA,
    ),
    (
        "/auth/http-bearer",
        &[("authorization", b"Bearer")],
        401,
        &["Bearer"],
        NA,
    ),
    (
        "/auth/http-bearer",
        &[("authorization", b"Bearer\tabc")],
        401,
        &["Bearer"],
        NA,
    ),
    (
        "/auth/http-bearer",
        &[("authorization", B64)],
        401,
        &["Bearer"],
        NA,
    ),
    (
        "/auth/http-bearer-optional",
        &[],
        200,
        &[],
        r#"{"present":false,"value":null}"#,
    ),
    (
        "/auth/http-bearer-optional",
        &[("authorization", B64)],
        200,
        &[],
        r#"{"present":false,"value":null}"#,
    ),
    (
        "/auth/http-bearer-optional",
        &[("authorization", b"Bearer")],
        200,
        &[],
        r#"{"present":false,"value":null}"#,
    ),
    // HTTPDigest
    (
        "/auth/http-digest",
        &[(
            "authorization",
            b"Digest username=\"alice\", realm=\"r\", nonce=\"n\", uri=\"/\", response=\"x\"",
        )],
        200,
        &[],
        r#"{"scheme":"Digest","credentials":"username=\"alice\", realm=\"r\", nonce=\"n\", uri=\"/\", response=\"x\""}"#,
    ),
    (
        "/auth/http-digest",
        &[("authorization", b"digest abc")],
        200,
        &[],
        r#"{"scheme":"digest","credentials":"abc"}"#,
    ),
    ("/auth/http-digest", &[], 401, &["Digest"], NA),
    (
        "/auth/http-digest",
        &[("authorization", b"Bearer abc")],
        401,
        &["Digest"],
        NA,
    ),
    (
        "/auth/http-digest-optional",
        &[("authorization", b"Bearer abc")],
        200,
        &[],
        r#"{"present":false,"value":null}"#,
    ),
    // HTTPBase(scheme="custom")
    (
        "/auth/http-custom",
        &[("authorization", b"Custom abc")],
        200,
        &[],
        r#"{"scheme":"Custom","credentials":"abc"}"#,
    ),
    (
        "/auth/http-custom",
        &[("authorization", b"Bearer abc")],
        200,
        &[],
        r#"{"scheme":"Bearer","credentials":"abc"}"#,
    ),
    ("/auth/http-custom", &[], 401, &["Custom"], NA),
    (
        "/auth/http-custom",
        &[("authorization", b"Custom")],
        401,
        &["Custom"],
        NA,
    ),
    // APIKeyQuery
    (
        "/auth/apikey-query?api_key=k1",
        &[],
        200,
        &[],
        r#"{"key":"k1"}"#,
    ),
    (
        "/auth/apikey-query?api_key=first&api_key=second",
        &[],
        200,
        &[],
        r#"{"key":"second"}"#,
    ),
    (
        "/auth/apikey-query?api_key=a%20b%2Bc+d",
        &[],
        200,
        &[],
        r#"{"key":"a b+c d"}"#,
    ),
    ("/auth/apikey-query", &[], 401, &["APIKey"], NA),
    ("/auth/apikey-query?api_key=", &[], 401, &["APIKey"], NA),
    ("/auth/apikey-query?API_KEY=k1", &[], 401, &["APIKey"], NA),
    (
        "/auth/apikey-query",
        &[("api_key", b"k1")],
        401,
        &["APIKey"],
        NA,
    ),
    (
        "/auth/apikey-query-optional",
        &[],
        200,
        &[],
        r#"{"present":false,"value":null}"#,
    ),
    (
        "/auth/apikey-query-optional?api_key=",
        &[],
        200,
        &[],
        r#"{"present":false,"value":null}"#,
    ),
    // APIKeyHeader
    (
        "/auth/apikey-header",
        &[("X-API-Key", b"k1")],
        200,
        &[],
        r#"{"key":"k1"}"#,
    ),
    (
        "/auth/apikey-header",
        &[("x-api-key", b"k1")],
        200,
        &[],
        r#"{"key":"k1"}"#,
    ),
    (
        "/auth/apikey-header",
        &[("x-api-key", b"first"), ("x-api-key", b"second")],
        200,
        &[],
        r#"{"key":"first"}"#,
    ),
    (
        "/auth/apikey-header",
        &[("x-api-key", b"k\xe9y")],
        200,
        &[],
        "{\"key\":\"k\u{e9}y\"}",
    ),
    ("/auth/apikey-header", &[], 401, &["APIKey"], NA),
    (
        "/auth/apikey-header",
        &[("x-api-key", b"")],
        401,
        &["APIKey"],
        NA,
    ),
    (
        "/auth/apikey-header?X-API-Key=k1",
        &[],
        401,
        &["APIKey"],
        NA,
    ),
    (
        "/auth/apikey-header",
        &[("cookie", b"X-API-Key=k1")],
        401,
        &["APIKey"],
        NA,
    ),
    (
        "/auth/apikey-header",
        &[("authorization", b"Bearer k1")],
        401,
        &["APIKey"],
        NA,
    ),
    (
        "/auth/apikey-header-optional",
        &[("x-api-key", b"")],
        200,
        &[],
        r#"{"present":false,"value":null}"#,
    ),
    // APIKeyCookie
    (
        "/auth/apikey-cookie",
        &[("cookie", b"session=c1")],
        200,
        &[],
        r#"{"key":"c1"}"#,
    ),
    (
        "/auth/apikey-cookie",
        &[("cookie", b"a=1; session=c1; b=2")],
        200,
        &[],
        r#"{"key":"c1"}"#,
    ),
    (
        "/auth/apikey-cookie",
        &[("cookie", b"session=\"c1\"")],
        200,
        &[],
        r#"{"key":"c1"}"#,
    ),
    (
        "/auth/apikey-cookie",
        &[("cookie", b"session=first; session=second")],
        200,
        &[],
        r#"{"key":"second"}"#,
    ),
    ("/auth/apikey-cookie", &[], 401, &["APIKey"], NA),
    (
        "/auth/apikey-cookie",
        &[("cookie", b"session=")],
        401,
        &["APIKey"],
        NA,
    ),
    (
        "/auth/apikey-cookie",
        &[("cookie", b"sess=c1")],
        401,
        &["APIKey"],
        NA,
    ),
    (
        "/auth/apikey-cookie",
        &[("session", b"c1")],
        401,
        &["APIKey"],
        NA,
    ),
    (
        "/auth/apikey-cookie-optional",
        &[],
        200,
        &[],
        r#"{"present":false,"value":null}"#,
    ),
    // dependencies=[Security(APIKeyHeader)]
    ("/auth/route-dependency", &[], 401, &["APIKey"], NA),
    (
        "/auth/route-dependency",
        &[("x-api-key", b"k1")],
        200,
        &[],
        r#"{"ok":true}"#,
    ),
    // SecurityScopes: outer first
    (
        "/auth/security-scopes",
        &[],
        200,
        &[],
        r#"{"scopes":["route","inner:a","inner:b"],"scope_str":"route inner:a inner:b"}"#,
    ),
    // Alternatives (towerapi; FastAPI cannot): the first scheme that finds credentials wins.
    (
        "/auth/any-of",
        &[("authorization", b"Bearer abc")],
        200,
        &[],
        r#"{"api_key":null,"bearer":"abc"}"#,
    ),
    (
        "/auth/any-of",
        &[("x-api-key", b"k1")],
        200,
        &[],
        r#"{"api_key":"k1","bearer":null}"#,
    ),
    (
        "/auth/any-of",
        &[("authorization", b"Bearer abc"), ("x-api-key", b"k1")],
        200,
        &[],
        r#"{"api_key":null,"bearer":"abc"}"#,
    ),
    ("/auth/any-of", &[], 401, &["Bearer", "APIKey"], NA),
];

async fn check(server: &Server, name: &str) {
    let mut failures = Vec::new();
    for (path, req_headers, status, challenges, body) in ROWS {
        let w = send_bytes(server.addr, "GET", path, req_headers).await;
        let got_challenges: Vec<&str> = w
            .headers
            .iter()
            .filter(|(n, _)| n == "www-authenticate")
            .map(|(_, v)| v.as_str())
            .collect();
        let len = body.len().to_string();
        let ok = w.status == *status
            && got_challenges == *challenges
            && w.header("content-type") == Some("application/json")
            && w.header("content-length") == Some(len.as_str())
            && w.body == body.as_bytes();
        if !ok {
            failures.push(format!(
                "{name} {path} {:?}: want {status} {challenges:?} {body}\n  got {} {got_challenges:?} {:?} {}",
                req_headers.iter().map(|(n, v)| format!("{n}: {}", String::from_utf8_lossy(v))).collect::<Vec<_>>(),
                w.status,
                w.stable_headers(),
                String::from_utf8_lossy(&w.body)
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} rows differ:\n{}",
        failures.len(),
        ROWS.len(),
        failures.join("\n")
    );
}

#[tokio::test]
async fn axum_rows() {
    check(&serve_axum(axum_app()).await, "axum").await;
}

#[tokio::test]
async fn hyper_rows() {
    check(&serve_hyper(hyper_app()).await, "hyper").await;
}

/// FastAPI's error precedence (`POST /auth/order`): the security layer answers before the
/// handler's query and body extractors run, so a request without credentials is a 401 whatever
/// its input. (FastAPI parses a JSON body before its dependencies and answers a malformed one
/// with 422; here request validation is axum's, after authentication.)
#[tokio::test]
async fn security_answers_before_request_validation() {
    use axum::extract::Query;
    use axum::routing::post;
    #[derive(serde::Deserialize)]
    struct N {
        #[allow(dead_code)]
        n: i64,
    }
    let app = axum::Router::new()
        .route(
            "/auth/order",
            post(
                |c: HttpAuthorizationCredentials,
                 Query(_q): Query<N>,
                 axum::Json(item): axum::Json<serde_json::Value>| async move {
                    Reply::new(json!({"credentials": c.credentials, "item": item}))
                },
            )
            .layer(AuthLayer::new(http_bearer())),
        )
        .layer(SerializeLayer::json());
    let server = serve_axum(app).await;
    for (path, headers, body) in [
        ("/auth/order", vec![], &b""[..]),
        (
            "/auth/order?n=1",
            vec![("content-type", "application/json")],
            &br#"{"name":"Foo","price":1.5}"#[..],
        ),
    ] {
        let w = common::send_body(server.addr, "POST", path, &headers, body).await;
        assert_eq!(
            (w.status, w.header("www-authenticate")),
            (401, Some("Bearer"))
        );
        assert_eq!(w.body, NA.as_bytes());
    }
    let w = common::send_body(
        server.addr,
        "POST",
        "/auth/order?n=1",
        &[
            ("authorization", "Bearer abc"),
            ("content-type", "application/json"),
        ],
        br#"{"name":"Foo"}"#,
    )
    .await;
    assert_eq!(
        (w.status, w.body.as_slice()),
        (
            200,
            br#"{"credentials":"abc","item":{"name":"Foo"}}"#.as_slice()
        )
    );
}
