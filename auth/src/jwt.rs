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
//! assert_eq!(claims.scopes, ["items:read"]);
//! ```

use std::collections::HashMap;
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
use serde::Serialize;

use crate::{AuthError, BearerToken, SecurityScopes, Verify};

mod cache;
#[cfg(feature = "jwks")]
mod remote;
pub use cache::TokenCache;
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
#[derive(Clone, Debug, PartialEq)]
pub struct Claims<C = serde_json::Value> {
    /// `sub`, when it is a string (a non-string `sub` is invalid, as PyJWT says).
    pub sub: Option<String>,
    /// The scopes, from the configured claim.
    pub scopes: Vec<String>,
    /// `exp`.
    pub exp: Option<u64>,
    /// `iss`.
    pub iss: Option<String>,
    /// `kid` of the key that verified the token.
    pub kid: Option<String>,
    /// All the claims, as your type.
    pub custom: C,
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
struct Key {
    key: DecodingKey,
    algorithms: Vec<Algorithm>,
}

/// Keys by `kid`, and the keys for tokens without one.
#[derive(Clone, Default)]
struct KeySet {
    by_kid: HashMap<String, Key>,
    anonymous: Vec<Key>,
    /// Counts the successful fetches of a remote set (0 for the builder's keys).
    #[cfg(feature = "jwks")]
    version: u64,
}

impl KeySet {
    #[cfg(feature = "jwks")]
    fn len(&self) -> usize {
        self.by_kid.len() + self.anonymous.len()
    }

