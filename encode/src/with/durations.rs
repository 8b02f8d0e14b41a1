use std::time::Duration as StdDuration;

/// A duration that the duration helpers can write: `std::time::Duration`, chrono's
/// `TimeDelta` and time's `Duration` (features `chrono`, `time`). Negative durations are kept
/// by the signed types.
pub trait DurationLike: Sized {
    /// Sign and magnitude in whole seconds and nanoseconds.
    fn to_parts(&self) -> (bool, u64, u32);
    /// Builds it back; `None` when out of range (or negative for `std`).
    fn from_parts(negative: bool, secs: u64, nanos: u32) -> Option<Self>;
}

impl DurationLike for StdDuration {
    fn to_parts(&self) -> (bool, u64, u32) {
        (false, self.as_secs(), self.subsec_nanos())
    }
    fn from_parts(negative: bool, secs: u64, nanos: u32) -> Option<Self> {
        (!negative || (secs == 0 && nanos == 0)).then(|| StdDuration::new(secs, nanos))
    }
}

#[cfg(feature = "chrono")]
impl DurationLike for chrono::TimeDelta {
    fn to_parts(&self) -> (bool, u64, u32) {
        let negative = *self < chrono::TimeDelta::zero();
        let abs = self.abs();
        (
            negative,
            abs.num_seconds() as u64,
            abs.subsec_nanos() as u32,
        )
    }
    fn from_parts(negative: bool, secs: u64, nanos: u32) -> Option<Self> {
        let d = chrono::TimeDelta::new(i64::try_from(secs).ok()?, nanos)?;
        Some(if negative { -d } else { d })
    }
}

#[cfg(feature = "time")]
impl DurationLike for time::Duration {
    fn to_parts(&self) -> (bool, u64, u32) {
        let abs = self.abs();
        (
            self.is_negative(),
            abs.whole_seconds() as u64,
            abs.subsec_nanoseconds() as u32,
        )
    }
    fn from_parts(negative: bool, secs: u64, nanos: u32) -> Option<Self> {
        let d = time::Duration::new(i64::try_from(secs).ok()?, i32::try_from(nanos).ok()?);
        Some(if negative { -d } else { d })
    }
}

/// Seconds as a float, rounded to microseconds as Python's `timedelta` is.
pub(crate) fn to_secs_f64<D: DurationLike>(d: &D) -> f64 {
    let (negative, secs, nanos) = d.to_parts();
    let micros = nanos / 1000;
    let v = secs as f64 + f64::from(micros) / 1e6;
    if negative {
        -v
    } else {
        v
    }
}

pub(crate) fn from_secs_f64<D: DurationLike>(v: f64) -> Option<D> {
    if !v.is_finite() || v.abs() >= 1e15 {
        return None;
    }
    let negative = v < 0.0;
    let total_micros = (v.abs() * 1e6).round() as u64;
    D::from_parts(
        negative,
        total_micros / 1_000_000,
        (total_micros % 1_000_000) as u32 * 1000,
    )
}
