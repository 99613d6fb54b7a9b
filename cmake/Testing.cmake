include(CTest)
include(${Catch2_DIR}/Catch.cmake)

# occupancy_unit_test(<name> SOURCES ... LIBS ...): a Catch2 binary whose test cases
# become CTest tests labelled `unit` (no broker, no database).
function(occupancy_unit_test name)
  cmake_parse_arguments(T "" "" "SOURCES;LIBS" ${ARGN})
  add_executable(${name} ${T_SOURCES})
  target_link_libraries(${name} PRIVATE ${T_LIBS} Catch2::Catch2WithMain)
  set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
  catch_discover_tests(${name} TEST_PREFIX "${name}: " PROPERTIES LABELS unit)
endfunction()
