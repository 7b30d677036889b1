//! The third-party corpus (`../shared/corpus/third-party`, read at run time):
//! properties that hold for any real input, never exact findings (the set
//! may change). No panic; every document accounted for; every finding
//! inside its file; the kinds the corpus index lists are recognized.

use scaleplan_diag::SourceFile;
use scaleplan_lint::{LintOptions, lint};
use std::collections::HashMap;
use std::path::Path;

fn corpus() -> Option<std::path::PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/third-party");
    dir.is_dir().then_some(dir)
}

/// `Kind(apiVersion)` entries of INDEX.tsv, with their `xN` counts.
fn index_kinds(dir: &Path) -> HashMap<String, Vec<String>> {
    let text = std::fs::read_to_string(dir.join("INDEX.tsv")).unwrap();
    let mut out = HashMap::new();
    for line in text.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        let mut kinds = Vec::new();
        for k in cols[4].split("; ") {
            if let Some((kind, n)) = k.rsplit_once(")x") {
                for _ in 0..n.parse().unwrap() {
                    kinds.push(format!("{kind})"));
                }
            } else {
                kinds.push(k.to_owned());
            }
        }
        out.insert(cols[0].to_owned(), kinds);
    }
    out
}

#[test]
fn the_whole_corpus_lints_with_every_document_accounted_for() {
    let Some(dir) = corpus() else {
        eprintln!("corpus not found; skipped");
        return;
    };
    let (inputs, errors) =
        scaleplan_lint::input::collect(std::slice::from_ref(&dir), &Default::default());
    assert!(errors.is_empty(), "{errors:?}");
    assert!(inputs.len() >= 40, "corpus too small: {}", inputs.len());
    let result = lint(&inputs, &LintOptions::default());
    assert_eq!(result.files.len(), inputs.len());
    let listed = index_kinds(&dir);

    let mut texts = HashMap::new();
    for input in &inputs {
        let name = input.name();
        let src = SourceFile::read(Path::new(&name)).unwrap();
        texts.insert(name, src);
    }
    for summary in &result.files {
        let src = &texts[&summary.file];
        let base = Path::new(&summary.file)
            .file_name()
            .unwrap()
            .to_str()
            .unwrap();
        let expected = &listed[base];
        let templates = result
            .diagnostics
            .iter()
            .filter(|d| d.location.as_ref().unwrap().file == summary.file && d.rule == "YAML004")
            .count();
        assert_eq!(
            templates,
            usize::from(summary.template),
            "{base}: a template is reported once"
        );
        if expected.iter().any(|k| k == "(unparsed)") {
            assert!(
                summary.template,
                "{base}: a template, must be refused as one"
            );
            assert_eq!(summary.documents, 0, "{base}: nothing linted in a template");
            let n = result
                .diagnostics
                .iter()
                .filter(|d| d.location.as_ref().unwrap().file == summary.file)
                .count();
            assert_eq!(
                n, 1,
                "{base}: a template is reported once, and nothing else"
            );
            continue;
        }
        // Every document is counted, and matches an independent parse.
        if summary.syntax_errors == 0 {
            let mut loader_count = 0;
            let mut parser = saphyr_parser::Parser::new_from_str(&src.text);
            let mut loader = saphyr::YamlLoader::<saphyr::MarkedYaml>::default();
            loader.allow_duplicate_keys(true);
            parser.load(&mut loader, true).unwrap();
            for d in loader.into_documents() {
                let null = matches!(d.data, saphyr::YamlData::Value(saphyr::Scalar::Null));
                if !saphyr::LoadableYamlNode::is_badvalue(&d) && !null {
                    loader_count += 1;
                }
            }
            assert_eq!(summary.documents, loader_count, "{base}");
        }
        assert_eq!(summary.kinds.len(), summary.documents, "{base}");
        if expected.iter().any(|k| k.starts_with("(none")) {
            assert!(
                summary.kinds.iter().all(|k| k.starts_with("Adapter")),
                "{base}: helm values / adapter config: {:?}",
                summary.kinds
            );
        } else {
            let mut got = summary.kinds.clone();
            got.sort();
            let mut want = expected.clone();
            want.sort();
            assert_eq!(got, want, "{base}");
        }
    }
    // Every finding is inside the file it names.
    for d in &result.diagnostics {
        let loc = d
            .location
            .as_ref()
            .unwrap_or_else(|| panic!("unlocated: {d:?}"));
        let src = &texts[&loc.file];
        let line = src
            .line(loc.line)
            .unwrap_or_else(|| panic!("line out of file: {d:?}"));
        assert!(
            loc.column >= 1 && loc.column <= line.chars().count() + 1,
            "column out of line: {d:?}"
        );
        assert!(
            loc.end_line >= loc.line && loc.end_line <= src.line_count(),
            "{d:?}"
        );
    }
    eprintln!(
        "corpus: {} files, {} documents, {} findings",
        result.files.len(),
        result.files.iter().map(|f| f.documents).sum::<usize>(),
        result.diagnostics.len()
    );
}
