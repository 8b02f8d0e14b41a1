//! The verifier's and the issuer's tests (the JWT attacks, the time and audience rules, keys by
//! kid, the cache, PyJWT's bytes).
#![allow(clippy::unwrap_used)]

use base64::Engine as _;
use serde_json::json;

use super::*;

const SECRET: &[u8] = b"oracle-secret";
const FUTURE: u64 = 4_102_444_800;
const PAST: u64 = 946_684_800;

fn hs(claims: serde_json::Value) -> String {
    // These tests sign with jsonwebtoken directly, before any constructor of ours ran.
    ensure_provider();
    jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        &claims,
        &EncodingKey::from_secret(SECRET),
    )
    .unwrap()
}

fn verifier() -> JwtVerifier {
    JwtVerifier::hs256(SECRET)
}

fn kind(token: &str) -> JwtErrorKind {
    verifier().verify(token).unwrap_err().kind()
}

fn b64(v: &serde_json::Value) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(serde_json::to_vec(v).unwrap())
}

#[test]
fn valid_token_gives_the_claims() {
    let t = hs(json!({"sub": "alice", "scopes": ["items:read"], "exp": FUTURE, "extra": 1}));
    let c = verifier().verify(&t).unwrap();
    assert_eq!(
        (c.sub.as_deref(), &c.scopes[..], c.exp),
        (Some("alice"), &["items:read".to_owned()][..], Some(FUTURE))
    );
    assert_eq!(c.custom["extra"], 1);
    // The tutorial's own /token output verifies (PyJWT's header order;
    // docs/behaviour/security.md, "JWT").
    let fastapi = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJhbGljZSIsInNjb3BlcyI6W10sImV4cCI6NDEwMjQ0NDgwMH0.1efPiBA7HATqMg7vZ-HfE9L8A2fBHbYVtp4q9-SPqck";
    let c = verifier().verify(fastapi).unwrap();
    assert_eq!((c.sub.as_deref(), c.scopes.len()), (Some("alice"), 0));
}

#[test]
fn time_claims() {
    assert_eq!(
        kind(&hs(json!({"sub": "a", "exp": PAST}))),
        JwtErrorKind::Time
    );
    assert_eq!(
        kind(&hs(json!({"sub": "a"}))),
        JwtErrorKind::Time,
        "exp is required"
    );
    assert!(JwtVerifier::<serde_json::Value>::hs256(SECRET)
        .require_exp(false)
        .verify(&hs(json!({"sub": "a"})))
        .is_ok());
    assert_eq!(
        kind(&hs(json!({"sub": "a", "exp": "4102444800"}))),
        JwtErrorKind::Time,
        "a numeric string exp is refused"
    );
    assert_eq!(
        kind(&hs(json!({"sub": "a", "exp": FUTURE, "nbf": FUTURE - 1}))),
        JwtErrorKind::Time
    );
    assert_eq!(
        kind(&hs(json!({"sub": "a", "exp": FUTURE, "iat": FUTURE - 1}))),
        JwtErrorKind::Time
    );
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let soon = hs(json!({"sub": "a", "exp": FUTURE, "iat": now + 30}));
    assert_eq!(kind(&soon), JwtErrorKind::Time);
    assert!(JwtVerifier::<serde_json::Value>::hs256(SECRET)
        .leeway(60)
        .verify(&soon)
        .is_ok());
}

