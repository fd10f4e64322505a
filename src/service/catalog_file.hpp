#pragma once
// A catalog file as plain values: what `seatwise catalog import` and
// POST /api/v1/catalog/import hand to CatalogService::ImportCatalog. The TOML and JSON readers
// live in their transports; members refer to products by code.

#include <string>
#include <vector>

#include "service/downloads.hpp"

namespace seatwise::service {

struct CatalogFile {
  struct Product {
    std::string code;
    std::string name;
    std::string release;
    std::string description;
  };
  // A product group or an Industry Collection, its products named by code, in order.
  struct ProductSet {
    std::string code;
    std::string name;
    std::vector<std::string> products;
  };
  struct Service {
    std::string code;
    std::string name;
    std::string kind;  // cloud | support | other
    std::string description;
  };

  std::vector<Product> products;
  std::vector<ProductSet> groups;
  std::vector<ProductSet> collections;
  std::vector<Service> services;
  // Releases and updates listed under a product entry ("releases"), imported by (product,
  // version): a version the product already has is left as it is.
  struct Release {
    std::string product;  // code of the product entry
    std::string at;       // where in the file, "products[0].releases[1]", for field errors
    ReleaseRequest release;
  };
  std::vector<Release> releases;
};

}  // namespace seatwise::service
