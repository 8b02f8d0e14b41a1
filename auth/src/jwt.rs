//! JWT verification and issuing on `jsonwebtoken`: FastAPI's OAuth2-with-JWT recipe, with safer
//! defaults.
//!
//! [`JwtVerifier`] checks a token's signature with keys the server chose (by `kid`), against an
//! algorithm allow-list the server set (never the token's say), then the time claims: `exp`
//! required, `nbf` and an `iat` in the future rejected, leeway 0 by default; `iss` and `aud` when
//! configured, and a token carrying `aud` when none is configured rejected, as PyJWT does. It
//! reads the scopes from the claim in use (`scope`, `scp` or FastAPI's `scopes`) and your own
//! claims type beside the standard ones. As a [`Verify`] of [`BearerToken`] it
//! plugs into an [`AuthLayer`](crate::AuthLayer): an invalid token is FastAPI's
//! `401 {"detail":"Could not validate credentials"}` with `WWW-Authenticate: Bearer` (and the
//! scopes the request requires so far, `Bearer scope="..."`).
//!
//! The header is read for `alg` and `kid` only: a `crit` header (RFC 7515 4.1.11: extensions
//! the recipient must understand) is refused, since this verifier understands none, and keys
//! embedded in or pointed at by the token (`jwk`, `jku`, `x5u`, `x5c`) are never used. With
//! [`typ`](JwtVerifier::typ) the token's `typ` must be the one configured (RFC 8725 3.11; RFC
//! 9068's `at+jwt`).
//!
//! [`JwtIssuer`] signs claims with an expiry, for a `/token` endpoint.
//!
//! # Example
//! ```
//! use towerapi_auth::jwt::{JwtIssuer, JwtVerifier};
//!
//! let issuer = JwtIssuer::hs256(b"oracle-secret");
//! let token = issuer.issue_at(&serde_json::json!({"sub": "alice", "scopes": ["items:read"]}), 4102444800).unwrap();
//! let claims = JwtVerifier::<serde_json::Value>::hs256(b"oracle-secret").verify(&token).unwrap();
//! assert_eq!(claims.sub.as_deref(), Some("alice"));
//! assert_eq!(*claims.scopes, ["items:read"]);
//! ```

use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use http::request::Parts;
#[cfg(test)]
use jsonwebtoken::Header;
pub use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey};
use serde::de::DeserializeOwned;

use crate::{AuthError, BearerToken, SecurityScopes, Verify};

mod cache;
mod decode;
mod issue;
mod keys;
mod pyjwt;
#[cfg(feature = "jwks")]
mod remote;
pub use cache::TokenCache;
use decode::{decode_claims, numeric, strings, verify_signature, Claim};
pub use issue::JwtIssuer;
use keys::{Key, KeySet};
#[cfg(feature = "jwks")]
pub use remote::{Fetch, FetchError, FetchErrorKind, HttpFetch, RemoteJwks, RemoteJwksBuilder};

/// Makes the backend of the enabled feature the process's `jsonwebtoken` provider, unless one is
/// installed already (with both features on, aws-lc-rs). Without this, `jsonwebtoken` panics on
/// first use when both backends are compiled in.
fn ensure_provider() {
    #[cfg(feature = "jwt-aws-lc-rs")]
    let _ = jsonwebtoken::crypto::aws_lc::DEFAULT_PROVIDER.install_default();
    #[cfg(all(feature = "jwt-rust-crypto", not(feature = "jwt-aws-lc-rs")))]
    let _ = jsonwebtoken::crypto::rust_crypto::DEFAULT_PROVIDER.install_default();
}

/// Which claim holds the scopes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum ScopesClaim {
    /// `scopes`: a list of strings (FastAPI's tutorial). A string there is invalid, as FastAPI's
    /// `TokenData` validation fails on it.
    #[default]
    Scopes,
    /// `scope`: one space-separated string (RFC 9068, RFC 8693).
    Scope,
    /// `scp`: a list of strings, or one space-separated string (Azure AD, Okta).
    Scp,
}

/// The verified claims: the standard ones, the scopes, and yours.
///
/// Every part is shared, so a clone copies nothing: not the claims a cached token hands to each
/// request, nor the [`Principal`](crate::Principal) a handler extracts. Read them as you would
/// owned values (`claims.sub.as_deref()`, `claims.custom.username`, `claims.custom["aud"]`);
/// `Arc::unwrap_or_clone(claims.custom)` gives your type by value.
#[derive(Clone, Debug, PartialEq)]
pub struct Claims<C = serde_json::Value> {
    /// `sub`, when it is a string (a non-string `sub` is invalid, as PyJWT says).
    pub sub: Option<Arc<str>>,
    /// The scopes, from the configured claim; [`GrantedScopes`](crate::GrantedScopes) shares
    /// them.
    pub scopes: Arc<[String]>,
    /// `exp`.
    pub exp: Option<u64>,
    /// `iss`.
    pub iss: Option<Arc<str>>,
    /// `kid` of the key that verified the token.
    pub kid: Option<Arc<str>>,
    /// All the claims, as your type.
    pub custom: Arc<C>,
}

