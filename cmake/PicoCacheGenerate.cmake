# picocache_generate(<target> [TIDY]): runs picocache-gen over the target's annotated C++ sources
# and compiles the rewritten copies (under the build tree) instead of the originals.
#
# - A source is rewritten when it, or a header it includes with quotes (found next to it or in
#   the target's plain include directories, followed recursively), contains
#   `picocache::cached`. Those files are configure dependencies, so adding an annotation later
#   re-runs CMake and picks the source up. Other sources are compiled as they are.
# - The tool gets the target's own include directories, compile definitions and C++ standard
#   (generator expressions, evaluated by CMake for the target, usage requirements included).
# - A depfile written by the tool lists every header the source read: touching one re-runs the
#   generation; nothing re-runs when nothing changed.
# - The generated copy carries #line directives, so diagnostics point at the original file; its
#   quoted includes resolve against the original directory through -iquote.
# - Links PicoCache::runtime. With TIDY, picocache-tidy also runs over the annotated sources as
#   part of the build (a failed check fails the build only if the project's .clang-tidy says so).
#
# Call it after all of the target's sources are added.

include_guard(GLOBAL)

# Appends to `out_var` the quoted includes of `file` that exist (relative to it or to `dirs`).
function(_picocache_quoted_includes file dirs out_var)
  file(STRINGS "${file}" lines REGEX "^[ \t]*#[ \t]*include[ \t]*\"[^\"]+\"")
  get_filename_component(here "${file}" DIRECTORY)
  set(found)
  foreach(line IN LISTS lines)
    string(REGEX REPLACE "^[ \t]*#[ \t]*include[ \t]*\"([^\"]+)\".*" "\\1" name "${line}")
    foreach(dir IN LISTS here dirs)
      if(EXISTS "${dir}/${name}" AND NOT IS_DIRECTORY "${dir}/${name}")
        get_filename_component(path "${dir}/${name}" ABSOLUTE)
        list(APPEND found "${path}")
        break()
      endif()
    endforeach()
  endforeach()
  set(${out_var} "${found}" PARENT_SCOPE)
endfunction()

# Sets `out_var` to TRUE when `file` or a quoted include reachable from it has an annotation.
# Every file read becomes a configure dependency.
function(_picocache_needs_generation file dirs out_var)
  set(pending "${file}")
  set(seen)
  set(result FALSE)
  while(pending)
    list(POP_FRONT pending current)
    if(current IN_LIST seen)
      continue()
    endif()
    list(APPEND seen "${current}")
    set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${current}")
    file(STRINGS "${current}" hits REGEX "picocache::cached" LIMIT_COUNT 1)
    if(hits)
      set(result TRUE)
      break()
    endif()
    _picocache_quoted_includes("${current}" "${dirs}" includes)
    list(APPEND pending ${includes})
  endwhile()
  set(${out_var} ${result} PARENT_SCOPE)
endfunction()

