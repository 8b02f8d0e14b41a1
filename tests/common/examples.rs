//! The examples as child processes: the binary `cargo test` built, started on 127.0.0.1:0 and
//! killed when dropped.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

/// A started example; killed (and reaped) when dropped.
pub struct Running(Child);

impl Running {
    /// The child's process id (to read its `/proc/<pid>/status`).
    pub fn pid(&self) -> u32 {
        self.0.id()
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The example binary `cargo test` built for this run: `cargo test` compiles examples to
/// `target/<profile>/examples/<name>-<hash>` without refreshing the plain `<name>`, so take
/// the newest hashed one.
pub fn example_exe(name: &str) -> PathBuf {
    let mut dir = std::env::current_exe().unwrap();
    dir.pop();
    if dir.ends_with("deps") {
        dir.pop();
    }
    let dir = dir.join("examples");
    let prefix = format!("{name}-");
    std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| {
            let file = e.file_name().to_string_lossy().into_owned();
            file.starts_with(&prefix) && !file.contains('.')
        })
        .max_by_key(|e| e.metadata().and_then(|m| m.modified()).ok())
        .map(|e| e.path())
        .unwrap_or_else(|| panic!("cargo test built the example {name} into {}", dir.display()))
}

/// Starts a built example on 127.0.0.1:0 and reads the address it prints first
/// (`listening on http://ADDR`); its later stdout lines arrive on the receiver.
pub fn start(name: &str) -> (Running, SocketAddr, Receiver<String>) {
    let exe = example_exe(name);
    let mut child = Command::new(&exe)
        .arg("127.0.0.1:0")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{} runs: {e}", exe.display()));
    let stdout = child.stdout.take().unwrap();
    let running = Running(child);
    let mut lines = BufReader::new(stdout).lines();
    let first = lines
        .next()
        .unwrap_or_else(|| panic!("{} printed nothing", exe.display()))
        .unwrap();
    let addr = first
        .strip_prefix("listening on http://")
        .unwrap_or_else(|| panic!("{} printed {first:?} first", exe.display()))
        .parse()
        .unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in lines.map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    (running, addr, rx)
}

/// Waits (10 s at most) for the example to print this line.
pub fn wait_for(rx: &Receiver<String>, want: &str) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while let Ok(line) = rx.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
        if line == want {
            return;
        }
    }
    panic!("the example did not print {want:?}");
}
