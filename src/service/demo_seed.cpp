#include "service/demo_seed.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include <sodium.h>

#include "crypto/password.hpp"
#include "crypto/secret_box.hpp"
#include "service/lifecycle.hpp"

namespace seatwise::service {
namespace {

using core::Access;
using core::ActivationMethod;
using core::LicenseModel;
using core::Result;

constexpr std::string_view kDomain = "@contoso.example";
// The seed of every made-up number of the demo's activity.
constexpr std::uint64_t kDemoSeed = 0x5EA7'2027'0001ULL;

struct Person {
  std::string_view key;
  std::string_view first;
  std::string_view last;
  std::string_view email;
  std::string_view roles;
};

// Everyone in the demo. Keys are used below to wire roles; e-mails are what people type.
constexpr std::array<Person, 17> kPeople = {{
    {"operator", "Olivia", "Operator", "operator@seatwise.example", "Operator (publisher)"},
    {"reseller", "Rafael", "Reseller", "rafael@northwind-cad.example",
     "Reseller staff (Northwind CAD Solutions)"},
    {"ann", "Ann", "Archer", "ann", "Contract Manager + Primary Admin (Design)"},
    {"bob", "Bob", "Baker", "bob", "Secondary Admin (Design)"},
    {"cho", "Cho", "Chen", "cho", "Secondary Admin (Design)"},
    {"dev", "Dev", "Desai", "dev", "Software Coordinator (serial contract)"},
    {"eve", "Eve", "Evans", "eve", "User (Design)"},
    {"finn", "Finn", "Fischer", "finn", "User (Design), invited, not yet accepted"},
    {"gia", "Gia", "Greco", "gia", "User (Design)"},
    {"hal", "Hal", "Hughes", "hal", "User (Design and Plant)"},
    {"ivy", "Ivy", "Ito", "ivy", "User (Design)"},
    {"kim", "Kim", "Kowalski", "kim", "Primary Admin (Plant)"},
    {"lea", "Lea", "Laurent", "lea", "Contract Manager (Plant contract)"},
    {"max", "Max", "Moreau", "max", "Secondary Admin (Plant)"},
    {"nia", "Nia", "Novak", "nia", "User (Plant)"},
    {"rosa", "Rosa", "Romero", "rosa@fabrikam-resellers.example",
     "Reseller staff (Fabrikam Resellers)"},
    {"pat", "Pat", "Park", "pat@litware.example",
     "Contract Manager + Primary Admin (Litware, another reseller's customer)"},
}};

std::string EmailOf(const Person& p) {
  std::string email(p.email);
  if (email.find('@') == std::string::npos) email += kDomain;
  return email;
}

// "XXX-XXXXXXXX", the shape of the reference system's serial numbers.
std::string SerialNumber(core::Random& random) {
  std::array<std::uint8_t, 11> bytes{};
  random.Fill(bytes);
  std::string out;
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    if (i == 3) out.push_back('-');
    out.push_back(static_cast<char>('0' + bytes[i] % 10));
  }
  return out;
}

// The sign-in table, without the counts of a fresh seed.
DemoSummary Unseeded() {
  DemoSummary summary;
  summary.password = std::string(kDemoPassword);
  for (const Person& p : kPeople) {
    summary.logins.push_back(
        {EmailOf(p), std::string(p.first) + " " + std::string(p.last), std::string(p.roles)});
  }
  return summary;
}

class Seeder {
 public:
  Seeder(store::Tx& tx, store::Repositories& repos, core::Random& random, core::TimePoint now,
         const std::string& password_hash)
      : tx_(tx), repos_(repos), random_(random), now_(now), password_hash_(password_hash) {}

