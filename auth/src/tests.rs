//! The layer alone, with `oneshot` and a `service_fn`.
#![allow(clippy::unwrap_used)]

use std::convert::Infallible;
use std::sync::{Arc, Mutex};

use http::request::Parts;
use http::{header, Request, Response, StatusCode};
use http_body_util::BodyExt;
use tower::{service_fn, Layer, Service, ServiceExt};
use towerapi_encode::Body;

use crate::*;

fn handler(
) -> impl Service<Request<()>, Response = Response<Body>, Error = Infallible, Future = impl Send> + Clone
{
    service_fn(|req: Request<()>| async move {
        let basic = req
            .extensions()
            .get::<HttpBasicCredentials>()
            .map(|c| c.username.clone());
        let principal = req
            .extensions()
            .get::<Principal<String>>()
            .map(|p| p.0.clone());
        Ok::<_, Infallible>(Response::new(Body::full(format!(
            "{basic:?} {principal:?}"
        ))))
    })
}

fn basic_req(value: &str) -> Request<()> {
    Request::builder()
        .header(header::AUTHORIZATION, value)
        .body(())
        .unwrap()
}

/// The status, the headers (sorted) and the body.
pub(crate) async fn read<B>(res: Response<B>) -> (StatusCode, Vec<(String, String)>, String)
where
    B: http_body::Body,
    B::Error: std::fmt::Debug,
{
    let (parts, body) = res.into_parts();
    let mut h: Vec<_> = parts
        .headers
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_str().unwrap().to_owned()))
        .collect();
    h.sort();
    (
        parts.status,
        h,
        String::from_utf8(body.collect().await.unwrap().to_bytes().to_vec()).unwrap(),
    )
}

fn json_headers(len: usize, challenges: &[&str]) -> Vec<(String, String)> {
    let mut h = vec![
        ("content-length".to_owned(), len.to_string()),
        ("content-type".to_owned(), "application/json".to_owned()),
    ];
    h.extend(
        challenges
            .iter()
            .map(|c| ("www-authenticate".to_owned(), (*c).to_owned())),
    );
    h.sort();
    h
}

async fn users(creds: HttpBasicCredentials, parts: &Parts) -> Result<String, AuthError> {
    users_sync(&creds, parts)
}

#[tokio::test]
async fn verify_hook_gives_a_principal_or_the_error() {
    let layer = AuthLayer::new(HttpBasic::new()).verify(users);
    let mut svc = layer.layer(handler());
    // alice:secret
    let res = svc
        .ready()
        .await
        .unwrap()
        .call(basic_req("Basic YWxpY2U6c2VjcmV0"))
        .await
        .unwrap();
    assert_eq!(
        read(res).await,
        (
            StatusCode::OK,
            vec![],
            "Some(\"alice\") Some(\"alice\")".to_owned()
        )
    );
    // bob:secret -> 400 Inactive user, no challenge
    let res = svc
        .ready()
        .await
        .unwrap()
        .call(basic_req("Basic Ym9iOnNlY3JldA=="))
        .await
        .unwrap();
    let body = r#"{"detail":"Inactive user"}"#;
    assert_eq!(
        read(res).await,
        (
            StatusCode::BAD_REQUEST,
            json_headers(body.len(), &[]),
            body.to_owned()
        )
    );
    // eve:secret -> 403
    let res = svc
        .ready()
        .await
        .unwrap()
        .call(basic_req("Basic ZXZlOnNlY3JldA=="))
        .await
        .unwrap();
    let body = r#"{"detail":"Not enough permissions"}"#;
    assert_eq!(
        read(res).await,
        (
            StatusCode::FORBIDDEN,
            json_headers(body.len(), &["Basic"]),
            body.to_owned()
        )
    );
    // alice:wrong -> 401 with the verifier's detail
    let res = svc
        .ready()
        .await
        .unwrap()
        .call(basic_req("Basic YWxpY2U6d3Jvbmc="))
        .await
        .unwrap();
    let body = r#"{"detail":"Incorrect username or password"}"#;
    assert_eq!(
        read(res).await,
        (
            StatusCode::UNAUTHORIZED,
            json_headers(body.len(), &["Basic"]),
            body.to_owned()
        )
    );
    // missing: the scheme answers before the verifier
    let res = svc
        .ready()
        .await
        .unwrap()
        .call(Request::new(()))
        .await
        .unwrap();
    let body = r#"{"detail":"Not authenticated"}"#;
    assert_eq!(
        read(res).await,
        (
            StatusCode::UNAUTHORIZED,
            json_headers(30, &["Basic"]),
            body.to_owned()
        )
    );
}

fn users_sync(creds: &HttpBasicCredentials, _parts: &Parts) -> Result<String, AuthError> {
    match (
        creds.username.as_str(),
        constant_time_eq(&creds.password, "secret"),
    ) {
        ("alice", true) => Ok("alice".to_owned()),
        ("bob", true) => Err(AuthError::inactive_user()),
        ("eve", true) => {
            Err(AuthError::forbidden("Not enough permissions").with_challenge("Basic"))
        }
        _ => Err(AuthError::unauthorized("Incorrect username or password").with_challenge("Basic")),
    }
}

#[tokio::test]
async fn a_sync_verifier_answers_as_the_async_one() {
    let sync = AuthLayer::new(HttpBasic::new())
        .verify_sync(users_sync)
        .layer(handler());
    let not_sync = AuthLayer::new(HttpBasic::new())
        .verify(users)
        .layer(handler());
    let cases = [
        (
            Some("Basic YWxpY2U6c2VjcmV0"),
            StatusCode::OK,
            r#"Some("alice") Some("alice")"#,
        ),
        (
            Some("Basic Ym9iOnNlY3JldA=="),
            StatusCode::BAD_REQUEST,
            r#"{"detail":"Inactive user"}"#,
        ),
        (
            Some("Basic ZXZlOnNlY3JldA=="),
            StatusCode::FORBIDDEN,
            r#"{"detail":"Not enough permissions"}"#,
        ),
        (
            Some("Basic YWxpY2U6d3Jvbmc="),
            StatusCode::UNAUTHORIZED,
            r#"{"detail":"Incorrect username or password"}"#,
        ),
        (
            Some("Basic YWxpY2U="),
            StatusCode::UNAUTHORIZED,
            r#"{"detail":"Not authenticated"}"#,
        ),
        (
            None,
            StatusCode::UNAUTHORIZED,
            r#"{"detail":"Not authenticated"}"#,
        ),
    ];
    for (value, status, body) in cases {
        let req = || match value {
            Some(v) => basic_req(v),
            None => Request::new(()),
        };
        let answer = read(sync.clone().oneshot(req()).await.unwrap()).await;
        assert_eq!((answer.0, answer.2.as_str()), (status, body), "{value:?}");
        // Byte for byte what the async verifier answers, headers included.
        assert_eq!(
            answer,
            read(not_sync.clone().oneshot(req()).await.unwrap()).await
        );
    }
    // It reports no scopes: a route that requires some fails closed.
    let scoped = ScopesLayer::new(["items:read"]).layer(
        AuthLayer::new(HttpBasic::new())
            .verify_sync(users_sync)
            .layer(handler()),
    );
    let (status, _, body) = read(
        scoped
            .oneshot(basic_req("Basic YWxpY2U6c2VjcmV0"))
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, body.as_str()),
        (StatusCode::INTERNAL_SERVER_ERROR, "Internal Server Error")
    );
    // Through the async path (a second step after it): the same principal.
    let then = AuthLayer::new(HttpBasic::new())
        .verify_sync(users_sync)
        .and_then(|user: String, _parts: &Parts| async move { Ok(format!("{user}!")) })
        .layer(handler());
    let (status, _, body) = read(
        then.oneshot(basic_req("Basic YWxpY2U6c2VjcmV0"))
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, body.as_str()),
        (StatusCode::OK, r#"Some("alice") Some("alice!")"#)
    );
}

