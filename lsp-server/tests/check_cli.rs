//! `cairn-lsp check` end to end: the real binary on real directories.

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;
use tempfile::TempDir;

fn cairn(dir: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_cairn-lsp"));
    cmd.current_dir(dir).env_remove("CAIRN_LOG");
    cmd
}

fn write(dir: &Path, path: &str, contents: impl AsRef<[u8]>) {
    let path = dir.join(path);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, contents).unwrap();
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(dir: &Path, args: &[&str]) -> Run {
    let output = cairn(dir).args(args).output().unwrap();
    Run {
        code: output.status.code().expect("exited normally"),
        stdout: String::from_utf8(output.stdout).unwrap(),
        stderr: String::from_utf8(output.stderr).unwrap(),
    }
}

/// A small project in several languages: complexity warnings everywhere (low thresholds),
/// syntax errors in two files, a non-ASCII line, a nested configuration, a gitignored file
/// and an excluded directory.
fn mixed_project() -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // The walker honours .gitignore inside a git repository, as ripgrep does.
    std::fs::create_dir(d.join(".git")).unwrap();
    write(d, ".gitignore", "build/\n*.generated.py\n");
    write(
        d,
        ".cairn.toml",
        "[thresholds]\ncyclomatic = 2\nparams = 3\n[files]\nexclude = [\"vendor\"]\n",
    );
    write(
        d,
        "app/main.py",
        "def route(request, user, session, flags):\n    if request and user:\n        return session\n    for f in flags:\n        if f:\n            return f\n    return None\n\n\nlabel = \"😀 café\" + )\n",
    );
    write(d, "app/util.py", "def add(a, b):\n    return a + b\n");
    write(
        d,
        "web/app.js",
        "function pick(a, b) {\n  if (a) { return a; }\n  return a && b || null;\n}\n\nconst arrow = (x) => x ? 1 : 2;\n",
    );
    write(
        d,
        "web/types.ts",
        "export function size(items: string[]): number {\n  let n = 0;\n  for (const i of items) { if (i.length > 2) { n++; } }\n  return n;\n}\nlet broken: = 3;\n",
    );
    write(
        d,
        "core/lib.rs",
        "pub fn classify(n: i32) -> &'static str {\n    match n {\n        0 => \"zero\",\n        1 => \"one\",\n        _ => \"many\",\n    }\n}\n",
    );
    write(
        d,
        "core/.cairn.toml",
        "[thresholds]\ncyclomatic = 2\n[rules.severity]\n\"complexity/cyclomatic\" = \"info\"\n",
    );
    write(
        d,
        "svc/main.go",
        "package main\n\nfunc Sign(x int) int {\n\tif x > 0 {\n\t\treturn 1\n\t} else if x < 0 {\n\t\treturn -1\n\t}\n\treturn 0\n}\n",
    );
    write(d, "README.md", "# not code\n");
    write(d, "build/out.py", "def hidden(:\n");
    write(d, "app/schema.generated.py", "def hidden(:\n");
    write(d, "vendor/lib/dep.py", "def vendored(:\n");
    write(d, ".hidden/secret.py", "def hidden(:\n");
    dir
}

