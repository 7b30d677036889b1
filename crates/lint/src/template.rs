//! Telling a template from YAML.
//!
//! Helm charts and envsubst-style manifests are not YAML until rendered.
//! Most do not parse (`{{- if .Values.hpa.enabled }}`): the file is reported
//! once, at its first template expression, and not linted further. Some
//! still parse, with templates only inside values
//! (`bootstrapServers: "{{ .KAFKA_BROKERS }}"`): the file is reported once
//! too, and the rest of it is linted, leaving out findings on the lines that
//! hold template expressions (their values are not the real ones).
//!
//! Rendered manifests legitimately contain `{{ $labels.pod }}` (Prometheus
//! alert templates) and `${HOME}` (shell scripts in ConfigMaps), so a file
//! that parses counts as a template only on Helm actions (`{{ .Values }}`,
//! `{{ include ... }}`, `{{- if }}`) or on a value that starts with `${VAR}`.
//! A file that does not parse counts as a template on any `{{` or `${VAR}`.

/// Where a template expression starts, 1-based, and its text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TemplateMark {
    pub line: usize,
    pub column: usize,
    pub end_column: usize,
    pub text: String,
}

/// Helm/Go template actions that only a chart source contains.
const HELM_WORDS: &[&str] = &[
    "if", "else", "end", "range", "with", "include", "template", "define", "block", "toYaml",
    "tpl", "required", "default", "printf", "quote", "nindent", "indent", "lookup", "fromYaml",
    "toJson", "/*",
];

/// Finds the first template expression. `parses` says whether the file is
/// well-formed YAML (then only unmistakable template syntax counts).
pub fn find(text: &str, parses: bool) -> Option<TemplateMark> {
    find_all(text, parses).into_iter().next()
}

/// The first template expression of every line that has one.
pub fn find_all(text: &str, parses: bool) -> Vec<TemplateMark> {
    let mut marks = Vec::new();
    // Nearly every file has neither: memmem's vector search tells so at a
    // fraction of the cost of `str::contains` (1% of a one-thread run).
    let has = |needle: &[u8]| memchr::memmem::find(text.as_bytes(), needle).is_some();
    if !has(b"{{") && !has(b"${") {
        return marks;
    }
    for (n, line) in text.lines().enumerate() {
        if line.trim_start().starts_with('#') {
            continue;
        }
        let mut candidates = Vec::new();
        if let Some(i) = line.find("{{")
            && (!parses || is_helm_action(&line[i + 2..]))
        {
            let end = line[i..].find("}}").map_or(line.len(), |e| i + e + 2);
            candidates.push((i, end));
        }
        if let Some((i, end)) = env_placeholder(line)
            && (!parses || starts_value(&line[..i]))
        {
            candidates.push((i, end));
        }
        if let Some(&(start, end)) = candidates.iter().min() {
            let column = line[..start].chars().count() + 1;
            marks.push(TemplateMark {
                line: n + 1,
                column,
                end_column: column + line[start..end].chars().count(),
                text: line[start..end].to_owned(),
            });
        }
    }
    marks
}

fn is_helm_action(after: &str) -> bool {
    let a = after.trim_start_matches('-').trim_start();
    if a.starts_with('.') || a.starts_with("$.") {
        return true;
    }
    let word: String = a
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '/' || *c == '*')
        .collect();
    HELM_WORDS.contains(&word.as_str())
}

/// `${NAME}`, `${NAME:-default}` (not `${1}`, a regex back-reference in
/// prometheus-adapter `as:` templates).
fn env_placeholder(line: &str) -> Option<(usize, usize)> {
    let mut from = 0;
    while let Some(off) = line[from..].find("${") {
        let i = from + off;
        let rest = &line[i + 2..];
        if rest.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
            && let Some(close) = rest.find('}')
        {
            return Some((i, i + 2 + close + 1));
        }
        from = i + 2;
    }
    None
}

/// Whether the text before a placeholder ends where a value starts
/// (`key: `, `- `, maybe an opening quote).
fn starts_value(before: &str) -> bool {
    let b = before.trim_end_matches(['"', '\'']);
    b.ends_with(": ") || b.trim_start() == "- " || b.trim().is_empty() || b.ends_with(":")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_helm_and_envsubst_but_not_rendered_alerts() {
        let m = find("a: 1\n{{- if .Values.x }}\nb: 2\n", false).unwrap();
        assert_eq!(
            (m.line, m.column, m.text.as_str()),
            (2, 1, "{{- if .Values.x }}")
        );
        let m = find("spec:\n  minReplicas: \"{{ .Values.min }}\"\n", true).unwrap();
        assert_eq!((m.line, m.column), (2, 17));
        let m = find("metadata:\n  namespace: ${NAMESPACE}\n", true).unwrap();
        assert_eq!((m.line, m.column, m.end_column), (2, 14, 26));
        assert_eq!(find("summary: \"{{ $labels.pod }} is down\"\n", true), None);
        assert_eq!(
            find("args: [\"sh\", \"-c\", \"echo ${HOME}\"]\n", true),
            None
        );
        assert_eq!(find("as: \"${1}_per_second\"\n", true), None);
        assert_eq!(find("# {{ .Values.x }}\na: 1\n", false), None);
    }
}
