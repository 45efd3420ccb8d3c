//! libmongoose.so exports the public API and nothing else: the defined
//! dynamic symbols (`nm -D --defined-only`) are exactly the functions and
//! variables that `include/mongoose.h` declares. Internal helpers (the
//! `mgrs_*` functions the C shim calls) must not leak into the ABI.
mod common;
use common::{lib_dir, root};
use std::collections::BTreeSet;
use std::process::Command;

/// Names of the functions the header declares `extern` (GCC's `-aux-info`
/// lists every prototype with the file it came from) plus its `extern`
/// variables.
fn declared() -> BTreeSet<String> {
    let dir = common::out_dir();
    let src = dir.join("exports_probe.c");
    let aux = dir.join("exports_probe.aux");
    std::fs::write(&src, "#include \"mongoose.h\"\n").unwrap();
    let out = Command::new("cc")
        .args(["-std=c99", "-D_DEFAULT_SOURCE", "-fsyntax-only", "-aux-info"])
        .arg(&aux)
        .arg("-I")
        .arg(root().join("include"))
        .arg(&src)
        .output()
        .expect("run cc");
    assert!(out.status.success(), "cc -aux-info failed: {}", common::show(&out));
    let mut names = BTreeSet::new();
    for line in std::fs::read_to_string(&aux).unwrap().lines() {
        // /* include/mongoose.h:692:NC */ extern size_t mg_base64_encode (...);
        let Some(rest) = line.split_once("mongoose.h:").map(|(_, r)| r) else { continue };
        let Some((_, decl)) = rest.split_once("*/") else { continue };
        let decl = decl.trim();
        assert!(decl.starts_with("extern "), "not extern: {line}");
        let before_args = decl.split_once(" (").map(|(a, _)| a).unwrap_or(decl);
        let name = before_args.rsplit([' ', '*']).next().unwrap();
        names.insert(name.to_string());
    }
    let header = std::fs::read_to_string(root().join("include/mongoose.h")).unwrap();
    for line in header.lines() {
        let l = line.trim();
        if l.starts_with("extern ") && l.ends_with(';') && !l.contains('(') {
            let name = l.trim_end_matches(';').trim_end_matches("[]");
            let name = name.rsplit([' ', '*']).next().unwrap();
            names.insert(name.to_string());
        }
    }
    assert!(names.len() > 150, "only {} declarations found in the header", names.len());
    names
}

/// The defined symbols in libmongoose.so's dynamic symbol table.
fn exported() -> BTreeSet<String> {
    let so = lib_dir().join("libmongoose.so");
    let out = Command::new("nm").args(["-D", "--defined-only"]).arg(&so).output().expect("run nm");
    assert!(out.status.success(), "nm failed: {}", common::show(&out));
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.split_whitespace().nth(2))
        .map(|s| s.split('@').next().unwrap().to_string())
        .collect()
}

#[test]
fn shared_library_exports_exactly_the_header_api() {
    let declared = declared();
    let exported = exported();
    // mg_packed_files is defined by the program (packed_fs.c), not the library.
    let by_program: BTreeSet<String> = ["mg_packed_files".to_string()].into();
    let leaked: Vec<_> = exported.difference(&declared).collect();
    let missing: Vec<_> =
        declared.difference(&exported).filter(|n| !by_program.contains(*n)).collect();
    assert!(leaked.is_empty(), "exported but not declared in mongoose.h: {leaked:?}");
    assert!(missing.is_empty(), "declared in mongoose.h but not exported: {missing:?}");
}

/// The library carries its soname (libmongoose.so.<MG_VERSION>), and the
/// link of that name beside it, which programs linked with -lmongoose load.
#[test]
fn shared_library_has_a_soname() {
    let so = lib_dir().join("libmongoose.so");
    let out = Command::new("readelf").arg("-d").arg(&so).output().expect("run readelf");
    let text = String::from_utf8_lossy(&out.stdout);
    let soname = env!("MG_SONAME");
    assert_eq!(soname, "libmongoose.so.7.22");
    assert!(text.contains(&format!("Library soname: [{soname}]")), "{text}");
    let link = lib_dir().join(soname);
    assert_eq!(std::fs::read_link(&link).unwrap().to_str(), Some("libmongoose.so"));
}