  Result<DemoSummary> Run() {
    SW_RETURN_IF_ERROR(SeedPeople());
    SW_RETURN_IF_ERROR(SeedCatalog());
    SW_ASSIGN_OR_RETURN(core::Reseller reseller, repos_.accounts->CreateReseller(tx_, [&] {
      core::Reseller r;
      r.name = "Northwind CAD Solutions";
      r.contact_email = "orders@northwind-cad.example";
      r.created_at = r.updated_at = now_;
      return r;
    }()));
    SW_RETURN_IF_ERROR(Link("reseller", [&](core::User& u) { u.reseller_id = reseller.id; }));

    core::Account account;
    account.reseller_id = reseller.id;
    account.company = {
        "Contoso Engineering Ltd", "12 Harbour Road", "Unit 4", "Bristol", "BS1 5TR", "", "GB"};
    account.created_at = account.updated_at = now_;
    SW_ASSIGN_OR_RETURN(account, repos_.accounts->CreateAccount(tx_, account));
    SW_ASSIGN_OR_RETURN(core::Team design, Team(account.id, "Contoso Design"));
    SW_ASSIGN_OR_RETURN(core::Team plant, Team(account.id, "Contoso Plant"));
    account_ = account;
    design_ = design;
    plant_ = plant;

    using R = core::TeamRole;
    for (auto [key, role] : {std::pair{"ann", R::kPrimaryAdmin},
                             {"bob", R::kSecondaryAdmin},
                             {"cho", R::kSecondaryAdmin},
                             {"dev", R::kUser},
                             {"eve", R::kUser},
                             {"finn", R::kUser},
                             {"gia", R::kUser},
                             {"hal", R::kUser},
                             {"ivy", R::kUser}}) {
      SW_RETURN_IF_ERROR(Member(design.id, key, role));
    }
    for (auto [key, role] : {std::pair{"kim", R::kPrimaryAdmin},
                             {"max", R::kSecondaryAdmin},
                             {"lea", R::kUser},
                             {"nia", R::kUser},
                             {"hal", R::kUser}}) {
      SW_RETURN_IF_ERROR(Member(plant.id, key, role));
    }

    const auto year = std::chrono::days(365);
    // Design: a term contract with sign-in seats (product, collection, service), renewing in
    // 80 days so the renewal notices are near.
    SW_ASSIGN_OR_RETURN(core::Contract signin,
                        Contract(account, design, reseller, "110001234567", "ann", std::nullopt,
                                 now_ - year + std::chrono::days(80), 12, 5000));
    SW_ASSIGN_OR_RETURN(auto drl, Sub(signin, "DRL", {}, {}, 10, Access::kSingleUser,
                                      ActivationMethod::kSignIn, LicenseModel::kTerm));
    SW_ASSIGN_OR_RETURN(auto aec, Sub(signin, {}, "AEC", {}, 3, Access::kSingleUser,
                                      ActivationMethod::kSignIn, LicenseModel::kTerm));
    SW_ASSIGN_OR_RETURN(auto rnd, Sub(signin, {}, {}, "RND", 5, Access::kSingleUser,
                                      ActivationMethod::kSignIn, LicenseModel::kTerm));
    // New sign-in seats go to the Primary Admin first; two have been handed on already.
    for (const auto* sub : {&drl, &aec, &rnd}) SW_RETURN_IF_ERROR(Assign(*sub, "ann"));
    for (const char* key : {"eve", "gia", "hal"}) SW_RETURN_IF_ERROR(Assign(drl, key));
    SW_RETURN_IF_ERROR(Assign(aec, "ivy"));
    signin_ = signin;
    drl_ = drl;
    aec_ = aec;
    rnd_ = rnd;

    // Design: a legacy serial-number contract with a Software Coordinator.
    SW_ASSIGN_OR_RETURN(core::Contract serial,
                        Contract(account, design, reseller, "110001234568", "ann",
                                 std::string("dev"), now_ - std::chrono::days(200), 12, 0));
    SW_ASSIGN_OR_RETURN(auto frm, Sub(serial, "FRM", {}, {}, 4, Access::kSingleUser,
                                      ActivationMethod::kSerialNumber, LicenseModel::kTerm));
    // "the contract manager is assigned as the end user by default", as an order leaves it.
    SW_RETURN_IF_ERROR(Assign(frm, "ann"));
    // Design: a multi-user network license and a perpetual license on maintenance.
    SW_ASSIGN_OR_RETURN(core::Contract network,
                        Contract(account, design, reseller, "110001234569", "ann", std::nullopt,
                                 now_ - std::chrono::days(30), 36, 0));
    SW_ASSIGN_OR_RETURN(str_, Sub(network, "STR", {}, {}, 5, Access::kMultiUser,
                                  ActivationMethod::kSerialNumber, LicenseModel::kTerm));
    SW_ASSIGN_OR_RETURN(auto civ,
                        Sub(network, "CIV", {}, {}, 2, Access::kSingleUser,
                            ActivationMethod::kSerialNumber, LicenseModel::kPerpetualMaintenance));
    SW_RETURN_IF_ERROR(Assign(civ, "ann"));

    // Plant: its own contract, managed by a Contract Manager who is not the Primary Admin.
    SW_ASSIGN_OR_RETURN(core::Contract plant_contract,
                        Contract(account, plant, reseller, "110001234570", "lea", std::nullopt,
                                 now_ - std::chrono::days(100), 12, 1200));
    SW_ASSIGN_OR_RETURN(auto mot, Sub(plant_contract, "MOT", {}, {}, 6, Access::kSingleUser,
                                      ActivationMethod::kSignIn, LicenseModel::kTerm));
    SW_RETURN_IF_ERROR(Assign(mot, "kim"));
    SW_RETURN_IF_ERROR(Assign(mot, "nia"));
    plant_contract_ = plant_contract;
    mot_ = mot;

    SW_RETURN_IF_ERROR(SeedOtherReseller());

    DemoSummary summary = Unseeded();
    summary.seeded = true;
    summary.contracts = contracts_;
    summary.subscriptions = subscriptions_;
    summary.users = static_cast<int>(kPeople.size());
    return summary;
  }

 private:
  // A second reseller with a customer of its own, so that cross-customer refusals can be
  // tried against real data.
  Result<void> SeedOtherReseller() {
    SW_ASSIGN_OR_RETURN(core::Reseller fabrikam, repos_.accounts->CreateReseller(tx_, [&] {
      core::Reseller r;
      r.name = "Fabrikam Resellers";
      r.contact_email = "orders@fabrikam-resellers.example";
      r.created_at = r.updated_at = now_;
      return r;
    }()));
    SW_RETURN_IF_ERROR(Link("rosa", [&](core::User& u) { u.reseller_id = fabrikam.id; }));
    core::Account litware;
    litware.reseller_id = fabrikam.id;
    litware.company = {"Litware Inc", "1 Main Street", "", "Springfield", "62701", "IL", "US"};
    litware.created_at = litware.updated_at = now_;
    SW_ASSIGN_OR_RETURN(litware, repos_.accounts->CreateAccount(tx_, litware));
    SW_ASSIGN_OR_RETURN(core::Team team, Team(litware.id, "Litware"));
    SW_RETURN_IF_ERROR(Member(team.id, "pat", core::TeamRole::kPrimaryAdmin));
    SW_ASSIGN_OR_RETURN(core::Contract contract,
                        Contract(litware, team, fabrikam, "110001234571", "pat", std::nullopt,
                                 now_ - std::chrono::days(60), 12, 0));
    SW_ASSIGN_OR_RETURN(auto drl, Sub(contract, "DRL", {}, {}, 2, Access::kSingleUser,
                                      ActivationMethod::kSignIn, LicenseModel::kTerm));
    return Assign(drl, "pat", "pat");
  }

  Result<void> SeedPeople() {
    for (const Person& p : kPeople) {
      core::User user;
      user.email = EmailOf(p);
      user.first_name = p.first;
      user.last_name = p.last;
      const bool invited_only = p.key == "finn";
      user.status = invited_only ? core::UserStatus::kInvited : core::UserStatus::kActive;
      if (!invited_only) user.password_hash = password_hash_;
      user.is_operator = p.key == "operator";
      user.created_at = user.updated_at = now_;
      SW_ASSIGN_OR_RETURN(user, repos_.users->Create(tx_, user));
      users_[std::string(p.key)] = user;
    }
    return core::Ok();
  }

