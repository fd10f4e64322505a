#include "http/static_site.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <zlib.h>

#include <unistd.h>
#include <filesystem>
#include <fstream>
#include <string>

namespace seatwise::http {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

std::string HeaderOf(const Response& response, std::string_view name) {
  for (const auto& [key, value] : response.headers) {
    if (key == name) return value;
  }
  return "";
}

std::string Gunzip(const std::string& data) {
  z_stream stream{};
  EXPECT_EQ(inflateInit2(&stream, 15 + 16), Z_OK);
  std::string out(data.size() * 20 + 1024, '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(inflate(&stream, Z_FINISH), Z_STREAM_END);
  out.resize(stream.total_out);
  inflateEnd(&stream);
  return out;
}

class StaticSiteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("seatwise-static-" + std::to_string(::getpid()));
    fs::remove_all(root_);
    fs::create_directories(root_ / "assets");
    Write("index.html",
          "<!doctype html><meta name=\"csp-nonce\" content=\"__CSP_NONCE__\"><div id=root>");
    script_ = "console.log('portal');\n";
    for (int i = 0; i < 200; ++i) script_ += "export const value" + std::to_string(i) + " = 1;\n";
    Write("assets/index-abc123.js", script_);
    Write("favicon.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>");
    Write("assets/index-abc123.js.map", "{}");
  }
  void TearDown() override { fs::remove_all(root_); }

  void Write(const std::string& name, const std::string& content) {
    std::ofstream(root_ / name, std::ios::binary) << content;
  }

  std::unique_ptr<StaticSite> Load() {
    auto site = StaticSite::Load(root_, [this] { return "NONCE" + std::to_string(++nonces_); });
    EXPECT_TRUE(site.ok()) << site.error().message;
    return std::move(*site);
  }

  static Request Get(std::string target, Method method = Method::kGet) {
    Request request;
    request.method = method;
    EXPECT_TRUE(request.SetTarget(std::move(target)));
    return request;
  }

  fs::path root_;
  std::string script_;
  int nonces_ = 0;
};

TEST_F(StaticSiteTest, ClientRoutesGetIndexWithAFreshNonceInPageAndPolicy) {
  auto site = Load();
  auto first = site->Serve(Get("/teams/team_1/devices?status=offline"));
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->status, 200);
  EXPECT_EQ(first->content_type, "text/html; charset=utf-8");
  EXPECT_THAT(first->body, HasSubstr("content=\"NONCE1\""));
  EXPECT_THAT(first->body, Not(HasSubstr(std::string(kNoncePlaceholder))));
  std::string policy = HeaderOf(*first, "Content-Security-Policy");
  EXPECT_THAT(policy, HasSubstr("script-src 'self';"));
  EXPECT_THAT(policy, HasSubstr("style-src 'self' 'nonce-NONCE1'"));
  EXPECT_THAT(policy, HasSubstr("frame-ancestors 'none'"));
  EXPECT_EQ(HeaderOf(*first, "Cache-Control"), "no-store");

  auto second = site->Serve(Get("/"));
  ASSERT_TRUE(second.has_value());
  EXPECT_THAT(second->body, HasSubstr("content=\"NONCE2\""));
}

TEST_F(StaticSiteTest, ApiAndServerPathsAreLeftToTheApi) {
  auto site = Load();
  for (const char* path :
       {"/api/v1/nothing", "/api", "/.well-known/other", "/healthz", "/metrics", "/device"}) {
    EXPECT_FALSE(site->Serve(Get(path)).has_value()) << path;
  }
  EXPECT_FALSE(site->Serve(Get("/assets/missing-000.js")).has_value());
  EXPECT_FALSE(site->Serve(Get("/robots.txt")).has_value());
  EXPECT_FALSE(site->Serve(Get("/teams/x", Method::kPost)).has_value());
}

TEST_F(StaticSiteTest, HashedAssetsAreImmutableCompressedAndRevalidated) {
  auto site = Load();
  Request plain = Get("/assets/index-abc123.js");
  auto asset = site->Serve(plain);
  ASSERT_TRUE(asset.has_value());
  EXPECT_EQ(asset->body, script_);
  EXPECT_EQ(asset->content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(HeaderOf(*asset, "Cache-Control"), "public, max-age=31536000, immutable");
  EXPECT_EQ(HeaderOf(*asset, "Content-Encoding"), "");

  Request gzip = Get("/assets/index-abc123.js");
  gzip.headers.emplace_back("Accept-Encoding", "br, gzip;q=0.8");
  auto compressed = site->Serve(gzip);
  ASSERT_TRUE(compressed.has_value());
  EXPECT_EQ(HeaderOf(*compressed, "Content-Encoding"), "gzip");
  EXPECT_LT(compressed->body.size(), script_.size());
  EXPECT_EQ(Gunzip(compressed->body), script_);

  Request refused = Get("/assets/index-abc123.js");
  refused.headers.emplace_back("Accept-Encoding", "gzip;q=0, identity");
  EXPECT_EQ(HeaderOf(*site->Serve(refused), "Content-Encoding"), "");

  Request again = Get("/assets/index-abc123.js");
  again.headers.emplace_back("If-None-Match", HeaderOf(*asset, "ETag"));
  auto not_modified = site->Serve(again);
  ASSERT_TRUE(not_modified.has_value());
  EXPECT_EQ(not_modified->status, 304);
  EXPECT_TRUE(not_modified->body.empty());
}

TEST_F(StaticSiteTest, OtherFilesAreRevalidatedAndSourceMapsAreNotServed) {
  auto site = Load();
  auto icon = site->Serve(Get("/favicon.svg"));
  ASSERT_TRUE(icon.has_value());
  EXPECT_EQ(icon->content_type, "image/svg+xml");
  EXPECT_EQ(HeaderOf(*icon, "Cache-Control"), "no-cache");
  EXPECT_EQ(HeaderOf(*icon, "X-Content-Type-Options"), "nosniff");
  EXPECT_FALSE(site->Serve(Get("/assets/index-abc123.js.map")).has_value());
}

TEST_F(StaticSiteTest, ARootWithoutIndexOrTooLargeIsRefusedWithTheReason) {
  fs::remove(root_ / "index.html");
  auto missing = StaticSite::Load(root_, [] { return std::string("n"); });
  ASSERT_FALSE(missing.ok());
  EXPECT_THAT(missing.error().message, HasSubstr("has no index.html"));

  auto absent = StaticSite::Load(root_ / "nope", [] { return std::string("n"); });
  ASSERT_FALSE(absent.ok());
  EXPECT_THAT(absent.error().message, HasSubstr("does not exist"));

  Write("index.html", "<!doctype html>");
  auto too_large = StaticSite::Load(
      root_, [] { return std::string("n"); }, 100);
  ASSERT_FALSE(too_large.ok());
  EXPECT_THAT(too_large.error().message, HasSubstr("[web] root"));
}

}  // namespace
}  // namespace seatwise::http
