# picocache_generate(<target> [TIDY]): runs picocache-gen over the target's annotated C++ sources
# and compiles the rewritten copies (under the build tree) instead of the originals.
#
# - Every C++ source of the target is considered. It is rewritten when it, or a project header it
#   includes, contains `picocache::cached`: quoted includes are looked up next to the including
#   file and in the include directories, `<...>` includes in the include directories inside the
#   project (the target's and those its linked libraries give it), followed recursively. Those
#   files are configure dependencies, so adding an annotation later re-runs CMake and picks the
#   source up. Other sources are compiled as they are.
# - The tool parses with the flags the compiler gets (generator expressions, evaluated by CMake
#   for the target and the build's configuration): include directories, compile definitions,
#   COMPILE_OPTIONS (target_compile_options, add_compile_options, linked libraries' usage
#   requirements), CMAKE_CXX_FLAGS and CMAKE_CXX_FLAGS_<CONFIG>, the source's own
#   COMPILE_OPTIONS / COMPILE_DEFINITIONS / INCLUDE_DIRECTORIES, and the C++ standard the compile
#   uses (see _picocache_standard_flag). Flags Clang does not accept are dropped by the tool.
# - A depfile written by the tool lists every header the source read: touching one re-runs the
#   generation; nothing re-runs when nothing changed.
# - The generated copy carries #line directives, so diagnostics point at the original file; its
#   quoted includes resolve against the original directory through -iquote (a source property,
#   or with UNITY_BUILD a target option, since CMake keeps sources with their own options out of
#   unity sources). Names in generated files are unique per file, so unity sources combine them.
# - The tool's project directories are the calling project's PROJECT_SOURCE_DIR and
#   PROJECT_BINARY_DIR: the code fingerprint follows definitions in headers under them, and a
#   static function is named by its file's path relative to PROJECT_SOURCE_DIR.
# - Links PicoCache::runtime whichever target_link_libraries signature the target uses (through
#   the LINK_LIBRARIES property). With TIDY, picocache-tidy also runs over the annotated sources as
#   part of the build (a failed check fails the build only if the project's .clang-tidy says so).
#
# Call it after all of the target's sources, options and libraries are added.

include_guard(GLOBAL)

# Appends to `out_var` the includes of `file` that exist: quoted ones relative to it or to
# `dirs`, `<...>` ones relative to `project_dirs` (never PicoCache's own headers).
function(_picocache_project_includes file dirs project_dirs out_var)
  file(STRINGS "${file}" lines REGEX "^[ \t]*#[ \t]*include[ \t]*[\"<][^\">]+[\">]")
  get_filename_component(here "${file}" DIRECTORY)
  set(found)
  foreach(line IN LISTS lines)
    string(REGEX REPLACE "^[ \t]*#[ \t]*include[ \t]*([\"<])([^\">]+)[\">].*" "\\1;\\2" parts "${line}")
    list(GET parts 0 kind)
    list(GET parts 1 name)
    if(kind STREQUAL "\"")
      set(search ${here} ${dirs})
    elseif(name MATCHES "^picocache/")
      continue()
    else()
      set(search ${project_dirs})
    endif()
    foreach(dir IN LISTS search)
      if(EXISTS "${dir}/${name}" AND NOT IS_DIRECTORY "${dir}/${name}")
        get_filename_component(path "${dir}/${name}" ABSOLUTE)
        list(APPEND found "${path}")
        break()
      endif()
    endforeach()
  endforeach()
  set(${out_var} "${found}" PARENT_SCOPE)
endfunction()

# Sets `out_var` to TRUE when `file` or a project include reachable from it has an annotation,
# and `headers_var` to the annotated headers reached (they get rewritten copies). Every file read
# becomes a configure dependency.
function(_picocache_needs_generation file dirs project_dirs out_var headers_var)
  set(pending "${file}")
  set(seen)
  set(result FALSE)
  set(headers)
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
      if(NOT current STREQUAL file)
        list(APPEND headers "${current}")
      endif()
    endif()
    _picocache_project_includes("${current}" "${dirs}" "${project_dirs}" includes)
    list(APPEND pending ${includes})
  endwhile()
  set(${out_var} ${result} PARENT_SCOPE)
  set(${headers_var} "${headers}" PARENT_SCOPE)
