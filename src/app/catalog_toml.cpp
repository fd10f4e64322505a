#include "app/catalog_toml.hpp"

#include <fmt/format.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <toml++/toml.h>

#include "http/api.hpp"

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

  // A TOML offset date-time (released_at = 2027-04-01T00:00:00Z) or an RFC 3339 string.
  std::optional<core::TimePoint> Time(std::string_view key) {
    seen_.insert(std::string(key));
    const toml::node* node = table_.get(key);
    if (node == nullptr) return std::nullopt;
    if (const auto* value = node->as_date_time()) {
      const toml::date_time& dt = value->get();
      if (!dt.offset) {
        Fail(key, "must have a time zone, like 2027-04-01T00:00:00Z");
        return std::nullopt;
      }
      using namespace std::chrono;  // NOLINT(google-build-using-namespace)
      const sys_days date = year{dt.date.year} / month{dt.date.month} / day{dt.date.day};
      const auto at = date + hours{dt.time.hour} + minutes{dt.time.minute} +
                      seconds{dt.time.second} + nanoseconds{dt.time.nanosecond} -
                      minutes{dt.offset->minutes};
      return floor<milliseconds>(at);
    }
    if (auto text = node->value<std::string>()) {
      if (auto at = http::ParseTime(*text)) return at;
    }
    Fail(key, "must be a date-time like 2027-04-01T00:00:00Z");
    return std::nullopt;
  }

  std::optional<std::int64_t> Int(std::string_view key) {
    seen_.insert(std::string(key));
    const toml::node* node = table_.get(key);
    if (node == nullptr) return std::nullopt;
    if (const auto* value = node->as_integer()) return value->get();
    Fail(key, "must be an integer");
    return std::nullopt;
  }

  // Calls `read(reader, at)` for each table of the array of tables `key`
  // ([[products.releases]] under a product).
  template <typename Read>
  void ForEachTable(std::string_view key, Read read) {
    seen_.insert(std::string(key));
    const toml::node* node = table_.get(key);
    if (node == nullptr) return;
    const toml::array* array = node->as_array();
    if (array == nullptr) {
      Fail(key, "must be an array of tables");
      return;
    }
    const std::string path = where_.substr(0, where_.rfind(':'));
    for (std::size_t i = 0; i < array->size(); ++i) {
      const std::string at = fmt::format("{}.{}[{}]", at_, key, i);
      const toml::table* table = array->get(i)->as_table();
      if (table == nullptr) {
        errors_.push_back({at, "must be a table"});
        continue;
      }
      EntryReader reader(*table, at, fmt::format("{}:{}", path, table->source().begin.line),
                         errors_);
      read(reader, at);
      reader.RejectUnknownKeys();
    }
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
    read.ForEachTable("releases", [&](EntryReader& entry, const std::string& at) {
      service::CatalogFile::Release release;
      release.product = p.code;
      release.at = at;
      service::ReleaseRequest& r = release.release;
      r.version = entry.String("version", false);
      r.kind = entry.String("kind", false);
      r.title = entry.String("title", false);
      r.released_at = entry.Time("released_at");
      r.download_url = entry.String("download_url", false);
      r.sha256 = entry.String("sha256", false);
      r.size_bytes = entry.Int("size_bytes");
      r.notes = entry.String("notes", false);
      file.releases.push_back(std::move(release));
    });
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