#[test]
fn audience_and_issuer() {
    assert_eq!(
        kind(&hs(json!({"sub": "a", "exp": FUTURE, "aud": "x"}))),
        JwtErrorKind::Audience,
        "aud without a configured audience"
    );
    let v = JwtVerifier::<serde_json::Value>::hs256(SECRET)
        .audience(["api"])
        .issuer(["https://idp"]);
    assert!(v
        .verify(&hs(
            json!({"exp": FUTURE, "aud": "api", "iss": "https://idp"})
        ))
        .is_ok());
    assert_eq!(
        v.verify(&hs(
            json!({"exp": FUTURE, "aud": "other", "iss": "https://idp"})
        ))
        .unwrap_err()
        .kind(),
        JwtErrorKind::Audience
    );
    assert_eq!(
        v.verify(&hs(
            json!({"exp": FUTURE, "aud": "api", "iss": "https://evil"})
        ))
        .unwrap_err()
        .kind(),
        JwtErrorKind::Audience
    );
    for (claims, missing) in [
        (json!({"exp": FUTURE, "iss": "https://idp"}), "aud"),
        (json!({"exp": FUTURE, "aud": "api"}), "iss"),
    ] {
        assert_eq!(
            v.verify(&hs(claims)).unwrap_err().kind(),
            JwtErrorKind::Audience,
            "a configured {missing} must be in the token"
        );
    }
}

#[test]
fn attacks() {
    let good = hs(json!({"sub": "alice", "scopes": ["items:read"], "exp": FUTURE}));
    let parts: Vec<&str> = good.split('.').collect();
    // Tampered payload, original signature.
    let tampered = format!(
        "{}.{}.{}",
        parts[0],
        b64(&json!({"sub": "admin", "scopes": ["items:read"], "exp": FUTURE})),
        parts[2]
    );
    assert_eq!(kind(&tampered), JwtErrorKind::Signature);
    // alg none, no signature.
    let none = format!(
        "{}.{}.",
        b64(&json!({"alg": "none", "typ": "JWT"})),
        parts[1]
    );
    assert_eq!(kind(&none), JwtErrorKind::Algorithm);
    // HS512 with the right key: not on the allow-list.
    let hs512 = jsonwebtoken::encode(
        &Header::new(Algorithm::HS512),
        &json!({"sub": "a", "exp": FUTURE}),
        &EncodingKey::from_secret(SECRET),
    )
    .unwrap();
    assert_eq!(kind(&hs512), JwtErrorKind::Algorithm);
    // Signed with another key.
    let other = jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        &json!({"sub": "a", "exp": FUTURE}),
        &EncodingKey::from_secret(b"other"),
    )
    .unwrap();
    assert_eq!(kind(&other), JwtErrorKind::Signature);
    // Garbage.
    for garbage in [
        "not-a-jwt",
        "aaa.bbb.ccc",
        "",
        "..",
        "a.b",
        "\u{0}.\u{0}.\u{0}",
    ] {
        assert_eq!(kind(garbage), JwtErrorKind::Malformed, "{garbage:?}");
    }
    // 16 KiB: refused before decoding.
    let huge = format!("{}.{}.{}", parts[0], "A".repeat(16 * 1024), parts[2]);
    assert_eq!(kind(&huge), JwtErrorKind::TooLong);
    // A kid that is not in the set.
    let mut h = Header::new(Algorithm::HS256);
    h.kid = Some("nope".into());
    let kid = jsonwebtoken::encode(
        &h,
        &json!({"sub": "a", "exp": FUTURE}),
        &EncodingKey::from_secret(SECRET),
    )
    .unwrap();
    assert_eq!(kind(&kid), JwtErrorKind::UnknownKey);
    // Claims of the wrong shape.
    assert_eq!(
        kind(&hs(json!({"sub": 123, "exp": FUTURE}))),
        JwtErrorKind::Claims
    );
    assert_eq!(
        kind(&hs(
            json!({"sub": "a", "scopes": "items:read", "exp": FUTURE})
        )),
        JwtErrorKind::Claims
    );
}

