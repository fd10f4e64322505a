#pragma once
// The web portal's built files (web/dist), served from memory by `seatwise serve` on the
// same origin as the API. Files under /assets/ carry a content hash in their names and are
// cached for a year; every other path that is not an API path and names no file is a
// client-side route and gets index.html, never cached, with a strict Content-Security-Policy
// whose per-response nonce lets the component library add its style elements and nothing else.

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "core/result.hpp"
#include "http/router.hpp"

namespace seatwise::http {

struct StaticFile {
  std::string content_type;
  std::string body;
  std::string gzip_body;   // empty when compressing did not make it smaller
  std::string etag;        // strong, quoted: "\"<hash>\""
  bool immutable = false;  // under /assets/: named by content
};

class StaticSite {
 public:
  // Makes a fresh nonce for each index.html answer (base64 or base32 text, ≥ 128 bits).
  using NonceSource = std::function<std::string()>;

  // Reads every regular file under `root` (which must hold index.html) into memory. The
  // error names the directory and what is missing. Files above `max_total_bytes` in total
  // are refused so that a wrong root cannot fill the memory.
  static core::Result<std::unique_ptr<StaticSite>> Load(
      const std::filesystem::path& root, NonceSource nonce,
      std::size_t max_total_bytes = std::size_t{64} << 20);

  // The answer for a GET or HEAD that matched no API route; nullopt when the path belongs to
  // the API (/api/, /.well-known/, /healthz, ...) so that the caller answers its own 404.
  std::optional<Response> Serve(const Request& request) const;

  std::size_t file_count() const { return files_.size(); }
  std::size_t total_bytes() const { return total_bytes_; }

  // The policy sent with index.html, for `nonce`.
  static std::string ContentSecurityPolicy(std::string_view nonce);

 private:
  StaticSite() = default;
  Response File(const Request& request, const StaticFile& file) const;
  Response Index(const Request& request) const;

  std::map<std::string, StaticFile, std::less<>> files_;  // "/assets/index-abc.js" → file
  std::string index_template_;                            // index.html with the nonce placeholder
  NonceSource nonce_;
  std::size_t total_bytes_ = 0;
};

// The placeholder in web/index.html replaced by each answer's nonce.
inline constexpr std::string_view kNoncePlaceholder = "__CSP_NONCE__";

}  // namespace seatwise::http