/// Why a token was refused. The client only ever sees `Could not validate credentials`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JwtError {
    kind: JwtErrorKind,
    message: String,
    /// The token's `exp` is past (a [`JwtErrorKind::Time`] error).
    expired: bool,
}

/// The kind of a [`JwtError`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum JwtErrorKind {
    /// Not a JWT, or its parts do not decode.
    Malformed,
    /// Longer than the verifier accepts.
    TooLong,
    /// Signed with an algorithm not on the allow-list (`none` included).
    Algorithm,
    /// A `kid` not in the key set, or no key for the algorithm.
    UnknownKey,
    /// The signature does not match.
    Signature,
    /// Expired, not yet valid, issued in the future, or `exp` missing.
    Time,
    /// `aud` or `iss` not as configured.
    Audience,
    /// The claims do not have the expected shape (scopes, `sub`, your type).
    Claims,
    /// A header the verifier refuses: `crit` (extensions it does not understand), or a `typ`
    /// other than the configured one.
    Header,
}

impl JwtError {
    fn new(kind: JwtErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
            expired: false,
        }
    }

    /// Whether the token was refused because its `exp` is past (a [`JwtErrorKind::Time`]
    /// error; `nbf` and `iat` are Time errors too).
    pub fn is_expired(&self) -> bool {
        self.expired
    }

    /// The kind.
    pub fn kind(&self) -> JwtErrorKind {
        self.kind
    }
}

impl fmt::Display for JwtError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid token ({:?}): {}", self.kind, self.message)
    }
}

impl std::error::Error for JwtError {}

fn from_jwt(e: &jsonwebtoken::errors::Error) -> JwtError {
    use jsonwebtoken::errors::ErrorKind as K;
    let kind = match e.kind() {
        K::InvalidSignature => JwtErrorKind::Signature,
        K::InvalidAlgorithm | K::InvalidAlgorithmName => JwtErrorKind::Algorithm,
        K::MissingRequiredClaim(claim) if claim == "iss" || claim == "aud" => {
            JwtErrorKind::Audience
        }
        K::ExpiredSignature | K::ImmatureSignature | K::MissingRequiredClaim(_) => {
            JwtErrorKind::Time
        }
        K::InvalidAudience | K::InvalidIssuer | K::InvalidSubject => JwtErrorKind::Audience,
        K::InvalidKeyFormat | K::InvalidRsaKey(_) | K::InvalidEcdsaKey => JwtErrorKind::UnknownKey,
        K::Json(_) => JwtErrorKind::Claims,
        _ => JwtErrorKind::Malformed,
    };
    JwtError::new(kind, e.to_string())
}

/// Why a token's header could not be read: an `alg` jsonwebtoken does not know (`none`
/// included) is [`JwtErrorKind::Algorithm`], anything else [`JwtErrorKind::Malformed`] (never
/// `Claims`: the claims were not reached). Only on the error path.
fn header_error(token: &str, e: &jsonwebtoken::errors::Error) -> JwtError {
    use base64::Engine as _;
    let alg = token
        .split('.')
        .next()
        .and_then(|h| {
            base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(h)
                .ok()
        })
        .and_then(|h| serde_json::from_slice::<serde_json::Value>(&h).ok())
        .and_then(|h| h.get("alg").and_then(|a| a.as_str()).map(str::to_owned));
    match (alg, e.kind()) {
        (Some(alg), jsonwebtoken::errors::ErrorKind::Json(_)) => {
            JwtError::new(JwtErrorKind::Algorithm, format!("{alg:?} is not allowed"))
        }
        _ => JwtError::new(JwtErrorKind::Malformed, format!("header: {e}")),
    }
}

#[derive(Clone)]
struct Config {
    /// The keys given to the builder.
    own: KeySet,
    /// Keys fetched from a URL, swapped in the background.
    #[cfg(feature = "jwks")]
    remote: Option<RemoteJwks>,
    algorithms: Vec<Algorithm>,
    leeway: u64,
    require_exp: bool,
    issuer: Option<Vec<String>>,
    audience: Option<Vec<String>>,
    scopes_claim: ScopesClaim,
    max_len: usize,
    /// The `typ` a token must carry, when set (compared without case and without an
    /// `application/` prefix, as RFC 8725 3.11 says).
    typ: Option<String>,
    /// RFC 6750's `error=` attributes in the challenges.
    rfc6750: bool,
}

