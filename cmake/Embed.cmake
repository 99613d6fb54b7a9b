# occupancy_embed(<target> NAMESPACE <ns> FILES <f>...) compiles files into a static
# library exposing `std::span<const ns::EmbeddedFile> ns::files()`, so installed binaries
# need no data directory. Re-embeds when a file changes (configure dependency).
function(occupancy_embed target)
  cmake_parse_arguments(E "" "NAMESPACE;HEADER" "FILES" ${ARGN})
  set(out_dir ${CMAKE_CURRENT_BINARY_DIR}/${target}_embed)
  set(entries "")
  set(arrays "")
  set(i 0)
  foreach(f IN LISTS E_FILES)
    set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${f})
    file(READ ${f} hex HEX)
    string(LENGTH "${hex}" hexlen)
    math(EXPR size "${hexlen} / 2")
    string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
    get_filename_component(name ${f} NAME)
    string(APPEND arrays "static const char k${i}[] = {${bytes} 0};\n")
    string(APPEND entries "  EmbeddedFile{\"${name}\", std::string_view(k${i}, ${size})},\n")
    math(EXPR i "${i} + 1")
  endforeach()
  file(WRITE ${out_dir}/${E_HEADER}.hpp.tmp
"#pragma once\n#include <span>\n#include <string_view>\nnamespace ${E_NAMESPACE} {\n"
"struct EmbeddedFile { std::string_view name; std::string_view text; };\n"
"std::span<const EmbeddedFile> files();\n}\n")
  file(WRITE ${out_dir}/${E_HEADER}.cpp.tmp
"#include \"${E_HEADER}.hpp\"\n#include <array>\nnamespace ${E_NAMESPACE} {\n${arrays}"
"static const std::array<EmbeddedFile, ${i}> kFiles{{\n${entries}}};\n"
"std::span<const EmbeddedFile> files() { return kFiles; }\n}\n")
  foreach(ext hpp cpp)
    file(COPY_FILE ${out_dir}/${E_HEADER}.${ext}.tmp ${out_dir}/${E_HEADER}.${ext} ONLY_IF_DIFFERENT)
  endforeach()
  add_library(${target} STATIC ${out_dir}/${E_HEADER}.cpp)
  target_include_directories(${target} PUBLIC ${out_dir})
endfunction()
