//! Kubernetes quantity syntax (`apimachinery/pkg/api/resource/quantity.go`):
//! a signed decimal number followed by a binary-SI suffix (Ki..Ei), a
//! decimal-SI suffix (m, k, M, G, T, P, E) or a decimal exponent (e3, E-2).

/// The value of a quantity as a float (enough for comparisons and sign
/// checks), or what is wrong with it.
pub fn parse_quantity(text: &str) -> Result<f64, String> {
    let s = text;
    if s.is_empty() {
        return Err("empty quantity".into());
    }
    let bytes = s.as_bytes();
    let mut i = 0;
    if matches!(bytes[0], b'+' | b'-') {
        i = 1;
    }
    let num_start = i;
    let mut digits = 0;
    while i < bytes.len() && bytes[i].is_ascii_digit() {
        i += 1;
        digits += 1;
    }
    if i < bytes.len() && bytes[i] == b'.' {
        i += 1;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
            digits += 1;
        }
    }
    if digits == 0 {
        return Err(format!("`{text}` does not start with a number"));
    }
    let number: f64 = s[..i]
        .parse()
        .map_err(|_| format!("`{}` is not a number", &s[num_start..i]))?;
    let suffix = &s[i..];
    let factor = match suffix {
        "" => 1.0,
        "m" => 1e-3,
        "k" => 1e3,
        "M" => 1e6,
        "G" => 1e9,
        "T" => 1e12,
        "P" => 1e15,
        "E" => 1e18,
        "Ki" => 1024f64,
        "Mi" => 1024f64.powi(2),
        "Gi" => 1024f64.powi(3),
        "Ti" => 1024f64.powi(4),
        "Pi" => 1024f64.powi(5),
        "Ei" => 1024f64.powi(6),
        _ => {
            let exp = suffix
                .strip_prefix('e')
                .or_else(|| suffix.strip_prefix('E'))
                .filter(|e| {
                    let d = e.strip_prefix(['+', '-']).unwrap_or(e);
                    !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit())
                })
                .ok_or_else(|| {
                    format!(
                        "unknown suffix `{suffix}` (use m, k, M, G, T, P, E, Ki, Mi, Gi, Ti, Pi, Ei or an exponent like e3)"
                    )
                })?;
            10f64.powi(
                exp.parse::<i32>()
                    .map_err(|_| format!("exponent `{exp}` too large"))?,
            )
        }
    };
    Ok(number * factor)
}

#[cfg(test)]
mod tests {
    use super::parse_quantity;

    #[test]
    fn accepts_kubernetes_forms() {
        assert_eq!(parse_quantity("500m").unwrap(), 0.5);
        assert_eq!(parse_quantity("128Mi").unwrap(), 128.0 * 1024.0 * 1024.0);
        assert_eq!(parse_quantity("1e3").unwrap(), 1000.0);
        assert_eq!(parse_quantity(".5").unwrap(), 0.5);
        assert_eq!(parse_quantity("-2").unwrap(), -2.0);
    }

    #[test]
    fn rejects_malformed() {
        for bad in ["", "1GB", "500 m", "m", "1.2.3", "abc", "1e", "Mi"] {
            assert!(parse_quantity(bad).is_err(), "{bad}");
        }
    }
}
