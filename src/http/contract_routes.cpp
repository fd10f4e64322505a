#include "http/api.hpp"

namespace seatwise::http {

void RegisterContractRoutes(Router& router, const ApiServices& services) {
  (void)router;
  (void)services;
}

}  // namespace seatwise::http