#[test]
fn json_output_matches_the_contract() {
    let project = mixed_project();
    let run = run(project.path(), &["check", "--format", "json"]);
    assert_eq!(
        run.code, 1,
        "syntax errors are error severity: {}",
        run.stderr
    );
    assert_eq!(run.stderr, "");
    insta::assert_snapshot!("mixed_project_json", run.stdout);

    // The exact key sets of DESIGN.md §3, so an added field fails here and not in a client.
    let json: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_keys(&json, &["files", "summary"]);
    assert_keys(&json["summary"], &["files", "functions", "diagnostics"]);
    let files = json["files"].as_array().unwrap();
    assert!(!files.is_empty());
    for file in files {
        assert_keys(file, &["path", "language", "functions", "diagnostics"]);
        for function in file["functions"].as_array().unwrap() {
            assert_keys(
                function,
                &[
                    "name",
                    "start_line",
                    "end_line",
                    "params",
                    "lines",
                    "cyclomatic",
                    "cognitive",
                    "nesting",
                ],
            );
            assert!(function["start_line"].as_u64().unwrap() >= 1, "1-based");
        }
        for diagnostic in file["diagnostics"].as_array().unwrap() {
            assert_keys(diagnostic, &["rule", "severity", "message", "range"]);
            assert_keys(&diagnostic["range"], &["start", "end"]);
            assert_keys(&diagnostic["range"]["start"], &["line", "character"]);
            assert_keys(&diagnostic["range"]["end"], &["line", "character"]);
            let severity = diagnostic["severity"].as_str().unwrap();
            assert!(["error", "warning", "info", "hint"].contains(&severity));
        }
    }
    let summary = &json["summary"];
    let count = |key: &str| -> u64 {
        files
            .iter()
            .map(|f| f[key].as_array().unwrap().len() as u64)
            .sum()
    };
    assert_eq!(summary["files"], files.len() as u64);
    assert_eq!(summary["functions"], count("functions"));
    assert_eq!(summary["diagnostics"], count("diagnostics"));
}

fn assert_keys(value: &Value, expected: &[&str]) {
    let mut keys: Vec<&str> = value
        .as_object()
        .unwrap_or_else(|| panic!("not an object: {value}"))
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    let mut expected = expected.to_vec();
    expected.sort_unstable();
    assert_eq!(keys, expected, "in {value}");
}

#[test]
fn text_output_is_one_compiler_style_line_per_finding_then_a_summary() {
    let project = mixed_project();
    let run = run(project.path(), &["check"]);
    assert_eq!(run.code, 1);
    insta::assert_snapshot!("mixed_project_text", run.stdout);
}

#[test]
fn columns_count_characters_in_text_and_utf16_units_in_json() {
    let dir = tempfile::tempdir().unwrap();
    // 😀 is one character, two UTF-16 units and four bytes.
    write(dir.path(), "a.js", "const s = \"😀\"; let = ;\n");
    let text = run(dir.path(), &["check", "--format", "text"]);
    assert!(
        text.stdout.starts_with("a.js:1:20: error[syntax/error]"),
        "{}",
        text.stdout
    );
    let json = run(dir.path(), &["check", "--format", "json"]);
    let json: Value = serde_json::from_str(&json.stdout).unwrap();
    let range = &json["files"][0]["diagnostics"][0]["range"];
    assert_eq!(range["start"]["character"], 20);
    assert_eq!(range["start"]["line"], 0);
}

