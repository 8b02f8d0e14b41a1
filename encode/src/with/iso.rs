//! Python's `isoformat` for dates and times, shared by the chrono and time impls.

use std::fmt::Write;

/// The components of a date, a time or a datetime.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Parts {
    pub(crate) date: Option<(i32, u8, u8)>,
    pub(crate) time: Option<(u8, u8, u8, u32)>,
    /// Offset from UTC in seconds, for aware datetimes.
    pub(crate) offset: Option<i32>,
}

/// A date or time type the [`isoformat`](super::isoformat) and
/// [`isoformat_z`](super::isoformat_z) helpers can write and read: chrono's `DateTime<Utc>`,
/// `DateTime<FixedOffset>`, `NaiveDateTime`, `NaiveDate`, `NaiveTime`; time's `OffsetDateTime`,
/// `PrimitiveDateTime`, `Date`, `Time`.
pub trait IsoFormat: sealed::Sealed {}

impl<T: sealed::Sealed> IsoFormat for T {}

pub(crate) mod sealed {
    /// Implemented in this crate only: the helpers' format is fixed.
    pub trait Sealed: Sized {
        fn parts(&self) -> super::Parts;
        fn from_parts(parts: super::Parts) -> Option<Self>;
    }
}

pub(crate) fn format(p: Parts, utc_z: bool) -> String {
    let mut out = String::with_capacity(32);
    if let Some((y, m, d)) = p.date {
        if (0..=9999).contains(&y) {
            let _ = write!(out, "{y:04}-{m:02}-{d:02}");
        } else {
            let _ = write!(out, "{y:+05}-{m:02}-{d:02}");
        }
    }
    if let Some((h, mi, s, nanos)) = p.time {
        if p.date.is_some() {
            out.push('T');
        }
        let _ = write!(out, "{h:02}:{mi:02}:{s:02}");
        let micros = nanos / 1000;
        if micros != 0 {
            let _ = write!(out, ".{micros:06}");
        }
    }
    if let Some(off) = p.offset {
        if off == 0 && utc_z {
            out.push('Z');
        } else {
            let sign = if off < 0 { '-' } else { '+' };
            let a = off.unsigned_abs();
            let _ = write!(out, "{sign}{:02}:{:02}", a / 3600, a % 3600 / 60);
            if a % 60 != 0 {
                let _ = write!(out, ":{:02}", a % 60);
            }
        }
    }
    out
}

