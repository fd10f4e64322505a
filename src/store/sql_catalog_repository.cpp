#include "store/repositories.hpp"
#include "store/sql_support.hpp"

namespace seatwise::store {
namespace {

using namespace sql;  // NOLINT(google-build-using-namespace)

constexpr std::string_view kInsertProduct =
    "INSERT INTO products (id, code, name, release_name, description, retired, created_at,"
    " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
#define SW_SELECT_PRODUCTS                                                            \
  "SELECT id, code, name, release_name, description, retired, created_at, updated_at" \
  " FROM products"
constexpr std::string_view kSelectProductById = SW_SELECT_PRODUCTS " WHERE id = ?";
constexpr std::string_view kSelectProductByCode = SW_SELECT_PRODUCTS " WHERE code = ?";
constexpr std::string_view kSelectProductsPage =
    SW_SELECT_PRODUCTS " WHERE id > ? ORDER BY id LIMIT ?";
#undef SW_SELECT_PRODUCTS
constexpr std::string_view kDeleteProductGroupMemberships =
    "DELETE FROM product_group_members WHERE product_id = ?";
constexpr std::string_view kDeleteProductCollectionMemberships =
    "DELETE FROM collection_members WHERE product_id = ?";
constexpr std::string_view kDeleteProduct = "DELETE FROM products WHERE id = ?";
constexpr std::string_view kCountProductSubscriptions =
    "SELECT COUNT(*) FROM subscriptions WHERE product_id = ? OR collection_id IN"
    " (SELECT collection_id FROM collection_members WHERE product_id = ?)";
constexpr std::string_view kUpdateProduct =
    "UPDATE products SET code = ?, name = ?, release_name = ?, description = ?, retired = ?,"
    " updated_at = ? WHERE id = ?";

// Product groups and Industry Collections share a shape (code, name, ordered products) and
// differ only in their tables; one set of statements each, one implementation for both.
struct ProductSetSql {
  std::string_view what;  // for not-found messages
  std::string_view id_prefix;
  std::string_view insert;
  std::string_view select_by_id;
  std::string_view select_by_code;
  std::string_view update;
  std::string_view select_all;
  std::string_view touch;
  std::string_view delete_members;
  std::string_view insert_member;
  std::string_view select_members;
};

constexpr ProductSetSql kGroupSql = {
    "product group",
    core::id_prefix::kProductGroup,
    "INSERT INTO product_groups (id, code, name, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
    "SELECT id, code, name, created_at, updated_at FROM product_groups WHERE id = ?",
    "SELECT id, code, name, created_at, updated_at FROM product_groups WHERE code = ?",
    "UPDATE product_groups SET code = ?, name = ?, updated_at = ? WHERE id = ?",
    "SELECT id, code, name, created_at, updated_at FROM product_groups ORDER BY code",
    "UPDATE product_groups SET updated_at = ? WHERE id = ?",
    "DELETE FROM product_group_members WHERE group_id = ?",
    "INSERT INTO product_group_members (group_id, product_id, sort_order) VALUES (?, ?, ?)",
    "SELECT product_id FROM product_group_members WHERE group_id = ? ORDER BY sort_order",
};

constexpr ProductSetSql kCollectionSql = {
    "collection",
    core::id_prefix::kCollection,
    "INSERT INTO collections (id, code, name, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
    "SELECT id, code, name, created_at, updated_at FROM collections WHERE id = ?",
    "SELECT id, code, name, created_at, updated_at FROM collections WHERE code = ?",
    "UPDATE collections SET code = ?, name = ?, updated_at = ? WHERE id = ?",
    "SELECT id, code, name, created_at, updated_at FROM collections ORDER BY code",
    "UPDATE collections SET updated_at = ? WHERE id = ?",
    "DELETE FROM collection_members WHERE collection_id = ?",
    "INSERT INTO collection_members (collection_id, product_id, sort_order) VALUES (?, ?, ?)",
    "SELECT product_id FROM collection_members WHERE collection_id = ? ORDER BY sort_order",
};

constexpr std::string_view kInsertService =
    "INSERT INTO services (id, code, name, kind, description, created_at, updated_at)"
    " VALUES (?, ?, ?, ?, ?, ?, ?)";
constexpr std::string_view kSelectServiceById =
    "SELECT id, code, name, kind, description, created_at, updated_at FROM services"
    " WHERE id = ?";
constexpr std::string_view kSelectServiceByCode =
    "SELECT id, code, name, kind, description, created_at, updated_at FROM services"
    " WHERE code = ?";
constexpr std::string_view kUpdateService =
    "UPDATE services SET code = ?, name = ?, kind = ?, description = ?, updated_at = ?"
    " WHERE id = ?";
constexpr std::string_view kSelectServices =
    "SELECT id, code, name, kind, description, created_at, updated_at FROM services"
    " ORDER BY code";

#define SW_SELECT_RELEASES                                                                      \
  "SELECT id, product_id, version, kind, title, released_at, download_url, sha256, size_bytes," \
  " notes, created_at FROM product_releases"
constexpr std::string_view kInsertRelease =
    "INSERT INTO product_releases (id, product_id, version, kind, title, released_at,"
    " download_url, sha256, size_bytes, notes, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
    "?)";
constexpr std::string_view kSelectReleaseById = SW_SELECT_RELEASES " WHERE id = ?";
constexpr std::string_view kSelectReleaseByVersion =
    "SELECT id FROM product_releases WHERE product_id = ? AND version = ?";
constexpr std::string_view kSelectReleasesOfProduct =
    SW_SELECT_RELEASES " WHERE product_id = ? ORDER BY released_at DESC, version DESC";
constexpr std::string_view kSelectReleasesPrefix = SW_SELECT_RELEASES " WHERE product_id IN (";
constexpr std::string_view kReleasesOrder = ") ORDER BY product_id, released_at DESC, version DESC";
#undef SW_SELECT_RELEASES
constexpr std::string_view kDeleteRelease = "DELETE FROM product_releases WHERE id = ?";
constexpr std::string_view kDeleteProductReleases =
    "DELETE FROM product_releases WHERE product_id = ?";

core::ProductRelease ReleaseFrom(const Row& row) {
  core::ProductRelease r;
  r.id = row.Text(0);
  r.product_id = row.Text(1);
  r.version = row.Text(2);
  r.kind = EnumAt<core::ReleaseKind>(row, 3);
  r.title = row.Text(4);
  r.released_at = TimeAt(row, 5);
  r.download_url = row.Text(6);
  r.sha256 = row.Text(7);
  r.size_bytes = row.Int(8);
  r.notes = row.Text(9);
  r.created_at = TimeAt(row, 10);
  return r;
}

core::Product ProductFrom(const Row& row) {
  core::Product p;
  p.id = row.Text(0);
  p.code = row.Text(1);
  p.name = row.Text(2);
  p.release = row.Text(3);
  p.description = row.Text(4);
  p.retired = row.Bool(5);
  p.created_at = TimeAt(row, 6);
  p.updated_at = TimeAt(row, 7);
  return p;
}

// Groups and collections share a shape: id, code, name, members, times.
template <typename T>
T SetFrom(const Row& row) {
  T t;
  t.id = row.Text(0);
  t.code = row.Text(1);
  t.name = row.Text(2);
  t.created_at = TimeAt(row, 3);
  t.updated_at = TimeAt(row, 4);
  return t;
}

core::Service ServiceFrom(const Row& row) {
  core::Service s;
  s.id = row.Text(0);
  s.code = row.Text(1);
  s.name = row.Text(2);
  s.kind = EnumAt<core::ServiceKind>(row, 3);
  s.description = row.Text(4);
  s.created_at = TimeAt(row, 5);
  s.updated_at = TimeAt(row, 6);
  return s;
}

Result<std::vector<std::string>> Members(Tx& tx, const ProductSetSql& sql, const std::string& id) {
  SW_ASSIGN_OR_RETURN(Rows rows, tx.Query(sql.select_members, {id}));
  return MapRows<std::string>(rows, [](const Row& r) { return r.Text(0); });
}

Result<void> WriteMembers(Tx& tx, const ProductSetSql& sql, const std::string& id,
                          const std::vector<std::string>& product_ids) {
  SW_RETURN_IF_ERROR(tx.Exec(sql.delete_members, {id}));
  for (std::size_t i = 0; i < product_ids.size(); ++i) {
    SW_RETURN_IF_ERROR(
        tx.Exec(sql.insert_member, {id, product_ids[i], static_cast<std::int64_t>(i)}));
  }
  return core::Ok();
}

template <typename T>
Result<T> CreateSet(Tx& tx, core::Random& random, const ProductSetSql& sql, T set) {
  EnsureId(set.id, random, sql.id_prefix);
  SW_RETURN_IF_ERROR(
      tx.Exec(sql.insert, {set.id, set.code, set.name, Ms(set.created_at), Ms(set.updated_at)}));
  SW_RETURN_IF_ERROR(WriteMembers(tx, sql, set.id, set.product_ids));
  return set;
}

template <typename T>
Result<T> GetSet(Tx& tx, const ProductSetSql& sql, const std::string& id) {
  SW_ASSIGN_OR_RETURN(Row row, tx.QueryOne(sql.select_by_id, {id}, sql.what));
  auto set = SetFrom<T>(row);
  SW_ASSIGN_OR_RETURN(set.product_ids, Members(tx, sql, id));
  return set;
}

template <typename T>
Result<std::optional<T>> FindSetByCode(Tx& tx, const ProductSetSql& sql, const std::string& code) {
  SW_ASSIGN_OR_RETURN(auto row, tx.QueryOptional(sql.select_by_code, {code}));
  if (!row) return std::optional<T>();
  auto set = SetFrom<T>(*row);
  SW_ASSIGN_OR_RETURN(set.product_ids, Members(tx, sql, set.id));
  return std::optional<T>(std::move(set));
}

template <typename T>
Result<void> UpdateSet(Tx& tx, const ProductSetSql& sql, const T& set) {
  return ExpectChanged(tx.Exec(sql.update, {set.code, set.name, Ms(set.updated_at), set.id}),
                       sql.what);
}

template <typename T>
Result<std::vector<T>> ListSets(Tx& tx, const ProductSetSql& sql) {
  SW_ASSIGN_OR_RETURN(Rows rows, tx.Query(sql.select_all));
  auto sets = MapRows<T>(rows, SetFrom<T>);
  for (auto& set : sets) {
    SW_ASSIGN_OR_RETURN(set.product_ids, Members(tx, sql, set.id));
  }
  return sets;
}

Result<void> ReplaceMembers(Tx& tx, const ProductSetSql& sql, const std::string& id,
                            const std::vector<std::string>& product_ids, core::TimePoint now) {
  SW_RETURN_IF_ERROR(ExpectChanged(tx.Exec(sql.touch, {Ms(now), id}), sql.what));
  return WriteMembers(tx, sql, id, product_ids);
}

class SqlCatalogRepository final : public CatalogRepository {
 public:
  explicit SqlCatalogRepository(core::Random& random) : random_(random) {}