/// A media type without its `application/` prefix (any case), as `typ` compares (RFC 7515 4.1.9).
fn strip_application(typ: &str) -> &str {
    match typ.get(..12) {
        Some(prefix) if prefix.eq_ignore_ascii_case("application/") => &typ[12..],
        _ => typ,
    }
}

/// Verifies JWTs (see the [module](self)). Cheap to clone.
pub struct JwtVerifier<C = serde_json::Value> {
    config: Arc<Config>,
    /// Verified tokens, when [`cache`](Self::cache) is configured; shared by the clones.
    cache: Option<Arc<cache::Store<Claims<C>>>>,
    _claims: PhantomData<fn() -> C>,
}

impl<C> Clone for JwtVerifier<C> {
    fn clone(&self) -> Self {
        Self {
            config: self.config.clone(),
            cache: self.cache.clone(),
            _claims: PhantomData,
        }
    }
}

impl<C> fmt::Debug for JwtVerifier<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("JwtVerifier");
        d.field("algorithms", &self.config.algorithms)
            .field("kids", &self.config.own.by_kid.keys().collect::<Vec<_>>())
            .field("keys", &self.config.own.anonymous.len())
            .field("leeway", &self.config.leeway)
            .field("require_exp", &self.config.require_exp)
            .field("issuer", &self.config.issuer)
            .field("audience", &self.config.audience)
            .field("scopes_claim", &self.config.scopes_claim)
            .field("typ", &self.config.typ)
            .field("cache", &self.cache.as_ref().map(|c| c.config()));
        #[cfg(feature = "jwks")]
        d.field("remote", &self.config.remote);
        d.finish_non_exhaustive()
    }
}