#[tokio::test]
async fn optional_scheme_skips_the_verifier_when_missing() {
    let calls = Arc::new(Mutex::new(0));
    let c = calls.clone();
    let layer = AuthLayer::new(HttpBasic::new().auto_error(false)).verify(
        move |_: HttpBasicCredentials, _: &Parts| {
            *c.lock().unwrap() += 1;
            async { Ok::<_, AuthError>("x".to_owned()) }
        },
    );
    let res = layer
        .layer(handler())
        .oneshot(Request::new(()))
        .await
        .unwrap();
    assert_eq!(
        read(res).await,
        (StatusCode::OK, vec![], "None None".to_owned())
    );
    assert_eq!(*calls.lock().unwrap(), 0);
}

#[tokio::test]
async fn on_reject_reshapes_the_body_and_keeps_status_and_challenge() {
    let layer = AuthLayer::new(HttpBearer::new()).on_reject(|err: &AuthError| {
        let mut res = Response::new(Body::full(format!(
            r#"{{"title":"{}","status":{}}}"#,
            err.detail(),
            err.status().as_u16()
        )));
        res.headers_mut().insert(
            header::CONTENT_TYPE,
            "application/problem+json".parse().unwrap(),
        );
        res
    });
    let res = layer
        .layer(handler())
        .oneshot(Request::new(()))
        .await
        .unwrap();
    assert_eq!(
        res.extensions().get::<AuthError>().map(AuthError::kind),
        Some(AuthErrorKind::NotAuthenticated)
    );
    let (status, headers, body) = read(res).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        headers,
        vec![
            (
                "content-type".to_owned(),
                "application/problem+json".to_owned()
            ),
            ("www-authenticate".to_owned(), "Bearer".to_owned())
        ]
    );
    assert_eq!(body, r#"{"title":"Not authenticated","status":401}"#);

    // A hook that redirects on purpose keeps its own status and sends no challenge of ours.
    let layer = AuthLayer::new(HttpBasic::new()).on_reject(|_: &AuthError| {
        let mut res = Response::new(Body::empty());
        *res.status_mut() = StatusCode::SEE_OTHER;
        res.headers_mut()
            .insert(header::LOCATION, "/login".parse().unwrap());
        res.headers_mut()
            .insert(header::WWW_AUTHENTICATE, "Form".parse().unwrap());
        res
    });
    let res = layer
        .layer(handler())
        .oneshot(Request::new(()))
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        res.headers()
            .get_all(header::WWW_AUTHENTICATE)
            .iter()
            .collect::<Vec<_>>(),
        ["Form"]
    );
}

/// The response of a bearer route without credentials whose rejection hook is `hook`.
async fn refused_with<F>(hook: F) -> Response<towerapi_encode::LayerBody<Body>>
where
    F: Fn(&AuthError) -> Response<Body> + Send + Sync + 'static,
{
    AuthLayer::new(HttpBearer::new())
        .on_reject(hook)
        .layer(handler())
        .oneshot(Request::new(()))
        .await
        .unwrap()
}

#[tokio::test]
async fn on_reject_may_return_a_reply_that_keeps_the_error_status() {
    use towerapi_encode::{Payload, Reply};
    let explicit = |res: &Response<towerapi_encode::LayerBody<Body>>| {
        res.extensions().get::<Payload>().and_then(Payload::status)
    };
    // The hook's `Reply` is rendered by a SerializeLayer outside the auth layer: the payload
    // carries the error's status, and the challenge is on the response.
    let res = refused_with(|err: &AuthError| {
        Reply::new(serde_json::json!({"title": err.detail()})).into_http_response()
    })
    .await;
    assert_eq!(explicit(&res), Some(StatusCode::UNAUTHORIZED));
    assert_eq!(res.headers()[header::WWW_AUTHENTICATE], "Bearer");
    // A reply that chose its status keeps it.
    let res = refused_with(|_: &AuthError| {
        Reply::new("go away")
            .status(StatusCode::FORBIDDEN)
            .into_http_response()
    })
    .await;
    assert_eq!(explicit(&res), Some(StatusCode::FORBIDDEN));
    // A status set on the reply's response after it was built (axum's `(StatusCode, Reply)`)
    // is the hook's choice too.
    let res = refused_with(|_: &AuthError| {
        let mut res = Reply::new("slow down").into_http_response();
        *res.status_mut() = StatusCode::TOO_MANY_REQUESTS;
        res
    })
    .await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(explicit(&res), None);
    // A payload put into a response by hand, with no status of its own: its response's 200 is
    // not a choice, so the refusal keeps the error's status (fail closed, never a 200).
    let res = refused_with(|_: &AuthError| {
        let mut res = Response::new(Body::empty());
        res.extensions_mut().insert(Payload::new("by hand"));
        res
    })
    .await;
    assert_eq!(explicit(&res), Some(StatusCode::UNAUTHORIZED));
    assert_eq!(res.headers()[header::WWW_AUTHENTICATE], "Bearer");
}

/// What was logged on this thread (every level, no colours) while the guard of
/// [`capture_logs`] lives.
#[derive(Clone, Default)]
pub(crate) struct Logs(Arc<Mutex<Vec<u8>>>);

impl Logs {
    pub(crate) fn text(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    }

    pub(crate) fn clear(&self) {
        self.0.lock().unwrap().clear();
    }
}

impl std::io::Write for Logs {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Captures this thread's tracing events until the guard drops.
pub(crate) fn capture_logs() -> (Logs, tracing::subscriber::DefaultGuard) {
    let logs = Logs::default();
    let w = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || w.clone())
        .with_ansi(false)
        .with_max_level(tracing::Level::TRACE)
        .finish();
    (logs, tracing::subscriber::set_default(subscriber))
}

#[tokio::test(flavor = "current_thread")]
async fn every_rejection_logs_one_event_without_the_credential() {
    let (logs, _guard) = capture_logs();
    let layer = AuthLayer::new(HttpBasic::new()).verify(users);
    let svc = layer.layer(handler());
    for value in [
        "Basic YWxpY2U6d3Jvbmc=",
        "Basic bm9jb2xvbg==",
        "Bearer s3cr3t-token",
    ] {
        let _ = svc.clone().oneshot(basic_req(value)).await.unwrap();
    }
    let text = logs.text();
    assert_eq!(text.matches("towerapi::rejection").count(), 3, "{text}");
    assert!(text.contains("status=401"), "{text}");
    for secret in [
        "wrong",
        "YWxpY2U6d3Jvbmc",
        "bm9jb2xvbg",
        "s3cr3t-token",
        "nocolon",
    ] {
        assert!(
            !text.contains(secret),
            "a credential leaked into the log: {text}"
        );
    }
}