  Result<core::Product> CreateProduct(Tx& tx, core::Product p) override {
    EnsureId(p.id, random_, core::id_prefix::kProduct);
    SW_RETURN_IF_ERROR(
        tx.Exec(kInsertProduct, {p.id, p.code, p.name, p.release, p.description, Bool(p.retired),
                                 Ms(p.created_at), Ms(p.updated_at)}));
    return p;
  }

  Result<core::Product> GetProduct(Tx& tx, const std::string& id) override {
    SW_ASSIGN_OR_RETURN(Row row, tx.QueryOne(kSelectProductById, {id}, "product"));
    return ProductFrom(row);
  }

  Result<std::optional<core::Product>> FindProductByCode(Tx& tx, const std::string& code) override {
    SW_ASSIGN_OR_RETURN(auto row, tx.QueryOptional(kSelectProductByCode, {code}));
    if (!row) return std::optional<core::Product>();
    return std::optional<core::Product>(ProductFrom(*row));
  }

  Result<void> UpdateProduct(Tx& tx, const core::Product& p) override {
    return ExpectChanged(tx.Exec(kUpdateProduct, {p.code, p.name, p.release, p.description,
                                                  Bool(p.retired), Ms(p.updated_at), p.id}),
                         "product");
  }

  Result<Page<core::Product>> ListProducts(Tx& tx, const PageRequest& page) override {
    const auto limit = ClampLimit(page.limit);
    SW_ASSIGN_OR_RETURN(Rows rows, tx.Query(kSelectProductsPage, {page.after, limit + 1}));
    return MakePage(MapRows<core::Product>(rows, ProductFrom), limit,
                    [](const core::Product& p) { return p.id; });
  }