    /// The keys of a JWK set that fit the allowed algorithms (see [`JwtVerifier::jwks`]).
    fn from_jwks(set: &jsonwebtoken::jwk::JwkSet, allowed: &[Algorithm]) -> Self {
        use jsonwebtoken::jwk::{AlgorithmParameters, EllipticCurve, KeyOperations, PublicKeyUse};
        let mut keys = KeySet::default();
        for jwk in &set.keys {
            // A key published for encryption (`"use": "enc"`, or `key_ops` without `verify`)
            // never verifies a signature (RFC 7517, 4.2 and 4.3).
            let for_signatures = !matches!(
                jwk.common.public_key_use,
                Some(PublicKeyUse::Encryption | PublicKeyUse::Other(_))
            ) && jwk
                .common
                .key_operations
                .as_ref()
                .is_none_or(|ops| ops.contains(&KeyOperations::Verify));
            if !for_signatures {
                tracing::debug!(target: "towerapi::auth", kid = ?jwk.common.key_id, "a JWK not meant for signatures was skipped");
                continue;
            }
            let fits: Vec<Algorithm> = match jwk.common.key_algorithm.map(Algorithm::try_from) {
                Some(Ok(alg)) => allowed.iter().copied().filter(|a| *a == alg).collect(),
                Some(Err(_)) => Vec::new(),
                None => allowed
                    .iter()
                    .copied()
                    .filter(|a| match (&jwk.algorithm, a) {
                        (
                            AlgorithmParameters::RSA(_),
                            Algorithm::RS256 | Algorithm::RS384 | Algorithm::RS512,
                        )
                        | (
                            AlgorithmParameters::RSA(_),
                            Algorithm::PS256 | Algorithm::PS384 | Algorithm::PS512,
                        )
                        | (AlgorithmParameters::OctetKeyPair(_), Algorithm::EdDSA)
                        | (
                            AlgorithmParameters::OctetKey(_),
                            Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512,
                        ) => true,
                        (AlgorithmParameters::EllipticCurve(ec), Algorithm::ES256) => {
                            ec.curve == EllipticCurve::P256
                        }
                        (AlgorithmParameters::EllipticCurve(ec), Algorithm::ES384) => {
                            ec.curve == EllipticCurve::P384
                        }
                        _ => false,
                    })
                    .collect(),
            };
            let key = match (fits.is_empty(), DecodingKey::from_jwk(jwk)) {
                (false, Ok(key)) => key,
                (_, result) => {
                    tracing::warn!(target: "towerapi::auth", kid = ?jwk.common.key_id, loadable = result.is_ok(), "a JWK was skipped");
                    continue;
                }
            };
            let key = Key {
                key,
                algorithms: fits,
            };
            match &jwk.common.key_id {
                Some(kid) => {
                    keys.by_kid.insert(kid.clone(), key);
                }
                None => keys.anonymous.push(key),
            }
        }
        keys
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

impl<C: DeserializeOwned> JwtVerifier<C> {
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

    /// The cache's configuration, when one is set.
    pub fn cache_config(&self) -> Option<TokenCache> {
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
                            self.claims(serde_json::Value::Object(claims), header.kid.clone())
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

    fn claims(&self, value: serde_json::Value, kid: Option<String>) -> Result<Claims<C>, JwtError> {
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
            Some(serde_json::Value::String(s)) => Some(s.clone()),
            Some(_) => return Err(JwtError::new(JwtErrorKind::Claims, "sub is not a string")),
        };
        let iss = value.get("iss").and_then(|v| v.as_str()).map(str::to_owned);
        let bad =
            |what: &str| JwtError::new(JwtErrorKind::Claims, format!("{what} has the wrong shape"));
        let list = |v: &serde_json::Value| -> Option<Vec<String>> {
            v.as_array()?
                .iter()
                .map(|s| s.as_str().map(str::to_owned))
                .collect()
        };
        let split = |s: &str| s.split_whitespace().map(str::to_owned).collect::<Vec<_>>();
        let scopes = match (
            c.scopes_claim,
            value.get(match c.scopes_claim {
                ScopesClaim::Scopes => "scopes",
                ScopesClaim::Scope => "scope",
                ScopesClaim::Scp => "scp",
            }),
        ) {
            (_, None) => Vec::new(),
            (ScopesClaim::Scopes, Some(v)) => list(v).ok_or_else(|| bad("scopes"))?,
            (ScopesClaim::Scope, Some(v)) => split(v.as_str().ok_or_else(|| bad("scope"))?),
            (ScopesClaim::Scp, Some(v)) => match v.as_str() {
                Some(s) => split(s),
                None => list(v).ok_or_else(|| bad("scp"))?,
            },
        };
        // By value: the claims' strings move into `C` (no deep copy of the tree for the default
        // `serde_json::Value`).
        let custom = C::deserialize(value)
            .map_err(|e| JwtError::new(JwtErrorKind::Claims, e.to_string()))?;
        Ok(Claims {
            sub,
            scopes,
            exp,
            iss,
            kid,
            custom,
        })
    }
}

impl<C: DeserializeOwned> Default for JwtVerifier<C> {
    fn default() -> Self {
        Self::new()
    }
}

/// A registered claim as jsonwebtoken reads it for validation.
enum Claim<T> {
    Parsed(T),
    Invalid,
    Absent,
}

/// `exp` / `nbf`: a non-negative integer, or a float rounded (jsonwebtoken's `NumericType`);
/// anything else (a string, `null`, a negative number) is invalid.
fn numeric(value: Option<&serde_json::Value>) -> Claim<u64> {
    let Some(value) = value else {
        return Claim::Absent;
    };
    if let Some(n) = value.as_u64() {
        return Claim::Parsed(n);
    }
    match value.as_f64() {
        // Only a float gets here as positive: an integer that fits no u64 is negative.
        Some(f) if value.is_f64() && f.is_finite() && f >= 0.0 && f < u64::MAX as f64 => {
            Claim::Parsed(f.round() as u64)
        }
        _ => Claim::Invalid,
    }
}

/// `iss` / `aud`: one string or a list of strings; `null` is absent, anything else invalid.
fn strings(value: Option<&serde_json::Value>) -> Claim<Vec<&str>> {
    match value {
        None | Some(serde_json::Value::Null) => Claim::Absent,
        Some(serde_json::Value::String(s)) => Claim::Parsed(vec![s.as_str()]),
        Some(serde_json::Value::Array(items)) => items
            .iter()
            .map(serde_json::Value::as_str)
            .collect::<Option<Vec<_>>>()
            .map_or(Claim::Invalid, Claim::Parsed),
        Some(_) => Claim::Invalid,
    }
}

/// The signature check of a token whose header was read: the token's payload part when the
/// key signed `header.payload`. jsonwebtoken's `decode` would read the header a second time
/// and the claims twice; this reads neither.
fn verify_signature<'t>(
    token: &'t str,
    key: &DecodingKey,
    alg: Algorithm,
) -> Result<&'t str, JwtError> {
    let malformed = || JwtError::new(JwtErrorKind::Malformed, "not three dot-separated parts");
    let (message, signature) = token.rsplit_once('.').ok_or_else(malformed)?;
    let (_, payload) = message.rsplit_once('.').ok_or_else(malformed)?;
    match jsonwebtoken::crypto::verify(signature, message.as_bytes(), key, alg) {
        Ok(true) => Ok(payload),
        Ok(false) => Err(JwtError::new(JwtErrorKind::Signature, "InvalidSignature")),
        Err(e) => Err(from_jwt(&e)),
    }
}

/// The claims of a verified payload: a JSON object (RFC 7519 7.2, step 10) whose names are
/// unique (RFC 7519 4: a parser may reject duplicates, and reading the last one, as a
/// `serde_json::Value` would, lets two parsers disagree on the same token).
fn decode_claims(payload: &str) -> Result<serde_json::Map<String, serde_json::Value>, JwtError> {
    use base64::Engine as _;
    let json = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .map_err(|e| JwtError::new(JwtErrorKind::Malformed, format!("claims: {e}")))?;
    serde_json::from_slice::<UniqueObject>(&json)
        .map(|o| o.0)
        .map_err(|e| JwtError::new(JwtErrorKind::Claims, e.to_string()))
}

/// A JSON object whose member names are unique.
struct UniqueObject(serde_json::Map<String, serde_json::Value>);

impl<'de> serde::Deserialize<'de> for UniqueObject {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = UniqueObject;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("the claims as a JSON object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut access: A,
            ) -> Result<UniqueObject, A::Error> {
                let mut map = serde_json::Map::new();
                while let Some(name) = access.next_key::<String>()? {
                    if map.contains_key(&name) {
                        return Err(serde::de::Error::custom(format!(
                            "the claim `{name}` appears twice"
                        )));
                    }
                    let value = access.next_value()?;
                    map.insert(name, value);
                }
                Ok(UniqueObject(map))
            }
        }
        deserializer.deserialize_map(Visit)
    }
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

