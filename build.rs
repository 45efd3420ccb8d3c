//! Build script: compiles the variadic C shim and generates `include/mongoose.h`.

use std::env;
use std::fs;
use std::path::{Path, PathBuf};

fn main() {
    let root = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("manifest dir"));
    compile_shim(&root);
    set_soname(&root);
    generate_header(&root);
    list_c_tests(&root);
}

/// C tests that tests/c_suite.rs does not run one by one: tests/layout.rs
/// runs test_layout (with a generated header) and test_header_c99 (as
/// pedantic C99), and c_suite.rs's own test_packed packs its files first.
const C_TESTS_RUN_ELSEWHERE: [&str; 3] = ["test_header_c99", "test_layout", "test_packed"];

/// Finds the C tests, every `tests/c/test_*.c`, as CMake does, and writes
/// `$OUT_DIR/c_tests.rs` for tests/c_suite.rs: one Rust test per program, so
/// a new C test runs under `cargo test` without being listed anywhere.
fn list_c_tests(root: &Path) {
    let dir = root.join("tests/c");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut names: Vec<String> = fs::read_dir(&dir)
        .expect("tests/c")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter_map(|n| n.strip_suffix(".c").map(str::to_string))
        .filter(|n| n.starts_with("test_") && !C_TESTS_RUN_ELSEWHERE.contains(&n.as_str()))
        .collect();
    names.sort();
    let mut out = String::from("c_tests! {\n");
    for n in &names {
        out.push_str(&format!("    {n},\n"));
    }
    out.push_str("}\n");
    let path = PathBuf::from(env::var("OUT_DIR").expect("out dir")).join("c_tests.rs");
    fs::write(path, out).expect("write c_tests.rs");
}

/// `<target>/<profile>`, where cargo puts libmongoose.so and libmongoose.a
/// (OUT_DIR is `<target>/<profile>/build/mongoose-<hash>/out`).
fn profile_dir() -> PathBuf {
    let out = PathBuf::from(env::var("OUT_DIR").expect("out dir"));
    out.ancestors().nth(3).expect("OUT_DIR is <target>/<profile>/build/<pkg>/out").to_path_buf()
}

/// The API version the library implements: `MG_VERSION` in the header
/// prelude ("7.22").
fn api_version(root: &Path) -> String {
    let prelude = read(root, "csrc/header_prelude.h");
    let line = prelude
        .lines()
        .find(|l| l.starts_with("#define MG_VERSION "))
        .expect("MG_VERSION in csrc/header_prelude.h");
    line.trim_start_matches("#define MG_VERSION ").trim().trim_matches('"').to_string()
}

/// Gives libmongoose.so the soname `libmongoose.so.<MG_VERSION>`
/// (libmongoose.so.7.22). The ABI is Mongoose's, whose structs change
/// between minor versions, so the soname carries major and minor. Programs
/// linked with `-lmongoose` then need a file of that name at run time: the
/// links `libmongoose.so.7.22 -> libmongoose.so` are made here beside the
/// library in `<target>/<profile>` (what `cargo build` leaves) and in its
/// `deps/` (what `cargo test` links against); `cmake --install` installs
/// the usual versioned names.
fn set_soname(root: &Path) {
    let soname = format!("libmongoose.so.{}", api_version(root));
    println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,{soname}");
    println!("cargo:rustc-env=MG_SONAME={soname}");
    let dir = profile_dir();
    for d in [dir.join("deps"), dir] {
        let link = d.join(&soname);
        if fs::read_link(&link).ok().as_deref() != Some(Path::new("libmongoose.so")) {
            let _ = fs::create_dir_all(&d);
            let _ = fs::remove_file(&link);
            #[cfg(unix)]
            std::os::unix::fs::symlink("libmongoose.so", &link).expect("soname link");
        }
    }
}

/// The variadic entry points (`mg_printf`, `mg_snprintf`, ...) cannot be defined
/// in stable Rust, so a tiny C file defines them and hands `va_list *` to Rust.
fn compile_shim(root: &Path) {
    let shim = root.join("csrc/shim.c");
    println!("cargo:rerun-if-changed={}", shim.display());
    println!("cargo:rerun-if-changed=csrc/exports.map");
    cc::Build::new()
        .file(&shim)
        .include(root.join("csrc"))
        .warnings(true)
        .extra_warnings(true)
        .flag_if_supported("-fvisibility=default")
        .cargo_metadata(false)
        .compile("mongoose_shim");
    let out = PathBuf::from(env::var("OUT_DIR").expect("out dir"));
    println!("cargo:rustc-link-search=native={}", out.display());
    // Whole-archive keeps every shim symbol, even those Rust never calls, and the
    // version script exports them from the cdylib (rust-lang/rust#99411).
    println!("cargo:rustc-link-lib=static:+whole-archive=mongoose_shim");
    println!(
        "cargo:rustc-cdylib-link-arg=-Wl,--version-script={}",
        root.join("csrc/exports.map").display()
    );
}

/// Runs cbindgen over the crate. The header is written to OUT_DIR (the test that
/// checks freshness compares it with the committed copy), to
/// `<target>/<profile>/include/` beside the library it describes (CMake
/// builds use that copy), and to `include/`, unless `MONGOOSE_NO_SOURCE_HEADER`
/// is set: CMake sets it so that a CMake build never writes into the source
/// tree. It only suppresses that write, so it is deliberately not a
/// `rerun-if-env-changed` input: CMake and plain cargo builds share one build.
fn generate_header(root: &Path) {
    for dir in ["src", "csrc/header_prelude.h", "csrc/header_trailer.h", "cbindgen.toml"] {
        println!("cargo:rerun-if-changed={dir}");
    }
    let mut config =
        cbindgen::Config::from_file(root.join("cbindgen.toml")).expect("cbindgen.toml");
    config.after_includes = Some(read(root, "csrc/header_prelude.h"));
    config.trailer = Some(read(root, "csrc/header_trailer.h"));
    let bindings = match cbindgen::Builder::new().with_crate(root).with_config(config).generate() {
        Ok(b) => b,
        Err(e) => panic!("cbindgen failed: {e}"),
    };
    let out = PathBuf::from(env::var("OUT_DIR").expect("out dir")).join("mongoose.h");
    bindings.write_to_file(&out);
    println!("cargo:rustc-env=MG_GENERATED_HEADER={}", out.display());
    let generated = fs::read(&out).expect("generated header");
    let mut copies = vec![profile_dir().join("include/mongoose.h")];
    if env::var_os("MONGOOSE_NO_SOURCE_HEADER").is_none() {
        copies.push(root.join("include/mongoose.h"));
    }
    for path in copies {
        if fs::read(&path).ok().as_deref() != Some(generated.as_slice()) {
            fs::create_dir_all(path.parent().expect("parent")).expect("header dir");
            fs::write(&path, &generated)
                .unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
        }
    }
}

fn read(root: &Path, rel: &str) -> String {
    fs::read_to_string(root.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}
