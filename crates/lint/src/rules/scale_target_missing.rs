//! ## What it does
//! Checks that the workload an HPA or a KEDA ScaledObject scales is in the
//! input set: same namespace, same kind, same name.
//!
//! To avoid reporting every HPA linted without its workload (or applied on
//! top of workloads managed elsewhere), the rule speaks only when the input
//! holds a near miss: a workload of the same name under another kind or
//! namespace, or of the same kind and namespace one typo away from the name.
//!
//! ## Why is this bad?
//! An autoscaler whose target does not exist does nothing. The HPA reports
//! `FailedGetScale` in its events, which nobody reads, and the workload it
//! was meant to protect runs at a fixed size.
//!
//! ## Example
//! ```yaml
//! apiVersion: autoscaling/v2
//! kind: HorizontalPodAutoscaler
//! metadata: {name: worker, namespace: shop}
//! spec:
//!   scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: wroker}
//!   maxReplicas: 10
//! ```
//!
//! Use instead:
//! ```yaml
//! spec:
//!   scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: worker}
//! ```
//!
//! ## References
//! - kube-score `horizontalpodautoscaler-has-target`, kube-linter `dangling-horizontalpodautoscaler`
//! - <https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/>

use super::workload::{Autoscaler, autoscalers, describe, target};
use crate::index::Index;
use crate::rule::{Check, Findings, ObjectsContext, Rule};
use scaleplan_diag::Severity;
use std::collections::HashMap;

pub(crate) const RULE: Rule = Rule {
    id: "XOBJ001",
    name: "scale-target-missing",
    severity: Severity::Warning,
    enabled: true,
    summary: "The workload an HPA or ScaledObject scales is not in the input",
    check: Check::Objects(check),
};

fn check(ctx: &ObjectsContext<'_>, out: &mut Findings) {
    // Without a near miss the target may simply live in a file that was
    // not linted (manifests applied on top of existing workloads).
    let missing: Vec<Autoscaler<'_>> = autoscalers(ctx.index)
        .filter(|a| target(ctx.index, a).is_none())
        .collect();
    if missing.is_empty() {
        return;
    }
    let near = near_misses(ctx.index, &missing);
    for (a, near) in missing.iter().zip(near) {
        if near.is_empty() {
            continue;
        }
        let mut msg = format!(
            "{} scales {} {}, which is not in the input",
            a.describe(),
            a.target_kind,
            a.target_name
        );
        msg.push_str(&format!("; found {}", near.join(", ")));
        out.push(
            a.object
                .finding(&format!("{}/name", a.target_pointer), msg)
                .help("fix scaleTargetRef (kind, name, namespace) so it names the workload, or lint the workload's manifest together with the autoscaler"),
        );
    }
}