endfunction()

# Sets `out_var` to TRUE when `header` defines a cached function: after some annotation, a `{`
# comes before any `;` (a declaration ends at `;`, a definition opens its body). A heuristic on
# the text, erring towards "defines": used only for the check below.
function(_picocache_defines_cached header out_var)
  file(READ "${header}" text)
  set(result FALSE)
  string(FIND "${text}" "picocache::cached" at)
  while(at GREATER -1)
    math(EXPR after "${at} + 17")
    string(SUBSTRING "${text}" ${after} -1 text)
    string(FIND "${text}" ";" semicolon)
    string(FIND "${text}" "{" brace)
    if(brace GREATER -1 AND (semicolon EQUAL -1 OR brace LESS semicolon))
      set(result TRUE)
      break()
    endif()
    string(FIND "${text}" "picocache::cached" at)
  endwhile()
  set(${out_var} ${result} PARENT_SCOPE)
endfunction()

# Run once at the end of the top-level directory (see picocache_generate): a target of the
# project that includes a header defining cached functions without picocache_generate() would
# compile the original inline definitions next to the generated ones of the targets it links
# with (an ODR violation: either may run). Fails the configuration naming the target.
function(_picocache_check_odr)
  get_property(generated GLOBAL PROPERTY PICOCACHE_GENERATED_TARGETS)
  get_property(defining GLOBAL PROPERTY PICOCACHE_DEFINING_HEADERS)
  if(NOT defining)
    return()
  endif()
  set(dirs "${CMAKE_SOURCE_DIR}")
  set(targets)
  while(dirs)
    list(POP_FRONT dirs dir)
    get_property(subdirs DIRECTORY "${dir}" PROPERTY SUBDIRECTORIES)
    get_property(dir_targets DIRECTORY "${dir}" PROPERTY BUILDSYSTEM_TARGETS)
    list(APPEND dirs ${subdirs})
    list(APPEND targets ${dir_targets})
  endwhile()
  foreach(target IN LISTS targets)
    get_target_property(type ${target} TYPE)
    if(target IN_LIST generated OR NOT type MATCHES "^(EXECUTABLE|STATIC_LIBRARY|SHARED_LIBRARY|MODULE_LIBRARY|OBJECT_LIBRARY)$")
      continue()
    endif()
    get_target_property(source_dir ${target} SOURCE_DIR)
    get_target_property(sources ${target} SOURCES)
    _picocache_linked_targets(${target} linked)
    _picocache_plain_include_dirs("${linked}" plain_include_dirs)
    set(project_dirs)
    foreach(dir IN LISTS plain_include_dirs)
      file(RELATIVE_PATH relative "${CMAKE_SOURCE_DIR}" "${dir}")
      if(NOT relative MATCHES "^\\.\\.(/|$)" AND NOT IS_ABSOLUTE "${relative}")
        list(APPEND project_dirs "${dir}")
      endif()
    endforeach()
    foreach(src IN LISTS sources)
      get_filename_component(abs "${src}" ABSOLUTE BASE_DIR "${source_dir}")
      if(src MATCHES "\\$<" OR NOT EXISTS "${abs}" OR NOT abs MATCHES "\\.(cpp|cc|cxx|c\\+\\+|C|CPP|cp|CXX)$")
        continue()
      endif()
      _picocache_needs_generation("${abs}" "${plain_include_dirs}" "${project_dirs}" needed headers)
      foreach(header IN LISTS headers)
        if(header IN_LIST defining)
          file(RELATIVE_PATH shown "${CMAKE_SOURCE_DIR}" "${header}")
          message(SEND_ERROR
            "picocache: target '${target}' includes '${shown}' (from ${src}), which defines "
            "[[picocache::cached]] functions, but picocache_generate(${target}) was not called: "
            "its translation units would compile the original inline definitions while the "
            "generated targets compile the cached ones (an ODR violation). Call "
            "picocache_generate(${target}) after its sources are added.")
          return()
        endif()
      endforeach()
    endforeach()
  endforeach()
