//! The two load examples (`load_towerapi`, towerapi's layers; `load_axum`, the same routes by
//! hand on bare axum) answer every route with the same status, headers and bytes, so that
//! `scripts/load` compares the same work. Both run as the binaries `cargo test` built.
#![allow(clippy::unwrap_used, missing_docs)]

mod common;

#[path = "../examples/load/shared.rs"]
#[allow(dead_code)]
mod shared;

use std::sync::mpsc::Receiver;
use std::time::Duration;

use common::examples::start;
use common::send;

/// The `route PATH HEADER` lines an example prints after its address.
fn routes(rx: &Receiver<String>) -> Vec<(String, Option<(String, String)>)> {
    let mut out = Vec::new();
    while out.len() < 11 {
        let line = rx
            .recv_timeout(Duration::from_secs(10))
            .expect("the example prints its routes");
        let rest = line.strip_prefix("route ").expect("a route line");
        let (path, header) = rest.split_once(' ').unwrap();
        let header = (header != "-").then(|| {
            let (n, v) = header.split_once(": ").unwrap();
            (n.to_owned(), v.to_owned())
        });
        out.push((path.to_owned(), header));
    }
    out
}

#[tokio::test]
async fn both_load_examples_answer_the_same_bytes() {
    let (_ours, ours_addr, ours_rx) = start("load_towerapi");
    let (_bare, bare_addr, bare_rx) = start("load_axum");
    let ours = routes(&ours_rx);
    let bare = routes(&bare_rx);
    let paths: Vec<&str> = ours.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(
        paths,
        [
            "/json",
            "/plain",
            "/basic",
            "/bearer",
            "/apikey",
            "/jwt",
            "/rs256",
            "/rs256-cached",
            "/model",
            "/model-from",
            "/full"
        ]
    );
    assert_eq!(
        paths,
        bare.iter().map(|(p, _)| p.as_str()).collect::<Vec<_>>()
    );

    let user = serde_json::to_vec(&shared::user()).unwrap();
    let public = serde_json::to_vec(&shared::UserOut::from(shared::user())).unwrap();
    // The payload of the comparison: a user of about 1.4 KB, and the same without its hash.
    assert_eq!(user.len(), 1437);
    assert_eq!(public.len(), 1358);
    for ((path, ours_header), (_, bare_header)) in ours.iter().zip(&bare) {
        let expected: &[u8] = match path.as_str() {
            "/plain" => shared::PLAIN.as_bytes(),
            "/model" | "/model-from" | "/full" => &public,
            _ => &user,
        };
        let content_type = if path == "/plain" {
            "text/plain; charset=utf-8"
        } else {
            "application/json"
        };
        let length = expected.len().to_string();
        for (name, addr, header) in [
            ("towerapi", ours_addr, ours_header),
            ("axum", bare_addr, bare_header),
        ] {
            let extra: Vec<(&str, &str)> = header
                .iter()
                .map(|(n, v)| (n.as_str(), v.as_str()))
                .collect();
            let wire = send(addr, "GET", path, &extra).await;
            assert_eq!(
                (wire.status, wire.stable_headers()),
                (
                    200,
                    common::headers(&[("content-type", content_type), ("content-length", &length)])
                ),
                "{name} {path}"
            );
            assert!(
                wire.body == expected,
                "{name} {path}: {}",
                String::from_utf8_lossy(&wire.body)
            );
            // Without the credential a guarded route refuses, on both.
            if header.is_some() {
                let refused = send(addr, "GET", path, &[]).await;
                assert_eq!(
                    (refused.status, refused.body.as_slice()),
                    (401, br#"{"detail":"Not authenticated"}"#.as_slice()),
                    "{name} {path} without credentials"
                );
            }
        }
    }
}
