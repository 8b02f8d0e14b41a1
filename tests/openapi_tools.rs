//! The OpenAPI documents the examples serve, checked by outside tools: each example is started,
//! its `/openapi.json` fetched over 127.0.0.1 into a file, and
//!
//! - openapi-spec-validator (Python) validates it: exit 0, `FILE: OK`;
//! - `redocly lint --extends recommended` (@redocly/cli, Node; `security-defined` skipped, as
//!   FastAPI's public routes have no security) finds no error;
//! - schemathesis (Python) fuzzes the running parity example from it: no 5xx, and every response
//!   matches its documented schema.
//!
//! The Python tools come from `TOWERAPI_OPENAPI_TOOLS` (a venv's bin directory; `scripts/test`
//! makes `target/openapi-tools-venv` from tests/tools/requirements.txt and sets it), else
//! `target/openapi-tools-venv/bin`; redocly from tests/tools/node_modules (`npm ci --prefix
//! tests/tools`). A missing tool fails the test, saying to run `bash scripts/test`; it never
//! skips. Every tool run is killed after 300 s.
#![allow(clippy::unwrap_used, missing_docs)]

mod common;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use common::examples::start;
use common::tools::{require, root, run_bounded, scratch, target_dir};

const LIMIT: Duration = Duration::from_secs(300);

/// The venv's bin directory with openapi-spec-validator and schemathesis' `st`.
fn python_tools() -> PathBuf {
    let bin = match std::env::var_os("TOWERAPI_OPENAPI_TOOLS") {
        Some(bin) => PathBuf::from(bin),
        None => target_dir().join("openapi-tools-venv").join("bin"),
    };
    for tool in ["openapi-spec-validator", "st"] {
        require(
            bin.join(tool),
            &format!(
                "{tool} (tests/tools/requirements.txt, in the venv named by TOWERAPI_OPENAPI_TOOLS)"
            ),
        );
    }
    bin
}

fn redocly() -> PathBuf {
    require(
        root().join("tests/tools/node_modules/.bin/redocly"),
        "@redocly/cli (npm ci --prefix tests/tools)",
    )
}

/// The example's `/openapi.json`, as served, in a fresh scratch directory.
fn fetch_document(addr: SocketAddr, dir: &Path) -> PathBuf {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let w = runtime.block_on(common::send(addr, "GET", "/openapi.json", &[]));
    assert_eq!(
        (w.status, w.header("content-type")),
        (200, Some("application/json")),
        "GET /openapi.json: {}",
        String::from_utf8_lossy(&w.body)
    );
    let _: serde_json::Value = serde_json::from_slice(&w.body).expect("the document is JSON");
    let file = dir.join("openapi.json");
    std::fs::write(&file, &w.body).unwrap();
    file
}

