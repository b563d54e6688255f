//! LibreOffice headless as a second reader of the workbooks we write.

use std::io::Write;

/// Converts a workbook to CSV with `soffice --headless`; fails the test if LibreOffice
/// cannot open it. Skips (visibly) where LibreOffice is not installed, unless
/// WORKPLAN_REQUIRE_OFFICE=1 (set by .ci/run).
pub fn opens_in_libreoffice(bytes: &[u8], name: &str) {
    let soffice = ["/usr/bin/soffice", "/usr/bin/libreoffice"]
        .into_iter()
        .find(|p| std::path::Path::new(p).exists());
    let Some(soffice) = soffice else {
        assert!(
            std::env::var("WORKPLAN_REQUIRE_OFFICE").ok().as_deref() != Some("1"),
            "WORKPLAN_REQUIRE_OFFICE=1 but LibreOffice is not installed"
        );
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED LibreOffice check of {name}: install libreoffice-calc (bash .ci/run does)"
        );
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join(name);
    std::fs::write(&input, bytes).expect("write workbook");
    let profile = dir.path().join("profile");
    let out = std::process::Command::new(soffice)
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.display()
        ))
        .args(["--headless", "--convert-to", "csv", "--outdir"])
        .arg(dir.path())
        .arg(&input)
        .output()
        .expect("run soffice");
    let csv = input.with_extension("csv");
    assert!(
        out.status.success() && csv.exists(),
        "LibreOffice could not open {name}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        std::fs::metadata(&csv).map(|m| m.len()).unwrap_or(0) > 0,
        "empty conversion of {name}"
    );
}
