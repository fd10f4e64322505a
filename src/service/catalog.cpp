#include "service/catalog.hpp"

#include <algorithm>
#include <functional>
#include <map>
#include <set>

#include "core/roles.hpp"
#include "service/audit.hpp"
#include "service/authorizer.hpp"
#include "service/json_writer.hpp"

namespace seatwise::service {
namespace {

using core::ErrorCode;
using core::FieldError;
using core::Result;

constexpr std::size_t kCodeMin = 2;
constexpr std::size_t kCodeMax = 20;
constexpr std::size_t kNameMax = 200;
constexpr std::size_t kReleaseMax = 50;
constexpr std::size_t kDescriptionMax = 4000;

// ---------------------------------------------------------------------------------------
// Validation

void CheckCode(const std::string& code, const std::string& field, std::vector<FieldError>& out) {
  const bool chars_ok = std::all_of(code.begin(), code.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
  });
  if (code.size() < kCodeMin || code.size() > kCodeMax || !chars_ok) {
    out.push_back({field, "must be 2 to 20 characters of A-Z, 0-9 and -"});
  }
}

void CheckText(const std::string& text, const std::string& field, std::size_t min, std::size_t max,
               std::vector<FieldError>& out) {
  if (text.size() < min || text.size() > max) {
    out.push_back({field, min > 0 ? "must be " + std::to_string(min) + " to " +
                                        std::to_string(max) + " characters"
                                  : "must be at most " + std::to_string(max) + " characters"});
  }
}

void CheckKind(const std::string& kind, const std::string& field, std::vector<FieldError>& out) {
  if (!core::ParseEnum<core::ServiceKind>(kind)) {
    out.push_back({field, "must be cloud, support or other"});
  }
}

// ---------------------------------------------------------------------------------------
// Access

// ---------------------------------------------------------------------------------------
// Audit views

std::string ProductJson(const core::Product& p) {
  JsonWriter w;
  w.BeginObject()
      .Key("id")
      .String(p.id)
      .Key("code")
      .String(p.code)
      .Key("name")
      .String(p.name)
      .Key("release")
      .String(p.release)
      .Key("description")
      .String(p.description)
      .Key("retired")
      .Bool(p.retired)
      .EndObject();
  return w.str();
}

template <typename T>
std::string SetJson(const T& set) {
  JsonWriter w;
  w.BeginObject().Key("id").String(set.id).Key("code").String(set.code).Key("name").String(
      set.name);
  w.Key("product_ids").BeginArray();
  for (const auto& id : set.product_ids) w.String(id);
  w.EndArray().EndObject();
  return w.str();
}

std::string ServiceJson(const core::Service& s) {
  JsonWriter w;
  w.BeginObject()
      .Key("id")
      .String(s.id)
      .Key("code")
      .String(s.code)
      .Key("name")
      .String(s.name)
      .Key("kind")
      .String(core::EnumName(s.kind))
      .Key("description")
      .String(s.description)
      .EndObject();
  return w.str();
}

AuditRecord Record(std::string action, std::string target_type, std::string target_id) {
  AuditRecord record;
  record.action = std::move(action);
  record.target_type = std::move(target_type);
  record.target_id = std::move(target_id);
  return record;
}

Result<void> AuditChange(store::Tx& tx, const Deps& deps, const Caller& caller, AuditRecord record,
                         const std::string& role, std::optional<std::string> before,
                         std::optional<std::string> after, std::string detail) {
  record.actor_role = role;
  record.before_json = std::move(before);
  record.after_json = std::move(after);
  record.detail = std::move(detail);
  return Audit(tx, deps, caller, record);
}

// ---------------------------------------------------------------------------------------
// Groups and collections share a shape; these traits pick the repository calls and names.

template <typename T>
struct SetTraits;

template <>
struct SetTraits<core::ProductGroup> {
  static constexpr std::string_view kType = "product_group";
  static constexpr std::string_view kLabel = "product group";
  static Result<core::ProductGroup> Create(store::CatalogRepository& r, store::Tx& tx,
                                           core::ProductGroup set) {
    return r.CreateProductGroup(tx, std::move(set));
  }
  static Result<core::ProductGroup> Get(store::CatalogRepository& r, store::Tx& tx,
                                        const std::string& id) {
    return r.GetProductGroup(tx, id);
  }
  static Result<std::optional<core::ProductGroup>> Find(store::CatalogRepository& r, store::Tx& tx,
                                                        const std::string& code) {
    return r.FindProductGroupByCode(tx, code);
  }
  static Result<void> Update(store::CatalogRepository& r, store::Tx& tx,
                             const core::ProductGroup& set) {
    SW_RETURN_IF_ERROR(r.UpdateProductGroup(tx, set));
    return r.SetProductGroupMembers(tx, set.id, set.product_ids, set.updated_at);
  }
  static Result<std::vector<core::ProductGroup>> List(store::CatalogRepository& r, store::Tx& tx) {
    return r.ListProductGroups(tx);
  }
};

template <>
struct SetTraits<core::Collection> {
  static constexpr std::string_view kType = "collection";
  static constexpr std::string_view kLabel = "collection";
  static Result<core::Collection> Create(store::CatalogRepository& r, store::Tx& tx,
                                         core::Collection set) {
    return r.CreateCollection(tx, std::move(set));
  }
  static Result<core::Collection> Get(store::CatalogRepository& r, store::Tx& tx,
                                      const std::string& id) {
    return r.GetCollection(tx, id);
  }
  static Result<std::optional<core::Collection>> Find(store::CatalogRepository& r, store::Tx& tx,
                                                      const std::string& code) {
    return r.FindCollectionByCode(tx, code);
  }
  static Result<void> Update(store::CatalogRepository& r, store::Tx& tx,
                             const core::Collection& set) {
    SW_RETURN_IF_ERROR(r.UpdateCollection(tx, set));
    return r.SetCollectionMembers(tx, set.id, set.product_ids, set.updated_at);
  }
  static Result<std::vector<core::Collection>> List(store::CatalogRepository& r, store::Tx& tx) {
    return r.ListCollections(tx);
  }
};

void CheckSetFields(const ProductSetChange& change, std::vector<FieldError>& out) {
  CheckCode(change.code, "code", out);
  CheckText(change.name, "name", 1, kNameMax, out);
}

// Field errors for product ids that name no product, or name one twice.
Result<void> CheckMembers(store::Tx& tx, const Deps& deps, const std::vector<std::string>& ids) {
  std::vector<FieldError> errors;
  std::set<std::string> seen;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    const std::string field = "product_ids[" + std::to_string(i) + "]";
    if (!seen.insert(ids[i]).second) {
      errors.push_back({field, "product " + ids[i] + " is listed twice"});
      continue;
    }
    auto product = deps.repos.catalog->GetProduct(tx, ids[i]);
    if (!product.ok()) {
      if (product.error().code != ErrorCode::kNotFound) return std::move(product).error();
      errors.push_back({field, "no product has the id " + ids[i]});
    }
  }
  return core::FieldsValid(std::move(errors));
}

