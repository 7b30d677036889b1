//! Kubernetes resource quantities (`"500m"`, `"1.5"`, `"2Gi"`, `"1e3"`) as exact decimals,
//! and their milli-value the way `Quantity.MilliValue()` computes it (rounded away from zero).

use std::fmt;

/// A parsed quantity: `mantissa × 10^exp10 × 2^exp2`, exact.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quantity {
    mantissa: i128,
    exp10: i32,
    exp2: i32,
}

/// Why a string is not a Kubernetes quantity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuantityError {
    pub input: String,
    pub reason: &'static str,
}

impl fmt::Display for QuantityError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid quantity {:?}: {} (expected a number with an optional suffix, e.g. \"500m\", \"1.5\", \"2Gi\", \"1e3\")",
            self.input, self.reason
        )
    }
}

impl std::error::Error for QuantityError {}

impl Quantity {
    /// Parses the Kubernetes quantity grammar:
    /// `[+-]digits[.digits](suffix)` with suffix one of the binary (`Ki`..`Ei`),
    /// decimal (`n u m "" k M G T P E`) or exponent (`e3`, `E-2`) forms.
    pub fn parse(input: &str) -> Result<Quantity, QuantityError> {
        let err = |reason| QuantityError {
            input: input.to_string(),
            reason,
        };
        let s = input.trim();
        if s.is_empty() {
            return Err(err("empty string"));
        }
        let bytes = s.as_bytes();
        let mut i = 0;
        let mut negative = false;
        if bytes[0] == b'+' || bytes[0] == b'-' {
            negative = bytes[0] == b'-';
            i = 1;
        }
        let mut mantissa: i128 = 0;
        let mut exp10: i32 = 0;
        let mut digits = 0;
        let mut seen_dot = false;
        while i < bytes.len() {
            let c = bytes[i];
            if c.is_ascii_digit() {
                // Quantities keep at most ~38 significant digits; beyond that, drop
                // trailing digits of the integer part into the exponent.
                if mantissa > i128::MAX / 100 {
                    if !seen_dot {
                        exp10 += 1;
                    }
                } else {
                    mantissa = mantissa * 10 + i128::from(c - b'0');
                    if seen_dot {
                        exp10 -= 1;
                    }
                }
                digits += 1;
            } else if c == b'.' && !seen_dot {
                seen_dot = true;
            } else {
                break;
            }
            i += 1;
        }
        if digits == 0 {
            return Err(err("no digits"));
        }
        let suffix = &s[i..];
        let (add10, exp2) = match suffix {
            "" => (0, 0),
            "n" => (-9, 0),
            "u" => (-6, 0),
            "m" => (-3, 0),
            "k" => (3, 0),
            "M" => (6, 0),
            "G" => (9, 0),
            "T" => (12, 0),
            "P" => (15, 0),
            "E" => (18, 0),
            "Ki" => (0, 10),
            "Mi" => (0, 20),
            "Gi" => (0, 30),
            "Ti" => (0, 40),
            "Pi" => (0, 50),
            "Ei" => (0, 60),
            _ if suffix.starts_with('e') || suffix.starts_with('E') => {
                let e: i32 = suffix[1..].parse().map_err(|_| err("bad exponent"))?;
                if e.abs() > 1000 {
                    return Err(err("exponent out of range"));
                }
                (e, 0)
            }
            _ => return Err(err("unknown suffix")),
        };
        if negative {
            mantissa = -mantissa;
        }
        Ok(Quantity {
            mantissa,
            exp10: exp10 + add10,
            exp2,
        })
    }

    /// Builds a quantity from a milli-value.
    pub fn from_milli(milli: i64) -> Quantity {
        Quantity {
            mantissa: i128::from(milli),
            exp10: -3,
            exp2: 0,
        }
    }

    /// `ceil(q × 1000)` rounded away from zero, like `Quantity.MilliValue()`; saturates at
    /// the int64 range.
    pub fn milli_value(&self) -> i64 {
        self.scaled(3)
    }

    /// The value rounded away from zero to an integer, like `Quantity.Value()`.
    pub fn value(&self) -> i64 {
        self.scaled(0)
    }

