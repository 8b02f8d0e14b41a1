//! Outside tools the tests run (Python and Node programs that `scripts/test` installs), each
//! bounded in time, with everything it printed kept for the failure message.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// What one bounded run left.
pub struct Ran {
    /// The command line, for the messages.
    pub command: String,
    /// `None` when it was killed at the time limit.
    pub status: Option<ExitStatus>,
    pub stdout: String,
    pub stderr: String,
    pub elapsed: Duration,
}

impl Ran {
    pub fn success(&self) -> bool {
        self.status.is_some_and(|s| s.success())
    }

    /// stdout and stderr together, for looking for a phrase in either.
    pub fn output(&self) -> String {
        format!("{}\n{}", self.stdout, self.stderr)
    }

    /// The command, how it ended and all it printed.
    pub fn report(&self) -> String {
        let ended = match self.status {
            Some(s) => format!("{s}"),
            None => "killed at the time limit".to_owned(),
        };
        format!(
            "$ {}\n({ended}, after {:.1} s)\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.command,
            self.elapsed.as_secs_f64(),
            self.stdout.trim_end(),
            self.stderr.trim_end()
        )
    }
}

/// Runs `cmd` (stdin closed, stdout and stderr read) for at most `limit`; past it the command's
/// whole process group (it is made the leader of one: a browser it started goes too) is killed.
pub fn run_bounded(cmd: &mut Command, limit: Duration) -> Ran {
    use std::os::unix::process::CommandExt;

    let command = format!("{cmd:?}");
    let started = Instant::now();
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0)
        .spawn()
        .unwrap_or_else(|e| {
            panic!(
                "{command} could not start: {e}: run `bash scripts/test` (it installs the tools)"
            )
        });
    let read = |mut pipe: Box<dyn Read + Send>| {
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            let _ = pipe.read_to_end(&mut buf);
            let _ = tx.send(buf);
        });
        rx
    };
    let stdout = read(Box::new(child.stdout.take().unwrap()));
    let stderr = read(Box::new(child.stderr.take().unwrap()));
    let deadline = started + limit;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break Some(status);
        }
        if Instant::now() >= deadline {
            // Not reaped yet, so the group id is still ours.
            let _ = Command::new("kill")
                .args(["-KILL", "--", &format!("-{}", child.id())])
                .status();
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let elapsed = started.elapsed();
    // A process it left behind may hold a pipe open: wait a little, not forever.
    let collect =
        |rx: std::sync::mpsc::Receiver<Vec<u8>>| match rx.recv_timeout(Duration::from_secs(10)) {
            Ok(buf) => String::from_utf8_lossy(&buf).into_owned(),
            Err(_) => "(output cut: the pipe stayed open after the command ended)".to_owned(),
        };
    Ran {
        command,
        status,
        stdout: collect(stdout),
        stderr: collect(stderr),
        elapsed,
    }
}

/// The workspace's root.
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The target directory (`target/` unless `CARGO_TARGET_DIR` says otherwise).
pub fn target_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .unwrap()
        .to_owned()
}

/// A fresh, empty directory under `target/tmp` for one test of this process.
pub fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Fails the test: `what` is not installed.
pub fn missing(what: &str) -> ! {
    panic!(
        "{what}: run `bash scripts/test` (it installs what the tests need), or its install steps"
    )
}

/// `path`, which must exist, else the test fails saying what installs it.
pub fn require(path: PathBuf, what: &str) -> PathBuf {
    if !path.exists() {
        missing(&format!(
            "{what} is missing ({} does not exist)",
            path.display()
        ));
    }
    path
}