/// `crit` is refused, `typ` checked when configured, and keys the token carries or points
/// at (`jwk`, `jku`, `x5u`, `x5c`) never used: only the verifier's own keys verify.
#[test]
fn headers_the_verifier_refuses_or_ignores() {
    ensure_provider();
    let claims = json!({"sub": "alice", "exp": FUTURE});
    let sign = |h: &Header, secret: &[u8]| {
        jsonwebtoken::encode(h, &claims, &EncodingKey::from_secret(secret)).unwrap()
    };
    let mut crit = Header::new(Algorithm::HS256);
    crit.crit = Some(vec!["exp".into()]);
    let err = verifier().verify(&sign(&crit, SECRET)).unwrap_err();
    assert_eq!(err.kind(), JwtErrorKind::Header);
    assert_eq!(
        err.to_string(),
        "invalid token (Header): crit names extensions not understood"
    );

    let at = JwtVerifier::<serde_json::Value>::hs256(SECRET).typ("application/at+JWT");
    for (typ, ok) in [
        (Some("at+jwt"), true),
        (Some("application/AT+JWT"), true),
        (Some("JWT"), false),
        (Some("application/jwt"), false),
        (Some("xat+jwt"), false),
        (None, false),
    ] {
        let mut h = Header::new(Algorithm::HS256);
        h.typ = typ.map(str::to_owned);
        let outcome = at
            .verify(&sign(&h, SECRET))
            .map(|c| c.sub.as_deref().map(str::to_owned))
            .map_err(|e| e.kind());
        let want = if ok {
            Ok(Some("alice".to_owned()))
        } else {
            Err(JwtErrorKind::Header)
        };
        assert_eq!(outcome, want, "typ {typ:?}");
    }
    // Without `typ(..)`, any typ passes.
    let mut h = Header::new(Algorithm::HS256);
    h.typ = Some("id+jwt".into());
    assert!(verifier().verify(&sign(&h, SECRET)).is_ok());

    // An attacker's key, embedded and pointed at, signing the token: never used.
    let attacker = b"attacker-secret";
    let mut embedded = Header::new(Algorithm::HS256);
    embedded.jwk = Some(
        serde_json::from_value(json!({
            "kty": "oct",
            "k": base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(attacker),
        }))
        .unwrap(),
    );
    embedded.jku = Some("https://attacker.invalid/jwks.json".into());
    embedded.x5u = Some("https://attacker.invalid/cert.pem".into());
    embedded.x5c = Some(vec!["MIIB".into()]);
    assert_eq!(kind(&sign(&embedded, attacker)), JwtErrorKind::Signature);
    // The same header on a token signed with the server's key verifies: the embedded
    // material is ignored, not trusted and not fetched.
    assert_eq!(
        verifier()
            .verify(&sign(&embedded, SECRET))
            .unwrap()
            .sub
            .as_deref(),
        Some("alice")
    );
    // With a key set by kid, a kid of the attacker's choosing is unknown.
    let mut with_kid = embedded.clone();
    with_kid.kid = Some("attacker".into());
    let by_kid = JwtVerifier::<serde_json::Value>::new().key_with_kid(
        "k1",
        DecodingKey::from_secret(SECRET),
        [Algorithm::HS256],
    );
    assert_eq!(
        by_kid
            .verify(&sign(&with_kid, attacker))
            .unwrap_err()
            .kind(),
        JwtErrorKind::UnknownKey
    );
}

fn pem(label: &str, der: &[u8]) -> String {
    let b = base64::engine::general_purpose::STANDARD.encode(der);
    let body: Vec<&str> = b
        .as_bytes()
        .chunks(64)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect();
    format!(
        "-----BEGIN {label}-----\n{}\n-----END {label}-----\n",
        body.join("\n")
    )
}

