//! Key sets fetched from a URL, and OpenID Connect discovery: see [`RemoteJwks`].

use std::fmt;
use std::future::Future;
use std::net::IpAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, RwLock, Weak};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::Uri;
use http_body_util::{BodyExt, Empty, Limited};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use tokio::sync::{watch, Notify};

use super::{Algorithm, KeySet};

/// The largest key set or discovery document read.
const MAX_DOCUMENT: usize = 1024 * 1024;

/// Why a key set or a discovery document could not be had.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FetchError {
    kind: FetchErrorKind,
    message: String,
}

/// The kinds of [`FetchError`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum FetchErrorKind {
    /// The URL does not parse, or is not `http`/`https` with a host.
    Url,
    /// `http://` to a host that is not a loopback address, without `allow_insecure_http`.
    Insecure,
    /// `https://` without the `jwks-https` feature (and without a [`Fetch`] of yours).
    NoTls,
    /// No connection, or the connection failed.
    Connect,
    /// The server answered with another status than 200.
    Status,
    /// The answer was longer than 1 MiB.
    TooLarge,
    /// The fetch took longer than the timeout.
    Timeout,
    /// The answer is not the JSON document expected.
    Json,
    /// The discovery document names another issuer than the one asked for.
    Issuer,
    /// The key set holds no key usable with the allowed algorithms.
    NoKeys,
    /// There is no tokio runtime to run the refresh task on.
    NoRuntime,
}

impl FetchError {
    /// An error of this kind.
    pub fn new(kind: FetchErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
        }
    }

    /// Its kind.
    pub fn kind(&self) -> FetchErrorKind {
        self.kind
    }
}

impl fmt::Display for FetchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}: {}", self.kind, self.message)
    }
}

impl std::error::Error for FetchError {}

/// Gets a document (a key set, a discovery document) over HTTP. [`HttpFetch`], on hyper's
/// client, is the default; implement this to go through your own client, a proxy or a cache.
pub trait Fetch: Send + Sync + 'static {
    /// `GET url`: the body of a 200 answer.
    fn get<'a>(
        &'a self,
        url: &'a Uri,
    ) -> Pin<Box<dyn Future<Output = Result<Bytes, FetchError>> + Send + 'a>>;
}

#[cfg(feature = "jwks-https")]
type Connector = hyper_rustls::HttpsConnector<HttpConnector>;
#[cfg(not(feature = "jwks-https"))]
type Connector = HttpConnector;

/// The default [`Fetch`]: hyper's client (HTTP/1.1), with rustls and the webpki roots under the
/// `jwks-https` feature. Reads at most 1 MiB; does not follow redirects.
#[derive(Clone)]
pub struct HttpFetch {
    client: Client<Connector, Empty<Bytes>>,
}

impl fmt::Debug for HttpFetch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpFetch")
            .field("https", &cfg!(feature = "jwks-https"))
            .finish()
    }
}

impl HttpFetch {
    /// A client.
    ///
    /// # Errors
    /// When rustls refuses its default protocol versions (it does not with the bundled
    /// aws-lc-rs provider).
    pub fn new() -> Result<Self, FetchError> {
        #[cfg(feature = "jwks-https")]
        let connector = hyper_rustls::HttpsConnectorBuilder::new()
            .with_provider_and_webpki_roots(rustls::crypto::aws_lc_rs::default_provider())
            .map_err(|e| FetchError::new(FetchErrorKind::NoTls, e.to_string()))?
            .https_or_http()
            .enable_http1()
            .build();
        #[cfg(not(feature = "jwks-https"))]
        let connector = HttpConnector::new();
        Ok(Self {
            client: Client::builder(TokioExecutor::new()).build(connector),
        })
    }
}

impl Fetch for HttpFetch {
    fn get<'a>(
        &'a self,
        url: &'a Uri,
    ) -> Pin<Box<dyn Future<Output = Result<Bytes, FetchError>> + Send + 'a>> {
        Box::pin(async move {
            #[cfg(not(feature = "jwks-https"))]
            if url.scheme() == Some(&http::uri::Scheme::HTTPS) {
                return Err(FetchError::new(
                    FetchErrorKind::NoTls,
                    "https needs the jwks-https feature",
                ));
            }
            let request = http::Request::get(url.clone())
                .header(http::header::ACCEPT, "application/json")
                .header(
                    http::header::USER_AGENT,
                    concat!("towerapi/", env!("CARGO_PKG_VERSION")),
                )
                .body(Empty::new())
                .map_err(|e| FetchError::new(FetchErrorKind::Url, e.to_string()))?;
            let response = self
                .client
                .request(request)
                .await
                .map_err(|e| FetchError::new(FetchErrorKind::Connect, format!("{url}: {e}")))?;
            if response.status() != http::StatusCode::OK {
                return Err(FetchError::new(
                    FetchErrorKind::Status,
                    format!("{url} answered {}", response.status()),
                ));
            }
            let body = Limited::new(response.into_body(), MAX_DOCUMENT)
                .collect()
                .await
                .map_err(|e| {
                    if e.is::<http_body_util::LengthLimitError>() {
                        FetchError::new(FetchErrorKind::TooLarge, format!("{url}: over 1 MiB"))
                    } else {
                        FetchError::new(FetchErrorKind::Connect, format!("{url}: {e}"))
                    }
                })?;
            Ok(body.to_bytes())
        })
    }
}

