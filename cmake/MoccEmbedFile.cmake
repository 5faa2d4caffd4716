# mocc_embed_file(FILE): a build rule writing FILE.inc, FILE's bytes as a C
# initializer list (cmake/EmbedFile.cmake), for mocc to embed with
#   static const unsigned char kData[] = {
#   #include "FILE.inc"
#   };
function(mocc_embed_file file)
  get_filename_component(name ${file} NAME)
  add_custom_command(OUTPUT ${file}.inc
    COMMAND ${CMAKE_COMMAND} -DINPUT=${file} -DOUTPUT=${file}.inc
            -P ${PROJECT_SOURCE_DIR}/cmake/EmbedFile.cmake
    DEPENDS ${file} ${PROJECT_SOURCE_DIR}/cmake/EmbedFile.cmake
    COMMENT "Embedding ${name}"
    VERBATIM)
endfunction()