#[test]
fn rsa_ec_kids_and_algorithm_confusion() {
    ensure_provider();
    use aws_lc_rs::encoding::AsDer;
    use aws_lc_rs::signature::KeyPair;
    let rsa = aws_lc_rs::rsa::KeyPair::generate(aws_lc_rs::rsa::KeySize::Rsa2048).unwrap();
    let rsa_private =
        EncodingKey::from_rsa_pem(pem("PRIVATE KEY", rsa.as_der().unwrap().as_ref()).as_bytes())
            .unwrap();
    let rsa_public = rsa.public_key().as_ref().to_vec();
    let rng = aws_lc_rs::rand::SystemRandom::new();
    let alg = &aws_lc_rs::signature::ECDSA_P256_SHA256_FIXED_SIGNING;
    let pk8 = aws_lc_rs::signature::EcdsaKeyPair::generate_pkcs8(alg, &rng).unwrap();
    let ec = aws_lc_rs::signature::EcdsaKeyPair::from_pkcs8(alg, pk8.as_ref()).unwrap();

    let v = JwtVerifier::<serde_json::Value>::new()
        .key_with_kid(
            "rsa-1",
            DecodingKey::from_rsa_der(&rsa_public),
            [Algorithm::RS256],
        )
        .key_with_kid(
            "ec-1",
            DecodingKey::from_ec_der(ec.public_key().as_ref()),
            [Algorithm::ES256],
        );
    let sign = |alg: Algorithm, kid: &str, key: &EncodingKey| {
        let mut h = Header::new(alg);
        h.kid = Some(kid.into());
        jsonwebtoken::encode(
            &h,
            &json!({"sub": "svc", "scope": "a b", "exp": FUTURE}),
            key,
        )
        .unwrap()
    };
    let rs = sign(Algorithm::RS256, "rsa-1", &rsa_private);
    assert_eq!(v.verify(&rs).unwrap().kid.as_deref(), Some("rsa-1"));
    let es = sign(
        Algorithm::ES256,
        "ec-1",
        &EncodingKey::from_ec_der(pk8.as_ref()),
    );
    assert_eq!(v.verify(&es).unwrap().sub.as_deref(), Some("svc"));
    // The RSA key's kid on an EC signature: the key does not take that algorithm.
    let swapped = sign(
        Algorithm::ES256,
        "rsa-1",
        &EncodingKey::from_ec_der(pk8.as_ref()),
    );
    assert_eq!(
        v.verify(&swapped).unwrap_err().kind(),
        JwtErrorKind::UnknownKey
    );
    // Algorithm confusion: HS256 "signed" with the RSA public key.
    let confused = sign(
        Algorithm::HS256,
        "rsa-1",
        &EncodingKey::from_secret(&rsa_public),
    );
    assert_eq!(
        v.verify(&confused).unwrap_err().kind(),
        JwtErrorKind::Algorithm
    );
    // Scope claims in use.
    let scope = v.clone().verify(&rs).unwrap().scopes;
    assert!(scope.is_empty(), "the default claim is `scopes`");
    let v2 = JwtVerifier::<serde_json::Value>::new()
        .key_with_kid(
            "rsa-1",
            DecodingKey::from_rsa_der(&rsa_public),
            [Algorithm::RS256],
        )
        .scopes_claim(ScopesClaim::Scope);
    assert_eq!(*v2.verify(&rs).unwrap().scopes, ["a", "b"]);
}

#[test]
fn jwks_keys_not_meant_for_signatures_are_skipped() {
    let k = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(SECRET);
    let set: jsonwebtoken::jwk::JwkSet = serde_json::from_value(json!({"keys": [
        {"kty": "oct", "k": k, "kid": "enc", "use": "enc"},
        {"kty": "oct", "k": k, "kid": "wrap", "key_ops": ["encrypt", "wrapKey"]},
        {"kty": "oct", "k": k, "kid": "sig", "use": "sig"},
        {"kty": "oct", "k": k, "kid": "ops", "key_ops": ["sign", "verify"]},
    ]}))
    .unwrap();
    let v = JwtVerifier::<serde_json::Value>::new().jwks(&set, [Algorithm::HS256]);
    let signed = |kid: &str| {
        let mut header = Header::new(Algorithm::HS256);
        header.kid = Some(kid.to_owned());
        jsonwebtoken::encode(
            &header,
            &json!({"sub": "a", "exp": FUTURE}),
            &EncodingKey::from_secret(SECRET),
        )
        .unwrap()
    };
    for kid in ["enc", "wrap"] {
        assert_eq!(
            v.verify(&signed(kid)).unwrap_err().kind(),
            JwtErrorKind::UnknownKey,
            "{kid}"
        );
    }
    for kid in ["sig", "ops"] {
        assert_eq!(v.verify(&signed(kid)).unwrap().kid.as_deref(), Some(kid));
    }
}

