#include "service/demo_seed.hpp"

#include <array>
#include <cstdint>
#include <map>

#include <sodium.h>

#include "crypto/password.hpp"

namespace seatwise::service {
namespace {

using core::Access;
using core::ActivationMethod;
using core::LicenseModel;
using core::Result;

constexpr std::string_view kDomain = "@contoso.example";

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

    // Design: a legacy serial-number contract with a Software Coordinator.
    SW_ASSIGN_OR_RETURN(core::Contract serial,
                        Contract(account, design, reseller, "110001234568", "ann",
                                 std::string("dev"), now_ - std::chrono::days(200), 12, 0));
    SW_RETURN_IF_ERROR(Sub(serial, "FRM", {}, {}, 4, Access::kSingleUser,
                           ActivationMethod::kSerialNumber, LicenseModel::kTerm));
    // Design: a multi-user network license and a perpetual license on maintenance.
    SW_ASSIGN_OR_RETURN(core::Contract network,
                        Contract(account, design, reseller, "110001234569", "ann", std::nullopt,
                                 now_ - std::chrono::days(30), 36, 0));
    SW_RETURN_IF_ERROR(Sub(network, "STR", {}, {}, 5, Access::kMultiUser,
                           ActivationMethod::kSerialNumber, LicenseModel::kTerm));
    SW_RETURN_IF_ERROR(Sub(network, "CIV", {}, {}, 2, Access::kSingleUser,
                           ActivationMethod::kSerialNumber, LicenseModel::kPerpetualMaintenance));

    // Plant: its own contract, managed by a Contract Manager who is not the Primary Admin.
    SW_ASSIGN_OR_RETURN(core::Contract plant_contract,
                        Contract(account, plant, reseller, "110001234570", "lea", std::nullopt,
                                 now_ - std::chrono::days(100), 12, 1200));
    SW_ASSIGN_OR_RETURN(auto mot, Sub(plant_contract, "MOT", {}, {}, 6, Access::kSingleUser,
                                      ActivationMethod::kSignIn, LicenseModel::kTerm));
    SW_RETURN_IF_ERROR(Assign(mot, "kim"));
    SW_RETURN_IF_ERROR(Assign(mot, "nia"));

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
};

}  // namespace

Result<DemoSummary> SeedDemo(store::Database& database, store::Repositories& repos,
                             const core::Clock& clock, core::Random& random) {
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
  return database.Transact<DemoSummary>(store::TxMode::kWrite, [&](store::Tx& tx) {
    return Seeder(tx, repos, random, now, hash).Run();
  });
}

}  // namespace seatwise::service
