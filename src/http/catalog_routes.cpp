// The publisher's catalog: products, product groups, collections, services, and the import of
// a whole catalog file. Everyone signed in reads it; the service lets only operators change it.

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "http/api.hpp"
#include "http/problem.hpp"
#include "service/catalog.hpp"
#include "store/page.hpp"

namespace seatwise::http {
namespace {

namespace json = boost::json;

// Reads the members of one JSON object, collecting a field error per bad member.
class ObjectReader {
 public:
  ObjectReader(const json::object& object, std::string prefix,
               std::vector<core::FieldError>& errors)
      : object_(object), prefix_(std::move(prefix)), errors_(errors) {}

  bool Has(std::string_view key) const { return object_.contains(key); }
  const json::value* Raw(std::string_view key) const { return object_.if_contains(key); }
  const std::string& prefix() const { return prefix_; }

  std::optional<std::string> String(std::string_view key, bool required) {
    const json::value* value = object_.if_contains(key);
    if (value == nullptr || value->is_null()) {
      if (required) Fail(key, "is required");
      return std::nullopt;
    }
    if (!value->is_string()) {
      Fail(key, "must be a string");
      return std::nullopt;
    }
    return std::string(value->get_string());
  }

  std::optional<bool> Bool(std::string_view key) {
    const json::value* value = object_.if_contains(key);
    if (value == nullptr || value->is_null()) return std::nullopt;
    if (!value->is_bool()) {
      Fail(key, "must be true or false");
      return std::nullopt;
    }
    return value->get_bool();
  }

  std::vector<std::string> Strings(std::string_view key, bool required) {
    std::vector<std::string> out;
    const json::value* value = object_.if_contains(key);
    if (value == nullptr || value->is_null()) {
      if (required) Fail(key, "is required");
      return out;
    }
    if (!value->is_array()) {
      Fail(key, "must be an array of strings");
      return out;
    }
    const auto& array = value->get_array();
    for (std::size_t i = 0; i < array.size(); ++i) {
      if (!array[i].is_string()) {
        Fail(std::string(key) + "[" + std::to_string(i) + "]", "must be a string");
        continue;
      }
      out.emplace_back(array[i].get_string());
    }
    return out;
  }

 private:
  void Fail(std::string_view key, std::string message) {
    errors_.push_back({prefix_ + std::string(key), std::move(message)});
  }

