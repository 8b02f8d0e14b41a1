//! `RejectionLayer` alone, with `oneshot` and a `service_fn`: every kind of rejection, the
//! reshaping rules, the order with `on_reject`, and what the document says.
#![allow(clippy::unwrap_used)]

use std::collections::VecDeque;
use std::convert::Infallible;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use http::request::Parts;
use http::{header, HeaderMap, Request, Response, StatusCode};
use http_body::Frame;
use http_body_util::Full;
use tower::{service_fn, Layer, Service, ServiceBuilder, ServiceExt};
use towerapi_encode::Body;

use crate::form::{parse_password_form, FieldError, FormConfig, FormRejection};
use crate::tests::read;
use crate::*;

/// The headers of a problem+json answer of `body`, with these challenges.
fn problem_headers(body: &str, challenges: &[&str]) -> Vec<(String, String)> {
    let mut h = vec![
        ("content-length".to_owned(), body.len().to_string()),
        ("content-type".to_owned(), PROBLEM_JSON.to_owned()),
    ];
    h.extend(
        challenges
            .iter()
            .map(|c| ("www-authenticate".to_owned(), (*c).to_owned())),
    );
    h.sort();
    h
}

fn ok_handler(
) -> impl Service<Request<()>, Response = Response<Body>, Error = Infallible, Future = impl Send> + Clone
{
    service_fn(|_req: Request<()>| async {
        let mut res = Response::new(Body::full("ok"));
        res.headers_mut()
            .insert(header::CONTENT_TYPE, "text/plain".parse().unwrap());
        Ok::<_, Infallible>(res)
    })
}

async fn users(creds: HttpBasicCredentials, _parts: &Parts) -> Result<String, AuthError> {
    match (
        creds.username.as_str(),
        constant_time_eq(&creds.password, "secret"),
    ) {
        ("alice", true) => Ok("alice".to_owned()),
        ("bob", true) => Err(AuthError::inactive_user()),
        _ => Err(AuthError::unauthorized("Incorrect username or password").with_challenge("Basic")),
    }
}

fn basic(value: &str) -> Request<()> {
    Request::builder()
        .uri("/me")
        .header(header::AUTHORIZATION, value)
        .body(())
        .unwrap()
}

/// A hook that records the kind of every rejection it sees, and answers problem+json.
#[derive(Clone, Default)]
struct Seen(Arc<Mutex<Vec<String>>>);

impl Seen {
    fn layer(&self) -> RejectionLayer {
        let seen = self.clone();
        RejectionLayer::new(move |rejection: &Rejection, _head: &RequestHead| {
            let kind = match rejection {
                Rejection::Auth(_) => "auth",
                Rejection::Scopes(_) => "scopes",
                Rejection::Form(_) => "form",
                Rejection::Handler(_) => "handler",
            };
            seen.0.lock().unwrap().push(kind.to_owned());
            Some(rejection.problem_json())
        })
    }

    fn take(&self) -> Vec<String> {
        std::mem::take(&mut *self.0.lock().unwrap())
    }
}

#[tokio::test]
async fn an_auth_layers_rejections_become_problem_details() {
    let seen = Seen::default();
    let svc = ServiceBuilder::new()
        .layer(seen.layer())
        .layer(AuthLayer::new(HttpBasic::new()).verify(users))
        .service(ok_handler());

    // Missing credentials: the scheme's 401 and challenge.
    let body = r#"{"type":"about:blank","title":"Unauthorized","status":401,"detail":"Not authenticated"}"#;
    assert_eq!(
        read(svc.clone().oneshot(Request::new(())).await.unwrap()).await,
        (
            StatusCode::UNAUTHORIZED,
            problem_headers(body, &["Basic"]),
            body.to_owned()
        )
    );
    // Refused by the verifier: its detail and challenge.
    let body = r#"{"type":"about:blank","title":"Unauthorized","status":401,"detail":"Incorrect username or password"}"#;
    assert_eq!(
        read(
            svc.clone()
                .oneshot(basic("Basic YWxpY2U6d3Jvbmc="))
                .await
                .unwrap()
        )
        .await,
        (
            StatusCode::UNAUTHORIZED,
            problem_headers(body, &["Basic"]),
            body.to_owned()
        )
    );
    // A 400 without a challenge.
    let body =
        r#"{"type":"about:blank","title":"Bad Request","status":400,"detail":"Inactive user"}"#;
    assert_eq!(
        read(
            svc.clone()
                .oneshot(basic("Basic Ym9iOnNlY3JldA=="))
                .await
                .unwrap()
        )
        .await,
        (
            StatusCode::BAD_REQUEST,
            problem_headers(body, &[]),
            body.to_owned()
        )
    );
    // Let in: untouched, and the hook is not called.
    let res = svc.oneshot(basic("Basic YWxpY2U6c2VjcmV0")).await.unwrap();
    assert_eq!(
        read(res).await,
        (
            StatusCode::OK,
            vec![("content-type".to_owned(), "text/plain".to_owned())],
            "ok".to_owned()
        )
    );
    assert_eq!(seen.take(), ["auth", "auth", "auth"]);
}

