# add_lambda_opt_plugin(<name> <sources>... [LINK <libraries>...])
#
# Builds a lambda-opt pass plugin: a MODULE library <name>.so that exports
# lambdaOptGetPluginInfo() and links only the shared core library (never
# LLVM itself: the core already carries the LLVM code lambda-opt uses).
# Load it with `lambda-opt --load-pass-plugin=<name>.so`.
function(add_lambda_opt_plugin name)
  cmake_parse_arguments(ARG "" "" "LINK" ${ARGN})
  add_library(${name} MODULE ${ARG_UNPARSED_ARGUMENTS})
  target_compile_features(${name} PRIVATE cxx_std_17)
  target_compile_options(${name} PRIVATE -fno-exceptions)
  target_link_libraries(${name} PRIVATE ${LAMBDA_OPT_PLUGIN_CORE_TARGET}
    ${ARG_LINK})
  set_target_properties(${name} PROPERTIES PREFIX "")
endfunction()
