#![allow(clippy::unwrap_used)]

use super::*;
use http_body::Frame;
use http_body_util::Full;
use std::collections::VecDeque;

const MISSING_BOTH: &str = r#"{"detail":[{"type":"missing","loc":["body","username"],"msg":"Field required","input":null},{"type":"missing","loc":["body","password"],"msg":"Field required","input":null}]}"#;
const MISSING_USERNAME: &str = r#"{"detail":[{"type":"missing","loc":["body","username"],"msg":"Field required","input":null}]}"#;
const MISSING_PASSWORD: &str = r#"{"detail":[{"type":"missing","loc":["body","password"],"msg":"Field required","input":null}]}"#;
const MISSING_GRANT_TYPE: &str = r#"{"detail":[{"type":"missing","loc":["body","grant_type"],"msg":"Field required","input":null}]}"#;
const BAD_GRANT_TYPE: &str = r#"{"detail":[{"type":"string_pattern_mismatch","loc":["body","grant_type"],"msg":"String should match pattern '^password$'","input":"client_credentials","ctx":{"pattern":"^password$"}}]}"#;
const TOO_LARGE: &str = r#"{"detail":"Request body too large"}"#;
const PARSE_ERROR: &str = r#"{"detail":"There was an error parsing the body"}"#;

const URLENCODED: &str = "application/x-www-form-urlencoded";
const BOUNDARY: &str = "X-BOUNDARY-42";

fn req(content_type: Option<&str>, body: impl Into<Bytes>) -> Request<Full<Bytes>> {
    let mut builder = Request::builder().method("POST").uri("/token");
    if let Some(ct) = content_type {
        builder = builder.header(CONTENT_TYPE, ct);
    }
    builder.body(Full::new(body.into())).unwrap()
}

fn form(body: &str) -> Request<Full<Bytes>> {
    req(Some(URLENCODED), body.to_owned())
}

fn multipart_ct() -> String {
    format!("multipart/form-data; boundary={BOUNDARY}")
}

fn multipart_body(parts: &[(&str, Option<&str>, &str)]) -> String {
    let mut out = String::new();
    for (name, file_name, value) in parts {
        out.push_str(&format!("--{BOUNDARY}\r\n"));
        match file_name {
            Some(file) => out.push_str(&format!(
                "Content-Disposition: form-data; name=\"{name}\"; filename=\"{file}\"\r\nContent-Type: text/plain\r\n\r\n"
            )),
            None => out.push_str(&format!(
                "Content-Disposition: form-data; name=\"{name}\"\r\n\r\n"
            )),
        }
        out.push_str(value);
        out.push_str("\r\n");
    }
    out.push_str(&format!("--{BOUNDARY}--\r\n"));
    out
}

async fn ok(req: Request<Full<Bytes>>) -> OAuth2PasswordRequestForm {
    parse_password_form(req, &FormConfig::default())
        .await
        .unwrap()
}

async fn err(req: Request<Full<Bytes>>) -> FormRejection {
    parse_password_form(req, &FormConfig::default())
        .await
        .unwrap_err()
}

async fn strict_err(req: Request<Full<Bytes>>) -> FormRejection {
    parse_password_form_strict(req, &FormConfig::default())
        .await
        .unwrap_err()
}

/// Asserts the exact response of a rejection.
async fn assert_response(rejection: FormRejection, status: u16, body: &str) {
    let res = rejection.into_http_response();
    assert_eq!(res.status().as_u16(), status);
    assert_eq!(res.headers()[CONTENT_TYPE], "application/json");
    assert_eq!(
        res.headers()[CONTENT_LENGTH],
        body.len().to_string().as_str()
    );
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    assert_eq!(std::str::from_utf8(&bytes).unwrap(), body);
}

/// A body yielding the given chunks (no size hint), possibly an error.
struct Chunks(VecDeque<Result<Bytes, std::io::Error>>);

impl http_body::Body for Chunks {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        Poll::Ready(self.get_mut().0.pop_front().map(|r| r.map(Frame::data)))
    }
}

fn chunked(content_type: &str, chunks: Vec<Result<Bytes, std::io::Error>>) -> Request<Chunks> {
    Request::builder()
        .method("POST")
        .header(CONTENT_TYPE, content_type)
        .body(Chunks(chunks.into()))
        .unwrap()
}