#[tokio::test]
async fn scope_refusals_are_scopes_in_both_stack_orders() {
    let auth = AuthLayer::new(ApiKeyHeader::new("x-api-key")).verify_scoped(
        |key: ApiKey, _parts: &Parts| async move {
            if constant_time_eq(&key.0, "reader-key") {
                Ok(WithScopes::new("reader", ["items:read"]))
            } else {
                Err(AuthError::unauthorized("Invalid API key"))
            }
        },
    );
    let req = || {
        Request::builder()
            .header("x-api-key", "reader-key")
            .body(())
            .unwrap()
    };
    let body = r#"{"type":"about:blank","title":"Forbidden","status":403,"detail":"Not enough permissions"}"#;
    let want = (
        StatusCode::FORBIDDEN,
        problem_headers(body, &["Bearer scope=\"items:write\""]),
        body.to_owned(),
    );
    let seen = Seen::default();

    // FastAPI's shape: the scopes outside the verifier, which checks them.
    let svc = ServiceBuilder::new()
        .layer(seen.layer())
        .layer(ScopesLayer::new(["items:write"]))
        .layer(auth.clone())
        .service(ok_handler());
    assert_eq!(read(svc.oneshot(req()).await.unwrap()).await, want);

    // axum's shape: the verifier outside, the ScopesLayer checks.
    let svc = ServiceBuilder::new()
        .layer(seen.layer())
        .layer(auth)
        .layer(ScopesLayer::new(["items:write"]))
        .service(ok_handler());
    assert_eq!(read(svc.oneshot(req()).await.unwrap()).await, want);
    assert_eq!(seen.take(), ["scopes", "scopes"]);
}

#[tokio::test]
async fn a_handlers_auth_error_is_seen() {
    let seen = Seen::default();
    let svc = seen.layer().layer(service_fn(|_req: Request<()>| async {
        Ok::<_, Infallible>(
            AuthError::forbidden("Not the owner")
                .with_challenge("Bearer")
                .into_http_response(),
        )
    }));
    let body =
        r#"{"type":"about:blank","title":"Forbidden","status":403,"detail":"Not the owner"}"#;
    assert_eq!(
        read(svc.oneshot(Request::new(())).await.unwrap()).await,
        (
            StatusCode::FORBIDDEN,
            problem_headers(body, &["Bearer"]),
            body.to_owned()
        )
    );
    // `to_response` (by reference) marks the response the same way.
    let svc = seen.layer().layer(service_fn(|_req: Request<()>| async {
        Ok::<_, Infallible>(AuthError::custom(StatusCode::CONFLICT, "Taken").to_response())
    }));
    let res = svc.oneshot(Request::new(())).await.unwrap();
    assert_eq!(res.status(), StatusCode::CONFLICT);
    // An AuthError put into a response by hand counts as the handler's too.
    let svc = seen.layer().layer(service_fn(|_req: Request<()>| async {
        let mut res = Response::new(Body::full("no"));
        *res.status_mut() = StatusCode::FORBIDDEN;
        res.extensions_mut().insert(AuthError::forbidden("By hand"));
        Ok::<_, Infallible>(res)
    }));
    let (_, _, body) = read(svc.oneshot(Request::new(())).await.unwrap()).await;
    assert_eq!(
        body,
        r#"{"type":"about:blank","title":"Forbidden","status":403,"detail":"By hand"}"#
    );
    assert_eq!(seen.take(), ["handler", "handler", "handler"]);
}

/// A request body yielding these chunks, possibly an error.
struct Chunks(VecDeque<Result<Bytes, std::io::Error>>);

impl http_body::Body for Chunks {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        self: std::pin::Pin<&mut Self>,
        _cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        std::task::Poll::Ready(self.get_mut().0.pop_front().map(|r| r.map(Frame::data)))
    }
}

