//! The `cairn-server` binary: subcommands, configuration errors, refusing to start without
//! its database or Redis, serving, and a graceful stop on SIGTERM.

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn server() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_cairn-server"));
    for (key, _) in std::env::vars() {
        if key.starts_with("CAIRN_") {
            command.env_remove(key);
        }
    }
    command.stdin(Stdio::null());
    command
}

fn run(command: &mut Command) -> (i32, String, String) {
    let output = command.output().expect("run cairn-server");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn help_and_version() {
    let (code, out, _) = run(server().arg("--help"));
    assert_eq!(code, 0);
    for word in [
        "serve",
        "migrate",
        "user",
        "CAIRN_DATABASE_URL",
        "CAIRN_REDIS_URL",
        "CAIRN_BIND",
    ] {
        assert!(out.contains(word), "{word} missing from --help:\n{out}");
    }
    let (code, out, _) = run(server().args(["user", "create", "--help"]));
    assert_eq!(code, 0);
    assert!(out.contains("--password-stdin") && out.contains("--admin"));
    let (code, out, _) = run(server().arg("--version"));
    assert_eq!(
        (code, out.trim()),
        (0, concat!("cairn-server ", env!("CARGO_PKG_VERSION")))
    );
}

#[test]
fn invalid_settings_are_refused_naming_the_setting() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, err) = run(server()
        .env("CAIRN_DATA_DIR", dir.path())
        .env("CAIRN_BIND", "everywhere"));
    assert_eq!(code, 2);
    assert!(
        err.contains("CAIRN_BIND") && err.contains("everywhere"),
        "{err}"
    );
    let (code, _, err) = run(server()
        .env("CAIRN_DATA_DIR", dir.path())
        .env("CAIRN_DATABASE_URL", "mysql://x"));
    assert_eq!(code, 2);
    assert!(err.contains("CAIRN_DATABASE_URL"), "{err}");
    let config = dir.path().join("cairn.toml");
    std::fs::write(&config, "regstration = \"open\"\n").unwrap();
    let (code, _, err) = run(server()
        .env("CAIRN_DATA_DIR", dir.path())
        .env("CAIRN_CONFIG", &config));
    assert_eq!(code, 2);
    assert!(err.contains("unknown key `regstration`"), "{err}");
    std::fs::write(&config, "registration = \"sometimes\"\n").unwrap();
    let (code, _, err) = run(server()
        .arg("migrate")
        .env("CAIRN_DATA_DIR", dir.path())
        .arg("--config")
        .arg(&config));
    assert_eq!(code, 2);
    assert!(
        err.contains("registration") && err.contains("sometimes"),
        "{err}"
    );
    // the flag wins over the file
    let (code, _, err) = run(server()
        .arg("migrate")
        .env("CAIRN_DATA_DIR", dir.path())
        .arg("--config")
        .arg(&config)
        .args(["--registration", "invite"]));
    assert_eq!(code, 0, "{err}");
}

#[test]
fn an_unreachable_database_or_redis_stops_the_start_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, err) = run(server().env("CAIRN_DATA_DIR", dir.path()).env(
        "CAIRN_DATABASE_URL",
        "postgres://cairn:hunter2@127.0.0.1:1/cairn",
    ));
    assert_eq!(code, 1);
    assert!(
        err.contains("cannot use the database at postgres://cairn:***@127.0.0.1:1/cairn"),
        "{err}"
    );
    assert!(!err.contains("hunter2"), "the password leaked: {err}");
    let (code, _, err) = run(server()
        .env("CAIRN_DATA_DIR", dir.path())
        .env("CAIRN_REDIS_URL", "redis://127.0.0.1:1"));
    assert_eq!(code, 1);
    assert!(
        err.contains("cannot reach Redis at redis://127.0.0.1:1"),
        "{err}"
    );
}

#[test]
fn migrate_user_create_serve_and_stop_gracefully() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let (code, _, err) = run(server().arg("migrate").env("CAIRN_DATA_DIR", &data));
    assert_eq!(code, 0, "{err}");
    assert!(data.join("cairn.db").exists());

    let create = |args: &[&str], password: &str| {
        let mut child = server()
            .args(["user", "create"])
            .args(args)
            .arg("--password-stdin")
            .env("CAIRN_DATA_DIR", &data)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        writeln!(child.stdin.take().unwrap(), "{password}").unwrap();
        let output = child.wait_with_output().unwrap();
        (
            output.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&output.stdout).into_owned(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    };
    let (code, out, err) = create(
        &[
            "--admin",
            "--username",
            "root",
            "--email",
            "root@example.com",
        ],
        "a long admin password",
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        out.starts_with("created root (root@example.com) with role admin"),
        "{out}"
    );
    let (code, _, err) = create(
        &["--username", "weak", "--email", "weak@example.com"],
        "short",
    );
    assert_eq!(code, 1);
    assert!(err.contains("password"), "{err}");
    let (code, _, err) = create(
        &["--username", "ROOT", "--email", "r2@example.com"],
        "another long password",
    );
    assert_eq!(code, 1);
    assert!(err.contains("username is taken"), "{err}");

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&data), 0o700);
        assert_eq!(mode(&data.join("jwt-secret")), 0o600);
    }

    // serve on an ephemeral port; the JSON log says where
    let mut child = server()
        .env("CAIRN_DATA_DIR", &data)
        .env("CAIRN_BIND", "127.0.0.1:0")
        .env("CAIRN_LOG", "info")
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let address = loop {
        let line = lines.next().expect("the server logs").unwrap();
        let json: serde_json::Value =
            serde_json::from_str(&line).unwrap_or_else(|_| panic!("not a JSON log line: {line}"));
        if json["fields"]["message"] == "cairn-server listening" {
            break json["fields"]["address"].as_str().unwrap().to_string();
        }
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let status = runtime.block_on(async {
        let client = reqwest::Client::new();
        let response = client
            .post(format!("http://{address}/api/v1/auth/login"))
            .json(&serde_json::json!({"login": "root", "password": "a long admin password"}))
            .send()
            .await
            .unwrap();
        response.status().as_u16()
    });
    assert_eq!(status, 200);
    // the request's log line carries its request id
    let request_line = loop {
        let line = lines.next().expect("more log").unwrap();
        if line.contains("/api/v1/auth/login") && line.contains("finished processing request") {
            break line;
        }
    };
    let json: serde_json::Value = serde_json::from_str(&request_line).unwrap();
    assert!(
        json["span"]["request_id"]
            .as_str()
            .is_some_and(|id| id.len() == 36),
        "{request_line}"
    );

    let started = Instant::now();
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let exit = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "did not stop after SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(exit.success(), "{exit:?}");
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    assert!(
        rest.iter().any(|l| l.contains("cairn-server stopped")),
        "{rest:?}"
    );
}