impl<C: DeserializeOwned + 'static> JwtVerifier<C> {
    /// A verifier with no key yet; add keys with [`key`](Self::key) and
    /// [`key_with_kid`](Self::key_with_kid).
    pub fn new() -> Self {
        ensure_provider();
        Self {
            config: Arc::new(Config {
                own: KeySet::default(),
                #[cfg(feature = "jwks")]
                remote: None,
                algorithms: Vec::new(),
                leeway: 0,
                require_exp: true,
                issuer: None,
                audience: None,
                scopes_claim: ScopesClaim::default(),
                max_len: 8 * 1024,
                typ: None,
                rfc6750: false,
            }),
            cache: None,
            _claims: PhantomData,
        }
    }

    /// HS256 with a shared secret (FastAPI's tutorial).
    pub fn hs256(secret: &[u8]) -> Self {
        Self::new().key(DecodingKey::from_secret(secret), [Algorithm::HS256])
    }

    fn edit(mut self, f: impl FnOnce(&mut Config)) -> Self {
        f(Arc::make_mut(&mut self.config));
        // What was verified under the old configuration is not known to hold under the new one.
        self.cache = self
            .cache
            .map(|old| Arc::new(cache::Store::new(old.config())));
        self
    }

    /// Remembers verified tokens (see [`TokenCache`]): a token seen again within its life skips
    /// the signature check, so an identity provider's RS256 tokens cost a hash lookup, not an RSA
    /// verification, from their second use. Off by default. Used by the verifier's [`Verify`]
    /// implementation, i.e. behind an [`AuthLayer`](crate::AuthLayer); [`verify`](Self::verify)
    /// itself always checks.
    #[must_use]
    pub fn cache(mut self, cache: TokenCache) -> Self {
        self.cache = Some(Arc::new(cache::Store::new(cache)));
        self
    }

    /// The cache's configuration, when one was set with [`cache`](Self::cache).
    pub fn get_cache(&self) -> Option<TokenCache> {
        self.cache.as_ref().map(|c| c.config())
    }

    /// A key for tokens without a `kid`, for these algorithms (which join the allow-list).
    #[must_use]
    pub fn key(self, key: DecodingKey, algorithms: impl IntoIterator<Item = Algorithm>) -> Self {
        let algorithms: Vec<Algorithm> = algorithms.into_iter().collect();
        self.edit(|c| {
            for a in &algorithms {
                if !c.algorithms.contains(a) {
                    c.algorithms.push(*a);
                }
            }
            c.own.anonymous.push(Key { key, algorithms });
        })
    }

    /// A key for tokens whose header names this `kid`.
    #[must_use]
    pub fn key_with_kid(
        self,
        kid: impl Into<String>,
        key: DecodingKey,
        algorithms: impl IntoIterator<Item = Algorithm>,
    ) -> Self {
        let algorithms: Vec<Algorithm> = algorithms.into_iter().collect();
        let kid = kid.into();
        self.edit(|c| {
            for a in &algorithms {
                if !c.algorithms.contains(a) {
                    c.algorithms.push(*a);
                }
            }
            c.own.by_kid.insert(kid, Key { key, algorithms });
        })
    }

    /// The keys of a JSON Web Key Set (an identity provider's `jwks_uri` document), each under its
    /// `kid` (a key without one verifies tokens without a `kid`). A key is used only for the
    /// algorithms of `allowed` that fit it: the one its `alg` names, else those of its type (RSA:
    /// RS* and PS*; EC: ES256 on P-256, ES384 on P-384; OKP: EdDSA; oct: HS*). A key that fits none,
    /// or that jsonwebtoken cannot load, is skipped and logged.
    #[must_use]
    pub fn jwks(
        self,
        set: &jsonwebtoken::jwk::JwkSet,
        allowed: impl IntoIterator<Item = Algorithm>,
    ) -> Self {
        let allowed: Vec<Algorithm> = allowed.into_iter().collect();
        let keys = KeySet::from_jwks(set, &allowed);
        self.edit(|c| {
            for key in keys.by_kid.values().chain(&keys.anonymous) {
                for a in &key.algorithms {
                    if !c.algorithms.contains(a) {
                        c.algorithms.push(*a);
                    }
                }
            }
            c.own.by_kid.extend(keys.by_kid);
            c.own.anonymous.extend(keys.anonymous);
        })
    }

    /// Requires the token's `typ` header to be `typ` (RFC 8725 3.11): `JwtVerifier::typ("at+jwt")`
    /// accepts RFC 9068 access tokens (`at+jwt` or `application/at+jwt`, any case) and refuses
    /// an ID token or a token without `typ`, with [`JwtErrorKind::Header`]. Default: any `typ`.
    #[must_use]
    pub fn typ(self, typ: impl Into<String>) -> Self {
        let typ = typ.into();
        let typ = strip_application(&typ).to_ascii_lowercase();
        self.edit(|c| c.typ = Some(typ))
    }

    /// Seconds of clock skew allowed on `exp`, `nbf` and `iat` (default 0).
    #[must_use]
    pub fn leeway(self, seconds: u64) -> Self {
        self.edit(|c| c.leeway = seconds)
    }

    /// Whether `exp` is required (default `true`: a token that never expires is refused).
    #[must_use]
    pub fn require_exp(self, require: bool) -> Self {
        self.edit(|c| c.require_exp = require)
    }

    /// The accepted issuers.
    #[must_use]
    pub fn issuer<I: IntoIterator<Item = S>, S: Into<String>>(self, issuers: I) -> Self {
        let list = issuers.into_iter().map(Into::into).collect();
        self.edit(|c| c.issuer = Some(list))
    }

    /// The accepted audiences. Without any, a token carrying `aud` is refused.
    #[must_use]
    pub fn audience<I: IntoIterator<Item = S>, S: Into<String>>(self, audiences: I) -> Self {
        let list = audiences.into_iter().map(Into::into).collect();
        self.edit(|c| c.audience = Some(list))
    }

    /// The claim that holds the scopes (default FastAPI's `scopes`).
    #[must_use]
    pub fn scopes_claim(self, claim: ScopesClaim) -> Self {
        self.edit(|c| c.scopes_claim = claim)
    }

    /// Adds RFC 6750's error codes to the challenges (off by default: FastAPI sends none), so
    /// that a client can tell why a token was refused: `Bearer error="invalid_token"` for a
    /// token that does not verify, with `error_description="The access token expired"` when
    /// its `exp` is past, and, through the layer, `Bearer error="insufficient_scope",
    /// scope="..."` on a scope refusal (RFC 6750 3.1). A request without a token still gets
    /// the plain `Bearer` challenge, as RFC 6750 says.
    #[must_use]
    pub fn rfc6750_errors(self) -> Self {
        self.edit(|c| c.rfc6750 = true)
    }

    /// The longest token accepted, in bytes (default 8 KiB); longer ones are refused before any
    /// decoding.
    #[must_use]
    pub fn max_token_len(self, bytes: usize) -> Self {
        self.edit(|c| c.max_len = bytes)
    }

    /// Keys fetched from a URL ([`RemoteJwks`]), beside any given here. Its algorithms join the
    /// allow-list; when it came from OpenID Connect discovery and no issuer is set yet, the
    /// discovered `issuer` becomes the accepted one.
    #[cfg(feature = "jwks")]
    #[must_use]
    pub fn remote_jwks(self, jwks: RemoteJwks) -> Self {
        self.edit(|c| {
            for a in jwks.algorithms() {
                if !c.algorithms.contains(a) {
                    c.algorithms.push(*a);
                }
            }
            if c.issuer.is_none() {
                c.issuer = jwks.issuer().map(|iss| vec![iss.to_owned()]);
            }
            c.remote = Some(jwks);
        })
    }

    /// A verifier for an OpenID provider's tokens: discovery at
    /// `{issuer}/.well-known/openid-configuration`, then its `jwks_uri`, loaded once before this
    /// returns and refreshed in the background (see [`RemoteJwks`] for the defaults and
    /// [`RemoteJwks::from_issuer`] to change them); `iss` must be the issuer.
    ///
    /// # Errors
    /// A [`FetchError`] when the issuer URL is refused, or discovery or the first key set fails.
    #[cfg(feature = "jwks")]
    pub async fn discover(
        issuer: &str,
        algorithms: impl IntoIterator<Item = Algorithm>,
    ) -> Result<Self, FetchError> {
        let jwks = RemoteJwks::from_issuer(issuer)?
            .algorithms(algorithms)
            .load()
            .await?;
        Ok(Self::new().remote_jwks(jwks))
    }

    /// Verifies a token.
    ///
    /// # Errors
    /// A [`JwtError`] saying why the token is refused.
    pub fn verify(&self, token: &str) -> Result<Claims<C>, JwtError> {
        #[cfg(feature = "jwks")]
        let remote = self.config.remote.as_ref().map(RemoteJwks::snapshot);
        #[cfg(feature = "jwks")]
        let remote = remote.as_deref();
        #[cfg(not(feature = "jwks"))]
        let remote = None;
        self.verify_in(token, remote).map_err(|(error, _)| error)
    }

    /// Verifies a token; with a [`RemoteJwks`] and a `kid` it does not know, first waits (at
    /// most the key set's timeout) for a refetch of the key set, unless one ran within its
    /// `min_refetch_interval`. Nothing blocks a thread: the fetch runs on the key set's task.
    ///
    /// # Errors
    /// A [`JwtError`] saying why the token is refused.
    #[cfg(feature = "jwks")]
    pub async fn verify_fresh(&self, token: &str) -> Result<Claims<C>, JwtError> {
        self.verify_fresh_versioned(token).await.map(|(c, _)| c)
    }

    /// `verify_fresh`, and the version of the remote key set that verified the token (0 without
    /// one), for the cache.
    #[cfg(feature = "jwks")]
    async fn verify_fresh_versioned(&self, token: &str) -> Result<(Claims<C>, u64), JwtError> {
        let Some(remote) = &self.config.remote else {
            return self
                .verify_in(token, None)
                .map(|c| (c, 0))
                .map_err(|(error, _)| error);
        };
        let snapshot = remote.snapshot();
        match self.verify_in(token, Some(&snapshot)) {
            // A kid the set does not know, or no set yet (`start` before its first fetch).
            Err((_, unknown))
                if (unknown || snapshot.version == 0) && remote.refetch(snapshot.version).await =>
            {
                let snapshot = remote.snapshot();
                self.verify_in(token, Some(&snapshot))
                    .map(|c| (c, snapshot.version))
                    .map_err(|(error, _)| error)
            }
            outcome => outcome
                .map(|c| (c, snapshot.version))
                .map_err(|(error, _)| error),
        }
    }

    /// Puts a verified token into the cache, when there is one.
    fn remember(&self, token: &str, claims: &Claims<C>, now: u64, keys_version: u64)
    where
        C: Clone,
    {
        if let Some(cache) = &self.cache {
            cache.insert(token, claims.clone(), claims.exp, now, keys_version);
        }
    }

    /// The version of the remote key set in use now (0 without one).
    fn keys_version(&self) -> u64 {
        #[cfg(feature = "jwks")]
        if let Some(remote) = &self.config.remote {
            return remote.snapshot().version;
        }
        0
    }

    /// The work of `verify`; the flag says the token names a `kid` that no key set knows.
    fn verify_in(
        &self,
        token: &str,
        remote: Option<&KeySet>,
    ) -> Result<Claims<C>, (JwtError, bool)> {
        let c = &*self.config;
        if token.len() > c.max_len {
            return Err((
                JwtError::new(JwtErrorKind::TooLong, format!("{} bytes", token.len())),
                false,
            ));
        }
        let header =
            jsonwebtoken::decode_header(token).map_err(|e| (header_error(token, &e), false))?;
        if header.crit.is_some() {
            // RFC 7515 4.1.11: a recipient that does not understand a listed extension must
            // refuse the token; this one understands none.
            return Err((
                JwtError::new(JwtErrorKind::Header, "crit names extensions not understood"),
                false,
            ));
        }
        if let Some(want) = &c.typ {
            let matches = header
                .typ
                .as_deref()
                .is_some_and(|t| strip_application(t).eq_ignore_ascii_case(want));
            if !matches {
                return Err((
                    JwtError::new(JwtErrorKind::Header, format!("typ is not {want}")),
                    false,
                ));
            }
        }
        if !c.algorithms.contains(&header.alg) {
            return Err((
                JwtError::new(
                    JwtErrorKind::Algorithm,
                    format!("{:?} is not allowed", header.alg),
                ),
                false,
            ));
        }
        let (named, anonymous, fetched): (Option<&Key>, &[Key], &[Key]) = match &header.kid {
            Some(kid) => {
                let found = c
                    .own
                    .by_kid
                    .get(kid)
                    .or_else(|| remote.and_then(|r| r.by_kid.get(kid)));
                match found {
                    Some(key) => (Some(key), &[], &[]),
                    None => {
                        return Err((JwtError::new(JwtErrorKind::UnknownKey, "unknown kid"), true))
                    }
                }
            }
            None => (
                None,
                &c.own.anonymous,
                remote.map_or(&[][..], |r| &r.anonymous[..]),
            ),
        };
        let keys = named.into_iter().chain(anonymous).chain(fetched);
        let mut last = JwtError::new(JwtErrorKind::UnknownKey, "no key for the algorithm");
        for key in keys.filter(|k| k.algorithms.contains(&header.alg)) {
            match verify_signature(token, &key.key, header.alg) {
                // The signature is the key's: what the claims say is the answer.
                Ok(payload) => {
                    return decode_claims(payload)
                        .and_then(|claims| self.validate(&claims).map(|()| claims))
                        .and_then(|claims| {
                            self.claims(serde_json::Value::Object(claims), header.kid.as_deref())
                        })
                        .map_err(|e| (e, false))
                }
                Err(e) => last = e,
            }
        }
        Err((last, false))
    }

    /// The registered claims, as jsonwebtoken's `validate` checks them with the verifier's
    /// options: `exp` required (unless turned off) and not past (`leeway` allowed), `nbf` not
    /// in the future, a configured `iss` or `aud` present and accepted, an `aud` refused when
    /// none is configured. An `exp` or `nbf` that is not a non-negative number is malformed.
    fn validate(
        &self,
        claims: &serde_json::Map<String, serde_json::Value>,
    ) -> Result<(), JwtError> {
        let c = &*self.config;
        let now = unix_now();
        let exp = numeric(claims.get("exp"));
        let nbf = numeric(claims.get("nbf"));
        let iss = strings(claims.get("iss"));
        let aud = strings(claims.get("aud"));
        if c.require_exp && !matches!(exp, Claim::Parsed(_)) {
            return Err(JwtError::new(
                JwtErrorKind::Time,
                "missing required claim: exp",
            ));
        }
        if c.issuer.is_some() && !matches!(iss, Claim::Parsed(_)) {
            return Err(JwtError::new(
                JwtErrorKind::Audience,
                "missing required claim: iss",
            ));
        }
        if c.audience.is_some() && !matches!(aud, Claim::Parsed(_)) {
            return Err(JwtError::new(
                JwtErrorKind::Audience,
                "missing required claim: aud",
            ));
        }
        for (name, claim) in [("exp", &exp), ("nbf", &nbf)] {
            if matches!(claim, Claim::Invalid) {
                return Err(JwtError::new(
                    JwtErrorKind::Malformed,
                    format!("{name} is not a number"),
                ));
            }
        }
        if matches!(exp, Claim::Parsed(exp) if exp < now.saturating_sub(c.leeway)) {
            return Err(JwtError {
                expired: true,
                ..JwtError::new(JwtErrorKind::Time, "expired")
            });
        }
        if matches!(nbf, Claim::Parsed(nbf) if nbf > now.saturating_add(c.leeway)) {
            return Err(JwtError::new(JwtErrorKind::Time, "not yet valid"));
        }
        if let (Claim::Parsed(iss), Some(accepted)) = (&iss, &c.issuer) {
            if !iss.iter().any(|i| accepted.iter().any(|a| a == i)) {
                return Err(JwtError::new(JwtErrorKind::Audience, "issuer not accepted"));
            }
        }
        match (&aud, &c.audience) {
            // RFC 7519 4.1.3: a recipient that does not identify itself with a value of `aud`
            // must reject the token; one with no audience identifies with none.
            (Claim::Parsed(_), None) => Err(JwtError::new(
                JwtErrorKind::Audience,
                "aud present, none accepted",
            )),
            (Claim::Parsed(aud), Some(accepted))
                if !aud.iter().any(|a| accepted.iter().any(|x| x == a)) =>
            {
                Err(JwtError::new(
                    JwtErrorKind::Audience,
                    "audience not accepted",
                ))
            }
            _ => Ok(()),
        }
    }

    fn claims(&self, value: serde_json::Value, kid: Option<&str>) -> Result<Claims<C>, JwtError> {
        let c = &*self.config;
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let time = |name: &str| -> Result<Option<u64>, JwtError> {
            match value.get(name) {
                None => Ok(None),
                Some(v) => v
                    .as_u64()
                    .or_else(|| v.as_f64().filter(|f| *f >= 0.0).map(|f| f as u64))
                    .map(Some)
                    .ok_or_else(|| {
                        JwtError::new(JwtErrorKind::Time, format!("{name} is not a number"))
                    }),
            }
        };
        if let Some(iat) = time("iat")? {
            if iat > now.saturating_add(c.leeway) {
                return Err(JwtError::new(JwtErrorKind::Time, "issued in the future"));
            }
        }
        let exp = time("exp")?;
        let sub = match value.get("sub") {
            None => None,
            Some(serde_json::Value::String(s)) => Some(Arc::from(s.as_str())),
            Some(_) => return Err(JwtError::new(JwtErrorKind::Claims, "sub is not a string")),
        };
        let iss = value.get("iss").and_then(|v| v.as_str()).map(Arc::from);
        let bad =
            |what: &str| JwtError::new(JwtErrorKind::Claims, format!("{what} has the wrong shape"));
        // Collected straight into the shared list: a list's length is known, so the `Arc` is
        // allocated once; a space-separated string goes through a `Vec`.
        let list = |v: &serde_json::Value| -> Option<Arc<[String]>> {
            let items = v.as_array()?;
            items.iter().all(serde_json::Value::is_string).then(|| {
                items
                    .iter()
                    .map(|s| s.as_str().unwrap_or_default().to_owned())
                    .collect()
            })
        };
        let split = |s: &str| -> Arc<[String]> {
            s.split_whitespace()
                .map(str::to_owned)
                .collect::<Vec<_>>()
                .into()
        };
        let scopes: Arc<[String]> = match (
            c.scopes_claim,
            value.get(match c.scopes_claim {
                ScopesClaim::Scopes => "scopes",
                ScopesClaim::Scope => "scope",
                ScopesClaim::Scp => "scp",
            }),
        ) {
            (_, None) => Arc::default(),
            (ScopesClaim::Scopes, Some(v)) => list(v).ok_or_else(|| bad("scopes"))?,
            (ScopesClaim::Scope, Some(v)) => split(v.as_str().ok_or_else(|| bad("scope"))?),
            (ScopesClaim::Scp, Some(v)) => match v.as_str() {
                Some(s) => split(s),
                None => list(v).ok_or_else(|| bad("scp"))?,
            },
        };
        // By value: the claims' strings move into `C` (no deep copy of the tree for the default
        // `serde_json::Value`).
        let custom = into_custom::<C>(value)
            .map_err(|e| JwtError::new(JwtErrorKind::Claims, e.to_string()))?;
        Ok(Claims {
            sub,
            scopes,
            exp,
            iss,
            kid: kid.map(Arc::from),
            custom: Arc::new(custom),
        })
    }
}

