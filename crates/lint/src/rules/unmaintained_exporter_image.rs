//! ## What it does
//! Checks the image of Celery exporter containers: `ovalmoney/celery-exporter`
//! is reported as abandoned and incompatible, and any Celery exporter image
//! without a pinned tag (no tag, or `latest`) as unpinned.
//!
//! ## Why is this bad?
//! OvalMoney's exporter supports Celery 4 only (it pins `celery==4.2.1` and
//! reports `celery_workers` as 0 with Celery 5), never had a queue-length
//! metric, and was abandoned in 2021 (its maintainer's "FUTURE OF
//! CELERY-EXPORTER" issue). It also labels every series `namespace="celery"`,
//! which replaces the Kubernetes namespace under `honor_labels` scraping, so
//! adapter rules keyed on `namespace` find nothing. An unpinned tag changes
//! metric names under you on the next pull.
//!
//! ## Example
//! ```yaml
//! image: ovalmoney/celery-exporter:latest
//! ```
//!
//! Use instead:
//! ```yaml
//! image: danihodovic/celery-exporter:0.12.2
//! ```
//!
//! ## References
//! - metrics-pipeline.md §2, §4 bugs 1, 2, 7, 8
//! - <https://github.com/danihodovic/celery-exporter>

use crate::pointer::Member;
use super::celery_exporter::{CeleryExporter, image_tag};
use crate::rule::{Check, DocumentContext, Findings, Rule};
use scaleplan_diag::Severity;
use serde_json::Value;

pub(crate) const RULE: Rule = Rule {
    id: "EXPORTER001",
    name: "unmaintained-exporter-image",
    severity: Severity::Warning,
    enabled: true,
    summary: "A Celery exporter container runs the abandoned ovalmoney image or an unpinned tag",
    check: Check::Document(check),
};

fn check(ctx: &DocumentContext<'_>, out: &mut Findings) {
    let Some(Value::Array(containers)) = ctx.get("/spec/template/spec/containers") else {
        return;
    };
    for (i, c) in containers.iter().enumerate() {
        let Some(image) = c.member("image").and_then(Value::as_str) else {
            continue;
        };
        let Some(exporter) = CeleryExporter::from_image(image) else {
            continue;
        };
        let pointer = format!("/spec/template/spec/containers/{i}/image");
        let tag = image_tag(image);
        let unpinned = matches!(tag, None | Some("latest"));
        let mut problems = Vec::new();
        if exporter == CeleryExporter::OvalMoney {
            problems.push("ovalmoney/celery-exporter is abandoned (last release 2021), supports Celery 4 only and has no queue-length metric".to_owned());
        }
        if unpinned {
            problems.push(format!(
                "the tag is {}: the metric names can change on the next pull",
                tag.unwrap_or("missing")
            ));
        }
        if problems.is_empty() {
            continue;
        }
        out.push(
            ctx.value_finding(&pointer, problems.join("; "))
                .help("use a pinned danihodovic/celery-exporter release (e.g. danihodovic/celery-exporter:0.12.2, port 9808, CE_BROKER_URL), and adapter rules on its metric names"),
        );
    }
}
