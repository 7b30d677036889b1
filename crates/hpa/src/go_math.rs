//! float64 -> integer conversions with Go's semantics on amd64, so that results match the
//! controller bit for bit, including out-of-range values (hpa-algorithm.md §13).

/// `int32(math.Ceil(x))`.
pub fn ceil_i32(x: f64) -> i32 {
    trunc_i32(x.ceil())
}

/// `int32(x)`: truncation toward zero; NaN and out-of-range values give `MinInt32`, as
/// amd64's CVTTSD2SL does (Rust's `as` would saturate instead).
pub fn trunc_i32(x: f64) -> i32 {
    if x.is_nan() || !(-2147483648.0..2147483648.0).contains(&x) {
        i32::MIN
    } else {
        x as i32
    }
}

/// `int64(x)` with amd64 semantics (`MinInt64` for NaN and out-of-range).
pub fn trunc_i64(x: f64) -> i64 {
    if x.is_nan() || !(-9223372036854775808.0..9223372036854775808.0).contains(&x) {
        i64::MIN
    } else {
        x as i64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_conversions() {
        assert_eq!(ceil_i32(4.000000000000001), 5);
        assert_eq!(ceil_i32(-0.5), 0);
        assert_eq!(trunc_i32(-0.9), 0);
        assert_eq!(trunc_i32(f64::INFINITY), i32::MIN);
        assert_eq!(trunc_i32(f64::NAN), i32::MIN);
        assert_eq!(trunc_i64(f64::INFINITY), i64::MIN);
        assert_eq!(trunc_i64(1e18), 1_000_000_000_000_000_000);
    }
}