// ---- accepted forms ----

#[tokio::test]
async fn plain_form_parses() {
    let f = ok(form("username=alice&password=secret")).await;
    assert_eq!(f.grant_type, None);
    assert_eq!(f.username, "alice");
    assert_eq!(f.password, "secret");
    assert!(f.scopes.is_empty());
    assert_eq!(f.client_id, None);
    assert_eq!(f.client_secret, None);
}

#[tokio::test]
async fn urlencoded_with_charset_parameter_parses() {
    let f = ok(req(
        Some("application/x-www-form-urlencoded; charset=utf-8"),
        "username=alice&password=secret",
    ))
    .await;
    assert_eq!(
        (f.username.as_str(), f.password.as_str()),
        ("alice", "secret")
    );

    let f = ok(req(
        Some("Application/X-WWW-Form-URLEncoded ; Charset=UTF-8"),
        "username=bob&password=pw",
    ))
    .await;
    assert_eq!((f.username.as_str(), f.password.as_str()), ("bob", "pw"));
}

#[tokio::test]
async fn urlencoded_decodes_plus_and_percent_escapes() {
    let f = ok(form("username=al+ice%21&password=p%26ss%3Dw%2Bord%C3%A9")).await;
    assert_eq!(f.username, "al ice!");
    assert_eq!(f.password, "p&ss=w+ordé");
}

#[tokio::test]
async fn multipart_parses_username_password_scope() {
    let body = multipart_body(&[
        ("username", None, "alice"),
        ("password", None, "secret"),
        ("scope", None, "items:read  me"),
        ("unrelated", None, "ignored"),
    ]);
    let f = ok(req(Some(&multipart_ct()), body)).await;
    assert_eq!(f.username, "alice");
    assert_eq!(f.password, "secret");
    assert_eq!(f.scopes, ["items:read", "me"]);
    assert_eq!(f.grant_type, None);
}

#[tokio::test]
async fn multipart_file_part_is_read_as_text() {
    let body = multipart_body(&[
        ("username", Some("user.txt"), "alice"),
        ("password", None, "secret"),
    ]);
    let f = ok(req(Some(&multipart_ct()), body)).await;
    assert_eq!(f.username, "alice");
}

#[tokio::test]
async fn multipart_last_value_wins_and_empty_is_missing() {
    let body = multipart_body(&[
        ("username", None, "mallory"),
        ("username", None, "alice"),
        ("password", None, ""),
    ]);
    assert_response(
        err(req(Some(&multipart_ct()), body)).await,
        422,
        MISSING_PASSWORD,
    )
    .await;

    let body = multipart_body(&[
        ("username", None, "mallory"),
        ("username", None, "alice"),
        ("password", None, "secret"),
    ]);
    assert_eq!(ok(req(Some(&multipart_ct()), body)).await.username, "alice");
}

#[tokio::test]
async fn multipart_malformed_is_400() {
    let body =
        format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"username\"\r\n\r\nalice");
    let r = err(req(Some(&multipart_ct()), body)).await;
    assert!(matches!(r, FormRejection::InvalidMultipart(_)));
    assert_response(r, 400, PARSE_ERROR).await;

    let r = err(req(Some(&multipart_ct()), "this is not multipart at all")).await;
    assert_response(r, 400, PARSE_ERROR).await;
}

#[tokio::test]
async fn multipart_without_boundary_is_400() {
    let r = err(req(
        Some("multipart/form-data"),
        "username=alice&password=x",
    ))
    .await;
    assert_response(r, 400, PARSE_ERROR).await;
}

#[tokio::test]
async fn multipart_empty_body_is_missing_both() {
    let r = err(req(Some(&multipart_ct()), "")).await;
    assert_response(r, 422, MISSING_BOTH).await;
}

#[tokio::test]
async fn last_value_wins() {
    let f = ok(form("username=mallory&username=alice&password=secret")).await;
    assert_eq!(f.username, "alice");
    let f = ok(form("username=alice&password=one&password=two")).await;
    assert_eq!(f.password, "two");
}

// ---- missing fields ----

