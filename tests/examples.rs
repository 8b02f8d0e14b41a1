//! The examples run: each is started on a free port and answers its printed URLs.
#![allow(clippy::unwrap_used, missing_docs)]

mod common;

use common::examples::{start, wait_for};
use common::{headers, send};

#[tokio::test]
async fn quickstart() {
    let (_running, addr, rx) = start("quickstart");
    // It says where its docs are, and serves them.
    wait_for(
        &rx,
        &format!("  docs http://{addr}/docs (Swagger UI), http://{addr}/redoc, http://{addr}/openapi.json"),
    );
    let w = send(addr, "GET", "/health", &[]).await;
    assert_eq!((w.status, w.body.as_slice()), (200, b"ok".as_slice()));
    let w = send(addr, "GET", "/docs", &[]).await;
    assert_eq!(
        (w.status, w.header("content-type")),
        (200, Some("text/html; charset=utf-8"))
    );
    assert!(String::from_utf8_lossy(&w.body).contains("SwaggerUIBundle(config)"));
    let w = send(addr, "GET", "/openapi.json", &[]).await;
    let doc: serde_json::Value = serde_json::from_slice(&w.body).unwrap();
    assert_eq!(
        doc["paths"]["/items/foo"]["get"]["responses"]["200"]["content"]["application/json"]
            ["schema"],
        serde_json::json!({"$ref": "#/components/schemas/Item"})
    );
    assert_eq!(
        doc["paths"]["/items"]["post"]["responses"]["201"]["description"],
        "Successful Response"
    );
    let w = send(addr, "GET", "/items/foo", &[]).await;
    assert_eq!(
        (w.status, w.stable_headers()),
        (
            200,
            headers(&[
                ("content-type", "application/json"),
                ("content-length", "37")
            ])
        )
    );
    assert_eq!(w.body, br#"{"name":"Foo","price":50.2,"tags":[]}"#);
    let w = send(addr, "POST", "/items", &[]).await;
    assert_eq!(w.status, 201);
    assert_eq!(w.body, br#"{"name":"New","price":1.5,"tags":["new"]}"#);
    let w = send(addr, "GET", "/dynamic", &[]).await;
    assert_eq!((w.status, w.header("x-extra")), (202, Some("yes")));
    let w = send(addr, "GET", "/html", &[]).await;
    assert_eq!(
        (w.header("content-type"), w.body.as_slice()),
        (
            Some("text/html; charset=utf-8"),
            b"<h1>Hello</h1>".as_slice()
        )
    );
    let w = send(addr, "GET", "/plain", &[]).await;
    assert_eq!(
        (w.header("content-type"), w.body.as_slice()),
        (Some("text/plain; charset=utf-8"), "plain text ✓".as_bytes())
    );
    let w = send(addr, "GET", "/redirect", &[]).await;
    assert_eq!((w.status, w.header("location")), (307, Some("/items/foo")));
    let w = send(addr, "GET", "/json", &[]).await;
    assert_eq!(w.body, br#"{"direct":true}"#);
    let w = send(addr, "GET", "/file", &[]).await;
    assert_eq!(
        (w.status, w.header("content-disposition")),
        (200, Some("attachment; filename=\"hello.txt\""))
    );
    assert_eq!(w.body, b"hello from the oracle file\n");
    let w = send(addr, "GET", "/stream", &[]).await;
    assert_eq!(
        (w.header("transfer-encoding"), w.body.as_slice()),
        (Some("chunked"), b"chunk1\nchunk2\n".as_slice())
    );
    let w = send(addr, "POST", "/notify", &[]).await;
    assert_eq!(w.body, br#"{"message":"notification queued"}"#);
    wait_for(&rx, "background task: notification sent");
}

#[tokio::test]
async fn hyper_only() {
    let (_running, addr, rx) = start("hyper_only");
    let w = send(addr, "GET", "/items/foo", &[]).await;
    assert_eq!(
        (w.status, w.stable_headers()),
        (
            200,
            headers(&[
                ("content-type", "application/json"),
                ("content-length", "27")
            ])
        )
    );
    assert_eq!(w.body, br#"{"name":"Foo","price":50.2}"#);
    let w = send(addr, "POST", "/items", &[]).await;
    assert_eq!(
        (w.status, w.body.as_slice()),
        (201, br#"{"name":"New","price":1.5}"#.as_slice())
    );
    let w = send(addr, "GET", "/html", &[]).await;
    assert_eq!(w.body, b"<h1>Hello</h1>");
    let w = send(addr, "GET", "/redirect", &[]).await;
    assert_eq!((w.status, w.header("location")), (307, Some("/items/foo")));
    let w = send(addr, "GET", "/nope", &[]).await;
    assert_eq!(
        (w.status, w.body.as_slice()),
        (404, br#"{"detail":"Not Found"}"#.as_slice())
    );
    let w = send(addr, "POST", "/notify", &[]).await;
    assert_eq!(w.status, 200);
    wait_for(&rx, "background task: notification sent");
}

#[tokio::test]
async fn auth() {
    let (_running, addr, _rx) = start("auth");
    let w = send(addr, "GET", "/basic", &[]).await;
    assert_eq!(
        (w.status, w.header("www-authenticate")),
        (401, Some("Basic"))
    );
    assert_eq!(w.body, br#"{"detail":"Not authenticated"}"#);
    let w = send(
        addr,
        "GET",
        "/basic",
        &[("authorization", "Basic YWxpY2U6c2VjcmV0")],
    )
    .await;
    assert_eq!(
        (w.status, w.body.as_slice()),
        (
            200,
            br#"{"username":"alice","full_name":"Alice Oracle"}"#.as_slice()
        )
    );
    let w = send(
        addr,
        "GET",
        "/basic",
        &[("authorization", "Basic Ym9iOmJ1aWxkZXI=")],
    )
    .await;
    assert_eq!(
        (w.status, w.body.as_slice()),
        (400, br#"{"detail":"Inactive user"}"#.as_slice())
    );
    let w = send(addr, "GET", "/key/header", &[("x-api-key", "k1")]).await;
    assert_eq!(
        (w.status, w.body.as_slice()),
        (200, br#"{"client":"client-1"}"#.as_slice())
    );
    let w = send(addr, "GET", "/key/query?api_key=nope", &[]).await;
    assert_eq!(
        (w.status, w.body.as_slice()),
        (403, br#"{"detail":"Invalid API key"}"#.as_slice())
    );
    let w = send(addr, "GET", "/either", &[]).await;
    let challenges: Vec<_> = w
        .headers
        .iter()
        .filter(|(n, _)| n == "www-authenticate")
        .map(|(_, v)| v.as_str())
        .collect();
    assert_eq!((w.status, challenges), (401, vec!["Bearer", "APIKey"]));
    let w = send(addr, "GET", "/oauth2/code", &[]).await;
    assert_eq!(
        (w.status, w.body.as_slice()),
        (200, br#"{"token":null}"#.as_slice())
    );
    let w = send(addr, "GET", "/scopes", &[]).await;
    assert_eq!(w.body, br#"{"scopes":["items:read","items:write"]}"#);
}

/// `POST /token` with this form: a 200 with a bearer token, as `Bearer <token>`.
async fn login(addr: std::net::SocketAddr, form: &[u8]) -> String {
    let w = common::send_body(
        addr,
        "POST",
        "/token",
        &[("content-type", "application/x-www-form-urlencoded")],
        form,
    )
    .await;
    assert_eq!(w.status, 200, "{}", String::from_utf8_lossy(&w.body));
    let body: serde_json::Value = serde_json::from_slice(&w.body).unwrap();
    assert_eq!(body["token_type"], "bearer");
    format!("Bearer {}", body["access_token"].as_str().unwrap())
}

#[tokio::test]
async fn oauth2_jwt() {
    let (_running, addr, _rx) = start("oauth2_jwt");
    let form = [("content-type", "application/x-www-form-urlencoded")];
    let w = common::send_body(
        addr,
        "POST",
        "/token",
        &form,
        b"username=johndoe&password=wrong",
    )
    .await;
    assert_eq!(
        (w.status, w.body.as_slice()),
        (
            400,
            br#"{"detail":"Incorrect username or password"}"#.as_slice()
        )
    );
    let bearer = login(addr, b"username=johndoe&password=secret&scope=me").await;
    // Swagger UI's Authorize sends an empty client id as `Authorization: Basic Og==`.
    let w = common::send_body(
        addr,
        "POST",
        "/token",
        &[
            ("content-type", "application/x-www-form-urlencoded"),
            ("authorization", "Basic Og=="),
        ],
        b"grant_type=password&scope=me+items&username=johndoe&password=secret",
    )
    .await;
    assert_eq!(w.status, 200, "{}", String::from_utf8_lossy(&w.body));
    let w = send(addr, "GET", "/users/me", &[("authorization", &bearer)]).await;
    assert_eq!((w.status, w.body.as_slice()), (200, br#"{"username":"johndoe","email":"johndoe@example.com","full_name":"John Doe","disabled":false}"#.as_slice()));
    let w = send(
        addr,
        "GET",
        "/users/me/items",
        &[("authorization", &bearer)],
    )
    .await;
    assert_eq!(
        (w.status, w.header("www-authenticate")),
        (403, Some("Bearer scope=\"items me\""))
    );
    assert_eq!(w.body, br#"{"detail":"Not enough permissions"}"#);
    let w = send(
        addr,
        "GET",
        "/users/me",
        &[("authorization", "Bearer not-a-jwt")],
    )
    .await;
    assert_eq!(
        (w.status, w.header("www-authenticate")),
        (401, Some("Bearer scope=\"me\""))
    );
    assert_eq!(w.body, br#"{"detail":"Could not validate credentials"}"#);
    let w = send(addr, "GET", "/status", &[]).await;
    assert_eq!(
        (w.status, w.header("www-authenticate")),
        (401, Some("Bearer"))
    );
    let alice = login(addr, b"username=alice&password=secret2&scope=me items").await;
    let w = send(addr, "GET", "/users/me/items", &[("authorization", &alice)]).await;
    assert_eq!(
        (w.status, w.body.as_slice()),
        (400, br#"{"detail":"Inactive user"}"#.as_slice())
    );
    let both = login(addr, b"username=johndoe&password=secret&scope=me items").await;
    let w = send(addr, "GET", "/users/me/items", &[("authorization", &both)]).await;
    assert_eq!(
        (w.status, w.body.as_slice()),
        (200, br#"[{"item_id":"Foo","owner":"johndoe"}]"#.as_slice())
    );
}

#[tokio::test]
async fn fastapi_parity() {
    let (_running, addr, _rx) = start("fastapi_parity");
    let w = send(addr, "GET", "/resp/floats-model", &[]).await;
    assert_eq!(
        (w.status, w.stable_headers()),
        (
            200,
            headers(&[
                ("content-type", "application/json"),
                ("content-length", "118")
            ])
        )
    );
    assert_eq!(
        w.body,
        br#"{"one":1.0,"big":1e+20,"small":1e-7,"tenth":0.1,"third":0.3333333333333333,"neg_zero":-0.0,"int_big":9007199254740993}"#
    );
    let w = send(addr, "GET", "/resp/file", &[]).await;
    assert_eq!(
        (w.status, w.body.as_slice()),
        (200, b"hello from the oracle file\n".as_slice())
    );
    let w = common::send_body(
        addr,
        "POST",
        "/token",
        &[("content-type", "application/x-www-form-urlencoded")],
        b"username=alice&password=secret&scope=items:read",
    )
    .await;
    assert_eq!(w.status, 200);
    let body: serde_json::Value = serde_json::from_slice(&w.body).unwrap();
    let bearer = format!("Bearer {}", body["access_token"].as_str().unwrap());
    let w = send(addr, "GET", "/me", &[("authorization", &bearer)]).await;
    assert_eq!(
        (w.status, w.body.as_slice()),
        (
            200,
            br#"{"username":"alice","email":"alice@example.com","full_name":"Alice Oracle","disabled":false}"#.as_slice()
        )
    );
    let w = send(addr, "GET", "/me/items", &[("authorization", &bearer)]).await;
    assert_eq!(
        (w.status, w.header("www-authenticate")),
        (403, Some("Bearer scope=\"items:write items:read\""))
    );
}

/// The service example: every feature of a first day's service, over real HTTP.
#[tokio::test]
async fn service() {
    let (_running, addr, rx) = start("service");
    let json = |w: &common::Wire| -> serde_json::Value { serde_json::from_slice(&w.body).unwrap() };
    let problem = |status: u16, title: &str, detail: &str| serde_json::json!({"type": "about:blank", "title": title, "status": status, "detail": detail});
    // Public.
    let w = send(addr, "GET", "/health", &[]).await;
    assert_eq!((w.status, w.body.as_slice()), (200, br#""ok""#.as_slice()));
    // The password login, and its refusal as problem details.
    let all = login(
        addr,
        b"username=alice&password=wonderland&scope=me items:read items:write",
    )
    .await;
    let reader = login(addr, b"username=alice&password=wonderland&scope=items:read").await;
    let w = common::send_body(
        addr,
        "POST",
        "/token",
        &[("content-type", "application/x-www-form-urlencoded")],
        b"username=alice&password=nope",
    )
    .await;
    assert_eq!(w.status, 400);
    assert_eq!(w.header("content-type"), Some("application/problem+json"));
    assert_eq!(
        json(&w),
        problem(400, "Bad Request", "Incorrect username or password")
    );
    // The public model drops the hash.
    let w = send(addr, "GET", "/users/me", &[("authorization", &all)]).await;
    assert_eq!(w.status, 200);
    assert_eq!(
        w.body,
        br#"{"username":"alice","full_name":"Alice Liddell"}"#
    );
    // A missing scope: 403, RFC 6750's code in the challenge.
    let w = send(addr, "GET", "/users/me", &[("authorization", &reader)]).await;
    assert_eq!(
        (w.status, w.header("www-authenticate")),
        (
            403,
            Some(r#"Bearer error="insufficient_scope", scope="me""#)
        )
    );
    assert_eq!(
        json(&w),
        problem(403, "Forbidden", "Not enough permissions")
    );
    // No token: 401 with the plain challenge.
    let w = send(addr, "GET", "/items", &[]).await;
    assert_eq!(
        (w.status, w.header("www-authenticate")),
        (401, Some("Bearer"))
    );
    assert_eq!(json(&w), problem(401, "Unauthorized", "Not authenticated"));
    // Items: read with one scope, write with another (201), an audit line after the answer.
    let w = send(addr, "GET", "/items", &[("authorization", &reader)]).await;
    assert_eq!((w.status, w.body.as_slice()), (200, b"[]".as_slice()));
    let item = br#"{"name":"apple","price":1.25}"#;
    let headers = [
        ("authorization", reader.as_str()),
        ("content-type", "application/json"),
    ];
    let w = common::send_body(addr, "POST", "/items", &headers, item).await;
    assert_eq!(w.status, 403, "the reader cannot write");
    let headers = [
        ("authorization", all.as_str()),
        ("content-type", "application/json"),
    ];
    let w = common::send_body(addr, "POST", "/items", &headers, item).await;
    assert_eq!((w.status, w.body.as_slice()), (201, item.as_slice()));
    wait_for(&rx, "audit: alice created apple");
    let w = send(addr, "GET", "/items", &[("authorization", &reader)]).await;
    assert_eq!(w.body, br#"[{"name":"apple","price":1.25}]"#);
    // An API key or a token.
    let w = send(addr, "GET", "/admin/stats", &[("x-api-key", "ops-key-1")]).await;
    assert_eq!(
        (w.status, w.body.as_slice()),
        (200, br#"{"caller":"ops","users":1}"#.as_slice())
    );
    let w = send(addr, "GET", "/admin/stats", &[("authorization", &reader)]).await;
    assert_eq!(
        (w.status, w.body.as_slice()),
        (200, br#"{"caller":"alice","users":1}"#.as_slice())
    );
    let w = send(addr, "GET", "/admin/stats", &[("x-api-key", "wrong")]).await;
    assert_eq!(json(&w), problem(403, "Forbidden", "Invalid API key"));
    let w = send(
        addr,
        "GET",
        "/admin/stats",
        &[("authorization", "Bearer x.y.z")],
    )
    .await;
    assert_eq!(
        (w.status, w.header("www-authenticate")),
        (401, Some(r#"Bearer error="invalid_token""#))
    );
    // The document says what the server does.
    let w = send(addr, "GET", "/openapi.json", &[]).await;
    let doc = json(&w);
    assert_eq!(
        doc["paths"]["/items"]["post"]["security"],
        serde_json::json!([{"OAuth2PasswordBearer": ["items:write"]}])
    );
    assert_eq!(doc["paths"]["/health"]["get"].get("security"), None);
    assert_eq!(
        doc["paths"]["/users/me"]["get"]["responses"]["200"]["content"]["application/json"]
            ["schema"],
        serde_json::json!({"$ref": "#/components/schemas/UserOut"})
    );
}