#[tokio::test]
async fn any_of_stores_the_winner_as_its_own_type() {
    let layer = AuthLayer::new(AnyOf::new(HttpBasic::new(), ApiKeyHeader::new("x-api-key")));
    let svc = layer.layer(service_fn(|req: Request<()>| async move {
        let basic = req
            .extensions()
            .get::<HttpBasicCredentials>()
            .map(|c| c.username.clone());
        let key = req.extensions().get::<ApiKey>().map(|k| k.0.clone());
        Ok::<_, Infallible>(Response::new(Body::full(format!("{basic:?} {key:?}"))))
    }));
    let res = svc
        .clone()
        .oneshot(basic_req("Basic YWxpY2U6c2VjcmV0"))
        .await
        .unwrap();
    assert_eq!(read(res).await.2, "Some(\"alice\") None");
    let req = Request::builder()
        .header("x-api-key", "k1")
        .body(())
        .unwrap();
    assert_eq!(
        read(svc.clone().oneshot(req).await.unwrap()).await.2,
        "None Some(\"k1\")"
    );
    // A malformed Basic value loses to a valid key, and is answered when nothing else is found.
    let req = Request::builder()
        .header(header::AUTHORIZATION, "Basic bm9jb2xvbg==")
        .header("x-api-key", "k1")
        .body(())
        .unwrap();
    assert_eq!(
        read(svc.clone().oneshot(req).await.unwrap()).await.2,
        "None Some(\"k1\")"
    );
    let res = svc
        .clone()
        .oneshot(basic_req("Basic bm9jb2xvbg=="))
        .await
        .unwrap();
    assert_eq!(read(res).await.0, StatusCode::UNAUTHORIZED);
    let res = svc.oneshot(Request::new(())).await.unwrap();
    let (status, headers, body) = read(res).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(headers, json_headers(30, &["APIKey", "Basic"]));
    assert_eq!(body, r#"{"detail":"Not authenticated"}"#);
}

#[tokio::test]
async fn scopes_accumulate_outer_first() {
    let svc = tower::ServiceBuilder::new()
        .layer(ScopesLayer::new(["route"]))
        .layer(ScopesLayer::new(["inner:a", "inner:b"]))
        .service(service_fn(|req: Request<()>| async move {
            let s = req.extensions().get::<SecurityScopes>().cloned().unwrap();
            Ok::<_, Infallible>(Response::new(Body::full(s.scope_str())))
        }));
    assert_eq!(
        read(svc.oneshot(Request::new(())).await.unwrap()).await.2,
        "route inner:a inner:b"
    );
}

#[test]
fn debug_never_shows_secrets() {
    let all = format!(
        "{:?} {:?} {:?} {:?} {:?}",
        HttpBasicCredentials {
            username: "alice".into(),
            password: "hunter2".into()
        },
        HttpAuthorizationCredentials {
            scheme: "Bearer".into(),
            credentials: "tok-123".into()
        },
        ApiKey("key-456".into()),
        BearerToken("tok-789".into()),
        AuthorizationValue("Token zzz".into()),
    );
    for secret in ["hunter2", "tok-123", "key-456", "tok-789", "zzz"] {
        assert!(!all.contains(secret), "{all}");
    }
    assert!(all.contains("alice"));
}

#[test]
fn invalid_configuration_is_an_error_or_for_a_literal_a_clear_panic() {
    // `ApiKeyHeader::new` takes a name written in the code and panics on a bad one, as axum's
    // `route` does on a bad path; `try_new` is the run-time form.
    let panic = std::panic::catch_unwind(|| ApiKeyHeader::new("bad header")).unwrap_err();
    assert_eq!(
        panic.downcast_ref::<String>().map(String::as_str),
        Some(r#"ApiKeyHeader::new: "bad header" is not a valid HTTP header name"#)
    );
    assert!(HttpBasic::new().realm("a\"b").is_err());
    assert!(HttpBasic::new().realm("line\nbreak").is_err());
    assert!(HttpBase::new("bad\nscheme").is_err());
    assert_eq!(
        ApiKeyHeader::try_new("bad header").unwrap_err().to_string(),
        "invalid HTTP header name"
    );
    assert_eq!(
        ApiKeyHeader::try_new("X-Api-Key").unwrap().name(),
        "x-api-key"
    );
    let err = AuthError::unauthorized("x").with_challenge("bad\nvalue");
    assert!(err.challenges().is_empty());
}

/// An HS256 token of `claims` with `exp`, signed with the tests' `oracle-secret`.
#[cfg(any(feature = "jwt-aws-lc-rs", feature = "jwt-rust-crypto"))]
fn oracle_token(claims: &serde_json::Value, exp: u64) -> String {
    crate::jwt::JwtIssuer::hs256(b"oracle-secret")
        .issue_at(claims, exp)
        .unwrap()
}

#[cfg(any(feature = "jwt-aws-lc-rs", feature = "jwt-rust-crypto"))]
#[tokio::test]
async fn jwt_verifier_behind_a_password_bearer() {
    use crate::jwt::{Claims, JwtVerifier};

    let verifier = JwtVerifier::<serde_json::Value>::hs256(b"oracle-secret");
    let svc = tower::ServiceBuilder::new()
        .layer(ScopesLayer::new(["items:read"]))
        .layer(AuthLayer::new(OAuth2PasswordBearer::new("token")).verify_with(verifier))
        .service(service_fn(|req: Request<()>| async move {
            let c = req
                .extensions()
                .get::<Principal<Claims>>()
                .cloned()
                .unwrap()
                .0;
            Ok::<_, Infallible>(Response::new(Body::full(format!(
                "{:?} {:?}",
                c.sub, c.scopes
            ))))
        }));
    let token = oracle_token(
        &serde_json::json!({"sub": "alice", "scopes": ["items:read"]}),
        4_102_444_800,
    );
    let res = svc
        .clone()
        .oneshot(basic_req(&format!("Bearer {token}")))
        .await
        .unwrap();
    assert_eq!(
        read(res).await,
        (
            StatusCode::OK,
            vec![],
            "Some(\"alice\") [\"items:read\"]".to_owned()
        )
    );
    // FastAPI's /me rows: `Bearer` alone, an expired token, garbage: 401 with the route's scope.
    let expired = oracle_token(&serde_json::json!({"sub": "alice"}), 946_684_800);
    for value in [
        "Bearer".to_owned(),
        format!("Bearer {expired}"),
        "Bearer not-a-jwt".to_owned(),
        "Bearer aaa.bbb.ccc".to_owned(),
    ] {
        let res = svc.clone().oneshot(basic_req(&value)).await.unwrap();
        let body = r#"{"detail":"Could not validate credentials"}"#;
        assert_eq!(
            read(res).await,
            (
                StatusCode::UNAUTHORIZED,
                json_headers(body.len(), &["Bearer scope=\"items:read\""]),
                body.to_owned()
            ),
            "{value}"
        );
    }
    // No header: the scheme's answer, without scope.
    let res = svc.oneshot(Request::new(())).await.unwrap();
    assert_eq!(
        read(res).await,
        (
            StatusCode::UNAUTHORIZED,
            json_headers(30, &["Bearer"]),
            r#"{"detail":"Not authenticated"}"#.to_owned()
        )
    );
}

#[cfg(any(feature = "jwt-aws-lc-rs", feature = "jwt-rust-crypto"))]
#[tokio::test]
async fn granted_and_required_scopes_are_shared_not_copied() {
    use crate::jwt::{Claims, JwtVerifier};

    let required = ScopesLayer::new(["items:read"]);
    let layer_list = required.scopes().as_ptr();
    let svc = tower::ServiceBuilder::new()
        .layer(required)
        .layer(
            AuthLayer::new(OAuth2PasswordBearer::new("token")).verify_with(JwtVerifier::<
                serde_json::Value,
            >::hs256(
                b"oracle-secret"
            )),
        )
        .service(service_fn(move |req: Request<()>| async move {
            let claims = &req.extensions().get::<Principal<Claims>>().unwrap().0;
            let granted = req.extensions().get::<GrantedScopes>().unwrap();
            let security = req.extensions().get::<SecurityScopes>().unwrap();
            let answer = format!(
                "granted {:?} same list as the claims: {}; required {:?} the layer's own list: {}",
                granted.0,
                Arc::ptr_eq(&granted.0, &claims.scopes),
                security.scopes(),
                std::ptr::eq(security.scopes().as_ptr(), layer_list),
            );
            Ok::<_, Infallible>(Response::new(Body::full(answer)))
        }));
    let token = oracle_token(
        &serde_json::json!({"sub": "alice", "scopes": ["items:read", "me"]}),
        4_102_444_800,
    );
    let res = svc
        .oneshot(basic_req(&format!("Bearer {token}")))
        .await
        .unwrap();
    assert_eq!(
        read(res).await,
        (
            StatusCode::OK,
            vec![],
            "granted [\"items:read\", \"me\"] same list as the claims: true; required \
             [\"items:read\"] the layer's own list: true"
                .to_owned()
        )
    );

    // Extending makes a list of its own; the one it was shared with is unchanged.
    let shared: SecurityScopes = ["route"].into_iter().collect();
    let mut own = shared.clone();
    own.extend(["inner"]);
    assert_eq!(shared.scopes(), ["route"]);
    assert_eq!(own.scopes(), ["route", "inner"]);
}

#[cfg(any(feature = "jwt-aws-lc-rs", feature = "jwt-rust-crypto"))]
#[tokio::test]
async fn scope_checks_in_both_stack_orders() {
    use crate::jwt::{JwtIssuer, JwtVerifier};

    let issuer = JwtIssuer::hs256(b"oracle-secret");
    let token = |scopes: &[&str]| {
        format!(
            "Bearer {}",
            issuer
                .issue_at(
                    &serde_json::json!({"sub": "alice", "scopes": scopes}),
                    4_102_444_800
                )
                .unwrap()
        )
    };
    let ok = || {
        service_fn(|_req: Request<()>| async {
            Ok::<_, Infallible>(Response::new(Body::full("ok")))
        })
    };
    let auth = || {
        AuthLayer::new(OAuth2PasswordBearer::new("token")).verify_with(JwtVerifier::<
            serde_json::Value,
        >::hs256(
            b"oracle-secret"
        ))
    };
    let forbidden = |scope: &str| {
        let body = r#"{"detail":"Not enough permissions"}"#;
        (
            StatusCode::FORBIDDEN,
            json_headers(body.len(), &[&format!("Bearer scope=\"{scope}\"")]),
            body.to_owned(),
        )
    };

    // FastAPI's /me/items: the route's scope, then the dependency's, both known to the verifier.
    let outer = tower::ServiceBuilder::new()
        .layer(ScopesLayer::new(["items:write"]))
        .layer(ScopesLayer::new(["items:read"]))
        .layer(auth())
        .service(ok());
    let res = outer
        .clone()
        .oneshot(basic_req(&token(&["items:read"])))
        .await
        .unwrap();
    assert_eq!(read(res).await, forbidden("items:write items:read"));
    let res = outer
        .clone()
        .oneshot(basic_req(&token(&["items:read", "items:write"])))
        .await
        .unwrap();
    assert_eq!(read(res).await.2, "ok");
    let res = outer
        .oneshot(basic_req("Bearer expired.or.garbage"))
        .await
        .unwrap();
    let body = r#"{"detail":"Could not validate credentials"}"#;
    assert_eq!(
        read(res).await,
        (
            StatusCode::UNAUTHORIZED,
            json_headers(body.len(), &["Bearer scope=\"items:write items:read\""]),
            body.to_owned()
        )
    );

    // A verifier on the whole router, scopes on the route (inside it): the route's layer checks.
    let inner = tower::ServiceBuilder::new()
        .layer(auth())
        .layer(ScopesLayer::new(["items:read"]))
        .service(ok());
    let res = inner.clone().oneshot(basic_req(&token(&[]))).await.unwrap();
    assert_eq!(read(res).await, forbidden("items:read"));
    let res = inner
        .clone()
        .oneshot(basic_req(&token(&["items:read"])))
        .await
        .unwrap();
    assert_eq!(read(res).await.2, "ok");
    // No verifier, no granted scopes: a ScopesLayer only records.
    let plain = ScopesLayer::new(["x"]).layer(ok());
    assert_eq!(
        read(plain.oneshot(Request::new(())).await.unwrap()).await.2,
        "ok"
    );
}

/// `JwtIssuer` against PyJWT 2.15.1: every expected token below is `jwt.encode(...)`'s output
/// (the Python call is in each comment), secret `oracle-secret`.
#[cfg(any(feature = "jwt-aws-lc-rs", feature = "jwt-rust-crypto"))]
mod jwt_issuer_pyjwt_bytes {
    use base64::Engine as _;
    use serde::Serialize;

    use crate::jwt::{Algorithm, DecodingKey, EncodingKey, JwtErrorKind, JwtIssuer, JwtVerifier};

    const SECRET: &[u8] = b"oracle-secret";
    const EXP: u64 = 4_102_444_800;

    #[derive(Serialize)]
    struct Login<'a> {
        sub: &'a str,
        scopes: &'a [&'a str],
    }

    /// The decoded header and payload of a token.
    fn parts(token: &str) -> (String, String) {
        let mut it = token.split('.').map(|part| {
            let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(part)
                .unwrap();
            String::from_utf8(bytes).unwrap()
        });
        (it.next().unwrap(), it.next().unwrap())
    }

    #[test]
    fn fastapi_token_answer_byte_for_byte() {
        // FastAPI's /token answer for alice (docs/behaviour/security.md, "JWT"): jwt.encode({"sub": "alice", "scopes": [], "exp": 4102444800}, ...)
        const ALICE: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJhbGljZSIsInNjb3BlcyI6W10sImV4cCI6NDEwMjQ0NDgwMH0.1efPiBA7HATqMg7vZ-HfE9L8A2fBHbYVtp4q9-SPqck";
        let issuer = JwtIssuer::hs256(SECRET);
        let token = issuer
            .issue_at(
                &Login {
                    sub: "alice",
                    scopes: &[],
                },
                EXP,
            )
            .unwrap();
        assert_eq!(token, ALICE);
        assert_eq!(
            parts(&token),
            (
                r#"{"alg":"HS256","typ":"JWT"}"#.to_owned(),
                r#"{"sub":"alice","scopes":[],"exp":4102444800}"#.to_owned()
            )
        );

        // app.py's dict itself, exp included: the same token.
        #[derive(Serialize)]
        struct WithExp<'a> {
            sub: &'a str,
            scopes: Vec<String>,
            exp: u64,
        }
        let dict = WithExp {
            sub: "alice",
            scopes: vec![],
            exp: EXP,
        };
        assert_eq!(issuer.issue_at(&dict, EXP).unwrap(), ALICE);

        // ... plus scope=items:read: jwt.encode({"sub": "alice", "scopes": ["items:read"], "exp": 4102444800}, ...)
        let token = issuer
            .issue_at(
                &Login {
                    sub: "alice",
                    scopes: &["items:read"],
                },
                EXP,
            )
            .unwrap();
        assert_eq!(token, "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJhbGljZSIsInNjb3BlcyI6WyJpdGVtczpyZWFkIl0sImV4cCI6NDEwMjQ0NDgwMH0.Be1CyhOtj2CSTCsfLDlu-EARPF9jG0GDD6_VKScUlUM");
        let claims = JwtVerifier::<serde_json::Value>::hs256(SECRET)
            .verify(&token)
            .unwrap();
        assert_eq!(claims.sub.as_deref(), Some("alice"));
        assert_eq!(*claims.scopes, ["items:read"]);
        assert_eq!(claims.exp, Some(EXP));
    }

    #[test]
    fn kid_goes_between_alg_and_typ_as_pyjwt_sorts_the_header() {
        // jwt.encode({"sub": "alice", "scopes": [], "exp": 4102444800}, ..., headers={"kid": "k1"})
        let token = JwtIssuer::hs256(SECRET)
            .kid("k1")
            .issue_at(
                &Login {
                    sub: "alice",
                    scopes: &[],
                },
                EXP,
            )
            .unwrap();
        assert_eq!(token, "eyJhbGciOiJIUzI1NiIsImtpZCI6ImsxIiwidHlwIjoiSldUIn0.eyJzdWIiOiJhbGljZSIsInNjb3BlcyI6W10sImV4cCI6NDEwMjQ0NDgwMH0.CV-h0UnRthPSlko1NGINruQAhDbnv-XNtj0IpvdL3qk");
        assert_eq!(parts(&token).0, r#"{"alg":"HS256","kid":"k1","typ":"JWT"}"#);
        // The kid selects the key on the way back.
        let v = JwtVerifier::<serde_json::Value>::new().key_with_kid(
            "k1",
            DecodingKey::from_secret(SECRET),
            [Algorithm::HS256],
        );
        assert_eq!(v.verify(&token).unwrap().sub.as_deref(), Some("alice"));
        let other = JwtVerifier::<serde_json::Value>::new().key_with_kid(
            "k2",
            DecodingKey::from_secret(SECRET),
            [Algorithm::HS256],
        );
        assert_eq!(
            other.verify(&token).unwrap_err().kind(),
            JwtErrorKind::UnknownKey
        );
    }

    #[test]
    fn python_json_escapes_non_ascii_and_writes_floats_as_repr() {
        #[derive(Serialize)]
        struct Inner {
            exp: u8,
        }
        #[derive(Serialize)]
        struct Nested {
            z: u8,
            a: Inner,
        }
        #[derive(Serialize)]
        struct Mixed {
            sub: &'static str,
            score: f64,
            ratio: f64,
            one: f64,
            small: f64,
            nested: Nested,
        }
        // jwt.encode({"sub": "jos\u00e9 \U0001F600\x7f\n\x1f\"\\/", "score": 1e20, "ratio": 0.5,
        //     "one": 1.0, "small": 1e-7, "nested": {"z": 1, "a": {"exp": 1}}, "exp": 4102444800},
        //     ..., algorithm="HS384", headers={"kid": "cl\u00e9"})
        let claims = Mixed {
            sub: "jos\u{e9} \u{1F600}\u{7f}\n\u{1f}\"\\/",
            score: 1e20,
            ratio: 0.5,
            one: 1.0,
            small: 1e-7,
            nested: Nested {
                z: 1,
                a: Inner { exp: 1 },
            },
        };
        let token = JwtIssuer::new(EncodingKey::from_secret(SECRET), Algorithm::HS384)
            .kid("cl\u{e9}")
            .issue_at(&claims, EXP)
            .unwrap();
        assert_eq!(token, "eyJhbGciOiJIUzM4NCIsImtpZCI6ImNsXHUwMGU5IiwidHlwIjoiSldUIn0.eyJzdWIiOiJqb3NcdTAwZTkgXHVkODNkXHVkZTAwXHUwMDdmXG5cdTAwMWZcIlxcLyIsInNjb3JlIjoxZSsyMCwicmF0aW8iOjAuNSwib25lIjoxLjAsInNtYWxsIjoxZS0wNywibmVzdGVkIjp7InoiOjEsImEiOnsiZXhwIjoxfX0sImV4cCI6NDEwMjQ0NDgwMH0.SPqIHWRLSMMFmEOQ8sc0q74ETb2rCcqp1WrD7_6raOdOibYUCiXFxRgcTzJoGHXH");
        assert_eq!(
            parts(&token),
            (
                r#"{"alg":"HS384","kid":"cl\u00e9","typ":"JWT"}"#.to_owned(),
                r#"{"sub":"jos\u00e9 \ud83d\ude00\u007f\n\u001f\"\\/","score":1e+20,"ratio":0.5,"one":1.0,"small":1e-07,"nested":{"z":1,"a":{"exp":1}},"exp":4102444800}"#.to_owned()
            )
        );
        // Escaped or not, the verifier reads the same claims back.
        let v = JwtVerifier::<serde_json::Value>::new().key_with_kid(
            "cl\u{e9}",
            DecodingKey::from_secret(SECRET),
            [Algorithm::HS384],
        );
        let back = v.verify(&token).unwrap();
        assert_eq!(back.sub.as_deref(), Some(claims.sub));
        assert_eq!(back.custom["score"], 1e20);

        // Floats stay JSON: NaN and infinities are null, as serde_json writes them.
        let token = JwtIssuer::hs256(SECRET)
            .issue_at(
                &serde_json::json!({"a": f64::NAN, "b": f64::INFINITY, "c": -0.0}),
                EXP,
            )
            .unwrap();
        assert_eq!(
            parts(&token).1,
            r#"{"a":null,"b":null,"c":-0.0,"exp":4102444800}"#
        );
    }

    #[test]
    fn an_exp_of_the_callers_keeps_its_place_and_takes_the_issuers_value() {
        #[derive(Serialize)]
        struct ExpFirst<'a> {
            exp: u64,
            sub: &'a str,
        }
        // jwt.encode({"exp": 4102444800, "sub": "alice"}, ..., algorithm="HS512")
        let token = JwtIssuer::new(EncodingKey::from_secret(SECRET), Algorithm::HS512)
            .issue_at(
                &ExpFirst {
                    exp: 0,
                    sub: "alice",
                },
                EXP,
            )
            .unwrap();
        assert_eq!(token, "eyJhbGciOiJIUzUxMiIsInR5cCI6IkpXVCJ9.eyJleHAiOjQxMDI0NDQ4MDAsInN1YiI6ImFsaWNlIn0.ITDu6TK98uVxoMTj7gFwbjOdEPHACJ6ozoHFNVXhvVRf6_q6VCycloyqHeCJtOmhS2zwwgAnGDkAgzA3t8MYng");

        let payload = |claims: &serde_json::Value| {
            parts(&JwtIssuer::hs256(SECRET).issue_at(claims, 7).unwrap()).1
        };
        // In the middle, whatever its type; only the top level counts, strings never.
        #[derive(Serialize)]
        struct Middle {
            a: u8,
            exp: Option<u64>,
            note: &'static str,
            inner: serde_json::Value,
        }
        let token = JwtIssuer::hs256(SECRET)
            .issue_at(
                &Middle {
                    a: 1,
                    exp: None,
                    note: r#"{"exp":1},"exp":["#,
                    inner: serde_json::json!({"exp": [1, {"exp": 2}]}),
                },
                7,
            )
            .unwrap();
        assert_eq!(
            parts(&token).1,
            r#"{"a":1,"exp":7,"note":"{\"exp\":1},\"exp\":[","inner":{"exp":[1,{"exp":2}]}}"#
        );
        // Last, and the only member.
        assert_eq!(
            payload(&serde_json::json!({"a": [], "exp": {"b": "}"}})),
            r#"{"a":[],"exp":7}"#
        );
        assert_eq!(payload(&serde_json::json!({"exp": "soon"})), r#"{"exp":7}"#);
        // Appended to an empty object; a key that only starts like exp is another key.
        assert_eq!(payload(&serde_json::json!({})), r#"{"exp":7}"#);
        assert_eq!(
            payload(&serde_json::json!({"expires": 1, "ex": 2})),
            r#"{"ex":2,"expires":1,"exp":7}"#
        );
        // A map keeps its own iteration order (serde_json::Value's sorted keys above).
        let map: std::collections::BTreeMap<&str, u8> = [("b", 1), ("a", 2)].into();
        assert_eq!(
            parts(&JwtIssuer::hs256(SECRET).issue_at(&map, 7).unwrap()).1,
            r#"{"a":2,"b":1,"exp":7}"#
        );
    }

    #[test]
    fn non_objects_and_wrong_keys_are_errors() {
        let issuer = JwtIssuer::hs256(SECRET);
        for claims in [
            serde_json::json!("sub"),
            serde_json::json!([{"exp": 1}]),
            serde_json::json!(null),
            serde_json::json!(1),
        ] {
            assert_eq!(
                issuer.issue_at(&claims, EXP).unwrap_err().kind(),
                JwtErrorKind::Claims,
                "{claims}"
            );
        }
        // A map key serde_json cannot write.
        let bad: std::collections::HashMap<Vec<u8>, u8> = [(vec![1], 1)].into();
        assert_eq!(
            issuer.issue_at(&bad, EXP).unwrap_err().kind(),
            JwtErrorKind::Claims
        );
        // An HMAC secret for an RSA algorithm, as jsonwebtoken::encode refuses it.
        let rsa = JwtIssuer::new(EncodingKey::from_secret(SECRET), Algorithm::RS256);
        assert_eq!(
            rsa.issue_at(&serde_json::json!({}), EXP)
                .unwrap_err()
                .kind(),
            JwtErrorKind::Algorithm
        );
    }

    #[test]
    fn issue_sets_exp_from_the_lifetime_at_the_end() {
        let before = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs();
        let token = JwtIssuer::hs256(SECRET)
            .ttl_secs(60)
            .issue(&Login {
                sub: "alice",
                scopes: &[],
            })
            .unwrap();
        let payload = parts(&token).1;
        let exp: u64 = payload
            .strip_prefix(r#"{"sub":"alice","scopes":[],"exp":"#)
            .and_then(|rest| rest.strip_suffix('}'))
            .unwrap()
            .parse()
            .unwrap();
        assert!((before + 60..=before + 61).contains(&exp), "{payload}");
    }
}

/// Issue: a route that requires scopes behind a verifier that cannot tell them let every
/// authenticated user in. It now fails closed, in both stack orders: scopes outside the
/// verifier (FastAPI's) and inside it (axum's router-wide verifier).
#[tokio::test(flavor = "current_thread")]
async fn required_scopes_fail_closed_in_both_stack_orders() {
    let ok = || {
        service_fn(|_req: Request<()>| async {
            Ok::<_, Infallible>(Response::new(Body::full("ok")))
        })
    };
    let closure = || {
        AuthLayer::new(HttpBearer::new()).verify(
            |c: HttpAuthorizationCredentials, _: &Parts| async move {
                Ok::<_, AuthError>(c.credentials)
            },
        )
    };
    let scoped = || {
        AuthLayer::new(HttpBearer::new()).verify_scoped(
            |c: HttpAuthorizationCredentials, _: &Parts| async move {
                let scopes: &[&str] = if c.credentials == "reader" {
                    &["items:read"]
                } else {
                    &[]
                };
                Ok::<_, AuthError>(WithScopes::new(c.credentials, scopes.iter().copied()))
            },
        )
    };
    let internal = (
        StatusCode::INTERNAL_SERVER_ERROR,
        vec![
            ("content-length".to_owned(), "21".to_owned()),
            (
                "content-type".to_owned(),
                "text/plain; charset=utf-8".to_owned(),
            ),
        ],
        "Internal Server Error".to_owned(),
    );
    let forbidden = || {
        let body = r#"{"detail":"Not enough permissions"}"#;
        (
            StatusCode::FORBIDDEN,
            json_headers(body.len(), &["Bearer scope=\"items:read\""]),
            body.to_owned(),
        )
    };
    let (logs, _guard) = capture_logs();

    // `auth` with `ScopesLayer::new(["items:read"])` outside it (FastAPI's order), then inside it
    // (a router-wide verifier), labelled for the assertions.
    macro_rules! both_orders {
        ($auth:expr) => {
            [
                (
                    "scopes outside",
                    tower::ServiceBuilder::new()
                        .layer(ScopesLayer::new(["items:read"]))
                        .layer($auth)
                        .service(ok())
                        .boxed_clone(),
                ),
                (
                    "scopes inside",
                    tower::ServiceBuilder::new()
                        .layer($auth)
                        .layer(ScopesLayer::new(["items:read"]))
                        .service(ok())
                        .boxed_clone(),
                ),
            ]
        };
    }

    // A closure verifier.
    for (order, svc) in both_orders!(closure()) {
        let res = svc.oneshot(basic_req("Bearer anyone")).await.unwrap();
        assert_eq!(read(res).await, internal, "{order}");
    }
    let text = logs.text();
    assert_eq!(text.matches("towerapi::config").count(), 2, "{text}");
    assert!(text.contains("ERROR"), "{text}");
    assert!(
        text.contains("required=items:read") && text.contains("scheme=HTTPBearer"),
        "{text}"
    );
    assert!(
        !text.contains("anyone"),
        "the credential is never logged: {text}"
    );

    // No verifier at all behind a scheme: the same.
    for (order, svc) in both_orders!(AuthLayer::new(HttpBearer::new())) {
        let res = svc.oneshot(basic_req("Bearer t")).await.unwrap();
        assert_eq!(read(res).await, internal, "{order}");
    }

    // A verifier that reports its scopes: checked.
    for (order, svc) in both_orders!(scoped()) {
        let res = svc
            .clone()
            .oneshot(basic_req("Bearer reader"))
            .await
            .unwrap();
        assert_eq!(read(res).await.2, "ok", "{order}");
        let res = svc.oneshot(basic_req("Bearer nobody")).await.unwrap();
        assert_eq!(read(res).await, forbidden(), "{order}");
    }

    // Anonymous through optional auth holds no scopes: refused.
    for (order, svc) in both_orders!(AuthLayer::new(HttpBearer::new().auto_error(false))) {
        let res = svc.oneshot(Request::new(())).await.unwrap();
        assert_eq!(read(res).await, forbidden(), "{order}");
    }

    // The same verifiers on a route without required scopes let the request through.
    let res = closure()
        .layer(ok())
        .oneshot(basic_req("Bearer anyone"))
        .await
        .unwrap();
    assert_eq!(read(res).await.2, "ok");
    let res = AuthLayer::new(HttpBearer::new().auto_error(false))
        .layer(ok())
        .oneshot(Request::new(()))
        .await
        .unwrap();
    assert_eq!(read(res).await.2, "ok");
}

/// Credentials compare in constant time, `==` included, and equal only when every part is.
#[test]
fn credentials_compare_by_every_part() {
    let basic = |u: &str, p: &str| HttpBasicCredentials {
        username: u.into(),
        password: p.into(),
    };
    assert_eq!(basic("alice", "secret"), basic("alice", "secret"));
    assert_ne!(basic("alice", "secret"), basic("alice", "secreT"));
    assert_ne!(basic("alice", "secret"), basic("alicE", "secret"));
    assert_ne!(basic("alice", "secret"), basic("alice", "secret "));
    let http = |s: &str, c: &str| HttpAuthorizationCredentials {
        scheme: s.into(),
        credentials: c.into(),
    };
    assert_eq!(http("Bearer", "t"), http("Bearer", "t"));
    assert_ne!(http("Bearer", "t"), http("bearer", "t"));
    assert_ne!(http("Bearer", "t"), http("Bearer", "u"));
    assert_eq!(ApiKey("k1".into()), ApiKey("k1".into()));
    assert_ne!(ApiKey("k1".into()), ApiKey("k2".into()));
    assert_ne!(BearerToken("".into()), BearerToken("x".into()));
    assert_eq!(
        AuthorizationValue("Bearer x".into()),
        AuthorizationValue("Bearer x".into())
    );
}

/// The inner service sees the credential headers marked sensitive (HTTP/2 never indexes them;
/// tower-http's logging hides them), every value of them, and only them.
#[tokio::test(flavor = "current_thread")]
async fn credential_headers_reach_the_handler_marked_sensitive() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let record = {
        let seen = seen.clone();
        service_fn(move |req: Request<()>| {
            let seen = seen.clone();
            async move {
                let mut s: Vec<(String, bool)> = req
                    .headers()
                    .iter()
                    .map(|(n, v)| (n.to_string(), v.is_sensitive()))
                    .collect();
                s.sort();
                *seen.lock().unwrap() = s;
                Ok::<_, Infallible>(Response::new(Body::full("ok")))
            }
        })
    };
    let req = || {
        Request::builder()
            .header("authorization", "Bearer t")
            .header("cookie", "session=s1")
            .header("cookie", "other=s2")
            .header("x-api-key", "k1")
            .header("accept", "*/*")
            .body(())
            .unwrap()
    };
    let key = ApiKeyHeader::new("X-API-Key");
    let res = AuthLayer::new(key)
        .layer(record.clone())
        .oneshot(req())
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        *seen.lock().unwrap(),
        [
            ("accept".to_owned(), false),
            ("authorization".to_owned(), true),
            ("cookie".to_owned(), true),
            ("cookie".to_owned(), true),
            ("x-api-key".to_owned(), true),
        ]
    );
    // A scheme that does not read x-api-key leaves it alone; AnyOf marks both schemes'.
    let _ = AuthLayer::new(HttpBearer::new())
        .layer(record.clone())
        .oneshot(req())
        .await
        .unwrap();
    assert!(seen
        .lock()
        .unwrap()
        .contains(&("x-api-key".to_owned(), false)));
    let any = AnyOf::new(HttpBearer::new(), ApiKeyHeader::new("x-api-key"));
    let _ = AuthLayer::new(any)
        .layer(record)
        .oneshot(req())
        .await
        .unwrap();
    assert!(seen
        .lock()
        .unwrap()
        .contains(&("x-api-key".to_owned(), true)));
}

