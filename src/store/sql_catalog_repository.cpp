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
constexpr std::string_view kUpdateProduct =
    "UPDATE products SET code = ?, name = ?, release_name = ?, description = ?, retired = ?,"
    " updated_at = ? WHERE id = ?";

constexpr std::string_view kInsertGroup =
    "INSERT INTO product_groups (id, code, name, created_at, updated_at) VALUES (?, ?, ?, ?, ?)";
constexpr std::string_view kSelectGroupById =
    "SELECT id, code, name, created_at, updated_at FROM product_groups WHERE id = ?";
constexpr std::string_view kSelectGroups =
    "SELECT id, code, name, created_at, updated_at FROM product_groups ORDER BY code";
constexpr std::string_view kTouchGroup = "UPDATE product_groups SET updated_at = ? WHERE id = ?";
constexpr std::string_view kDeleteGroupMembers =
    "DELETE FROM product_group_members WHERE group_id = ?";
constexpr std::string_view kInsertGroupMember =
    "INSERT INTO product_group_members (group_id, product_id, sort_order) VALUES (?, ?, ?)";
constexpr std::string_view kSelectGroupMembers =
    "SELECT product_id FROM product_group_members WHERE group_id = ? ORDER BY sort_order";

constexpr std::string_view kInsertCollection =
    "INSERT INTO collections (id, code, name, created_at, updated_at) VALUES (?, ?, ?, ?, ?)";
constexpr std::string_view kSelectCollectionById =
    "SELECT id, code, name, created_at, updated_at FROM collections WHERE id = ?";
constexpr std::string_view kSelectCollections =
    "SELECT id, code, name, created_at, updated_at FROM collections ORDER BY code";
constexpr std::string_view kTouchCollection = "UPDATE collections SET updated_at = ? WHERE id = ?";
constexpr std::string_view kDeleteCollectionMembers =
    "DELETE FROM collection_members WHERE collection_id = ?";
constexpr std::string_view kInsertCollectionMember =
    "INSERT INTO collection_members (collection_id, product_id, sort_order) VALUES (?, ?, ?)";
constexpr std::string_view kSelectCollectionMembers =
    "SELECT product_id FROM collection_members WHERE collection_id = ? ORDER BY sort_order";

constexpr std::string_view kInsertService =
    "INSERT INTO services (id, code, name, kind, description, created_at, updated_at)"
    " VALUES (?, ?, ?, ?, ?, ?, ?)";
constexpr std::string_view kSelectServiceById =
    "SELECT id, code, name, kind, description, created_at, updated_at FROM services"
    " WHERE id = ?";
constexpr std::string_view kSelectServices =
    "SELECT id, code, name, kind, description, created_at, updated_at FROM services"
    " ORDER BY code";

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

Result<std::vector<std::string>> Members(Tx& tx, std::string_view sql, const std::string& id) {
  SW_ASSIGN_OR_RETURN(Rows rows, tx.Query(sql, {id}));
  return MapRows<std::string>(rows, [](const Row& r) { return r.Text(0); });
}

