include(CTest)
include(${Catch2_DIR}/Catch.cmake)

# occupancy_unit_test(<name> SOURCES ... LIBS ...): a Catch2 binary whose test cases
# become CTest tests labelled `unit` (no broker, no database).
function(occupancy_unit_test name)
  cmake_parse_arguments(T "" "" "SOURCES;LIBS" ${ARGN})
  add_executable(${name} ${T_SOURCES})
  target_link_libraries(${name} PRIVATE ${T_LIBS} Catch2::Catch2WithMain rapidjson)
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR}/tests/support)
  target_compile_definitions(${name} PRIVATE OCCUPANCY_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
  set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
  catch_discover_tests(${name} TEST_PREFIX "${name}: " EXTRA_ARGS -w NoTests PROPERTIES LABELS unit)
endfunction()

# occupancy_data_test(<name> SOURCES ... LIBS ...): tests on the real recorded data in
# ../shared/data (OCCUPANCY_SHARED_DATA overrides). Where it is absent (a user's fresh clone)
# the binary prints why and exits 77, which ctest reports as skipped.
# They are not built under the sanitizers: CI's sanitized run leaves them to the plain build.
# Their main() (Catch2's runner: half a minute to compile) is compiled once for all of them.
if(NOT OCCUPANCY_SANITIZE)
  add_library(occupancy_data_test_main OBJECT ${PROJECT_SOURCE_DIR}/tests/support/data_test_main.cpp)
  target_link_libraries(occupancy_data_test_main PUBLIC Catch2::Catch2)
  target_compile_definitions(occupancy_data_test_main
                             PRIVATE OCCUPANCY_SHARED_DATA_DEFAULT="${PROJECT_SOURCE_DIR}/../shared/data")
endif()
function(occupancy_data_test name)
  if(OCCUPANCY_SANITIZE)
    return()
  endif()
  cmake_parse_arguments(T "" "" "SOURCES;LIBS" ${ARGN})
  add_executable(${name} ${T_SOURCES})
  target_link_libraries(${name} PRIVATE ${T_LIBS} occupancy_data_test_main Catch2::Catch2)
  target_compile_definitions(${name} PRIVATE OCCUPANCY_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
  set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
  add_test(NAME "${name}: on ../shared/data" COMMAND ${name})
  set_tests_properties("${name}: on ../shared/data" PROPERTIES LABELS unit SKIP_RETURN_CODE 77)
endfunction()