impl<C> Verify<BearerToken> for JwtVerifier<C>
where
    C: DeserializeOwned + Clone + Send + Sync + 'static,
{
    type Principal = Claims<C>;

    fn granted_scopes(principal: &Claims<C>) -> Option<Vec<String>> {
        Some(principal.scopes.clone())
    }

    fn bearer_error_codes(&self) -> bool {
        self.config.rfc6750
    }

    fn verify_now(
        &self,
        token: BearerToken,
        parts: &Parts,
    ) -> Result<Result<Claims<C>, AuthError>, BearerToken> {
        let now = unix_now();
        let keys_version = self.keys_version();
        if let Some(claims) = self
            .cache
            .as_ref()
            .and_then(|cache| cache.get(&token.0, now, keys_version))
        {
            return Ok(Ok(claims));
        }
        // A remote key set may need a refetch for an unknown `kid`: that waits.
        #[cfg(feature = "jwks")]
        if self.config.remote.is_some() {
            return Err(token);
        }
        Ok(JwtVerifier::verify(self, &token.0)
            .inspect(|claims| self.remember(&token.0, claims, now, keys_version))
            .map_err(|error| refuse(&error, parts, self.config.rfc6750)))
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

    fn granted_scopes(principal: &Claims<C>) -> Option<Vec<String>> {
        Some(principal.scopes.clone())
    }

    fn bearer_error_codes(&self) -> bool {
        self.config.rfc6750
    }

    fn verify_now(
        &self,
        credentials: crate::HttpAuthorizationCredentials,
        parts: &Parts,
    ) -> Result<Result<Claims<C>, AuthError>, crate::HttpAuthorizationCredentials> {
        let crate::HttpAuthorizationCredentials {
            scheme,
            credentials,
        } = credentials;
        <Self as Verify<BearerToken>>::verify_now(self, BearerToken(credentials), parts).map_err(
            |BearerToken(credentials)| crate::HttpAuthorizationCredentials {
                scheme,
                credentials,
            },
        )
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

/// Signs claims, for a `/token` endpoint, with the bytes PyJWT's `jwt.encode` writes.
///
/// The header is PyJWT's, keys sorted: `{"alg":"HS256","typ":"JWT"}`, or
/// `{"alg":"HS256","kid":"k1","typ":"JWT"}` with a [`kid`](Self::kid). The claims are the
/// caller's, in their own order (a struct's field order, a map's iteration order), followed by
/// `exp`; claims that have an `exp` of their own get the issuer's value in its place. Both
/// are Python's `json.dumps(separators=(",", ":"))`: compact, non-ASCII and DEL escaped as
/// `\uXXXX` (`ensure_ascii`), floats as Python's `repr` (`1e+20`; NaN and infinities become
/// `null`, still JSON). So FastAPI's docs recipe, `jwt.encode({"sub": ..., "scopes": ...,
/// "exp": ...}, key, algorithm="HS256")`, and a struct with those fields give the same token,
/// byte for byte. (A `serde_json::Value` object iterates its keys sorted, unless serde_json's
/// `preserve_order` feature is on: for the order of a Python dict, use a struct.)
///
/// # Example
/// ```
/// use towerapi_auth::jwt::JwtIssuer;
///
/// #[derive(serde::Serialize)]
/// struct TokenClaims<'a> { sub: &'a str, scopes: Vec<String> }
///
/// let token = JwtIssuer::hs256(b"oracle-secret")
///     .issue_at(&TokenClaims { sub: "alice", scopes: vec![] }, 4102444800)
///     .unwrap();
/// // FastAPI's /token answer for alice (docs/behaviour/security.md, "JWT"), byte for byte:
/// assert_eq!(
///     token,
///     "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJhbGljZSIsInNjb3BlcyI6W10sImV4cCI6NDEwMjQ0NDgwMH0.1efPiBA7HATqMg7vZ-HfE9L8A2fBHbYVtp4q9-SPqck"
/// );
/// ```
#[derive(Clone)]
pub struct JwtIssuer {
    key: Arc<EncodingKey>,
    algorithm: Algorithm,
    kid: Option<String>,
    ttl_secs: u64,
}

impl fmt::Debug for JwtIssuer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JwtIssuer")
            .field("key", &"REDACTED")
            .field("algorithm", &self.algorithm)
            .field("kid", &self.kid)
            .field("ttl_secs", &self.ttl_secs)
            .finish()
    }
}

impl JwtIssuer {
    /// Signs with `key` and `algorithm`; tokens expire after 30 minutes unless
    /// [`ttl_secs`](Self::ttl_secs) says otherwise.
    pub fn new(key: EncodingKey, algorithm: Algorithm) -> Self {
        ensure_provider();
        Self {
            key: Arc::new(key),
            algorithm,
            kid: None,
            ttl_secs: 30 * 60,
        }
    }

    /// HS256 with a shared secret.
    pub fn hs256(secret: &[u8]) -> Self {
        Self::new(EncodingKey::from_secret(secret), Algorithm::HS256)
    }

    /// The `kid` put into each token's header.
    #[must_use]
    pub fn kid(mut self, kid: impl Into<String>) -> Self {
        self.kid = Some(kid.into());
        self
    }

    /// The lifetime of the tokens, in seconds.
    #[must_use]
    pub fn ttl_secs(mut self, seconds: u64) -> Self {
        self.ttl_secs = seconds;
        self
    }

    /// Signs `claims` (a struct or map) with `exp` = now + the lifetime (see
    /// [`issue_at`](Self::issue_at)).
    ///
    /// # Errors
    /// When the claims are not a JSON object or cannot be signed.
    pub fn issue<T: Serialize>(&self, claims: &T) -> Result<String, JwtError> {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        self.issue_at(claims, now.saturating_add(self.ttl_secs))
    }

    /// Signs `claims` with this `exp` (a Unix time): the caller's claims in their own order,
    /// then `"exp"`, unless the claims have an `exp` of their own, whose value is replaced in
    /// place. The layout is PyJWT's (see [`JwtIssuer`]).
    ///
    /// # Errors
    /// When the claims are not a JSON object or cannot be serialized ([`JwtErrorKind::Claims`]),
    /// or the key is not one for the algorithm ([`JwtErrorKind::Algorithm`]).
    pub fn issue_at<T: Serialize>(&self, claims: &T, exp: u64) -> Result<String, JwtError> {
        use base64::Engine as _;
        const B64: base64::engine::GeneralPurpose =
            base64::engine::general_purpose::URL_SAFE_NO_PAD;

        // `jsonwebtoken::encode` checks this before signing; `crypto::sign` does not.
        if self.key.family() != self.algorithm.family() {
            return Err(from_jwt(&jsonwebtoken::errors::new_error(
                jsonwebtoken::errors::ErrorKind::InvalidAlgorithm,
            )));
        }
        let header = py_json(&PyJwtHeader {
            alg: self.algorithm,
            kid: self.kid.as_deref(),
            typ: "JWT",
        })?;
        let payload = claims_with_exp(py_json(claims)?, exp)?;
        let mut message = B64.encode(header);
        message.push('.');
        B64.encode_string(payload, &mut message);
        let signature = jsonwebtoken::crypto::sign(message.as_bytes(), &self.key, self.algorithm)
            .map_err(|e| from_jwt(&e))?;
        message.push('.');
        message.push_str(&signature);
        Ok(message)
    }
}

/// PyJWT's header: `json.dumps(header, sort_keys=True)`, so `alg`, `kid`, `typ` in that order.
#[derive(Serialize)]
struct PyJwtHeader<'a> {
    alg: Algorithm,
    #[serde(skip_serializing_if = "Option::is_none")]
    kid: Option<&'a str>,
    typ: &'static str,
}

