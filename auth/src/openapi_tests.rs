//! Every layer and scheme describes itself, through the path a user takes: a `DocBuilder`
//! route over the layer, then the document. The expected entries are FastAPI's, for the
//! schemes as `examples/fastapi_parity.rs` configures them.

use http::request::Parts;
use http::{HeaderMap, HeaderValue, Method, Uri};
use serde_json::{json, Value};
use tower::ServiceBuilder;
use tower_layer::{Identity, Layer};
use towerapi_openapi::{DocBuilder, DocError, DocProbe, Info, OpenApi, OperationSpec};

use crate::form::{OAuth2PasswordRequestForm, OAuth2PasswordRequestFormStrict};
use crate::*;

fn oauth2_password() -> OAuth2PasswordBearer {
    OAuth2PasswordBearer::new("token").scopes([
        ("items:read", "Read items."),
        ("items:write", "Write items."),
        ("me", "Read information about the current user."),
    ])
}

fn oauth2_authcode() -> OAuth2AuthorizationCodeBearer {
    OAuth2AuthorizationCodeBearer::new(
        "https://auth.example.com/authorize",
        "https://auth.example.com/token",
    )
    .refresh_url("https://auth.example.com/refresh")
    .scopes([("openid", "OpenID"), ("profile", "Profile")])
}

fn oauth2_flows() -> OAuth2 {
    OAuth2::new(
        OAuthFlows::new()
            .password(OAuthFlow::password("token").scopes([("items:read", "Read items.")]))
            .client_credentials(OAuthFlow::client_credentials(
                "https://auth.example.com/token",
            ))
            .implicit(
                OAuthFlow::implicit("https://auth.example.com/authorize").scopes([("x", "X")]),
            ),
    )
    .scheme_name("OAuth2Flows")
    .description("Generic OAuth2 with several flows")
}

fn http_bearer() -> HttpBearer {
    HttpBearer::new()
        .bearer_format("JWT")
        .description("Bearer token")
}

fn http_base_custom() -> HttpBase {
    HttpBase::new("custom")
        .expect("a valid scheme name")
        .scheme_name("HTTPCustom")
}

fn api_key_header() -> ApiKeyHeader {
    ApiKeyHeader::new("X-API-Key")
}

fn openid() -> OpenIdConnect {
    OpenIdConnect::new("https://auth.example.com/.well-known/openid-configuration")
}

/// A verifier that accepts anything.
async fn anyone<C>(_credentials: C, _parts: &Parts) -> Result<&'static str, AuthError> {
    Ok("anyone")
}

/// `GET /x` behind `layer`.
fn doc<L: Layer<DocProbe>>(layer: &L) -> OpenApi {
    DocBuilder::new()
        .route(Method::GET, "/x", layer)
        .finish(Info::new("t", "1"))
        .expect("the document")
}

fn scheme(doc: &OpenApi, name: &str) -> Value {
    let scheme = doc
        .components
        .security_schemes
        .get(name)
        .unwrap_or_else(|| panic!("no scheme {name}"));
    serde_json::to_value(scheme).expect("JSON")
}

fn security(doc: &OpenApi) -> Value {
    let op = doc.operation("get", "/x").expect("GET /x");
    serde_json::to_value(&op.security).expect("JSON")
}

fn response(doc: &OpenApi, status: &str) -> Option<Value> {
    let op = doc.operation("get", "/x").expect("GET /x");
    op.responses
        .get(status)
        .map(|r| serde_json::to_value(r).expect("JSON"))
}

fn enforced(doc: &OpenApi) -> Vec<String> {
    doc.security_report().rows[0].enforced.clone()
}

/// The `401`/`403` body the layers answer.
fn detail_schema() -> Value {
    json!({
        "type": "object",
        "properties": {"detail": {"type": "string"}},
        "required": ["detail"]
    })
}

fn not_authenticated(challenge: &str) -> Value {
    json!({
        "description": "Not authenticated",
        "headers": {"WWW-Authenticate": {"description": challenge, "schema": {"type": "string"}}},
        "content": {"application/json": {"schema": detail_schema()}}
    })
}

// ---- one test per scheme: FastAPI's entry ----------------------------------------------------