Result<void> CodeTaken(std::string_view label, const std::string& code, const std::string& id) {
  return core::MakeError(ErrorCode::kAlreadyExists,
                         std::string(label) + " code " + code + " is already used by " + id);
}

template <typename T>
Result<T> CreateSet(const Deps& deps, const Caller& caller, const ProductSetChange& change) {
  using Traits = SetTraits<T>;
  std::vector<FieldError> errors;
  CheckSetFields(change, errors);
  SW_RETURN_IF_ERROR(core::FieldsValid(std::move(errors)));
  const std::string type(Traits::kType);
  AuditRecord record = Record("catalog." + type + ".create", type, change.code);
  return RunAudited<T>(deps, caller, record, [&](store::Tx& tx) -> Result<T> {
    SW_ASSIGN_OR_RETURN(std::string role, AuthorizeCatalogChange(tx, deps, caller));
    SW_RETURN_IF_ERROR(CheckMembers(tx, deps, change.product_ids));
    auto& repo = *deps.repos.catalog;
    SW_ASSIGN_OR_RETURN(auto existing, Traits::Find(repo, tx, change.code));
    if (existing) return CodeTaken(Traits::kLabel, change.code, existing->id).error();
    T set;
    set.code = change.code;
    set.name = change.name;
    set.product_ids = change.product_ids;
    set.created_at = set.updated_at = deps.clock.Now();
    SW_ASSIGN_OR_RETURN(set, Traits::Create(repo, tx, std::move(set)));
    AuditRecord done = record;
    done.target_id = set.id;
    SW_RETURN_IF_ERROR(AuditChange(tx, deps, caller, done, role, std::nullopt, SetJson(set),
                                   std::string(Traits::kLabel) + " " + set.code + " created"));
    return set;
  });
}

