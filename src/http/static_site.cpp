#include "http/static_site.hpp"

#include <zlib.h>

#include <array>
#include <cstdint>
#include <fstream>
#include <sstream>
#include <string_view>
#include <system_error>

namespace seatwise::http {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kImmutableCache = "public, max-age=31536000, immutable";

struct MediaType {
  std::string_view extension;
  std::string_view type;
};

constexpr std::array<MediaType, 16> kMediaTypes{{
    {".html", "text/html; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".mjs", "text/javascript; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".json", "application/json"},
    {".map", "application/json"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".jpg", "image/jpeg"},
    {".ico", "image/x-icon"},
    {".webp", "image/webp"},
    {".woff2", "font/woff2"},
    {".woff", "font/woff"},
    {".txt", "text/plain; charset=utf-8"},
    {".webmanifest", "application/manifest+json"},
    {".wasm", "application/wasm"},
}};

std::string_view MediaTypeFor(const fs::path& path) {
  const std::string extension = path.extension().string();
  for (const auto& media : kMediaTypes) {
    if (media.extension == extension) return media.type;
  }
  return "application/octet-stream";
}

bool Compressible(std::string_view content_type) {
  return content_type.starts_with("text/") || content_type.starts_with("application/json") ||
         content_type.starts_with("image/svg") || content_type.starts_with("application/manifest");
}

// FNV-1a over the bytes: an entity tag only has to change when the content does.
std::string EntityTag(std::string_view body) {
  std::uint64_t hash = 1469598103934665603ULL;
  for (unsigned char c : body) {
    hash ^= c;
    hash *= 1099511628211ULL;
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string tag = "\"";
  for (int shift = 60; shift >= 0; shift -= 4) tag.push_back(kHex[(hash >> shift) & 0xf]);
  tag += "-" + std::to_string(body.size()) + "\"";
  return tag;
}

// gzip at the highest level, once at start-up; empty when it does not pay.
std::string Gzip(std::string_view body) {
  if (body.size() < 512) return {};
  z_stream stream{};
  if (deflateInit2(&stream, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) !=
      Z_OK) {
    return {};
  }
  std::string out(deflateBound(&stream, static_cast<uLong>(body.size())) + 32, '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(body.data()));
  stream.avail_in = static_cast<uInt>(body.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  int status = deflate(&stream, Z_FINISH);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  if (status != Z_STREAM_END || out.size() + 64 >= body.size()) return {};
  return out;
}

// True when the client accepts gzip: a "gzip" token whose q is not zero.
bool AcceptsGzip(const Request& request) {
  auto header = request.Header("Accept-Encoding");
  if (!header) return false;
  std::string_view rest = *header;
  while (!rest.empty()) {
    std::size_t comma = rest.find(',');
    std::string_view item = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    std::string_view coding = item.substr(0, item.find(';'));
    while (!coding.empty() && coding.back() == ' ') coding.remove_suffix(1);
    if (coding != "gzip") continue;
    std::size_t q = item.find("q=");
    if (q == std::string_view::npos) return true;
    // q=0, q=0.0, q=0.00 ... refuse; anything else accepts.
    std::string_view value = item.substr(q + 2);
    value = value.substr(0, value.find(';'));
    while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
    return value.find_first_not_of("0.") != std::string_view::npos;
  }
  return false;
}

// Paths that belong to the API and its neighbours: an unknown one there is the API's 404,
// never the portal's page.
bool IsServerPath(std::string_view path) {
  return path == "/api" || path.starts_with("/api/") || path.starts_with("/.well-known/") ||
         path == "/healthz" || path == "/readyz" || path == "/metrics" || path == "/device" ||
         path.starts_with("/device/");
}

// A client-side route names no file: its last segment has no dot.
bool LooksLikeClientRoute(std::string_view path) {
  std::size_t slash = path.rfind('/');
  std::string_view last = slash == std::string_view::npos ? path : path.substr(slash + 1);
  return last.find('.') == std::string_view::npos;
}

void AddCommonHeaders(Response& response) {
  response.SetHeader("X-Content-Type-Options", "nosniff");
  response.SetHeader("Referrer-Policy", "same-origin");
}

}  // namespace

std::string StaticSite::ContentSecurityPolicy(std::string_view nonce) {
  return "default-src 'none'; script-src 'self'; style-src 'self' 'nonce-" + std::string(nonce) +
         "'; img-src 'self' data:; font-src 'self'; connect-src 'self'; manifest-src 'self'; "
         "base-uri 'none'; form-action 'self'; frame-ancestors 'none'; object-src 'none'";
}

core::Result<std::unique_ptr<StaticSite>> StaticSite::Load(const fs::path& root, NonceSource nonce,
                                                           std::size_t max_total_bytes) {
  std::error_code ec;
  if (!fs::is_directory(root, ec)) {
    return core::MakeError(core::ErrorCode::kInvalidArgument,
                           "the portal directory " + root.string() +
                               " does not exist; build the portal with `make web` or set "
                               "[web] root");
  }
  if (!fs::is_regular_file(root / "index.html", ec)) {
    return core::MakeError(core::ErrorCode::kInvalidArgument,
                           "the portal directory " + root.string() +
                               " has no index.html; build the portal with `make web`");
  }
  std::unique_ptr<StaticSite> site(new StaticSite());
  site->nonce_ = std::move(nonce);
  for (fs::recursive_directory_iterator it(root, ec), end; !ec && it != end; it.increment(ec)) {
    if (!it->is_regular_file(ec)) continue;
    const fs::path relative = fs::relative(it->path(), root, ec);
    if (ec) break;
    std::string url = "/" + relative.generic_string();
    if (url.ends_with(".map")) continue;  // source maps stay on the build machine
    std::ifstream in(it->path(), std::ios::binary);
    std::ostringstream content;
    content << in.rdbuf();
    if (!in && !in.eof()) {
      return core::MakeError(core::ErrorCode::kInternal, "cannot read " + it->path().string());
    }
    StaticFile file;
    file.body = std::move(content).str();
    site->total_bytes_ += file.body.size();
    if (site->total_bytes_ > max_total_bytes) {
      return core::MakeError(core::ErrorCode::kInvalidArgument,
                             "the portal directory " + root.string() + " holds more than " +
                                 std::to_string(max_total_bytes >> 20) +
                                 " MiB; is [web] root the built portal (web/dist)?");
    }
    file.content_type = std::string(MediaTypeFor(it->path()));
    file.immutable = url.starts_with("/assets/");
    file.etag = EntityTag(file.body);
    if (Compressible(file.content_type)) file.gzip_body = Gzip(file.body);
    if (url == "/index.html") {
      site->index_template_ = file.body;
      continue;
    }
    site->files_.emplace(std::move(url), std::move(file));
  }
  if (ec) {
    return core::MakeError(core::ErrorCode::kInternal, "cannot list the portal directory " +
                                                           root.string() + ": " + ec.message());
  }
  return site;
}

std::optional<Response> StaticSite::Serve(const Request& request) const {
  if (request.method != Method::kGet && request.method != Method::kHead) return std::nullopt;
  std::string_view path = request.path();
  if (IsServerPath(path)) return std::nullopt;
  if (path == "/" || path == "/index.html") return Index(request);
  if (auto it = files_.find(path); it != files_.end()) return File(request, it->second);
  if (LooksLikeClientRoute(path) && !path.starts_with("/assets/")) return Index(request);
  return std::nullopt;
}

Response StaticSite::File(const Request& request, const StaticFile& file) const {
  Response response;
  AddCommonHeaders(response);
  response.SetHeader("ETag", file.etag);
  response.SetHeader("Cache-Control", file.immutable ? std::string(kImmutableCache) : "no-cache");
  if (!file.gzip_body.empty()) response.SetHeader("Vary", "Accept-Encoding");
  if (auto match = request.Header("If-None-Match");
      match && match->find(file.etag) != std::string_view::npos) {
    response.status = 304;
    return response;
  }
  response.content_type = file.content_type;
  if (!file.gzip_body.empty() && AcceptsGzip(request)) {
    response.SetHeader("Content-Encoding", "gzip");
    response.body = file.gzip_body;
  } else {
    response.body = file.body;
  }
  return response;
}

Response StaticSite::Index(const Request&) const {
  const std::string nonce = nonce_();
  std::string body = index_template_;
  for (std::size_t at = body.find(kNoncePlaceholder); at != std::string::npos;
       at = body.find(kNoncePlaceholder, at + nonce.size())) {
    body.replace(at, kNoncePlaceholder.size(), nonce);
  }
  Response response = TextResponse(std::move(body), "text/html; charset=utf-8");
  AddCommonHeaders(response);
  response.SetHeader("Cache-Control", "no-store");
  response.SetHeader("Content-Security-Policy", ContentSecurityPolicy(nonce));
  response.SetHeader("X-Frame-Options", "DENY");
  response.SetHeader("Cross-Origin-Opener-Policy", "same-origin");
  response.SetHeader("Permissions-Policy", "camera=(), microphone=(), geolocation=(), usb=()");
  return response;
}

}  // namespace seatwise::http
