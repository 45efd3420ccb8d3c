# Run by the mongoose_cargo target (cmake -P): builds the library with cargo
# and stages what CMake builds against and installs, under STAGE:
#   include/mongoose.h                       the header generated with the library
#   lib/libmongoose.so.X.Y.0, .so.X.Y, .so   the shared library, versioned names,
#                                            without debug info, which is split
#                                            off into libmongoose.so.X.Y.0.debug
#                                            (found by debuggers via its
#                                            .gnu_debuglink)
#   lib/libmongoose.a                        the static library, debug info stripped
#   mongoose.pc, mongooseConfig.cmake        pkg-config file and CMake package
#                                            config, with the static library's
#                                            system libraries as rustc reports them
#
# Inputs (-D): CARGO, ROOT, TARGET_DIR, STAGE, VERSION (X.Y.Z), SOVERSION (X.Y),
# CARGO_ARGS (a ;-list of extra cargo arguments), PC_TO_PREFIX, CONFIG_TO_PREFIX,
# LIBDIR, INCLUDEDIR (install layout, relative to the prefix).
cmake_minimum_required(VERSION 3.20)

set(profile_dir ${TARGET_DIR}/release)
set(libs_file ${profile_dir}/mongoose-native-static-libs.txt)

# rustc prints the system libraries a static library needs with
# `--print native-static-libs` (.cargo/config.toml passes it to every build,
# so CMake and plain `cargo build --release` share one build). rustc prints
# them only when it compiles the crate: they are kept in libs_file for the
# builds that find the crate up to date.
function(run_cargo out_var)
  execute_process(
    COMMAND ${CMAKE_COMMAND} -E env CARGO_TARGET_DIR=${TARGET_DIR} MONGOOSE_NO_SOURCE_HEADER=1
            ${CARGO} build --release --lib ${CARGO_ARGS}
    WORKING_DIRECTORY ${ROOT}
    ERROR_VARIABLE err ECHO_ERROR_VARIABLE
    RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "cargo build --release failed (${rc})")
  endif()
  set(${out_var} "${err}" PARENT_SCOPE)
endfunction()

run_cargo(err)
if(NOT err MATCHES "native-static-libs: ([^\r\n]*)" AND NOT EXISTS ${libs_file})
  # Built before by a build that did not keep the list: rebuild the crate
  # (not its dependencies) so that rustc prints it again.
  message(STATUS "mongoose: rebuilding the crate to learn its native-static-libs")
  execute_process(
    COMMAND ${CMAKE_COMMAND} -E env CARGO_TARGET_DIR=${TARGET_DIR}
            ${CARGO} clean --release -p mongoose
    WORKING_DIRECTORY ${ROOT})
  run_cargo(err)
endif()
if(err MATCHES "native-static-libs: ([^\r\n]*)")
  string(STRIP "${CMAKE_MATCH_1}" native)
  file(WRITE ${libs_file}.tmp "${native}\n")
  execute_process(COMMAND ${CMAKE_COMMAND} -E copy_if_different ${libs_file}.tmp ${libs_file})
  file(REMOVE ${libs_file}.tmp)
elseif(NOT EXISTS ${libs_file})
  message(FATAL_ERROR "rustc did not print native-static-libs: is RUSTFLAGS set? "
                      "It replaces the --print=native-static-libs of .cargo/config.toml.")
endif()
file(STRINGS ${libs_file} native LIMIT_COUNT 1)

# Stage the files; copy_if_different keeps timestamps, so dependents relink
# only when the library really changed.
file(MAKE_DIRECTORY ${STAGE}/lib ${STAGE}/include ${STAGE}/tmp)
function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    string(REPLACE ";" " " cmd "${ARGN}")
    message(FATAL_ERROR "failed (${rc}): ${cmd}")
  endif()
endfunction()
run(${CMAKE_COMMAND} -E copy_if_different ${profile_dir}/include/mongoose.h
    ${STAGE}/include/mongoose.h)

# Debug info is split off and stripped when cargo has built anew.
set(so ${STAGE}/lib/libmongoose.so.${VERSION})
if(NOT EXISTS ${so} OR ${profile_dir}/libmongoose.so IS_NEWER_THAN ${so}.debug
   OR ${profile_dir}/libmongoose.a IS_NEWER_THAN ${so}.debug)
  find_program(OBJCOPY objcopy)
  find_program(STRIP strip)
  set(tmp ${STAGE}/tmp)
  if(OBJCOPY AND STRIP)
    run(${OBJCOPY} --only-keep-debug ${profile_dir}/libmongoose.so ${tmp}/libmongoose.so.${VERSION}.debug)
    # The debuglink names the .debug file; it is looked for beside the library.
    run(${CMAKE_COMMAND} -E chdir ${tmp} ${OBJCOPY} --strip-debug
        --add-gnu-debuglink=libmongoose.so.${VERSION}.debug
        ${profile_dir}/libmongoose.so ${tmp}/libmongoose.so.${VERSION})
    run(${STRIP} --strip-debug -o ${tmp}/libmongoose.a ${profile_dir}/libmongoose.a)
  else()
    message(WARNING "objcopy/strip not found: staging the libraries with their debug info")
    file(COPY ${profile_dir}/libmongoose.so DESTINATION ${tmp})
    file(RENAME ${tmp}/libmongoose.so ${tmp}/libmongoose.so.${VERSION})
    file(WRITE ${tmp}/libmongoose.so.${VERSION}.debug "")
    file(COPY ${profile_dir}/libmongoose.a DESTINATION ${tmp})
  endif()
  foreach(f libmongoose.so.${VERSION} libmongoose.a)
    run(${CMAKE_COMMAND} -E copy_if_different ${tmp}/${f} ${STAGE}/lib/${f})
  endforeach()
  # Last: its timestamp marks the staged files as up to date.
  run(${CMAKE_COMMAND} -E copy ${tmp}/libmongoose.so.${VERSION}.debug ${so}.debug)
  file(REMOVE_RECURSE ${tmp})
endif()
file(CREATE_LINK libmongoose.so.${VERSION} ${STAGE}/lib/libmongoose.so.${SOVERSION} SYMBOLIC)
file(CREATE_LINK libmongoose.so.${SOVERSION} ${STAGE}/lib/libmongoose.so SYMBOLIC)

# "-lgcc_s -lutil -lc" as it is (pkg-config) and as a CMake list ("gcc_s;util;c").
set(MG_LIBS_PRIVATE "${native}")
string(REGEX REPLACE "(^| +)-l" ";" native_list " ${native}")
list(FILTER native_list EXCLUDE REGEX "^ *$")
set(MG_NATIVE_STATIC_LIBS "${native_list}")
set(MG_VERSION "${VERSION}")
set(MG_SOVERSION "${SOVERSION}")
set(MG_PC_TO_PREFIX "${PC_TO_PREFIX}")
set(MG_CONFIG_TO_PREFIX "${CONFIG_TO_PREFIX}")
set(MG_LIBDIR "${LIBDIR}")
set(MG_INCLUDEDIR "${INCLUDEDIR}")
configure_file(${ROOT}/cmake/mongoose.pc.in ${STAGE}/mongoose.pc @ONLY)
configure_file(${ROOT}/cmake/mongooseConfig.cmake.in ${STAGE}/mongooseConfig.cmake @ONLY)