/// `value` as Python's `json.dumps(value, separators=(",", ":"))` writes it (PyJWT's call).
fn py_json<T: Serialize + ?Sized>(value: &T) -> Result<Vec<u8>, JwtError> {
    let mut out = Vec::with_capacity(128);
    let mut ser = serde_json::Serializer::with_formatter(&mut out, PyJsonFormatter);
    value
        .serialize(&mut ser)
        .map_err(|e| JwtError::new(JwtErrorKind::Claims, e.to_string()))?;
    Ok(out)
}

/// Python's `json.dumps` defaults that serde_json's compact formatter lacks: `ensure_ascii`
/// (every character outside `' '..='~'` as `\uXXXX`, lowercase hex, UTF-16 surrogate pairs
/// beyond the BMP) and floats as `repr`. serde_json already escapes `"`, `\\` and control
/// characters as Python does (`\n`, `\u001f`...).
struct PyJsonFormatter;

impl serde_json::ser::Formatter for PyJsonFormatter {
    fn write_f64<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        value: f64,
    ) -> std::io::Result<()> {
        serde_json::ser::Formatter::write_f64(
            &mut towerapi_encode::class::PythonFloatFormatter,
            w,
            value,
        )
    }

    fn write_f32<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        value: f32,
    ) -> std::io::Result<()> {
        serde_json::ser::Formatter::write_f32(
            &mut towerapi_encode::class::PythonFloatFormatter,
            w,
            value,
        )
    }

    fn write_string_fragment<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        fragment: &str,
    ) -> std::io::Result<()> {
        let mut plain = 0;
        for (i, c) in fragment.char_indices() {
            if matches!(c, ' '..='~') {
                continue;
            }
            w.write_all(&fragment.as_bytes()[plain..i])?;
            for unit in c.encode_utf16(&mut [0; 2]) {
                write!(w, "\\u{unit:04x}")?;
            }
            plain = i + c.len_utf8();
        }
        w.write_all(&fragment.as_bytes()[plain..])
    }
}