#[test]
fn keys_from_a_jwk_set() {
    use aws_lc_rs::signature::KeyPair;
    ensure_provider();
    let rng = aws_lc_rs::rand::SystemRandom::new();
    let alg = &aws_lc_rs::signature::ECDSA_P256_SHA256_FIXED_SIGNING;
    let pk8 = aws_lc_rs::signature::EcdsaKeyPair::generate_pkcs8(alg, &rng).unwrap();
    let point = aws_lc_rs::signature::EcdsaKeyPair::from_pkcs8(alg, pk8.as_ref())
        .unwrap()
        .public_key()
        .as_ref()
        .to_vec();
    let url = |b: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b);
    let set: jsonwebtoken::jwk::JwkSet = serde_json::from_value(json!({"keys": [
        {"kty": "EC", "crv": "P-256", "kid": "ec-1", "use": "sig", "x": url(&point[1..33]), "y": url(&point[33..65])},
        {"kty": "RSA", "kid": "rsa-unusable", "n": "AQAB", "e": "AQAB", "alg": "RS256"}
    ]}))
    .unwrap();
    let v = JwtVerifier::<serde_json::Value>::new().jwks(&set, [Algorithm::ES256]);
    let mut h = Header::new(Algorithm::ES256);
    h.kid = Some("ec-1".into());
    let token = jsonwebtoken::encode(
        &h,
        &json!({"sub": "svc", "exp": FUTURE}),
        &EncodingKey::from_ec_der(pk8.as_ref()),
    )
    .unwrap();
    assert_eq!(v.verify(&token).unwrap().kid.as_deref(), Some("ec-1"));
    // RS256 is not allowed by the server: the RSA key was not loaded, its kid is unknown.
    h.kid = Some("rsa-unusable".into());
    let token = jsonwebtoken::encode(
        &h,
        &json!({"sub": "svc", "exp": FUTURE}),
        &EncodingKey::from_ec_der(pk8.as_ref()),
    )
    .unwrap();
    assert_eq!(
        v.verify(&token).unwrap_err().kind(),
        JwtErrorKind::UnknownKey
    );
}

fn layer_verify(v: &JwtVerifier, token: &str) -> Result<Claims, AuthError> {
    let (parts, ()) = http::Request::new(()).into_parts();
    let fut =
        <JwtVerifier as Verify<BearerToken>>::verify(v, BearerToken(token.to_owned()), &parts);
    now_or_never(fut)
}

/// The verifier's future never waits without a remote key set.
fn now_or_never<F: Future>(fut: F) -> F::Output {
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    match std::pin::pin!(fut).poll(&mut cx) {
        std::task::Poll::Ready(out) => out,
        std::task::Poll::Pending => unreachable!("no remote key set: nothing to wait for"),
    }
}