#[test]
fn sarif_output_validates_against_the_sarif_2_1_0_schema() {
    let project = mixed_project();
    write(project.path(), "app/binary.py", b"\x00\x01\x02");
    let run = run(project.path(), &["check", "--format", "sarif"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let sarif: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_valid_sarif(&sarif);

    // What GitHub code scanning reads beyond the schema.
    assert_eq!(sarif["version"], "2.1.0");
    let run0 = &sarif["runs"][0];
    assert_eq!(run0["columnKind"], "utf16CodeUnits");
    let driver = &run0["tool"]["driver"];
    assert_eq!(driver["name"], "cairn");
    let rules = driver["rules"].as_array().unwrap();
    for rule in rules {
        assert!(rule["id"].is_string());
        assert!(rule["shortDescription"]["text"].is_string());
        assert!(rule["fullDescription"]["text"].is_string());
        assert!(rule["help"]["text"].is_string());
        assert!(rule["help"]["markdown"].is_string());
        assert!(rule["helpUri"].is_string());
        assert!(rule["defaultConfiguration"]["level"].is_string());
        assert!(rule["properties"]["tags"].is_array());
    }
    let eval = rules.iter().find(|r| r["id"] == "security/eval").unwrap();
    let tags = eval["properties"]["tags"].as_array().unwrap();
    assert!(tags.contains(&Value::from("security")));
    assert!(tags.contains(&Value::from("external/cwe/cwe-95")));
    assert!(eval["properties"]["security-severity"].is_string());

    let results = run0["results"].as_array().unwrap();
    assert_eq!(results.len(), 8);
    for result in results {
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
        assert!(["error", "warning", "note"].contains(&result["level"].as_str().unwrap()));
        let location = &result["locations"][0]["physicalLocation"];
        assert_eq!(location["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        let uri = location["artifactLocation"]["uri"].as_str().unwrap();
        assert!(!uri.starts_with('/') && !uri.starts_with("./") && !uri.contains('\\'));
        assert!(location["region"]["startLine"].as_u64().unwrap() >= 1);
        assert!(location["region"]["startColumn"].as_u64().unwrap() >= 1);
    }
    // The syntax error after "😀 café" on app/main.py line 10 starts at column 1; the one in
    // web/types.ts at UTF-16 column 11.
    let types = results
        .iter()
        .find(|r| {
            r["ruleId"] == "syntax/error" && r["message"]["text"] == "syntax error: unexpected `:`"
        })
        .unwrap();
    assert_eq!(
        types["locations"][0]["physicalLocation"]["region"],
        serde_json::json!({ "startLine": 6, "startColumn": 11, "endLine": 6, "endColumn": 12 })
    );
    // Skipped files are tool notifications, not results.
    let notes = &run0["invocations"][0]["toolExecutionNotifications"];
    assert_eq!(
        notes[0]["message"]["text"],
        "skipped app/binary.py: binary file"
    );
    assert_eq!(run0["invocations"][0]["executionSuccessful"], true);
}

fn assert_valid_sarif(sarif: &Value) {
    let schema: Value =
        serde_json::from_str(include_str!("schemas/sarif-schema-2.1.0.json")).unwrap();
    let validator = jsonschema::draft7::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap();
    let errors: Vec<String> = validator
        .iter_errors(sarif)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "SARIF is invalid:\n{}",
        errors.join("\n")
    );
}

#[test]
fn exit_status_is_0_without_error_findings_1_with_them_2_on_usage_errors() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "ok.py", "def f(x):\n    return x\n");
    let clean = run(dir.path(), &["check"]);
    assert_eq!(clean.code, 0);
    assert_eq!(
        clean.stdout,
        "1 file, 1 function, 0 diagnostics (0 errors, 0 warnings)\n"
    );

    write(dir.path(), ".cairn.toml", "[thresholds]\ncyclomatic = 1\n");
    write(
        dir.path(),
        "warn.py",
        "def g(x):\n    if x:\n        return 1\n    return 2\n",
    );
    assert_eq!(run(dir.path(), &["check"]).code, 0, "warnings alone pass");

    write(
        dir.path(),
        ".cairn.toml",
        "[thresholds]\ncyclomatic = 1\n[rules.severity]\ncomplexity = \"error\"\n",
    );
    let failing = run(dir.path(), &["check"]);
    assert_eq!(failing.code, 1);
    assert!(
        failing
            .stdout
            .contains("warn.py:1:5: error[complexity/cyclomatic]"),
        "{}",
        failing.stdout
    );

    assert_eq!(run(dir.path(), &["check", "--format", "yaml"]).code, 2);
    assert_eq!(run(dir.path(), &["check", "--bogus"]).code, 2);
}

#[test]
fn without_a_subcommand_it_serves_lsp_and_stops_at_the_end_of_input() {
    let dir = tempfile::tempdir().unwrap();
    let run = run(dir.path(), &[]);
    // Standard input is empty: the server sees the end of the stream and stops, having
    // written nothing that is not protocol to standard output. No `shutdown` came first, so
    // the exit code is the specification's 1, and stderr says why.
    assert_eq!(run.stdout, "");
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("without a `shutdown` request"),
        "{}",
        run.stderr
    );
}

