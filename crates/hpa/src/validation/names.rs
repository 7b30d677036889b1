//! Name rules of apimachinery's validation (path segments, DNS-1123 labels, qualified and
//! resource names), with upstream's messages.

use super::{FieldError, invalid};
use crate::field_path::FieldPath;

/// `IsValidPathSegmentName`.
pub(super) fn path_segment_errors(name: &str) -> Vec<String> {
    if name == "." || name == ".." {
        return vec![format!("may not be '{name}'")];
    }
    ["/", "%"]
        .iter()
        .filter(|c| name.contains(**c))
        .map(|c| format!("may not contain '{c}'"))
        .collect()
}

const DNS1123_LABEL_MSG: &str = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name', or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

/// `IsDNS1123Label`.
pub fn dns1123_label_errors(value: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if value.len() > 63 {
        errs.push("must be no more than 63 characters".to_string());
    }
    let ok_char = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit();
    let valid = !value.is_empty()
        && value.chars().all(|c| ok_char(c) || c == '-')
        && value.starts_with(ok_char)
        && value.ends_with(ok_char);
    if !valid {
        let subdomain = is_dns1123_subdomain(value);
        errs.push(if subdomain {
            "must not contain dots".to_string()
        } else {
            DNS1123_LABEL_MSG.to_string()
        });
    }
    errs
}

/// `ValidateContainerResourceName` (the bad value prints unquoted: `ResourceName` is a
/// `fmt.Stringer`): a qualified resource name that is a standard
/// container resource (cpu, memory, ephemeral-storage, hugepages-*), or an extended one.
pub(super) fn container_resource_name_errors(name: &str, path: &FieldPath) -> Vec<FieldError> {
    let mut errs: Vec<FieldError> = qualified_name_errors(name)
        .iter()
        .map(|m| invalid(path, name, m))
        .collect();
    if errs.is_empty() && !name.contains('/') && !is_standard_resource_name(name) {
        errs.push(invalid(
            path,
            name,
            "must be a standard resource type or fully qualified",
        ));
    }
    if !name.contains('/') {
        let container_resource = ["cpu", "memory", "ephemeral-storage"].contains(&name)
            || name.starts_with("hugepages-");
        if !container_resource {
            errs.push(invalid(
                path,
                name,
                "must be a standard resource for containers",
            ));
        }
    } else if !name.contains("kubernetes.io/") && !is_extended_resource_name(name) {
        errs.push(invalid(
            path,
            name,
            "doesn't follow extended resource name standard",
        ));
    }
    errs
}

fn is_standard_resource_name(name: &str) -> bool {
    const STANDARD: &[&str] = &[
        "cpu",
        "memory",
        "ephemeral-storage",
        "requests.cpu",
        "requests.memory",
        "requests.ephemeral-storage",
        "limits.cpu",
        "limits.memory",
        "limits.ephemeral-storage",
        "pods",
        "resourcequotas",
        "services",
        "replicationcontrollers",
        "secrets",
        "configmaps",
        "persistentvolumeclaims",
        "storage",
        "requests.storage",
        "services.nodeports",
        "services.loadbalancers",
    ];
    STANDARD.contains(&name)
        || name.starts_with("hugepages-")
        || name.starts_with("requests.hugepages-")
}

fn is_extended_resource_name(name: &str) -> bool {
    let native = !name.contains('/') || name.contains("kubernetes.io/");
    !native
        && !name.starts_with("requests.")
        && qualified_name_errors(&format!("requests.{name}")).is_empty()
}

const QUALIFIED_NAME_MSG: &str = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName', or 'my.name', or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

/// `IsQualifiedName`: an optional DNS-subdomain prefix and `/`, then a name of at most 63
/// alphanumerics, '-', '_' or '.', starting and ending alphanumeric.
pub fn qualified_name_errors(value: &str) -> Vec<String> {
    let mut errs = Vec::new();
    let parts: Vec<&str> = value.split('/').collect();
    let name = match parts.as_slice() {
        [name] => *name,
        [prefix, name] => {
            if prefix.is_empty() {
                errs.push("prefix part must be non-empty".to_string());
            } else if !is_dns1123_subdomain(prefix) {
                errs.push(format!("prefix part {DNS1123_SUBDOMAIN_MSG}"));
            }
            name
        }
        _ => {
            return vec![format!(
                "a qualified name {QUALIFIED_NAME_MSG} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"
            )];
        }
    };
    if name.is_empty() {
        errs.push("name part must be non-empty".to_string());
    } else if name.len() > 63 {
        errs.push("name part must be no more than 63 characters".to_string());
    }
    let alnum = |c: char| c.is_ascii_alphanumeric();
    let ok = !name.is_empty()
        && name.chars().all(|c| alnum(c) || "-_.".contains(c))
        && name.starts_with(alnum)
        && name.ends_with(alnum);
    if !ok {
        errs.push(format!("name part {QUALIFIED_NAME_MSG}"));
    }
    errs
}

const DNS1123_SUBDOMAIN_MSG: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

fn is_dns1123_subdomain(value: &str) -> bool {
    let ok_char = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit();
    value.len() <= 253
        && !value.is_empty()
        && value.split('.').all(|l| {
            !l.is_empty()
                && l.chars().all(|c| ok_char(c) || c == '-')
                && l.starts_with(ok_char)
                && l.ends_with(ok_char)
        })
}