#[test]
fn http_basic_describes_itself() {
    let d = doc(&AuthLayer::new(HttpBasic::new()));
    assert_eq!(
        scheme(&d, "HTTPBasic"),
        json!({"type": "http", "scheme": "basic"})
    );
    assert_eq!(security(&d), json!([{"HTTPBasic": []}]));
    assert_eq!(response(&d, "401"), Some(not_authenticated("Basic")));
    assert_eq!(enforced(&d), ["AuthLayer<HttpBasic> (required)"]);

    // The realm is in the challenge only.
    let realm = HttpBasic::new().realm("oracle realm").expect("a realm");
    let d = doc(&AuthLayer::new(realm));
    assert_eq!(
        scheme(&d, "HTTPBasic"),
        json!({"type": "http", "scheme": "basic"})
    );
    assert_eq!(
        response(&d, "401"),
        Some(not_authenticated("Basic realm=\"oracle realm\""))
    );
}

#[test]
fn http_bearer_describes_itself_with_format_and_description() {
    let d = doc(&AuthLayer::new(http_bearer()));
    assert_eq!(
        scheme(&d, "HTTPBearer"),
        json!({"type": "http", "description": "Bearer token", "scheme": "bearer", "bearerFormat": "JWT"})
    );
    assert_eq!(security(&d), json!([{"HTTPBearer": []}]));
    assert_eq!(response(&d, "401"), Some(not_authenticated("Bearer")));

    let d = doc(&AuthLayer::new(HttpBearer::new()));
    assert_eq!(
        scheme(&d, "HTTPBearer"),
        json!({"type": "http", "scheme": "bearer"})
    );
}

#[test]
fn http_digest_describes_itself() {
    let d = doc(&AuthLayer::new(HttpDigest::new()));
    assert_eq!(
        scheme(&d, "HTTPDigest"),
        json!({"type": "http", "scheme": "digest"})
    );
    assert_eq!(security(&d), json!([{"HTTPDigest": []}]));
    assert_eq!(response(&d, "401"), Some(not_authenticated("Digest")));
}

#[test]
fn http_base_describes_its_scheme_as_configured() {
    let d = doc(&AuthLayer::new(http_base_custom()));
    assert_eq!(
        scheme(&d, "HTTPCustom"),
        json!({"type": "http", "scheme": "custom"})
    );
    assert_eq!(security(&d), json!([{"HTTPCustom": []}]));
    // The challenge is title-cased, the document keeps the scheme as written (FastAPI's
    // `HTTPBaseModel(scheme=scheme)`).
    assert_eq!(response(&d, "401"), Some(not_authenticated("Custom")));
}

#[test]
fn api_key_query_describes_itself() {
    let d = doc(&AuthLayer::new(ApiKeyQuery::new("api_key")));
    assert_eq!(
        scheme(&d, "APIKeyQuery"),
        json!({"type": "apiKey", "in": "query", "name": "api_key"})
    );
    assert_eq!(security(&d), json!([{"APIKeyQuery": []}]));
    assert_eq!(response(&d, "401"), Some(not_authenticated("APIKey")));
}

#[test]
fn api_key_header_describes_the_name_as_written() {
    let key = api_key_header();
    assert_eq!(key.name().as_str(), "x-api-key");
    let d = doc(&AuthLayer::new(key));
    assert_eq!(
        scheme(&d, "APIKeyHeader"),
        json!({"type": "apiKey", "in": "header", "name": "X-API-Key"})
    );
    assert_eq!(security(&d), json!([{"APIKeyHeader": []}]));
}

#[test]
fn api_key_cookie_describes_itself() {
    let d = doc(&AuthLayer::new(ApiKeyCookie::new("session")));
    assert_eq!(
        scheme(&d, "APIKeyCookie"),
        json!({"type": "apiKey", "in": "cookie", "name": "session"})
    );
    assert_eq!(security(&d), json!([{"APIKeyCookie": []}]));
}

#[test]
fn oauth2_describes_all_its_flows() {
    let d = doc(&AuthLayer::new(oauth2_flows()));
    assert_eq!(
        scheme(&d, "OAuth2Flows"),
        json!({
            "type": "oauth2",
            "description": "Generic OAuth2 with several flows",
            "flows": {
                "implicit": {"scopes": {"x": "X"}, "authorizationUrl": "https://auth.example.com/authorize"},
                "password": {"scopes": {"items:read": "Read items."}, "tokenUrl": "token"},
                "clientCredentials": {"scopes": {}, "tokenUrl": "https://auth.example.com/token"}
            }
        })
    );
    assert_eq!(security(&d), json!([{"OAuth2Flows": []}]));
    assert_eq!(response(&d, "401"), Some(not_authenticated("Bearer")));
}

