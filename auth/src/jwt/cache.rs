//! [`TokenCache`]: verified tokens remembered until they expire, so that a repeated token skips
//! the signature check (an RS256 verification is about 30 µs; a hit is a hash and a clone).
//!
//! Modelled on PostgREST's JWT cache (`jwt-cache-max-lifetime`: an entry lives until the token's
//! `exp`, at most a configured age) and Envoy `jwt_authn`'s (`jwt_cache_config`: bounded, keyed
//! by the whole token). Written here rather than taken from a cache crate (moka, quick_cache,
//! mini-moka) because none of them expires an entry at a time of its own *and* drops entries when
//! the remote key set changes, and each would add a dependency tree larger than this file.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

/// How many tokens, and how many bytes, a verifier remembers once verified, and for how long
/// (see [`JwtVerifier::cache`](super::JwtVerifier::cache)). Off unless configured.
///
/// - **Keyed by the whole token**, compared byte for byte: never a hash or a prefix that two
///   tokens could share.
/// - **Only successes** are kept: a refused token is checked again each time it comes.
/// - An entry **expires at the token's `exp`**, and at the latest [`max_age`](Self::max_age)
///   after it was verified (default 5 minutes); a token without `exp` lives `max_age`.
/// - **Bounded** by [`max_entries`](Self::max_entries) (default 10,000) and
///   [`max_bytes`](Self::max_bytes) (default 16 MiB, counting the token twice, for the token
///   and its claims, plus a fixed cost per entry); when full, expired entries go first, then the
///   oldest.
/// - When the verifier's [remote key set](super::RemoteJwks) changes (a refresh, a rotation),
///   every entry verified with the previous set is verified again on its next use, so a token
///   whose key left the set is refused.
/// - Configuring the verifier further (`.audience(..)`, `.key(..)`, ...) starts an empty cache:
///   a token checked under one configuration is never accepted by another from memory.
///
/// # Example
/// ```
/// use std::time::Duration;
/// use towerapi_auth::jwt::{JwtVerifier, TokenCache};
///
/// let verifier = JwtVerifier::<serde_json::Value>::hs256(b"secret")
///     .cache(TokenCache::new().max_entries(50_000).max_age(Duration::from_secs(60)));
/// # let _ = verifier;
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[must_use]
pub struct TokenCache {
    max_entries: usize,
    max_bytes: usize,
    max_age: Duration,
}

impl Default for TokenCache {
    fn default() -> Self {
        Self::new()
    }
}

impl TokenCache {
    /// 10,000 entries, 16 MiB, 5 minutes.
    pub fn new() -> Self {
        Self {
            max_entries: 10_000,
            max_bytes: 16 * 1024 * 1024,
            max_age: Duration::from_secs(300),
        }
    }

    /// At most this many tokens (at least one per shard is kept: 16).
    pub fn max_entries(mut self, entries: usize) -> Self {
        self.max_entries = entries;
        self
    }

    /// At most about this many bytes (see the type's docs for how an entry is counted).
    pub fn max_bytes(mut self, bytes: usize) -> Self {
        self.max_bytes = bytes;
        self
    }

    /// The longest an entry lives, whatever the token's `exp` (rounded down to seconds).
    pub fn max_age(mut self, age: Duration) -> Self {
        self.max_age = age;
        self
    }

    /// The entry limit set with [`max_entries`](Self::max_entries).
    pub fn get_max_entries(&self) -> usize {
        self.max_entries
    }

    /// The byte limit set with [`max_bytes`](Self::max_bytes).
    pub fn get_max_bytes(&self) -> usize {
        self.max_bytes
    }

    /// The longest life set with [`max_age`](Self::max_age).
    pub fn get_max_age(&self) -> Duration {
        self.max_age
    }
}

/// Independent locks, so that concurrent requests rarely wait on each other.
const SHARDS: usize = 16;
/// What an entry costs beyond its token: the map slot, the order slot, the claims' fixed part.
const ENTRY_OVERHEAD: usize = 128;

/// The cache itself, shared by the clones of one verifier.
pub(super) struct Store<V> {
    config: TokenCache,
    shards: Box<[Mutex<Shard<V>>]>,
}

struct Shard<V> {
    map: HashMap<Arc<str>, Entry<V>>,
    /// Insertion order for eviction; may hold tokens already removed (skipped when met).
    order: VecDeque<(Arc<str>, u64)>,
    bytes: usize,
    next_seq: u64,
}

struct Entry<V> {
    value: V,
    /// Unix seconds; the entry is used only while `now < expires`.
    expires: u64,
    /// The remote key set's version when verified (0 without one).
    keys_version: u64,
    bytes: usize,
    seq: u64,
}