impl<C: DeserializeOwned + 'static> Default for JwtVerifier<C> {
    fn default() -> Self {
        Self::new()
    }
}

/// The claims as the verifier's custom type. For `serde_json::Value`, the default, the tree
/// itself: deserializing a `Value` from a `Value` would rebuild every map and list of it.
fn into_custom<C: DeserializeOwned + 'static>(
    value: serde_json::Value,
) -> Result<C, serde_json::Error> {
    let mut slot = Some(value);
    if let Some(same) = (&mut slot as &mut dyn std::any::Any).downcast_mut::<Option<C>>() {
        if let Some(custom) = same.take() {
            return Ok(custom);
        }
    }
    // `slot` is still full here: it is taken only when `C` is `Value`.
    slot.map_or_else(|| C::deserialize(serde_json::Value::Null), C::deserialize)
}

/// FastAPI's answer to a token that does not verify; why goes to the log at DEBUG.
fn refuse(error: &JwtError, parts: &Parts, rfc6750: bool) -> AuthError {
    tracing::debug!(target: "towerapi::auth", kind = ?error.kind(), "token refused");
    let challenge = bearer_challenge(parts);
    let challenge = if rfc6750 {
        let code = if error.is_expired() {
            "error=\"invalid_token\", error_description=\"The access token expired\""
        } else {
            "error=\"invalid_token\""
        };
        match challenge.strip_prefix("Bearer ") {
            Some(rest) => format!("Bearer {code}, {rest}"),
            None => format!("Bearer {code}"),
        }
    } else {
        challenge
    };
    AuthError::unauthorized("Could not validate credentials").with_challenge(challenge)
}