#[test]
fn help_lists_the_check_and_rules_subcommands() {
    let dir = tempfile::tempdir().unwrap();
    let run = run(dir.path(), &["--help"]);
    assert_eq!(run.code, 0);
    for line in ["  check  ", "  rules  "] {
        assert!(run.stdout.contains(line), "{}", run.stdout);
    }
}

#[test]
fn a_nonexistent_path_is_a_usage_error_and_nothing_is_checked() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.py", "def f(:\n");
    let run = run(dir.path(), &["check", "a.py", "missing.py", "gone/"]);
    assert_eq!(run.code, 2);
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr,
        "cairn: missing.py: No such file or directory\ncairn: gone/: No such file or directory\n"
    );
}

#[test]
fn gitignored_and_hidden_files_are_skipped_unless_no_ignore() {
    let project = mixed_project();
    let default = run(project.path(), &["check", "--format", "json"]);
    let checked = paths(&default.stdout);
    assert!(
        !checked.iter().any(|p| p.starts_with("build/")),
        "{checked:?}"
    );
    assert!(!checked.contains(&"app/schema.generated.py".to_string()));
    assert!(!checked.iter().any(|p| p.starts_with(".hidden/")));

    let everything = run(
        project.path(),
        &["check", "--format", "json", "--no-ignore"],
    );
    let checked = paths(&everything.stdout);
    assert!(checked.contains(&"build/out.py".to_string()), "{checked:?}");
    assert!(checked.contains(&"app/schema.generated.py".to_string()));
    assert!(checked.contains(&".hidden/secret.py".to_string()));
    // Configuration excludes still apply.
    assert!(!checked.iter().any(|p| p.starts_with("vendor/")));
}

fn paths(json: &str) -> Vec<String> {
    let json: Value = serde_json::from_str(json).unwrap();
    json["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn unreadable_content_is_skipped_with_a_note_and_the_run_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "a_latin1.py", b"name = 'caf\xe9'\n");
    write(d, "b_binary.js", b"\x00\x00\x00\x01ELF");
    write(
        d,
        "c_huge.py",
        format!("x = 1\n{}", "# filler\n".repeat(300)),
    );
    write(d, "d_good.py", "def f(:\n");
    let run = run(d, &["check", "--max-file-size", "1000"]);
    assert_eq!(run.code, 1, "the good file's syntax error still counts");
    assert_eq!(
        run.stderr,
        "cairn: skipped a_latin1.py: not UTF-8 text\n\
         cairn: skipped b_binary.js: binary file\n\
         cairn: skipped c_huge.py: larger than 1000 bytes (2706 bytes); raise --max-file-size to check it\n"
    );
    assert!(run.stdout.starts_with("d_good.py:1:"), "{}", run.stdout);
    assert!(
        run.stdout
            .ends_with("1 file, 1 function, 1 diagnostic (1 error, 0 warnings)\n")
    );
}

#[test]
fn a_file_with_a_byte_order_mark_is_checked_with_columns_as_editors_show_them() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "bom.js", "\u{feff}let = ;\n");
    let run = run(dir.path(), &["check"]);
    assert!(
        run.stdout.starts_with("bom.js:1:5: error[syntax/error]"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_broken_config_is_a_usage_error_that_names_the_file_and_key() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "src/a.py", "def f(x):\n    return x\n");
    write(
        dir.path(),
        ".cairn.toml",
        "[rules]\nignore = [\"security/evil\"]\n",
    );
    let unknown_rule = run(dir.path(), &["check"]);
    assert_eq!(unknown_rule.code, 2);
    assert_eq!(unknown_rule.stdout, "");
    let message = unknown_rule.stderr;
    assert!(
        message.starts_with(
            "cairn: .cairn.toml:2: `rules.ignore` names unknown rule `security/evil`; expected"
        ),
        "{message}"
    );
    assert!(
        message.contains("security/eval"),
        "lists the allowed values: {message}"
    );

    write(
        dir.path(),
        ".cairn.toml",
        "[rules.severity]\n\"security/eval\" = \"fatal\"\n",
    );
    let bad_value = run(dir.path(), &["check"]);
    assert_eq!(bad_value.code, 2);
    assert!(
        bad_value.stderr.contains(".cairn.toml"),
        "{}",
        bad_value.stderr
    );
    assert!(
        bad_value
            .stderr
            .contains("rules.severity.\"security/eval\""),
        "{}",
        bad_value.stderr
    );
    assert!(
        bad_value.stderr.contains("error, warning, info, hint"),
        "{}",
        bad_value.stderr
    );

    write(dir.path(), ".cairn.toml", "[thresholds]\ncyclomatc = 3\n");
    let typo = run(dir.path(), &["check"]);
    assert_eq!(typo.code, 2);
    assert!(
        typo.stderr.starts_with("cairn: .cairn.toml: "),
        "{}",
        typo.stderr
    );
    assert!(typo.stderr.contains("cyclomatc"), "{}", typo.stderr);

    // The same through --config, named as given.
    write(
        dir.path(),
        "ci/cairn.toml",
        "[thresholds]\nnesting = \"deep\"\n",
    );
    std::fs::remove_file(dir.path().join(".cairn.toml")).unwrap();
    let explicit = run(dir.path(), &["check", "--config", "ci/cairn.toml"]);
    assert_eq!(explicit.code, 2);
    assert!(
        explicit.stderr.starts_with("cairn: ci/cairn.toml: "),
        "{}",
        explicit.stderr
    );
    let missing = run(dir.path(), &["check", "--config", "nope.toml"]);
    assert_eq!(missing.code, 2);
    assert_eq!(
        missing.stderr,
        "cairn: nope.toml: No such file or directory\n"
    );
}