  template <typename F>
  Result<void> Link(const std::string& key, F change) {
    core::User& user = users_.at(key);
    change(user);
    return repos_.users->Update(tx_, user);
  }

  Result<void> SeedCatalog() {
    struct P {
      const char* code;
      const char* name;
      const char* key;
    };
    // Product keys name product and release, as in the reference system ("001K1").
    for (const P& p :
         {P{"DRL", "Draftline", "001R1"}, P{"DRA", "Draftline Architecture", "185R1"},
          P{"DRE", "Draftline Electrical", "225R1"}, P{"DRM", "Draftline Mechanical", "206R1"},
          P{"FRM", "Formwork 3D", "507R1"}, P{"STR", "Structa", "587R1"},
          P{"CIV", "Civilis", "237R1"}, P{"MOT", "Motiva", "A62R1"}}) {
      core::Product product;
      product.code = p.code;
      product.name = p.name;
      product.release = "2027";
      product.description = p.name + std::string(" 2027");
      product.created_at = product.updated_at = now_;
      SW_ASSIGN_OR_RETURN(product, repos_.catalog->CreateProduct(tx_, product));
      products_[p.code] = product.id;
      product_keys_[p.code] = p.key;
    }
    SW_RETURN_IF_ERROR(SeedReleases());
    core::ProductGroup group;
    group.code = "DRL-TS";
    group.name = "Draftline including specialized toolsets";
    group.product_ids = {products_["DRL"], products_["DRA"], products_["DRE"], products_["DRM"]};
    group.created_at = group.updated_at = now_;
    SW_RETURN_IF_ERROR(repos_.catalog->CreateProductGroup(tx_, group));

    core::Collection collection;
    collection.code = "AEC";
    collection.name = "Architecture, Engineering & Construction Collection";
    collection.product_ids = {products_["DRL"], products_["DRA"], products_["FRM"],
                              products_["STR"], products_["CIV"]};
    collection.created_at = collection.updated_at = now_;
    SW_ASSIGN_OR_RETURN(collection, repos_.catalog->CreateCollection(tx_, collection));
    collections_["AEC"] = collection.id;

    for (auto [code, name, kind] :
         {std::tuple{"RND", "Cloud Rendering", core::ServiceKind::kCloud},
          std::tuple{"SUP", "Phone Support", core::ServiceKind::kSupport}}) {
      core::Service service;
      service.code = code;
      service.name = name;
      service.kind = kind;
      service.created_at = service.updated_at = now_;
      SW_ASSIGN_OR_RETURN(service, repos_.catalog->CreateService(tx_, service));
      services_[code] = service.id;
    }
    return core::Ok();
  }

  // Every product's 2027 release and its first update, with made-up installers whose
  // checksums are those of a fixed text per file.
  Result<void> SeedReleases() {
    constexpr std::int64_t kReleaseDay = 1'775'001'600'000;  // 2026-04-01T00:00:00Z
    constexpr std::int64_t kUpdateDay = 1'787'011'200'000;   // 2026-08-18T00:00:00Z
    std::int64_t size = 1'400'000'000;
    for (const auto& [code, product_id] : products_) {
      for (const bool update : {false, true}) {
        core::ProductRelease r;
        r.product_id = product_id;
        r.version = update ? "2027.1" : "2027";
        r.kind = update ? core::ReleaseKind::kUpdate : core::ReleaseKind::kRelease;
        const std::string file = code + (update ? "_2027_1_Update.exe" : "_2027_Setup.exe");
        r.title = update ? code + " 2027.1 Update" : code + " 2027";
        r.released_at = core::FromUnixMillis(update ? kUpdateDay : kReleaseDay);
        r.download_url =
            "https://downloads.seatwise.example/" + code + "/" + r.version + "/" + file;
        r.sha256 = DemoSha256("seatwise demo installer " + file);
        r.size_bytes = update ? size / 7 : size;
        r.notes = update ? "Fixes and performance improvements." : "";
        r.created_at = now_;
        SW_RETURN_IF_ERROR(repos_.catalog->CreateRelease(tx_, r));
      }
      size += 137'000'000;
    }
    return core::Ok();
  }

  static std::string DemoSha256(const std::string& text) {
    std::array<unsigned char, crypto_hash_sha256_BYTES> digest{};
    crypto_hash_sha256(digest.data(), reinterpret_cast<const unsigned char*>(text.data()),
                       text.size());
    constexpr std::string_view kHex = "0123456789abcdef";
    std::string out;
    for (unsigned char b : digest) {
      out.push_back(kHex[b >> 4]);
      out.push_back(kHex[b & 0xF]);
    }
    return out;
  }

  Result<core::Team> Team(const std::string& account_id, const std::string& name) {
    core::Team team;
    team.account_id = account_id;
    team.name = name;
    team.created_at = team.updated_at = now_;
    return repos_.accounts->CreateTeam(tx_, team);
  }

  Result<void> Member(const std::string& team_id, const std::string& key, core::TeamRole role) {
    const core::User& user = users_.at(key);
    core::Membership m;
    m.team_id = team_id;
    m.user_id = user.id;
    m.role = role;
    m.status = user.status == core::UserStatus::kActive ? core::MembershipStatus::kActive
                                                        : core::MembershipStatus::kInvited;
    m.created_at = m.updated_at = now_;
    if (m.status == core::MembershipStatus::kActive) m.accepted_at = now_;
    return repos_.users->AddMembership(tx_, m);
  }

  Result<core::Contract> Contract(const core::Account& account, const core::Team& team,
                                  const core::Reseller& reseller, const std::string& number,
                                  const std::string& cm_key,
                                  const std::optional<std::string>& sc_key, core::TimePoint start,
                                  int term_months, std::int64_t credits) {
    core::Contract c;
    c.number = number;
    c.subscription_ref = "SUB-" + number.substr(number.size() - 6);
    c.account_id = account.id;
    c.team_id = team.id;
    c.reseller_id = reseller.id;
    c.contract_manager_id = users_.at(cm_key).id;
    if (sc_key) c.software_coordinator_id = users_.at(*sc_key).id;
    c.starts_at = start;
    c.ends_at = start + std::chrono::days(term_months * 365 / 12);
    c.term_months = term_months;
    c.credit_balance = credits;
    c.company = account.company;
    c.created_at = c.updated_at = now_;
    ++contracts_;
    return repos_.contracts->CreateContract(tx_, c);
  }