/// Seconds since the Unix epoch (0 before it).
fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// `Bearer`, or `Bearer scope="..."` with the scopes the request requires so far: the challenge
/// FastAPI's tutorial sends with `Could not validate credentials`.
pub fn bearer_challenge(parts: &Parts) -> String {
    match parts.extensions.get::<SecurityScopes>() {
        Some(s) if !s.is_empty() => format!("Bearer scope=\"{}\"", s.scope_str()),
        _ => "Bearer".to_owned(),
    }
}

impl<C> JwtVerifier<C>
where
    C: DeserializeOwned + Clone + Send + Sync + 'static,
{
    /// [`Verify::verify_now`] of both credential types: the cache, then the verifier's own keys.
    fn verify_token_now(&self, token: &str, parts: &Parts) -> Option<Result<Claims<C>, AuthError>> {
        let now = unix_now();
        if let Some(claims) = self
            .cache
            .as_ref()
            .and_then(|cache| cache.get(token, now, self.keys_version()))
        {
            return Some(Ok(claims));
        }
        // A remote key set may need a refetch for an unknown `kid`: that waits.
        #[cfg(feature = "jwks")]
        if self.config.remote.is_some() {
            return None;
        }
        // Only the verifier's own keys from here: key set version 0.
        Some(
            JwtVerifier::verify(self, token)
                .inspect(|claims| self.remember(token, claims, now, 0))
                .map_err(|error| refuse(&error, parts, self.config.rfc6750)),
        )
    }
}

