#include "crypto/jws.hpp"

#include <cstdint>
#include <vector>

namespace seatwise::crypto {
namespace {

core::Error Malformed(std::string message) {
  return core::MakeError(core::ErrorCode::kInvalidArgument, std::move(message));
}

void AppendUtf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// A small reader of one flat JSON object.
class FlatReader {
 public:
  explicit FlatReader(std::string_view text) : text_(text) {}

  core::Result<std::map<std::string, std::string>> Read() {
    std::map<std::string, std::string> members;
    SkipSpace();
    if (!Take('{')) return Malformed("is not a JSON object");
    SkipSpace();
    if (Take('}')) return Finish(std::move(members));
    while (true) {
      SkipSpace();
      auto key = String();
      if (!key) return Malformed("has a malformed member name");
      SkipSpace();
      if (!Take(':')) return Malformed("lacks a ':' after a member name");
      SkipSpace();
      auto value = Value();
      if (!value) return Malformed("has a value that is not a string, number, boolean or null");
      members[*key] = std::move(*value);
      SkipSpace();
      if (Take(',')) continue;
      if (Take('}')) return Finish(std::move(members));
      return Malformed("lacks a ',' or '}' after a member");
    }
  }

 private:
  core::Result<std::map<std::string, std::string>> Finish(
      std::map<std::string, std::string> members) {
    SkipSpace();
    if (pos_ != text_.size()) return Malformed("has text after the JSON object");
    return members;
  }

  void SkipSpace() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t' ||
                                   text_[pos_] == '\n' || text_[pos_] == '\r')) {
      ++pos_;
    }
  }

  bool Take(char c) {
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }

  std::optional<std::uint32_t> Hex4() {
    if (pos_ + 4 > text_.size()) return std::nullopt;
    std::uint32_t v = 0;
    for (int i = 0; i < 4; ++i) {
      const char c = text_[pos_++];
      v <<= 4;
      if (c >= '0' && c <= '9') {
        v |= static_cast<std::uint32_t>(c - '0');
      } else if (c >= 'a' && c <= 'f') {
        v |= static_cast<std::uint32_t>(c - 'a' + 10);
      } else if (c >= 'A' && c <= 'F') {
        v |= static_cast<std::uint32_t>(c - 'A' + 10);
      } else {
        return std::nullopt;
      }
    }
    return v;
  }

  std::optional<std::string> String() {
    if (!Take('"')) return std::nullopt;
    std::string out;
    while (pos_ < text_.size()) {
      const char c = text_[pos_++];
      if (c == '"') return out;
      if (static_cast<unsigned char>(c) < 0x20) return std::nullopt;
      if (c != '\\') {
        out += c;
        continue;
      }
      if (pos_ >= text_.size()) return std::nullopt;
      const char e = text_[pos_++];
      switch (e) {
        case '"':
        case '\\':
        case '/':
          out += e;
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 't':
          out += '\t';
          break;
        case 'u': {
          auto cp = Hex4();
          if (!cp) return std::nullopt;
          if (*cp >= 0xD800 && *cp <= 0xDBFF) {
            if (!Take('\\') || !Take('u')) return std::nullopt;
            auto low = Hex4();
            if (!low || *low < 0xDC00 || *low > 0xDFFF) return std::nullopt;
            *cp = 0x10000 + ((*cp - 0xD800) << 10) + (*low - 0xDC00);
          } else if (*cp >= 0xDC00 && *cp <= 0xDFFF) {
            return std::nullopt;
          }
          AppendUtf8(out, *cp);
          break;
        }
        default:
          return std::nullopt;
      }
    }
    return std::nullopt;
  }

  std::optional<std::string> Value() {
    if (pos_ >= text_.size()) return std::nullopt;
    const char c = text_[pos_];
    if (c == '"') return String();
    for (std::string_view word : {"true", "false", "null"}) {
      if (text_.substr(pos_, word.size()) == word) {
        pos_ += word.size();
        return std::string(word);
      }
    }
    const std::size_t start = pos_;
    if (c == '-') ++pos_;
    bool digits = false;
    while (pos_ < text_.size()) {
      const char d = text_[pos_];
      if ((d >= '0' && d <= '9') || d == '.' || d == 'e' || d == 'E' || d == '+' || d == '-') {
        digits = digits || (d >= '0' && d <= '9');
        ++pos_;
      } else {
        break;
      }
    }
    if (!digits) return std::nullopt;
    return std::string(text_.substr(start, pos_ - start));
  }

  std::string_view text_;
  std::size_t pos_ = 0;
};

}  // namespace

std::string SignCompact(std::string_view header_json, std::string_view payload_json,
                        const Ed25519SecretKey& secret_key) {
  std::string input = Base64UrlEncode(header_json) + "." + Base64UrlEncode(payload_json);
  const Ed25519Signature signature = Ed25519Sign(input, secret_key);
  return input + "." + Base64UrlEncode(std::span<const std::uint8_t>(signature));
}

core::Result<Verified> VerifyCompact(std::string_view token, const KeyLookup& lookup) {
  const auto first = token.find('.');
  const auto second = first == std::string_view::npos ? first : token.find('.', first + 1);
  if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos) {
    return Malformed("the token is not a compact JWS of three dot-separated parts");
  }
  const std::string_view signing_input = token.substr(0, second);
  auto header = Base64UrlDecode(token.substr(0, first));
  auto payload = Base64UrlDecode(token.substr(first + 1, second - first - 1));
  auto signature = Base64UrlDecode(token.substr(second + 1));
  if (!header.ok() || !payload.ok() || !signature.ok()) {
    return Malformed("the token has a part that is not unpadded base64url");
  }
  auto members = FlatJsonMembers(*header);
  if (!members.ok()) return Malformed("the token header " + members.error().message);
  auto alg = members->find("alg");
  if (alg == members->end() || alg->second != "EdDSA") {
    return Malformed("the token is not signed with EdDSA");
  }
  Verified verified;
  if (auto kid = members->find("kid"); kid != members->end()) verified.kid = kid->second;
  SW_ASSIGN_OR_RETURN(std::optional<Ed25519PublicKey> key, lookup(verified.kid));
  if (!key) return Malformed("the token was signed with an unknown key");
  const auto& sig = *signature;
  if (!Ed25519Verify(signing_input,
                     std::span(reinterpret_cast<const std::uint8_t*>(sig.data()), sig.size()),
                     *key)) {
    return Malformed("the token signature does not verify");
  }
  verified.header_json = std::move(header).value();
  verified.payload_json = std::move(payload).value();
  return verified;
}

core::Result<std::map<std::string, std::string>> FlatJsonMembers(std::string_view json) {
  return FlatReader(json).Read();
}

}  // namespace seatwise::crypto