/// Sets `exp` in serialized claims: the value of each top-level `"exp"` replaced in place, or
/// `"exp":<exp>` appended when there is none (Python's `payload["exp"] = exp` on a dict).
/// `json` is serde_json's output, so valid and compact, with ASCII keys unescaped.
fn claims_with_exp(json: Vec<u8>, exp: u64) -> Result<Vec<u8>, JwtError> {
    if json.first() != Some(&b'{') {
        return Err(JwtError::new(
            JwtErrorKind::Claims,
            "claims must be a JSON object",
        ));
    }
    let exp = exp.to_string();
    let values = top_level_values(&json, b"exp");
    let mut out = Vec::with_capacity(json.len() + 16);
    if values.is_empty() {
        // `json` ends with the object's `}`.
        let body = &json[..json.len() - 1];
        out.extend_from_slice(body);
        if body.len() > 1 {
            out.push(b',');
        }
        out.extend_from_slice(b"\"exp\":");
        out.extend_from_slice(exp.as_bytes());
        out.push(b'}');
    } else {
        let mut copied = 0;
        for value in values {
            out.extend_from_slice(&json[copied..value.start]);
            out.extend_from_slice(exp.as_bytes());
            copied = value.end;
        }
        out.extend_from_slice(&json[copied..]);
    }
    Ok(out)
}