/// Rejections log at DEBUG unless the layer says otherwise.
#[tokio::test(flavor = "current_thread")]
async fn rejections_log_at_debug_by_default() {
    let (logs, _guard) = capture_logs();
    let ok = || {
        service_fn(|_req: Request<()>| async {
            Ok::<_, Infallible>(Response::new(Body::full("ok")))
        })
    };
    for (level, shown) in [(None, "DEBUG"), (Some(tracing::Level::WARN), " WARN")] {
        logs.clear();
        let mut layer = AuthLayer::new(HttpBasic::new());
        if let Some(level) = level {
            layer = layer.rejection_log_level(level);
        }
        let res = layer.layer(ok()).oneshot(Request::new(())).await.unwrap();
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
        let text = logs.text();
        assert!(
            text.contains(&format!(
                "{shown} towerapi::rejection: request rejected status=401"
            )),
            "{text}"
        );
    }
}

/// A verifier that answers at once for `now-*` tokens and waits (a real future) for others.
#[derive(Clone)]
struct Immediate;

impl Verify<BearerToken> for Immediate {
    type Principal = String;

    fn granted_scopes(principal: &String) -> Option<std::sync::Arc<[String]>> {
        Some([principal.clone()].into())
    }

    fn verify_now(&self, token: &BearerToken, _parts: &Parts) -> Option<Result<String, AuthError>> {
        match token.0.strip_prefix("now-") {
            Some("bad") => Some(Err(AuthError::unauthorized("refused at once"))),
            Some(name) => Some(Ok(name.to_owned())),
            None => None,
        }
    }