  Result<void> DeleteProduct(Tx& tx, const std::string& id) override {
    SW_RETURN_IF_ERROR(tx.Exec(kDeleteProductGroupMemberships, {id}));
    SW_RETURN_IF_ERROR(tx.Exec(kDeleteProductCollectionMemberships, {id}));
    SW_RETURN_IF_ERROR(tx.Exec(kDeleteProductReleases, {id}));
    return ExpectChanged(tx.Exec(kDeleteProduct, {id}), "product");
  }

  Result<std::int64_t> CountProductSubscriptions(Tx& tx, const std::string& id) override {
    SW_ASSIGN_OR_RETURN(Row row, tx.QueryOne(kCountProductSubscriptions, {id, id}, "count"));
    return row.Int(0);
  }

  Result<core::ProductGroup> CreateProductGroup(Tx& tx, core::ProductGroup group) override {
    return CreateSet(tx, random_, kGroupSql, std::move(group));
  }
  Result<core::ProductGroup> GetProductGroup(Tx& tx, const std::string& id) override {
    return GetSet<core::ProductGroup>(tx, kGroupSql, id);
  }
  Result<std::optional<core::ProductGroup>> FindProductGroupByCode(
      Tx& tx, const std::string& code) override {
    return FindSetByCode<core::ProductGroup>(tx, kGroupSql, code);
  }
  Result<void> UpdateProductGroup(Tx& tx, const core::ProductGroup& group) override {
    return UpdateSet(tx, kGroupSql, group);
  }
  Result<std::vector<core::ProductGroup>> ListProductGroups(Tx& tx) override {
    return ListSets<core::ProductGroup>(tx, kGroupSql);
  }
  Result<void> SetProductGroupMembers(Tx& tx, const std::string& group_id,
                                      const std::vector<std::string>& product_ids,
                                      core::TimePoint now) override {
    return ReplaceMembers(tx, kGroupSql, group_id, product_ids, now);
  }

