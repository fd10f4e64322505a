#include "crypto/password_policy.hpp"

#include <algorithm>
#include <cctype>
#include <iterator>
#include <string>

namespace seatwise::crypto {
namespace {

// Whole passwords seen at the top of every leaked-password ranking, lowercase. Entries
// shorter than the minimum length are not listed: the length rule refuses them already.
constexpr std::string_view kCommonPasswords[] = {
    "1234567890",     "0987654321",       "12345678910",      "123456789a",     "a123456789",
    "1234567890a",    "1q2w3e4r5t",       "1q2w3e4r5t6y",     "q1w2e3r4t5",     "q1w2e3r4t5y6",
    "1qaz2wsx3edc",   "zaq12wsxcde3",     "qazwsxedcrfv",     "zaq1zaq1zaq1",   "qwertyuiop",
    "qwertyuiop[]",   "asdfghjkl;",       "asdfghjkl1",       "zxcvbnm,./",     "zxcvbnm123",
    "qwerty1234",     "qwerty12345",      "qwerty123456",     "qwertyui12",     "qwertyuiop1",
    "qwertyuiop123",  "1234qwerasdf",     "1234qwer!@#$",     "asdf1234asdf",   "asdfasdfasdf",
    "qweasdzxc123",   "qweasdzxc1",       "123qweasdzxc",     "1qazxsw23edc",   "!qaz2wsx#edc",
    "1q2w3e4r5t6y7u", "password10",       "password11",       "password12",     "password123",
    "password1234",   "password12345",    "password123!",     "password!1",     "password01",
    "password99",     "password2020",     "password2021",     "password2022",   "password2023",
    "password2024",   "password2025",     "password2026",     "passw0rd12",     "p@ssw0rd123",
    "p@ssword123",    "passwordpassword", "mypassword1",      "mypassword123",  "newpassword",
    "newpassword1",   "changeme123",      "changemenow",      "changeme2024",   "temppassword",
    "temp123456",     "welcome123",       "welcome1234",      "welcome2024",    "welcome2025",
    "welcome2026",    "welcometo1",       "iloveyou12",       "iloveyou123",    "iloveyou1234",
    "iloveyou!!",     "iloveyoubaby",     "iloveyou2",        "iloveyousomuch", "letmein123",
    "letmein1234",    "letmeinnow",       "trustno1trustno1", "trustnoone",     "admin12345",
    "admin123456",    "administrator",    "administrator1",   "adminadmin",     "adminpassword",
    "rootpassword",   "root123456",       "superuser1",       "supervisor",     "sunshine12",
    "sunshine123",    "princess12",       "princess123",      "football12",     "football123",
    "baseball12",     "baseball123",      "basketball",       "basketball1",    "basketball23",
    "soccer1234",     "hockey1234",       "starwars12",       "starwars123",    "pokemon123",
    "pokemon1234",    "superman12",       "superman123",      "batman1234",     "spiderman1",
    "spiderman12",    "1234554321",       "1122334455",       "1111122222",     "1212121212",
    "1231231234",     "1234512345",       "1234567899",       "1234567891",     "0123456789",
    "9876543210",     "1357924680",       "0000000000",       "1111111111",     "2222222222",
    "5555555555",     "6666666666",       "7777777777",       "8888888888",     "9999999999",
    "0102030405",     "1029384756",       "147258369a",       "1472583690",     "3692581470",
    "7894561230",     "abcdefghij",       "abcdefg123",       "abcd123456",     "abc1234567",
    "abcabcabcabc",   "aaaaaaaaaa",       "abc123abc123",     "monkey1234",     "dragon1234",
    "michael123",     "jennifer12",       "jessica123",       "charlie123",     "jordan2323",
    "thomas1234",     "daniel1234",       "shadow1234",       "master1234",     "mastermaster",
    "whatever12",     "whatever123",      "computer12",       "computer123",    "internet12",
    "freedom123",     "chocolate1",       "chocolate12",      "butterfly1",     "butterfly12",
    "liverpool1",     "liverpool12",      "chelsea123",       "arsenal123",     "manchester",
    "barcelona1",     "qwerty2024",       "summer2024",       "winter2024",     "spring2024",
    "autumn2024",     "summer2025",       "winter2025",       "december12",     "september1",
    "helloworld",     "helloworld1",      "hello12345",       "hello123456",    "goodmorning",
    "goodluck123",    "loveyou1234",      "lovelovelove",     "babygirl12",     "sweetheart",
    "sweetheart1",    "blink18218",       "fuckyou123",       "asshole123",     "killer1234",
    "access1234",     "secret1234",       "secretpassword",   "mustang123",     "harley1234",
    "corvette12",     "ferrari123",       "yankees123",       "cowboys123",     "steelers12",
    "eagles1234",     "samsung123",       "iphone1234",       "google1234",     "facebook12",
    "linkedin12",     "microsoft1",       "autodesk123",      "autocad123",     "autocad2024",
    "revit20245",     "seatwise123",      "seatwise2026",     "company123",     "company2024",
    "office2024",     "qwertz1234",       "azertyuiop",       "azerty1234",     "gfhjkmgfhjkm",
    "1qaz!qaz1qaz",   "asdfghjkl123",     "zxcvbnm1234",
};

// Words that with digits or symbols around them ("Sunshine2024!") are still first guesses.
constexpr std::string_view kCommonWords[] = {
    "password",      "passw0rd",   "p@ssw0rd", "p@ssword",  "pass",      "passwort",  "motdepasse",
    "qwerty",        "qwertz",     "azerty",   "asdf",      "asdfgh",    "asdfghjkl", "zxcvbn",
    "zxcvbnm",       "qwertyuiop", "letmein",  "welcome",   "iloveyou",  "loveyou",   "admin",
    "administrator", "root",       "login",    "master",    "monkey",    "dragon",    "shadow",
    "sunshine",      "princess",   "football", "baseball",  "soccer",    "hockey",    "basketball",
    "starwars",      "pokemon",    "superman", "batman",    "spiderman", "trustno",   "whatever",
    "computer",      "internet",   "freedom",  "chocolate", "butterfly", "liverpool", "chelsea",
    "arsenal",       "barcelona",  "summer",   "winter",    "spring",    "autumn",    "january",
    "february",      "march",      "april",    "june",      "july",      "august",    "september",
    "october",       "november",   "december", "monday",    "friday",    "hello",     "helloworld",
    "goodmorning",   "secret",     "access",   "mustang",   "harley",    "ferrari",   "yankees",
    "cowboys",       "steelers",   "eagles",   "samsung",   "iphone",    "google",    "facebook",
    "linkedin",      "microsoft",  "autodesk", "autocad",   "revit",     "seatwise",  "company",
    "office",        "changeme",   "default",  "guest",     "test",      "testing",   "temp",
    "michael",       "jennifer",   "jessica",  "charlie",   "jordan",    "thomas",    "daniel",
    "killer",        "abc",        "abcdef",   "love",      "baby",
};

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::size_t CodePoints(std::string_view text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

bool IsFiller(char c) { return !std::isalpha(static_cast<unsigned char>(c)); }

// A common word with only digits and symbols around it.
bool IsDecoratedCommonWord(const std::string& lower) {
  auto first = std::find_if_not(lower.begin(), lower.end(), IsFiller);
  auto last = std::find_if_not(lower.rbegin(), lower.rend(), IsFiller).base();
  if (first >= last) return false;  // no letters at all: other rules judge it
  std::string_view core(&*first, static_cast<std::size_t>(last - first));
  return std::find(std::begin(kCommonWords), std::end(kCommonWords), core) !=
         std::end(kCommonWords);
}

// "aaaaaaaaaa", "abababababab", "abcabcabcabc": a unit of 1 to 3 characters repeated.
bool IsRepeatedPattern(std::string_view text) {
  for (std::size_t unit = 1; unit <= 3 && unit * 2 <= text.size(); ++unit) {
    bool repeated = true;
    for (std::size_t i = unit; i < text.size() && repeated; ++i) {
      repeated = text[i] == text[i - unit];
    }
    if (repeated) return true;
  }
  return false;
}

// Every character one more (or every one one less) than the one before.
bool IsSequence(std::string_view text) {
  if (text.size() < 2) return false;
  int step = static_cast<unsigned char>(text[1]) - static_cast<unsigned char>(text[0]);
  if (step != 1 && step != -1) return false;
  for (std::size_t i = 2; i < text.size(); ++i) {
    if (static_cast<unsigned char>(text[i]) - static_cast<unsigned char>(text[i - 1]) != step) {
      return false;
    }
  }
  return true;
}

core::Result<void> Refuse(std::string message) {
  core::Error error = core::MakeError(core::ErrorCode::kInvalidArgument,
                                      "the password does not meet the password rules");
  error.fields.push_back({"password", std::move(message)});
  return error;
}

}  // namespace

core::Result<void> CheckPasswordPolicy(std::string_view password, std::string_view email) {
  if (password.size() > kMaxPasswordBytes) {
    return Refuse("use at most 256 bytes (shorter passphrases are just as strong)");
  }
  if (CodePoints(password) < kMinPasswordCodePoints) {
    return Refuse("use at least 10 characters; a few unrelated words make a good password");
  }
  std::string lower = Lower(password);
  if (IsRepeatedPattern(lower) || IsSequence(lower)) {
    return Refuse("avoid repeated characters and sequences like \"abcdefghij\" or \"1234567890\"");
  }
  if (std::find(std::begin(kCommonPasswords), std::end(kCommonPasswords), lower) !=
          std::end(kCommonPasswords) ||
      IsDecoratedCommonWord(lower)) {
    return Refuse(
        "this password is among the most common ones and is guessed first; choose "
        "another");
  }
  std::string_view local = email.substr(0, email.find('@'));
  if (local.size() >= 4 && lower.find(Lower(local)) != std::string::npos) {
    return Refuse("do not use your e-mail address in the password");
  }
  return core::Ok();
}

}  // namespace seatwise::crypto
