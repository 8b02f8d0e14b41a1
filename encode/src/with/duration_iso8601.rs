//! A duration as ISO 8601 (`P1DT2H3.5S`): FastAPI path B, pydantic's `timedelta` form.
//!
//! Days of 365 make a year (`P1Y`), as pydantic writes them; zero is `PT0S`; a negative
//! duration has a leading `-`.

use std::fmt::Write;

use serde::{de, Deserialize, Deserializer, Serializer};

use super::durations::from_secs_f64;
use super::DurationLike;

/// Writes the ISO 8601 form.
pub fn format<D: DurationLike>(value: &D) -> String {
    let (negative, secs, nanos) = value.to_parts();
    let micros = nanos / 1000;
    let mut out = String::with_capacity(16);
    if negative && (secs != 0 || micros != 0) {
        out.push('-');
    }
    out.push('P');
    let days = secs / 86_400;
    let rest = secs % 86_400;
    if days != 0 {
        let (years, days) = (days / 365, days % 365);
        if years != 0 {
            let _ = write!(out, "{years}Y");
        }
        if days != 0 {
            let _ = write!(out, "{days}D");
        }
    }
    if rest != 0 || micros != 0 {
        out.push('T');
        let (h, m, s) = (rest / 3600, rest % 3600 / 60, rest % 60);
        if h != 0 {
            let _ = write!(out, "{h}H");
        }
        if m != 0 {
            let _ = write!(out, "{m}M");
        }
        if s != 0 || micros != 0 {
            if micros != 0 {
                let frac = format!("{micros:06}");
                let _ = write!(out, "{s}.{}S", frac.trim_end_matches('0'));
            } else {
                let _ = write!(out, "{s}S");
            }
        }
    } else if days == 0 {
        out.push_str("T0S");
    }
    out
}

/// Parses `[-]P[nY][nW][nD][T[nH][nM][n[.f]S]]` (a year is 365 days, a month is not accepted
/// as it has no fixed length).
pub fn parse<D: DurationLike>(s: &str) -> Option<D> {
    let (negative, s) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    let s = s.strip_prefix(['P', 'p'])?;
    let (date, time) = match s.split_once(['T', 't']) {
        Some((d, t)) => (d, Some(t)),
        None => (s, None),
    };
    let mut total = 0f64;
    let mut any = false;
    let mut eat = |part: &str, units: &[(char, f64)]| -> Option<()> {
        let mut num = String::new();
        let mut idx = 0;
        for c in part.chars() {
            if c.is_ascii_digit() || c == '.' || c == ',' {
                num.push(if c == ',' { '.' } else { c });
                continue;
            }
            let c = c.to_ascii_uppercase();
            let pos = units[idx..].iter().position(|(u, _)| *u == c)? + idx;
            let v: f64 = num.parse().ok()?;
            total += v * units[pos].1;
            any = true;
            num.clear();
            idx = pos + 1;
        }
        num.is_empty().then_some(())
    };
    eat(
        date,
        &[
            ('Y', 365.0 * 86_400.0),
            ('W', 7.0 * 86_400.0),
            ('D', 86_400.0),
        ],
    )?;
    if let Some(time) = time {
        if time.is_empty() {
            return None;
        }
        eat(time, &[('H', 3600.0), ('M', 60.0), ('S', 1.0)])?;
    }
    if !any {
        return None;
    }
    from_secs_f64(if negative { -total } else { total })
}

/// Serializes as ISO 8601.
///
/// # Errors
/// Only the serializer's own.
pub fn serialize<D: DurationLike, S: Serializer>(
    value: &D,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&format(value))
}

/// Deserializes ISO 8601, or float seconds (path A's form).
///
/// # Errors
/// When the input is neither, or out of the type's range.
pub fn deserialize<'de, D: DurationLike, De: Deserializer<'de>>(
    deserializer: De,
) -> Result<D, De::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Iso {
        Number(f64),
        Text(String),
    }
    match Iso::deserialize(deserializer)? {
        Iso::Number(v) => {
            from_secs_f64(v).ok_or_else(|| de::Error::custom("duration out of range"))
        }
        Iso::Text(s) => parse(&s).ok_or_else(|| de::Error::custom("invalid ISO 8601 duration")),
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn pydantic_forms() {
        let cases = [
            (Duration::new(93_603, 500_000_000), "P1DT2H3.5S"),
            (Duration::ZERO, "PT0S"),
            (Duration::from_secs(86_400), "P1D"),
            (Duration::from_secs(366 * 86_400 + 60), "P1Y1DT1M"),
            (Duration::from_micros(1), "PT0.000001S"),
            (Duration::from_secs(3600), "PT1H"),
        ];
        for (d, want) in cases {
            assert_eq!(format(&d), want);
            assert_eq!(parse::<Duration>(want), Some(d), "{want}");
        }
        assert_eq!(parse::<Duration>("P"), None);
        assert_eq!(parse::<Duration>("PT"), None);
        assert_eq!(parse::<Duration>("P1M"), None);
        assert_eq!(parse::<Duration>("x"), None);
        assert_eq!(
            parse::<Duration>("-PT1S"),
            None,
            "std durations are not negative"
        );
    }
}