template <typename T>
Result<T> ReplaceSet(const Deps& deps, const Caller& caller, const std::string& id,
                     const ProductSetChange& change) {
  using Traits = SetTraits<T>;
  std::vector<FieldError> errors;
  CheckSetFields(change, errors);
  SW_RETURN_IF_ERROR(core::FieldsValid(std::move(errors)));
  const std::string type(Traits::kType);
  AuditRecord record = Record("catalog." + type + ".update", type, id);
  return RunAudited<T>(deps, caller, record, [&](store::Tx& tx) -> Result<T> {
    SW_ASSIGN_OR_RETURN(std::string role, AuthorizeCatalogChange(tx, deps, caller));
    auto& repo = *deps.repos.catalog;
    SW_ASSIGN_OR_RETURN(T set, Traits::Get(repo, tx, id));
    SW_RETURN_IF_ERROR(CheckMembers(tx, deps, change.product_ids));
    if (change.code != set.code) {
      SW_ASSIGN_OR_RETURN(auto existing, Traits::Find(repo, tx, change.code));
      if (existing) return CodeTaken(Traits::kLabel, change.code, existing->id).error();
    }
    if (set.code == change.code && set.name == change.name &&
        set.product_ids == change.product_ids) {
      return set;
    }
    const std::string before = SetJson(set);
    set.code = change.code;
    set.name = change.name;
    set.product_ids = change.product_ids;
    set.updated_at = deps.clock.Now();
    SW_RETURN_IF_ERROR(Traits::Update(repo, tx, set));
    SW_RETURN_IF_ERROR(AuditChange(tx, deps, caller, record, role, before, SetJson(set),
                                   std::string(Traits::kLabel) + " " + set.code + " updated"));
    return set;
  });
}

template <typename T>
Result<T> GetSet(const Deps& deps, const Caller& caller, const std::string& id) {
  SW_RETURN_IF_ERROR(RequireCatalogReader(caller));
  return deps.db.Transact<T>(store::TxMode::kRead, [&](store::Tx& tx) {
    return SetTraits<T>::Get(*deps.repos.catalog, tx, id);
  });
}

// One page of a list ordered by code, after the code `page.after`.
template <typename T>
store::Page<T> PageByCode(std::vector<T> all, const store::PageRequest& page) {
  const auto limit = static_cast<std::size_t>(std::clamp(page.limit, 1, store::kMaxPageSize));
  std::sort(all.begin(), all.end(), [](const T& a, const T& b) { return a.code < b.code; });
  store::Page<T> out;
  for (auto& item : all) {
    if (!page.after.empty() && item.code <= page.after) continue;
    if (out.items.size() == limit) {
      out.next_after = out.items.back().code;
      break;
    }
    out.items.push_back(std::move(item));
  }
  return out;
}

template <typename T>
Result<store::Page<T>> ListSets(const Deps& deps, const Caller& caller,
                                const store::PageRequest& page) {
  SW_RETURN_IF_ERROR(RequireCatalogReader(caller));
  return deps.db.Transact<store::Page<T>>(
      store::TxMode::kRead, [&](store::Tx& tx) -> Result<store::Page<T>> {
        SW_ASSIGN_OR_RETURN(auto all, SetTraits<T>::List(*deps.repos.catalog, tx));
        return PageByCode(std::move(all), page);
      });
}

void CheckProductFields(const ProductChange& change, std::vector<FieldError>& out) {
  if (change.code) CheckCode(*change.code, "code", out);
  if (change.name) CheckText(*change.name, "name", 1, kNameMax, out);
  if (change.release) CheckText(*change.release, "release", 0, kReleaseMax, out);
  if (change.description) CheckText(*change.description, "description", 0, kDescriptionMax, out);
}

// ---------------------------------------------------------------------------------------
// Import

// Counts one entry of the report.
void Count(ImportReport& report, ImportItem item) {
  switch (item.outcome) {
    case ImportOutcome::kCreated:
      ++report.created;
      break;
    case ImportOutcome::kUpdated:
      ++report.updated;
      break;
    case ImportOutcome::kUnchanged:
      ++report.unchanged;
      break;
  }
  report.items.push_back(std::move(item));
}

