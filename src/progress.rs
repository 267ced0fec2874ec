//! A progress line on stderr for checks that run longer than a second: only on a terminal,
//! never with `--quiet` or a `-v` log (which says the same in lines), and erased at the end,
//! so piped and CI output is unchanged.

use std::io::{IsTerminal, Write};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crate::vocab::CheckId;

/// How long a check runs before it is shown.
const AFTER: Duration = Duration::from_secs(1);

#[derive(Default)]
pub struct Progress {
    running: Mutex<Vec<(CheckId, Instant)>>,
    shown: AtomicBool,
}

impl Progress {
    pub fn wanted() -> bool {
        std::io::stderr().is_terminal()
            && !crate::console::quiet()
            && !tracing::enabled!(tracing::Level::INFO)
    }

    pub fn start(&self, id: CheckId) {
        if let Ok(mut running) = self.running.lock() {
            running.push((id, Instant::now()));
        }
    }

    pub fn finish(&self, id: CheckId) {
        if let Ok(mut running) = self.running.lock() {
            running.retain(|(r, _)| *r != id);
        }
    }

    /// Redraws the line four times a second; never returns (select it against the work).
    pub async fn tick(&self) {
        loop {
            tokio::time::sleep(Duration::from_millis(250)).await;
            let slow: Vec<String> = match self.running.lock() {
                Ok(running) => running
                    .iter()
                    .filter(|(_, since)| since.elapsed() >= AFTER)
                    .map(|(id, since)| format!("{id} {} s", since.elapsed().as_secs()))
                    .collect(),
                Err(_) => Vec::new(),
            };
            let mut stderr = std::io::stderr().lock();
            if slow.is_empty() {
                if self.shown.swap(false, Ordering::Relaxed) {
                    let _ = write!(stderr, "\r\x1b[2K");
                }
            } else {
                self.shown.store(true, Ordering::Relaxed);
                let _ = write!(stderr, "\r\x1b[2Krunning: {}", slow.join(", "));
            }
            let _ = stderr.flush();
        }
    }

    /// Erases the line if one is shown.
    pub fn clear(&self) {
        if self.shown.swap(false, Ordering::Relaxed) {
            let mut stderr = std::io::stderr().lock();
            let _ = write!(stderr, "\r\x1b[2K");
            let _ = stderr.flush();
        }
    }
}
