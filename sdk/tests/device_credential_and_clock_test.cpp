// The offline parts of serial activation, enrolment and the clock hook: the device credential
// file, which credential the lease calls pick, argument checks of the new calls, and the
// configured clock used for usage events.

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <boost/json.hpp>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "fingerprint.hpp"
#include "sdk_test_support.hpp"
#include "seatwise/seatwise.h"
#include "token_cache.hpp"

namespace seatwise::sdk::testing {
namespace {

std::string ReadText(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

int64_t ClockAt(void* context) { return *static_cast<int64_t*>(context); }

// A client with a machine id file of its own, a clock the test moves, and a server URL on a
// loopback port nothing listens on, so a call that goes online fails with SW_E_NETWORK at once.
class CredentialClient {
 public:
  explicit CredentialClient(const TempDir& dir) {
    cache_ = (dir.path() / "cache").string();
    machine_id_file_ = (dir.path() / "machine-id").string();
    std::ofstream(machine_id_file_) << "0123456789abcdef0123456789abcdef\n";
    sw_config config{};
    config.server_url = "http://127.0.0.1:1";
    config.product_code = "STR";
    config.jwks_json = jwks_.c_str();
    config.cache_dir = cache_.c_str();
    config.machine_id_file = machine_id_file_.c_str();
    config.now_unix = ClockAt;
    config.now_context = &now_;
    status_ = sw_client_new(&config, &client_);
  }
  ~CredentialClient() { sw_client_free(client_); }
  CredentialClient(const CredentialClient&) = delete;
  CredentialClient& operator=(const CredentialClient&) = delete;

  sw_status status() const { return status_; }
  sw_client* get() const { return client_; }
  const std::string& cache() const { return cache_; }
  std::string Fingerprint() const {
    std::string error;
    return FingerprintFromMachineIdFile(machine_id_file_, error).value_or("");
  }
  void SetNow(int64_t now) { now_ = now; }

 private:
  SigningKey key_{"k"};
  std::string jwks_ = key_.Jwks();
  std::string cache_;
  std::string machine_id_file_;
  int64_t now_ = kIssuedAt;
  sw_status status_ = SW_OK;
  sw_client* client_ = nullptr;
};

TEST(DeviceCredentialCacheTest, IsWrittenOwnerOnlyAndReplacedWithoutLeftovers) {
  TempDir dir;
  const std::string path = DeviceCredentialPath(dir.path().string());
  std::string error;
  ASSERT_TRUE(
      StoreDeviceCredential(path, {"swm_first", "dev_1", std::string(64, 'a'), "act_1"}, error))
      << error;
  ASSERT_TRUE(StoreDeviceCredential(path, {"swm_second", "dev_1", std::string(64, 'a'), ""}, error))
      << error;

  struct stat info {};
  ASSERT_EQ(::stat(path.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    ++files;
    EXPECT_EQ(entry.path().filename(), "device-credential.json") << entry.path();
  }
  EXPECT_EQ(files, 1);

  std::optional<DeviceCredential> loaded = LoadDeviceCredential(path, error);
  ASSERT_TRUE(loaded) << error;
  EXPECT_EQ(loaded->credential, "swm_second");
  EXPECT_EQ(loaded->device_id, "dev_1");
  EXPECT_EQ(loaded->serial_activation_id, "");
}

TEST(DeviceCredentialCacheTest, AMissingFileIsNoErrorAndADamagedOneSaysWhatToDo) {
  TempDir dir;
  const std::string path = DeviceCredentialPath(dir.path().string());
  std::string error;
  EXPECT_FALSE(LoadDeviceCredential(path, error));
  EXPECT_EQ(error, "");

  std::ofstream(path) << R"({"credential":"swm_x"})";
  EXPECT_FALSE(LoadDeviceCredential(path, error));
  EXPECT_NE(error.find("damaged"), std::string::npos) << error;
}

TEST(SerialActivationArgumentsTest, NullOrEmptyArgumentsAreRefusedBeforeAnythingHappens) {
  TempDir dir;
  CredentialClient client(dir);
  ASSERT_EQ(client.status(), SW_OK);
  EXPECT_EQ(sw_serial_activate(nullptr, "111-22222222", "001R1"), SW_E_INVALID_ARGUMENT);
  EXPECT_EQ(sw_serial_activate(client.get(), nullptr, "001R1"), SW_E_INVALID_ARGUMENT);
  EXPECT_EQ(sw_serial_activate(client.get(), "111-22222222", nullptr), SW_E_INVALID_ARGUMENT);
  EXPECT_EQ(sw_serial_activate(client.get(), "", "001R1"), SW_E_INVALID_ARGUMENT);
  EXPECT_EQ(sw_serial_activate(client.get(), "111-22222222", ""), SW_E_INVALID_ARGUMENT);
  EXPECT_EQ(sw_serial_refresh(nullptr), SW_E_INVALID_ARGUMENT);
  EXPECT_EQ(sw_serial_deactivate(nullptr), SW_E_INVALID_ARGUMENT);
  EXPECT_EQ(sw_device_enroll(nullptr), SW_E_INVALID_ARGUMENT);
  EXPECT_EQ(sw_client_now(nullptr), 0);
  EXPECT_FALSE(std::filesystem::exists(DeviceCredentialPath(client.cache())));
}

TEST(SerialActivationArgumentsTest, RefreshAndDeactivateWithoutASerialActivationSaySo) {
  TempDir dir;
  CredentialClient client(dir);
  ASSERT_EQ(client.status(), SW_OK);
  EXPECT_EQ(sw_serial_refresh(client.get()), SW_E_NO_TOKEN);
  EXPECT_NE(std::string(sw_client_last_error(client.get())).find("no serial activation"),
            std::string::npos)
      << sw_client_last_error(client.get());
  EXPECT_EQ(sw_serial_deactivate(client.get()), SW_E_NO_TOKEN);
  EXPECT_NE(std::string(sw_client_last_error(client.get())).find("no serial activation"),
            std::string::npos)
      << sw_client_last_error(client.get());

  // An enrolment credential alone holds no serial activation either.
  std::string error;
  ASSERT_TRUE(StoreDeviceCredential(DeviceCredentialPath(client.cache()),
                                    {"swm_enrolled", "dev_1", client.Fingerprint(), ""}, error))
      << error;
  EXPECT_EQ(sw_serial_refresh(client.get()), SW_E_NO_TOKEN);
}

TEST(EnrolmentTest, NeedsASignedInUser) {
  TempDir dir;
  CredentialClient client(dir);
  ASSERT_EQ(client.status(), SW_OK);
  EXPECT_EQ(sw_device_enroll(client.get()), SW_E_NOT_SIGNED_IN);
  EXPECT_FALSE(std::filesystem::exists(DeviceCredentialPath(client.cache())));
}

TEST(EnrolmentTest, LeaseCallsUseTheCredentialOnlyWhenItBelongsToThisComputer) {
  TempDir dir;
  CredentialClient client(dir);
  ASSERT_EQ(client.status(), SW_OK);
  sw_lease lease{};
  // Nobody signed in and no credential: the user is asked to sign in, nothing goes online.
  EXPECT_EQ(sw_lease_checkout(client.get(), &lease), SW_E_NOT_SIGNED_IN);

  // A credential issued to another computer (a copied cache) is not used.
  std::string error;
  const std::string path = DeviceCredentialPath(client.cache());
  ASSERT_TRUE(StoreDeviceCredential(path, {"swm_other", "dev_9", std::string(64, 'f'), ""}, error));
  EXPECT_EQ(sw_lease_checkout(client.get(), &lease), SW_E_NOT_SIGNED_IN);
  EXPECT_EQ(sw_lease_heartbeat(client.get(), "lease_1", nullptr), SW_E_NOT_SIGNED_IN);

  // This computer's credential is used without a sign-in: the call goes to the server
  // (which does not listen here).
  ASSERT_TRUE(StoreDeviceCredential(path, {"swm_mine", "dev_1", client.Fingerprint(), ""}, error));
  EXPECT_EQ(sw_lease_checkout(client.get(), &lease), SW_E_NETWORK);
  EXPECT_EQ(sw_lease_heartbeat(client.get(), "lease_1", nullptr), SW_E_NETWORK);
  EXPECT_EQ(sw_lease_release(client.get(), "lease_1"), SW_E_NETWORK);
  EXPECT_EQ(sw_lease_borrow(client.get(), "lease_1", 2, &lease), SW_E_NETWORK);
}

TEST(ClockHookTest, UsageEventsWithoutATimeAndSwClientNowFollowTheConfiguredClock) {
  TempDir dir;
  CredentialClient client(dir);
  ASSERT_EQ(client.status(), SW_OK);
  EXPECT_EQ(sw_client_now(client.get()), kIssuedAt);
  ASSERT_EQ(sw_usage_record(client.get(), "start", nullptr, 0), SW_OK);
  client.SetNow(kIssuedAt + 3 * kDay + 90);
  EXPECT_EQ(sw_client_now(client.get()), kIssuedAt + 3 * kDay + 90);
  ASSERT_EQ(sw_usage_record(client.get(), "stop", nullptr, 0), SW_OK);
  // An explicit time still wins over the clock.
  ASSERT_EQ(sw_usage_record(client.get(), "start", nullptr, kIssuedAt - 60), SW_OK);

  std::istringstream lines(ReadText(std::filesystem::path(client.cache()) / "usage-queue.jsonl"));
  std::vector<std::string> times;
  for (std::string line; std::getline(lines, line);) {
    times.emplace_back(boost::json::parse(line).at("at").as_string());
  }
  ASSERT_EQ(times.size(), 3u);
  EXPECT_EQ(times[0], "2027-01-15T08:00:00Z");
  EXPECT_EQ(times[1], "2027-01-18T08:01:30Z");
  EXPECT_EQ(times[2], "2027-01-15T07:59:00Z");
}

TEST(ClockHookTest, AZeroInitialisedConfigUsesTheSystemClock) {
  TempDir dir;
  const SigningKey key("k");
  CClient client(key.Jwks(), dir.path());
  ASSERT_EQ(client.status(), SW_OK);
  const int64_t before = static_cast<int64_t>(std::time(nullptr));
  const int64_t now = sw_client_now(client.get());
  const int64_t after = static_cast<int64_t>(std::time(nullptr));
  EXPECT_GE(now, before);
  EXPECT_LE(now, after);
}

}  // namespace
}  // namespace seatwise::sdk::testing