/// Where the key set comes from.
#[derive(Clone, Debug)]
enum Source {
    Jwks(Uri),
    Issuer { issuer: String, discovery: Uri },
}

/// Configures a [`RemoteJwks`]; made by [`RemoteJwks::from_url`] or
/// [`RemoteJwks::from_issuer`].
pub struct RemoteJwksBuilder {
    source: Source,
    algorithms: Vec<Algorithm>,
    refresh: Duration,
    min_refetch: Duration,
    timeout: Duration,
    allow_http: bool,
    fetch: Option<Arc<dyn Fetch>>,
}

impl fmt::Debug for RemoteJwksBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RemoteJwksBuilder")
            .field("source", &self.source)
            .field("algorithms", &self.algorithms)
            .field("refresh", &self.refresh)
            .field("min_refetch", &self.min_refetch)
            .field("timeout", &self.timeout)
            .field("allow_http", &self.allow_http)
            .finish_non_exhaustive()
    }
}

fn parse_url(url: &str) -> Result<Uri, FetchError> {
    let uri: Uri = url
        .parse()
        .map_err(|e| FetchError::new(FetchErrorKind::Url, format!("{url}: {e}")))?;
    match (uri.scheme_str(), uri.host()) {
        (Some("http" | "https"), Some(_)) => Ok(uri),
        _ => Err(FetchError::new(
            FetchErrorKind::Url,
            format!("{url}: not an http(s) URL with a host"),
        )),
    }
}

/// `http://` only to a loopback address, unless allowed.
fn check_scheme(uri: &Uri, allow_http: bool) -> Result<(), FetchError> {
    if uri.scheme_str() == Some("http") && !allow_http && !is_loopback(uri) {
        return Err(FetchError::new(
            FetchErrorKind::Insecure,
            format!("{uri}: http:// is only accepted to a loopback address"),
        ));
    }
    Ok(())
}