#[tokio::test]
async fn empty_username_is_missing() {
    assert_response(
        err(form("username=&password=secret")).await,
        422,
        MISSING_USERNAME,
    )
    .await;
}

#[tokio::test]
async fn missing_password_is_422() {
    assert_response(err(form("username=alice")).await, 422, MISSING_PASSWORD).await;
}

#[tokio::test]
async fn empty_form_is_missing_both() {
    assert_response(err(form("")).await, 422, MISSING_BOTH).await;
    assert_response(err(form("username=&password=")).await, 422, MISSING_BOTH).await;
}

#[tokio::test]
async fn no_body_is_missing_both() {
    let req = Request::builder()
        .method("POST")
        .body(http_body_util::Empty::<Bytes>::new())
        .unwrap();
    let r = parse_password_form(req, &FormConfig::default())
        .await
        .unwrap_err();
    assert_response(r, 422, MISSING_BOTH).await;

    let req = Request::builder()
        .method("POST")
        .header(CONTENT_TYPE, URLENCODED)
        .body(http_body_util::Empty::<Bytes>::new())
        .unwrap();
    let r = parse_password_form(req, &FormConfig::default())
        .await
        .unwrap_err();
    assert_response(r, 422, MISSING_BOTH).await;
}

#[tokio::test]
async fn json_body_is_missing_both() {
    let r = err(req(
        Some("application/json"),
        r#"{"username":"alice","password":"secret"}"#,
    ))
    .await;
    assert_response(r, 422, MISSING_BOTH).await;
}

#[tokio::test]
async fn text_plain_is_missing_both() {
    let r = err(req(Some("text/plain"), "username=alice&password=secret")).await;
    assert_response(r, 422, MISSING_BOTH).await;
}

#[tokio::test]
async fn urlencoded_bytes_without_content_type_are_missing_both() {
    let r = err(req(None, "username=alice&password=secret")).await;
    assert_response(r, 422, MISSING_BOTH).await;
}

// ---- grant_type ----

#[tokio::test]
async fn grant_type_password_is_accepted() {
    let f = ok(form("grant_type=password&username=alice&password=secret")).await;
    assert_eq!(f.grant_type.as_deref(), Some("password"));
    let f = ok(form("grant_type=&username=alice&password=secret")).await;
    assert_eq!(f.grant_type, None);
}

#[tokio::test]
async fn grant_type_client_credentials_is_422() {
    let body = "grant_type=client_credentials&username=alice&password=secret";
    assert_response(err(form(body)).await, 422, BAD_GRANT_TYPE).await;
    assert_response(strict_err(form(body)).await, 422, BAD_GRANT_TYPE).await;
}

#[tokio::test]
async fn grant_type_pattern_is_exact() {
    for value in ["Password", "password%0A", "%20password", "passwordx"] {
        let body = format!("grant_type={value}&username=alice&password=secret");
        let r = err(form(&body)).await;
        match &r {
            FormRejection::Validation(errors) => {
                assert_eq!(errors.len(), 1);
                assert_eq!(errors[0].kind, "string_pattern_mismatch");
            }
            other => panic!("unexpected {other:?}"),
        }
    }
}

#[tokio::test]
async fn strict_without_grant_type_is_422() {
    let r = strict_err(form("username=alice&password=secret")).await;
    assert_response(r, 422, MISSING_GRANT_TYPE).await;
    let r = strict_err(form("grant_type=&username=alice&password=secret")).await;
    assert_response(r, 422, MISSING_GRANT_TYPE).await;
}

#[tokio::test]
async fn strict_with_grant_type_parses() {
    let req = form("grant_type=password&username=alice&password=secret&scope=a+b&client_id=app");
    let f = parse_password_form_strict(req, &FormConfig::default())
        .await
        .unwrap();
    assert_eq!(f.grant_type, "password");
    assert_eq!(f.username, "alice");
    assert_eq!(f.scopes, ["a", "b"]);
    assert_eq!(f.client_id.as_deref(), Some("app"));
    let loose = OAuth2PasswordRequestForm::from(f);
    assert_eq!(loose.grant_type.as_deref(), Some("password"));
}

