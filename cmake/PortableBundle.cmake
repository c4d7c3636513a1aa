# Run by `cmake --install` of a -DASSETPIPE_PORTABLE=ON build (see Portable.cmake):
# copies every shared library the installed binary loads, except glibc's own,
# into <prefix>/lib under the name the loader asks for (a plain file: npm
# packs no symlinks).
if(NOT ASSETPIPE_BUNDLE_EXECUTABLE)
  message(FATAL_ERROR "PortableBundle.cmake: ASSETPIPE_BUNDLE_EXECUTABLE is not set")
endif()
set(libdir "${CMAKE_INSTALL_PREFIX}/lib")
file(REMOVE_RECURSE "${libdir}")
file(MAKE_DIRECTORY "${libdir}")
# glibc: every Linux system has these, and they must come from the system.
set(glibc "^(ld-linux-x86-64|libc|libm|libmvec|libpthread|libdl|librt|libutil|libresolv|libanl|libnss_[a-z]+)\\.so")
file(GET_RUNTIME_DEPENDENCIES
  EXECUTABLES "${ASSETPIPE_BUNDLE_EXECUTABLE}"
  RESOLVED_DEPENDENCIES_VAR resolved
  UNRESOLVED_DEPENDENCIES_VAR unresolved
  PRE_EXCLUDE_REGEXES "${glibc}"
  POST_EXCLUDE_REGEXES "^${libdir}/")
if(unresolved)
  message(FATAL_ERROR "assetpipe bundle: cannot find ${unresolved}")
endif()
foreach(lib IN LISTS resolved)
  get_filename_component(name "${lib}" NAME)
  file(REAL_PATH "${lib}" real)
  message(STATUS "Bundling: ${libdir}/${name} (${real})")
  file(COPY_FILE "${real}" "${libdir}/${name}")
  file(CHMOD "${libdir}/${name}" PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
endforeach()