#[test]
fn the_token_cache_remembers_successes_only_and_resets_on_reconfiguration() {
    let v = JwtVerifier::<serde_json::Value>::hs256(SECRET).cache(TokenCache::new());
    let store = v.cache.clone().unwrap();
    let good = hs(json!({"sub": "alice", "scopes": ["items:read"], "exp": FUTURE}));
    let claims = layer_verify(&v, &good).unwrap();
    assert_eq!(claims.sub.as_deref(), Some("alice"));
    assert_eq!(store.len(), 1);
    // The next use is served from memory: the same claims, shared with the cache rather than
    // copied (every string and the custom claims are the cache's own allocations).
    let again = layer_verify(&v, &good).unwrap();
    assert_eq!(again, claims);
    let third = layer_verify(&v, &good).unwrap();
    assert!(Arc::ptr_eq(&again.custom, &third.custom));
    assert!(Arc::ptr_eq(
        again.sub.as_ref().unwrap(),
        third.sub.as_ref().unwrap()
    ));
    assert!(Arc::ptr_eq(&again.scopes, &third.scopes));
    assert_eq!(third.custom["scopes"], json!(["items:read"]));
    // Failures are never kept: a tampered signature, an expired token.
    let mut tampered = good.clone();
    tampered.pop();
    tampered.push(if good.ends_with('A') { 'B' } else { 'A' });
    let expired = hs(json!({"sub": "alice", "exp": 1}));
    for bad in [&tampered, &expired] {
        assert_eq!(
            layer_verify(&v, bad).unwrap_err().detail(),
            "Could not validate credentials"
        );
    }
    assert_eq!(store.len(), 1);
    // What the cache holds is what the layer answers, without a signature check (shown with
    // an entry no key could verify).
    store.insert("not-a-jwt", claims.clone(), None, unix_now(), 0);
    assert_eq!(layer_verify(&v, "not-a-jwt").unwrap(), claims);
    // `verify` itself always checks.
    assert_eq!(
        v.verify("not-a-jwt").unwrap_err().kind(),
        JwtErrorKind::Malformed
    );
    // A reconfigured clone starts empty; the original keeps its entries.
    let stricter = v.clone().audience(["api"]);
    assert_eq!(stricter.get_cache(), Some(TokenCache::new()));
    assert_eq!(
        layer_verify(&stricter, "not-a-jwt").unwrap_err().detail(),
        "Could not validate credentials"
    );
    assert_eq!(
        layer_verify(&stricter, &good).unwrap_err().detail(),
        "Could not validate credentials",
        "the audience is now required"
    );
    assert_eq!(layer_verify(&v, "not-a-jwt").unwrap(), claims);
    // Off unless configured.
    let plain = JwtVerifier::<serde_json::Value>::hs256(SECRET);
    assert_eq!(plain.get_cache(), None);
    assert!(layer_verify(&plain, &good).is_ok());
}

/// A token signed over raw claim bytes (which `hs` cannot write: duplicates, non-objects).
fn hs_raw(claims: &[u8]) -> String {
    let header = b64(&json!({"alg": "HS256", "typ": "JWT"}));
    let payload = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(claims);
    let message = format!("{header}.{payload}");
    let signature = jsonwebtoken::crypto::sign(
        message.as_bytes(),
        &EncodingKey::from_secret(SECRET),
        Algorithm::HS256,
    )
    .unwrap();
    format!("{message}.{signature}")
}