#[test]
fn oauth2_password_bearer_describes_its_password_flow_in_order() {
    let d = doc(&AuthLayer::new(oauth2_password()));
    let expected = json!({
        "type": "oauth2",
        "flows": {
            "password": {
                "scopes": {
                    "items:read": "Read items.",
                    "items:write": "Write items.",
                    "me": "Read information about the current user."
                },
                "tokenUrl": "token"
            }
        }
    });
    assert_eq!(scheme(&d, "OAuth2PasswordBearer"), expected);
    assert_eq!(security(&d), json!([{"OAuth2PasswordBearer": []}]));
    // Scopes keep their order (a JSON value compares maps unordered).
    let scopes: Vec<&str> = match &d
        .components
        .security_schemes
        .get("OAuth2PasswordBearer")
        .expect("the scheme")
        .kind
    {
        towerapi_openapi::model::SecuritySchemeKind::OAuth2 { flows } => flows
            .password
            .as_ref()
            .expect("the password flow")
            .scopes
            .iter()
            .map(|(k, _)| k)
            .collect(),
        other => panic!("not oauth2: {other:?}"),
    };
    assert_eq!(scopes, ["items:read", "items:write", "me"]);

    let with_refresh = OAuth2PasswordBearer::new("token").refresh_url("refresh");
    let d = doc(&AuthLayer::new(with_refresh));
    assert_eq!(
        scheme(&d, "OAuth2PasswordBearer"),
        json!({"type": "oauth2", "flows": {"password": {"refreshUrl": "refresh", "scopes": {}, "tokenUrl": "token"}}})
    );
}

#[test]
fn oauth2_authorization_code_bearer_describes_its_flow() {
    let d = doc(&AuthLayer::new(oauth2_authcode()));
    assert_eq!(
        scheme(&d, "OAuth2AuthorizationCodeBearer"),
        json!({
            "type": "oauth2",
            "flows": {
                "authorizationCode": {
                    "refreshUrl": "https://auth.example.com/refresh",
                    "scopes": {"openid": "OpenID", "profile": "Profile"},
                    "authorizationUrl": "https://auth.example.com/authorize",
                    "tokenUrl": "https://auth.example.com/token"
                }
            }
        })
    );
    assert_eq!(security(&d), json!([{"OAuth2AuthorizationCodeBearer": []}]));
}

#[test]
fn openid_connect_describes_its_url() {
    let d = doc(&AuthLayer::new(openid()));
    assert_eq!(
        scheme(&d, "OpenIdConnect"),
        json!({
            "type": "openIdConnect",
            "openIdConnectUrl": "https://auth.example.com/.well-known/openid-configuration"
        })
    );
    assert_eq!(security(&d), json!([{"OpenIdConnect": []}]));
}

#[test]
fn a_description_and_a_scheme_name_are_written() {
    let d = doc(&AuthLayer::new(
        ApiKeyCookie::new("session")
            .scheme_name("Session")
            .description("The session cookie"),
    ));
    assert_eq!(
        scheme(&d, "Session"),
        json!({"type": "apiKey", "in": "cookie", "name": "session", "description": "The session cookie"})
    );
    assert_eq!(security(&d), json!([{"Session": []}]));
}

// ---- optional auth, 401s ---------------------------------------------------------------------

#[test]
fn optional_auth_adds_an_anonymous_requirement_last_and_no_401_without_a_verifier() {
    let d = doc(&AuthLayer::new(http_bearer().auto_error(false)));
    assert_eq!(security(&d), json!([{"HTTPBearer": []}, {}]));
    assert_eq!(response(&d, "401"), None);
    assert_eq!(enforced(&d), ["AuthLayer<HttpBearer> (optional)"]);

    // The same scheme required: a 401.
    let d = doc(&AuthLayer::new(http_bearer()));
    assert_eq!(security(&d), json!([{"HTTPBearer": []}]));
    assert_eq!(response(&d, "401"), Some(not_authenticated("Bearer")));
}