  Result<core::Subscription> Sub(const core::Contract& contract, const std::string& product,
                                 const std::string& collection, const std::string& service,
                                 int seats, Access access, ActivationMethod activation,
                                 LicenseModel model) {
    core::Subscription s;
    s.contract_id = contract.id;
    if (!product.empty()) s.product_id = products_.at(product);
    if (!collection.empty()) s.collection_id = collections_.at(collection);
    if (!service.empty()) s.service_id = services_.at(service);
    s.seats = seats;
    s.access = access;
    s.activation = activation;
    s.model = model;
    if (activation == ActivationMethod::kSerialNumber) {
      s.serial_number = SerialNumber(random_);
      s.product_key = product_keys_.at(product);
    }
    s.created_at = s.updated_at = now_;
    ++subscriptions_;
    return repos_.contracts->CreateSubscription(tx_, s);
  }

  Result<void> Assign(const core::Subscription& sub, const std::string& key,
                      const std::string& by = "ann") {
    core::Assignment a;
    a.subscription_id = sub.id;
    a.user_id = users_.at(key).id;
    a.assigned_by = users_.at(by).id;
    a.assigned_at = now_;
    SW_RETURN_IF_ERROR(repos_.assignments->AssignSeat(tx_, a));
    return core::Ok();
  }

 public:
  // Everything the demo's people did over the twelve months before now, written in this
  // seeder's transaction. Audit entries are collected in `audit` (appended later, in time
  // order, around the renewal notice).
  Result<void> SeedActivity(const DemoOptions& options, std::vector<core::AuditEntry>& audit,
                            DemoSummary& summary) {
    audit_ = &audit;
    summary_ = &summary;
    SW_RETURN_IF_ERROR(SeedDevices());
    SW_RETURN_IF_ERROR(SeedUsage());
    SW_RETURN_IF_ERROR(SeedLeases());
    SW_RETURN_IF_ERROR(SeedInvitation());
    SW_RETURN_IF_ERROR(SeedWebhook(options));
    SeedHistoryAudit();
    return RollUpUsage();
  }

  // The contract whose renewal notice the demo has already sent.
  const core::Contract& RenewingContract() const { return signin_; }

 private:
  using Minutes = std::chrono::minutes;
  using Days = std::chrono::days;

  // A computer of the demo: who uses it and when it last checked in (nullopt: never).
  struct DemoDevice {
    std::string_view asset;
    std::string_view team;  // "design" or "plant"
    std::string_view user;  // the person who uses it; empty for a shared one
    std::string_view os;
    std::string_view version;
    std::optional<Minutes> last_seen_ago;
  };

  core::TimePoint Ago(Days d, Minutes m = Minutes(0)) const { return now_ - d - m; }

  void AddAudit(core::TimePoint at, const std::string& actor_key, std::string_view role,
                std::string_view action, std::string_view target_type, const std::string& target_id,
                const core::Team* team, std::string detail,
                core::AuditOutcome outcome = core::AuditOutcome::kAllowed) {
    core::AuditEntry e;
    e.at = at;
    if (!actor_key.empty()) e.actor_id = users_.at(actor_key).id;
    e.actor_role = role;
    e.action = action;
    e.target_type = target_type;
    e.target_id = target_id;
    if (team) {
      e.team_id = team->id;
      e.account_id = team->account_id;
    }
    e.ip = actor_key.empty() ? "" : "203.0.113." + std::to_string(10 + dice_.Between(0, 80));
    e.request_id = "demo-" + std::to_string(audit_->size() + 1);
    e.outcome = outcome;
    e.detail = std::move(detail);
    audit_->push_back(std::move(e));
  }

  Result<void> SeedDevices() {
    constexpr std::array<DemoDevice, 12> kDevices = {{
        {"CAD-WS-ANN", "design", "ann", "Windows 11 Pro", "2027.1", Minutes(2)},
        {"CAD-WS-EVE", "design", "eve", "Windows 11 Pro", "2027.1", Minutes(6)},
        {"CAD-LT-BOB", "design", "bob", "Windows 11 Pro", "2027.1", Minutes(60 * 26)},
        {"CAD-WS-CHO", "design", "cho", "Windows 11 Pro", "2027.1", Minutes(3)},
        {"CAD-LT-GIA", "design", "gia", "macOS 15", "2027.1", Minutes(60 * 50)},
        {"CAD-WS-HAL", "design", "hal", "Windows 10 Pro", "2027", Minutes(60 * 24 * 9)},
        {"CAD-WS-DEV", "design", "dev", "Windows 10 Pro", "2027", Minutes(60 * 24 * 41)},
        {"CAD-WS-07", "design", "", "Windows 10 Pro", "2027", Minutes(60 * 24 * 95)},
        {"PLOTTER-PC", "design", "", "Windows 11 Pro", "2027", std::nullopt},
        {"PLANT-WS-KIM", "plant", "kim", "Windows 11 Pro", "2027.1", Minutes(4)},
        {"PLANT-WS-NIA", "plant", "nia", "Windows 11 Pro", "2027.1", Minutes(60 * 70)},
        {"PLANT-LAB-02", "plant", "", "Windows 10 Pro", "2027", Minutes(60 * 24 * 52)},
    }};
    int n = 0;
    for (const DemoDevice& d : kDevices) {
      const core::Team& team = d.team == "design" ? design_ : plant_;
      core::Device device;
      device.team_id = team.id;
      device.fingerprint_hash = DemoSha256("seatwise demo device " + std::string(d.asset));
      device.asset_name = d.asset;
      device.os = d.os;
      device.app_version = d.version;
      device.registered_at = Ago(Days(400 - 9 * n++));
      device.updated_at = device.registered_at;
      SW_ASSIGN_OR_RETURN(device, repos_.devices->Register(tx_, device));
      const std::string owner =
          d.user.empty() ? (d.team == "design" ? "hal" : "kim") : std::string(d.user);
      AddAudit(device.registered_at, owner, "user", "device.register", "device", device.id, &team,
               "registered " + std::string(d.asset));
      if (d.last_seen_ago) {
        const core::TimePoint seen = now_ - *d.last_seen_ago;
        SW_RETURN_IF_ERROR(repos_.devices->CheckIn(
            tx_, device.id, users_.at(owner).id, std::string(d.version), std::string(d.os), seen));
        if (!d.user.empty()) last_seen_[std::string(d.user)] = seen;
      }
      if (!d.user.empty()) devices_[std::string(d.user)] = device.id;
      ++summary_->devices;
    }
    return core::Ok();
  }

