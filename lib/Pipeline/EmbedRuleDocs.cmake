# Writes OUTPUT: one RULE_DOC("LOxxx", R"lodoc(...)lodoc") line per
# docs/rules/LOxxx.md file listed in DOCS (a |-separated list).
set(content "// Generated from docs/rules/*.md; do not edit.\n")
string(REPLACE "|" ";" docs "${DOCS}")
foreach(doc ${docs})
  get_filename_component(code ${doc} NAME_WE)
  file(READ ${doc} text)
  string(APPEND content "RULE_DOC(\"${code}\", R\"lodoc(${text})lodoc\")\n")
endforeach()
file(WRITE ${OUTPUT}.tmp "${content}")
execute_process(COMMAND ${CMAKE_COMMAND} -E copy_if_different
  ${OUTPUT}.tmp ${OUTPUT})