endfunction()

# Rewritten copies of the annotated project headers `headers` (see picocache-gen --header), put
# where the target's translation units find them before the originals: a header under one of the
# project include directories `project_dirs` is copied under `<out_dir>/picocache_include` (which
# goes first on the target's include path), one found next to a source under `<out_dir>` at its
# path relative to the target's source directory (next to the generated sources, whose quoted
# includes look in their own directory first). Sets `out_var` to the copies.
function(_picocache_header_copies target headers project_dirs source_dir out_dir tool_flags out_var)
  set(copies)
  foreach(header IN LISTS headers)
    set(places)
    foreach(dir IN LISTS project_dirs)
      file(RELATIVE_PATH relative "${dir}" "${header}")
      if(NOT relative MATCHES "^\\.\\.(/|$)" AND NOT IS_ABSOLUTE "${relative}")
        list(APPEND places "${out_dir}/picocache_include/${relative}")
      endif()
    endforeach()
    file(RELATIVE_PATH relative "${source_dir}" "${header}")
    if(NOT relative MATCHES "^\\.\\.(/|$)" AND NOT IS_ABSOLUTE "${relative}")
      list(APPEND places "${out_dir}/${relative}")
    endif()
    list(REMOVE_DUPLICATES places)
    foreach(copy IN LISTS places)
      file(RELATIVE_PATH copy_rel "${CMAKE_BINARY_DIR}" "${copy}")
      add_custom_command(
        OUTPUT "${copy}"
        COMMAND PicoCache::gen "${header}" --header -o "${copy}" --depfile "${copy}.d"
                --project-root "${PROJECT_SOURCE_DIR}" --project-root "${PROJECT_BINARY_DIR}"
                -- ${tool_flags}
        DEPENDS "${header}" PicoCache::gen
        DEPFILE "${copy}.d"
        COMMENT "picocache-gen --header ${header} -> ${copy_rel}"
        COMMAND_EXPAND_LISTS
        VERBATIM)
      set_source_files_properties("${copy}" PROPERTIES GENERATED TRUE HEADER_FILE_ONLY TRUE)
      list(APPEND copies "${copy}")
    endforeach()
  endforeach()
  set(${out_var} "${copies}" PARENT_SCOPE)
endfunction()

# Sets `out_var` to `target` and the targets it links, transitively (link-only ones excluded:
# they give no compile usage requirements).
function(_picocache_linked_targets target out_var)
  set(pending ${target})
  set(seen)
  while(pending)
    list(POP_FRONT pending current)
    if(current IN_LIST seen OR NOT TARGET "${current}")
      continue()
    endif()
    list(APPEND seen "${current}")
    if(current STREQUAL target)
      get_target_property(links ${current} LINK_LIBRARIES)
    else()
      get_target_property(links ${current} INTERFACE_LINK_LIBRARIES)
    endif()
    foreach(link IN LISTS links)
      if(NOT link MATCHES "\\$<" AND TARGET "${link}")
        list(APPEND pending "${link}")
      endif()
    endforeach()
  endwhile()
  set(${out_var} "${seen}" PARENT_SCOPE)
endfunction()

# Sets `out_var` to the include directories without generator expressions ($<BUILD_INTERFACE:x>
# unwrapped) of `targets` (the first one's own, the others' interface ones).
function(_picocache_plain_include_dirs targets out_var)
  set(dirs)
  list(GET targets 0 first)
  foreach(current IN LISTS targets)
    if(current STREQUAL first)
      get_target_property(values ${current} INCLUDE_DIRECTORIES)
    else()
      get_target_property(values ${current} INTERFACE_INCLUDE_DIRECTORIES)
    endif()
    foreach(value IN LISTS values)
      string(REGEX REPLACE "^\\$<BUILD_INTERFACE:(.*)>$" "\\1" value "${value}")
      if(value AND NOT value MATCHES "\\$<|-NOTFOUND$")
        list(APPEND dirs "${value}")
      endif()
    endforeach()
  endforeach()
  list(REMOVE_DUPLICATES dirs)
  set(${out_var} "${dirs}" PARENT_SCOPE)
