//! Every getter of every scheme (and of the other builders of the crate), called by its public
//! name with its exact value: the naming rule of the crate docs ("Names"), pinned. A getter has
//! the plain name of what it returns; only one whose name a builder method already holds takes
//! `get_`; the shared settings are read from `Scheme::meta`.
#![allow(clippy::unwrap_used, missing_docs)]

use http::header::HeaderName;
use towerapi_auth::form::FormConfig;
use towerapi_auth::{
    AnyOf, ApiKeyCookie, ApiKeyHeader, ApiKeyQuery, HttpBase, HttpBasic, HttpBearer, HttpDigest,
    OAuth2, OAuth2AuthorizationCodeBearer, OAuth2PasswordBearer, OAuthFlow, OAuthFlows,
    OpenIdConnect, Scheme, SchemeMeta,
};

fn meta(scheme_name: &str, description: Option<&str>, auto_error: bool) -> SchemeMeta {
    SchemeMeta {
        scheme_name: scheme_name.to_owned(),
        description: description.map(str::to_owned),
        auto_error,
    }
}

#[test]
fn http_schemes() {
    let basic = HttpBasic::new();
    assert_eq!(basic.get_realm(), None);
    assert_eq!(basic.meta(), &meta("HTTPBasic", None, true));
    let basic = HttpBasic::new()
        .realm("oracle realm")
        .unwrap()
        .scheme_name("Basic2")
        .description("d")
        .auto_error(false);
    assert_eq!(basic.get_realm(), Some("oracle realm"));
    assert_eq!(basic.meta(), &meta("Basic2", Some("d"), false));

    let bearer = HttpBearer::new();
    assert_eq!(bearer.get_bearer_format(), None);
    assert_eq!(bearer.meta(), &meta("HTTPBearer", None, true));
    let bearer = HttpBearer::new().bearer_format("JWT");
    assert_eq!(bearer.get_bearer_format(), Some("JWT"));

    assert_eq!(HttpDigest::new().meta(), &meta("HTTPDigest", None, true));

    let base = HttpBase::new("custom").unwrap();
    assert_eq!(base.scheme(), "custom");
    assert_eq!(base.meta(), &meta("HTTPBase", None, true));
}

#[test]
fn api_keys() {
    let query = ApiKeyQuery::new("api_key");
    assert_eq!(query.name(), "api_key");
    assert_eq!(query.meta(), &meta("APIKeyQuery", None, true));

    let header = ApiKeyHeader::new("X-API-Key");
    assert_eq!(header.name(), &HeaderName::from_static("x-api-key"));
    assert_eq!(header.meta(), &meta("APIKeyHeader", None, true));
    let header = ApiKeyHeader::try_new("X-Tenant").unwrap();
    assert_eq!(header.name().as_str(), "x-tenant");

    let cookie = ApiKeyCookie::new("session");
    assert_eq!(cookie.name(), "session");
    assert_eq!(cookie.meta(), &meta("APIKeyCookie", None, true));
}

#[test]
fn oauth2_and_openid_connect() {
    let password = OAuth2PasswordBearer::new("token")
        .scopes([("me", "Read you.")])
        .refresh_url("refresh");
    assert_eq!(
        password.flow(),
        &OAuthFlow {
            authorization_url: None,
            token_url: Some("token".to_owned()),
            refresh_url: Some("refresh".to_owned()),
            scopes: vec![("me".to_owned(), "Read you.".to_owned())],
        }
    );
    assert_eq!(password.meta(), &meta("OAuth2PasswordBearer", None, true));

    let code = OAuth2AuthorizationCodeBearer::new("authorize", "token");
    assert_eq!(
        code.flow(),
        &OAuthFlow {
            authorization_url: Some("authorize".to_owned()),
            token_url: Some("token".to_owned()),
            refresh_url: None,
            scopes: Vec::new(),
        }
    );
    assert_eq!(
        code.meta(),
        &meta("OAuth2AuthorizationCodeBearer", None, true)
    );

    let flows = OAuthFlows::new().client_credentials(OAuthFlow::client_credentials("t"));
    let oauth2 = OAuth2::new(flows.clone());
    assert_eq!(oauth2.flows(), &flows);
    assert_eq!(
        oauth2
            .flows()
            .client_credentials
            .as_ref()
            .unwrap()
            .token_url,
        Some("t".to_owned())
    );
    assert_eq!(oauth2.meta(), &meta("OAuth2", None, true));

    let oidc = OpenIdConnect::new("https://id.example.com/.well-known/openid-configuration");
    assert_eq!(
        oidc.url(),
        "https://id.example.com/.well-known/openid-configuration"
    );
    assert_eq!(oidc.meta(), &meta("OpenIdConnect", None, true));
}

#[test]
fn any_of() {
    let any = AnyOf::new(ApiKeyHeader::new("x-api-key"), HttpBearer::new()).auto_error(false);
    let (first, second) = any.schemes();
    assert_eq!(first.name().as_str(), "x-api-key");
    assert_eq!(second.get_bearer_format(), None);
    assert_eq!(any.meta(), &meta("APIKeyHeader|HTTPBearer", None, false));
}

#[test]
fn form_config() {
    assert_eq!(FormConfig::new().get_limit(), 64 * 1024);
    assert_eq!(FormConfig::new().limit(24).get_limit(), 24);
}

#[cfg(any(feature = "jwt-aws-lc-rs", feature = "jwt-rust-crypto"))]
#[test]
fn jwt_builders() {
    use std::time::Duration;
    use towerapi_auth::jwt::{JwtVerifier, TokenCache};

    let cache = TokenCache::new();
    assert_eq!(
        (
            cache.get_max_entries(),
            cache.get_max_bytes(),
            cache.get_max_age()
        ),
        (10_000, 16 * 1024 * 1024, Duration::from_secs(300))
    );
    let cache = cache
        .max_entries(5)
        .max_bytes(4096)
        .max_age(Duration::from_secs(7));
    assert_eq!(
        (
            cache.get_max_entries(),
            cache.get_max_bytes(),
            cache.get_max_age()
        ),
        (5, 4096, Duration::from_secs(7))
    );

    let verifier: JwtVerifier = JwtVerifier::hs256(b"secret");
    assert_eq!(verifier.get_cache(), None);
    let verifier = verifier.cache(cache);
    assert_eq!(verifier.get_cache(), Some(cache));
}