#[test]
fn optional_auth_with_a_verifier_still_documents_the_401() {
    let layer = AuthLayer::new(http_bearer().auto_error(false))
        .verify(anyone::<HttpAuthorizationCredentials>);
    let d = doc(&layer);
    assert_eq!(security(&d), json!([{"HTTPBearer": []}, {}]));
    assert_eq!(response(&d, "401"), Some(not_authenticated("Bearer")));
    assert_eq!(enforced(&d), ["AuthLayer<HttpBearer> (optional, verified)"]);

    let d = doc(&AuthLayer::new(http_bearer()).verify(anyone::<HttpAuthorizationCredentials>));
    assert_eq!(enforced(&d), ["AuthLayer<HttpBearer> (required, verified)"]);
}

#[test]
fn optional_http_basic_documents_the_401_for_a_malformed_value() {
    assert!(HttpBasic::new().rejects_malformed());
    assert!(!HttpBearer::new().rejects_malformed());
    let d = doc(&AuthLayer::new(HttpBasic::new().auto_error(false)));
    assert_eq!(security(&d), json!([{"HTTPBasic": []}, {}]));
    assert_eq!(response(&d, "401"), Some(not_authenticated("Basic")));
}

#[test]
fn on_reject_documents_the_401_without_a_body_schema() {
    let layer = AuthLayer::new(HttpBearer::new())
        .on_reject(|_e: &AuthError| http::Response::new(towerapi_encode::Body::empty()));
    let d = doc(&layer);
    assert_eq!(
        response(&d, "401"),
        Some(json!({
            "description": "Not authenticated",
            "headers": {"WWW-Authenticate": {"description": "Bearer", "schema": {"type": "string"}}}
        }))
    );
}

// ---- AnyOf -----------------------------------------------------------------------------------

#[test]
fn any_of_registers_both_schemes_as_two_requirements() {
    let d = doc(&AuthLayer::new(AnyOf::new(http_bearer(), api_key_header())));
    assert_eq!(
        security(&d),
        json!([{"HTTPBearer": []}, {"APIKeyHeader": []}])
    );
    assert_eq!(
        scheme(&d, "HTTPBearer"),
        json!({"type": "http", "description": "Bearer token", "scheme": "bearer", "bearerFormat": "JWT"})
    );
    assert_eq!(
        scheme(&d, "APIKeyHeader"),
        json!({"type": "apiKey", "in": "header", "name": "X-API-Key"})
    );
    assert_eq!(
        response(&d, "401"),
        Some(not_authenticated("Bearer, APIKey"))
    );
    assert_eq!(
        enforced(&d),
        ["AuthLayer<AnyOf<HttpBearer, ApiKeyHeader>> (required)"]
    );

    // Optional: anonymous last; nested, in order; a Basic inside rejects malformed values.
    let any = AnyOf::new(
        HttpBasic::new(),
        AnyOf::new(http_bearer(), api_key_header()),
    )
    .auto_error(false);
    assert!(any.rejects_malformed());
    let d = doc(&AuthLayer::new(any));
    assert_eq!(
        security(&d),
        json!([{"HTTPBasic": []}, {"HTTPBearer": []}, {"APIKeyHeader": []}, {}])
    );
    assert!(response(&d, "401").is_some());
    assert!(!AnyOf::new(http_bearer(), api_key_header()).rejects_malformed());
}

// ---- scopes ----------------------------------------------------------------------------------

#[test]
fn scopes_layers_in_a_service_builder_add_their_scopes_outermost_first() {
    let stack = ServiceBuilder::new()
        .layer(ScopesLayer::new(["route"]))
        .layer(AuthLayer::new(oauth2_password()))
        .layer(ScopesLayer::new(["inner:a", "inner:b"]));
    let d = doc(&stack);
    assert_eq!(
        security(&d),
        json!([{"OAuth2PasswordBearer": ["route", "inner:a", "inner:b"]}])
    );
    let forbidden = response(&d, "403").expect("a 403");
    assert_eq!(forbidden["description"], "Not enough permissions");
    assert_eq!(
        forbidden["content"]["application/json"]["schema"],
        detail_schema()
    );
    assert_eq!(
        forbidden["headers"]["WWW-Authenticate"]["description"],
        "Bearer, with scope=\"...\" naming the scopes the operation requires"
    );
    assert_eq!(response(&d, "401"), Some(not_authenticated("Bearer")));
    assert_eq!(
        enforced(&d),
        [
            "ScopesLayer [route]",
            "AuthLayer<OAuth2PasswordBearer> (required)",
            "ScopesLayer [inner:a inner:b]"
        ]
    );
    assert_eq!(
        d.security_report().rows[0].requirements,
        ["OAuth2PasswordBearer[route inner:a inner:b]"]
    );

    // The verifier innermost: the same requirement.
    let stack = ServiceBuilder::new()
        .layer(ScopesLayer::new(["route"]))
        .layer(ScopesLayer::new(["inner:a", "inner:b"]))
        .layer(AuthLayer::new(oauth2_password()).verify(anyone::<BearerToken>));
    assert_eq!(
        security(&doc(&stack)),
        json!([{"OAuth2PasswordBearer": ["route", "inner:a", "inner:b"]}])
    );
}