endfunction()

# A flag made safe inside $<cond:...>: `>`, `,` and `;` written as generator expressions.
function(_picocache_genex_escape flag out_var)
  string(REPLACE ">" "$<ANGLE-R>" flag "${flag}")
  string(REPLACE "," "$<COMMA>" flag "${flag}")
  string(REPLACE ";" "$<SEMICOLON>" flag "${flag}")
  set(${out_var} "${flag}" PARENT_SCOPE)
endfunction()

# Sets `out_var` to CMAKE_CXX_FLAGS, then CMAKE_CXX_FLAGS_<CONFIG> of each configuration under
# $<CONFIG:...> (so multi-config generators pass the flags of the configuration being built).
function(_picocache_cxx_flags out_var)
  separate_arguments(flags UNIX_COMMAND "${CMAKE_CXX_FLAGS}")
  set(configs Debug Release RelWithDebInfo MinSizeRel ${CMAKE_CONFIGURATION_TYPES} ${CMAKE_BUILD_TYPE})
  list(TRANSFORM configs TOUPPER)
  list(REMOVE_DUPLICATES configs)
  foreach(config IN LISTS configs)
    separate_arguments(config_flags UNIX_COMMAND "${CMAKE_CXX_FLAGS_${config}}")
    foreach(flag IN LISTS config_flags)
      _picocache_genex_escape("${flag}" flag)
      list(APPEND flags "$<$<CONFIG:${config}>:${flag}>")
    endforeach()
  endforeach()
  set(${out_var} "${flags}" PARENT_SCOPE)
endfunction()

# Sets `out_var` to `value` with the generator expressions that only compile rules may use decided
# here (CMake refuses them in custom commands): the tool parses C++ for CMAKE_CXX_COMPILER_ID.
function(_picocache_resolve_compile_genex value out_var)
  string(REGEX REPLACE "\\$<COMPILE_LANG_AND_ID:CXX,([^>]*)>" "$<CXX_COMPILER_ID:\\1>" value "${value}")
  string(REGEX REPLACE "\\$<COMPILE_LANG_AND_ID:[^>]*>" "0" value "${value}")
  string(REGEX REPLACE "\\$<COMPILE_LANGUAGE:([^>]*,)?CXX(,[^>]*)?>" "1" value "${value}")
  string(REGEX REPLACE "\\$<COMPILE_LANGUAGE:[^>]*>" "0" value "${value}")
  string(REPLACE "$<COMPILE_LANGUAGE>" "CXX" value "${value}")
  while(value MATCHES "\\$<CXX_COMPILER_ID:([^>]*)>")
    set(ids "${CMAKE_MATCH_1}")
    string(REPLACE "," ";" id_list "${ids}")
    set(match 0)
    if(CMAKE_CXX_COMPILER_ID IN_LIST id_list)
      set(match 1)
    endif()
    string(REPLACE "$<CXX_COMPILER_ID:${ids}>" "${match}" value "${value}")
  endwhile()
  string(REPLACE "$<CXX_COMPILER_ID>" "${CMAKE_CXX_COMPILER_ID}" value "${value}")
  string(REPLACE "$<CXX_COMPILER_VERSION>" "${CMAKE_CXX_COMPILER_VERSION}" value "${value}")
  set(${out_var} "${value}" PARENT_SCOPE)
endfunction()

