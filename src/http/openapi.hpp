#pragma once
// The OpenAPI description compiled into the binary, and a check that it lists exactly
// the routes the router serves.

#include <string>
#include <string_view>
#include <vector>

#include "http/router.hpp"

namespace seatwise::http {

// api/openapi.yaml as it was at build time.
std::string_view EmbeddedOpenApiSpec();

// One operation of the spec: an upper-case method and a path template.
struct SpecOperation {
  std::string method;
  std::string path;
  friend bool operator==(const SpecOperation&, const SpecOperation&) = default;
};

// The operations under the top-level `paths:` key of an OpenAPI YAML document. Reads
// the block layout the spec is written in (path keys one level in, methods one deeper);
// flow style and anchors are not supported.
std::vector<SpecOperation> ParseSpecOperations(std::string_view yaml);

// One line per disagreement: "route GET /x is not in the spec" or
// "spec operation GET /y has no route". Empty when they agree.
std::vector<std::string> CompareSpecWithRoutes(std::string_view yaml,
                                               const std::vector<Route>& routes);

}  // namespace seatwise::http