#[tokio::test]
async fn errors_follow_field_order() {
    let r = strict_err(form("")).await;
    let expected = r#"{"detail":[{"type":"missing","loc":["body","grant_type"],"msg":"Field required","input":null},{"type":"missing","loc":["body","username"],"msg":"Field required","input":null},{"type":"missing","loc":["body","password"],"msg":"Field required","input":null}]}"#;
    assert_response(r, 422, expected).await;

    let r = err(form("password=secret&grant_type=client_credentials")).await;
    let expected = r#"{"detail":[{"type":"string_pattern_mismatch","loc":["body","grant_type"],"msg":"String should match pattern '^password$'","input":"client_credentials","ctx":{"pattern":"^password$"}},{"type":"missing","loc":["body","username"],"msg":"Field required","input":null}]}"#;
    assert_response(r, 422, expected).await;
}

// ---- scope and client credentials ----

#[tokio::test]
async fn scope_splits_on_any_whitespace() {
    let f = ok(form("username=u&password=p&scope=++a+++b%09c+")).await;
    assert_eq!(f.scopes, ["a", "b", "c"]);
    let f = ok(form(
        "username=u&password=p&scope=a%0Ab%0D%0Ac%0Bd%0Ce%1Cf%C2%A0g%E3%80%80h",
    ))
    .await;
    assert_eq!(f.scopes, ["a", "b", "c", "d", "e", "f", "g", "h"]);
    let f = ok(form("username=u&password=p&scope=")).await;
    assert!(f.scopes.is_empty());
    let f = ok(form("username=u&password=p&scope=+%09+")).await;
    assert!(f.scopes.is_empty());
    assert_eq!(split_scopes("  a   b\tc "), ["a", "b", "c"]);
}

#[tokio::test]
async fn client_id_and_secret_are_read() {
    let f = ok(form(
        "username=u&password=p&client_id=my-app&client_secret=s3cr%2Bt",
    ))
    .await;
    assert_eq!(f.client_id.as_deref(), Some("my-app"));
    assert_eq!(f.client_secret.as_deref(), Some("s3cr+t"));
    let f = ok(form("username=u&password=p&client_id=&client_secret=")).await;
    assert_eq!(f.client_id, None);
    assert_eq!(f.client_secret, None);
}

// ---- limits and broken bodies ----

#[tokio::test]
async fn body_of_limit_plus_one_is_413() {
    let prefix = "username=alice&password=";
    let exact = format!(
        "{prefix}{}",
        "p".repeat(FormConfig::DEFAULT_LIMIT - prefix.len())
    );
    assert_eq!(exact.len(), 65536);
    let f = ok(form(&exact)).await;
    assert_eq!(f.password.len(), 65536 - prefix.len());

    let over = format!("{exact}p");
    let r = err(form(&over)).await;
    assert!(matches!(r, FormRejection::TooLarge));
    assert_response(r, 413, TOO_LARGE).await;

    // The same without a size hint, streamed in chunks.
    let chunks = over
        .as_bytes()
        .chunks(1000)
        .map(|c| Ok(Bytes::copy_from_slice(c)))
        .collect();
    let r = parse_password_form(chunked(URLENCODED, chunks), &FormConfig::default())
        .await
        .unwrap_err();
    assert_response(r, 413, TOO_LARGE).await;
}

#[tokio::test]
async fn custom_small_limit() {
    let config = FormConfig::default().limit(24);
    assert_eq!(config.get_limit(), 24);
    let r = parse_password_form(form("username=alice&password=secret"), &config)
        .await
        .unwrap_err();
    assert_response(r, 413, TOO_LARGE).await;

    let f = parse_password_form(form("username=a&password=b"), &config)
        .await
        .unwrap();
    assert_eq!(f.username, "a");

    // Streamed: stops at the first chunk past the limit, never reading the error after it.
    let chunks = vec![
        Ok(Bytes::from_static(b"username=alice&")),
        Ok(Bytes::from_static(b"password=secret")),
        Err(std::io::Error::other("never reached")),
    ];
    let r = parse_password_form(chunked(URLENCODED, chunks), &config)
        .await
        .unwrap_err();
    assert_response(r, 413, TOO_LARGE).await;

    // Multipart counts the whole body.
    let body = multipart_body(&[("username", None, "a"), ("password", None, "b")]);
    let config = FormConfig::new().limit(body.len() - 1);
    let r = parse_password_form(req(Some(&multipart_ct()), body.clone()), &config)
        .await
        .unwrap_err();
    assert_response(r, 413, TOO_LARGE).await;
    let config = FormConfig::new().limit(body.len());
    let f = parse_password_form(req(Some(&multipart_ct()), body), &config)
        .await
        .unwrap();
    assert_eq!(f.password, "b");
}

