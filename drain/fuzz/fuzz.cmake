# Included by drain/CMakeLists.txt: build drain/fuzz/ with clang (the main
# build is gcc) as an ExternalProject, and run each fuzzer for a few seconds
# over its committed corpus as a test.  New inputs go to the build tree.
find_program(RD_CLANG NAMES clang clang-14)
set(RD_FUZZ_SECONDS 5 CACHE STRING "seconds each fuzzer runs in the tests")
set(RD_FUZZ_BIN ${CMAKE_BINARY_DIR}/drain/fuzz-build)

if(RD_CLANG)
  include(ExternalProject)
  ExternalProject_Add(rd_drain_fuzz
    SOURCE_DIR ${CMAKE_CURRENT_LIST_DIR}
    BINARY_DIR ${RD_FUZZ_BIN}
    CMAKE_ARGS -DCMAKE_C_COMPILER=${RD_CLANG} -DCMAKE_BUILD_TYPE=Release
    INSTALL_COMMAND ""
    BUILD_ALWAYS ON
    USES_TERMINAL_BUILD OFF)
  foreach(f trace layout snapshot)
    set(new ${CMAKE_BINARY_DIR}/drain/fuzz-corpus/${f})
    add_test(NAME drain_fuzz_${f}
      COMMAND sh -c "mkdir -p '${new}' && exec '${RD_FUZZ_BIN}/fuzz_${f}' -max_total_time=${RD_FUZZ_SECONDS} -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 '${new}' '${CMAKE_CURRENT_LIST_DIR}/corpus/${f}'")
  endforeach()
else()
  foreach(f trace layout snapshot)
    add_test(NAME drain_fuzz_${f}
      COMMAND sh -c "echo 'clang not found: fuzzers not built (apt-get install clang libclang-rt-14-dev)' >&2; exit 1")
  endforeach()
endif()