/// The token route of a bare tower app: the form parsed by hand, its rejection answered.
fn token_route(
) -> impl Service<Request<Chunks>, Response = Response<Body>, Error = Infallible, Future = impl Send>
       + Clone {
    service_fn(|req: Request<Chunks>| async move {
        Ok::<_, Infallible>(
            match parse_password_form(req, &FormConfig::default().limit(256)).await {
                Ok(form) => Response::new(Body::full(form.username)),
                Err(rejection) => rejection.into_http_response(),
            },
        )
    })
}

/// One chunk of a request body: bytes, or the stream's error.
type Piece = Result<&'static [u8], &'static str>;

fn token_req(content_type: &[u8], pieces: &[Piece]) -> Request<Chunks> {
    let chunks = pieces
        .iter()
        .map(|p| match p {
            Ok(bytes) => Ok(Bytes::from_static(bytes)),
            Err(e) => Err(std::io::Error::other(*e)),
        })
        .collect();
    Request::builder()
        .method("POST")
        .uri("/token")
        .header(
            header::CONTENT_TYPE,
            http::HeaderValue::from_bytes(content_type).unwrap(),
        )
        .body(Chunks(chunks))
        .unwrap()
}

const PARSE_ERROR_PROBLEM: &str = r#"{"type":"about:blank","title":"Bad Request","status":400,"detail":"There was an error parsing the body"}"#;
const PARSE_ERROR_FASTAPI: &str = r#"{"detail":"There was an error parsing the body"}"#;
const MULTIPART: &[u8] = b"multipart/form-data; boundary=XyZ";
const URLENCODED: &[u8] = b"application/x-www-form-urlencoded";
const TRUNCATED: &[u8] = b"--XyZ\r\nContent-Disposition: form-data; name=\"username\"\r\n\r\nalice";

/// One broken body of the token route, the answer FastAPI gives it and the one of
/// `problem_json`. None may carry a library's message.
struct Broken {
    what: &'static str,
    content_type: &'static [u8],
    body: &'static [Piece],
    status: StatusCode,
    fastapi: &'static str,
    problem: &'static str,
}