fn num<T: std::str::FromStr>(s: &str, len: usize) -> Option<T> {
    (s.len() == len && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

fn parse_date(s: &str) -> Option<(i32, u8, u8)> {
    let mut it = s.splitn(3, '-');
    Some((
        num(it.next()?, 4)?,
        num(it.next()?, 2)?,
        num(it.next()?, 2)?,
    ))
}

fn parse_time(s: &str) -> Option<(u8, u8, u8, u32)> {
    let (hms, frac) = match s.split_once(['.', ',']) {
        Some((a, f)) => (a, Some(f)),
        None => (s, None),
    };
    let mut it = hms.splitn(3, ':');
    let h = num(it.next()?, 2)?;
    let m = num(it.next()?, 2)?;
    let sec = match it.next() {
        Some(x) => num(x, 2)?,
        None => 0,
    };
    let nanos = match frac {
        None => 0,
        Some(f) if !f.is_empty() && f.len() <= 9 && f.bytes().all(|b| b.is_ascii_digit()) => {
            f.parse::<u32>().ok()? * 10u32.pow(9 - f.len() as u32)
        }
        Some(_) => return None,
    };
    Some((h, m, sec, nanos))
}

fn parse_offset(s: &str) -> Option<i32> {
    if s.eq_ignore_ascii_case("z") {
        return Some(0);
    }
    let sign = match s.as_bytes().first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let mut it = s[1..].splitn(3, ':');
    let h: i32 = num(it.next()?, 2)?;
    let m: i32 = num(it.next()?, 2)?;
    let sec: i32 = match it.next() {
        Some(x) => num(x, 2)?,
        None => 0,
    };
    Some(sign * (h * 3600 + m * 60 + sec))
}

/// Parses `date`, `time[offset]` or `dateTtime[offset]` (`T` or a space between).
pub(crate) fn parse(s: &str) -> Option<Parts> {
    let (date, rest) = if s.len() >= 10 && s.as_bytes().get(4) == Some(&b'-') {
        // `get`: byte 10 may fall inside a character (`2024-01-0é`).
        (Some(parse_date(s.get(..10)?)?), s.get(10..)?)
    } else {
        (None, s)
    };
    let rest = match (date.is_some(), rest.as_bytes().first()) {
        (true, None) => {
            return Some(Parts {
                date,
                time: None,
                offset: None,
            })
        }
        (true, Some(b'T' | b't' | b' ')) => &rest[1..],
        (true, Some(_)) => return None,
        (false, _) => rest,
    };
    let split = rest.find(['Z', 'z', '+', '-']).unwrap_or(rest.len());
    let time = parse_time(&rest[..split])?;
    let offset = if split < rest.len() {
        Some(parse_offset(&rest[split..])?)
    } else {
        None
    };
    Some(Parts {
        date,
        time: Some(time),
        offset,
    })
}

#[cfg(feature = "chrono")]
mod chrono_impls {
    use chrono::{
        DateTime, Datelike, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, Offset, Timelike, Utc,
    };

    use super::sealed::Sealed as IsoFormat;
    use super::Parts;

    fn date_parts(d: &NaiveDate) -> (i32, u8, u8) {
        (d.year(), d.month() as u8, d.day() as u8)
    }
    fn time_parts(t: &NaiveTime) -> (u8, u8, u8, u32) {
        // A leap second (nanos >= 1e9) is written as :60, as Python cannot; clamp it.
        (
            t.hour() as u8,
            t.minute() as u8,
            t.second() as u8,
            t.nanosecond().min(999_999_999),
        )
    }
    fn naive_date(p: (i32, u8, u8)) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(p.0, p.1.into(), p.2.into())
    }
    fn naive_time(p: (u8, u8, u8, u32)) -> Option<NaiveTime> {
        NaiveTime::from_hms_nano_opt(p.0.into(), p.1.into(), p.2.into(), p.3)
    }

    impl IsoFormat for NaiveDate {
        fn parts(&self) -> Parts {
            Parts {
                date: Some(date_parts(self)),
                ..Parts::default()
            }
        }
        fn from_parts(p: Parts) -> Option<Self> {
            match p {
                Parts {
                    date: Some(d),
                    time: None,
                    offset: None,
                } => naive_date(d),
                _ => None,
            }
        }
    }

    impl IsoFormat for NaiveTime {
        fn parts(&self) -> Parts {
            Parts {
                time: Some(time_parts(self)),
                ..Parts::default()
            }
        }
        fn from_parts(p: Parts) -> Option<Self> {
            match p {
                Parts {
                    date: None,
                    time: Some(t),
                    offset: None,
                } => naive_time(t),
                _ => None,
            }
        }
    }

    impl IsoFormat for NaiveDateTime {
        fn parts(&self) -> Parts {
            Parts {
                date: Some(date_parts(&self.date())),
                time: Some(time_parts(&self.time())),
                offset: None,
            }
        }
        fn from_parts(p: Parts) -> Option<Self> {
            match p {
                Parts {
                    date: Some(d),
                    time: Some(t),
                    offset: None,
                } => Some(naive_date(d)?.and_time(naive_time(t)?)),
                _ => None,
            }
        }
    }

    impl IsoFormat for DateTime<FixedOffset> {
        fn parts(&self) -> Parts {
            let mut p = self.naive_local().parts();
            p.offset = Some(self.offset().fix().local_minus_utc());
            p
        }
        fn from_parts(p: Parts) -> Option<Self> {
            let offset = FixedOffset::east_opt(p.offset?)?;
            let naive = NaiveDateTime::from_parts(Parts { offset: None, ..p })?;
            naive.and_local_timezone(offset).single()
        }
    }

    impl IsoFormat for DateTime<Utc> {
        fn parts(&self) -> Parts {
            let mut p = self.naive_utc().parts();
            p.offset = Some(0);
            p
        }
        fn from_parts(p: Parts) -> Option<Self> {
            DateTime::<FixedOffset>::from_parts(p).map(|d| d.with_timezone(&Utc))
        }
    }
}

#[cfg(feature = "time")]
mod time_impls {
    use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};

    use super::sealed::Sealed as IsoFormat;
    use super::Parts;

    fn date_parts(d: &Date) -> (i32, u8, u8) {
        (d.year(), d.month() as u8, d.day())
    }
    fn time_parts(t: &Time) -> (u8, u8, u8, u32) {
        (t.hour(), t.minute(), t.second(), t.nanosecond())
    }
    fn date(p: (i32, u8, u8)) -> Option<Date> {
        Date::from_calendar_date(p.0, Month::try_from(p.1).ok()?, p.2).ok()
    }
    fn time(p: (u8, u8, u8, u32)) -> Option<Time> {
        Time::from_hms_nano(p.0, p.1, p.2, p.3).ok()
    }

    impl IsoFormat for Date {
        fn parts(&self) -> Parts {
            Parts {
                date: Some(date_parts(self)),
                ..Parts::default()
            }
        }
        fn from_parts(p: Parts) -> Option<Self> {
            match p {
                Parts {
                    date: Some(d),
                    time: None,
                    offset: None,
                } => date(d),
                _ => None,
            }
        }
    }

    impl IsoFormat for Time {
        fn parts(&self) -> Parts {
            Parts {
                time: Some(time_parts(self)),
                ..Parts::default()
            }
        }
        fn from_parts(p: Parts) -> Option<Self> {
            match p {
                Parts {
                    date: None,
                    time: Some(t),
                    offset: None,
                } => time(t),
                _ => None,
            }
        }
    }

    impl IsoFormat for PrimitiveDateTime {
        fn parts(&self) -> Parts {
            Parts {
                date: Some(date_parts(&self.date())),
                time: Some(time_parts(&self.time())),
                offset: None,
            }
        }
        fn from_parts(p: Parts) -> Option<Self> {
            match p {
                Parts {
                    date: Some(d),
                    time: Some(t),
                    offset: None,
                } => Some(PrimitiveDateTime::new(date(d)?, time(t)?)),
                _ => None,
            }
        }
    }

    impl IsoFormat for OffsetDateTime {
        fn parts(&self) -> Parts {
            Parts {
                date: Some(date_parts(&self.date())),
                time: Some(time_parts(&self.time())),
                offset: Some(self.offset().whole_seconds()),
            }
        }
        fn from_parts(p: Parts) -> Option<Self> {
            let offset = UtcOffset::from_whole_seconds(p.offset?).ok()?;
            let naive = PrimitiveDateTime::from_parts(Parts { offset: None, ..p })?;
            Some(naive.assume_offset(offset))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        for (s, z) in [
            ("2024-01-02T03:04:05.123456", "2024-01-02T03:04:05.123456"),
            ("2024-01-02T03:04:05+00:00", "2024-01-02T03:04:05Z"),
            ("2024-01-02T03:04:05+05:30", "2024-01-02T03:04:05+05:30"),
            (
                "2024-01-02T03:04:05-01:00:30",
                "2024-01-02T03:04:05-01:00:30",
            ),
            ("2024-01-02", "2024-01-02"),
            ("03:04:05", "03:04:05"),
            ("03:04:05.500000", "03:04:05.500000"),
        ] {
            let p = parse(s).expect(s);
            assert_eq!(format(p, false), s);
            assert_eq!(format(p, true), z);
            assert_eq!(parse(z), Some(p));
        }
        for bad in [
            "",
            "2024-1-02",
            "2024-01-02X03:04:05",
            "03:04:05.",
            "25",
            "2024-01-02T03:04:05+5",
            "03:04:05.1234567890",
        ] {
            assert_eq!(parse(bad), None, "{bad}");
        }
    }
}