#[test]
fn http_and_api_key_requirements_carry_no_scopes() {
    let stack = ServiceBuilder::new()
        .layer(ScopesLayer::new(["items:read"]))
        .layer(AuthLayer::new(AnyOf::new(http_bearer(), api_key_header())));
    let d = doc(&stack);
    assert_eq!(
        security(&d),
        json!([{"HTTPBearer": []}, {"APIKeyHeader": []}])
    );
    assert!(response(&d, "403").is_some());

    // An oauth2 beside an apiKey: only the oauth2 one carries them.
    let stack = (
        ScopesLayer::new(["me"]),
        AuthLayer::new(AnyOf::new(api_key_header(), openid())),
    );
    assert_eq!(
        security(&doc(&stack)),
        json!([{"APIKeyHeader": []}, {"OpenIdConnect": ["me"]}])
    );
}

// ---- errors ----------------------------------------------------------------------------------

/// A scheme of a user's own that does not describe itself.
#[derive(Clone)]
struct Homemade(SchemeMeta);

impl Scheme for Homemade {
    type Credentials = ApiKey;

    fn extract(&self, _headers: &HeaderMap, _uri: &Uri) -> Result<Option<ApiKey>, AuthError> {
        Ok(None)
    }

    fn challenges(&self) -> Vec<HeaderValue> {
        vec![HeaderValue::from_static("APIKey")]
    }

    fn meta(&self) -> &SchemeMeta {
        &self.0
    }
}

#[test]
fn a_scheme_without_a_description_fails_finish() {
    let scheme = Homemade(SchemeMeta {
        scheme_name: "Homemade".into(),
        description: None,
        auto_error: true,
    });
    let err = DocBuilder::new()
        .route(Method::GET, "/x", &AuthLayer::new(scheme))
        .finish(Info::new("t", "1"))
        .expect_err("an undescribed scheme");
    match err {
        DocError::Undescribed { type_name, reason } => {
            assert!(type_name.ends_with("Homemade"), "{type_name}");
            assert_eq!(reason, "implement Scheme::describe_scheme");
        }
        other => panic!("not Undescribed: {other:?}"),
    }
}

#[test]
fn two_schemes_under_one_name_conflict() {
    let err = DocBuilder::new()
        .route(Method::GET, "/a", &AuthLayer::new(HttpBearer::new()))
        .route(
            Method::GET,
            "/b",
            &AuthLayer::new(HttpBasic::new().scheme_name("HTTPBearer")),
        )
        .finish(Info::new("t", "1"))
        .expect_err("a conflict");
    assert_eq!(
        err,
        DocError::SchemeConflict {
            name: "HTTPBearer".into()
        }
    );

    // The same scheme on two routes is one entry.
    let d = DocBuilder::new()
        .route(Method::GET, "/a", &AuthLayer::new(http_bearer()))
        .route(
            Method::GET,
            "/b",
            &AuthLayer::new(http_bearer().auto_error(false)),
        )
        .finish(Info::new("t", "1"))
        .expect("the document");
    assert_eq!(d.components.security_schemes.len(), 1);
}

// ---- the password forms ----------------------------------------------------------------------

/// A schema of FastAPI 0.165's document for its reference app (the repository's test data):
/// the forms' components are compared with FastAPI's own, not with a copy.
fn fastapi_schema(name: &str) -> Value {
    const DOC: &str = include_str!("../../tests/data/fastapi-0.165-openapi.json");
    let doc: Value = serde_json::from_str(DOC).expect("JSON");
    let schema = doc["components"]["schemas"][name].clone();
    assert!(schema.is_object(), "FastAPI's document has {name}");
    schema
}