  const json::object& object_;
  std::string prefix_;
  std::vector<core::FieldError>& errors_;
};

core::Result<store::PageRequest> PageOf(const Request& request) {
  store::PageRequest page;
  std::vector<core::FieldError> errors;
  ReadPage(request, page.after, page.limit, errors);
  SW_RETURN_IF_ERROR(core::FieldsValid(std::move(errors)));
  return page;
}

json::array Ids(const std::vector<std::string>& ids) {
  json::array out;
  for (const auto& id : ids) out.emplace_back(id);
  return out;
}

json::object ProductJson(const core::Product& p) {
  return {{"id", p.id},
          {"code", p.code},
          {"name", p.name},
          {"release", p.release},
          {"description", p.description},
          {"retired", p.retired},
          {"created_at", FormatTime(p.created_at)},
          {"updated_at", FormatTime(p.updated_at)}};
}

template <typename T>
json::object SetJson(const T& set) {
  return {{"id", set.id},
          {"code", set.code},
          {"name", set.name},
          {"product_ids", Ids(set.product_ids)},
          {"created_at", FormatTime(set.created_at)},
          {"updated_at", FormatTime(set.updated_at)}};
}

json::object ServiceJson(const core::Service& s) {
  return {{"id", s.id},
          {"code", s.code},
          {"name", s.name},
          {"kind", core::EnumName(s.kind)},
          {"description", s.description},
          {"created_at", FormatTime(s.created_at)},
          {"updated_at", FormatTime(s.updated_at)}};
}

core::Result<service::ProductChange> ProductChangeOf(const Request& request, bool create) {
  SW_ASSIGN_OR_RETURN(json::object body, JsonObjectBody(request));
  std::vector<core::FieldError> errors;
  ObjectReader read(body, "", errors);
  service::ProductChange change;
  change.code = read.String("code", create);
  change.name = read.String("name", create);
  change.release = read.String("release", false);
  change.description = read.String("description", false);
  change.retired = read.Bool("retired");
  SW_RETURN_IF_ERROR(core::FieldsValid(std::move(errors)));
  return change;
}

core::Result<service::ProductSetChange> SetChangeOf(const Request& request) {
  SW_ASSIGN_OR_RETURN(json::object body, JsonObjectBody(request));
  std::vector<core::FieldError> errors;
  ObjectReader read(body, "", errors);
  service::ProductSetChange change;
  change.code = read.String("code", true).value_or("");
  change.name = read.String("name", true).value_or("");
  change.product_ids = read.Strings("product_ids", true);
  SW_RETURN_IF_ERROR(core::FieldsValid(std::move(errors)));
  return change;
}

core::Result<service::ServiceChange> ServiceChangeOf(const Request& request) {
  SW_ASSIGN_OR_RETURN(json::object body, JsonObjectBody(request));
  std::vector<core::FieldError> errors;
  ObjectReader read(body, "", errors);
  service::ServiceChange change;
  change.code = read.String("code", true).value_or("");
  change.name = read.String("name", true).value_or("");
  change.kind = read.String("kind", true).value_or("");
  change.description = read.String("description", false).value_or("");
  SW_RETURN_IF_ERROR(core::FieldsValid(std::move(errors)));
  return change;
}

// The objects of array `key` of a catalog file, each read by `read_one`.
template <typename ReadOne>
void ReadEntries(const json::object& body, std::string_view key,
                 std::vector<core::FieldError>& errors, ReadOne read_one) {
  const json::value* value = body.if_contains(key);
  if (value == nullptr || value->is_null()) return;
  if (!value->is_array()) {
    errors.push_back({std::string(key), "must be an array of objects"});
    return;
  }
  const auto& array = value->get_array();
  for (std::size_t i = 0; i < array.size(); ++i) {
    const std::string at = std::string(key) + "[" + std::to_string(i) + "]";
    if (!array[i].is_object()) {
      errors.push_back({at, "must be an object"});
      continue;
    }
    ObjectReader read(array[i].get_object(), at + ".", errors);
    read_one(read);
  }
}

// The "releases" of a product entry of a catalog file. What cannot be read is left in each
// release's own errors, by bare field name; the service names them with `at`.
void ReadReleases(const ObjectReader& product, const std::string& code,
                  std::vector<service::CatalogFile::Release>& out,
                  std::vector<core::FieldError>& errors) {
  const json::value* value = product.Raw("releases");
  if (value == nullptr || value->is_null()) return;
  const std::string at = product.prefix() + "releases";
  if (!value->is_array()) {
    errors.push_back({at, "must be an array of objects"});
    return;
  }
  const auto& array = value->get_array();
  for (std::size_t i = 0; i < array.size(); ++i) {
    service::CatalogFile::Release entry;
    entry.product = code;
    entry.at = at + "[" + std::to_string(i) + "]";
    if (!array[i].is_object()) {
      errors.push_back({entry.at, "must be an object"});
      continue;
    }
    service::ReleaseRequest& r = entry.release;
    ObjectReader read(array[i].get_object(), "", r.errors);
    r.version = read.String("version", false).value_or("");
    r.kind = read.String("kind", false).value_or("");
    r.title = read.String("title", false).value_or("");
    r.download_url = read.String("download_url", false).value_or("");
    r.sha256 = read.String("sha256", false).value_or("");
    r.notes = read.String("notes", false).value_or("");
    if (auto released_at = read.String("released_at", false)) {
      r.released_at = ParseTime(*released_at);
      if (!r.released_at) {
        r.errors.push_back({"released_at", "must be an RFC 3339 time like 2027-04-01T00:00:00Z"});
      }
    }
    if (const json::value* size = read.Raw("size_bytes"); size != nullptr && !size->is_null()) {
      if (size->is_int64()) {
        r.size_bytes = size->as_int64();
      } else {
        r.errors.push_back({"size_bytes", "must be an integer greater than 0"});
      }
    }
    out.push_back(std::move(entry));
  }
}

core::Result<service::CatalogFile> CatalogFileOf(const Request& request) {
  SW_ASSIGN_OR_RETURN(json::object body, JsonObjectBody(request));
  std::vector<core::FieldError> errors;
  service::CatalogFile file;
  ReadEntries(body, "products", errors, [&](ObjectReader& read) {
    file.products.push_back({read.String("code", true).value_or(""),
                             read.String("name", true).value_or(""),
                             read.String("release", false).value_or(""),
                             read.String("description", false).value_or("")});
    ReadReleases(read, file.products.back().code, file.releases, errors);
  });
  auto read_set = [&](std::vector<service::CatalogFile::ProductSet>& out) {
    return [&out](ObjectReader& read) {
      out.push_back({read.String("code", true).value_or(""), read.String("name", true).value_or(""),
                     read.Strings("products", false)});
    };
  };
  ReadEntries(body, "groups", errors, read_set(file.groups));
  ReadEntries(body, "collections", errors, read_set(file.collections));
  ReadEntries(body, "services", errors, [&](ObjectReader& read) {
    file.services.push_back(
        {read.String("code", true).value_or(""), read.String("name", true).value_or(""),
         read.String("kind", true).value_or(""), read.String("description", false).value_or("")});
  });
  SW_RETURN_IF_ERROR(core::FieldsValid(std::move(errors)));
  return file;
}

json::object ReportJson(const service::ImportReport& report) {
  json::array items;
  for (const auto& item : report.items) {
    items.push_back(json::object{{"kind", item.kind},
                                 {"code", item.code},
                                 {"id", item.id},
                                 {"outcome", service::ImportOutcomeName(item.outcome)}});
  }
  return {{"created", report.created},
          {"updated", report.updated},
          {"unchanged", report.unchanged},
          {"items", std::move(items)}};
}

}  // namespace

void RegisterCatalogRoutes(Router& router, const ApiServices& services) {
  service::CatalogService* catalog = &services.catalog;
  const Authenticator* auth = &services.auth;

  router.Add(Method::kGet, "/api/v1/products", "product_list",
             auth->Authenticated([catalog](const Request& request, const service::Caller& caller) {
               auto page = PageOf(request);
               if (!page.ok()) return ErrorResponse(request, page.error());
               auto products = catalog->ListProducts(caller, *page);
               if (!products.ok()) return ErrorResponse(request, products.error());
               return JsonResponse(PageJson(*products, ProductJson));
             }));

  router.Add(Method::kPost, "/api/v1/products", "product_create",
             auth->Authenticated([catalog](const Request& request, const service::Caller& caller) {
               auto change = ProductChangeOf(request, true);
               if (!change.ok()) return ErrorResponse(request, change.error());
               auto product = catalog->CreateProduct(caller, *change);
               if (!product.ok()) return ErrorResponse(request, product.error());
               return JsonResponse(ProductJson(*product), 201);
             }));

  router.Add(Method::kGet, "/api/v1/products/{product}", "product_get",
             auth->Authenticated([catalog](const Request& request, const service::Caller& caller) {
               auto product =
                   catalog->GetProduct(caller, std::string(request.PathParam("product")));
               if (!product.ok()) return ErrorResponse(request, product.error());
               return JsonResponse(ProductJson(*product));
             }));

  router.Add(Method::kPatch, "/api/v1/products/{product}", "product_update",
             auth->Authenticated([catalog](const Request& request, const service::Caller& caller) {
               auto change = ProductChangeOf(request, false);
               if (!change.ok()) return ErrorResponse(request, change.error());
               auto product = catalog->UpdateProduct(
                   caller, std::string(request.PathParam("product")), *change);
               if (!product.ok()) return ErrorResponse(request, product.error());
               return JsonResponse(ProductJson(*product));
             }));

  router.Add(Method::kDelete, "/api/v1/products/{product}", "product_delete",
             auth->Authenticated([catalog](const Request& request, const service::Caller& caller) {
               auto deleted =
                   catalog->DeleteProduct(caller, std::string(request.PathParam("product")));
               if (!deleted.ok()) return ErrorResponse(request, deleted.error());
               Response response;
               response.status = 204;
               return response;
             }));

  router.Add(Method::kGet, "/api/v1/product-groups", "product_group_list",
             auth->Authenticated([catalog](const Request& request, const service::Caller& caller) {
               auto page = PageOf(request);
               if (!page.ok()) return ErrorResponse(request, page.error());
               auto groups = catalog->ListProductGroups(caller, *page);
               if (!groups.ok()) return ErrorResponse(request, groups.error());
               return JsonResponse(PageJson(*groups, SetJson<core::ProductGroup>));
             }));

  router.Add(Method::kPost, "/api/v1/product-groups", "product_group_create",
             auth->Authenticated([catalog](const Request& request, const service::Caller& caller) {
               auto change = SetChangeOf(request);
               if (!change.ok()) return ErrorResponse(request, change.error());
               auto group = catalog->CreateProductGroup(caller, *change);
               if (!group.ok()) return ErrorResponse(request, group.error());
               return JsonResponse(SetJson(*group), 201);
             }));

  router.Add(Method::kGet, "/api/v1/product-groups/{group}", "product_group_get",
             auth->Authenticated([catalog](const Request& request, const service::Caller& caller) {
               auto group =
                   catalog->GetProductGroup(caller, std::string(request.PathParam("group")));
               if (!group.ok()) return ErrorResponse(request, group.error());
               return JsonResponse(SetJson(*group));
             }));

  router.Add(Method::kPut, "/api/v1/product-groups/{group}", "product_group_replace",
             auth->Authenticated([catalog](const Request& request, const service::Caller& caller) {
               auto change = SetChangeOf(request);
               if (!change.ok()) return ErrorResponse(request, change.error());
               auto group = catalog->ReplaceProductGroup(
                   caller, std::string(request.PathParam("group")), *change);
               if (!group.ok()) return ErrorResponse(request, group.error());
               return JsonResponse(SetJson(*group));
             }));

  router.Add(Method::kGet, "/api/v1/collections", "collection_list",
             auth->Authenticated([catalog](const Request& request, const service::Caller& caller) {
               auto page = PageOf(request);
               if (!page.ok()) return ErrorResponse(request, page.error());
               auto collections = catalog->ListCollections(caller, *page);
               if (!collections.ok()) return ErrorResponse(request, collections.error());
               return JsonResponse(PageJson(*collections, SetJson<core::Collection>));
             }));

  router.Add(Method::kPost, "/api/v1/collections", "collection_create",
             auth->Authenticated([catalog](const Request& request, const service::Caller& caller) {
               auto change = SetChangeOf(request);
               if (!change.ok()) return ErrorResponse(request, change.error());
               auto collection = catalog->CreateCollection(caller, *change);
               if (!collection.ok()) return ErrorResponse(request, collection.error());
               return JsonResponse(SetJson(*collection), 201);
             }));

  router.Add(Method::kGet, "/api/v1/collections/{collection}", "collection_get",
             auth->Authenticated([catalog](const Request& request, const service::Caller& caller) {
               auto collection =
                   catalog->GetCollection(caller, std::string(request.PathParam("collection")));
               if (!collection.ok()) return ErrorResponse(request, collection.error());
               return JsonResponse(SetJson(*collection));
             }));

  router.Add(Method::kPut, "/api/v1/collections/{collection}", "collection_replace",
             auth->Authenticated([catalog](const Request& request, const service::Caller& caller) {
               auto change = SetChangeOf(request);
               if (!change.ok()) return ErrorResponse(request, change.error());
               auto collection = catalog->ReplaceCollection(
                   caller, std::string(request.PathParam("collection")), *change);
               if (!collection.ok()) return ErrorResponse(request, collection.error());
               return JsonResponse(SetJson(*collection));
             }));

  router.Add(Method::kGet, "/api/v1/services", "service_list",
             auth->Authenticated([catalog](const Request& request, const service::Caller& caller) {
               auto page = PageOf(request);
               if (!page.ok()) return ErrorResponse(request, page.error());
               auto list = catalog->ListServices(caller, *page);
               if (!list.ok()) return ErrorResponse(request, list.error());
               return JsonResponse(PageJson(*list, ServiceJson));
             }));

  router.Add(Method::kPost, "/api/v1/services", "service_create",
             auth->Authenticated([catalog](const Request& request, const service::Caller& caller) {
               auto change = ServiceChangeOf(request);
               if (!change.ok()) return ErrorResponse(request, change.error());
               auto created = catalog->CreateService(caller, *change);
               if (!created.ok()) return ErrorResponse(request, created.error());
               return JsonResponse(ServiceJson(*created), 201);
             }));

  router.Add(Method::kPost, "/api/v1/catalog/import", "catalog_import",
             auth->Authenticated([catalog](const Request& request, const service::Caller& caller) {
               auto file = CatalogFileOf(request);
               if (!file.ok()) return ErrorResponse(request, file.error());
               auto report = catalog->ImportCatalog(caller, *file);
               if (!report.ok()) return ErrorResponse(request, report.error());
               return JsonResponse(ReportJson(*report));
             }),
             // Parsing and writing a whole catalog is heavy: off the I/O threads.
             RouteOptions{.offload = true});
}

}  // namespace seatwise::http
