//! Checks across every loaded profile: one HPA per workload and per name,
//! and no two profiles generating an object with the same name.

use super::ids::*;
use crate::load::LoadedProfile;
use scaleplan_diag::render::Sources;
use scaleplan_diag::{Diagnostic, yaml};
use std::collections::BTreeMap;

/// Reports the second and later profile that claims an HPA, a workload or a
/// generated object already claimed by an earlier one (in load order).
pub fn across_profiles(profiles: &[LoadedProfile], sources: &Sources) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut seen: BTreeMap<(u8, String), &LoadedProfile> = BTreeMap::new();
    for p in profiles {
        let r = &p.resolved;
        let ns = &r.namespace;
        let mut claims: Vec<(u8, String, &'static str, &'static str, String)> = vec![
            (
                0,
                format!("{ns}/{}", r.hpa_name),
                DUPLICATE_HPA,
                "/spec/hpaName",
                format!("HorizontalPodAutoscaler `{}`", r.hpa_name),
            ),
            (
                1,
                format!("{ns}/{}/{}", r.workload.kind.as_str(), r.workload.name),
                DUPLICATE_WORKLOAD,
                "/spec/workload/name",
                format!("{} `{}`", r.workload.kind.as_str(), r.workload.name),
            ),
        ];
        if let Some(q) = &r.queue {
            claims.push((
                2,
                format!("{ns}/{}", q.exporter.name),
                DUPLICATE_OBJECT,
                "/spec/queue/exporter",
                format!("exporter Deployment/Service `{}`", q.exporter.name),
            ));
        }
        for (i, w) in r.schedule.iter().enumerate() {
            for job in [&w.start_job_name, &w.end_job_name] {
                claims.push((
                    3,
                    format!("{ns}/{job}"),
                    DUPLICATE_OBJECT,
                    "",
                    format!("CronJob `{job}`"),
                ));
            }
            let _ = i;
        }
        if !r.schedule.is_empty() {
            claims.push((
                4,
                format!("{ns}/{}", r.scheduler_name),
                DUPLICATE_OBJECT,
                "/spec/schedule",
                format!("ServiceAccount/Role `{}`", r.scheduler_name),
            ));
        }
        for (kind, key, id, ptr, what) in claims {
            match seen.get(&(kind, key.clone())) {
                // A profile repeating itself (two windows of one name) is P0705's business.
                Some(first) if first.file == p.file && first.doc == p.doc => {}
                Some(first) => {
                    // Point at the field in the later profile's document.
                    let ptr = if ptr.is_empty() {
                        "/metadata/name"
                    } else {
                        ptr
                    };
                    let loc = locate(sources, p, ptr);
                    let (verb, per) = match id {
                        DUPLICATE_HPA => ("generated", "HPA"),
                        DUPLICATE_WORKLOAD => ("scaled", "workload"),
                        _ => ("generated", "generated object"),
                    };
                    let msg = format!(
                        "{what} in namespace `{ns}` is already {verb} by profile `{}` ({}): expected one profile per {per}",
                        first.resolved.name, first.file,
                    );
                    let help = match id {
                        DUPLICATE_WORKLOAD => {
                            "two HPAs on one workload fight over its replica count; merge the profiles (a profile can combine resource targets, a queue and a schedule)"
                        }
                        DUPLICATE_HPA => "give one profile another `hpaName` or `metadata.name`",
                        _ => {
                            "rename one profile, its exporter (`queue.exporter.name`) or its windows"
                        }
                    };
                    out.push(
                        Diagnostic::error(id, msg)
                            .at_opt(loc)
                            .field(yaml::field_path(ptr))
                            .help(help),
                    );
                }
                None => {
                    seen.insert((kind, key), p);
                }
            }
        }
    }
    out
}

fn locate(sources: &Sources, p: &LoadedProfile, ptr: &str) -> Option<scaleplan_diag::Location> {
    let src = sources.get(&p.file)?;
    let docs = yaml::load_documents(src).ok()?;
    let doc = docs.get(p.doc)?;
    Some(yaml::pointer_location(src, doc, ptr))
}