    /// `self × 10^scale`, rounded away from zero, saturating.
    fn scaled(&self, scale: i32) -> i64 {
        if self.mantissa == 0 {
            return 0;
        }
        let mut m = self.mantissa;
        let mut e10 = self.exp10 + scale;
        let sat = |m: i128| if m > 0 { i64::MAX } else { i64::MIN };
        // Apply the binary factor first (exact: it only multiplies).
        for _ in 0..self.exp2 {
            m = match m.checked_mul(2) {
                Some(v) => v,
                None => return sat(m),
            };
        }
        while e10 > 0 {
            m = match m.checked_mul(10) {
                Some(v) => v,
                None => return sat(m),
            };
            e10 -= 1;
        }
        let mut inexact = false;
        while e10 < 0 {
            if m % 10 != 0 {
                inexact = true;
            }
            m /= 10;
            e10 += 1;
            if m == 0 {
                break;
            }
        }
        if e10 < 0 {
            inexact = true;
        }
        if inexact {
            m += if self.mantissa > 0 { 1 } else { -1 };
        }
        i64::try_from(m).unwrap_or_else(|_| sat(m))
    }

    /// The float64 value (`Quantity.AsApproximateFloat64()`).
    pub fn as_approximate_f64(&self) -> f64 {
        // Dividing by an exact power of ten rounds correctly ("0.05" -> 0.05).
        let base = if self.exp10 < 0 {
            (self.mantissa as f64) / 10f64.powi(-self.exp10)
        } else {
            (self.mantissa as f64) * 10f64.powi(self.exp10)
        };
        base * 2f64.powi(self.exp2)
    }

    /// The sign: -1, 0 or 1 (`Quantity.Sign()`).
    pub fn sign(&self) -> i32 {
        self.mantissa.signum() as i32
    }
}

/// Parses a quantity string straight to milli-units.
pub fn parse_milli(input: &str) -> Result<i64, QuantityError> {
    Quantity::parse(input).map(|q| q.milli_value())
}

/// Formats a milli-value the way Kubernetes prints a decimal quantity (`"300m"`, `"2"`,
/// `"-300m"`), used in validation messages.
pub fn format_milli(milli: i64) -> String {
    if milli % 1000 == 0 {
        format!("{}", milli / 1000)
    } else {
        format!("{milli}m")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn milli_values_match_kubernetes() {
        assert_eq!(parse_milli("500m").unwrap(), 500);
        assert_eq!(parse_milli("1.5").unwrap(), 1500);
        assert_eq!(parse_milli("2Gi").unwrap(), 2 * 1024 * 1024 * 1024 * 1000);
        assert_eq!(parse_milli("1e3").unwrap(), 1_000_000);
        assert_eq!(parse_milli("1E-3").unwrap(), 1);
        assert_eq!(parse_milli("15").unwrap(), 15000);
        assert_eq!(parse_milli("1k").unwrap(), 1_000_000);
        assert_eq!(parse_milli("-300m").unwrap(), -300);
        assert_eq!(parse_milli(".5").unwrap(), 500);
        assert_eq!(parse_milli("+2").unwrap(), 2000);
        assert_eq!(
            parse_milli("1E").unwrap(),
            i64::MAX,
            "1 Exa in milli saturates"
        );
    }

    #[test]
    fn milli_value_rounds_away_from_zero() {
        assert_eq!(parse_milli("1n").unwrap(), 1);
        assert_eq!(parse_milli("1.0001").unwrap(), 1001);
        assert_eq!(parse_milli("-1n").unwrap(), -1);
        assert_eq!(parse_milli("100u").unwrap(), 1);
        assert_eq!(parse_milli("0").unwrap(), 0);
    }

    #[test]
    fn rejects_garbage() {
        for bad in ["", "abc", "1.2.3", "5 apples", "1Qi", "m", "1e", "--1"] {
            assert!(parse_milli(bad).is_err(), "{bad} should be rejected");
        }
        let e = parse_milli("12x").unwrap_err();
        assert!(e.to_string().contains("unknown suffix"));
    }

    #[test]
    fn approximate_float_and_format() {
        assert_eq!(Quantity::parse("0.05").unwrap().as_approximate_f64(), 0.05);
        assert_eq!(format_milli(-300), "-300m");
        assert_eq!(format_milli(2000), "2");
        assert_eq!(Quantity::parse("-1").unwrap().sign(), -1);
    }
}
