# remediator_module(NAME DEPS ...): one static library per src/ folder, from every .cc in it
# (sub-folders included). The DEPS list is the allowed direction of dependencies; linking
# against anything else is a build error by design.
function(remediator_module name)
  cmake_parse_arguments(ARG "" "" "DEPS" ${ARGN})
  file(GLOB_RECURSE sources CONFIGURE_DEPENDS "${CMAKE_CURRENT_SOURCE_DIR}/*.cc")
  set(target remediator_${name})
  if(sources)
    add_library(${target} STATIC ${sources})
    target_include_directories(${target} PUBLIC ${CMAKE_SOURCE_DIR}/src ${CMAKE_BINARY_DIR}/src)
    target_compile_options(${target} PRIVATE ${REMEDIATOR_WARNINGS})
    target_link_libraries(${target} PUBLIC ${ARG_DEPS})
  else()
    add_library(${target} INTERFACE)
    target_include_directories(${target} INTERFACE ${CMAKE_SOURCE_DIR}/src ${CMAKE_BINARY_DIR}/src)
    target_link_libraries(${target} INTERFACE ${ARG_DEPS})
  endif()
endfunction()

# remediator_tests(NAME DEPS ...): one GoogleTest binary per tests/ folder from its *_test.cc.
function(remediator_tests name)
  cmake_parse_arguments(ARG "" "" "DEPS" ${ARGN})
  file(GLOB_RECURSE sources CONFIGURE_DEPENDS "${CMAKE_CURRENT_SOURCE_DIR}/*_test.cc")
  if(NOT sources)
    return()
  endif()
  set(target ${name}_tests)
  add_executable(${target} ${sources})
  target_compile_options(${target} PRIVATE ${REMEDIATOR_WARNINGS})
  target_include_directories(${target} PRIVATE ${CMAKE_SOURCE_DIR}/src ${CMAKE_SOURCE_DIR}/tests)
  target_compile_definitions(${target} PRIVATE
    REMEDIATOR_SHARED_DIR="${REMEDIATOR_SHARED_DIR}"
    REMEDIATOR_SOURCE_DIR="${CMAKE_SOURCE_DIR}"
    REMEDIATOR_BINARY="$<TARGET_FILE:remediator>")
  target_link_libraries(${target} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gmock GTest::gtest_main)
  gtest_discover_tests(${target} DISCOVERY_TIMEOUT 60 PROPERTIES LABELS ${name})
endfunction()