#[test]
fn the_nearest_config_applies_and_config_overrides_discovery() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let branchy = "def f(x):\n    if x:\n        return 1\n    return 2\n";
    write(d, "top.py", branchy);
    write(d, "strict/inner.py", branchy);
    write(d, ".cairn.toml", "[thresholds]\ncyclomatic = 1\n");
    write(
        d,
        "strict/.cairn.toml",
        "[thresholds]\ncyclomatic = 1\n[rules.severity]\n\"complexity/cyclomatic\" = \"error\"\n",
    );
    let run1 = run(d, &["check"]);
    assert_eq!(run1.code, 1);
    assert!(
        run1.stdout
            .contains("strict/inner.py:1:5: error[complexity/cyclomatic]"),
        "{}",
        run1.stdout
    );
    assert!(
        run1.stdout
            .contains("top.py:1:5: warning[complexity/cyclomatic]"),
        "{}",
        run1.stdout
    );

    write(d, "relaxed.toml", "[rules]\nignore = [\"complexity\"]\n");
    let run2 = run(d, &["check", "--config", "relaxed.toml"]);
    assert_eq!(run2.code, 0, "{}", run2.stdout);
    assert_eq!(
        run2.stdout,
        "2 files, 2 functions, 0 diagnostics (0 errors, 0 warnings)\n"
    );
}

#[test]
fn excluded_globs_skip_walked_files_but_not_files_named_explicitly() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(
        d,
        ".cairn.toml",
        "[files]\nexclude = [\"third_party/**\", \"**/*.min.js\", \"gen\"]\n",
    );
    write(d, "src/a.py", "def f(:\n");
    write(d, "third_party/x/b.py", "def f(:\n");
    write(d, "web/app.min.js", "let = 1;\n");
    write(d, "src/gen/c.py", "def f(:\n");
    write(d, "gen/d.py", "def f(:\n");
    let walked = run(d, &["check", "--format", "json"]);
    // Globs are anchored at the configuration's directory: `gen` is the top-level one only.
    assert_eq!(paths(&walked.stdout), ["src/a.py", "src/gen/c.py"]);

    // From a subdirectory, globs stay relative to the configuration's directory.
    let from_sub = run(&d.join("third_party"), &["check", "--format", "json"]);
    assert_eq!(paths(&from_sub.stdout), Vec::<String>::new());
    assert_eq!(from_sub.code, 0);

    let named = run(d, &["check", "--format", "json", "web/app.min.js"]);
    assert_eq!(paths(&named.stdout), ["web/app.min.js"]);
}

