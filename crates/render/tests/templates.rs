//! `--templates DIR`: a user's own templates replace the built-in ones by
//! file name; scaleplan still adds the header; mistakes are errors.

mod common;

use scaleplan_diag::Exit;
use scaleplan_render::cli::{RenderArgs, render};
use scaleplan_render::{TemplateError, Templates, render_profiles_with};
use std::fs;

#[test]
fn a_user_template_replaces_the_builtin_one_and_keeps_the_header() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("README.md.j2"),
        "# Our autoscalers\n{% for ns in namespaces %}{% for p in ns.profiles %}- {{ p.hpa }} in {{ ns.name }}\n{% endfor %}{% endfor %}",
    )
    .unwrap();
    let t = Templates::from_dir(dir.path()).unwrap();
    let artifacts = render_profiles_with(&common::all_examples(), &t).unwrap();
    let readme = artifacts.iter().find(|a| a.path == "README.md").unwrap();
    insta::assert_snapshot!(readme.contents);
    // The other templates stay the built-in ones.
    let builtin = render_profiles_with(&common::all_examples(), &Templates::builtin()).unwrap();
    let script = |a: &[scaleplan_render::Artifact]| {
        a.iter()
            .find(|a| a.path.ends_with("queue-status.sh"))
            .unwrap()
            .contents
            .clone()
    };
    assert_eq!(script(&artifacts), script(&builtin));
}

#[test]
fn an_undefined_variable_is_an_error_naming_the_template() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("queue-status.sh.j2"),
        "#!/bin/sh\necho {{ namespcae }}\n",
    )
    .unwrap();
    let t = Templates::from_dir(dir.path()).unwrap();
    let err = render_profiles_with(&common::all_examples(), &t).unwrap_err();
    let TemplateError::Template(msg) = &err else {
        panic!("{err:?}")
    };
    assert!(msg.contains("queue-status.sh.j2"), "{msg}");
    assert!(msg.contains("undefined"), "{msg}");
}

#[test]
fn a_syntax_error_is_an_error_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("generate-load.sh.j2"), "{% for x in %}\n").unwrap();
    let Err(TemplateError::Template(msg)) = Templates::from_dir(dir.path())
        .and_then(|t| render_profiles_with(&common::all_examples(), &t))
    else {
        panic!("expected a template error")
    };
    assert!(msg.contains("generate-load.sh.j2"), "{msg}");
}

#[test]
fn a_directory_without_templates_or_a_missing_one_is_a_usage_error() {
    let empty = tempfile::tempdir().unwrap();
    assert!(matches!(
        Templates::from_dir(empty.path()),
        Err(TemplateError::Io(_))
    ));
    assert!(matches!(
        Templates::from_dir(&empty.path().join("nope")),
        Err(TemplateError::Io(_))
    ));
    let out = empty.path().join("out");
    let args = RenderArgs {
        paths: vec![common::repo_root().join("profiles/api.yaml")],
        out: out.clone(),
        check: false,
        templates: Some(empty.path().join("nope")),
    };
    assert_eq!(render(&args), Exit::Usage);
    assert!(!out.exists());
}