function(picocache_generate target)
  cmake_parse_arguments(PARSE_ARGV 1 arg "TIDY" "" "")
  if(arg_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "picocache_generate(${target}): unknown arguments: ${arg_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT TARGET ${target})
    message(FATAL_ERROR "picocache_generate(${target}): no such target; call it after add_executable/add_library")
  endif()
  if(NOT TARGET PicoCache::gen)
    message(FATAL_ERROR "picocache_generate(${target}): PicoCache::gen is not available (was PicoCache built with PICOCACHE_BUILD_TOOL=OFF?)")
  endif()

  get_target_property(source_dir ${target} SOURCE_DIR)
  get_target_property(binary_dir ${target} BINARY_DIR)
  get_target_property(sources ${target} SOURCES)
  get_target_property(plain_include_dirs ${target} INCLUDE_DIRECTORIES)
  if(NOT plain_include_dirs)
    set(plain_include_dirs)
  endif()
  list(FILTER plain_include_dirs EXCLUDE REGEX "\\$<")

  # The target's own flags, as the compiler will see them, evaluated at generation time.
  set(includes "$<TARGET_PROPERTY:${target},INCLUDE_DIRECTORIES>")
  set(definitions "$<TARGET_PROPERTY:${target},COMPILE_DEFINITIONS>")
  set(standard "$<TARGET_PROPERTY:${target},CXX_STANDARD>")
  # $<SEMICOLON> keeps each genex one list element here; COMMAND_EXPAND_LISTS splits the result.
  set(tool_flags
    "$<$<BOOL:${includes}>:-I$<JOIN:${includes},$<SEMICOLON>-I>>"
    "$<$<BOOL:${definitions}>:-D$<JOIN:${definitions},$<SEMICOLON>-D>>"
    "$<$<BOOL:${standard}>:-std=c++${standard}>")

  set(out_dir "${binary_dir}/picocache_generated/${target}")
  set(new_sources)
  set(generated_any FALSE)
  foreach(src IN LISTS sources)
    get_filename_component(ext "${src}" LAST_EXT)
    # A regex, not a list variable: this file may be included in another directory's scope
    # (add_subdirectory), where variables set at its top level are not visible.
    if(src MATCHES "\\$<" OR NOT ext MATCHES "^\\.(cpp|cc|cxx|c\\+\\+|C|CPP)$")
      list(APPEND new_sources "${src}")
      continue()
    endif()
    get_filename_component(abs "${src}" ABSOLUTE BASE_DIR "${source_dir}")
    _picocache_needs_generation("${abs}" "${plain_include_dirs}" needed)
    if(NOT needed)
      list(APPEND new_sources "${src}")
      continue()
    endif()

    file(RELATIVE_PATH rel "${source_dir}" "${abs}")
    string(REPLACE ".." "__" rel "${rel}")
    set(out "${out_dir}/${rel}")
    get_filename_component(abs_dir "${abs}" DIRECTORY)
    file(RELATIVE_PATH out_rel "${CMAKE_BINARY_DIR}" "${out}")
    add_custom_command(
      OUTPUT "${out}"
      COMMAND PicoCache::gen "${abs}" -o "${out}" --depfile "${out}.d" -- ${tool_flags}
      DEPENDS "${abs}" PicoCache::gen
      DEPFILE "${out}.d"
      COMMENT "picocache-gen ${src} -> ${out_rel}"
      COMMAND_EXPAND_LISTS
      VERBATIM)
    set_source_files_properties("${out}" PROPERTIES GENERATED TRUE COMPILE_OPTIONS "-iquote;${abs_dir}")
    list(APPEND new_sources "${out}")
    set(generated_any TRUE)

    if(arg_TIDY)
      _picocache_add_tidy(${target} "${abs}" "${out}.tidy" "${tool_flags}")
      list(APPEND new_sources "${out}.tidy")
    endif()
  endforeach()

  set_property(TARGET ${target} PROPERTY SOURCES ${new_sources})
  target_link_libraries(${target} PRIVATE PicoCache::runtime)
  if(NOT generated_any)
    message(STATUS "picocache_generate(${target}): no source with [[picocache::cached]] found")
  endif()
endfunction()

# Runs picocache-tidy over one source as a build step whose stamp file the target depends on.
function(_picocache_add_tidy target source stamp tool_flags)
  if(NOT PICOCACHE_CLANG_TIDY)
    find_program(PICOCACHE_CLANG_TIDY NAMES clang-tidy-19 clang-tidy HINTS /usr/lib/llvm-19/bin)
  endif()
  get_filename_component(stamp_dir "${stamp}" DIRECTORY)
  if(NOT PICOCACHE_CLANG_TIDY OR NOT TARGET PicoCache::tidy)
    message(FATAL_ERROR "picocache_generate(${target} TIDY): needs clang-tidy-19 and the PicoCache::tidy plugin")
  endif()
  add_custom_command(
    OUTPUT "${stamp}"
    COMMAND "${PICOCACHE_CLANG_TIDY}" "--load=$<TARGET_FILE:PicoCache::tidy>" "-checks=-*,picocache-*"
            --quiet "${source}" -- ${tool_flags} -Wno-unknown-attributes
    COMMAND "${CMAKE_COMMAND}" -E make_directory "${stamp_dir}"
    COMMAND "${CMAKE_COMMAND}" -E touch "${stamp}"
    DEPENDS "${source}" PicoCache::tidy
    COMMENT "picocache-tidy ${source}"
    COMMAND_EXPAND_LISTS
    VERBATIM)
  set_source_files_properties("${stamp}" PROPERTIES GENERATED TRUE HEADER_FILE_ONLY TRUE)
endfunction()
