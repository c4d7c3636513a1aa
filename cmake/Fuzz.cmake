# Opt-in libFuzzer targets for the link stage's scanners (src/link/*_fuzz.cc).
# Needs clang:
#   CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DASSETPIPE_FUZZ=ON \
#     -DASSETPIPE_BUILD_TESTS=OFF && cmake --build build-fuzz -j2
#   build-fuzz/css_scanner_fuzz -max_total_time=60 fixtures/link/fuzz/css
# Fuzzing is not part of CI; tests/link_fuzz_corpus_test.cc replays the kept corpus.
option(ASSETPIPE_FUZZ "Build libFuzzer targets for the reference scanners (needs clang)" OFF)

if(ASSETPIPE_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "ASSETPIPE_FUZZ needs clang: configure a separate build folder with "
                        "CC=clang CXX=clang++")
  endif()
  set(ASSETPIPE_FUZZ_FLAGS -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer)
  file(GLOB ASSETPIPE_SCANNER_SOURCES CONFIGURE_DEPENDS
    ${CMAKE_CURRENT_SOURCE_DIR}/src/link/*_scanner.cc
    ${CMAKE_CURRENT_SOURCE_DIR}/src/link/markup_tokenizer.cc
    ${CMAKE_CURRENT_SOURCE_DIR}/src/link/reference.cc)
  add_library(assetpipe_scanners_fuzz STATIC ${ASSETPIPE_SCANNER_SOURCES})
  target_include_directories(assetpipe_scanners_fuzz PUBLIC
    ${CMAKE_CURRENT_SOURCE_DIR}/include ${CMAKE_CURRENT_SOURCE_DIR}/src)
  target_compile_options(assetpipe_scanners_fuzz PRIVATE ${ASSETPIPE_FUZZ_FLAGS})
  target_link_libraries(assetpipe_scanners_fuzz PUBLIC fmt::fmt)

  file(GLOB ASSETPIPE_FUZZ_TARGETS CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/src/link/*_fuzz.cc)
  foreach(source ${ASSETPIPE_FUZZ_TARGETS})
    get_filename_component(name ${source} NAME_WE)
    add_executable(${name} ${source})
    target_compile_options(${name} PRIVATE ${ASSETPIPE_FUZZ_FLAGS})
    target_link_options(${name} PRIVATE -fsanitize=fuzzer,address,undefined)
    target_link_libraries(${name} PRIVATE assetpipe_scanners_fuzz)
  endforeach()
endif()