// Field errors of the file itself, before anything is read or written.
std::vector<FieldError> CheckFile(const CatalogFile& file) {
  std::vector<FieldError> errors;
  auto unique = [&errors](std::set<std::string>& seen, const std::string& code,
                          const std::string& field) {
    if (!code.empty() && !seen.insert(code).second) {
      errors.push_back({field, "code " + code + " appears twice in the file"});
    }
  };
  std::set<std::string> seen;
  for (std::size_t i = 0; i < file.products.size(); ++i) {
    const auto& p = file.products[i];
    const std::string at = "products[" + std::to_string(i) + "]";
    CheckCode(p.code, at + ".code", errors);
    CheckText(p.name, at + ".name", 1, kNameMax, errors);
    CheckText(p.release, at + ".release", 0, kReleaseMax, errors);
    CheckText(p.description, at + ".description", 0, kDescriptionMax, errors);
    unique(seen, p.code, at + ".code");
  }
  std::set<std::pair<std::string, std::string>> versions;
  for (const auto& r : file.releases) {
    ReleaseRequest release = r.release;
    for (auto& e : ValidateRelease(release)) errors.push_back({r.at + "." + e.field, e.message});
    if (!release.version.empty() && !versions.insert({r.product, release.version}).second) {
      errors.push_back({r.at + ".version",
                        "version " + release.version + " appears twice for product " + r.product});
    }
  }
  auto check_sets = [&](const std::vector<CatalogFile::ProductSet>& sets, const std::string& name) {
    std::set<std::string> codes;
    for (std::size_t i = 0; i < sets.size(); ++i) {
      const std::string at = name + "[" + std::to_string(i) + "]";
      CheckCode(sets[i].code, at + ".code", errors);
      CheckText(sets[i].name, at + ".name", 1, kNameMax, errors);
      unique(codes, sets[i].code, at + ".code");
      std::set<std::string> members;
      for (std::size_t j = 0; j < sets[i].products.size(); ++j) {
        unique(members, sets[i].products[j], at + ".products[" + std::to_string(j) + "]");
      }
    }
  };
  check_sets(file.groups, "groups");
  check_sets(file.collections, "collections");
  seen.clear();
  for (std::size_t i = 0; i < file.services.size(); ++i) {
    const auto& s = file.services[i];
    const std::string at = "services[" + std::to_string(i) + "]";
    CheckCode(s.code, at + ".code", errors);
    CheckText(s.name, at + ".name", 1, kNameMax, errors);
    CheckKind(s.kind, at + ".kind", errors);
    CheckText(s.description, at + ".description", 0, kDescriptionMax, errors);
    unique(seen, s.code, at + ".code");
  }
  return errors;
}

class Importer {
 public:
  Importer(store::Tx& tx, const Deps& deps, const Caller& caller, std::string role)
      : tx_(tx), deps_(deps), caller_(caller), role_(std::move(role)), now_(deps.clock.Now()) {}

  Result<ImportReport> Run(const CatalogFile& file) {
    for (const auto& p : file.products) SW_RETURN_IF_ERROR(Product(p));
    for (const auto& r : file.releases) SW_RETURN_IF_ERROR(ImportRelease(r));
    SW_RETURN_IF_ERROR(Sets<core::ProductGroup>(file.groups, "groups"));
    SW_RETURN_IF_ERROR(Sets<core::Collection>(file.collections, "collections"));
    for (const auto& s : file.services) SW_RETURN_IF_ERROR(Service(s));
    return std::move(report_);
  }

 private:
  Result<void> Product(const CatalogFile::Product& entry) {
    auto& repo = *deps_.repos.catalog;
    SW_ASSIGN_OR_RETURN(auto existing, repo.FindProductByCode(tx_, entry.code));
    ImportItem item{"product", entry.code, "", ImportOutcome::kUnchanged};
    if (!existing) {
      core::Product p{"",    entry.code, entry.name, entry.release, entry.description,
                      false, now_,       now_};
      SW_ASSIGN_OR_RETURN(p, repo.CreateProduct(tx_, p));
      SW_RETURN_IF_ERROR(Changed("catalog.product.create", "product", p.id, std::nullopt,
                                 ProductJson(p), "product " + p.code + " imported"));
      item.id = p.id;
      item.outcome = ImportOutcome::kCreated;
    } else {
      core::Product p = *existing;
      item.id = p.id;
      if (p.name != entry.name || p.release != entry.release ||
          p.description != entry.description) {
        const std::string before = ProductJson(p);
        p.name = entry.name;
        p.release = entry.release;
        p.description = entry.description;
        p.updated_at = now_;
        SW_RETURN_IF_ERROR(repo.UpdateProduct(tx_, p));
        SW_RETURN_IF_ERROR(Changed("catalog.product.update", "product", p.id, before,
                                   ProductJson(p), "product " + p.code + " updated by import"));
        item.outcome = ImportOutcome::kUpdated;
      }
    }
    product_ids_[entry.code] = item.id;
    Count(report_, std::move(item));
    return core::Ok();
  }

