//! The Kubernetes version manifests are checked against (`--kubernetes-version`).

use std::fmt;

/// A Kubernetes minor release, `1.33`. Patch levels do not change which
/// APIs exist, so they are accepted and ignored.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct KubeVersion {
    pub major: u32,
    pub minor: u32,
}

impl KubeVersion {
    /// The default target, and the only version whose schemas are bundled:
    /// the build carries exactly one k8s-openapi version feature (`v1_33`).
    pub const DEFAULT: KubeVersion = KubeVersion::new(1, 33);
    /// The version the bundled schemas describe.
    pub const SCHEMAS: KubeVersion = KubeVersion::new(1, 33);

    pub const fn new(major: u32, minor: u32) -> Self {
        KubeVersion { major, minor }
    }
}

impl Default for KubeVersion {
    fn default() -> Self {
        Self::DEFAULT
    }
}

impl fmt::Display for KubeVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

impl std::str::FromStr for KubeVersion {
    type Err = String;
    /// Accepts `1.33`, `v1.33` and `1.33.2`.
    fn from_str(s: &str) -> Result<Self, String> {
        let bad = || format!("invalid Kubernetes version {s:?} (expected MAJOR.MINOR, e.g. 1.33)");
        let t = s.trim().trim_start_matches('v');
        let mut parts = t.split('.');
        let major = parts.next().and_then(|p| p.parse().ok()).ok_or_else(bad)?;
        let minor = parts.next().and_then(|p| p.parse().ok()).ok_or_else(bad)?;
        match parts.next() {
            None => {}
            Some(p) if p.parse::<u32>().is_ok() && parts.next().is_none() => {}
            Some(_) => return Err(bad()),
        }
        if major != 1 {
            return Err(bad());
        }
        Ok(KubeVersion { major, minor })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_common_spellings() {
        for s in ["1.33", "v1.33", "1.33.4"] {
            assert_eq!(s.parse::<KubeVersion>(), Ok(KubeVersion::new(1, 33)));
        }
        assert!("1".parse::<KubeVersion>().is_err());
        assert!("2.0".parse::<KubeVersion>().is_err());
        assert!(KubeVersion::new(1, 25) < KubeVersion::new(1, 33));
    }
}