  // The start (and stop, when it ended) of one session of `product` under `sub`.
  void Session(std::vector<core::UsageEvent>& events, const std::string& user,
               const core::Subscription& sub, const std::string& product, core::TimePoint start,
               std::optional<core::TimePoint> stop) {
    core::UsageEvent e;
    e.device_id = devices_.at(user);
    e.user_id = users_.at(user).id;
    e.product_id = products_.at(product);
    e.subscription_id = sub.id;
    e.kind = core::UsageKind::kStart;
    e.at = start;
    e.received_at = start + Minutes(1);
    e.client_event_id = "demo-" + std::to_string(++client_events_);
    events.push_back(e);
    if (!stop) return;
    e.kind = core::UsageKind::kStop;
    e.at = *stop;
    e.received_at = *stop + Minutes(1);
    e.duration_seconds = std::chrono::duration_cast<std::chrono::seconds>(*stop - start).count();
    e.client_event_id = "demo-" + std::to_string(++client_events_);
    events.push_back(e);
  }

  static bool Weekday(core::TimePoint day) {
    const std::chrono::weekday wd{std::chrono::floor<Days>(day)};
    return wd != std::chrono::Saturday && wd != std::chrono::Sunday;
  }

  // Sign-in seats used on working days over the twelve months (Plant's since its contract
  // began), cloud rendering paid in credits, and a session open right now so that "this
  // month" has usage whatever the day. Ivy's use is left to the browser tests, which count it.
  Result<void> SeedUsage() {
    struct Habit {
      const char* user;
      const core::Subscription* sub;
      std::array<const char*, 2> products;  // the second may be null
      int percent;                          // chance of a session on a working day
      int since_days;
    };
    const std::array<Habit, 7> habits = {{
        {"ann", &drl_, {"DRL", nullptr}, 45, 365},
        {"ann", &aec_, {"DRA", "FRM"}, 25, 365},
        {"eve", &drl_, {"DRL", nullptr}, 60, 365},
        {"gia", &drl_, {"DRL", nullptr}, 40, 365},
        {"hal", &drl_, {"DRL", nullptr}, 30, 365},
        {"kim", &mot_, {"MOT", nullptr}, 35, 100},
        {"nia", &mot_, {"MOT", nullptr}, 60, 100},
    }};
    const core::TimePoint today = std::chrono::floor<Days>(now_);
    std::vector<core::UsageEvent> events;
    std::vector<core::CreditEntry> credits;
    for (int ago = 365; ago >= 0; --ago) {
      const core::TimePoint day = today - Days(ago);
      if (!Weekday(day)) continue;
      for (const Habit& h : habits) {
        if (ago > h.since_days || !dice_.Chance(h.percent)) continue;
        const char* product = h.products[1] && dice_.Chance(40) ? h.products[1] : h.products[0];
        const core::TimePoint start = day + Minutes(7 * 60 + dice_.Between(0, 8 * 60));
        const core::TimePoint stop = start + Minutes(dice_.Between(20, 240));
        auto seen = last_seen_.find(h.user);
        if (stop >= now_ || (seen != last_seen_.end() && stop > seen->second)) continue;
        Session(events, h.user, *h.sub, product, start, stop);
      }
      // Ann renders in the cloud every other week or so (the contract's ledger lists oldest
      // first, 50 a page: the year stays on its first page, with room for what people add).
      if (dice_.Chance(13)) {
        const core::TimePoint at = day + Minutes(12 * 60 + dice_.Between(0, 5 * 60));
        if (at >= now_) continue;
        core::UsageEvent e;
        e.id = core::NewId(random_, core::id_prefix::kUsageEvent);
        e.device_id = devices_.at("ann");
        e.user_id = users_.at("ann").id;
        e.service_id = services_.at("RND");
        e.subscription_id = rnd_.id;
        e.kind = core::UsageKind::kCredit;
        e.credits = dice_.Between(10, 60);
        e.at = at;
        e.received_at = at + Minutes(1);
        e.client_event_id = "demo-" + std::to_string(++client_events_);
        core::CreditEntry c;
        c.contract_id = signin_.id;
        c.user_id = e.user_id;
        c.service_id = e.service_id;
        c.actor_id = e.user_id;
        c.usage_event_id = e.id;
        c.amount = -e.credits;
        c.reason = core::CreditReason::kConsumption;
        c.note = "Cloud Rendering";
        c.at = at;
        events.push_back(std::move(e));
        credits.push_back(std::move(c));
      }
    }
    // A session open now (started this month, not stopped yet).
    const core::TimePoint month = [&] {
      const std::chrono::year_month_day ymd{std::chrono::floor<Days>(now_)};
      return core::TimePoint(std::chrono::sys_days(ymd.year() / ymd.month() / 1));
    }();
    Session(events, "ann", drl_, "DRL", std::max(month, now_ - Minutes(40)), std::nullopt);

    std::stable_sort(events.begin(), events.end(),
                     [](const auto& a, const auto& b) { return a.at < b.at; });
    SW_ASSIGN_OR_RETURN(int recorded, repos_.usage->RecordEvents(tx_, events));
    summary_->usage_events += recorded;
    // A top-up half a year ago, then the consumption in time order.
    core::CreditEntry purchase;
    purchase.contract_id = signin_.id;
    purchase.actor_id = users_.at("ann").id;
    purchase.amount = 1000;
    purchase.reason = core::CreditReason::kPurchase;
    purchase.note = "PO-2026-031";
    purchase.at = today - Days(182) + Minutes(10 * 60);
    credits.push_back(purchase);
    std::stable_sort(credits.begin(), credits.end(),
                     [](const auto& a, const auto& b) { return a.at < b.at; });
    for (const core::CreditEntry& c : credits) {
      SW_RETURN_IF_ERROR(repos_.usage->AddCreditEntry(tx_, c, false));
      ++summary_->credit_entries;
    }
    AddAudit(purchase.at, "ann", "contract_manager", "credit.purchase", "contract", signin_.id,
             &design_, "bought 1000 cloud credits (PO-2026-031)");
    return core::Ok();
  }