  // The product id of `code`: from this file, else from the catalog.
  Result<std::optional<std::string>> ProductId(const std::string& code) {
    if (auto it = product_ids_.find(code); it != product_ids_.end()) return {it->second};
    SW_ASSIGN_OR_RETURN(auto product, deps_.repos.catalog->FindProductByCode(tx_, code));
    if (!product) return std::optional<std::string>();
    product_ids_[code] = product->id;
    return std::optional<std::string>(product->id);
  }

  template <typename T>
  Result<void> Sets(const std::vector<CatalogFile::ProductSet>& entries, const std::string& name) {
    using Traits = SetTraits<T>;
    const std::string type(Traits::kType);
    std::vector<FieldError> errors;
    auto& repo = *deps_.repos.catalog;
    for (std::size_t i = 0; i < entries.size(); ++i) {
      const auto& entry = entries[i];
      std::vector<std::string> ids;
      for (std::size_t j = 0; j < entry.products.size(); ++j) {
        SW_ASSIGN_OR_RETURN(auto id, ProductId(entry.products[j]));
        if (!id) {
          errors.push_back(
              {name + "[" + std::to_string(i) + "].products[" + std::to_string(j) + "]",
               std::string(Traits::kLabel) + " " + entry.code + " names the unknown product code " +
                   entry.products[j]});
          continue;
        }
        ids.push_back(*id);
      }
      if (!errors.empty()) continue;
      SW_ASSIGN_OR_RETURN(auto existing, Traits::Find(repo, tx_, entry.code));
      ImportItem item{type, entry.code, "", ImportOutcome::kUnchanged};
      if (!existing) {
        T set;
        set.code = entry.code;
        set.name = entry.name;
        set.product_ids = ids;
        set.created_at = set.updated_at = now_;
        SW_ASSIGN_OR_RETURN(set, Traits::Create(repo, tx_, std::move(set)));
        SW_RETURN_IF_ERROR(Changed("catalog." + type + ".create", type, set.id, std::nullopt,
                                   SetJson(set),
                                   std::string(Traits::kLabel) + " " + set.code + " imported"));
        item.id = set.id;
        item.outcome = ImportOutcome::kCreated;
      } else {
        T set = *existing;
        item.id = set.id;
        if (set.name != entry.name || set.product_ids != ids) {
          const std::string before = SetJson(set);
          set.name = entry.name;
          set.product_ids = ids;
          set.updated_at = now_;
          SW_RETURN_IF_ERROR(Traits::Update(repo, tx_, set));
          SW_RETURN_IF_ERROR(
              Changed("catalog." + type + ".update", type, set.id, before, SetJson(set),
                      std::string(Traits::kLabel) + " " + set.code + " updated by import"));
          item.outcome = ImportOutcome::kUpdated;
        }
      }
      Count(report_, std::move(item));
    }
    return core::FieldsValid(std::move(errors));
  }

  Result<void> Service(const CatalogFile::Service& entry) {
    auto& repo = *deps_.repos.catalog;
    const auto kind = *core::ParseEnum<core::ServiceKind>(entry.kind);  // checked by CheckFile
    SW_ASSIGN_OR_RETURN(auto existing, repo.FindServiceByCode(tx_, entry.code));
    ImportItem item{"service", entry.code, "", ImportOutcome::kUnchanged};
    if (!existing) {
      core::Service s{"", entry.code, entry.name, kind, entry.description, now_, now_};
      SW_ASSIGN_OR_RETURN(s, repo.CreateService(tx_, s));
      SW_RETURN_IF_ERROR(Changed("catalog.service.create", "service", s.id, std::nullopt,
                                 ServiceJson(s), "service " + s.code + " imported"));
      item.id = s.id;
      item.outcome = ImportOutcome::kCreated;
    } else {
      core::Service s = *existing;
      item.id = s.id;
      if (s.name != entry.name || s.kind != kind || s.description != entry.description) {
        const std::string before = ServiceJson(s);
        s.name = entry.name;
        s.kind = kind;
        s.description = entry.description;
        s.updated_at = now_;
        SW_RETURN_IF_ERROR(repo.UpdateService(tx_, s));
        SW_RETURN_IF_ERROR(Changed("catalog.service.update", "service", s.id, before,
                                   ServiceJson(s), "service " + s.code + " updated by import"));
        item.outcome = ImportOutcome::kUpdated;
      }
    }
    Count(report_, std::move(item));
    return core::Ok();
  }

