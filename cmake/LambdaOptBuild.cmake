# Shared build settings for lambda-opt components.

set(LAMBDA_OPT_WARNING_FLAGS -Wall -Wextra -Wno-unused-parameter
  -Wimplicit-fallthrough -Wnon-virtual-dtor -Wdelete-non-virtual-dtor)

# LLVM's coding standards: no exceptions. Debian's LLVM keeps RTTI on, and so
# do we, so that typeinfo of LLVM classes we derive from links.
set(LAMBDA_OPT_CXX_FLAGS -fno-exceptions)

# Every library component is an OBJECT library folded into the shared core
# library (libLambdaOptCore.so), which is what the tool and plugins link.
# Each declares in LINK the components it uses (utils/component-graph.py
# --check compares that with its includes; the include graph has no cycle).
set_property(GLOBAL PROPERTY LAMBDA_OPT_COMPONENTS "")

# While a component is being written its CMakeLists.txt may name files that
# do not exist yet; with LAMBDA_OPT_TOLERATE_MISSING such files are skipped.
option(LAMBDA_OPT_TOLERATE_MISSING "Skip missing component sources" ON)
function(lambda_opt_existing_sources out)
  set(result "")
  foreach(f ${ARGN})
    if(NOT LAMBDA_OPT_TOLERATE_MISSING OR EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/${f})
      list(APPEND result ${f})
    endif()
  endforeach()
  set(${out} ${result} PARENT_SCOPE)
endfunction()

# A component marked MODULE is not folded into the core: it becomes
# lib<LambdaOptName>.so, loaded on first use (include/lambda-opt/Support/Module.h).
set_property(GLOBAL PROPERTY LAMBDA_OPT_MODULES "")

function(add_lambda_opt_component name)
  cmake_parse_arguments(ARG "MODULE" "" "LINK" ${ARGN})
  lambda_opt_existing_sources(sources ${ARG_UNPARSED_ARGUMENTS})
  if(NOT sources)
    message(STATUS "lambda-opt: component ${name} has no sources yet")
    return()
  endif()
  add_library(LambdaOpt${name} OBJECT ${sources})
  target_compile_options(LambdaOpt${name} PRIVATE
    $<$<COMPILE_LANGUAGE:CXX>:${LAMBDA_OPT_WARNING_FLAGS} ${LAMBDA_OPT_CXX_FLAGS}>)
  # A component sees its own headers and those of the components it links
  # (through their usage requirements), never the whole include/ tree: an
  # include of a component it does not declare in LINK, such as a lower
  # layer reaching up, does not compile.
  get_filename_component(folder ${CMAKE_CURRENT_SOURCE_DIR} NAME)
  set(view ${PROJECT_BINARY_DIR}/include-views/${folder})
  set(headers ${PROJECT_SOURCE_DIR}/include/lambda-opt/${folder})
  if(EXISTS ${headers} AND NOT EXISTS ${view}/lambda-opt/${folder})
    file(MAKE_DIRECTORY ${view}/lambda-opt)
    file(CREATE_LINK ${headers} ${view}/lambda-opt/${folder} SYMBOLIC)
  endif()
  file(MAKE_DIRECTORY ${view})
  target_include_directories(LambdaOpt${name} PUBLIC $<BUILD_INTERFACE:${view}>)
  if(ARG_LINK)
    target_link_libraries(LambdaOpt${name} PUBLIC ${ARG_LINK})
  endif()
  if(ARG_MODULE)
    set_property(GLOBAL APPEND PROPERTY LAMBDA_OPT_MODULES LambdaOpt${name})
  else()
    set_property(GLOBAL APPEND PROPERTY LAMBDA_OPT_COMPONENTS LambdaOpt${name})
  endif()
endfunction()

# A GoogleTest executable registered with ctest. COMPONENTS lists the object
# libraries it needs (their link dependencies come along).
function(add_lambda_opt_unittest name)
  cmake_parse_arguments(ARG "" "" "COMPONENTS;LINK" ${ARGN})
  # Every component builds on Support.
  if(NOT "Support" IN_LIST ARG_COMPONENTS)
    list(APPEND ARG_COMPONENTS Support)
  endif()
  lambda_opt_existing_sources(sources ${ARG_UNPARSED_ARGUMENTS})
  foreach(c ${ARG_COMPONENTS})
    if(NOT TARGET LambdaOpt${c} AND LAMBDA_OPT_TOLERATE_MISSING)
      set(sources "")
    endif()
  endforeach()
  if(NOT sources)
    message(STATUS "lambda-opt: unit test ${name} is not ready")
    return()
  endif()
  add_executable(${name} ${sources})
  target_compile_options(${name} PRIVATE ${LAMBDA_OPT_WARNING_FLAGS})
  foreach(c ${ARG_COMPONENTS})
    target_link_libraries(${name} PRIVATE LambdaOpt${c})
  endforeach()
  target_link_libraries(${name} PRIVATE ${ARG_LINK} GTest::gtest_main LLVM
    Threads::Threads)
  # Shared fixtures: unittests/Common.
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR}/unittests)
  # Modules linked into a test are found in the process (Support/Module.h).
  set_target_properties(${name} PROPERTIES ENABLE_EXPORTS ON)
  add_test(NAME unit/${name} COMMAND ${name} --gtest_brief=1)
  add_dependencies(lambda-opt-unittests ${name})
endfunction()