/// FastAPI's body component for a form route, under our component name.
fn fastapi_form(fastapi_name: &str, ours: &str) -> Value {
    let mut schema = fastapi_schema(fastapi_name);
    schema["title"] = json!(ours);
    schema
}

fn validation_error_components() -> (Value, Value) {
    (
        fastapi_schema("HTTPValidationError"),
        fastapi_schema("ValidationError"),
    )
}

fn token_doc(describer: crate::form::PasswordFormDoc) -> OpenApi {
    DocBuilder::new()
        .route_with(
            Method::POST,
            "/token",
            &Identity::new(),
            |op: OperationSpec| op.describe(describer),
        )
        .finish(Info::new("t", "1"))
        .expect("the document")
}

fn check_form_doc(d: &OpenApi, name: &str, expected: Value) {
    let op = d.operation("post", "/token").expect("POST /token");
    assert_eq!(
        serde_json::to_value(&op.request_body).expect("JSON"),
        json!({
            "content": {
                "application/x-www-form-urlencoded": {
                    "schema": {"$ref": format!("#/components/schemas/{name}")}
                }
            },
            "required": true
        })
    );
    assert_eq!(
        serde_json::to_value(op.responses.get("422")).expect("JSON"),
        json!({
            "description": "Validation Error",
            "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/HTTPValidationError"}}
            }
        })
    );
    let schemas = &d.components.schemas;
    assert_eq!(
        serde_json::to_value(schemas.get(name)).expect("JSON"),
        expected
    );
    let (http_validation_error, validation_error) = validation_error_components();
    assert_eq!(
        serde_json::to_value(schemas.get("HTTPValidationError")).expect("JSON"),
        http_validation_error
    );
    assert_eq!(
        serde_json::to_value(schemas.get("ValidationError")).expect("JSON"),
        validation_error
    );
}

#[test]
fn password_form_describes_its_body_component_and_422() {
    check_form_doc(
        &token_doc(OAuth2PasswordRequestForm::openapi()),
        "OAuth2PasswordRequestForm",
        fastapi_form(
            "Body_login_for_access_token_token_post",
            "OAuth2PasswordRequestForm",
        ),
    );
}

#[test]
fn strict_password_form_requires_grant_type() {
    check_form_doc(
        &token_doc(OAuth2PasswordRequestFormStrict::openapi()),
        "OAuth2PasswordRequestFormStrict",
        fastapi_form(
            "Body_token_strict_echo_token_strict_echo_post",
            "OAuth2PasswordRequestFormStrict",
        ),
    );
}

#[test]
fn the_form_schema_names_the_fields_the_parser_reads() {
    for form in [
        OAuth2PasswordRequestForm::openapi(),
        OAuth2PasswordRequestFormStrict::openapi(),
    ] {
        let schema = form.schema();
        let mut names: Vec<&str> = schema
            .get("properties")
            .and_then(Value::as_object)
            .expect("properties")
            .keys()
            .map(String::as_str)
            .collect();
        names.sort_unstable();
        let mut fields = crate::form::FIELDS.to_vec();
        fields.sort_unstable();
        assert_eq!(names, fields, "{}", form.schema_name());
    }
}

#[test]
fn both_forms_share_the_validation_components() {
    let d = DocBuilder::new()
        .route_with(Method::POST, "/token", &Identity::new(), |op| {
            op.describe(OAuth2PasswordRequestForm::openapi())
        })
        .route_with(Method::POST, "/strict", &Identity::new(), |op| {
            op.describe(OAuth2PasswordRequestFormStrict::openapi())
        })
        .finish(Info::new("t", "1"))
        .expect("the document");
    let names: Vec<&str> = d.components.schemas.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        [
            "HTTPValidationError",
            "OAuth2PasswordRequestForm",
            "OAuth2PasswordRequestFormStrict",
            "ValidationError"
        ]
    );
}

#[test]
fn the_validation_error_helper_documents_a_422_on_its_own() {
    #[derive(Clone)]
    struct TagQuery;

    impl towerapi_openapi::Describe for TagQuery {
        fn describe(&self, cx: &mut towerapi_openapi::DescribeCx<'_>) -> Result<(), DocError> {
            crate::form::validation_error_response(cx)
        }
    }

    let d = DocBuilder::new()
        .route_with(Method::GET, "/x", &Identity::new(), |op| {
            op.describe(TagQuery)
        })
        .finish(Info::new("t", "1"))
        .expect("the document");
    assert_eq!(
        response(&d, "422"),
        Some(json!({
            "description": "Validation Error",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/HTTPValidationError"}}}
        }))
    );
    let (http_validation_error, validation_error) = validation_error_components();
    let schemas = &d.components.schemas;
    assert_eq!(
        serde_json::to_value(schemas.get("HTTPValidationError")).expect("JSON"),
        http_validation_error
    );
    assert_eq!(
        serde_json::to_value(schemas.get("ValidationError")).expect("JSON"),
        validation_error
    );
}

