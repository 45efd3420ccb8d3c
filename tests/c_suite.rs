//! Builds every C test in `tests/c/` and every program in `c_examples/`
//! against `include/mongoose.h` and the freshly built library, with the
//! system C compiler, and runs the tests. So `cargo test` alone covers the C
//! side, on machines without cmake.
mod common;
use common::{run_c_test, Link};

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
    test_net,
    test_timer,
    test_wakeup,
    test_faults,
    test_printf,
    test_str,
    test_url,
    test_iobuf,
    test_null,
    test_http,
    test_http_util,
    test_http_bad,
    test_ws,
}

/// The static library works too: the networking core, every variadic
/// entry point of the C shim, and HTTP.
#[test]
fn static_link_smoke() {
    for name in ["test_net", "test_printf", "test_http"] {
        run_c_test(name, Link::Static);
    }
}