impl<C> Verify<BearerToken> for JwtVerifier<C>
where
    C: DeserializeOwned + Clone + Send + Sync + 'static,
{
    type Principal = Claims<C>;

    fn granted_scopes(principal: &Claims<C>) -> Option<Arc<[String]>> {
        Some(Arc::clone(&principal.scopes))
    }

    fn bearer_error_codes(&self) -> bool {
        self.config.rfc6750
    }

    fn verify_now(
        &self,
        token: &BearerToken,
        parts: &Parts,
    ) -> Option<Result<Claims<C>, AuthError>> {
        self.verify_token_now(&token.0, parts)
    }

    fn verify<'a>(
        &'a self,
        token: BearerToken,
        parts: &'a Parts,
    ) -> impl Future<Output = Result<Claims<C>, AuthError>> + Send + 'a {
        let rfc6750 = self.config.rfc6750;
        let refuse = move |error: JwtError| refuse(&error, parts, rfc6750);
        let now = unix_now();
        let hit = self
            .cache
            .as_ref()
            .and_then(|cache| cache.get(&token.0, now, self.keys_version()));
        #[cfg(feature = "jwks")]
        return async move {
            if let Some(claims) = hit {
                return Ok(claims);
            }
            let (claims, version) = self
                .verify_fresh_versioned(&token.0)
                .await
                .map_err(refuse)?;
            self.remember(&token.0, &claims, now, version);
            Ok(claims)
        };
        #[cfg(not(feature = "jwks"))]
        std::future::ready(match hit {
            Some(claims) => Ok(claims),
            None => JwtVerifier::verify(self, &token.0)
                .inspect(|claims| self.remember(&token.0, claims, now, 0))
                .map_err(refuse),
        })
    }
}

