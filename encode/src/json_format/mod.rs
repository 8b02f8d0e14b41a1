//! How the JSON classes write a value: serde_json's compact output with the float layout of
//! Python's `repr` (FastAPI's `JSONResponse`) or of pydantic-core (a route with a response
//! model), and NaN refused or written `null`.
//!
//! A leaf: [`Payload`](crate::Payload) writes its value through these functions (one
//! monomorphized writer per value type), and the classes in [`class`](crate::class) call the
//! payload; nothing here knows a payload or a class.

use std::io;

use serde::Serialize;
use serde_json::ser::Formatter;

pub(crate) mod finite;

/// `json.dumps(ensure_ascii=False, allow_nan=False, separators=(",", ":"))`: FastAPI's
/// `JSONResponse`.
pub(crate) fn write_python_json<T: Serialize + ?Sized>(
    value: &T,
    out: &mut Vec<u8>,
) -> Result<(), serde_json::Error> {
    let mut ser = serde_json::Serializer::with_formatter(out, PythonFloatFormatter);
    value.serialize(finite::Finite(&mut ser))
}

/// serde_json's compact formatter, with floats written as Python's `repr` writes them.
/// ([`Json`](crate::class::Json) also refuses NaN and infinities, as Python's `allow_nan=False`.)
///
/// The digits are the shortest that round-trip (zmij, as serde_json uses; the same digits as
/// Python); only the layout
/// differs from serde_json: Python uses fixed notation for decimal exponents from -4 to 15 and
/// writes exponents with a sign and at least two digits (`1e+20`, `1e-07`, `1e-05`).
#[derive(Clone, Copy, Debug, Default)]
pub struct PythonFloatFormatter;

impl Formatter for PythonFloatFormatter {
    #[inline]
    fn write_f64<W: ?Sized + io::Write>(&mut self, writer: &mut W, value: f64) -> io::Result<()> {
        if !value.is_finite() {
            return Err(not_finite());
        }
        write_f64_in(writer, value, PYTHON_LAYOUT)
    }

    fn write_f32<W: ?Sized + io::Write>(&mut self, writer: &mut W, value: f32) -> io::Result<()> {
        if !value.is_finite() {
            return Err(not_finite());
        }
        let mut buf = zmij::Buffer::new();
        write_python_float(writer, buf.format_finite(value))
    }
}

fn not_finite() -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        "out of range float values are not JSON compliant (NaN or infinity)",
    )
}

/// Where a float layout leaves fixed notation, and how it writes the exponent. Both layouts
/// keep the shortest round-trip digits and write `.0` on integral values in fixed notation.
#[derive(Clone, Copy, Debug)]
pub(crate) struct FloatLayout {
    /// The smallest decimal exponent (of the first significant digit) written in fixed
    /// notation: `-4` for Python's `repr` (`0.0001`, `1e-05`), `-5` for pydantic (`0.00001`,
    /// `1e-6`). Both go up to 15 (`1000000000000000.0`, `1e+16`).
    pub(crate) min_fixed: i32,
    /// `10^min_fixed`: the smallest magnitude written in fixed notation.
    pub(crate) min_fixed_value: f64,
    /// Whether the exponent has at least two digits: Python's `1e-07`, pydantic's `1e-7`.
    pub(crate) pad_exponent: bool,
}

/// Python's `float.__repr__` (and so `json.dumps`).
pub(crate) const PYTHON_LAYOUT: FloatLayout = FloatLayout {
    min_fixed: -4,
    min_fixed_value: 1e-4,
    pad_exponent: true,
};

/// Re-lays zmij's shortest representation (`1e20`, `1.5e-7`, `0.00001`, `123.45`) in Python's
/// `float.__repr__` layout.
#[inline]
fn write_python_float<W: ?Sized + io::Write>(w: &mut W, shortest: &str) -> io::Result<()> {
    write_float(w, shortest, PYTHON_LAYOUT)
}

/// A finite `f64` in `layout`: zmij's shortest digits, copied as they are when the value's
/// magnitude is in the layout's fixed range (zero, or from `10^min_fixed` up to `1e16`), which
/// is where zmij also writes fixed notation (its `f64` range is decimal exponents -5 to 15,
/// with a point and `.0` on integral values), and re-laid otherwise.
///
/// Deciding on the value, not on the text, is exact: no double below `10^min_fixed` has a
/// shortest representation of `10^min_fixed` itself (that text parses to the double
/// `10^min_fixed`), and likewise at `1e16`. It saves scanning the text of every float (most
/// payload floats are ordinary decimals such as `97.25`); the test below checks it against the
/// general layout on random values.
#[inline]
pub(crate) fn write_f64_in<W: ?Sized + io::Write>(
    w: &mut W,
    value: f64,
    layout: FloatLayout,
) -> io::Result<()> {
    let mut buf = zmij::Buffer::new();
    let text = buf.format_finite(value);
    let magnitude = value.abs();
    if magnitude == 0.0 || (magnitude >= layout.min_fixed_value && magnitude < 1e16) {
        return w.write_all(text.as_bytes());
    }
    relay_float(w, text, layout)
}

