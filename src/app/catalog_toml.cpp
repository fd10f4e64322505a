#include "app/catalog_toml.hpp"

#include <fmt/format.h>

#include <set>
#include <string>
#include <vector>

#include <toml++/toml.h>

namespace seatwise::app {
namespace {

// Reads the keys of one [[section]] entry, collecting a field error per bad key.
class EntryReader {
 public:
  EntryReader(const toml::table& table, std::string at, std::string where,
              std::vector<core::FieldError>& errors)
      : table_(table), at_(std::move(at)), where_(std::move(where)), errors_(errors) {}

  std::string String(std::string_view key, bool required) {
    seen_.insert(std::string(key));
    const toml::node* node = table_.get(key);
    if (node == nullptr) {
      if (required) Fail(key, "is required");
      return "";
    }
    if (auto value = node->value<std::string>()) return *value;
    Fail(key, "must be a string");
    return "";
  }

  std::vector<std::string> Strings(std::string_view key) {
    seen_.insert(std::string(key));
    std::vector<std::string> out;
    const toml::node* node = table_.get(key);
    if (node == nullptr) return out;
    const toml::array* array = node->as_array();
    if (array == nullptr) {
      Fail(key, "must be an array of strings");
      return out;
    }
    for (std::size_t i = 0; i < array->size(); ++i) {
      if (auto value = array->get(i)->value<std::string>()) {
        out.push_back(*value);
      } else {
        Fail(fmt::format("{}[{}]", key, i), "must be a string");
      }
    }
    return out;
  }

  // Keys of the entry nobody asked for are mistakes (a misspelt "prodcuts").
  void RejectUnknownKeys() {
    for (const auto& [key, node] : table_) {
      if (!seen_.contains(std::string(key.str()))) Fail(key.str(), "is not a known key");
    }
  }

 private:
  void Fail(std::string_view key, std::string_view message) {
    errors_.push_back({fmt::format("{}.{}", at_, key), fmt::format("{} ({})", message, where_)});
  }

  const toml::table& table_;
  std::string at_;
  std::string where_;
  std::vector<core::FieldError>& errors_;
  std::set<std::string> seen_;
};

// Calls `read` for each table of the array of tables `section`.
template <typename Read>
void ForEachEntry(const toml::table& root, std::string_view section, std::string_view path,
                  std::vector<core::FieldError>& errors, Read read) {
  const toml::node* node = root.get(section);
  if (node == nullptr) return;
  const toml::array* array = node->as_array();
  if (array == nullptr) {
    errors.push_back(
        {std::string(section), fmt::format("must be an array of tables ([[{}]])", section)});
    return;
  }
  for (std::size_t i = 0; i < array->size(); ++i) {
    const std::string at = fmt::format("{}[{}]", section, i);
    const toml::table* table = array->get(i)->as_table();
    if (table == nullptr) {
      errors.push_back({at, "must be a table"});
      continue;
    }
    EntryReader reader(*table, at, fmt::format("{}:{}", path, table->source().begin.line), errors);
    read(reader);
    reader.RejectUnknownKeys();
  }
}

}  // namespace

core::Result<service::CatalogFile> ParseCatalogToml(std::string_view text, std::string_view path) {
  toml::table root;
  try {
    root = toml::parse(text, path);
  } catch (const toml::parse_error& e) {
    const auto& where = e.source();
    return core::MakeError(
        core::ErrorCode::kInvalidArgument,
        fmt::format("{}:{}:{}: {}", path, where.begin.line, where.begin.column, e.description()));
  }
  std::vector<core::FieldError> errors;
  for (const auto& [key, node] : root) {
    const std::string name(key.str());
    if (name != "products" && name != "groups" && name != "collections" && name != "services") {
      errors.push_back({name, fmt::format("is not a catalog section ({}:{}); expected products, "
                                          "groups, collections or services",
                                          path, node.source().begin.line)});
    }
  }
  service::CatalogFile file;
  ForEachEntry(root, "products", path, errors, [&](EntryReader& read) {
    service::CatalogFile::Product p;
    p.code = read.String("code", true);
    p.name = read.String("name", true);
    p.release = read.String("release", false);
    p.description = read.String("description", false);
    file.products.push_back(std::move(p));
  });
  auto read_set = [&](std::vector<service::CatalogFile::ProductSet>& out) {
    return [&out](EntryReader& read) {
      service::CatalogFile::ProductSet set;
      set.code = read.String("code", true);
      set.name = read.String("name", true);
      set.products = read.Strings("products");
      out.push_back(std::move(set));
    };
  };
  ForEachEntry(root, "groups", path, errors, read_set(file.groups));
  ForEachEntry(root, "collections", path, errors, read_set(file.collections));
  ForEachEntry(root, "services", path, errors, [&](EntryReader& read) {
    service::CatalogFile::Service s;
    s.code = read.String("code", true);
    s.name = read.String("name", true);
    s.kind = read.String("kind", true);
    s.description = read.String("description", false);
    file.services.push_back(std::move(s));
  });
  if (!errors.empty()) {
    core::Error error =
        core::MakeError(core::ErrorCode::kInvalidArgument,
                        fmt::format("{}: {} {}", path, errors[0].field, errors[0].message));
    error.fields = std::move(errors);
    return error;
  }
  return file;
}

}  // namespace seatwise::app
