//! Builds every C test in `tests/c/` and every program in `c_examples/`
//! against `include/mongoose.h` and the freshly built library, with the
//! system C compiler, and runs the tests. So `cargo test` alone covers the C
//! side, on machines without cmake.
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The directory holding libmongoose.so/.a: the test binary lives in
/// `<target>/<profile>/deps/`.
fn lib_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("current exe");
    exe.parent().and_then(Path::parent).expect("target dir").to_path_buf()
}

fn out_dir() -> PathBuf {
    let d = lib_dir().join("ctests");
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

/// Compiles and runs one C test from tests/c; it must exit 0.
pub fn run_c_test(name: &str, link: Link) {
    let exe = compile(&root().join("tests/c").join(format!("{name}.c")), link, &[]);
    let out = Command::new(&exe).current_dir(root()).output().expect("run C test");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    println!("{stdout}");
    eprintln!("{stderr}");
    assert!(out.status.success(), "{name} failed ({:?}):\n{stdout}\n{stderr}", out.status);
}

macro_rules! c_tests {
    ($($name:ident),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                run_c_test(stringify!($name), Link::Shared);
            }
        )*
    };
}

c_tests! {
    test_log,
    test_str,
    test_url,
    test_iobuf,
    test_null,
}

/// Every C test also links and passes against the static library.
#[test]
fn static_link_smoke() {
    run_c_test("test_log", Link::Static);
}
