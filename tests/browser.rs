//! The HTML report as a browser renders it: headless Chromium lays the page out at a phone's
//! and a desktop's width, and a script run in the rendered page (not a reading of the source)
//! reports whether the verdict, every check and the chart are visible and whether anything is
//! wider than the window. Skipped with a printed reason where no Chromium is installed; CI
//! installs Debian's `chromium` (.ci/run), and there a missing browser fails the test.

use std::path::{Path, PathBuf};

use crate::support::{bin, run};

/// The browser: `SESSION_AUDIT_CHROMIUM`, else the first of the usual names on PATH.
fn chromium() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("SESSION_AUDIT_CHROMIUM") {
        return Some(PathBuf::from(path));
    }
    let path = std::env::var_os("PATH")?;
    [
        "chromium",
        "chromium-browser",
        "google-chrome",
        "google-chrome-stable",
    ]
    .iter()
    .flat_map(|name| std::env::split_paths(&path).map(move |dir| dir.join(name)))
    .find(|candidate| candidate.is_file())
}

/// Measures the laid-out page and writes the findings into it as JSON, where `--dump-dom`
/// shows them. Run by the browser after layout, at the window's width.
const PROBE: &str = r#"<script>
(function () {
  function shown(el) {
    if (!el) return false;
    var r = el.getBoundingClientRect(), s = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none';
  }
  var width = document.documentElement.clientWidth;
  var wide = [];
  document.querySelectorAll('body *').forEach(function (el) {
    // Inside a scrolling container (the wide tables) a box may be wider: it scrolls there.
    for (var p = el.parentElement; p; p = p.parentElement) {
      var o = getComputedStyle(p).overflowX;
      if (o === 'auto' || o === 'scroll' || o === 'hidden') return;
    }
    var r = el.getBoundingClientRect();
    if (r.width > 0 && (r.right > width + 1 || r.left < -1)) wide.push(el.tagName + (el.id ? '#' + el.id : ''));
  });
  var verdict = document.getElementById('verdict');
  var svg = document.querySelector('#history svg');
  var checks = Array.prototype.slice.call(document.querySelectorAll('article[id^="check-"]'));
  var labels = svg ? Array.prototype.slice.call(svg.querySelectorAll('text')) : [];
  var box = svg ? svg.getBoundingClientRect() : null;
  var clipped = labels.filter(function (t) {
    var r = t.getBoundingClientRect();
    return r.left < box.left - 1 || r.right > box.right + 1;
  }).map(function (t) { return t.textContent; });
  parent.postMessage(JSON.stringify({
    width: width,
    scroll_width: document.documentElement.scrollWidth,
    verdict_shown: shown(verdict),
    verdict_text: verdict ? verdict.textContent : '',
    checks: checks.length,
    checks_shown: checks.filter(shown).length,
    chart_shown: shown(svg),
    chart_width: box ? box.width : 0,
    chart_labels: labels.length,
    clipped_labels: clipped,
    too_wide: wide.slice(0, 10)
  }), '*');
})();
</script>"#;

/// The page in a frame exactly `width` wide (headless Chromium will not make a window
/// narrower than 500 px), writing what the probe in the frame reports where `--dump-dom`
/// shows it.
fn frame(page: &str, width: u32) -> String {
    format!(
        "<!DOCTYPE html><html><body style=\"margin:0\">\
         <iframe src=\"{page}\" style=\"width:{width}px;height:900px;border:0\"></iframe>\
         <script>window.addEventListener('message', function (e) {{\
         var p = document.createElement('pre'); p.id = 'probe'; p.textContent = e.data;\
         document.body.appendChild(p); }});</script></body></html>"
    )
}

/// Renders `page` at `width` × 900 and returns what the probe found.
fn probe(browser: &Path, page: &Path, width: u32) -> serde_json::Value {
    let html = std::fs::read_to_string(page).expect("the page");
    let probed_name = format!("probed-{width}.html");
    std::fs::write(
        page.with_file_name(&probed_name),
        html.replace("</body>", &format!("{PROBE}</body>")),
    )
    .expect("write the probed page");
    let framed = page.with_file_name(format!("framed-{width}.html"));
    std::fs::write(&framed, frame(&probed_name, width)).expect("write the frame");
    let profile = tempfile::tempdir().expect("a browser profile");
    let out = std::process::Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--hide-scrollbars",
            "--run-all-compositor-stages-before-draw",
            "--virtual-time-budget=3000",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("--window-size={},960", width + 40))
        .arg(format!(
            "--screenshot={}",
            page.with_file_name(format!("shot-{width}.png")).display()
        ))
        .arg("--dump-dom")
        .arg(format!("file://{}", framed.display()))
        .output()
        .expect("the browser runs");
    let dom = String::from_utf8_lossy(&out.stdout);
    let start = dom.find("<pre id=\"probe\">").unwrap_or_else(|| {
        panic!(
            "the probe did not run: {}\n{dom}",
            String::from_utf8_lossy(&out.stderr)
        )
    }) + "<pre id=\"probe\">".len();
    let end = start + dom[start..].find("</pre>").expect("the probe's end");
    let json = dom[start..end]
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&");
    serde_json::from_str(&json).unwrap_or_else(|e| panic!("probe output {json}: {e}"))
}

#[test]
fn the_report_page_renders_whole_at_phone_and_desktop_widths() {
    let Some(browser) = chromium() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "Chromium is required in CI (.ci/run installs Debian's chromium)"
        );
        eprintln!(
            "SKIPPED: the browser test, no Chromium found (install chromium or set SESSION_AUDIT_CHROMIUM)"
        );
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("demo.sqlite3");
    assert_eq!(run(bin().arg("-q").arg("demo").arg(&db)).code, 0);
    let reports = dir.path().join("reports");
    for _ in 0..3 {
        let out = run(bin()
            .args(["-q", "report", "--database-url"])
            .arg(&db)
            .arg("--dir")
            .arg(&reports));
        assert_eq!(out.code, 1, "{}", out.stderr);
        std::thread::sleep(std::time::Duration::from_millis(1100)); // a new stamp
    }
    let page = reports.join("latest.html");
    for width in [375, 1280] {
        let found = probe(&browser, &page, width);
        let at = format!("at {width} px: {found}");
        assert_eq!(found["width"], width, "{at}");
        assert_eq!(found["verdict_shown"], true, "{at}");
        assert!(
            found["verdict_text"]
                .as_str()
                .is_some_and(|t| t.contains("FAIL")),
            "{at}"
        );
        assert_eq!(found["checks"], 15, "{at}");
        assert_eq!(found["checks_shown"], 15, "{at}");
        assert_eq!(found["chart_shown"], true, "{at}");
        assert!(
            found["chart_width"].as_f64().is_some_and(|w| w > 300.0),
            "{at}"
        );
        assert!(
            found["chart_labels"].as_u64().is_some_and(|n| n >= 3 + 4),
            "{at}"
        );
        assert_eq!(found["clipped_labels"], serde_json::json!([]), "{at}");
        assert_eq!(found["too_wide"], serde_json::json!([]), "{at}");
        assert!(
            found["scroll_width"].as_u64() <= found["width"].as_u64(),
            "the page scrolls sideways {at}"
        );
    }
}