fn is_loopback(uri: &Uri) -> bool {
    let host = uri.host().unwrap_or_default();
    host.eq_ignore_ascii_case("localhost")
        || host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

impl RemoteJwksBuilder {
    fn new(source: Source) -> Self {
        Self {
            source,
            algorithms: vec![Algorithm::RS256],
            refresh: Duration::from_secs(300),
            min_refetch: Duration::from_secs(10),
            timeout: Duration::from_secs(5),
            allow_http: false,
            fetch: None,
        }
    }

    /// The algorithms the set's keys may verify (default RS256 only); they join the verifier's
    /// allow-list. A key is used for those of them that fit it (see
    /// [`JwtVerifier::jwks`](super::JwtVerifier::jwks)).
    #[must_use]
    pub fn algorithms(mut self, algorithms: impl IntoIterator<Item = Algorithm>) -> Self {
        self.algorithms = algorithms.into_iter().collect();
        self
    }

    /// How often the set is fetched again (default 5 minutes).
    #[must_use]
    pub fn refresh_interval(mut self, every: Duration) -> Self {
        self.refresh = every.max(Duration::from_millis(10));
        self
    }

    /// The shortest time between two fetches caused by unknown `kid`s (default 10 s); also the
    /// first retry delay after a failed fetch.
    #[must_use]
    pub fn min_refetch_interval(mut self, at_least: Duration) -> Self {
        self.min_refetch = at_least;
        self
    }

    /// The longest a fetch may take, and the longest a request waits for one (default 5 s).
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Accepts `http://` URLs to hosts that are not loopback addresses (default off). Only for
    /// a key server on a network you trust: a set read in clear text can be swapped.
    #[must_use]
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_http = allow;
        self
    }

    /// Fetches through your own client instead of [`HttpFetch`].
    #[must_use]
    pub fn fetch(mut self, fetch: impl Fetch) -> Self {
        self.fetch = Some(Arc::new(fetch));
        self
    }

    fn build(self, loading: bool) -> Result<(Arc<Shared>, Arc<Notify>), FetchError> {
        let first = match &self.source {
            Source::Jwks(uri) | Source::Issuer { discovery: uri, .. } => uri,
        };
        check_scheme(first, self.allow_http)?;
        let fetch = match self.fetch {
            Some(fetch) => fetch,
            None => Arc::new(HttpFetch::new()?),
        };
        let (issuer, jwks_uri) = match self.source {
            Source::Jwks(uri) => (None, Some(uri)),
            Source::Issuer { issuer, discovery } => (Some((issuer, discovery)), None),
        };
        let wake = Arc::new(Notify::new());
        let shared = Arc::new(Shared {
            keys: RwLock::new(Arc::new(KeySet::default())),
            attempts: watch::Sender::new(0),
            wake: wake.clone(),
            state: Mutex::new(State {
                // Requests that come before the first fetch wait for it.
                in_flight: loading,
                last_attempt: None,
                failures: 0,
                jwks_uri,
            }),
            issuer,
            algorithms: self.algorithms,
            refresh: self.refresh,
            min_refetch: self.min_refetch,
            timeout: self.timeout,
            allow_http: self.allow_http,
            fetch,
        });
        Ok((shared, wake))
    }

    /// Fetches the set (after discovery, for an issuer) and returns once it is loaded; the
    /// refresh task then runs on the current tokio runtime.
    ///
    /// # Errors
    /// The [`FetchError`] of the first fetch, or [`FetchErrorKind::NoRuntime`].
    pub async fn load(self) -> Result<RemoteJwks, FetchError> {
        let handle = runtime()?;
        let (shared, wake) = self.build(true)?;
        shared.attempt().await?;
        let delay = shared.refresh;
        handle.spawn(run(Arc::downgrade(&shared), wake, delay));
        Ok(RemoteJwks { shared })
    }

    /// Returns at once and fetches the set on the current tokio runtime; requests that come
    /// before it is loaded wait for it (at most the timeout). Use this when the service must
    /// start while the key server is down.
    ///
    /// # Errors
    /// [`FetchErrorKind::NoRuntime`] outside a tokio runtime, or a URL refused.
    pub fn start(self) -> Result<RemoteJwks, FetchError> {
        let handle = runtime()?;
        let (shared, wake) = self.build(true)?;
        handle.spawn(run(Arc::downgrade(&shared), wake, Duration::ZERO));
        Ok(RemoteJwks { shared })
    }
}

fn runtime() -> Result<tokio::runtime::Handle, FetchError> {
    tokio::runtime::Handle::try_current().map_err(|_| {
        FetchError::new(
            FetchErrorKind::NoRuntime,
            "a RemoteJwks needs a tokio runtime",
        )
    })
}

/// The refresh task: waits for the interval (or a wake-up), fetches, and ends when the last
/// handle is gone.
async fn run(shared: Weak<Shared>, wake: Arc<Notify>, first: Duration) {
    let mut delay = first;
    loop {
        if !delay.is_zero() {
            tokio::select! {
                () = tokio::time::sleep(delay) => {}
                () = wake.notified() => {}
            }
        }
        let Some(shared) = shared.upgrade() else {
            return;
        };
        delay = match shared.attempt().await {
            Ok(()) => shared.refresh,
            Err(_) => {
                let failures = shared.lock().failures.min(16);
                shared
                    .min_refetch
                    .max(Duration::from_millis(100))
                    .saturating_mul(1 << failures.saturating_sub(1))
                    .min(shared.refresh)
            }
        };
    }
}

struct State {
    in_flight: bool,
    last_attempt: Option<Instant>,
    failures: u32,
    /// Known from the start, or after discovery.
    jwks_uri: Option<Uri>,
}

struct Shared {
    keys: RwLock<Arc<KeySet>>,
    /// Counts finished fetches, successful or not: requests waiting on an unknown `kid` watch it.
    attempts: watch::Sender<u64>,
    wake: Arc<Notify>,
    state: Mutex<State>,
    /// The issuer asked for, and its discovery URL.
    issuer: Option<(String, Uri)>,
    algorithms: Vec<Algorithm>,
    refresh: Duration,
    min_refetch: Duration,
    timeout: Duration,
    allow_http: bool,
    fetch: Arc<dyn Fetch>,
}

impl Drop for Shared {
    fn drop(&mut self) {
        // Ends the refresh task now rather than at its next tick.
        self.wake.notify_one();
    }
}