  // The Structa pool (5 floating seats, since its contract began 30 days ago): most working
  // days a few people, three crunch days when seven want a seat at once (refusals), Bob's
  // laptop holding a borrowed seat, two seats held right now. Sessions that ended are
  // released at their end, as the lease-reaping job leaves them.
  Result<void> SeedLeases() {
    struct Want {
      std::string user;
      core::TimePoint start;
      core::TimePoint end;
      std::optional<core::TimePoint> borrowed_until;
    };
    std::vector<Want> wants;
    const core::TimePoint today = std::chrono::floor<Days>(now_);
    int weekdays = 0;
    for (int ago = 29; ago >= 1; --ago) {
      const core::TimePoint day = today - Days(ago);
      if (!Weekday(day)) continue;
      // About once a week (before Hal's computer went quiet) everyone needs Structa at once.
      const bool crunch = ago >= 10 && weekdays++ % 5 == 2;
      for (const char* user : {"bob", "cho", "gia", "hal", "eve", "ann", "dev"}) {
        const std::string who(user);
        const bool regular = who == "bob" || who == "cho" || who == "gia" || who == "hal";
        if (!crunch && !(regular && dice_.Chance(55))) continue;
        const core::TimePoint start =
            day + Minutes((crunch ? 8 * 60 + 30 : 7 * 60) + dice_.Between(0, crunch ? 40 : 360));
        const core::TimePoint end = start + Minutes(dice_.Between(crunch ? 300 : 45, 420));
        auto seen = last_seen_.find(who);
        if (seen != last_seen_.end() && end > seen->second) continue;
        wants.push_back({who, start, end, std::nullopt});
      }
    }
    // Bob borrowed a seat for a site visit three days ago; Cho and Eve hold one now.
    const core::TimePoint borrowed_at = today - Days(3) + Minutes(17 * 60);
    if (borrowed_at < now_) {
      wants.push_back({"bob", borrowed_at, borrowed_at + Minutes(10), now_ + Days(11)});
    }
    wants.push_back({"cho", now_ - Minutes(95), now_ + Minutes(4), std::nullopt});
    wants.push_back({"eve", now_ - Minutes(50), now_ + Minutes(4), std::nullopt});
    std::stable_sort(wants.begin(), wants.end(),
                     [](const Want& a, const Want& b) { return a.start < b.start; });

    std::vector<core::UsageEvent> events;
    for (const Want& w : wants) {
      core::Lease lease;
      lease.subscription_id = str_.id;
      lease.product_id = products_.at("STR");
      lease.device_id = devices_.at(w.user);
      lease.user_id = users_.at(w.user).id;
      lease.user_name = w.user;
      lease.host = "cad-" + w.user + ".contoso.local";
      lease.checked_out_at = w.start;
      lease.expires_at = w.end;
      lease.borrowed_until = w.borrowed_until;
      SW_ASSIGN_OR_RETURN(store::LeaseCheckout out, repos_.leases->Checkout(tx_, lease));
      if (!out.granted) {
        ++summary_->lease_denials;
        continue;
      }
      ++summary_->leases;
      if (w.borrowed_until) {
        AddAudit(w.start + Minutes(1), w.user, "user", "lease.borrow", "lease", out.lease->id,
                 &design_, "borrowed a Structa seat for 14 days");
      }
      const bool ended = w.end < now_ && !w.borrowed_until;
      Session(events, w.user, str_, "STR", w.start,
              ended ? std::optional<core::TimePoint>(w.end) : std::nullopt);
    }
    SW_RETURN_IF_ERROR(repos_.leases->ReapExpired(tx_, now_));
    std::stable_sort(events.begin(), events.end(),
                     [](const auto& a, const auto& b) { return a.at < b.at; });
    SW_ASSIGN_OR_RETURN(int recorded, repos_.usage->RecordEvents(tx_, events));
    summary_->usage_events += recorded;
    return core::Ok();
  }