  // A release the product does not have yet is added; one it has is left unchanged.
  Result<void> ImportRelease(const CatalogFile::Release& entry) {
    auto& repo = *deps_.repos.catalog;
    const auto product = product_ids_.find(entry.product);
    if (product == product_ids_.end()) {
      return core::MakeError(ErrorCode::kInvalidArgument,
                             entry.at + " belongs to no product of the file");
    }
    ReleaseRequest request = entry.release;
    ValidateRelease(request);  // checked by CheckFile; stores the checksum in lowercase
    ImportItem item{"release", entry.product + " " + request.version, "",
                    ImportOutcome::kUnchanged};
    SW_ASSIGN_OR_RETURN(auto existing, repo.ListReleases(tx_, product->second));
    for (const auto& r : existing) {
      if (r.version == request.version) item.id = r.id;
    }
    if (item.id.empty()) {
      core::ProductRelease r;
      r.product_id = product->second;
      r.version = request.version;
      r.kind = core::ParseEnum<core::ReleaseKind>(request.kind).value_or(core::ReleaseKind{});
      r.title = request.title;
      r.released_at = request.released_at.value_or(now_);
      r.download_url = request.download_url;
      r.sha256 = request.sha256;
      r.size_bytes = request.size_bytes.value_or(0);
      r.notes = request.notes;
      r.created_at = now_;
      SW_ASSIGN_OR_RETURN(r, repo.CreateRelease(tx_, r));
      JsonWriter w;
      w.BeginObject()
          .Key("id")
          .String(r.id)
          .Key("product_code")
          .String(entry.product)
          .Key("version")
          .String(r.version)
          .Key("kind")
          .String(core::EnumName(r.kind))
          .Key("download_url")
          .String(r.download_url)
          .Key("sha256")
          .String(r.sha256)
          .EndObject();
      SW_RETURN_IF_ERROR(Changed("release.created", "product_release", r.id, std::nullopt, w.str(),
                                 std::string(core::EnumName(r.kind)) + " " + r.version + " of " +
                                     entry.product + " imported"));
      item.id = r.id;
      item.outcome = ImportOutcome::kCreated;
    }
    Count(report_, std::move(item));
    return core::Ok();
  }

  Result<void> Changed(const std::string& action, const std::string& type, const std::string& id,
                       std::optional<std::string> before, std::string after, std::string detail) {
    return AuditChange(tx_, deps_, caller_, Record(action, type, id), role_, std::move(before),
                       std::move(after), std::move(detail));
  }

  store::Tx& tx_;
  const Deps& deps_;
  const Caller& caller_;
  std::string role_;
  core::TimePoint now_;
  std::map<std::string, std::string> product_ids_;  // code → id
  ImportReport report_;
};

}  // namespace

Result<void> RequireCatalogReader(const Caller& caller) {
  if (caller.principal.authenticated() || caller.principal.method == AuthMethod::kSystem) {
    return core::Ok();
  }
  return core::MakeError(ErrorCode::kUnauthenticated, "sign in first");
}

// The role under which the caller may change the catalog: operators, or the system itself.
Result<std::string> AuthorizeCatalogChange(store::Tx& tx, const Deps& deps, const Caller& caller) {
  if (caller.principal.method == AuthMethod::kSystem) return std::string("system");
  SW_ASSIGN_OR_RETURN(Authorization authz,
                      Authorize(tx, deps, caller.principal, core::Capability::kManageCatalog, {}));
  return std::string(core::RoleName(authz.role));
}

std::string_view ImportOutcomeName(ImportOutcome outcome) {
  switch (outcome) {
    case ImportOutcome::kCreated:
      return "created";
    case ImportOutcome::kUpdated:
      return "updated";
    case ImportOutcome::kUnchanged:
      return "unchanged";
  }
  return "unchanged";
}

// ---------------------------------------------------------------------------------------
// Products

Result<core::Product> CatalogService::CreateProduct(const Caller& caller,
                                                    const ProductChange& change) {
  std::vector<FieldError> errors;
  if (!change.code) errors.push_back({"code", "is required"});
  if (!change.name) errors.push_back({"name", "is required"});
  CheckProductFields(change, errors);
  SW_RETURN_IF_ERROR(core::FieldsValid(std::move(errors)));
  const Deps& deps = deps_;
  AuditRecord record = Record("catalog.product.create", "product", *change.code);
  return RunAudited<core::Product>(
      deps, caller, record, [&](store::Tx& tx) -> Result<core::Product> {
        SW_ASSIGN_OR_RETURN(std::string role, AuthorizeCatalogChange(tx, deps, caller));
        auto& repo = *deps.repos.catalog;
        SW_ASSIGN_OR_RETURN(auto existing, repo.FindProductByCode(tx, *change.code));
        if (existing) return CodeTaken("product", *change.code, existing->id).error();
        const auto now = deps.clock.Now();
        core::Product p{"",
                        *change.code,
                        *change.name,
                        change.release.value_or(""),
                        change.description.value_or(""),
                        change.retired.value_or(false),
                        now,
                        now};
        SW_ASSIGN_OR_RETURN(p, repo.CreateProduct(tx, p));
        AuditRecord done = record;
        done.target_id = p.id;
        SW_RETURN_IF_ERROR(AuditChange(tx, deps, caller, done, role, std::nullopt, ProductJson(p),
                                       "product " + p.code + " created"));
        return p;
      });
}

