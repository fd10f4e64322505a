#include "http/openapi.hpp"

#include <algorithm>

namespace seatwise::http {
namespace {

constexpr std::string_view kOperationKeys[] = {"get",     "put",  "post",  "delete",
                                               "options", "head", "patch", "trace"};

std::size_t Indent(std::string_view line) {
  std::size_t n = 0;
  while (n < line.size() && line[n] == ' ') ++n;
  return n;
}

// The key of a "key:" or "key: value" line, unquoted; empty if the line has none.
std::string_view KeyOf(std::string_view line) {
  line.remove_prefix(Indent(line));
  std::size_t colon = std::string_view::npos;
  if (!line.empty() && (line.front() == '"' || line.front() == '\'')) {
    std::size_t close = line.find(line.front(), 1);
    if (close == std::string_view::npos) return {};
    if (close + 1 < line.size() && line[close + 1] == ':') return line.substr(1, close - 1);
    return {};
  }
  colon = line.find(':');
  if (colon == std::string_view::npos) return {};
  if (colon + 1 < line.size() && line[colon + 1] != ' ') return {};
  return line.substr(0, colon);
}

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
  }
  return out;
}

}  // namespace

std::vector<SpecOperation> ParseSpecOperations(std::string_view yaml) {
  std::vector<SpecOperation> operations;
  bool in_paths = false;
  std::size_t path_indent = 0;  // indent of path keys, learned from the first one
  std::size_t method_indent = 0;
  std::string current_path;
  while (!yaml.empty()) {
    std::size_t eol = yaml.find('\n');
    std::string_view line = yaml.substr(0, eol);
    yaml.remove_prefix(eol == std::string_view::npos ? yaml.size() : eol + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    std::size_t indent = Indent(line);
    if (indent == line.size() || line[indent] == '#') continue;  // blank or comment
    if (indent == 0) {
      in_paths = KeyOf(line) == "paths";
      path_indent = 0;
      current_path.clear();
      continue;
    }
    if (!in_paths) continue;
    std::string_view key = KeyOf(line);
    if (path_indent == 0) path_indent = indent;
    if (indent == path_indent) {
      current_path = (!key.empty() && key.front() == '/') ? std::string(key) : std::string();
      method_indent = 0;
      continue;
    }
    if (current_path.empty() || indent < path_indent) continue;
    if (method_indent == 0) method_indent = indent;
    if (indent != method_indent) continue;
    if (std::find(std::begin(kOperationKeys), std::end(kOperationKeys), key) !=
        std::end(kOperationKeys)) {
      operations.push_back({Upper(key), current_path});
    }
  }
  return operations;
}

std::vector<std::string> CompareSpecWithRoutes(std::string_view yaml,
                                               const std::vector<Route>& routes) {
  std::vector<SpecOperation> spec = ParseSpecOperations(yaml);
  std::vector<SpecOperation> served;
  for (const Route& route : routes) {
    served.push_back({std::string(MethodName(route.method)), route.path_template});
  }
  std::vector<std::string> problems;
  for (const auto& op : served) {
    if (std::find(spec.begin(), spec.end(), op) == spec.end()) {
      problems.push_back("route " + op.method + " " + op.path + " is not in the spec");
    }
  }
  for (const auto& op : spec) {
    if (std::find(served.begin(), served.end(), op) == served.end()) {
      problems.push_back("spec operation " + op.method + " " + op.path + " has no route");
    }
  }
  return problems;
}

}  // namespace seatwise::http