  // The daily rollup the reports read, as the usage_rollup job leaves it: every event added
  // up, its cursor past the last one (so the job never counts them twice).
  Result<void> RollUpUsage() {
    const std::string job = "usage_rollup";
    const std::string owner = "demo-seed";
    SW_ASSIGN_OR_RETURN(bool locked, repos_.jobs->TryLock(tx_, job, owner, now_, Minutes(1)));
    if (!locked) return core::MakeError(core::ErrorCode::kInternal, "usage_rollup is locked");
    std::int64_t cursor = 0;
    for (;;) {
      SW_ASSIGN_OR_RETURN(std::int64_t next, repos_.usage->RollUp(tx_, cursor, 10'000));
      if (next == cursor) break;
      cursor = next;
    }
    return repos_.jobs->Finish(tx_, job, owner, "ok", std::to_string(cursor), now_);
  }

  // Finn was invited two days ago and has not answered yet.
  Result<void> SeedInvitation() {
    const core::TimePoint sent = now_ - Days(2) + Minutes(0);
    std::array<std::uint8_t, 16> token{};
    for (auto& b : token) b = static_cast<std::uint8_t>(dice_.Between(0, 255));
    core::Invitation invitation;
    invitation.team_id = design_.id;
    invitation.user_id = users_.at("finn").id;
    invitation.token_hash = DemoSha256("seatwise demo invitation " +
                                       std::string(token.begin(), token.end()));  // never sent
    invitation.invited_by = users_.at("ann").id;
    invitation.created_at = sent;
    invitation.expires_at = sent + Days(7);
    SW_RETURN_IF_ERROR(repos_.auth->CreateInvitation(tx_, invitation));
    AddAudit(sent, "ann", "primary_admin", "user.invite", "user", users_.at("finn").email, &design_,
             "invited Finn Fischer");
    return core::Ok();
  }

  // Contoso Plant's integration endpoint (Kim's team, so the Design team's own webhook page
  // starts empty): deliveries recorded as the delivery job leaves them, delivered at once,
  // delivered on a retry, and one that failed for good. Nothing is sent.
  Result<void> SeedWebhook(const DemoOptions& options) {
    core::WebhookEndpoint endpoint;
    endpoint.team_id = plant_.id;
    endpoint.url = "https://hooks.contoso.example/seatwise";
    endpoint.secret_sealed =
        crypto::Seal(options.sealing_key, "whsec_" + core::RandomBase32(random_, 32), random_);
    endpoint.events = {"seat.assigned", "seat.unassigned", "user.invited", "contract.expiring",
                       "test.ping"};
    endpoint.active = true;
    endpoint.created_by = users_.at("kim").id;
    endpoint.created_at = endpoint.updated_at = Ago(Days(40));
    SW_ASSIGN_OR_RETURN(endpoint, repos_.webhooks->CreateEndpoint(tx_, endpoint));
    AddAudit(endpoint.created_at, "kim", "primary_admin", "webhook.create", "webhook_endpoint",
             endpoint.id, &plant_, endpoint.url);

    struct Attempt {
      const char* event;
      int days_ago;
      std::array<int, 3> statuses;  // each attempt's HTTP status; 0: no more attempts
    };
    const std::array<Attempt, 6> attempts = {{
        {"test.ping", 40, {200, 0, 0}},
        {"seat.assigned", 33, {200, 0, 0}},
        {"user.invited", 21, {503, 200, 0}},
        {"seat.assigned", 12, {200, 0, 0}},
        {"seat.unassigned", 6, {502, 503, 504}},
        {"seat.assigned", 1, {200, 0, 0}},
    }};
    int n = 0;
    for (const Attempt& a : attempts) {
      const core::TimePoint at = Ago(Days(a.days_ago), Minutes(90));
      core::WebhookDelivery d;
      d.endpoint_id = endpoint.id;
      d.event_key = "demo-webhook-" + std::to_string(++n);
      d.event_type = a.event;
      d.payload_json = std::string("{\"user_id\":\"") + users_.at("nia").id + "\"}";
      d.next_attempt_at = at;
      d.created_at = at;
      d.id = core::NewId(random_, core::id_prefix::kWebhookDelivery);
      const std::string id = d.id;
      SW_RETURN_IF_ERROR(repos_.webhooks->EnqueueDelivery(tx_, d));
      for (std::size_t i = 0; i < a.statuses.size() && a.statuses[i] != 0; ++i) {
        const core::TimePoint tried = at + Minutes(static_cast<int>(i) * 5 + 1);
        if (a.statuses[i] == 200) {
          SW_RETURN_IF_ERROR(repos_.webhooks->MarkDelivered(tx_, id, 200, tried));
          break;
        }
        const bool last = i + 1 == a.statuses.size() || a.statuses[i + 1] == 0;
        SW_RETURN_IF_ERROR(repos_.webhooks->MarkDeliveryFailed(
            tx_, id, a.statuses[i], "the endpoint answered HTTP " + std::to_string(a.statuses[i]),
            last ? std::nullopt : std::optional<core::TimePoint>(tried + Minutes(5))));
      }
      ++summary_->webhook_deliveries;
    }
    return core::Ok();
  }

  // What the audit log shows of how the instance came to be: the reseller's orders, the
  // people invited and the seats handed out, and one refused attempt.
  void SeedHistoryAudit() {
    AddAudit(signin_.starts_at - Days(3), "reseller", "reseller", "order.create", "contract",
             signin_.id, &design_, "order for contract " + signin_.number);
    AddAudit(plant_contract_.starts_at - Days(2), "reseller", "reseller", "order.create",
             "contract", plant_contract_.id, &plant_,
             "order for contract " + plant_contract_.number);
    int n = 0;
    for (const char* key : {"bob", "cho", "dev", "eve", "gia", "hal", "ivy"}) {
      AddAudit(Ago(Days(300 - 11 * n++)), "ann", "primary_admin", "user.invite", "user",
               users_.at(key).email, &design_, "invited " + users_.at(key).first_name);
    }
    for (const char* key : {"max", "lea", "nia", "hal"}) {
      AddAudit(Ago(Days(95 - 7 * n++)), "kim", "primary_admin", "user.invite", "user",
               users_.at(key).email, &plant_, "invited " + users_.at(key).first_name);
    }
    AddAudit(Ago(Days(5), Minutes(200)), "gia", "user", "audit.list", "team", design_.id, &design_,
             "only the team's administrators can read its audit log", core::AuditOutcome::kDenied);
    // The seats held now were handed out as the seed ran.
    for (const auto& [sub, key] :
         std::vector<std::pair<const core::Subscription*, std::string>>{{&drl_, "ann"},
                                                                        {&aec_, "ann"},
                                                                        {&rnd_, "ann"},
                                                                        {&drl_, "eve"},
                                                                        {&drl_, "gia"},
                                                                        {&drl_, "hal"},
                                                                        {&aec_, "ivy"}}) {
      AddAudit(now_, "ann", "primary_admin", "assignment.create", "subscription", sub->id, &design_,
               "seat for " + users_.at(key).email);
    }
    for (const char* key : {"kim", "nia"}) {
      AddAudit(now_, "kim", "primary_admin", "assignment.create", "subscription", mot_.id, &plant_,
               "seat for " + users_.at(key).email);
    }
  }

  // A fixed-seed generator for the made-up activity (splitmix64): the same draws on every
  // run, whatever the injected Random gives the ids.
  class Dice {
   public:
    explicit Dice(std::uint64_t seed) : state_(seed) {}
    std::uint64_t Next() {
      std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
      z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
      z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
      return z ^ (z >> 31);
    }
    int Between(int low, int high) {  // inclusive
      return low + static_cast<int>(Next() % static_cast<std::uint64_t>(high - low + 1));
    }
    bool Chance(int percent) { return Between(1, 100) <= percent; }

   private:
    std::uint64_t state_;
  };

  store::Tx& tx_;
  store::Repositories& repos_;
  core::Random& random_;
  core::TimePoint now_;
  const std::string& password_hash_;
  std::map<std::string, core::User> users_;
  std::map<std::string, std::string> products_;
  std::map<std::string, std::string> product_keys_;
  std::map<std::string, std::string> collections_;
  std::map<std::string, std::string> services_;
  int contracts_ = 0;
  int subscriptions_ = 0;
  core::Account account_;
  core::Team design_;
  core::Team plant_;
  core::Contract signin_;
  core::Contract plant_contract_;
  core::Subscription drl_;
  core::Subscription aec_;
  core::Subscription rnd_;
  core::Subscription str_;
  core::Subscription mot_;
  Dice dice_{kDemoSeed};
  std::vector<core::AuditEntry>* audit_ = nullptr;
  DemoSummary* summary_ = nullptr;
  std::map<std::string, std::string> devices_;  // person key -> their computer
  std::map<std::string, core::TimePoint> last_seen_;
  int client_events_ = 0;
};

// The clock of a step the demo replays at a past instant.
class FixedClock final : public core::Clock {
 public:
  explicit FixedClock(core::TimePoint at) : at_(at) {}
  core::TimePoint Now() const override { return at_; }

 private:
  core::TimePoint at_;
};

Result<void> AppendAudit(store::Tx& tx, store::Repositories& repos,
                         const std::vector<core::AuditEntry>& entries) {
  for (const core::AuditEntry& entry : entries) SW_RETURN_IF_ERROR(repos.audit->Append(tx, entry));
  return core::Ok();
}

}  // namespace

Result<DemoSummary> SeedDemo(store::Database& database, store::Repositories& repos,
                             const core::Clock& clock, core::Random& random,
                             const DemoOptions& options) {
  SW_ASSIGN_OR_RETURN(
      auto existing,
      database.Transact<store::Page<core::Account>>(store::TxMode::kRead, [&](store::Tx& tx) {
        return repos.accounts->ListAccounts(tx, std::nullopt, store::PageRequest{"", 1});
      }));
  if (!existing.items.empty()) return Unseeded();
  // Hash outside the transaction: Argon2id is deliberately slow. Every demo person has the
  // same published password, so one hash serves them all.
  SW_ASSIGN_OR_RETURN(const std::string hash, crypto::HashPassword(kDemoPassword));
  const core::TimePoint now = clock.Now();
  std::vector<core::AuditEntry> audit;
  std::optional<core::Contract> renewing;
  SW_ASSIGN_OR_RETURN(DemoSummary summary,
                      database.Transact<DemoSummary>(
                          store::TxMode::kWrite, [&](store::Tx& tx) -> Result<DemoSummary> {
                            audit.clear();
                            Seeder seeder(tx, repos, random, now, hash);
                            SW_ASSIGN_OR_RETURN(DemoSummary seeded, seeder.Run());
                            if (!options.activity) return seeded;
                            SW_RETURN_IF_ERROR(seeder.SeedActivity(options, audit, seeded));
                            renewing = seeder.RenewingContract();
                            // The audit trail in time order, up to the renewal notice, which comes
                            // next.
                            std::stable_sort(
                                audit.begin(), audit.end(),
                                [](const auto& a, const auto& b) { return a.at < b.at; });
                            const auto notice_at =
                                renewing->ends_at - std::chrono::days(kRenewalNoticeDays.front());
                            std::vector<core::AuditEntry> before;
                            for (const auto& entry : audit) {
                              if (entry.at < notice_at) before.push_back(entry);
                            }
                            SW_RETURN_IF_ERROR(AppendAudit(tx, repos, before));
                            return seeded;
                          }));
  if (!options.activity) return summary;

  // The renewal notice of the Design contract went out when 90 days were left: the renewal
  // job itself, run at that instant, writes it (e-mail, webhook event, audit entry) ...
  const core::TimePoint notice_at =
      renewing->ends_at - std::chrono::days(kRenewalNoticeDays.front());
  FixedClock then(notice_at);
  const Deps deps{database, repos, then, random};
  SW_ASSIGN_OR_RETURN(int notices, LifecycleService(deps).SendRenewalNotices(notice_at));
  if (notices != 1) {
    return core::MakeError(
        core::ErrorCode::kInternal,
        "the demo expected one renewal notice, the job queued " + std::to_string(notices));
  }
  // ... and the mail delivery job sent it a minute later; then the rest of the audit trail.
  auto finish = [&](store::Tx& tx) -> Result<void> {
    SW_ASSIGN_OR_RETURN(auto mail, repos.outbox->FindByEventKey(
                                       tx, RenewalNoticeKey(renewing->id, renewing->ends_at,
                                                            kRenewalNoticeDays.front())));
    if (!mail) return core::MakeError(core::ErrorCode::kInternal, "the renewal notice is missing");
    SW_RETURN_IF_ERROR(repos.outbox->MarkSent(tx, mail->id, notice_at + std::chrono::minutes(1)));
    std::vector<core::AuditEntry> after;
    for (const auto& entry : audit) {
      if (entry.at >= notice_at) after.push_back(entry);
    }
    return AppendAudit(tx, repos, after);
  };
  SW_RETURN_IF_ERROR(database.Transact(store::TxMode::kWrite, finish));
  summary.audit_entries = static_cast<int>(audit.size()) + 1;
  return summary;
}

}  // namespace seatwise::service