# Sets `out_var` to `targets`' values of `property` (the first target's own, the others' INTERFACE_
# ones), each evaluated in the first target's context. Compile-only generator expressions, such as
# $<COMPILE_LANGUAGE:...> (empty in a custom command), are decided here.
function(_picocache_usage targets property out_var)
  set(values)
  list(GET targets 0 first)
  foreach(current IN LISTS targets)
    if(current STREQUAL first)
      get_target_property(raw ${current} ${property})
    else()
      get_target_property(raw ${current} INTERFACE_${property})
    endif()
    if(NOT raw)
      continue()
    endif()
    foreach(item IN LISTS raw)
      # "SHELL:-opt value" stands for its words (picocache-tidy's command line needs them split).
      if(item MATCHES "^SHELL:(.*)$")
        separate_arguments(words UNIX_COMMAND "${CMAKE_MATCH_1}")
      else()
        set(words "${item}")
      endif()
      foreach(value IN LISTS words)
        _picocache_resolve_compile_genex("${value}" value)
        if(value MATCHES "\\$<")
          string(REPLACE ";" "$<SEMICOLON>" value "${value}")
          set(value "$<TARGET_GENEX_EVAL:${first},${value}>")
        endif()
        list(APPEND values "${value}")
      endforeach()
    endforeach()
  endforeach()
  set(${out_var} "${values}" PARENT_SCOPE)
endfunction()