  Result<core::Collection> CreateCollection(Tx& tx, core::Collection collection) override {
    return CreateSet(tx, random_, kCollectionSql, std::move(collection));
  }
  Result<core::Collection> GetCollection(Tx& tx, const std::string& id) override {
    return GetSet<core::Collection>(tx, kCollectionSql, id);
  }
  Result<std::optional<core::Collection>> FindCollectionByCode(Tx& tx,
                                                               const std::string& code) override {
    return FindSetByCode<core::Collection>(tx, kCollectionSql, code);
  }
  Result<void> UpdateCollection(Tx& tx, const core::Collection& collection) override {
    return UpdateSet(tx, kCollectionSql, collection);
  }
  Result<std::vector<core::Collection>> ListCollections(Tx& tx) override {
    return ListSets<core::Collection>(tx, kCollectionSql);
  }
  Result<void> SetCollectionMembers(Tx& tx, const std::string& collection_id,
                                    const std::vector<std::string>& product_ids,
                                    core::TimePoint now) override {
    return ReplaceMembers(tx, kCollectionSql, collection_id, product_ids, now);
  }

  Result<core::Service> CreateService(Tx& tx, core::Service s) override {
    EnsureId(s.id, random_, core::id_prefix::kService);
    SW_RETURN_IF_ERROR(tx.Exec(kInsertService, {s.id, s.code, s.name, Enum(s.kind), s.description,
                                                Ms(s.created_at), Ms(s.updated_at)}));
    return s;
  }

