# rd_drain_variant(NAME RING ring-variant [NO_JEMALLOC]): the drain library
# (the model, the lookup strategies, traces, snapshots) over one variant of
# the ring library, whose flags it takes (they are the ring variant's
# public options).  Snapshot buffers come from jemalloc, unless
# NO_JEMALLOC: where a sanitizer owns malloc, the jemalloc allocators fall
# back to aligned_alloc (-DDRAIN_NO_JEMALLOC).  Users include
# "drain/drain.h".  Included by drain/CMakeLists.txt and by the fuzz build
# (drain/fuzz/), so the source list is here once.
set(RD_DRAIN_SOURCES
  access.h damon.h drain.h flat_snap.h internal.h lookup.h strategies.def
  gen.c kstream.c kstream.h model.c parse.c registry.c snapshot.c tick.c
  lookup_list.c lookup_rfc.c lookup_flat.c lookup_eytzinger.c
  lookup_btree.c lookup_radix.c lookup_sortmerge.c)

function(rd_drain_variant name)
  cmake_parse_arguments(V "NO_JEMALLOC" "RING" "" ${ARGN})
  set(dir ${CMAKE_CURRENT_FUNCTION_LIST_DIR})
  list(TRANSFORM RD_DRAIN_SOURCES PREPEND ${dir}/ OUTPUT_VARIABLE sources)
  add_library(${name} STATIC ${sources})
  cmake_path(GET dir PARENT_PATH root)
  target_include_directories(${name} PUBLIC ${root})
  target_link_libraries(${name} PUBLIC ${V_RING} m)
  if(V_NO_JEMALLOC)
    target_compile_definitions(${name} PUBLIC DRAIN_NO_JEMALLOC)
  else()
    if(NOT TARGET PkgConfig::JEMALLOC)
      pkg_check_modules(JEMALLOC REQUIRED IMPORTED_TARGET jemalloc)
    endif()
    target_link_libraries(${name} PUBLIC PkgConfig::JEMALLOC)
  endif()
endfunction()
