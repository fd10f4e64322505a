#pragma once
// The publisher's catalog: products, product groups, collections and services.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/model.hpp"
#include "store/database.hpp"
#include "store/page.hpp"

namespace seatwise::store {

class CatalogRepository {
 public:
  virtual ~CatalogRepository() = default;

  // kAlreadyExists when the code is taken.
  virtual Result<core::Product> CreateProduct(Tx& tx, core::Product product) = 0;
  virtual Result<core::Product> GetProduct(Tx& tx, const std::string& id) = 0;
  virtual Result<std::optional<core::Product>> FindProductByCode(Tx& tx,
                                                                 const std::string& code) = 0;
  virtual Result<void> UpdateProduct(Tx& tx, const core::Product& product) = 0;
  virtual Result<Page<core::Product>> ListProducts(Tx& tx, const PageRequest& page) = 0;
  // Removes a product and its group and collection memberships. Callers check first that no
  // subscription uses it (the schema refuses otherwise).
  virtual Result<void> DeleteProduct(Tx& tx, const std::string& id) = 0;
  // Subscriptions selling the product, directly or through a collection that contains it.
  virtual Result<std::int64_t> CountProductSubscriptions(Tx& tx, const std::string& id) = 0;

  // Groups and collections are written together with their member lists.
  virtual Result<core::ProductGroup> CreateProductGroup(Tx& tx, core::ProductGroup group) = 0;
  virtual Result<core::ProductGroup> GetProductGroup(Tx& tx, const std::string& id) = 0;
  virtual Result<std::optional<core::ProductGroup>> FindProductGroupByCode(
      Tx& tx, const std::string& code) = 0;
  // Writes code, name and updated_at; members through SetProductGroupMembers.
  virtual Result<void> UpdateProductGroup(Tx& tx, const core::ProductGroup& group) = 0;
  virtual Result<std::vector<core::ProductGroup>> ListProductGroups(Tx& tx) = 0;
  virtual Result<void> SetProductGroupMembers(Tx& tx, const std::string& group_id,
                                              const std::vector<std::string>& product_ids,
                                              core::TimePoint now) = 0;

  virtual Result<core::Collection> CreateCollection(Tx& tx, core::Collection collection) = 0;
  virtual Result<core::Collection> GetCollection(Tx& tx, const std::string& id) = 0;
  virtual Result<std::optional<core::Collection>> FindCollectionByCode(Tx& tx,
                                                                       const std::string& code) = 0;
  // Writes code, name and updated_at; members through SetCollectionMembers.
  virtual Result<void> UpdateCollection(Tx& tx, const core::Collection& collection) = 0;
  virtual Result<std::vector<core::Collection>> ListCollections(Tx& tx) = 0;
  virtual Result<void> SetCollectionMembers(Tx& tx, const std::string& collection_id,
                                            const std::vector<std::string>& product_ids,
                                            core::TimePoint now) = 0;

  virtual Result<core::Service> CreateService(Tx& tx, core::Service service) = 0;
  virtual Result<core::Service> GetService(Tx& tx, const std::string& id) = 0;
  virtual Result<std::optional<core::Service>> FindServiceByCode(Tx& tx,
                                                                 const std::string& code) = 0;
  virtual Result<void> UpdateService(Tx& tx, const core::Service& service) = 0;
  virtual Result<std::vector<core::Service>> ListServices(Tx& tx) = 0;

  // Downloadable releases and updates of a product. kAlreadyExists when the product already
  // has the version.
  virtual Result<core::ProductRelease> CreateRelease(Tx& tx, core::ProductRelease release) = 0;
  virtual Result<core::ProductRelease> GetRelease(Tx& tx, const std::string& id) = 0;
  // Newest released_at first, then version descending.
  virtual Result<std::vector<core::ProductRelease>> ListReleases(Tx& tx,
                                                                 const std::string& product_id) = 0;
  // The releases of every product named, in one query, ordered as ListReleases per product.
  virtual Result<std::vector<core::ProductRelease>> ListReleasesOf(
      Tx& tx, const std::vector<std::string>& product_ids) = 0;
  virtual Result<void> DeleteRelease(Tx& tx, const std::string& id) = 0;
};

}  // namespace seatwise::store