/// Re-lays zmij's shortest representation (`1e20`, `1.5e-7`, `0.00001`, `123.45`) in `layout`,
/// straight into the writer (no allocation).
#[inline]
pub(crate) fn write_float<W: ?Sized + io::Write>(
    w: &mut W,
    shortest: &str,
    layout: FloatLayout,
) -> io::Result<()> {
    if already_in_layout(shortest.as_bytes(), layout) {
        return w.write_all(shortest.as_bytes());
    }
    relay_float(w, shortest, layout)
}

/// Whether zmij's text is already what `layout` writes, so that most floats (`97.25`, `1.5`,
/// `3.0`) are copied as they are: fixed notation (a point, no exponent) with the first
/// significant digit's decimal exponent inside the layout's fixed range.
#[inline]
fn already_in_layout(text: &[u8], layout: FloatLayout) -> bool {
    let digits = match text {
        [b'-', rest @ ..] => rest,
        _ => text,
    };
    let Some(point) = digits.iter().position(|&b| b == b'.') else {
        return false;
    };
    if digits.iter().any(|&b| !(b.is_ascii_digit() || b == b'.')) {
        return false;
    }
    if digits[..point] != *b"0" {
        // `d...d.f`: the exponent is the integer digits' count less one, at most 15.
        return point >= 1 && digits[0] != b'0' && point <= 16;
    }
    // `0.0...0d`: the exponent is minus the zeros after the point, less one.
    let zeros = digits[point + 1..]
        .iter()
        .take_while(|&&b| b == b'0')
        .count();
    if zeros == digits.len() - point - 1 {
        // Zero itself.
        return digits == b"0.0";
    }
    -(zeros as i32) > layout.min_fixed
}

/// The general case of [`write_float`]: the digits re-laid in `layout`.
fn relay_float<W: ?Sized + io::Write>(
    w: &mut W,
    shortest: &str,
    layout: FloatLayout,
) -> io::Result<()> {
    let (neg, rest) = match shortest.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, shortest),
    };
    let (mantissa, exp) = match rest.split_once(['e', 'E']) {
        Some((m, e)) => (m, e.parse::<i32>().unwrap_or(0)),
        None => (rest, 0),
    };
    let point = mantissa.find('.').unwrap_or(mantissa.len());
    // The significant digits, without the point, leading zeros or trailing zeros.
    let mut digits = [0u8; 32];
    let mut n = 0;
    let mut leading = 0;
    for b in mantissa.bytes().filter(|b| *b != b'.') {
        if n == 0 && b == b'0' {
            leading += 1;
            continue;
        }
        if n < digits.len() {
            digits[n] = b;
            n += 1;
        }
    }
    while n > 0 && digits[n - 1] == b'0' {
        n -= 1;
    }
    if neg {
        w.write_all(b"-")?;
    }
    if n == 0 {
        return w.write_all(b"0.0");
    }
    let digits = &digits[..n];
    // Decimal exponent of the first significant digit.
    let e10 = point as i32 - leading - 1 + exp;
    if (layout.min_fixed..16).contains(&e10) {
        if e10 >= 0 {
            let int_len = e10 as usize + 1;
            if digits.len() <= int_len {
                w.write_all(digits)?;
                for _ in digits.len()..int_len {
                    w.write_all(b"0")?;
                }
                w.write_all(b".0")
            } else {
                w.write_all(&digits[..int_len])?;
                w.write_all(b".")?;
                w.write_all(&digits[int_len..])
            }
        } else {
            w.write_all(b"0.")?;
            for _ in 0..(-e10 - 1) {
                w.write_all(b"0")?;
            }
            w.write_all(digits)
        }
    } else {
        w.write_all(&digits[..1])?;
        if digits.len() > 1 {
            w.write_all(b".")?;
            w.write_all(&digits[1..])?;
        }
        // `e`, the sign, and up to three digits (a double's decimal exponent is at most 308).
        let abs = e10.unsigned_abs();
        let mut exp = [b'e', if e10 < 0 { b'-' } else { b'+' }, 0, 0, 0];
        let mut len = 2;
        if abs >= 100 {
            exp[len] = b'0' + (abs / 100 % 10) as u8;
            len += 1;
        }
        if abs >= 10 || layout.pad_exponent {
            exp[len] = b'0' + (abs / 10 % 10) as u8;
            len += 1;
        }
        exp[len] = b'0' + (abs % 10) as u8;
        w.write_all(&exp[..=len])
    }
}

