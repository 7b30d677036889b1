//! ## What it does
//! Reports a file that is a template (Helm or Go template actions `{{ ... }}`,
//! or shell-style `${VAR}` placeholders) instead of YAML, once, at the first
//! template expression. A template that does not parse as YAML is not linted
//! further. One that still parses (templates only inside values) is linted,
//! except on the lines that hold template expressions, whose values are not
//! the ones that will reach the cluster.
//!
//! ## Why is this bad?
//! A template is not what reaches the cluster: its YAML only exists once the
//! template is rendered, and linting the raw text would report the template
//! syntax instead of the manifests. Other tools either crash on templates or
//! skip them silently; scaleplan tells you what to do.
//!
//! ## Example
//! ```yaml
//! spec:
//!   minReplicas: {{ .Values.autoscaling.minReplicas }}
//! ```
//!
//! Use instead: lint the rendered output:
//! ```sh
//! helm template my-release ./chart | scaleplan lint -
//! ```
//!
//! ## References
//! - [helm template](https://helm.sh/docs/helm/helm_template/)
//! - [envsubst](https://www.gnu.org/software/gettext/manual/html_node/envsubst-Invocation.html)

use crate::rule::{Check, Rule};
use scaleplan_diag::Severity;

pub const ID: &str = "YAML004";

pub(crate) const RULE: Rule = Rule {
    id: ID,
    name: "template-not-yaml",
    severity: Severity::Warning,
    enabled: true,
    summary: "A template, not YAML: render it first",
    check: Check::Engine,
};