// ---- the whole set, byte for byte ------------------------------------------------------------

/// All eleven schemes as `examples/fastapi_parity.rs` configures them, in FastAPI's order.
fn all_schemes() -> OpenApi {
    DocBuilder::new()
        .route(Method::GET, "/1", &AuthLayer::new(oauth2_password()))
        .route(Method::GET, "/2", &AuthLayer::new(oauth2_authcode()))
        .route(Method::GET, "/3", &AuthLayer::new(oauth2_flows()))
        .route(Method::GET, "/4", &AuthLayer::new(HttpBasic::new()))
        .route(Method::GET, "/5", &AuthLayer::new(http_bearer()))
        .route(Method::GET, "/6", &AuthLayer::new(HttpDigest::new()))
        .route(Method::GET, "/7", &AuthLayer::new(http_base_custom()))
        .route(
            Method::GET,
            "/8",
            &AuthLayer::new(ApiKeyQuery::new("api_key")),
        )
        .route(Method::GET, "/9", &AuthLayer::new(api_key_header()))
        .route(
            Method::GET,
            "/10",
            &AuthLayer::new(ApiKeyCookie::new("session")),
        )
        .route(Method::GET, "/11", &AuthLayer::new(openid()))
        .finish(Info::new("t", "1"))
        .expect("the document")
}

/// FastAPI's `components.securitySchemes`, compact.
const FASTAPI_SCHEMES: &str = r#"{"OAuth2PasswordBearer":{"type":"oauth2","flows":{"password":{"scopes":{"items:read":"Read items.","items:write":"Write items.","me":"Read information about the current user."},"tokenUrl":"token"}}},"OAuth2AuthorizationCodeBearer":{"type":"oauth2","flows":{"authorizationCode":{"refreshUrl":"https://auth.example.com/refresh","scopes":{"openid":"OpenID","profile":"Profile"},"authorizationUrl":"https://auth.example.com/authorize","tokenUrl":"https://auth.example.com/token"}}},"OAuth2Flows":{"type":"oauth2","description":"Generic OAuth2 with several flows","flows":{"implicit":{"scopes":{"x":"X"},"authorizationUrl":"https://auth.example.com/authorize"},"password":{"scopes":{"items:read":"Read items."},"tokenUrl":"token"},"clientCredentials":{"scopes":{},"tokenUrl":"https://auth.example.com/token"}}},"HTTPBasic":{"type":"http","scheme":"basic"},"HTTPBearer":{"type":"http","description":"Bearer token","scheme":"bearer","bearerFormat":"JWT"},"HTTPDigest":{"type":"http","scheme":"digest"},"HTTPCustom":{"type":"http","scheme":"custom"},"APIKeyQuery":{"type":"apiKey","in":"query","name":"api_key"},"APIKeyHeader":{"type":"apiKey","in":"header","name":"X-API-Key"},"APIKeyCookie":{"type":"apiKey","in":"cookie","name":"session"},"OpenIdConnect":{"type":"openIdConnect","openIdConnectUrl":"https://auth.example.com/.well-known/openid-configuration"}}"#;

#[test]
fn all_schemes_equal_fastapis_as_json_values() {
    let ours = serde_json::to_value(&all_schemes().components.security_schemes).expect("JSON");
    let fastapi: Value = serde_json::from_str(FASTAPI_SCHEMES).expect("JSON");
    assert_eq!(ours, fastapi);
}

/// towerapi-openapi writes FastAPI's key order: `description` right after
/// `type`, and a flow's `refreshUrl`, `scopes` before `authorizationUrl`, `tokenUrl`.
#[test]
fn all_schemes_equal_fastapis_byte_for_byte() {
    let ours = serde_json::to_string(&all_schemes().components.security_schemes).expect("JSON");
    assert_eq!(ours, FASTAPI_SCHEMES);
}