Result<core::Product> CatalogService::UpdateProduct(const Caller& caller, const std::string& id,
                                                    const ProductChange& change) {
  std::vector<FieldError> errors;
  CheckProductFields(change, errors);
  SW_RETURN_IF_ERROR(core::FieldsValid(std::move(errors)));
  const Deps& deps = deps_;
  AuditRecord record = Record("catalog.product.update", "product", id);
  return RunAudited<core::Product>(
      deps, caller, record, [&](store::Tx& tx) -> Result<core::Product> {
        SW_ASSIGN_OR_RETURN(std::string role, AuthorizeCatalogChange(tx, deps, caller));
        auto& repo = *deps.repos.catalog;
        SW_ASSIGN_OR_RETURN(core::Product p, repo.GetProduct(tx, id));
        if (change.code && *change.code != p.code) {
          SW_ASSIGN_OR_RETURN(auto existing, repo.FindProductByCode(tx, *change.code));
          if (existing) return CodeTaken("product", *change.code, existing->id).error();
        }
        const std::string before = ProductJson(p);
        p.code = change.code.value_or(p.code);
        p.name = change.name.value_or(p.name);
        p.release = change.release.value_or(p.release);
        p.description = change.description.value_or(p.description);
        p.retired = change.retired.value_or(p.retired);
        const std::string after = ProductJson(p);
        if (after == before) return p;
        p.updated_at = deps.clock.Now();
        SW_RETURN_IF_ERROR(repo.UpdateProduct(tx, p));
        SW_RETURN_IF_ERROR(AuditChange(tx, deps, caller, record, role, before, after,
                                       "product " + p.code + " updated"));
        return p;
      });
}

Result<void> CatalogService::DeleteProduct(const Caller& caller, const std::string& id) {
  const Deps& deps = deps_;
  AuditRecord record = Record("catalog.product.delete", "product", id);
  return RunAudited<void>(deps, caller, record, [&](store::Tx& tx) -> Result<void> {
    SW_ASSIGN_OR_RETURN(std::string role, AuthorizeCatalogChange(tx, deps, caller));
    auto& repo = *deps.repos.catalog;
    SW_ASSIGN_OR_RETURN(core::Product p, repo.GetProduct(tx, id));
    SW_ASSIGN_OR_RETURN(std::int64_t used, repo.CountProductSubscriptions(tx, id));
    if (used > 0) {
      return core::MakeError(
          ErrorCode::kConflict,
          "product " + p.code + " is used by " + std::to_string(used) +
              (used == 1 ? " subscription" : " subscriptions") +
              "; retire it instead (PATCH with \"retired\": true) so no new orders can use it");
    }
    SW_RETURN_IF_ERROR(repo.DeleteProduct(tx, id));
    return AuditChange(tx, deps, caller, record, role, ProductJson(p), std::nullopt,
                       "product " + p.code + " deleted");
  });
}

Result<core::Product> CatalogService::GetProduct(const Caller& caller, const std::string& id) {
  SW_RETURN_IF_ERROR(RequireCatalogReader(caller));
  return deps_.db.Transact<core::Product>(
      store::TxMode::kRead, [&](store::Tx& tx) { return deps_.repos.catalog->GetProduct(tx, id); });
}

Result<store::Page<core::Product>> CatalogService::ListProducts(const Caller& caller,
                                                                const store::PageRequest& page) {
  SW_RETURN_IF_ERROR(RequireCatalogReader(caller));
  return deps_.db.Transact<store::Page<core::Product>>(store::TxMode::kRead, [&](store::Tx& tx) {
    return deps_.repos.catalog->ListProducts(tx, page);
  });
}

// ---------------------------------------------------------------------------------------
// Groups, collections, services

Result<core::ProductGroup> CatalogService::CreateProductGroup(const Caller& caller,
                                                              const ProductSetChange& change) {
  return CreateSet<core::ProductGroup>(deps_, caller, change);
}

