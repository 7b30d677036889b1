//! Text artifacts from minijinja templates: `README.md` at the top of the
//! output, and per namespace the tutorial's operational scripts (load
//! generator, scaling monitor, queue status), filled in with the profiles'
//! namespace, workload, HPA and queue names.
//!
//! The header naming the source profiles is added here, not by the
//! templates, so that a user's own template set cannot forget it.

use crate::artifact::{Artifact, ArtifactKind, Origin};
use crate::text_context::{NamespaceContext, readme_context};
use minijinja::syntax::SyntaxConfig;
use minijinja::value::Serde;
use minijinja::{Environment, UndefinedBehavior, Value};
use scaleplan_profile::LoadedProfile;
use std::path::Path;

/// The templates we render, by file name; `--templates DIR` overrides any of
/// them with `DIR/<name>`.
pub const TEMPLATE_NAMES: [&str; 4] = [README, GENERATE_LOAD, MONITOR_SCALING, QUEUE_STATUS];
const README: &str = "README.md.j2";
const GENERATE_LOAD: &str = "generate-load.sh.j2";
const MONITOR_SCALING: &str = "monitor-scaling.sh.j2";
const QUEUE_STATUS: &str = "queue-status.sh.j2";

const BUILTIN: [(&str, &str); 4] = [
    (README, include_str!("../../../templates/README.md.j2")),
    (
        GENERATE_LOAD,
        include_str!("../../../templates/generate-load.sh.j2"),
    ),
    (
        MONITOR_SCALING,
        include_str!("../../../templates/monitor-scaling.sh.j2"),
    ),
    (
        QUEUE_STATUS,
        include_str!("../../../templates/queue-status.sh.j2"),
    ),
];

/// A template problem: unreadable (`Io`, exit 2) or not renderable (`Template`, exit 1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TemplateError {
    Io(String),
    Template(String),
}

impl std::fmt::Display for TemplateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TemplateError::Io(m) | TemplateError::Template(m) => f.write_str(m),
        }
    }
}

/// A set of templates, each with where it came from (for error messages).
pub struct Templates {
    sources: Vec<(&'static str, String, String)>,
}

impl Templates {
    /// The templates shipped in the repository's `templates/`.
    pub fn builtin() -> Self {
        Templates {
            sources: BUILTIN
                .iter()
                .map(|(n, s)| (*n, format!("built-in {n}"), s.to_string()))
                .collect(),
        }
    }

    /// `DIR/<name>` for every name of [`TEMPLATE_NAMES`] that exists there,
    /// the built-in template for the others. At least one must exist, so
    /// that a mistyped directory is an error rather than silently ignored.
    pub fn from_dir(dir: &Path) -> Result<Self, TemplateError> {
        if !dir.is_dir() {
            return Err(TemplateError::Io(format!(
                "{}: not a directory (--templates expects a directory holding {})",
                dir.display(),
                TEMPLATE_NAMES.join(", ")
            )));
        }
        let mut found = 0;
        let mut sources = Vec::new();
        for (name, builtin) in BUILTIN {
            let path = dir.join(name);
            if path.exists() {
                let text = std::fs::read_to_string(&path)
                    .map_err(|e| TemplateError::Io(format!("{}: {e}", path.display())))?;
                sources.push((name, path.display().to_string(), text));
                found += 1;
            } else {
                sources.push((name, format!("built-in {name}"), builtin.to_string()));
            }
        }
        if found == 0 {
            return Err(TemplateError::Io(format!(
                "{}: no templates found (expected at least one of {})",
                dir.display(),
                TEMPLATE_NAMES.join(", ")
            )));
        }
        Ok(Templates { sources })
    }

