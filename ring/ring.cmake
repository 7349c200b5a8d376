# rd_ring_variant(NAME [HOOKS] [FLAGS ...]): the ring library built one way
# (every ring/*.c: one design per file, the table is ring/designs.def).
# FLAGS are compile and link options every user of the variant gets too;
# HOOKS builds the nesting hooks in (RD_NEST_HOOKS) for every user.  Users
# include "ring/ring.h": the repository root is the include directory.
# Included by ring/CMakeLists.txt and by the fuzz build (drain/fuzz/).
if(NOT TARGET PkgConfig::CK)
  find_package(PkgConfig REQUIRED)
  pkg_check_modules(CK REQUIRED IMPORTED_TARGET ck)
endif()

function(rd_ring_variant name)
  cmake_parse_arguments(V "HOOKS" "" "FLAGS" ${ARGN})
  set(dir ${CMAKE_CURRENT_FUNCTION_LIST_DIR})
  file(GLOB sources CONFIGURE_DEPENDS ${dir}/*.c)
  add_library(${name} STATIC ${sources})
  cmake_path(GET dir PARENT_PATH root)
  target_include_directories(${name} PUBLIC ${root})
  target_link_libraries(${name} PUBLIC PkgConfig::CK)
  target_compile_options(${name} PUBLIC ${V_FLAGS})
  target_link_options(${name} PUBLIC ${V_FLAGS})
  if(V_HOOKS)
    target_compile_definitions(${name} PUBLIC RD_NEST_HOOKS)
  endif()
endfunction()