impl<V> Store<V> {
    pub(super) fn new(config: TokenCache) -> Self {
        let shards = (0..SHARDS)
            .map(|_| {
                Mutex::new(Shard {
                    map: HashMap::new(),
                    order: VecDeque::new(),
                    bytes: 0,
                    next_seq: 0,
                })
            })
            .collect();
        Self { config, shards }
    }

    pub(super) fn config(&self) -> TokenCache {
        self.config
    }
}

impl<V: Clone> Store<V> {
    fn shard(&self, token: &str) -> &Mutex<Shard<V>> {
        // The signature's last character: spread by the signing key, and a token chosen to land
        // in one shard only slows that shard's lookups, never makes them wrong (the whole token
        // is the key).
        let last = token.as_bytes().last().copied().unwrap_or(0);
        &self.shards[usize::from(last) % SHARDS]
    }

    /// The value remembered for `token`, if it is still valid at `now` with the key set of
    /// version `keys_version`.
    pub(super) fn get(&self, token: &str, now: u64, keys_version: u64) -> Option<V> {
        let mut shard = self
            .shard(token)
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let entry = shard.map.get(token)?;
        if now < entry.expires && entry.keys_version == keys_version {
            return Some(entry.value.clone());
        }
        shard.remove(token);
        None
    }

    /// Remembers a verified token: until `exp` (when given) and at most `max_age`.
    pub(super) fn insert(
        &self,
        token: &str,
        value: V,
        exp: Option<u64>,
        now: u64,
        keys_version: u64,
    ) {
        let expires = now
            .saturating_add(self.config.max_age.as_secs())
            .min(exp.unwrap_or(u64::MAX));
        if expires <= now {
            return;
        }
        let bytes = token.len().saturating_mul(2).saturating_add(ENTRY_OVERHEAD);
        let max_entries = (self.config.max_entries / SHARDS).max(1);
        let max_bytes = self.config.max_bytes / SHARDS;
        if bytes > max_bytes {
            return;
        }
        let mut shard = self
            .shard(token)
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        shard.remove(token);
        if shard.map.len() >= max_entries || shard.bytes + bytes > max_bytes {
            shard.purge_expired(now);
        }
        while shard.map.len() >= max_entries || shard.bytes + bytes > max_bytes {
            if !shard.evict_oldest() {
                break;
            }
        }
        let seq = shard.next_seq;
        shard.next_seq += 1;
        let token: Arc<str> = Arc::from(token);
        shard.order.push_back((token.clone(), seq));
        shard.bytes += bytes;
        shard.map.insert(
            token,
            Entry {
                value,
                expires,
                keys_version,
                bytes,
                seq,
            },
        );
    }

    /// How many tokens are remembered (expired ones included until they are met).
    #[cfg(test)]
    pub(super) fn len(&self) -> usize {
        self.shards
            .iter()
            .map(|s| s.lock().unwrap_or_else(PoisonError::into_inner).map.len())
            .sum()
    }
}

impl<V> Shard<V> {
    fn remove(&mut self, token: &str) {
        if let Some(old) = self.map.remove(token) {
            self.bytes -= old.bytes;
        }
        // Its order slot stays and is skipped later; compact when stale slots dominate.
        if self.order.len() > 2 * self.map.len() + 16 {
            let map = &self.map;
            self.order
                .retain(|(t, seq)| map.get(t).is_some_and(|e| e.seq == *seq));
        }
    }

    fn purge_expired(&mut self, now: u64) {
        let before = self.map.len();
        let mut freed = 0;
        self.map.retain(|_, e| {
            let keep = now < e.expires;
            if !keep {
                freed += e.bytes;
            }
            keep
        });
        self.bytes -= freed;
        if self.map.len() != before {
            let map = &self.map;
            self.order
                .retain(|(t, seq)| map.get(t).is_some_and(|e| e.seq == *seq));
        }
    }

