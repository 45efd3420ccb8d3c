//! Builds every C test in `tests/c/` and every program in `c_examples/`
//! against `include/mongoose.h` and the freshly built library, with the
//! system C compiler, and runs the tests. So `cargo test` alone covers the C
//! side, on machines without cmake.
mod common;
use common::{compile, out_dir, root, run_c_test, run_exe, Link};

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

// One test per `tests/c/test_*.c`, found by build.rs (as CMake finds them),
// so a new C test runs here without being listed.
include!(concat!(env!("OUT_DIR"), "/c_tests.rs"));

/// The static library works too: the networking core, every variadic
/// entry point of the C shim, and HTTP.
#[test]
fn static_link_smoke() {
    for name in ["test_net", "test_printf", "test_http", "test_rpc", "test_queue"] {
        run_c_test(name, Link::Static);
    }
}

/// The packed filesystem: tests/c/packed_root is packed with tools/pack.py
/// now, and the generated packed_fs.c is compiled into test_packed, against
/// both libraries. The legacy test (a program defining mg_unpack/mg_unlist
/// itself, which must override the library's weak ones) runs static too.
#[test]
fn test_packed() {
    let packed = out_dir().join("packed_fs.c");
    let st = std::process::Command::new("python3")
        .current_dir(root())
        .args(["tools/pack.py", "-s", "tests/c/", "-o"])
        .arg(&packed)
        .arg("tests/c/packed_root")
        .status()
        .expect("run python3 tools/pack.py");
    assert!(st.success(), "pack.py failed");
    let src = root().join("tests/c/test_packed.c");
    for link in [Link::Shared, Link::Static] {
        run_exe(&compile(&src, link, &[packed.to_str().unwrap()]));
    }
    run_c_test("test_packed_legacy", Link::Static);
}
