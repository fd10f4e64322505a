# Turns every MIGRATIONS_DIR/<backend>/NNNN_name.sql into a raw string literal of OUTPUT, a .cpp
# defining store::MigrationScripts(). Run as a build step (cmake -P), so editing a .sql file
# rebuilds the library.
cmake_minimum_required(VERSION 3.25)

set(delimiter "seatwise_sql")
set(body "")

foreach(backend sqlite postgres)
  file(GLOB files "${MIGRATIONS_DIR}/${backend}/*.sql")
  list(SORT files)
  list(LENGTH files count)
  string(APPEND body "constexpr std::array<MigrationScript, ${count}> k_${backend} = {{\n")
  foreach(file IN LISTS files)
    get_filename_component(stem "${file}" NAME_WE)
    if(NOT stem MATCHES "^([0-9][0-9][0-9][0-9])_([a-z0-9_]+)$")
      message(FATAL_ERROR "migration ${file}: the name must be NNNN_snake_case.sql")
    endif()
    math(EXPR version "${CMAKE_MATCH_1}")
    set(name "${CMAKE_MATCH_2}")
    file(READ "${file}" sql)
    string(FIND "${sql}" ")${delimiter}\"" clash)
    if(NOT clash EQUAL -1)
      message(FATAL_ERROR "migration ${file} contains the raw-string delimiter")
    endif()
    string(APPEND body "    {${version}, \"${name}\", R\"${delimiter}(${sql})${delimiter}\"},\n")
  endforeach()
  string(APPEND body "}};\n\n")
endforeach()

set(content "// Generated from src/store/migrations by embed_migrations.cmake; do not edit.
#include <array>

#include \"store/migration_scripts.hpp\"

namespace seatwise::store {
namespace {

${body}}  // namespace

std::span<const MigrationScript> MigrationScripts(Backend backend) {
  switch (backend) {
    case Backend::kSqlite:
      return k_sqlite;
    case Backend::kPostgres:
      return k_postgres;
  }
  return {};
}

}  // namespace seatwise::store
")

# Rewrite only on change so an unrelated rebuild does not recompile the scripts.
if(EXISTS "${OUTPUT}")
  file(READ "${OUTPUT}" previous)
  if(previous STREQUAL content)
    return()
  endif()
endif()
file(WRITE "${OUTPUT}" "${content}")
