//! Safety net: the HPA a valid profile describes must pass the API server's
//! own validation (`scaleplan_hpa::validation`). The specific checks should
//! have said everything already; anything left is reported here, mapped back
//! to the profile field, rather than rendered into a manifest that
//! `kubectl apply` rejects.

use super::Ctx;
use super::ids::HPA_API_REJECTS;
use crate::resolve::api_validation;
use scaleplan_diag::Diagnostic;

/// The profile field an HPA field comes from.
fn profile_pointer(field: &str) -> String {
    let f = field.strip_prefix("spec.").unwrap_or(field);
    if f.starts_with("minReplicas") {
        "/spec/replicas/min".into()
    } else if f.starts_with("maxReplicas") {
        "/spec/replicas/max".into()
    } else if f.starts_with("scaleTargetRef") {
        "/spec/workload".into()
    } else if f.starts_with("metrics") {
        "/spec/targets".into()
    } else if let Some(b) = f.strip_prefix("behavior.") {
        let path: String = b
            .split('.')
            .map(|seg| match seg.split_once('[') {
                Some((name, idx)) => format!("/{name}/{}", idx.trim_end_matches(']')),
                None => format!("/{seg}"),
            })
            .collect();
        format!("/spec/behavior{path}")
    } else {
        "/spec".into()
    }
}

pub fn check(ctx: &Ctx<'_, '_>, out: &mut Vec<Diagnostic>) {
    for e in api_validation(ctx.resolved) {
        out.push(
            ctx.error(
                HPA_API_REJECTS,
                &profile_pointer(&e.field),
                format!("the generated HPA would be rejected by the API server: {e}"),
            )
            .help("please report this as a scaleplan bug, with the profile; meanwhile adjust the field named"),
        );
    }
}