Result<void> WriteMembers(Tx& tx, std::string_view delete_sql, std::string_view insert_sql,
                          const std::string& id, const std::vector<std::string>& product_ids) {
  SW_RETURN_IF_ERROR(tx.Exec(delete_sql, {id}));
  for (std::size_t i = 0; i < product_ids.size(); ++i) {
    SW_RETURN_IF_ERROR(tx.Exec(insert_sql, {id, product_ids[i], static_cast<std::int64_t>(i)}));
  }
  return core::Ok();
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

  Result<core::ProductGroup> CreateProductGroup(Tx& tx, core::ProductGroup g) override {
    EnsureId(g.id, random_, core::id_prefix::kProductGroup);
    SW_RETURN_IF_ERROR(
        tx.Exec(kInsertGroup, {g.id, g.code, g.name, Ms(g.created_at), Ms(g.updated_at)}));
    SW_RETURN_IF_ERROR(
        WriteMembers(tx, kDeleteGroupMembers, kInsertGroupMember, g.id, g.product_ids));
    return g;
  }

  Result<core::ProductGroup> GetProductGroup(Tx& tx, const std::string& id) override {
    SW_ASSIGN_OR_RETURN(Row row, tx.QueryOne(kSelectGroupById, {id}, "product group"));
    auto group = SetFrom<core::ProductGroup>(row);
    SW_ASSIGN_OR_RETURN(group.product_ids, Members(tx, kSelectGroupMembers, id));
    return group;
  }

  Result<std::vector<core::ProductGroup>> ListProductGroups(Tx& tx) override {
    SW_ASSIGN_OR_RETURN(Rows rows, tx.Query(kSelectGroups));
    auto groups = MapRows<core::ProductGroup>(rows, SetFrom<core::ProductGroup>);
    for (auto& g : groups) {
      SW_ASSIGN_OR_RETURN(g.product_ids, Members(tx, kSelectGroupMembers, g.id));
    }
    return groups;
  }

  Result<void> SetProductGroupMembers(Tx& tx, const std::string& group_id,
                                      const std::vector<std::string>& product_ids,
                                      core::TimePoint now) override {
    SW_RETURN_IF_ERROR(ExpectChanged(tx.Exec(kTouchGroup, {Ms(now), group_id}), "product group"));
    return WriteMembers(tx, kDeleteGroupMembers, kInsertGroupMember, group_id, product_ids);
  }

  Result<core::Collection> CreateCollection(Tx& tx, core::Collection c) override {
    EnsureId(c.id, random_, core::id_prefix::kCollection);
    SW_RETURN_IF_ERROR(
        tx.Exec(kInsertCollection, {c.id, c.code, c.name, Ms(c.created_at), Ms(c.updated_at)}));
    SW_RETURN_IF_ERROR(
        WriteMembers(tx, kDeleteCollectionMembers, kInsertCollectionMember, c.id, c.product_ids));
    return c;
  }

  Result<core::Collection> GetCollection(Tx& tx, const std::string& id) override {
    SW_ASSIGN_OR_RETURN(Row row, tx.QueryOne(kSelectCollectionById, {id}, "collection"));
    auto collection = SetFrom<core::Collection>(row);
    SW_ASSIGN_OR_RETURN(collection.product_ids, Members(tx, kSelectCollectionMembers, id));
    return collection;
  }

  Result<std::vector<core::Collection>> ListCollections(Tx& tx) override {
    SW_ASSIGN_OR_RETURN(Rows rows, tx.Query(kSelectCollections));
    auto collections = MapRows<core::Collection>(rows, SetFrom<core::Collection>);
    for (auto& c : collections) {
      SW_ASSIGN_OR_RETURN(c.product_ids, Members(tx, kSelectCollectionMembers, c.id));
    }
    return collections;
  }

  Result<void> SetCollectionMembers(Tx& tx, const std::string& collection_id,
                                    const std::vector<std::string>& product_ids,
                                    core::TimePoint now) override {
    SW_RETURN_IF_ERROR(
        ExpectChanged(tx.Exec(kTouchCollection, {Ms(now), collection_id}), "collection"));
    return WriteMembers(tx, kDeleteCollectionMembers, kInsertCollectionMember, collection_id,
                        product_ids);
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

  Result<std::vector<core::Service>> ListServices(Tx& tx) override {
    SW_ASSIGN_OR_RETURN(Rows rows, tx.Query(kSelectServices));
    return MapRows<core::Service>(rows, ServiceFrom);
  }

 private:
  core::Random& random_;
};

}  // namespace

std::unique_ptr<CatalogRepository> NewSqlCatalogRepository(core::Random& random) {
  return std::make_unique<SqlCatalogRepository>(random);
}

}  // namespace seatwise::store