  Result<core::Service> GetService(Tx& tx, const std::string& id) override {
    SW_ASSIGN_OR_RETURN(Row row, tx.QueryOne(kSelectServiceById, {id}, "service"));
    return ServiceFrom(row);
  }

  Result<std::optional<core::Service>> FindServiceByCode(Tx& tx, const std::string& code) override {
    SW_ASSIGN_OR_RETURN(auto row, tx.QueryOptional(kSelectServiceByCode, {code}));
    if (!row) return std::optional<core::Service>();
    return std::optional<core::Service>(ServiceFrom(*row));
  }

  Result<void> UpdateService(Tx& tx, const core::Service& s) override {
    return ExpectChanged(tx.Exec(kUpdateService, {s.code, s.name, Enum(s.kind), s.description,
                                                  Ms(s.updated_at), s.id}),
                         "service");
  }

  Result<std::vector<core::Service>> ListServices(Tx& tx) override {
    SW_ASSIGN_OR_RETURN(Rows rows, tx.Query(kSelectServices));
    return MapRows<core::Service>(rows, ServiceFrom);
  }

  Result<core::ProductRelease> CreateRelease(Tx& tx, core::ProductRelease r) override {
    SW_ASSIGN_OR_RETURN(auto taken,
                        tx.QueryOptional(kSelectReleaseByVersion, {r.product_id, r.version}));
    if (taken) {
      return core::MakeError(ErrorCode::kAlreadyExists,
                             "the product already has version " + r.version);
    }
    EnsureId(r.id, random_, core::id_prefix::kProductRelease);
    SW_RETURN_IF_ERROR(tx.Exec(
        kInsertRelease, {r.id, r.product_id, r.version, Enum(r.kind), r.title, Ms(r.released_at),
                         r.download_url, r.sha256, Int(r.size_bytes), r.notes, Ms(r.created_at)}));
    return r;
  }

  Result<core::ProductRelease> GetRelease(Tx& tx, const std::string& id) override {
    SW_ASSIGN_OR_RETURN(Row row, tx.QueryOne(kSelectReleaseById, {id}, "release"));
    return ReleaseFrom(row);
  }

  Result<std::vector<core::ProductRelease>> ListReleases(Tx& tx,
                                                         const std::string& product_id) override {
    SW_ASSIGN_OR_RETURN(Rows rows, tx.Query(kSelectReleasesOfProduct, {product_id}));
    return MapRows<core::ProductRelease>(rows, ReleaseFrom);
  }

  Result<std::vector<core::ProductRelease>> ListReleasesOf(
      Tx& tx, const std::vector<std::string>& product_ids) override {
    if (product_ids.empty()) return std::vector<core::ProductRelease>();
    std::string query(kSelectReleasesPrefix);
    std::vector<Value> params;
    params.reserve(product_ids.size());
    for (const auto& id : product_ids) {
      if (!params.empty()) query += ", ";
      query += "?";
      params.emplace_back(id);
    }
    query += kReleasesOrder;
    SW_ASSIGN_OR_RETURN(Rows rows, tx.Query(query, params));
    return MapRows<core::ProductRelease>(rows, ReleaseFrom);
  }

  Result<void> DeleteRelease(Tx& tx, const std::string& id) override {
    return ExpectChanged(tx.Exec(kDeleteRelease, {id}), "release");
  }

 private:
  core::Random& random_;
};

}  // namespace

std::unique_ptr<CatalogRepository> NewSqlCatalogRepository(core::Random& random) {
  return std::make_unique<SqlCatalogRepository>(random);
}

}  // namespace seatwise::store