Result<core::ProductGroup> CatalogService::ReplaceProductGroup(const Caller& caller,
                                                               const std::string& id,
                                                               const ProductSetChange& change) {
  return ReplaceSet<core::ProductGroup>(deps_, caller, id, change);
}

Result<core::ProductGroup> CatalogService::GetProductGroup(const Caller& caller,
                                                           const std::string& id) {
  return GetSet<core::ProductGroup>(deps_, caller, id);
}

Result<store::Page<core::ProductGroup>> CatalogService::ListProductGroups(
    const Caller& caller, const store::PageRequest& page) {
  return ListSets<core::ProductGroup>(deps_, caller, page);
}

Result<core::Collection> CatalogService::CreateCollection(const Caller& caller,
                                                          const ProductSetChange& change) {
  return CreateSet<core::Collection>(deps_, caller, change);
}

Result<core::Collection> CatalogService::ReplaceCollection(const Caller& caller,
                                                           const std::string& id,
                                                           const ProductSetChange& change) {
  return ReplaceSet<core::Collection>(deps_, caller, id, change);
}

Result<core::Collection> CatalogService::GetCollection(const Caller& caller,
                                                       const std::string& id) {
  return GetSet<core::Collection>(deps_, caller, id);
}

Result<store::Page<core::Collection>> CatalogService::ListCollections(
    const Caller& caller, const store::PageRequest& page) {
  return ListSets<core::Collection>(deps_, caller, page);
}

Result<core::Service> CatalogService::CreateService(const Caller& caller,
                                                    const ServiceChange& change) {
  std::vector<FieldError> errors;
  CheckCode(change.code, "code", errors);
  CheckText(change.name, "name", 1, kNameMax, errors);
  CheckKind(change.kind, "kind", errors);
  CheckText(change.description, "description", 0, kDescriptionMax, errors);
  SW_RETURN_IF_ERROR(core::FieldsValid(std::move(errors)));
  const Deps& deps = deps_;
  AuditRecord record = Record("catalog.service.create", "service", change.code);
  return RunAudited<core::Service>(
      deps, caller, record, [&](store::Tx& tx) -> Result<core::Service> {
        SW_ASSIGN_OR_RETURN(std::string role, AuthorizeCatalogChange(tx, deps, caller));
        auto& repo = *deps.repos.catalog;
        SW_ASSIGN_OR_RETURN(auto existing, repo.FindServiceByCode(tx, change.code));
        if (existing) return CodeTaken("service", change.code, existing->id).error();
        const auto now = deps.clock.Now();
        core::Service s{"",
                        change.code,
                        change.name,
                        *core::ParseEnum<core::ServiceKind>(change.kind),
                        change.description,
                        now,
                        now};
        SW_ASSIGN_OR_RETURN(s, repo.CreateService(tx, s));
        AuditRecord done = record;
        done.target_id = s.id;
        SW_RETURN_IF_ERROR(AuditChange(tx, deps, caller, done, role, std::nullopt, ServiceJson(s),
                                       "service " + s.code + " created"));
        return s;
      });
}

Result<store::Page<core::Service>> CatalogService::ListServices(const Caller& caller,
                                                                const store::PageRequest& page) {
  SW_RETURN_IF_ERROR(RequireCatalogReader(caller));
  return deps_.db.Transact<store::Page<core::Service>>(
      store::TxMode::kRead, [&](store::Tx& tx) -> Result<store::Page<core::Service>> {
        SW_ASSIGN_OR_RETURN(auto all, deps_.repos.catalog->ListServices(tx));
        return PageByCode(std::move(all), page);
      });
}

// ---------------------------------------------------------------------------------------
// Import

Result<ImportReport> CatalogService::ImportCatalog(const Caller& caller, const CatalogFile& file) {
  SW_RETURN_IF_ERROR(core::FieldsValid(CheckFile(file)));
  const Deps& deps = deps_;
  AuditRecord record = Record("catalog.import", "catalog", "catalog");
  return RunAudited<ImportReport>(deps, caller, record, [&](store::Tx& tx) -> Result<ImportReport> {
    SW_ASSIGN_OR_RETURN(std::string role, AuthorizeCatalogChange(tx, deps, caller));
    Importer importer(tx, deps, caller, role);
    SW_ASSIGN_OR_RETURN(ImportReport report, importer.Run(file));
    SW_RETURN_IF_ERROR(AuditChange(tx, deps, caller, record, role, std::nullopt, std::nullopt,
                                   std::to_string(report.created) + " created, " +
                                       std::to_string(report.updated) + " updated, " +
                                       std::to_string(report.unchanged) + " unchanged"));
    return report;
  });
}

}  // namespace seatwise::service
