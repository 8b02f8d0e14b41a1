//! Shared by the float tests that compare with Python.
#![allow(dead_code)]

/// Python's `float.hex()` form, exact; `nan`, `inf`, `-inf` for the rest.
pub(crate) fn hex(v: f64) -> String {
    if v.is_nan() {
        return "nan".into();
    }
    if v.is_infinite() {
        return if v > 0.0 { "inf" } else { "-inf" }.into();
    }
    let bits = v.to_bits();
    let sign = if bits >> 63 == 1 { "-" } else { "" };
    let exp = ((bits >> 52) & 0x7ff) as i64;
    let mant = bits & ((1 << 52) - 1);
    if exp == 0 {
        if mant == 0 {
            return format!("{sign}0x0.0p+0");
        }
        return format!("{sign}0x0.{mant:013x}p-1022");
    }
    format!("{sign}0x1.{mant:013x}p{:+}", exp - 1023)
}
