# socle_embed_files(OUTPUT <file.cc> NAMESPACE <ns> FILES <f>...): generates a C++ source that
# holds the bytes of each file, so a program (the `socle demo`) carries its data with it.
# Each file becomes an entry {name, bytes} of `<ns>::kEmbeddedFiles`.
function(socle_embed_files)
  cmake_parse_arguments(ARG "" "OUTPUT;NAMESPACE;BASE_DIR" "FILES" ${ARGN})
  add_custom_command(
    OUTPUT ${ARG_OUTPUT}
    COMMAND ${CMAKE_COMMAND} -DOUTPUT=${ARG_OUTPUT} -DNAMESPACE=${ARG_NAMESPACE}
            -DBASE_DIR=${ARG_BASE_DIR} "-DFILES=${ARG_FILES}"
            -P ${PROJECT_SOURCE_DIR}/cmake/socleEmbedScript.cmake
    DEPENDS ${ARG_FILES} ${PROJECT_SOURCE_DIR}/cmake/socleEmbedScript.cmake
    COMMENT "Embedding ${ARG_NAMESPACE} files"
    VERBATIM)
endfunction()