/// The byte ranges of the values of the top-level members named `key` in a compact JSON
/// object.
fn top_level_values(json: &[u8], key: &[u8]) -> Vec<std::ops::Range<usize>> {
    let mut found = Vec::new();
    let mut depth = 0usize;
    let (mut in_string, mut escaped) = (false, false);
    // At depth 1: a key comes next / the key being read started here / the last key matched.
    let (mut key_next, mut key_start, mut matched) = (false, None, false);
    let mut value_start = None;
    for (i, &b) in json.iter().enumerate() {
        if in_string {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
                if let Some(start) = key_start.take() {
                    matched = json.get(start..i) == Some(key);
                }
            }
            continue;
        }
        match b {
            b'"' => {
                in_string = true;
                if depth == 1 && key_next {
                    key_next = false;
                    key_start = Some(i + 1);
                }
            }
            b':' if depth == 1 && matched => {
                matched = false;
                value_start = Some(i + 1);
            }
            b',' if depth == 1 => {
                if let Some(start) = value_start.take() {
                    found.push(start..i);
                }
                key_next = true;
            }
            b'{' | b'[' => {
                depth += 1;
                key_next = depth == 1;
            }
            b'}' | b']' => {
                if depth == 1 {
                    if let Some(start) = value_start.take() {
                        found.push(start..i);
                    }
                }
                depth = depth.saturating_sub(1);
            }
            _ => {}
        }
    }
    found
}

#[cfg(test)]
mod tests {
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
            (c.sub.as_deref(), c.scopes.as_slice(), c.exp),
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
                .map(|c| c.sub)
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
        let rsa_private = EncodingKey::from_rsa_pem(
            pem("PRIVATE KEY", rsa.as_der().unwrap().as_ref()).as_bytes(),
        )
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
        assert_eq!(v2.verify(&rs).unwrap().scopes, ["a", "b"]);
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
        // The next use is served from memory: the same claims.
        assert_eq!(layer_verify(&v, &good).unwrap(), claims);
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
        assert_eq!(stricter.cache_config(), Some(TokenCache::new()));
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
        assert_eq!(plain.cache_config(), None);
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
            let auth =
                crate::AuthLayer::new(crate::OAuth2PasswordBearer::new("token")).jwt(verifier);
            let handler = tower::service_fn(|_req: http::Request<()>| async {
                Ok::<_, std::convert::Infallible>(http::Response::new(
                    towerapi_encode::Body::empty(),
                ))
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
            v.verify(&hs(json!({"exp": FUTURE, "scp": ["a", "b"]})))
                .unwrap()
                .scopes,
            ["a", "b"]
        );
        assert_eq!(
            v.verify(&hs(json!({"exp": FUTURE, "scp": "a  b"})))
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
            c.custom,
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
}
