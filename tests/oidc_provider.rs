//! A real OpenID provider: the npm package `oidc-provider` (tests/idp/server.mjs) on 127.0.0.1
//! issues RS256 and ES256 access tokens by the client credentials grant; the layer finds its keys
//! by discovery and JWKS, follows a key rotation, and keeps the last good keys when the provider
//! is gone. Over real HTTP on axum and on bare hyper.
#![allow(clippy::unwrap_used, missing_docs)]

mod common;

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use axum::routing::get;
use axum::Router;
use base64::Engine as _;
use common::hyper_routes::{route, Req, Route};
use common::{send, send_body, serve_axum, serve_hyper, Server};
use http::{Response, StatusCode};
use tower::ServiceBuilder;
use towerapi::auth::jwt::{
    Algorithm, Claims, FetchErrorKind, JwtVerifier, RemoteJwks, ScopesClaim,
};
use towerapi::auth::{AuthLayer, HttpBearer, Principal, ScopesLayer};
use towerapi::Body;

const RESOURCE: &str = "https://api.towerapi.test";

/// The provider's process; killed when dropped.
struct Idp {
    child: Child,
    issuer: String,
    addr: SocketAddr,
}

impl Drop for Idp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Idp {
    fn start() -> Idp {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/idp");
        if !dir.join("node_modules/oidc-provider").exists() {
            // scripts/test installs it; this is for a bare `cargo test`.
            let status = Command::new("npm")
                .args(["ci", "--no-audit", "--no-fund", "--silent"])
                .current_dir(&dir)
                .status()
                .expect("npm, to install oidc-provider (tests/idp/package.json)");
            assert!(status.success(), "npm ci in tests/idp failed");
        }
        let mut child = Command::new("node")
            .arg("server.mjs")
            .current_dir(&dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("node, to run tests/idp/server.mjs");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let hello: serde_json::Value = serde_json::from_str(&line)
            .unwrap_or_else(|e| panic!("the provider's first line {line:?}: {e}"));
        assert_eq!(hello["kids"], serde_json::json!(["rsa-1", "ec-1"]));
        let issuer = hello["issuer"].as_str().unwrap().to_owned();
        let addr = issuer.trim_start_matches("http://").parse().unwrap();
        Idp {
            child,
            issuer,
            addr,
        }
    }

    /// An access token for `client` (`rs256` or `es256`) with these scopes.
    async fn token(&self, client: &str, scope: &str) -> String {
        let basic =
            base64::engine::general_purpose::STANDARD.encode(format!("{client}:{client}-secret"));
        let body = format!(
            "grant_type=client_credentials&scope={}",
            scope.replace(' ', "+")
        );
        let wire = send_body(
            self.addr,
            "POST",
            "/token",
            &[
                ("content-type", "application/x-www-form-urlencoded"),
                ("authorization", &format!("Basic {basic}")),
            ],
            body.as_bytes(),
        )
        .await;
        assert_eq!(wire.status, 200, "{}", String::from_utf8_lossy(&wire.body));
        let answer: serde_json::Value = serde_json::from_slice(&wire.body).unwrap();
        answer["access_token"].as_str().unwrap().to_owned()
    }

    /// New signing keys; the old ones leave the JWKS.
    async fn rotate(&self) -> serde_json::Value {
        let wire = send_body(self.addr, "POST", "/__rotate", &[], b"").await;
        assert_eq!(wire.status, 200);
        serde_json::from_slice(&wire.body).unwrap()
    }
}

fn header_of(token: &str) -> serde_json::Value {
    let head = token.split('.').next().unwrap();
    serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(head)
            .unwrap(),
    )
    .unwrap()
}

fn echo(claims: &Claims) -> String {
    serde_json::json!({
        "sub": claims.sub,
        "scopes": claims.scopes,
        "kid": claims.kid,
        "aud": claims.custom["aud"],
    })
    .to_string()
}

/// `/items` needs `items:read`, `/items/write` needs `items:write`: on axum and bare hyper.
async fn servers(verifier: JwtVerifier) -> [Server; 2] {
    let auth = AuthLayer::new(HttpBearer::new()).jwt(verifier);
    let secured = |scope: &'static str| {
        ServiceBuilder::new()
            .layer(ScopesLayer::new([scope]))
            .layer(auth.clone())
    };
    let handler = |Principal(claims): Principal<Claims>| async move { echo(&claims) };
    let app = Router::new()
        .route("/items", get(handler).layer(secured("items:read")))
        .route("/items/write", get(handler).layer(secured("items:write")));

    fn hyper_handler(req: &Req) -> Response<Body> {
        let Principal(claims) = req.extensions().get::<Principal<Claims>>().unwrap();
        Response::new(Body::from(echo(claims)))
    }
    let read: Route = route(secured("items:read"), hyper_handler);
    let write: Route = route(secured("items:write"), hyper_handler);
    let svc = tower::service_fn(move |req: Req| {
        let route = if req.uri().path() == "/items/write" {
            write.clone()
        } else {
            read.clone()
        };
        tower::ServiceExt::oneshot(route, req)
    });
    [serve_axum(app).await, serve_hyper(svc).await]
}