/// pydantic-core's layout: fixed notation from `0.00001` up to 15 digits before the point,
/// exponents with a sign and no padding (`1e-7`, `1e+16`).
pub(crate) const PYDANTIC_LAYOUT: FloatLayout = FloatLayout {
    min_fixed: -5,
    min_fixed_value: 1e-5,
    pad_exponent: false,
};

/// pydantic-core's `to_json`: FastAPI's output on a route with a response model.
pub(crate) fn write_pydantic_json<T: Serialize + ?Sized>(
    value: &T,
    out: &mut Vec<u8>,
) -> Result<(), serde_json::Error> {
    // serde_json itself writes a NaN or infinite float as `null`, as pydantic does: no
    // `Finite` wrapper here.
    let mut ser = serde_json::Serializer::with_formatter(out, PydanticFloatFormatter);
    value.serialize(&mut ser)
}

/// serde_json's compact formatter, with floats written as pydantic-core writes them (see
/// [`PydanticJson`](crate::class::PydanticJson)): `0.00001`, `1e-6`, `1e+16`; NaN and infinities as `null`.
///
/// The digits are the shortest that round-trip (zmij, as serde_json uses), written straight
/// into the writer.
#[derive(Clone, Copy, Debug, Default)]
pub struct PydanticFloatFormatter;

impl Formatter for PydanticFloatFormatter {
    #[inline]
    fn write_f64<W: ?Sized + io::Write>(&mut self, writer: &mut W, value: f64) -> io::Result<()> {
        if !value.is_finite() {
            // serde_json's serializer never gets here with one; another caller might.
            return writer.write_all(b"null");
        }
        write_f64_in(writer, value, PYDANTIC_LAYOUT)
    }

    #[inline]
    fn write_f32<W: ?Sized + io::Write>(&mut self, writer: &mut W, value: f32) -> io::Result<()> {
        if !value.is_finite() {
            return writer.write_all(b"null");
        }
        let mut buf = zmij::Buffer::new();
        write_float(writer, buf.format_finite(value), PYDANTIC_LAYOUT)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn relaid(text: &str, layout: FloatLayout) -> String {
        let mut out = Vec::new();
        relay_float(&mut out, text, layout).unwrap();
        String::from_utf8(out).unwrap()
    }

    /// The shortcut copies zmij's text only where re-laying it would give the same bytes.
    #[test]
    fn the_shortcut_agrees_with_the_general_layout() {
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut values = vec![
            0.0,
            -0.0,
            1.0,
            3.0,
            97.25,
            1.5,
            0.1,
            0.5,
            1e-4,
            1.5e-4,
            1e-5,
            1.5e-5,
            1e-6,
            123.45,
            1e15,
            9.99e15,
            1e16,
            1.5e16,
            1e21,
            1e22,
            5e-324,
            f64::MAX,
            f64::MIN_POSITIVE,
        ];
        // Each side of every boundary of the value test, by one unit in the last place.
        for edge in [1e-4_f64, 1e-5, 1e16] {
            for v in [edge, -edge] {
                values.extend([
                    f64::from_bits(v.to_bits() - 1),
                    v,
                    f64::from_bits(v.to_bits() + 1),
                ]);
            }
        }
        for _ in 0..50_000 {
            // xorshift64: random bit patterns, and random small decimals.
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            values.push(f64::from_bits(x));
            values.push((x % 1_000_000) as f64 / [1.0, 10.0, 100.0, 1e4, 1e7][(x % 5) as usize]);
            values.push((x >> 11) as f64 * [1.0, 1e3, 1e-9][(x % 3) as usize]);
        }
        let mut shortcut = 0;
        for v in values.into_iter().filter(|v| v.is_finite()) {
            let mut buf = zmij::Buffer::new();
            let text = buf.format_finite(v).to_owned();
            for layout in [PYTHON_LAYOUT, PYDANTIC_LAYOUT] {
                let mut out = Vec::new();
                write_float(&mut out, &text, layout).unwrap();
                assert_eq!(
                    String::from_utf8(out).unwrap(),
                    relaid(&text, layout),
                    "{v:e} ({text})"
                );
                shortcut += usize::from(already_in_layout(text.as_bytes(), layout));
                let mut fast = Vec::new();
                write_f64_in(&mut fast, v, layout).unwrap();
                assert_eq!(
                    String::from_utf8(fast).unwrap(),
                    relaid(&text, layout),
                    "{v:e} ({text}), by value"
                );
            }
        }
        // Most of the small decimals take the shortcut.
        assert!(shortcut > 75_000, "{shortcut}");
    }
}
