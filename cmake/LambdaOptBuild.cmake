# Shared build settings for lambda-opt components.

set(LAMBDA_OPT_WARNING_FLAGS -Wall -Wextra -Wno-unused-parameter
  -Wimplicit-fallthrough -Wnon-virtual-dtor -Wdelete-non-virtual-dtor)

# LLVM's coding standards: no exceptions. Debian's LLVM keeps RTTI on, and so
# do we, so that typeinfo of LLVM classes we derive from links.
set(LAMBDA_OPT_CXX_FLAGS -fno-exceptions)

# Every library component is an OBJECT library folded into the shared core
# library (libLambdaOptCore.so), which is what the tool and plugins link.
set_property(GLOBAL PROPERTY LAMBDA_OPT_COMPONENTS "")

function(add_lambda_opt_component name)
  cmake_parse_arguments(ARG "" "" "LINK" ${ARGN})
  add_library(LambdaOpt${name} OBJECT ${ARG_UNPARSED_ARGUMENTS})
  target_compile_options(LambdaOpt${name} PRIVATE
    $<$<COMPILE_LANGUAGE:CXX>:${LAMBDA_OPT_WARNING_FLAGS} ${LAMBDA_OPT_CXX_FLAGS}>)
  target_include_directories(LambdaOpt${name} PUBLIC
    $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include>)
  if(ARG_LINK)
    target_link_libraries(LambdaOpt${name} PUBLIC ${ARG_LINK})
  endif()
  set_property(GLOBAL APPEND PROPERTY LAMBDA_OPT_COMPONENTS LambdaOpt${name})
endfunction()

# A GoogleTest executable registered with ctest. COMPONENTS lists the object
# libraries it needs (their link dependencies come along).
function(add_lambda_opt_unittest name)
  cmake_parse_arguments(ARG "" "" "COMPONENTS;LINK" ${ARGN})
  add_executable(${name} ${ARG_UNPARSED_ARGUMENTS})
  target_compile_options(${name} PRIVATE ${LAMBDA_OPT_WARNING_FLAGS})
  foreach(c ${ARG_COMPONENTS})
    target_link_libraries(${name} PRIVATE LambdaOpt${c})
  endforeach()
  target_link_libraries(${name} PRIVATE ${ARG_LINK} GTest::gtest_main LLVM
    Threads::Threads)
  add_test(NAME unit/${name} COMMAND ${name} --gtest_brief=1)
  add_dependencies(lambda-opt-unittests ${name})
endfunction()