async fn call(server: &Server, path: &str, token: &str) -> (u16, Option<String>, String) {
    let wire = send(
        server.addr,
        "GET",
        path,
        &[("authorization", &format!("Bearer {token}"))],
    )
    .await;
    (
        wire.status,
        wire.header("www-authenticate").map(str::to_owned),
        String::from_utf8(wire.body).unwrap(),
    )
}

fn granted(sub: &str, scopes: &[&str], kid: &str) -> (u16, Option<String>, String) {
    let body = serde_json::json!({"sub": sub, "scopes": scopes, "kid": kid, "aud": RESOURCE});
    (200, None, body.to_string())
}

fn refused(status: StatusCode, detail: &str, scope: &str) -> (u16, Option<String>, String) {
    (
        status.as_u16(),
        Some(format!("Bearer scope=\"{scope}\"")),
        serde_json::json!({ "detail": detail }).to_string(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tokens_of_a_real_provider_through_discovery_jwks_and_a_key_rotation() {
    let idp = Idp::start();
    let jwks = RemoteJwks::from_issuer(&idp.issuer)
        .unwrap()
        .algorithms([Algorithm::RS256, Algorithm::ES256])
        .min_refetch_interval(Duration::from_millis(100))
        .load()
        .await
        .unwrap();
    assert_eq!(jwks.kids(), ["ec-1", "rsa-1"]);
    assert_eq!(jwks.issuer(), Some(idp.issuer.as_str()));
    let verifier = JwtVerifier::new()
        .remote_jwks(jwks.clone())
        .audience([RESOURCE])
        .scopes_claim(ScopesClaim::Scope);
    let servers = servers(verifier).await;

    let rs = idp.token("rs256", "items:read").await;
    let es = idp.token("es256", "items:read items:write").await;
    assert_eq!(header_of(&rs)["alg"], "RS256");
    assert_eq!(header_of(&rs)["typ"], "at+jwt");
    assert_eq!(header_of(&es)["alg"], "ES256");
    let mut tampered = rs.clone();
    tampered.insert_str(rs.find('.').unwrap() + 1, "eyJ");
    let invalid = |scope| {
        refused(
            StatusCode::UNAUTHORIZED,
            "Could not validate credentials",
            scope,
        )
    };
    let forbidden = |scope| refused(StatusCode::FORBIDDEN, "Not enough permissions", scope);

    for server in &servers {
        assert_eq!(
            call(server, "/items", &rs).await,
            granted("rs256", &["items:read"], "rsa-1")
        );
        assert_eq!(
            call(server, "/items/write", &es).await,
            granted("es256", &["items:read", "items:write"], "ec-1")
        );
        assert_eq!(
            call(server, "/items/write", &rs).await,
            forbidden("items:write")
        );
        assert_eq!(
            call(server, "/items", &tampered).await,
            invalid("items:read")
        );
    }

    // The provider replaces its keys: new tokens name kids the cached set does not have.
    tokio::time::sleep(Duration::from_millis(150)).await;
    assert_eq!(
        idp.rotate().await["kids"],
        serde_json::json!(["rsa-2", "ec-2"])
    );
    let rs2 = idp.token("rs256", "items:read").await;
    let es2 = idp.token("es256", "items:read").await;
    assert_eq!(header_of(&rs2)["kid"], "rsa-2");
    for server in &servers {
        assert_eq!(
            call(server, "/items", &rs2).await,
            granted("rs256", &["items:read"], "rsa-2")
        );
        assert_eq!(
            call(server, "/items", &es2).await,
            granted("es256", &["items:read"], "ec-2")
        );
        // Signed by keys that left the set.
        assert_eq!(call(server, "/items", &rs).await, invalid("items:read"));
        assert_eq!(
            call(server, "/items/write", &es).await,
            invalid("items:write")
        );
    }
    assert_eq!(jwks.kids(), ["ec-2", "rsa-2"]);

    // The provider goes away: fetching fails, the last good keys stay in use.
    drop(idp);
    assert_eq!(
        jwks.refresh().await.unwrap_err().kind(),
        FetchErrorKind::Connect
    );
    assert_eq!(jwks.kids(), ["ec-2", "rsa-2"]);
    for server in &servers {
        assert_eq!(
            call(server, "/items", &rs2).await,
            granted("rs256", &["items:read"], "rsa-2")
        );
        assert_eq!(call(server, "/items", &rs).await, invalid("items:read"));
    }
}