#[test]
fn the_claims_are_one_object_with_unique_names() {
    // The control: the same bytes, well-formed, verify.
    let ok = format!(r#"{{"sub":"alice","exp":{FUTURE}}}"#);
    assert_eq!(
        verifier()
            .verify(&hs_raw(ok.as_bytes()))
            .unwrap()
            .sub
            .as_deref(),
        Some("alice")
    );
    // A repeated name is refused, whichever copy a reader would keep.
    for claims in [
        format!(r#"{{"sub":"alice","exp":{FUTURE},"sub":"admin"}}"#),
        format!(r#"{{"exp":1,"exp":{FUTURE}}}"#),
    ] {
        assert_eq!(
            kind(&hs_raw(claims.as_bytes())),
            JwtErrorKind::Claims,
            "{claims}"
        );
    }
    // Not an object: an array in the registered claims' order, a number, a string.
    for claims in [
        format!("[{FUTURE},0,\"alice\",\"iss\",\"aud\"]"),
        "1".to_owned(),
        "\"x\"".to_owned(),
    ] {
        assert_eq!(
            kind(&hs_raw(claims.as_bytes())),
            JwtErrorKind::Claims,
            "{claims}"
        );
    }
    // Not JSON, not base64.
    assert_eq!(kind(&hs_raw(b"{")), JwtErrorKind::Claims);
    let header = b64(&json!({"alg": "HS256"}));
    let message = format!("{header}.!!!");
    let signature = jsonwebtoken::crypto::sign(
        message.as_bytes(),
        &EncodingKey::from_secret(SECRET),
        Algorithm::HS256,
    )
    .unwrap();
    assert_eq!(
        kind(&format!("{message}.{signature}")),
        JwtErrorKind::Malformed
    );
}

#[test]
fn time_claims_as_jsonwebtoken_reads_them() {
    // A float is rounded. An exp that is null, negative or a string is not one: a required
    // exp is then missing; an optional one is malformed.
    let v = verifier();
    assert_eq!(
        v.verify(&hs(json!({"exp": 4_102_444_800.4}))).unwrap().exp,
        Some(FUTURE)
    );
    let optional = verifier().require_exp(false);
    for exp in [
        json!(null),
        json!(-1),
        json!("4102444800"),
        json!(-0.5),
        json!(f64::MAX),
    ] {
        assert_eq!(
            kind(&hs(json!({ "exp": exp }))),
            JwtErrorKind::Time,
            "{exp}"
        );
        assert_eq!(
            optional
                .verify(&hs(json!({ "exp": exp })))
                .unwrap_err()
                .kind(),
            JwtErrorKind::Malformed,
            "{exp}"
        );
    }
    assert_eq!(
        kind(&hs(json!({"exp": FUTURE, "nbf": "soon"}))),
        JwtErrorKind::Malformed
    );
    // A past float exp is expired; an iss or aud of the wrong shape counts as absent when
    // one is required.
    assert_eq!(kind(&hs(json!({"exp": 1.5}))), JwtErrorKind::Time);
    let strict = verifier().issuer(["https://idp"]).audience(["api"]);
    for claims in [
        json!({"exp": FUTURE, "iss": 7, "aud": "api"}),
        json!({"exp": FUTURE, "iss": "https://idp", "aud": [1]}),
        json!({"exp": FUTURE, "iss": "https://idp", "aud": null}),
    ] {
        assert_eq!(
            strict.verify(&hs(claims.clone())).unwrap_err().kind(),
            JwtErrorKind::Audience,
            "{claims}"
        );
    }
    // A list of issuers or audiences passes when one of them is accepted.
    let token = hs(json!({"exp": FUTURE, "iss": ["x", "https://idp"], "aud": ["y", "api"]}));
    assert!(strict.verify(&token).is_ok());
    // Without a configured audience, any parsed `aud` is refused, even an empty list; one
    // of a shape no reader takes is ignored, as jsonwebtoken does.
    assert_eq!(
        kind(&hs(json!({"exp": FUTURE, "aud": []}))),
        JwtErrorKind::Audience
    );
    assert!(verifier()
        .verify(&hs(json!({"exp": FUTURE, "aud": 5})))
        .is_ok());
}

#[tokio::test]
async fn rfc6750_error_codes_when_asked_fastapis_bytes_by_default() {
    use tower::{Layer as _, ServiceExt as _};
    let challenge = |verifier: JwtVerifier, token: Option<String>, inner_scope: bool| {
        let auth = crate::AuthLayer::new(crate::OAuth2PasswordBearer::new("token")).jwt(verifier);
        let handler = tower::service_fn(|_req: http::Request<()>| async {
            Ok::<_, std::convert::Infallible>(http::Response::new(towerapi_encode::Body::empty()))
        });
        let svc = if inner_scope {
            tower::util::BoxCloneSyncService::new(
                auth.layer(crate::ScopesLayer::new(["items:read"]).layer(handler)),
            )
        } else {
            tower::util::BoxCloneSyncService::new(
                crate::ScopesLayer::new(["items:read"]).layer(auth.layer(handler)),
            )
        };
        let mut req = http::Request::builder();
        if let Some(t) = token {
            req = req.header("authorization", format!("Bearer {t}"));
        }
        async move {
            let res = svc.oneshot(req.body(()).unwrap()).await.unwrap();
            let www = res
                .headers()
                .get_all("www-authenticate")
                .iter()
                .map(|v| v.to_str().unwrap().to_owned())
                .collect::<Vec<_>>()
                .join(" | ");
            (res.status().as_u16(), www)
        }
    };
    let good = hs(json!({"sub": "alice", "scopes": ["items:read"], "exp": FUTURE}));
    let no_scope = hs(json!({"sub": "alice", "scopes": [], "exp": FUTURE}));
    let expired = hs(json!({"sub": "alice", "scopes": ["items:read"], "exp": 1}));
    let bad = format!("{good}x");
    for inner in [false, true] {
        let on = || verifier().rfc6750_errors();
        // No token: the plain challenge (RFC 6750 3.1: no error code without a token).
        assert_eq!(
            challenge(on(), None, inner).await,
            (401, "Bearer".to_owned())
        );
        assert_eq!(
            challenge(on(), Some(good.clone()), inner).await,
            (200, String::new())
        );
        // The scopes required outside the auth layer are in its challenge; those inside
        // are checked later.
        let scope = if inner { "" } else { ", scope=\"items:read\"" };
        assert_eq!(
            challenge(on(), Some(bad.clone()), inner).await,
            (401, format!("Bearer error=\"invalid_token\"{scope}"))
        );
        assert_eq!(
            challenge(on(), Some(expired.clone()), inner).await,
            (
                401,
                format!(
                    "Bearer error=\"invalid_token\", error_description=\"The access token expired\"{scope}"
                )
            )
        );
        assert_eq!(
            challenge(on(), Some(no_scope.clone()), inner).await,
            (
                403,
                "Bearer error=\"insufficient_scope\", scope=\"items:read\"".to_owned()
            )
        );
        // Off: FastAPI's bytes.
        let plain = if inner {
            "Bearer".to_owned()
        } else {
            "Bearer scope=\"items:read\"".to_owned()
        };
        assert_eq!(
            challenge(verifier(), Some(expired.clone()), inner).await,
            (401, plain)
        );
        assert_eq!(
            challenge(verifier(), Some(no_scope.clone()), inner).await,
            (403, "Bearer scope=\"items:read\"".to_owned())
        );
    }
}

#[test]
fn configuring_a_clone_never_changes_the_original() {
    let base = JwtVerifier::<serde_json::Value>::hs256(SECRET);
    let strict = base.clone().audience(["api"]);
    let token = hs(json!({"exp": FUTURE, "aud": "api"}));
    assert!(
        strict.verify(&token).is_ok(),
        "the change made on a clone is applied"
    );
    assert_eq!(
        base.verify(&token).unwrap_err().kind(),
        JwtErrorKind::Audience,
        "and the original keeps its own"
    );
}

#[test]
fn scp_as_list_or_string() {
    let v = JwtVerifier::<serde_json::Value>::hs256(SECRET).scopes_claim(ScopesClaim::Scp);
    assert_eq!(
        *v.verify(&hs(json!({"exp": FUTURE, "scp": ["a", "b"]})))
            .unwrap()
            .scopes,
        ["a", "b"]
    );
    assert_eq!(
        *v.verify(&hs(json!({"exp": FUTURE, "scp": "a  b"})))
            .unwrap()
            .scopes,
        ["a", "b"]
    );
    assert_eq!(
        v.verify(&hs(json!({"exp": FUTURE, "scp": 1})))
            .unwrap_err()
            .kind(),
        JwtErrorKind::Claims
    );
}

#[test]
fn issuer_round_trip_and_typed_claims() {
    #[derive(serde::Deserialize, Clone, Debug, PartialEq)]
    struct Mine {
        sub: String,
        tenant: u32,
    }
    let token = JwtIssuer::hs256(SECRET)
        .kid("k1")
        .ttl_secs(60)
        .issue(&json!({"sub": "alice", "tenant": 7}))
        .unwrap();
    let v = JwtVerifier::<Mine>::new().key_with_kid(
        "k1",
        DecodingKey::from_secret(SECRET),
        [Algorithm::HS256],
    );
    let c = v.verify(&token).unwrap();
    assert_eq!(
        *c.custom,
        Mine {
            sub: "alice".into(),
            tenant: 7
        }
    );
    assert!(
        c.exp.unwrap()
            > SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .unwrap()
                .as_secs()
    );
    assert!(JwtIssuer::hs256(SECRET).issue(&"not an object").is_err());
    assert!(!format!("{:?}", JwtIssuer::hs256(SECRET)).contains("oracle"));
}