#[derive(serde::Deserialize)]
struct Discovery {
    issuer: String,
    jwks_uri: String,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn check_url(&self, url: &str) -> Result<Uri, FetchError> {
        let uri = parse_url(url)?;
        check_scheme(&uri, self.allow_http)?;
        Ok(uri)
    }

    async fn get_json<T: serde::de::DeserializeOwned>(&self, url: &Uri) -> Result<T, FetchError> {
        let body = self.fetch.get(url).await?;
        // A discovery document and a key set are JSON objects (OpenID Connect Discovery 1.0,
        // 4.2; RFC 7517, 5). serde's derived readers would also take the same members as an
        // array (`["https://issuer", "https://issuer/jwks"]`): refused before they see it.
        let start = body
            .iter()
            .find(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r'));
        if start != Some(&b'{') {
            return Err(FetchError::new(
                FetchErrorKind::Json,
                format!("{url}: not a JSON object"),
            ));
        }
        serde_json::from_slice(&body)
            .map_err(|e| FetchError::new(FetchErrorKind::Json, format!("{url}: {e}")))
    }

    async fn fetch_keys(&self) -> Result<KeySet, FetchError> {
        let known = self.lock().jwks_uri.clone();
        let jwks_uri = match (known, &self.issuer) {
            (Some(uri), _) => uri,
            (None, Some((issuer, discovery))) => {
                let doc: Discovery = self.get_json(discovery).await?;
                // OpenID Connect Discovery 1.0, 4.3: the issuer must be exactly the one asked for.
                if doc.issuer != *issuer {
                    return Err(FetchError::new(
                        FetchErrorKind::Issuer,
                        format!("{discovery} names the issuer {:?}", doc.issuer),
                    ));
                }
                let uri = self.check_url(&doc.jwks_uri)?;
                self.lock().jwks_uri = Some(uri.clone());
                uri
            }
            (None, None) => {
                return Err(FetchError::new(FetchErrorKind::Url, "no jwks_uri"));
            }
        };
        let set: jsonwebtoken::jwk::JwkSet = self.get_json(&jwks_uri).await?;
        let keys = KeySet::from_jwks(&set, &self.algorithms);
        if keys.len() == 0 {
            return Err(FetchError::new(
                FetchErrorKind::NoKeys,
                format!("{jwks_uri}: no key for {:?}", self.algorithms),
            ));
        }
        Ok(keys)
    }

    /// One fetch: swaps the set in on success, keeps the last good one and logs on failure,
    /// and wakes the requests waiting for it either way.
    async fn attempt(&self) -> Result<(), FetchError> {
        {
            let mut state = self.lock();
            state.in_flight = true;
            state.last_attempt = Some(Instant::now());
        }
        let outcome = match tokio::time::timeout(self.timeout, self.fetch_keys()).await {
            Ok(outcome) => outcome,
            Err(_) => Err(FetchError::new(
                FetchErrorKind::Timeout,
                format!("no key set within {:?}", self.timeout),
            )),
        };
        let result = match outcome {
            Ok(mut keys) => {
                let mut current = self.keys.write().unwrap_or_else(PoisonError::into_inner);
                keys.version = current.version.wrapping_add(1);
                tracing::debug!(target: "towerapi::auth", keys = keys.len(), version = keys.version, "key set fetched");
                *current = Arc::new(keys);
                Ok(())
            }
            Err(error) => {
                let kept = self
                    .keys
                    .read()
                    .unwrap_or_else(PoisonError::into_inner)
                    .len();
                tracing::warn!(target: "towerapi::auth", %error, kept, "key set fetch failed; the last good keys stay in use");
                Err(error)
            }
        };
        {
            let mut state = self.lock();
            state.in_flight = false;
            state.failures = if result.is_ok() {
                0
            } else {
                state.failures.saturating_add(1)
            };
        }
        self.attempts.send_modify(|n| *n = n.wrapping_add(1));
        result
    }
}

/// A key set fetched from a URL and kept fresh. Cheap to clone; give it to
/// [`JwtVerifier::remote_jwks`](super::JwtVerifier::remote_jwks).
///
/// A [`RemoteJwks`] holds the last good key set of a `jwks_uri`. A task on the tokio runtime
/// fetches it again every `refresh_interval` (default 5 minutes), and early when a token names a
/// `kid` the set does not know (at most once per `min_refetch_interval`, default 10 s, however
/// many such tokens arrive). Requests never block a thread: they read the current set, and a
/// request whose `kid` is unknown waits (at most `timeout`, default 5 s) for that one refetch.
/// A failed fetch (the key server is down, answers 500, sends garbage or an empty set) keeps the
/// last good keys, logs a warning, and is retried with a backoff from `min_refetch_interval` up
/// to `refresh_interval`. The task ends when the last clone of the `RemoteJwks` is dropped.
///
/// URLs: `https://` (with the `jwks-https` feature, or your own [`Fetch`]); `http://` only to a
/// loopback address unless [`allow_insecure_http`](RemoteJwksBuilder::allow_insecure_http) is
/// on, since a key set read in clear text can be replaced by anyone on the path. Answers are
/// read up to 1 MiB and redirects are not followed.
///
/// ```no_run
/// # async fn demo() -> Result<(), towerapi_auth::jwt::FetchError> {
/// use towerapi_auth::jwt::{Algorithm, JwtVerifier, RemoteJwks};
///
/// let jwks = RemoteJwks::from_issuer("https://login.example.com")?
///     .algorithms([Algorithm::RS256, Algorithm::ES256])
///     .load()
///     .await?;
/// let verifier: JwtVerifier = JwtVerifier::new()
///     .remote_jwks(jwks) // and iss must be https://login.example.com
///     .audience(["https://api.example.com"]);
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct RemoteJwks {
    shared: Arc<Shared>,
}

impl fmt::Debug for RemoteJwks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.shared.lock();
        f.debug_struct("RemoteJwks")
            .field("issuer", &self.issuer())
            .field("jwks_uri", &state.jwks_uri)
            .field("algorithms", &self.shared.algorithms)
            .field("keys", &self.snapshot().len())
            .finish_non_exhaustive()
    }
}