#[tokio::test]
async fn content_length_over_limit_is_413_without_reading() {
    let req = Request::builder()
        .method("POST")
        .header(CONTENT_TYPE, URLENCODED)
        .header(CONTENT_LENGTH, "17")
        .body(Chunks(
            vec![Err(std::io::Error::other("must not be read"))].into(),
        ))
        .unwrap();
    let r = parse_password_form(req, &FormConfig::default().limit(16))
        .await
        .unwrap_err();
    assert_response(r, 413, TOO_LARGE).await;
}

#[tokio::test]
async fn body_stream_error_is_400() {
    let chunks = vec![
        Ok(Bytes::from_static(b"username=alice&")),
        Err(std::io::Error::other("connection reset")),
    ];
    let r = parse_password_form(chunked(URLENCODED, chunks), &FormConfig::default())
        .await
        .unwrap_err();
    assert!(matches!(r, FormRejection::BodyRead(_)));
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    // The cause is the source, for the log; Display is what the client may read.
    assert_eq!(r.to_string(), PARSE_ERROR_DETAIL);
    assert_eq!(
        std::error::Error::source(&r).map(ToString::to_string),
        Some("connection reset".to_owned())
    );
    assert_response(r, 400, PARSE_ERROR).await;

    let chunks = vec![Err(std::io::Error::other("boom"))];
    let r = parse_password_form_strict(chunked(&multipart_ct(), chunks), &FormConfig::default())
        .await
        .unwrap_err();
    assert_response(r, 400, PARSE_ERROR).await;
}

#[tokio::test]
async fn non_utf8_percent_escapes_do_not_panic() {
    let f = ok(form("username=%FF%FE&password=%C3%28&scope=%80+ok")).await;
    assert_eq!(f.username, "\u{FFFD}\u{FFFD}");
    assert_eq!(f.password, "\u{FFFD}(");
    assert_eq!(f.scopes, ["\u{FFFD}", "ok"]);

    let r = err(form("grant_type=%FF&username=u&password=p")).await;
    let expected = r#"{"detail":[{"type":"string_pattern_mismatch","loc":["body","grant_type"],"msg":"String should match pattern '^password$'","input":"\ufffd","ctx":{"pattern":"^password$"}}]}"#
        .replace("\\ufffd", "\u{FFFD}");
    assert_response(r, 422, &expected).await;

    // Raw non-UTF-8 bytes, stray percent signs and a non-UTF-8 header. FastAPI 0.165
    // (Starlette 1.10, python-multipart 0.0.34) answered `"username":"ÿþ%"`: raw bytes are
    // latin-1 characters.
    let raw = Bytes::from_static(b"username=\xff\xfe%&password=%zz%");
    let f = parse_password_form(req(Some(URLENCODED), raw), &FormConfig::default())
        .await
        .unwrap();
    assert_eq!(f.username, "\u{ff}\u{fe}%");
    assert_eq!(f.password, "%zz%");
    let bad_header = Request::builder()
        .header(
            CONTENT_TYPE,
            HeaderValue::from_bytes(b"multipart/form-data; boundary=\xff").unwrap(),
        )
        .body(Full::new(Bytes::from_static(b"x")))
        .unwrap();
    let r = err(bad_header).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);

    // Non-UTF-8 multipart text.
    let mut body =
        format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"username\"\r\n\r\n")
            .into_bytes();
    body.extend_from_slice(b"al\xffce\r\n");
    body.extend_from_slice(multipart_body(&[("password", None, "p")]).as_bytes());
    let f = ok(req(Some(&multipart_ct()), body)).await;
    // FastAPI 0.165 answered `"username":"alÿce"`: a part that is not UTF-8 is read as
    // latin-1 as a whole.
    assert_eq!(f.username, "al\u{ff}ce");
}

// ---- Debug, Display, tracing ----

