# Writes OUTPUT, a C++ source defining `std::string_view seatwise::http::FUNCTION()`
# that returns the bytes of INPUT. Run with: cmake -DINPUT=.. -DOUTPUT=.. -DFUNCTION=.. -P
file(READ "${INPUT}" hex HEX)
string(REGEX REPLACE "(................................)" "\\1\n" hex "${hex}")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
file(WRITE "${OUTPUT}.tmp"
     "// Generated from ${INPUT} at build time; do not edit.\n"
     "#include <string_view>\n\n"
     "namespace seatwise::http {\n"
     "namespace {\n"
     "constexpr unsigned char kData[] = {\n${bytes}0};\n"
     "}  // namespace\n\n"
     "std::string_view ${FUNCTION}() {\n"
     "  return {reinterpret_cast<const char*>(kData), sizeof(kData) - 1};\n"
     "}\n\n"
     "}  // namespace seatwise::http\n")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.tmp")