const BROKEN: &[Broken] = &[
    Broken {
        what: "a truncated multipart body (multer: incomplete multipart stream)",
        content_type: MULTIPART,
        body: &[Ok(TRUNCATED)],
        status: StatusCode::BAD_REQUEST,
        fastapi: PARSE_ERROR_FASTAPI,
        problem: PARSE_ERROR_PROBLEM,
    },
    Broken {
        what: "a multipart part cut inside its headers",
        content_type: MULTIPART,
        body: &[Ok(b"--XyZ\r\nContent-Disposition: form-da")],
        status: StatusCode::BAD_REQUEST,
        fastapi: PARSE_ERROR_FASTAPI,
        problem: PARSE_ERROR_PROBLEM,
    },
    Broken {
        what: "a multipart content type without a boundary",
        content_type: b"multipart/form-data",
        body: &[Ok(b"x")],
        status: StatusCode::BAD_REQUEST,
        fastapi: PARSE_ERROR_FASTAPI,
        problem: PARSE_ERROR_PROBLEM,
    },
    Broken {
        what: "a boundary that is not UTF-8",
        content_type: b"multipart/form-data; boundary=\xff\xfe",
        body: &[Ok(b"x")],
        status: StatusCode::BAD_REQUEST,
        fastapi: PARSE_ERROR_FASTAPI,
        problem: PARSE_ERROR_PROBLEM,
    },
    Broken {
        what: "a body that fails mid-stream (urlencoded)",
        content_type: URLENCODED,
        body: &[Ok(b"username=alice&"), Err("connection reset by peer")],
        status: StatusCode::BAD_REQUEST,
        fastapi: PARSE_ERROR_FASTAPI,
        problem: PARSE_ERROR_PROBLEM,
    },
    Broken {
        what: "a body that fails mid-stream (multipart)",
        content_type: MULTIPART,
        body: &[Ok(b"--XyZ\r\n"), Err("connection reset by peer")],
        status: StatusCode::BAD_REQUEST,
        fastapi: PARSE_ERROR_FASTAPI,
        problem: PARSE_ERROR_PROBLEM,
    },
    Broken {
        what: "a raw byte 0xff in a value: its latin-1 character `ÿ` (as FastAPI 0.165 answered), then validated",
        content_type: URLENCODED,
        body: &[Ok(b"grant_type=\xff&username=u&password=p")],
        status: StatusCode::UNPROCESSABLE_ENTITY,
        fastapi: "{\"detail\":[{\"type\":\"string_pattern_mismatch\",\"loc\":[\"body\",\"grant_type\"],\"msg\":\"String should match pattern '^password$'\",\"input\":\"\u{ff}\",\"ctx\":{\"pattern\":\"^password$\"}}]}",
        problem: "{\"type\":\"about:blank\",\"title\":\"Unprocessable Entity\",\"status\":422,\"errors\":[{\"type\":\"string_pattern_mismatch\",\"loc\":[\"body\",\"grant_type\"],\"msg\":\"String should match pattern '^password$'\",\"input\":\"\u{ff}\",\"ctx\":{\"pattern\":\"^password$\"}}]}",
    },
    Broken {
        what: "another content type: no fields (FastAPI's 422)",
        content_type: b"application/json",
        body: &[Ok(br#"{"username":"u"}"#)],
        status: StatusCode::UNPROCESSABLE_ENTITY,
        fastapi: r#"{"detail":[{"type":"missing","loc":["body","username"],"msg":"Field required","input":null},{"type":"missing","loc":["body","password"],"msg":"Field required","input":null}]}"#,
        problem: r#"{"type":"about:blank","title":"Unprocessable Entity","status":422,"errors":[{"type":"missing","loc":["body","username"],"msg":"Field required","input":null},{"type":"missing","loc":["body","password"],"msg":"Field required","input":null}]}"#,
    },
    Broken {
        what: "over the limit",
        content_type: URLENCODED,
        body: &[Ok(&[b'a'; 257])],
        status: StatusCode::PAYLOAD_TOO_LARGE,
        fastapi: r#"{"detail":"Request body too large"}"#,
        problem: r#"{"type":"about:blank","title":"Payload Too Large","status":413,"detail":"Request body too large"}"#,
    },
];

fn json_headers(body: &str) -> Vec<(String, String)> {
    vec![
        ("content-length".to_owned(), body.len().to_string()),
        ("content-type".to_owned(), "application/json".to_owned()),
    ]
}

#[tokio::test]
async fn form_rejections_answer_fixed_texts_with_or_without_the_layer() {
    let seen = Seen::default();
    let with_layer = seen.layer().layer(token_route());
    // A hook that keeps every answer: FastAPI's bytes, as without the layer.
    let keeping = RejectionLayer::new(|_: &Rejection, _: &RequestHead| None).layer(token_route());
    let mut failures = Vec::new();
    for b in BROKEN {
        let req = || token_req(b.content_type, b.body);
        let fastapi = (b.status, json_headers(b.fastapi), b.fastapi.to_owned());
        let got = read(token_route().oneshot(req()).await.unwrap()).await;
        if got != fastapi {
            failures.push(format!("{}, bare: {got:?}", b.what));
        }
        let got = read(keeping.clone().oneshot(req()).await.unwrap()).await;
        if got != fastapi {
            failures.push(format!("{}, kept by the hook: {got:?}", b.what));
        }
        let got = read(with_layer.clone().oneshot(req()).await.unwrap()).await;
        if got
            != (
                b.status,
                problem_headers(b.problem, &[]),
                b.problem.to_owned(),
            )
        {
            failures.push(format!("{}, problem+json: {got:?}", b.what));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(seen.take(), vec!["form"; BROKEN.len()]);
}

#[tokio::test]
async fn a_400s_cause_stays_in_source_and_out_of_display_and_detail() {
    let res = token_route()
        .oneshot(token_req(MULTIPART, &[Ok(TRUNCATED)]))
        .await
        .unwrap();
    let rejection = res.extensions().get::<Rejection>().cloned().unwrap();
    let form = rejection.form().unwrap();
    assert!(matches!(form, FormRejection::InvalidMultipart(_)));
    assert_eq!(form.to_string(), "There was an error parsing the body");
    assert_eq!(rejection.to_string(), "There was an error parsing the body");
    assert_eq!(
        rejection.detail(),
        Detail::Text("There was an error parsing the body")
    );
    let cause = std::error::Error::source(form).unwrap().to_string();
    assert!(cause.contains("incomplete"), "{cause}");
    let (_, _, body) = read(res).await;
    assert!(!body.contains("multipart") && !body.contains("incomplete"));
}

#[tokio::test]
async fn the_hook_sees_method_uri_and_only_the_captured_headers() {
    type Seen = Arc<Mutex<Option<(http::Method, String, HeaderMap)>>>;
    let seen: Seen = Arc::default();
    let s = seen.clone();
    let layer = RejectionLayer::new(move |rejection: &Rejection, head: &RequestHead| {
        *s.lock().unwrap() = Some((
            head.method().clone(),
            head.uri().to_string(),
            head.headers().clone(),
        ));
        Some(
            rejection
                .problem()
                .instance(head.uri().path())
                .to_response(),
        )
    })
    .capture_headers([header::ACCEPT, header::ACCEPT_LANGUAGE]);
    let svc = ServiceBuilder::new()
        .layer(layer)
        .layer(AuthLayer::new(HttpBearer::new()))
        .service(ok_handler());
    let req = Request::builder()
        .method("DELETE")
        .uri("/items/7?force=1")
        .header(header::ACCEPT, "application/problem+json")
        .header(header::ACCEPT, "application/json")
        .header(header::USER_AGENT, "test")
        .body(())
        .unwrap();
    let res = svc.oneshot(req).await.unwrap();
    let body = r#"{"type":"about:blank","title":"Unauthorized","status":401,"detail":"Not authenticated","instance":"/items/7"}"#;
    assert_eq!(
        read(res).await,
        (
            StatusCode::UNAUTHORIZED,
            problem_headers(body, &["Bearer"]),
            body.to_owned()
        )
    );
    let (method, uri, headers) = seen.lock().unwrap().take().unwrap();
    assert_eq!(method, http::Method::DELETE);
    assert_eq!(uri, "/items/7?force=1");
    assert_eq!(
        headers.get_all(header::ACCEPT).iter().collect::<Vec<_>>(),
        ["application/problem+json", "application/json"]
    );
    assert_eq!(headers.len(), 2, "{headers:?}");
}

/// A handler's 401 with a header of its own, for the reshaping rules.
fn challenged(
) -> impl Service<Request<()>, Response = Response<Body>, Error = Infallible, Future = impl Send> + Clone
{
    service_fn(|_req: Request<()>| async {
        let mut res = AuthError::unauthorized("Token expired")
            .with_challenge("Bearer error=\"invalid_token\"")
            .with_challenge("Basic")
            .into_http_response();
        res.headers_mut()
            .insert("x-request-id", "42".parse().unwrap());
        Ok::<_, Infallible>(res)
    })
}

#[tokio::test]
async fn the_status_and_challenges_stay_and_content_length_is_recomputed() {
    // A 200 answer with a stale content-length: the status, both challenges and the other
    // headers stay; content-type and content-length are the new body's.
    let layer = RejectionLayer::new(|_: &Rejection, _: &RequestHead| {
        let mut res = Response::new(Body::full("<p>please log in</p>"));
        res.headers_mut()
            .insert(header::CONTENT_TYPE, "text/html".parse().unwrap());
        res.headers_mut()
            .insert(header::CONTENT_LENGTH, "999".parse().unwrap());
        Some(res)
    });
    let res = layer
        .layer(challenged())
        .oneshot(Request::new(()))
        .await
        .unwrap();
    assert!(res.extensions().get::<Rejection>().is_some());
    assert_eq!(
        res.headers()
            .get_all(header::WWW_AUTHENTICATE)
            .iter()
            .collect::<Vec<_>>(),
        ["Bearer error=\"invalid_token\"", "Basic"]
    );
    assert_eq!(
        read(res).await,
        (
            StatusCode::UNAUTHORIZED,
            vec![
                ("content-length".to_owned(), "20".to_owned()),
                ("content-type".to_owned(), "text/html".to_owned()),
                ("www-authenticate".to_owned(), "Basic".to_owned()),
                (
                    "www-authenticate".to_owned(),
                    "Bearer error=\"invalid_token\"".to_owned()
                ),
                ("x-request-id".to_owned(), "42".to_owned()),
            ],
            "<p>please log in</p>".to_owned()
        )
    );

    // On purpose: a status and a challenge of the hook's own replace the rejection's.
    let layer = RejectionLayer::new(|_: &Rejection, _: &RequestHead| {
        let mut res = Response::new(Body::empty());
        *res.status_mut() = StatusCode::SEE_OTHER;
        res.headers_mut()
            .insert(header::LOCATION, "/login".parse().unwrap());
        res.headers_mut()
            .insert(header::WWW_AUTHENTICATE, "Form".parse().unwrap());
        res.headers_mut()
            .insert("x-request-id", "43".parse().unwrap());
        Some(res)
    });
    let res = layer
        .layer(challenged())
        .oneshot(Request::new(()))
        .await
        .unwrap();
    assert_eq!(
        read(res).await,
        (
            StatusCode::SEE_OTHER,
            vec![
                ("content-length".to_owned(), "0".to_owned()),
                ("location".to_owned(), "/login".to_owned()),
                ("www-authenticate".to_owned(), "Form".to_owned()),
                ("x-request-id".to_owned(), "43".to_owned()),
            ],
            String::new()
        )
    );

    // A body of unknown size: no content-length at all; a 204: none either.
    let layer = RejectionLayer::new(|_: &Rejection, _: &RequestHead| {
        let stream = http_body_util::StreamBody::new(futures_stream(vec![
            Ok::<_, Infallible>(Frame::data(Bytes::from_static(b"a"))),
            Ok(Frame::data(Bytes::from_static(b"b"))),
        ]));
        Some(Response::new(Body::new(stream)))
    });
    let (status, headers, body) = read(
        layer
            .layer(challenged())
            .oneshot(Request::new(()))
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((status, body.as_str()), (StatusCode::UNAUTHORIZED, "ab"));
    assert!(
        !headers.iter().any(|(n, _)| n == "content-length"),
        "{headers:?}"
    );
    assert!(
        !headers.iter().any(|(n, _)| n == "content-type"),
        "{headers:?}"
    );

    let layer = RejectionLayer::new(|_: &Rejection, _: &RequestHead| {
        let mut res = Response::new(Body::empty());
        *res.status_mut() = StatusCode::NO_CONTENT;
        Some(res)
    });
    let (status, headers, _) = read(
        layer
            .layer(challenged())
            .oneshot(Request::new(()))
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert!(
        !headers.iter().any(|(n, _)| n == "content-length"),
        "{headers:?}"
    );
}

/// A stream of these items, ready at once.
fn futures_stream<T: Unpin>(items: Vec<T>) -> impl futures_core::Stream<Item = T> {
    struct Items<T>(VecDeque<T>);
    impl<T: Unpin> futures_core::Stream for Items<T> {
        type Item = T;
        fn poll_next(
            self: std::pin::Pin<&mut Self>,
            _cx: &mut std::task::Context<'_>,
        ) -> std::task::Poll<Option<T>> {
            std::task::Poll::Ready(self.get_mut().0.pop_front())
        }
    }
    Items(items.into())
}

#[tokio::test]
async fn on_reject_runs_first_and_its_answer_stays() {
    let seen = Seen::default();
    let shaped = AuthLayer::new(HttpBearer::new()).on_reject(|_: &AuthError| {
        let mut res = Response::new(Body::empty());
        *res.status_mut() = StatusCode::SEE_OTHER;
        res.headers_mut()
            .insert(header::LOCATION, "/login".parse().unwrap());
        res
    });
    let svc = ServiceBuilder::new()
        .layer(seen.layer())
        .layer(shaped)
        .service(ok_handler());
    let res = svc.oneshot(Request::new(())).await.unwrap();
    // The AuthError and its Rejection are still there, for the log.
    assert!(matches!(
        res.extensions().get::<Rejection>(),
        Some(Rejection::Auth(_))
    ));
    assert_eq!(
        read(res).await,
        (
            StatusCode::SEE_OTHER,
            vec![
                ("location".to_owned(), "/login".to_owned()),
                ("www-authenticate".to_owned(), "Bearer".to_owned())
            ],
            String::new()
        )
    );
    assert!(seen.take().is_empty());

    // Two RejectionLayers: the one nearer to the route shapes, the outer one leaves it.
    let inner = RejectionLayer::new(|r: &Rejection, _: &RequestHead| {
        Some(Response::new(Body::full(format!(
            "inner {}",
            r.status().as_u16()
        ))))
    });
    let svc = ServiceBuilder::new()
        .layer(seen.layer())
        .layer(inner)
        .layer(AuthLayer::new(HttpBearer::new()))
        .service(ok_handler());
    let (status, _, body) = read(svc.oneshot(Request::new(())).await.unwrap()).await;
    assert_eq!(
        (status, body.as_str()),
        (StatusCode::UNAUTHORIZED, "inner 401")
    );
    assert!(seen.take().is_empty());

    // An inner hook that keeps the answer (None) leaves it to the outer one.
    let inner = RejectionLayer::new(|_: &Rejection, _: &RequestHead| None);
    let svc = ServiceBuilder::new()
        .layer(seen.layer())
        .layer(inner)
        .layer(AuthLayer::new(HttpBearer::new()))
        .service(ok_handler());
    let (status, headers, _) = read(svc.oneshot(Request::new(())).await.unwrap()).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(headers.contains(&("content-type".to_owned(), PROBLEM_JSON.to_owned())));
    assert_eq!(seen.take(), ["auth"]);
}

#[tokio::test]
async fn other_responses_pass_untouched() {
    let seen = Seen::default();
    let svc = seen
        .layer()
        .layer(service_fn(|req: Request<()>| async move {
            let mut res = Response::new(Body::full(r#"{"detail":"Not Found"}"#));
            *res.status_mut() = if req.uri().path() == "/404" {
                StatusCode::NOT_FOUND
            } else {
                StatusCode::UNAUTHORIZED
            };
            res.headers_mut()
                .insert(header::CONTENT_TYPE, "application/json".parse().unwrap());
            res.headers_mut()
                .insert(header::CONTENT_LENGTH, "22".parse().unwrap());
            Ok::<_, Infallible>(res)
        }));
    for path in ["/404", "/401-of-someone-else"] {
        let req = Request::builder().uri(path).body(()).unwrap();
        let (status, headers, body) = read(svc.clone().oneshot(req).await.unwrap()).await;
        assert!(status.is_client_error());
        assert_eq!(headers, json_headers(r#"{"detail":"Not Found"}"#));
        assert_eq!(body, r#"{"detail":"Not Found"}"#);
    }
    assert!(seen.take().is_empty());
}

#[tokio::test]
async fn a_hook_may_answer_a_reply_for_a_serialize_layer_outside() {
    use towerapi_encode::{Payload, Reply};
    let layer = RejectionLayer::new(|r: &Rejection, _: &RequestHead| {
        Some(Reply::new(serde_json::json!({"error": r.to_string()})).into_http_response())
    });
    let res = ServiceBuilder::new()
        .layer(layer)
        .layer(AuthLayer::new(HttpBearer::new()))
        .service(ok_handler())
        .oneshot(Request::new(()))
        .await
        .unwrap();
    assert_eq!(
        res.extensions().get::<Payload>().and_then(Payload::status),
        Some(StatusCode::UNAUTHORIZED)
    );
    assert_eq!(res.headers()[header::WWW_AUTHENTICATE], "Bearer");
}

#[test]
fn problem_members_and_titles() {
    let p = Problem::new(StatusCode::UNPROCESSABLE_ENTITY)
        .type_uri("https://example.com/problems/validation")
        .title("Your request is not valid")
        .errors(vec![FieldError::missing("username")]);
    assert_eq!(
        String::from_utf8(p.to_bytes()).unwrap(),
        r#"{"type":"https://example.com/problems/validation","title":"Your request is not valid","status":422,"errors":[{"type":"missing","loc":["body","username"],"msg":"Field required","input":null}]}"#
    );
    assert_eq!(p.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let unknown = StatusCode::from_u16(499).unwrap();
    assert_eq!(
        String::from_utf8(Problem::new(unknown).to_bytes()).unwrap(),
        r#"{"type":"about:blank","title":"Client Error","status":499}"#
    );
    let r = Rejection::Form(Arc::new(FormRejection::TooLarge));
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert!(r.challenges().is_empty() && r.auth_error().is_none());
    let r = Rejection::Scopes(AuthError::forbidden("x"));
    assert!(r.form().is_none());
    assert_eq!(r.auth_error().map(AuthError::detail), Some("x"));
}

#[tokio::test]
async fn poll_ready_and_the_inner_service_are_reachable() {
    let mut svc = RejectionLayer::problem_json().layer(ok_handler());
    svc.ready().await.unwrap();
    let _ = svc.get_ref();
    let _ = svc.get_mut();
    let inner = svc.clone().into_inner();
    let res = inner.oneshot(Request::new(())).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(format!("{:?}", RejectionLayer::problem_json()).contains("problem_json: true"));
    // The request head of a request, for testing a hook.
    let head = RequestHead::of(
        &Request::builder()
            .uri("/a?b")
            .header("x", "1")
            .body(Full::new(Bytes::new()))
            .unwrap(),
    );
    assert_eq!((head.uri().path(), head.headers().len()), ("/a", 1));
    assert_eq!(head.version(), http::Version::HTTP_11);
}

#[cfg(feature = "openapi")]
mod openapi {
    use http::Method;
    use serde_json::{json, Value};
    use tower::ServiceBuilder;
    use tower_layer::Identity;
    use towerapi_openapi::{DocBuilder, Info, OpenApi};

    use crate::form::OAuth2PasswordRequestForm;
    use crate::*;

    fn problem(errors: bool) -> Value {
        let mut schema = json!({
            "type": "object",
            "properties": {
                "type": {"type": "string"},
                "title": {"type": "string"},
                "status": {"type": "integer"},
                "detail": {"type": "string"},
                "instance": {"type": "string"}
            },
            "required": ["type", "title", "status"]
        });
        if errors {
            schema["properties"]["errors"] =
                json!({"type": "array", "items": {"$ref": "#/components/schemas/ValidationError"}});
            schema["required"] = json!(["type", "title", "status", "errors"]);
        }
        json!({"application/problem+json": {"schema": schema}})
    }

    /// `POST /token` (the form) and `GET /items` (a bearer and a scope), under `outer`.
    fn doc<L: tower_layer::Layer<towerapi_openapi::DocProbe>>(outer: &L) -> OpenApi {
        let auth = ServiceBuilder::new()
            .layer(ScopesLayer::new(["items:read"]))
            .layer(AuthLayer::new(HttpBearer::new()))
            .into_inner();
        DocBuilder::new()
            .layer(outer)
            .route_with(Method::POST, "/token", &Identity::new(), |op| {
                op.describe(OAuth2PasswordRequestForm::openapi())
            })
            .route(Method::GET, "/items", &auth)
            .finish(Info::new("t", "1"))
            .expect("the document")
    }

    fn response(doc: &OpenApi, method: &str, path: &str, status: &str) -> Value {
        let op = doc.operation(method, path).expect("the operation");
        serde_json::to_value(op.responses.get(status).expect("the response")).expect("JSON")
    }

    #[test]
    fn problem_json_documents_problem_details() {
        let d = doc(&RejectionLayer::problem_json());
        assert_eq!(
            response(&d, "post", "/token", "422"),
            json!({"description": "Validation Error", "content": problem(true)})
        );
        let r401 = response(&d, "get", "/items", "401");
        assert_eq!(r401["content"], problem(false));
        assert_eq!(r401["headers"]["WWW-Authenticate"]["description"], "Bearer");
        let r403 = response(&d, "get", "/items", "403");
        assert_eq!(r403["content"], problem(false));
        assert!(r403["headers"]["WWW-Authenticate"].is_object());
        // The components: ValidationError, which `errors` names, and no HTTPValidationError.
        let names: Vec<&str> = d.components.schemas.keys().map(String::as_str).collect();
        assert_eq!(names, ["OAuth2PasswordRequestForm", "ValidationError"]);
        // The layer's note to the layers inside it is not in the document.
        let text = serde_json::to_string(&d).unwrap();
        assert!(!text.contains("x-towerapi"), "{text}");

        // A hook of one's own that says it answers problem details.
        let custom = RejectionLayer::new(|r: &Rejection, _: &RequestHead| Some(r.problem_json()))
            .document_problem_json();
        assert_eq!(
            serde_json::to_value(doc(&custom)).unwrap(),
            serde_json::to_value(&d).unwrap()
        );
    }

    #[test]
    fn a_hook_documents_no_body_schema() {
        let d = doc(&RejectionLayer::new(|_: &Rejection, _: &RequestHead| None));
        assert_eq!(
            response(&d, "post", "/token", "422"),
            json!({"description": "Validation Error"})
        );
        for status in ["401", "403"] {
            let r = response(&d, "get", "/items", status);
            assert!(r.get("content").is_none(), "{r}");
            assert!(r["headers"]["WWW-Authenticate"].is_object(), "{r}");
        }
        let names: Vec<&str> = d.components.schemas.keys().map(String::as_str).collect();
        assert_eq!(names, ["OAuth2PasswordRequestForm"]);
    }

    #[test]
    fn without_the_layer_the_document_is_fastapis() {
        let d = doc(&Identity::new());
        assert_eq!(
            response(&d, "post", "/token", "422")["content"],
            json!({"application/json": {"schema": {"$ref": "#/components/schemas/HTTPValidationError"}}})
        );
        assert_eq!(
            response(&d, "get", "/items", "401")["content"]["application/json"]["schema"]
                ["properties"]["detail"],
            json!({"type": "string"})
        );
    }

    #[test]
    fn the_layer_nearest_to_the_route_is_documented() {
        let outer = RejectionLayer::problem_json();
        let inner = RejectionLayer::new(|_: &Rejection, _: &RequestHead| None);
        let auth = ServiceBuilder::new()
            .layer(inner)
            .layer(AuthLayer::new(HttpBearer::new()))
            .into_inner();
        let d = DocBuilder::new()
            .layer(&outer)
            .route(Method::GET, "/items", &auth)
            .finish(Info::new("t", "1"))
            .expect("the document");
        assert!(response(&d, "get", "/items", "401")
            .get("content")
            .is_none());
    }
}
