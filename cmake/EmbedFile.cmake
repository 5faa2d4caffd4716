# Writes the bytes of INPUT to OUTPUT as a comma-separated C initializer list
# (0x42,0x43,...), 16 bytes a line, for
#   static const unsigned char kData[] = {
#   #include "file.inc"
#   };
# Usage: cmake -DINPUT=<file> -DOUTPUT=<file.inc> -P EmbedFile.cmake
if(NOT INPUT OR NOT OUTPUT)
  message(FATAL_ERROR "EmbedFile.cmake needs -DINPUT=... -DOUTPUT=...")
endif()

file(READ "${INPUT}" hex HEX)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
string(REPEAT "0x[0-9a-f][0-9a-f]," 16 line)
string(REGEX REPLACE "(${line})" "\\1\n" bytes "${bytes}")
# Write to a temporary name first so that an interrupted run leaves no
# truncated OUTPUT that looks up to date.
file(WRITE "${OUTPUT}.tmp" "${bytes}\n")
file(RENAME "${OUTPUT}.tmp" "${OUTPUT}")
