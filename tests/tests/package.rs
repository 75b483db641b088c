//! The installable package, as an office's IT person gets it: `scripts/package` builds the
//! .deb and `scripts/test` names it in PARC_DEB. Its control file, its contents, its desktop
//! entry, and the programs in it, unpacked and started: `parc` up to its start page on a fresh
//! database, `parc-cli --version` and `check`.

use std::path::Path;
use std::process::{Command, Output};

use parc_e2e::App;

fn run(program: &str, args: &[&str]) -> Output {
    let out = Command::new(program).args(args).output().unwrap_or_else(|e| panic!("{program}: {e}"));
    assert!(
        out.status.success(),
        "{program} {args:?} failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn text(out: Output) -> String {
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

/// The .deb to check: PARC_DEB, which `scripts/test` always sets (so CI never skips this).
fn deb() -> Option<String> {
    match std::env::var("PARC_DEB") {
        Ok(deb) if !deb.is_empty() => Some(deb),
        _ => {
            assert!(
                std::env::var_os("CI").is_none(),
                "CI must test the package: run ./scripts/test, which sets PARC_DEB"
            );
            eprintln!(
                "SKIPPED: PARC_DEB is not set. Build the package with ./scripts/package and set PARC_DEB to its .deb"
            );
            None
        }
    }
}

#[tokio::test]
async fn the_deb_holds_both_programs_and_its_app_starts_unpacked() {
    let Some(deb) = deb() else { return };
    let version = env!("CARGO_PKG_VERSION");

    // The control file: the workspace's version, the WebKitGTK runtime, no build packages.
    let control = text(run("dpkg-deb", &["-f", &deb]));
    let field = |name: &str| {
        control
            .lines()
            .find_map(|l| l.strip_prefix(&format!("{name}: ")))
            .unwrap_or_else(|| panic!("no {name} in\n{control}"))
            .to_string()
    };
    assert_eq!(field("Package"), "parc");
    assert_eq!(field("Version"), version);
    assert_eq!(field("Architecture"), "amd64");
    let depends = field("Depends");
    for runtime in ["libwebkit2gtk-4.1-0", "libgtk-3-0"] {
        assert!(depends.split(',').any(|d| d.trim().starts_with(runtime)), "{runtime} missing from Depends: {depends}");
    }
    assert!(!depends.contains("-dev"), "a build package in Depends: {depends}");

    // What it installs.
    let listing = text(run("dpkg-deb", &["-c", &deb]));
    let files: Vec<&str> =
        listing.lines().filter_map(|l| Some(l.split_whitespace().nth(5)?.trim_start_matches("./"))).collect();
    let mut expected = vec![
        "usr/bin/parc".to_string(),
        "usr/bin/parc-cli".to_string(),
        "usr/share/applications/Parc.desktop".to_string(),
        "usr/share/man/man1/parc-cli.1.gz".to_string(),
        "usr/share/doc/parc/fonts/LICENSE-DejaVu.txt".to_string(),
        "usr/share/doc/parc/fonts/LICENSE-WenQuanYi.txt".to_string(),
    ];
    for size in [16, 24, 32, 48, 64, 128, 256, 512] {
        expected.push(format!("usr/share/icons/hicolor/{size}x{size}/apps/parc.png"));
    }
    for path in &expected {
        assert!(files.contains(&path.as_str()), "{path} missing from the package:\n{listing}");
    }

    // Unpacked as dpkg would, into a folder of its own.
    let root = tempfile::tempdir().expect("temp dir");
    run("dpkg-deb", &["-x", &deb, &root.path().display().to_string()]);
    let at = |p: &str| root.path().join(p);

    let desktop = at("usr/share/applications/Parc.desktop");
    run("desktop-file-validate", &[&desktop.display().to_string()]);
    let entry = std::fs::read_to_string(&desktop).unwrap();
    assert!(entry.lines().any(|l| l == "Categories=Office;ContactManagement;"), "{entry}");
    assert!(entry.lines().any(|l| l == "Exec=parc") && entry.lines().any(|l| l == "Icon=parc"), "{entry}");

    let man = text(run("gzip", &["-dc", &at("usr/share/man/man1/parc-cli.1.gz").display().to_string()]));
    assert!(man.contains(".TH parc-cli 1") && man.contains("export"), "{man}");

    // parc-cli: the same version, and a check of a fresh database.
    let cli = at("usr/bin/parc-cli");
    let cli = cli.to_str().unwrap();
    assert_eq!(text(run(cli, &["--version"])).trim(), format!("parc-cli {version}"));
    let db = root.path().join("check.sqlite3");
    let check = text(run(cli, &["--db", &db.display().to_string(), "check"]));
    assert!(check.contains("\"integrity\":\"ok\""), "{check}");

    // The app from the package, on a fresh database: it gets as far as the start page, and
    // Settings › About tells the same version.
    let app = App::launch_to_start(Some(Path::new(&at("usr/bin/parc")))).await;
    app.wait_css("#screen-start:not([hidden]) #start-ways:not([hidden])").await;
    app.wait_css("#start-empty").await;
    app.click(".tab[data-screen=settings]").await;
    app.wait_text("#about-version", |t| t == version).await;
    app.close().await;
}