#[test]
fn a_named_file_in_an_unsupported_language_is_skipped_with_a_note() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "notes.txt", "hello\n");
    write(dir.path(), "a.py", "x = 1\n");
    let run = run(dir.path(), &["check", "notes.txt", "a.py"]);
    assert_eq!(run.code, 0);
    assert_eq!(
        run.stderr,
        "cairn: skipped notes.txt: not a supported language (by its file extension)\n"
    );
    assert_eq!(
        run.stdout,
        "1 file, 0 functions, 0 diagnostics (0 errors, 0 warnings)\n"
    );
}

#[test]
fn paths_are_printed_as_given_like_ripgrep() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "src/a.py", "def f(:\n");
    let implicit = run(dir.path(), &["check"]);
    assert!(
        implicit.stdout.starts_with("src/a.py:1:"),
        "{}",
        implicit.stdout
    );
    let dotted = run(dir.path(), &["check", "./src"]);
    assert!(
        dotted.stdout.starts_with("./src/a.py:1:"),
        "{}",
        dotted.stdout
    );
    let twice = run(dir.path(), &["check", "src", "src/a.py"]);
    assert!(
        twice
            .stdout
            .ends_with("1 file, 1 function, 1 diagnostic (1 error, 0 warnings)\n")
    );
    let absolute = run(
        dir.path(),
        &["check", "--format", "sarif", dir.path().to_str().unwrap()],
    );
    let sarif: Value = serde_json::from_str(&absolute.stdout).unwrap();
    assert_valid_sarif(&sarif);
    let location = &sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"];
    assert!(
        location["artifactLocation"]["uri"]
            .as_str()
            .unwrap()
            .starts_with("file:///"),
        "{location}"
    );
}

#[test]
fn an_empty_directory_reports_nothing_to_check() {
    let dir = tempfile::tempdir().unwrap();
    let run = run(dir.path(), &["check", "--format", "json"]);
    assert_eq!(run.code, 0);
    assert!(
        run.stderr.starts_with("cairn: no files to check"),
        "{}",
        run.stderr
    );
    let json: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(
        json,
        serde_json::json!({ "files": [], "summary": { "files": 0, "functions": 0, "diagnostics": 0 } })
    );
}

#[test]
fn output_is_the_same_whatever_the_number_of_threads() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, ".cairn.toml", "[thresholds]\ncyclomatic = 1\n");
    for i in 0..80 {
        let body = "if x:\n        return 1\n    ".repeat(i % 7);
        write(
            d,
            &format!("pkg{}/m{i}.py", i % 5),
            format!("def f{i}(x):\n    {body}return 0\n"),
        );
        if i % 9 == 0 {
            write(d, &format!("pkg{}/z{i}.py", i % 5), b"\xff\xfe");
        }
        if i % 11 == 0 {
            write(
                d,
                &format!("web/s{i}.js"),
                format!("function g{i}(a) {{ return a && a.b; }}\nlet = ;\n"),
            );
        }
    }
    for format in ["text", "json", "sarif"] {
        let one = run(d, &["check", "--format", format, "-j", "1"]);
        let many = run(d, &["check", "--format", format, "-j", "4"]);
        assert_eq!(one.code, many.code);
        assert_eq!(one.stdout, many.stdout, "{format}");
        assert_eq!(one.stderr, many.stderr, "{format}");
        assert_eq!(many.code, 1);
    }
}
