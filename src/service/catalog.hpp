#pragma once
// The publisher's catalog: products, product groups, Industry Collections and services.
// Anyone signed in may read it; only operators change it (Capability::kManageCatalog), and
// a local admin command may as the system. Every change is audited in its transaction and
// every refusal as a denied attempt.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/model.hpp"
#include "core/result.hpp"
#include "service/catalog_file.hpp"
#include "service/context.hpp"
#include "store/page.hpp"

namespace seatwise::service {

// Fields of a product to create (code and name required) or to change (unset = keep).
struct ProductChange {
  std::optional<std::string> code;  // 2-20 of [A-Z0-9-]
  std::optional<std::string> name;  // 1-200 characters
  std::optional<std::string> release;
  std::optional<std::string> description;
  std::optional<bool> retired;
};

// A product group or a collection as written: code, name and its products by id, in order.
struct ProductSetChange {
  std::string code;
  std::string name;
  std::vector<std::string> product_ids;
};

struct ServiceChange {
  std::string code;
  std::string name;
  std::string kind;  // cloud | support | other
  std::string description;
};

enum class ImportOutcome { kCreated, kUpdated, kUnchanged };
std::string_view ImportOutcomeName(ImportOutcome outcome);

// What an import did to one entry of the file.
struct ImportItem {
  std::string kind;  // product | product_group | collection | service
  std::string code;
  std::string id;
  ImportOutcome outcome = ImportOutcome::kUnchanged;
};

struct ImportReport {
  std::vector<ImportItem> items;
  int created = 0;
  int updated = 0;
  int unchanged = 0;
};

// Anyone signed in (or the system itself) reads the catalog; kUnauthenticated otherwise.
core::Result<void> RequireCatalogReader(const Caller& caller);
// The role under which the caller may change the catalog (its products, their releases):
// operators, or the system itself; refused and audited otherwise by the caller's use case.
core::Result<std::string> AuthorizeCatalogChange(store::Tx& tx, const Deps& deps,
                                                 const Caller& caller);

class CatalogService {
 public:
  explicit CatalogService(const Deps& deps) : deps_(deps) {}

  // kInvalidArgument with field errors; kAlreadyExists when the code is taken.
  core::Result<core::Product> CreateProduct(const Caller& caller, const ProductChange& change);
  core::Result<core::Product> UpdateProduct(const Caller& caller, const std::string& id,
                                            const ProductChange& change);
  // Deletes a product nothing sells; kConflict naming how many subscriptions use it
  // otherwise (retire it instead).
  core::Result<void> DeleteProduct(const Caller& caller, const std::string& id);
  core::Result<core::Product> GetProduct(const Caller& caller, const std::string& id);
  core::Result<store::Page<core::Product>> ListProducts(const Caller& caller,
                                                        const store::PageRequest& page);

  // Unknown product ids are field errors naming them ("product_ids[2]").
  core::Result<core::ProductGroup> CreateProductGroup(const Caller& caller,
                                                      const ProductSetChange& change);
  // Replaces code, name and members.
  core::Result<core::ProductGroup> ReplaceProductGroup(const Caller& caller, const std::string& id,
                                                       const ProductSetChange& change);
  core::Result<core::ProductGroup> GetProductGroup(const Caller& caller, const std::string& id);
  // Ordered by code; the cursor is the last code seen.
  core::Result<store::Page<core::ProductGroup>> ListProductGroups(const Caller& caller,
                                                                  const store::PageRequest& page);

  core::Result<core::Collection> CreateCollection(const Caller& caller,
                                                  const ProductSetChange& change);
  core::Result<core::Collection> ReplaceCollection(const Caller& caller, const std::string& id,
                                                   const ProductSetChange& change);
  core::Result<core::Collection> GetCollection(const Caller& caller, const std::string& id);
  core::Result<store::Page<core::Collection>> ListCollections(const Caller& caller,
                                                              const store::PageRequest& page);

  core::Result<core::Service> CreateService(const Caller& caller, const ServiceChange& change);
  core::Result<store::Page<core::Service>> ListServices(const Caller& caller,
                                                        const store::PageRequest& page);

  // Upserts every entry of the file by code in one transaction: importing the same file
  // twice changes nothing the second time. Groups and collections may name products of the
  // file or already in the catalog; an unknown code is a field error naming the entry
  // ("groups[1].products[0]"). Audited per change, and as one "catalog.import" entry.
  core::Result<ImportReport> ImportCatalog(const Caller& caller, const CatalogFile& file);

 private:
  Deps deps_;
};

}  // namespace seatwise::service
