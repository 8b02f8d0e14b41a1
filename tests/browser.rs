//! The interactive docs of examples/oauth2_jwt.rs in a real browser: tests/browser/docs.mjs drives
//! Debian's Chromium through playwright-core. On /docs (Swagger UI) `GET /users/me` answers 401
//! before logging in, and the 401 is a documented response; "Authorize" logs in with the OAuth2
//! password flow as johndoe/secret with a scope ticked; the same call then answers 200. /redoc
//! renders every operation, and no page asks for anything from another origin.
//!
//! playwright-core comes from tests/tools/node_modules (`npm ci --prefix tests/tools`), the
//! browser is /usr/bin/chromium (or `CHROMIUM`): `scripts/test` installs both. Missing, the test
//! fails saying so; it never skips. Screenshots go to target/browser-screenshots/.
#![allow(clippy::unwrap_used, missing_docs)]

mod common;

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use common::examples::start;
use common::tools::{missing, require, root, run_bounded, target_dir};

#[test]
fn oauth2_jwt_docs_in_chromium() {
    require(
        root().join("tests/tools/node_modules/playwright-core"),
        "playwright-core (npm ci --prefix tests/tools)",
    );
    let chromium = std::env::var_os("CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
    require(chromium, "Chromium (Debian's chromium package)");
    if !Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
    {
        missing("node is not on PATH");
    }

    let (_running, addr, _rx) = start("oauth2_jwt");
    let shots = target_dir().join("browser-screenshots");
    let ran = run_bounded(
        Command::new("node")
            .current_dir(root())
            .arg("tests/browser/docs.mjs")
            .arg(format!("http://{addr}"))
            .arg(&shots)
            .arg("/users/me"),
        Duration::from_secs(300),
    );
    println!("{}", ran.report());
    assert!(
        ran.success() && ran.stdout.contains("ok   all steps passed"),
        "the docs of oauth2_jwt failed in Chromium (its output is above; screenshots in {})",
        shots.display()
    );
}