    fn environment(&self) -> Result<Environment<'_>, TemplateError> {
        let mut env = Environment::new();
        // Strict: a misspelt variable in a user's template is an error, not
        // an empty string in a shell script.
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        let syntax = SyntaxConfig::builder()
            .trim_blocks(true)
            .lstrip_blocks(true)
            .keep_trailing_newline(true)
            .build()
            .map_err(|e| TemplateError::Template(e.to_string()))?;
        env.set_syntax(syntax);
        env.add_filter("shquote", shquote);
        for (name, origin, text) in &self.sources {
            env.add_template_owned(*name, text.as_str())
                .map_err(|e| TemplateError::Template(format!("{origin}: {e:#}")))?;
        }
        Ok(env)
    }

    fn origin_of<'a>(&'a self, name: &'a str) -> &'a str {
        self.sources
            .iter()
            .find(|(n, _, _)| *n == name)
            .map_or(name, |(_, o, _)| o.as_str())
    }

    /// Renders every text artifact for these profiles.
    pub fn render(&self, profiles: &[LoadedProfile]) -> Result<Vec<Artifact>, TemplateError> {
        let env = self.environment()?;
        let ctx = readme_context(profiles);
        let mut out = Vec::new();
        let all = origin(ctx.namespaces.iter().flat_map(|n| n.profiles.iter()));
        out.push(self.artifact(
            &env,
            README,
            "README.md",
            ArtifactKind::Text,
            &all,
            Value::from(Serde(&ctx)),
        )?);
        for ns in &ctx.namespaces {
            let o = origin(ns.profiles.iter());
            for (name, file) in scripts(ns) {
                out.push(self.artifact(
                    &env,
                    name,
                    &format!("{}/scripts/{file}", ns.name),
                    ArtifactKind::Script,
                    &o,
                    Value::from(Serde(ns)),
                )?);
            }
        }
        Ok(out)
    }

    fn artifact(
        &self,
        env: &Environment<'_>,
        template: &str,
        path: &str,
        kind: ArtifactKind,
        origin: &Origin,
        ctx: Value,
    ) -> Result<Artifact, TemplateError> {
        let body = env
            .get_template(template)
            .and_then(|t| t.render(ctx))
            .map_err(|e| TemplateError::Template(format!("{}: {e:#}", self.origin_of(template))))?;
        Ok(Artifact {
            path: path.to_string(),
            kind,
            origin: origin.clone(),
            contents: with_header(&body, origin, kind),
        })
    }
}

/// The scripts of a namespace: `(template, file name)`. The queue status
/// script only where a profile scales on a queue.
fn scripts(ns: &NamespaceContext) -> Vec<(&'static str, &'static str)> {
    let mut s = vec![
        (GENERATE_LOAD, "generate-load.sh"),
        (MONITOR_SCALING, "monitor-scaling.sh"),
    ];
    if ns.has_queue {
        s.push((QUEUE_STATUS, "queue-status.sh"));
    }
    s
}

fn origin<'a>(profiles: impl Iterator<Item = &'a crate::text_context::ProfileContext>) -> Origin {
    let mut profiles: Vec<(String, String)> =
        profiles.map(|p| (p.file.clone(), p.name.clone())).collect();
    profiles.sort();
    Origin { profiles }
}

/// Puts the header comment first: after the shebang of a script, as an
/// HTML comment in Markdown (a `#` line would be a heading).
fn with_header(body: &str, origin: &Origin, kind: ArtifactKind) -> String {
    let header = origin.header();
    let mut body = body.to_string();
    if !body.ends_with('\n') {
        body.push('\n');
    }
    match kind {
        ArtifactKind::Script => match body.split_once('\n') {
            Some((first, rest)) if first.starts_with("#!") => {
                format!("{first}\n# {header}\n{rest}")
            }
            _ => format!("# {header}\n{body}"),
        },
        ArtifactKind::Text => format!("<!-- {header} -->\n{body}"),
        _ => format!("# {header}\n{body}"),
    }
}

/// POSIX shell single-quoting: `it's` -> `'it'\''s'`.
fn shquote(value: &Value) -> String {
    let s = value.to_string();
    format!("'{}'", s.replace('\'', r"'\''"))
}
