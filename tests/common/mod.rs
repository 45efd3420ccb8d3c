//! Helpers shared by the integration tests that build C programs: compile a C
//! or C++ file against `include/mongoose.h` and the freshly built library with
//! the system compiler, and run it. [`llhttp`] reads the llhttp parser test
//! vectors for the data-driven HTTP parser tests.
#![allow(dead_code)] // each test crate uses a different subset

pub mod llhttp;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

/// The crate root (where `include/` and `tests/c/` live).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `<target>/<profile>`: the test binary lives in `<target>/<profile>/deps/`.
pub fn profile_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("current exe");
    exe.parent().and_then(Path::parent).expect("target dir").to_path_buf()
}

/// The directory holding the libmongoose.so/.a that this `cargo test` built.
/// `cargo test` leaves them in `deps/` (only `cargo build` copies them up to
/// `<target>/<profile>`, where they may be stale), so `deps/` comes first.
pub fn lib_dir() -> PathBuf {
    let deps = profile_dir().join("deps");
    if deps.join("libmongoose.so").exists() && deps.join("libmongoose.a").exists() {
        deps
    } else {
        profile_dir()
    }
}

/// Where compiled C programs and generated files go: `<target>/<profile>/ctests`.
pub fn out_dir() -> PathBuf {
    let d = profile_dir().join("ctests");
    std::fs::create_dir_all(&d).expect("create ctests dir");
    d
}

/// How a C program is linked.
#[derive(Clone, Copy)]
pub enum Link {
    Shared,
    Static,
}

/// Compiles `src` (C or C++ by extension) into an executable and returns its path.
/// C is compiled as `-std=c99`; `extra` flags come after the defaults, so they
/// can override them.
pub fn compile(src: &Path, link: Link, extra: &[&str]) -> PathBuf {
    let stem = src.file_stem().unwrap().to_string_lossy().to_string();
    let suffix = match link {
        Link::Shared => "",
        Link::Static => "_static",
    };
    let exe = out_dir().join(format!("{stem}{suffix}"));
    let is_cpp = src.extension().is_some_and(|e| e == "cc" || e == "cpp");
    let compiler = if is_cpp { "c++" } else { "cc" };
    let mut cmd = Command::new(compiler);
    if !is_cpp {
        cmd.arg("-std=c99").arg("-D_DEFAULT_SOURCE");
    }
    cmd.args(["-Wall", "-Wextra", "-Werror", "-g", "-O1"])
        .arg("-I")
        .arg(root().join("include"))
        .arg("-I")
        .arg(root().join("tests/c"))
        .args(extra)
        .arg(src)
        .arg("-o")
        .arg(&exe);
    let lib = lib_dir();
    match link {
        Link::Shared => {
            cmd.arg(format!("-L{}", lib.display()))
                .arg("-lmongoose")
                .arg(format!("-Wl,-rpath,{}", lib.display()));
        }
        Link::Static => {
            cmd.arg(lib.join("libmongoose.a"));
        }
    }
    cmd.args(["-lpthread", "-ldl", "-lm"]);
    let out = cmd.output().expect("run C compiler");
    assert!(
        out.status.success(),
        "compiling {} failed:\n{}{}",
        src.display(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    exe
}

/// Runs a compiled test program from the crate root; it must exit 0. Its
/// output is echoed (cargo shows it for failing tests, or with --nocapture).
pub fn run_exe(exe: &Path) {
    let name = exe.file_name().unwrap().to_string_lossy().to_string();
    // cargo's LD_LIBRARY_PATH lists <target>/<profile> (a copy from the last
    // `cargo build`, possibly stale) before deps/: let the rpath decide.
    let out = Command::new(exe)
        .current_dir(root())
        .env_remove("LD_LIBRARY_PATH")
        .output()
        .expect("run C test");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    println!("{stdout}");
    eprintln!("{stderr}");
    assert!(out.status.success(), "{name} failed ({:?}):\n{stdout}\n{stderr}", out.status);
}

/// Compiles and runs one C test from tests/c; it must exit 0.
pub fn run_c_test(name: &str, link: Link) {
    let exe = compile(&root().join("tests/c").join(format!("{name}.c")), link, &[]);
    run_exe(&exe);
}

/// Runs a command to completion with a time limit (killing it past that);
/// returns its output, stdout and stderr captured.
pub fn run_with_timeout(cmd: &mut Command, limit: Duration) -> Output {
    let child = cmd
        .env_remove("LD_LIBRARY_PATH")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    let pid = child.id();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    match rx.recv_timeout(limit) {
        Ok(out) => out.expect("wait for child"),
        Err(_) => {
            // SAFETY: kill(2) on the child we started (by its id).
            unsafe { libc::kill(pid as libc::pid_t, libc::SIGKILL) };
            panic!("{cmd:?} did not finish within {limit:?}");
        }
    }
}

/// A child's stdout and stderr, as text.
pub fn show(out: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}