    async fn verify(&self, token: BearerToken, _parts: &Parts) -> Result<String, AuthError> {
        tokio::task::yield_now().await;
        Ok(format!("waited-{}", token.0))
    }
}

#[tokio::test]
async fn a_verifier_that_answers_at_once_gets_the_same_checks_as_one_that_waits() {
    let svc = ScopesLayer::new(["alice"]).layer(
        AuthLayer::new(OAuth2PasswordBearer::new("token"))
            .verify_with(Immediate)
            .layer(handler()),
    );
    let bearer = |t: &str| basic_req(&format!("Bearer {t}"));
    // At once: the principal and its scopes, as through `verify`.
    let (status, _, body) = read(svc.clone().oneshot(bearer("now-alice")).await.unwrap()).await;
    assert_eq!(
        (status, body.as_str()),
        (StatusCode::OK, r#"None Some("alice")"#)
    );
    // An immediate refusal is the layer's rejection.
    let (status, _, body) = read(svc.clone().oneshot(bearer("now-bad")).await.unwrap()).await;
    assert_eq!(
        (status, body.as_str()),
        (StatusCode::UNAUTHORIZED, r#"{"detail":"refused at once"}"#)
    );
    // Scopes are still checked on the immediate path.
    let (status, _, body) = read(svc.clone().oneshot(bearer("now-bob")).await.unwrap()).await;
    assert_eq!(
        (status, body.as_str()),
        (
            StatusCode::FORBIDDEN,
            r#"{"detail":"Not enough permissions"}"#
        )
    );
    // The credentials come back for `verify` when the answer must wait.
    let svc = AuthLayer::new(OAuth2PasswordBearer::new("token"))
        .verify_with(Immediate)
        .layer(handler());
    let (status, _, body) = read(svc.oneshot(bearer("later")).await.unwrap()).await;
    assert_eq!(
        (status, body.as_str()),
        (StatusCode::OK, r#"None Some("waited-later")"#)
    );
}

#[tokio::test(flavor = "current_thread")]
async fn the_verified_principal_is_recorded_on_the_current_span() {
    use tracing::Instrument as _;
    let (logs, _guard) = capture_logs();
    let traced = service_fn(|_req: Request<()>| async {
        tracing::info!("handled");
        Ok::<_, Infallible>(Response::new(Body::empty()))
    });
    let request_span = || tracing::info_span!("request", user.id = tracing::field::Empty);
    // A verifier that waits (a closure), and one that answers at once.
    let basic = AuthLayer::new(HttpBasic::new())
        .verify(users)
        .record_principal("user.id", |user: &String| format!("basic:{user}"))
        .layer(traced);
    let bearer = AuthLayer::new(OAuth2PasswordBearer::new("token"))
        .verify_with(Immediate)
        .record_principal("user.id", |user: &String| format!("bearer:{user}"))
        .layer(traced);
    let ok = basic
        .clone()
        .oneshot(basic_req("Basic YWxpY2U6c2VjcmV0"))
        .instrument(request_span())
        .await
        .unwrap();
    assert_eq!(ok.status(), StatusCode::OK);
    let ok = bearer
        .clone()
        .oneshot(basic_req("Bearer now-carol"))
        .instrument(request_span())
        .await
        .unwrap();
    assert_eq!(ok.status(), StatusCode::OK);
    let text = logs.text();
    assert!(text.contains("request{user.id=\"basic:alice\"}"), "{text}");
    assert!(text.contains("request{user.id=\"bearer:carol\"}"), "{text}");
    // A refused request records nothing; a span without the field is left alone.
    logs.clear();
    let refused = basic
        .clone()
        .oneshot(basic_req("Basic YWxpY2U6d3Jvbmc="))
        .instrument(request_span())
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
    let plain = basic
        .oneshot(basic_req("Basic YWxpY2U6c2VjcmV0"))
        .instrument(tracing::info_span!("other"))
        .await
        .unwrap();
    assert_eq!(plain.status(), StatusCode::OK);
    let text = logs.text();
    assert!(!text.contains("user.id=\""), "{text}");
    assert!(text.contains("other: "), "{text}");
}

#[cfg(any(feature = "jwt-aws-lc-rs", feature = "jwt-rust-crypto"))]
#[tokio::test]
async fn any_of_with_a_verifier_per_branch() {
    use crate::jwt::{Claims, JwtIssuer, JwtVerifier};
    let key = verify_fn(|key: ApiKey, _parts: &Parts| async move {
        if constant_time_eq(&key.0, "k1") {
            Ok("service-a".to_owned())
        } else {
            Err(AuthError::forbidden("Invalid API key"))
        }
    });
    let jwt = JwtVerifier::<serde_json::Value>::hs256(b"secret");
    let layer = AuthLayer::new(AnyOf::new(
        ApiKeyHeader::new("x-api-key"),
        HttpBearer::new(),
    ))
    .verify_with(VerifyEach::new(key, jwt));
    let who = service_fn(|req: Request<()>| async move {
        let who = match req.extensions().get::<Principal<Either<String, Claims>>>() {
            Some(Principal(Either::First(service))) => format!("key {service}"),
            Some(Principal(Either::Second(claims))) => format!("jwt {:?}", claims.sub),
            None => "none".to_owned(),
        };
        Ok::<_, Infallible>(Response::new(Body::full(who)))
    });
    let issue = |scopes: &[&str]| {
        JwtIssuer::hs256(b"secret")
            .issue_at(
                &serde_json::json!({"sub": "alice", "scopes": scopes}),
                4_102_444_800,
            )
            .unwrap()
    };
    let req = |headers: &[(&str, String)]| {
        let mut r = Request::builder();
        for (n, v) in headers {
            r = r.header(*n, v.as_str());
        }
        r.body(()).unwrap()
    };
    let open = layer.clone().layer(who);
    let scoped = ScopesLayer::new(["admin"]).layer(layer.layer(who));
    let bearer = |t: String| ("authorization", format!("Bearer {t}"));
    let key = |k: &str| ("x-api-key", k.to_owned());
    for (svc, headers, want) in [
        // Each branch with its own verifier.
        (&open, vec![key("k1")], (200, "key service-a".to_owned())),
        (
            &open,
            vec![bearer(issue(&[]))],
            (200, r#"jwt Some("alice")"#.to_owned()),
        ),
        (
            &open,
            vec![key("wrong")],
            (403, r#"{"detail":"Invalid API key"}"#.to_owned()),
        ),
        (
            &open,
            vec![bearer("x.y.z".to_owned())],
            (
                401,
                r#"{"detail":"Could not validate credentials"}"#.to_owned(),
            ),
        ),
        // Both present: the first scheme (the key) decides, even next to a valid token.
        (
            &open,
            vec![key("wrong"), bearer(issue(&["admin"]))],
            (403, r#"{"detail":"Invalid API key"}"#.to_owned()),
        ),
        (
            &open,
            vec![key("k1"), bearer("bad".to_owned())],
            (200, "key service-a".to_owned()),
        ),
        // Neither: both challenges.
        (
            &open,
            vec![],
            (401, r#"{"detail":"Not authenticated"}"#.to_owned()),
        ),
    ] {
        let res = svc.clone().oneshot(req(&headers)).await.unwrap();
        let (status, _, body) = read(res).await;
        assert_eq!((status.as_u16(), body), want, "{headers:?}");
    }
    let res = open.oneshot(req(&[])).await.unwrap();
    assert_eq!(
        res.headers()
            .get_all(header::WWW_AUTHENTICATE)
            .iter()
            .collect::<Vec<_>>(),
        ["APIKey", "Bearer"]
    );
    // Scopes: checked for the JWT branch; the key branch knows none and fails closed.
    for (headers, want) in [
        (
            vec![bearer(issue(&["admin"]))],
            (200, r#"jwt Some("alice")"#.to_owned()),
        ),
        (
            vec![bearer(issue(&["items"]))],
            (403, r#"{"detail":"Not enough permissions"}"#.to_owned()),
        ),
        (vec![key("k1")], (500, "Internal Server Error".to_owned())),
    ] {
        let res = scoped.clone().oneshot(req(&headers)).await.unwrap();
        let (status, _, body) = read(res).await;
        assert_eq!((status.as_u16(), body), want, "{headers:?}");
    }
}
