// The token cache: owner-only permissions, atomic replacement, and reading back what was
// written.

#include "token_cache.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "revocation.hpp"
#include "sdk_test_support.hpp"
#include "seatwise/seatwise.h"

namespace seatwise::sdk::testing {
namespace {

namespace fs = std::filesystem;

unsigned Mode(const fs::path& path) {
  struct stat info {};
  EXPECT_EQ(::stat(path.c_str(), &info), 0) << path;
  return info.st_mode & 07777;
}

std::vector<std::string> Entries(const fs::path& dir) {
  std::vector<std::string> names;
  for (const fs::directory_entry& entry : fs::directory_iterator(dir)) {
    names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

TEST(TokenCacheTest, CreatesTheCacheDirectoryOwnerOnly) {
  TempDir dir;
  const fs::path cache = dir.path() / "vendor" / "product";
  const SigningKey key("k");
  CClient client(key.Jwks(), cache);
  ASSERT_EQ(client.status(), SW_OK);
  EXPECT_EQ(Mode(cache), 0700u);
  EXPECT_EQ(Mode(dir.path() / "vendor"), 0700u);
}

TEST(TokenCacheTest, NarrowsAnExistingCacheDirectoryToOwnerOnly) {
  TempDir dir;
  const fs::path cache = dir.path() / "cache";
  fs::create_directory(cache);
  fs::permissions(cache, fs::perms::all);
  const SigningKey key("k");
  CClient client(key.Jwks(), cache);
  ASSERT_EQ(client.status(), SW_OK);
  EXPECT_EQ(Mode(cache), 0700u);
}

TEST(TokenCacheTest, WritesTheTokenOwnerOnlyAndReplacesItWithoutLeftovers) {
  TempDir dir;
  const SigningKey key("k");
  CClient client(key.Jwks(), dir.path());
  ASSERT_EQ(client.status(), SW_OK);

  ASSERT_EQ(sw_token_store(client.get(), "first.token.value"), SW_OK);
  const fs::path file = dir.path() / "entitlement-DRL.json";
  EXPECT_EQ(Mode(file), 0600u);
  struct stat before {};
  ASSERT_EQ(::stat(file.c_str(), &before), 0);

  ASSERT_EQ(sw_token_store(client.get(), "second.token.value"), SW_OK);
  EXPECT_EQ(Mode(file), 0600u);
  struct stat after {};
  ASSERT_EQ(::stat(file.c_str(), &after), 0);
  // A rename puts a new file in place; rewriting in place would keep the inode.
  EXPECT_NE(before.st_ino, after.st_ino);
  EXPECT_EQ(Entries(dir.path()), std::vector<std::string>{"entitlement-DRL.json"});

  char* token = nullptr;
  ASSERT_EQ(sw_token_load(client.get(), &token), SW_OK);
  EXPECT_STREQ(token, "second.token.value");
  sw_string_free(token);
}

TEST(TokenCacheTest, AFreshClientReadsWhatAnotherStored) {
  TempDir dir;
  const SigningKey key("k");
  {
    CClient writer(key.Jwks(), dir.path());
    ASSERT_EQ(sw_token_store(writer.get(), "a.b.c"), SW_OK);
    ASSERT_EQ(sw_token_mark_revoked(writer.get()), SW_OK);
  }
  std::string error;
  const std::optional<CachedToken> cached =
      LoadCachedToken((dir.path() / "entitlement-DRL.json").string(), error);
  ASSERT_TRUE(cached.has_value()) << error;
  // The revoked token itself is dropped; the record of revocations remembers it.
  EXPECT_EQ(cached->token, "");
  EXPECT_TRUE(cached->revoked);
  const std::optional<std::vector<Revocation>> revocations =
      LoadRevocations(RevocationsPath(dir.path().string(), "DRL"), error);
  ASSERT_TRUE(revocations.has_value()) << error;
  ASSERT_EQ(revocations->size(), 1u);
  EXPECT_EQ(revocations->front().digest, RevocationOf("a.b.c").digest);
  EXPECT_EQ(Mode(dir.path() / "revoked-DRL.json"), 0600u);
}

TEST(TokenCacheTest, LoadSaysNoTokenUntilStoredAndAfterClear) {
  TempDir dir;
  const SigningKey key("k");
  CClient client(key.Jwks(), dir.path());
  char* token = nullptr;
  EXPECT_EQ(sw_token_load(client.get(), &token), SW_E_NO_TOKEN);
  EXPECT_EQ(token, nullptr);
  ASSERT_EQ(sw_token_store(client.get(), "a.b.c"), SW_OK);
  ASSERT_EQ(sw_token_clear(client.get()), SW_OK);
  EXPECT_EQ(sw_token_load(client.get(), &token), SW_E_NO_TOKEN);
  EXPECT_EQ(sw_token_clear(client.get()), SW_OK);
}

TEST(TokenCacheTest, ADamagedCacheFileIsAnErrorWithAReason) {
  TempDir dir;
  const SigningKey key("k");
  CClient client(key.Jwks(), dir.path());
  std::ofstream(dir.path() / "entitlement-DRL.json") << "{\"token\":";
  sw_check_result result{};
  EXPECT_EQ(sw_token_check(client.get(), kIssuedAt, &result), SW_E_IO);
  EXPECT_NE(std::string(sw_client_last_error(client.get())).find("damaged"), std::string::npos);
}

TEST(TokenCacheTest, RefusesEmptyAndNullTokens) {
  TempDir dir;
  const SigningKey key("k");
  CClient client(key.Jwks(), dir.path());
  EXPECT_EQ(sw_token_store(client.get(), ""), SW_E_INVALID_ARGUMENT);
  EXPECT_EQ(sw_token_store(client.get(), "a.b\n.c"), SW_E_INVALID_ARGUMENT);
  EXPECT_EQ(sw_token_store(client.get(), nullptr), SW_E_INVALID_ARGUMENT);
  EXPECT_EQ(sw_token_store(nullptr, "a.b.c"), SW_E_INVALID_ARGUMENT);
  EXPECT_TRUE(Entries(dir.path()).empty());
}

TEST(TokenCacheTest, AFailedWriteLeavesThePreviousFileAndNoTemporary) {
  TempDir dir;
  const fs::path target = dir.path() / "cache.json";
  std::string error;
  ASSERT_TRUE(WriteFileAtomically(target.string(), "old", error)) << error;
  fs::create_directory(dir.path() / "blocked");
  // Renaming a file over a non-empty directory fails after the temporary was written.
  std::ofstream(dir.path() / "blocked" / "keep") << "x";
  EXPECT_FALSE(WriteFileAtomically((dir.path() / "blocked").string(), "new", error));
  EXPECT_FALSE(error.empty());
  EXPECT_EQ(Entries(dir.path()), (std::vector<std::string>{"blocked", "cache.json"}));
  std::ifstream in(target);
  std::string contents;
  in >> contents;
  EXPECT_EQ(contents, "old");
}

}  // namespace
}  // namespace seatwise::sdk::testing
