#include "http/api.hpp"

namespace seatwise::http {

void RegisterLeaseRoutes(Router& router, const ApiServices& services) {
  (void)router;
  (void)services;
}

}  // namespace seatwise::http
