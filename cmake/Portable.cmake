# -DASSETPIPE_PORTABLE=ON: a self-contained Linux binary for the npm package
# (packaging/npm). What Debian ships as a static library is linked in (libwebp,
# libpng, libjpeg-turbo, brotli, zlib, xxHash, libcrypto, hiredis); what it
# ships only as a shared library (oneTBB, libavif with its AV1 codecs, fmt,
# and the C++ runtime those need) is copied by `cmake --install` into
# <prefix>/lib, which the binary finds through its $ORIGIN/../lib rpath.
# libcurl is bundled too, though Debian has a libcurl.a: that archive needs
# nghttp2, libidn2, librtmp, libssh2, libpsl, GSSAPI and LDAP, which Debian
# ships shared only, so a static libcurl would bundle them all the same. The
# C++ runtime is bundled, not linked statically: the bundled libtbb/libavif
# need libstdc++.so, and one process must not hold two copies of it.
# `ldd <prefix>/bin/assetpipe` then names nothing outside glibc and <prefix>/lib.
if(NOT ASSETPIPE_PORTABLE)
  return()
endif()
if(ASSETPIPE_SANITIZE)
  message(FATAL_ERROR "ASSETPIPE_PORTABLE and ASSETPIPE_SANITIZE do not go together")
endif()

# The static archive of a Debian package, or a configure error naming it.
function(assetpipe_static_archive out name debian_package)
  find_library(ASSETPIPE_STATIC_${name} NAMES lib${name}.a NO_CACHE)
  if(NOT ASSETPIPE_STATIC_${name})
    message(FATAL_ERROR "lib${name}.a not found (ASSETPIPE_PORTABLE): apt-get install ${debian_package}")
  endif()
  set(${out} "${ASSETPIPE_STATIC_${name}}" PARENT_SCOPE)
endfunction()

# Points an imported target at static archives (first the library itself,
# then what it needs), keeping its include directories.
function(assetpipe_link_static target debian_package)
  set(archives)
  foreach(name IN LISTS ARGN)
    if(TARGET ${name} OR name MATCHES "^-")
      list(APPEND archives ${name})
    else()
      assetpipe_static_archive(path ${name} ${debian_package})
      list(APPEND archives ${path})
    endif()
  endforeach()
  get_target_property(type ${target} TYPE)
  if(type STREQUAL "INTERFACE_LIBRARY")
    set_property(TARGET ${target} PROPERTY INTERFACE_LINK_LIBRARIES ${archives})
    set_property(TARGET ${target} PROPERTY INTERFACE_LINK_DIRECTORIES "")
  else()
    list(POP_FRONT archives first)
    set_property(TARGET ${target} PROPERTY IMPORTED_LOCATION ${first})
    foreach(config IN ITEMS RELEASE RELWITHDEBINFO DEBUG NOCONFIG)
      set_property(TARGET ${target} PROPERTY IMPORTED_LOCATION_${config} ${first})
    endforeach()
    set_property(TARGET ${target} PROPERTY INTERFACE_LINK_LIBRARIES ${archives})
  endif()
endfunction()

assetpipe_link_static(ZLIB::ZLIB zlib1g-dev z)
assetpipe_link_static(PkgConfig::WEBP libwebp-dev webp -lm Threads::Threads)
assetpipe_link_static(PkgConfig::WEBPMUX libwebp-dev webpmux webp -lm Threads::Threads)
assetpipe_link_static(PkgConfig::PNG libpng-dev png16 ZLIB::ZLIB -lm)
assetpipe_link_static(JPEG::JPEG libjpeg62-turbo-dev jpeg)
assetpipe_link_static(PkgConfig::BROTLIENC libbrotli-dev brotlienc brotlicommon -lm)
assetpipe_link_static(PkgConfig::BROTLIDEC libbrotli-dev brotlidec brotlicommon)
assetpipe_link_static(PkgConfig::XXHASH libxxhash-dev xxhash)
assetpipe_link_static(OpenSSL::Crypto libssl-dev crypto -ldl Threads::Threads)
assetpipe_link_static(PkgConfig::HIREDIS libhiredis-dev hiredis)
# The compile steps are the default build's (only the link differs), so a
# shared compiler cache serves both.

# Where the bundled shared libraries are: DT_RPATH (not RUNPATH), so that it
# also applies to what the bundled libraries themselves load.
set(ASSETPIPE_PORTABLE_RPATH "$ORIGIN/../lib")
function(assetpipe_portable_executable target)
  set_target_properties(${target} PROPERTIES
    BUILD_WITH_INSTALL_RPATH ON
    INSTALL_RPATH "${ASSETPIPE_PORTABLE_RPATH}")
  # --exclude-libs: the symbols of the static archives stay private to the
  # binary. The bundled libcurl loads its own libcrypto.so, libz.so and
  # libbrotlidec.so; were the binary's static copies exported, the loader
  # would bind some of libcurl's (and libssl's) calls to them and others to
  # the shared copies, mixing two OpenSSL states in one connection.
  target_link_options(${target} PRIVATE -Wl,--disable-new-dtags -Wl,--exclude-libs,ALL)
  install(TARGETS ${target} RUNTIME DESTINATION bin)
  install(CODE "set(ASSETPIPE_BUNDLE_EXECUTABLE \"\${CMAKE_INSTALL_PREFIX}/bin/$<TARGET_FILE_NAME:${target}>\")")
  install(SCRIPT ${CMAKE_CURRENT_FUNCTION_LIST_DIR}/PortableBundle.cmake)
endfunction()