# Sets `out_var` to the -std= flag of the standard the target's compile uses, as CMake decides it:
# the higher of CXX_STANDARD (else the compiler's default) and the highest cxx_std_NN among the
# compile features of the target and its linked libraries (PicoCache::runtime asks for 17);
# gnu++ unless CXX_EXTENSIONS is off. Nothing when neither is known (the compiler's default).
function(_picocache_standard_flag target out_var)
  set(features "$<TARGET_PROPERTY:${target},COMPILE_FEATURES>")
  set(feature_standard 0)
  foreach(version 11 14 17 20 23 26)
    set(feature_standard "$<IF:$<IN_LIST:cxx_std_${version},${features}>,${version},${feature_standard}>")
  endforeach()
  set(default_standard "${CMAKE_CXX_STANDARD_COMPUTED_DEFAULT}")
  if(NOT default_standard OR default_standard STREQUAL "98")
    set(default_standard 0)
  endif()
  set(property "$<TARGET_PROPERTY:${target},CXX_STANDARD>")
  # CXX_STANDARD 98 is below every feature standard; treat it as 0 for the comparison.
  set(asked "$<IF:$<AND:$<BOOL:${property}>,$<NOT:$<STREQUAL:${property},98>>>,${property},${default_standard}>")
  set(standard "$<IF:$<VERSION_GREATER:${feature_standard},${asked}>,${feature_standard},${asked}>")
  set(extensions "$<TARGET_PROPERTY:${target},CXX_EXTENSIONS>")
  set(prefix "$<IF:$<OR:$<STREQUAL:${extensions},>,$<BOOL:${extensions}>>,gnu,c>")
  set(${out_var} "$<$<NOT:$<STREQUAL:${standard},0>>:-std=${prefix}++${standard}>" PARENT_SCOPE)
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
  _picocache_linked_targets(${target} linked)
  _picocache_plain_include_dirs("${linked}" plain_include_dirs)
  # <...> includes are followed only into the project's own directories.
  set(project_include_dirs)
  foreach(dir IN LISTS plain_include_dirs)
    foreach(root IN ITEMS "${CMAKE_SOURCE_DIR}" "${CMAKE_BINARY_DIR}")
      file(RELATIVE_PATH relative "${root}" "${dir}")
      if(NOT relative MATCHES "^\\.\\.(/|$)" AND NOT IS_ABSOLUTE "${relative}")
        list(APPEND project_include_dirs "${dir}")
        break()
      endif()
    endforeach()
  endforeach()

  # The target's own flags, as the compiler will see them, evaluated at generation time, in the
  # order CMake writes them on the compile line.
  set(includes "$<TARGET_PROPERTY:${target},INCLUDE_DIRECTORIES>")
  set(definitions "$<TARGET_PROPERTY:${target},COMPILE_DEFINITIONS>")
  _picocache_cxx_flags(cxx_flags)
  _picocache_standard_flag(${target} standard_flag)
  _picocache_usage("${linked}" COMPILE_OPTIONS compile_options)
  # $<SEMICOLON> keeps each genex one list element here; COMMAND_EXPAND_LISTS splits the result.
  set(tool_flags
    "$<$<BOOL:${definitions}>:-D$<JOIN:${definitions},$<SEMICOLON>-D>>"
    "$<$<BOOL:${includes}>:-I$<JOIN:${includes},$<SEMICOLON>-I>>"
    ${cxx_flags}
    "${standard_flag}"
    ${compile_options})

  set(out_dir "${binary_dir}/picocache_generated/${target}")
  # Annotated project headers get rewritten copies ahead of the originals (see
  # _picocache_header_copies); the sources' generation waits for them. The copies' directory is
  # on the include path before the scan below, so the flags give it to every run of the tool.
  set(annotated_headers)
  foreach(src IN LISTS sources)
    get_filename_component(abs "${src}" ABSOLUTE BASE_DIR "${source_dir}")
    if(NOT src MATCHES "\\$<" AND EXISTS "${abs}")
      _picocache_needs_generation("${abs}" "${plain_include_dirs}" "${project_include_dirs}" needed
                                  source_headers)
      list(APPEND annotated_headers ${source_headers})
    endif()
  endforeach()
  list(REMOVE_DUPLICATES annotated_headers)
  set_property(GLOBAL APPEND PROPERTY PICOCACHE_GENERATED_TARGETS ${target})
  foreach(header IN LISTS annotated_headers)
    _picocache_defines_cached("${header}" defines)
    if(defines)
      set_property(GLOBAL APPEND PROPERTY PICOCACHE_DEFINING_HEADERS "${header}")
    endif()
  endforeach()
  get_property(check_deferred GLOBAL PROPERTY PICOCACHE_ODR_CHECK_DEFERRED)
  if(NOT check_deferred)
    set_property(GLOBAL PROPERTY PICOCACHE_ODR_CHECK_DEFERRED TRUE)
    cmake_language(DEFER DIRECTORY "${CMAKE_SOURCE_DIR}" CALL _picocache_check_odr)
  endif()
  set(header_copies)
  if(annotated_headers)
    target_include_directories(${target} BEFORE PRIVATE "${out_dir}/picocache_include")
    _picocache_header_copies(${target} "${annotated_headers}" "${project_include_dirs}"
                             "${source_dir}" "${out_dir}" "${tool_flags}" header_copies)
  endif()
  get_target_property(unity ${target} UNITY_BUILD)
  set(unity_quote_dirs)
  set(new_sources)
  set(generated_any FALSE)
  foreach(src IN LISTS sources)
    get_filename_component(ext "${src}" LAST_EXT)
    if(src MATCHES "\\$<")
      list(APPEND new_sources "${src}")
      continue()
    endif()
    get_filename_component(abs "${src}" ABSOLUTE BASE_DIR "${source_dir}")
    get_source_file_property(language "${abs}" LANGUAGE)
    # A regex, not a list variable: this file may be included in another directory's scope
    # (add_subdirectory), where variables set at its top level are not visible.
    if(NOT (language STREQUAL "CXX" OR
            (NOT language AND ext MATCHES "^\\.(cpp|cc|cxx|c\\+\\+|C|CPP|cp|CXX)$")))
      list(APPEND new_sources "${src}")
      continue()
    endif()
    get_source_file_property(header_only "${abs}" HEADER_FILE_ONLY)
    if(header_only)
      list(APPEND new_sources "${src}")
      continue()
    endif()
    _picocache_needs_generation("${abs}" "${plain_include_dirs}" "${project_include_dirs}" needed
                                source_headers)
    if(NOT needed)
      list(APPEND new_sources "${src}")
      continue()
    endif()

    # The source's own properties go to the tool and to the generated copy's compile.
    set(source_flags)
    set(source_properties)
    foreach(property COMPILE_OPTIONS COMPILE_DEFINITIONS INCLUDE_DIRECTORIES COMPILE_FLAGS)
      get_source_file_property(value "${abs}" ${property})
      if(NOT value)
        continue()
      endif()
      if(property STREQUAL "COMPILE_OPTIONS")
        list(APPEND source_flags ${value})  # the generated copy gets them with -iquote, below
      elseif(property STREQUAL "COMPILE_DEFINITIONS")
        foreach(definition IN LISTS value)
          list(APPEND source_flags "-D${definition}")
        endforeach()
        list(APPEND source_properties COMPILE_DEFINITIONS "${value}")
      elseif(property STREQUAL "INCLUDE_DIRECTORIES")
        foreach(dir IN LISTS value)
          list(APPEND source_flags "-I${dir}")
        endforeach()
        list(APPEND source_properties INCLUDE_DIRECTORIES "${value}")
      else()
        separate_arguments(words UNIX_COMMAND "${value}")
        list(APPEND source_flags ${words})
        list(APPEND source_properties COMPILE_FLAGS "${value}")
      endif()
    endforeach()
    get_source_file_property(source_options "${abs}" COMPILE_OPTIONS)
    if(NOT source_options)
      set(source_options)
    endif()

    file(RELATIVE_PATH rel "${source_dir}" "${abs}")
    string(REPLACE ".." "__" rel "${rel}")
    set(out "${out_dir}/${rel}")
    get_filename_component(abs_dir "${abs}" DIRECTORY)
    file(RELATIVE_PATH out_rel "${CMAKE_BINARY_DIR}" "${out}")
    add_custom_command(
      OUTPUT "${out}"
      COMMAND PicoCache::gen "${abs}" -o "${out}" --depfile "${out}.d"
              --project-root "${PROJECT_SOURCE_DIR}" --project-root "${PROJECT_BINARY_DIR}"
              -- ${tool_flags} ${source_flags}
      DEPENDS "${abs}" PicoCache::gen ${header_copies}
      DEPFILE "${out}.d"
      COMMENT "picocache-gen ${src} -> ${out_rel}"
      COMMAND_EXPAND_LISTS
      VERBATIM)
    set_source_files_properties("${out}" PROPERTIES GENERATED TRUE ${source_properties})
    if(unity)
      # A source with its own COMPILE_OPTIONS is left out of the unity sources: the original
      # directory goes to the whole target instead.
      if(NOT abs_dir IN_LIST unity_quote_dirs)
        list(APPEND unity_quote_dirs "${abs_dir}")
        target_compile_options(${target} PRIVATE "SHELL:-iquote \"${abs_dir}\"")
      endif()
      if(source_options)
        set_source_files_properties("${out}" PROPERTIES COMPILE_OPTIONS "${source_options}")
      endif()
    else()
      set_source_files_properties("${out}" PROPERTIES COMPILE_OPTIONS "-iquote;${abs_dir};${source_options}")
    endif()
    list(APPEND new_sources "${out}")
    set(generated_any TRUE)

    if(arg_TIDY)
      _picocache_add_tidy(${target} "${abs}" "${out}.tidy" "${tool_flags};${source_flags}")
      list(APPEND new_sources "${out}.tidy")
    endif()
  endforeach()

  set_property(TARGET ${target} PROPERTY SOURCES ${new_sources} ${header_copies})
  # Through the property, not target_link_libraries: that command refuses to mix its keyword and
  # plain signatures, and the project may have used either.
  set_property(TARGET ${target} APPEND PROPERTY LINK_LIBRARIES PicoCache::runtime)
  get_target_property(type ${target} TYPE)
  if(type STREQUAL "STATIC_LIBRARY" OR type STREQUAL "OBJECT_LIBRARY")
    # What target_link_libraries(PRIVATE) adds for a static library: its users link the runtime.
    set_property(TARGET ${target} APPEND PROPERTY INTERFACE_LINK_LIBRARIES "$<LINK_ONLY:PicoCache::runtime>")
  endif()
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