#[tokio::test]
async fn debug_redacts_password_and_client_secret() {
    let f = ok(form(
        "username=alice&password=hunter2&client_id=app&client_secret=topsecret",
    ))
    .await;
    let debug = format!("{f:?}");
    assert!(!debug.contains("hunter2"), "{debug}");
    assert!(!debug.contains("topsecret"), "{debug}");
    assert_eq!(
        debug,
        r#"OAuth2PasswordRequestForm { grant_type: None, username: "alice", password: "REDACTED", scopes: [], client_id: Some("app"), client_secret: Some("REDACTED") }"#
    );

    let strict = OAuth2PasswordRequestFormStrict {
        grant_type: "password".to_owned(),
        username: "alice".to_owned(),
        password: "hunter2".to_owned(),
        scopes: vec!["me".to_owned()],
        client_id: None,
        client_secret: Some("topsecret".to_owned()),
    };
    let debug = format!("{:#?}", strict.clone());
    assert!(
        !debug.contains("hunter2") && !debug.contains("topsecret"),
        "{debug}"
    );
    assert!(debug.contains("password: \"REDACTED\""), "{debug}");
    assert!(debug.contains("\"REDACTED\""), "{debug}");
}

#[tokio::test]
async fn display_and_status() {
    let r = err(form("")).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        r.to_string(),
        "invalid password form: body.username: Field required (missing); body.password: Field required (missing)"
    );
    assert_eq!(
        FormRejection::TooLarge.to_string(),
        "Request body too large"
    );
    assert_eq!(
        FormRejection::TooLarge.status(),
        StatusCode::PAYLOAD_TOO_LARGE
    );
}

#[tokio::test]
async fn rejections_emit_one_tracing_event_without_secrets() {
    let (logs, _guard) = crate::tests::capture_logs();

    let r = err(form(
        "grant_type=client_credentials&password=hunter2&client_secret=topsecret",
    ))
    .await;
    let _ = r.into_http_response();
    let text = logs.text();
    assert_eq!(text.lines().count(), 1, "{text}");
    assert!(text.contains("towerapi::rejection"), "{text}");
    assert!(text.contains("status=422"), "{text}");
    assert!(text.contains("rejection=\"Validation\""), "{text}");
    assert!(
        !text.contains("hunter2") && !text.contains("topsecret"),
        "{text}"
    );

    logs.clear();
    let _ = parse_password_form(
        form("username=a&password=hunter2"),
        &FormConfig::new().limit(4),
    )
    .await
    .unwrap_err();
    let text = logs.text();
    assert_eq!(text.lines().count(), 1, "{text}");
    assert!(
        text.contains("status=413") && text.contains("TooLarge"),
        "{text}"
    );

    logs.clear();
    let _ = ok(form("username=a&password=hunter2")).await;
    assert!(logs.text().is_empty());
}

#[cfg(feature = "axum")]
#[tokio::test]
async fn axum_extractors_and_into_response() {
    use axum_core::extract::FromRequest;
    use axum_core::response::IntoResponse;

    let req = Request::builder()
        .method("POST")
        .header(CONTENT_TYPE, URLENCODED)
        .body(axum_core::body::Body::from(
            "username=alice&password=secret",
        ))
        .unwrap();
    let f = OAuth2PasswordRequestForm::from_request(req, &())
        .await
        .unwrap();
    assert_eq!(f.username, "alice");

    let req = Request::builder()
        .method("POST")
        .header(CONTENT_TYPE, URLENCODED)
        .body(axum_core::body::Body::from(
            "username=alice&password=secret",
        ))
        .unwrap();
    let r = OAuth2PasswordRequestFormStrict::from_request(req, &())
        .await
        .unwrap_err();
    let res = IntoResponse::into_response(r);
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(res.headers()[CONTENT_TYPE], "application/json");
    assert_eq!(
        res.headers()[CONTENT_LENGTH],
        MISSING_GRANT_TYPE.len().to_string().as_str()
    );
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    assert_eq!(&bytes[..], MISSING_GRANT_TYPE.as_bytes());

    fn assert_send<T: Send>(_: &T) {}
    let req = Request::new(axum_core::body::Body::empty());
    let fut = OAuth2PasswordRequestForm::from_request(req, &());
    assert_send(&fut);
    drop(fut);
}