    /// Drops the oldest live entry; `false` when there is none.
    fn evict_oldest(&mut self) -> bool {
        while let Some((token, seq)) = self.order.pop_front() {
            if self.map.get(&token).is_some_and(|e| e.seq == seq) {
                if let Some(old) = self.map.remove(&token) {
                    self.bytes -= old.bytes;
                }
                return true;
            }
        }
        false
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    const NOW: u64 = 1_000_000;

    fn store(config: TokenCache) -> Store<String> {
        Store::new(config)
    }

    #[test]
    fn an_entry_lives_until_exp_and_at_most_max_age() {
        let s = store(TokenCache::new().max_age(Duration::from_secs(60)));
        s.insert("t.exp-soon", "a".into(), Some(NOW + 10), NOW, 0);
        s.insert("t.no-exp", "b".into(), None, NOW, 0);
        s.insert("t.exp-late", "c".into(), Some(NOW + 3600), NOW, 0);
        assert_eq!(s.get("t.exp-soon", NOW + 9, 0).as_deref(), Some("a"));
        // At `exp` the entry is gone (a later check would refuse the token at `exp + 1`).
        assert_eq!(s.get("t.exp-soon", NOW + 10, 0), None);
        assert_eq!(s.get("t.no-exp", NOW + 59, 0).as_deref(), Some("b"));
        assert_eq!(s.get("t.no-exp", NOW + 60, 0), None);
        assert_eq!(s.get("t.exp-late", NOW + 60, 0), None);
        assert_eq!(s.len(), 0, "an expired entry is dropped when met");
        // A token already at or past its exp is never kept.
        s.insert("t.expired", "d".into(), Some(NOW), NOW, 0);
        assert_eq!(s.get("t.expired", NOW - 1, 0), None);
    }

    #[test]
    fn keyed_by_the_whole_token() {
        let s = store(TokenCache::new());
        // Same shard (same last byte), same prefix, same length.
        s.insert("header.claims-A.sig", "A".into(), None, NOW, 0);
        assert_eq!(s.get("header.claims-B.sig", NOW, 0), None);
        assert_eq!(s.get("header.claims-A.si", NOW, 0), None);
        assert_eq!(s.get("header.claims-A.sig", NOW, 0).as_deref(), Some("A"));
    }

    #[test]
    fn another_key_set_version_is_a_miss_and_drops_the_entry() {
        let s = store(TokenCache::new());
        s.insert("t.x", "x".into(), None, NOW, 3);
        assert_eq!(s.get("t.x", NOW, 4), None);
        assert_eq!(s.get("t.x", NOW, 3), None, "dropped on the miss");
    }

    #[test]
    fn bounded_by_entries_oldest_first_expired_before_live() {
        // 16 shards x 2 entries; all tokens below end in the same byte, so one shard of 2.
        let s = store(TokenCache::new().max_entries(32));
        s.insert("1.z", "1".into(), None, NOW, 0);
        s.insert("2.z", "2".into(), None, NOW, 0);
        s.insert("3.z", "3".into(), None, NOW, 0);
        assert_eq!(s.get("1.z", NOW, 0), None, "the oldest went");
        assert_eq!(s.get("2.z", NOW, 0).as_deref(), Some("2"));
        assert_eq!(s.get("3.z", NOW, 0).as_deref(), Some("3"));
        // An expired entry goes before a live older one.
        let s = store(TokenCache::new().max_entries(32));
        s.insert("old.z", "old".into(), None, NOW, 0);
        s.insert("short.z", "short".into(), Some(NOW + 1), NOW, 0);
        s.insert("new.z", "new".into(), None, NOW + 5, 0);
        assert_eq!(s.get("old.z", NOW + 5, 0).as_deref(), Some("old"));
        assert_eq!(s.get("new.z", NOW + 5, 0).as_deref(), Some("new"));
        // Re-inserting a token replaces it, never counts it twice.
        let s = store(TokenCache::new().max_entries(32));
        for _ in 0..5 {
            s.insert("same.z", "v".into(), None, NOW, 0);
        }
        s.insert("other.z", "o".into(), None, NOW, 0);
        assert_eq!(s.len(), 2);
    }

    #[test]
    fn bounded_by_bytes() {
        // 16 shards of 1,000 bytes: a 200-byte token costs 528, so one fits per shard.
        let s = store(TokenCache::new().max_bytes(16_000));
        let a = format!("{}a.z", "x".repeat(197));
        let b = format!("{}b.z", "x".repeat(197));
        s.insert(&a, "a".into(), None, NOW, 0);
        s.insert(&b, "b".into(), None, NOW, 0);
        assert_eq!(s.get(&a, NOW, 0), None);
        assert_eq!(s.get(&b, NOW, 0).as_deref(), Some("b"));
        // A token larger than a shard's budget is never kept.
        let huge = "y".repeat(600);
        s.insert(&huge, "h".into(), None, NOW, 0);
        assert_eq!(s.get(&huge, NOW, 0), None);
        assert_eq!(s.len(), 1);
    }

    #[test]
    fn many_tokens_stay_within_the_bounds() {
        let s = store(TokenCache::new().max_entries(1_000).max_bytes(1 << 20));
        for i in 0..20_000 {
            s.insert(&format!("token-{i}"), i.to_string(), None, NOW, 0);
        }
        assert!(s.len() <= 1_000, "{}", s.len());
        let bytes: usize = s
            .shards
            .iter()
            .map(|sh| {
                let sh = sh.lock().unwrap();
                assert!(sh.order.len() <= 2 * sh.map.len() + 17);
                sh.bytes
            })
            .sum();
        assert!(bytes <= 1 << 20, "{bytes}");
        // The newest are the ones kept.
        assert_eq!(s.get("token-19999", NOW, 0).as_deref(), Some("19999"));
    }
}
