//! Kubernetes quantity syntax (`apimachinery/pkg/api/resource/quantity.go`),
//! through `scaleplan_hpa`'s exact parser so that the validator and the HPA
//! maths agree on what a quantity is.

/// The value of a quantity as a float (enough for comparisons and sign
/// checks), or what is wrong with it.
pub fn parse_quantity(text: &str) -> Result<f64, String> {
    if text != text.trim() || text.contains(' ') {
        return Err(format!("`{text}` contains spaces"));
    }
    scaleplan_hpa::quantity::Quantity::parse(text)
        .map(|q| q.as_approximate_f64())
        .map_err(|e| e.reason.to_string())
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
