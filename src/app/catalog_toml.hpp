#pragma once
// Reads a catalog file in TOML ([[products]], [[groups]], [[collections]], [[services]]; see
// docs/examples/catalog.toml) into the plain service::CatalogFile.

#include <string_view>

#include "core/result.hpp"
#include "service/catalog_file.hpp"

namespace seatwise::app {

// kInvalidArgument for malformed TOML (with line and column) or entries of the wrong shape;
// field names are "products[2].code", messages name `path` and the line.
core::Result<service::CatalogFile> ParseCatalogToml(std::string_view text, std::string_view path);

}  // namespace seatwise::app