impl<C> Verify<crate::HttpAuthorizationCredentials> for JwtVerifier<C>
where
    C: DeserializeOwned + Clone + Send + Sync + 'static,
{
    type Principal = Claims<C>;

    fn granted_scopes(principal: &Claims<C>) -> Option<Arc<[String]>> {
        Some(Arc::clone(&principal.scopes))
    }

    fn bearer_error_codes(&self) -> bool {
        self.config.rfc6750
    }

    fn verify_now(
        &self,
        credentials: &crate::HttpAuthorizationCredentials,
        parts: &Parts,
    ) -> Option<Result<Claims<C>, AuthError>> {
        self.verify_token_now(&credentials.credentials, parts)
    }

    fn verify<'a>(
        &'a self,
        credentials: crate::HttpAuthorizationCredentials,
        parts: &'a Parts,
    ) -> impl Future<Output = Result<Claims<C>, AuthError>> + Send + 'a {
        <Self as Verify<BearerToken>>::verify(self, BearerToken(credentials.credentials), parts)
    }
}

impl<Sch: crate::Scheme> crate::AuthLayer<Sch> {
    /// Verifies the scheme's token as a JWT: `AuthLayer::new(OAuth2PasswordBearer::new("token"))
    /// .jwt(verifier)` or `AuthLayer::new(HttpBearer::new()).jwt(verifier)`.
    pub fn jwt<C>(self, verifier: JwtVerifier<C>) -> crate::AuthLayer<Sch, JwtVerifier<C>>
    where
        JwtVerifier<C>: Verify<Sch::Credentials>,
    {
        self.verify_with(verifier)
    }
}

#[cfg(test)]
mod tests;