impl RemoteJwks {
    /// The key set at this `jwks_uri`.
    ///
    /// # Errors
    /// [`FetchErrorKind::Url`] when it is not an `http(s)` URL with a host.
    pub fn from_url(jwks_uri: &str) -> Result<RemoteJwksBuilder, FetchError> {
        Ok(RemoteJwksBuilder::new(Source::Jwks(parse_url(jwks_uri)?)))
    }

    /// The key set of this OpenID provider, found by discovery
    /// (`{issuer}/.well-known/openid-configuration`, whose `issuer` must be this one exactly).
    ///
    /// # Errors
    /// [`FetchErrorKind::Url`] when it is not an `http(s)` URL with a host.
    pub fn from_issuer(issuer: &str) -> Result<RemoteJwksBuilder, FetchError> {
        let discovery = parse_url(&format!(
            "{}/.well-known/openid-configuration",
            issuer.trim_end_matches('/')
        ))?;
        Ok(RemoteJwksBuilder::new(Source::Issuer {
            issuer: issuer.to_owned(),
            discovery,
        }))
    }

    /// The issuer, when the set came from discovery.
    pub fn issuer(&self) -> Option<&str> {
        self.shared
            .issuer
            .as_ref()
            .map(|(issuer, _)| issuer.as_str())
    }

    /// The algorithms its keys may verify.
    pub fn algorithms(&self) -> &[Algorithm] {
        &self.shared.algorithms
    }

    /// The `kid`s of the current set, sorted.
    pub fn kids(&self) -> Vec<String> {
        let mut kids: Vec<String> = self.snapshot().by_kid.keys().cloned().collect();
        kids.sort();
        kids
    }

    /// Fetches the set now, whatever the intervals say, and waits for it.
    ///
    /// # Errors
    /// The [`FetchError`] of this fetch; the last good keys stay in use.
    pub async fn refresh(&self) -> Result<(), FetchError> {
        self.shared.attempt().await
    }

    pub(super) fn snapshot(&self) -> Arc<KeySet> {
        self.shared
            .keys
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// After a token named an unknown `kid` in the set of this `version`: whether a newer set is
    /// there now, fetching one if none was fetched within `min_refetch_interval`.
    pub(super) async fn refetch(&self, version: u64) -> bool {
        let shared = &self.shared;
        let mut attempts = shared.attempts.subscribe();
        let newer = || self.snapshot().version != version;
        if newer() {
            return true;
        }
        {
            let mut state = shared.lock();
            if !state.in_flight {
                if state
                    .last_attempt
                    .is_some_and(|at| at.elapsed() < shared.min_refetch)
                {
                    return false;
                }
                // Taken by this request: the others wait for the same fetch.
                state.in_flight = true;
                state.last_attempt = Some(Instant::now());
                shared.wake.notify_one();
            }
        }
        // A fetch runs now; wait for it to finish (it cannot take longer than the timeout, but
        // the task could be gone with its runtime, so the wait is bounded too).
        let _ = tokio::time::timeout(
            shared.timeout + Duration::from_millis(100),
            attempts.changed(),
        )
        .await;
        newer()
    }
}

#[cfg(test)]
mod tests;