fn spec_validator(example: &str) {
    let validator = python_tools().join("openapi-spec-validator");
    let (_running, addr, _rx) = start(example);
    let dir = scratch(&format!("openapi-spec-validator-{example}"));
    let file = fetch_document(addr, &dir);
    let ran = run_bounded(Command::new(&validator).arg(&file).current_dir(&dir), LIMIT);
    println!("{}", ran.report());
    assert!(
        ran.success() && ran.stdout.trim_end().ends_with(": OK"),
        "openapi-spec-validator rejected {example}'s /openapi.json (its output is above)"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

fn redocly_command(redocly: &Path, dir: &Path) -> Command {
    let mut cmd = Command::new(redocly);
    cmd.current_dir(dir)
        .env("REDOCLY_TELEMETRY", "off")
        .env("REDOCLY_SUPPRESS_UPDATE_NOTICE", "true")
        .env("NO_COLOR", "1")
        .args([
            "lint",
            "--extends",
            "recommended",
            "--skip-rule",
            "security-defined",
        ]);
    cmd
}

/// Every problem of `redocly lint --format json`, one line each, errors first.
fn redocly_problems(redocly: &Path, dir: &Path, file: &Path) -> String {
    let ran = run_bounded(
        redocly_command(redocly, dir)
            .args(["--format", "json", "--max-problems", "100000"])
            .arg(file),
        LIMIT,
    );
    let Ok(json) = serde_json::from_str::<serde_json::Value>(&ran.stdout) else {
        return format!("(no JSON from --format json)\n{}", ran.report());
    };
    let mut lines: Vec<(bool, String)> = json["problems"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|p| {
            let pointers: Vec<_> = p["location"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|l| l["pointer"].as_str())
                .collect();
            let severity = p["severity"].as_str().unwrap_or("?");
            (
                severity != "error",
                format!(
                    "{severity} {} at {}: {}",
                    p["ruleId"].as_str().unwrap_or("?"),
                    pointers.join(" "),
                    p["message"].as_str().unwrap_or("?")
                ),
            )
        })
        .collect();
    lines.sort_by_key(|(warning, _)| *warning);
    let errors = lines.iter().filter(|(warning, _)| !warning).count();
    format!(
        "{errors} error(s), {} warning(s):\n{}",
        lines.len() - errors,
        lines
            .into_iter()
            .map(|(_, l)| l)
            .collect::<Vec<_>>()
            .join("\n")
    )
}

fn redocly_lint(example: &str) {
    let redocly = redocly();
    let (_running, addr, _rx) = start(example);
    let dir = scratch(&format!("redocly-{example}"));
    let file = fetch_document(addr, &dir);
    let ran = run_bounded(redocly_command(&redocly, &dir).arg(&file), LIMIT);
    println!("{}", ran.report());
    let output = ran.output();
    if !(ran.success()
        && output.contains("Your API description is valid")
        && !output.contains("Validation failed"))
    {
        panic!(
            "redocly lint found errors in {example}'s /openapi.json (its output is above; \
             all its problems, from --format json:)\n{}",
            redocly_problems(&redocly, &dir, &file)
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn fastapi_parity_openapi_spec_validator() {
    spec_validator("fastapi_parity");
}

#[test]
fn quickstart_openapi_spec_validator() {
    spec_validator("quickstart");
}

#[test]
fn fastapi_parity_redocly_lint() {
    redocly_lint("fastapi_parity");
}

#[test]
fn quickstart_redocly_lint() {
    redocly_lint("quickstart");
}

/// The parity example's routes that schemathesis cannot hold to "no server error" or to their
/// schema, because they exist to reproduce FastAPI's own behaviour there (FastAPI 0.165 answers
/// and documents them the same way):
const SCHEMATHESIS_EXCLUDED: [(&str, &str); 15] = [
    (
        "/resp/full/{item_id}",
        "an unknown id is FastAPI's KeyError, a 500",
    ),
    ("/resp/exclude-unset/{item_id}", "an unknown id is a 500"),
    ("/resp/exclude-defaults/{item_id}", "an unknown id is a 500"),
    ("/resp/exclude-none/{item_id}", "an unknown id is a 500"),
    ("/resp/include/{item_id}", "an unknown id is a 500"),
    ("/resp/exclude/{item_id}", "an unknown id is a 500"),
    ("/resp/include-exclude/{item_id}", "an unknown id is a 500"),
    ("/resp/nan", "NaN with the JSON class is FastAPI's 500"),
    (
        "/resp/validation-error",
        "a value that fails its model: the 500 is the point",
    ),
    (
        "/resp/validation-error-type",
        "a value that fails its model: the 500 is the point",
    ),
    (
        "/resp/informational",
        "a final 103: hyper sends an empty 500",
    ),
    (
        "/resp/nan-model",
        "pydantic writes NaN as null; the model says number",
    ),
    (
        "/resp/alias-by-name",
        "by_alias=False writes field names; the schema has the aliases",
    ),
    (
        "/resp/nested-exclude",
        "exclude removes a field the model requires",
    ),
    (
        "/resp/tuple",
        "schemathesis 4.32.5 rewrites prefixItems into items and rejects it",
    ),
];

/// schemathesis 4 from a scratch directory: every phase (examples, coverage, fuzzing, stateful),
/// 20 examples per operation, seed 1. Its coverage phase also sends methods the document does not
/// list (TRACE, QUERY...): axum's 405 is no server error.
#[test]
fn fastapi_parity_schemathesis() {
    let st = python_tools().join("st");
    let (_running, addr, _rx) = start("fastapi_parity");
    let dir = scratch("schemathesis-fastapi_parity");
    let ran = run_bounded(
        Command::new(&st)
            .current_dir(&dir)
            .env("HYPOTHESIS_STORAGE_DIRECTORY", dir.join("hyp"))
            .env("NO_COLOR", "1")
            .arg("run")
            .arg(format!("http://{addr}/openapi.json"))
            .args([
                "--checks",
                "not_a_server_error,response_schema_conformance",
                "--max-examples",
                "20",
                "--seed",
                "1",
                "--generation-database",
                "none",
                "--workers",
                "1",
                "--request-timeout",
                "5",
                "--no-color",
            ])
            .args(
                SCHEMATHESIS_EXCLUDED
                    .iter()
                    .flat_map(|(path, _why)| ["--exclude-path", path]),
            ),
        LIMIT,
    );
    println!("{}", ran.report());
    assert!(
        ran.success(),
        "schemathesis found failures against fastapi_parity (its output is above)"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