/// For each autoscaler whose target is missing: the objects that can be
/// scale targets (they have a pod template) whose name matches but whose
/// kind or namespace does not, and those of the same kind and namespace one
/// edit away from the name, in input order.
///
/// The missing targets' names are grouped by kind and by every "deletion
/// variant" (the name itself and the name without one of its characters);
/// two names one insertion, deletion, substitution or neighbour
/// transposition apart always share a variant, so one pass over the
/// workloads, looking up each name's variants, finds every typo candidate
/// (then checked exactly). Grouping the missing names, not every
/// workload, keeps the lookup as small as the findings; the variants are
/// kept as sorted hashes (a collision only adds a candidate).
fn near_misses(index: &Index, missing: &[Autoscaler<'_>]) -> Vec<Vec<String>> {
    let mut by_name: HashMap<&str, Vec<usize>> = HashMap::new();
    let mut by_kind_variant: Vec<(u64, u32)> = Vec::new();
    for (i, a) in missing.iter().enumerate() {
        by_name.entry(a.target_name).or_default().push(i);
        let i = u32::try_from(i).expect("fewer than 4 billion autoscalers");
        for key in variant_keys(a.target_kind, a.target_name) {
            by_kind_variant.push((key, i));
        }
    }
    by_kind_variant.sort_unstable();
    let mut found: Vec<Vec<usize>> = vec![Vec::new(); missing.len()];
    for o in index.objects().filter(|o| o.has_template()) {
        let name = o.name().unwrap_or("");
        for &i in by_name.get(name).into_iter().flatten() {
            found[i].push(o.id());
        }
        let Some(kind) = o.object.kind_name.as_deref() else {
            continue;
        };
        for key in variant_keys(kind, name) {
            let from = by_kind_variant.partition_point(|&(k, _)| k < key);
            let hits = by_kind_variant[from..].iter().take_while(|&&(k, _)| k == key);
            for &(_, i) in hits {
                let i = i as usize;
                let a = &missing[i];
                if o.same_namespace(a.object.namespace())
                    && one_edit_apart(name, a.target_name)
                {
                    found[i].push(o.id());
                }
            }
        }
    }
    found
        .into_iter()
        .map(|mut ids| {
            ids.sort_unstable();
            ids.dedup();
            ids.into_iter()
                .filter_map(|id| index.get(id))
                .map(|o| format!("{} in {}", describe(o), o.file_name()))
                .collect()
        })
        .collect()
}

/// Hashes of `kind` with each of [`deletion_variants`] of `name`, computed
/// from the name's two halves around the removed character: this runs for
/// every workload of the input, and building each variant as a string was
/// most of the rule's time. FNV-1a over the bytes, so that the halves hash
/// as their concatenation would; a collision only adds a candidate that
/// [`one_edit_apart`] drops.
fn variant_keys<'a>(kind: &'a str, name: &'a str) -> impl Iterator<Item = u64> + 'a {
    let kind_hash = fnv1a(fnv1a(FNV_OFFSET, kind.as_bytes()), &[0xff]);
    std::iter::once(fnv1a(kind_hash, name.as_bytes())).chain(name.char_indices().map(
        move |(i, c)| {
            let before = fnv1a(kind_hash, &name.as_bytes()[..i]);
            fnv1a(before, &name.as_bytes()[i + c.len_utf8()..])
        },
    ))
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;

fn fnv1a(mut hash: u64, bytes: &[u8]) -> u64 {
    for &b in bytes {
        hash = (hash ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}

/// The name itself and the name with each one of its characters removed.
#[cfg(test)]
fn deletion_variants(name: &str) -> impl Iterator<Item = String> + '_ {
    std::iter::once(name.to_owned()).chain(
        name.char_indices()
            .map(move |(i, c)| format!("{}{}", &name[..i], &name[i + c.len_utf8()..])),
    )
}

/// Whether two names differ by one insertion, deletion, substitution or
/// transposition of neighbours (the typos people make).
fn one_edit_apart(a: &str, b: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if a == b || a.len().abs_diff(b.len()) > 1 {
        return false;
    }
    let start = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let (ra, rb) = (&a[start..], &b[start..]);
    let tail_eq = |x: &[char], y: &[char]| x == y;
    match ra.len().cmp(&rb.len()) {
        std::cmp::Ordering::Equal => {
            tail_eq(&ra[1..], &rb[1..])
                || (ra.len() >= 2
                    && ra[0] == rb[1]
                    && ra[1] == rb[0]
                    && tail_eq(&ra[2..], &rb[2..]))
        }
        std::cmp::Ordering::Greater => tail_eq(&ra[1..], rb),
        std::cmp::Ordering::Less => tail_eq(ra, &rb[1..]),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn typos_are_one_edit() {
        assert!(super::one_edit_apart("worker", "wroker"));
        assert!(super::one_edit_apart("worker", "workers"));
        assert!(super::one_edit_apart("worker", "wotker"));
        assert!(!super::one_edit_apart("worker", "api"));
        assert!(!super::one_edit_apart("worker", "worker"));
    }

    /// The keys are the hashes of the variants themselves: halves hash as
    /// their concatenation, multi-byte characters included.
    #[test]
    fn variant_keys_hash_the_variants() {
        for name in ["worker", "api", "w", "", "wörk€r", "a-b.c"] {
            let want: Vec<u64> = super::deletion_variants(name)
                .map(|v| {
                    let kind = super::fnv1a(super::FNV_OFFSET, b"Deployment\xff");
                    super::fnv1a(kind, v.as_bytes())
                })
                .collect();
            let got: Vec<u64> = super::variant_keys("Deployment", name).collect();
            assert_eq!(got, want, "{name}");
        }
    }

    /// Every pair one edit apart shares a deletion variant, so the grouped
    /// lookup misses no candidate the full scan would have found.
    #[test]
    fn one_edit_pairs_share_a_deletion_variant() {
        let names = [
            "worker", "wroker", "workers", "wotker", "orker", "api", "w", "",
        ];
        for a in names {
            for b in names {
                if super::one_edit_apart(a, b) {
                    let va: Vec<String> = super::deletion_variants(a).collect();
                    assert!(
                        super::deletion_variants(b).any(|v| va.contains(&v)),
                        "{a} / {b}"
                    );
                }
            }
        }
    }
}
