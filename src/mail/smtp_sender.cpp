#include "mail/smtp_sender.hpp"

#include <curl/curl.h>
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstring>
#include <ctime>
#include <mutex>

namespace seatwise::mail {
namespace {

constexpr std::string_view kBase64Alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr std::size_t kQuotedPrintableLine = 76;  // RFC 2045 limit, soft break included
constexpr std::size_t kEncodedWordBytes = 36;     // input bytes per "=?UTF-8?B?...?=" word

std::string Base64(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const auto n = (static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i])) << 16) |
                   (static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i + 1])) << 8) |
                   static_cast<unsigned char>(bytes[i + 2]);
    out += kBase64Alphabet[(n >> 18) & 63];
    out += kBase64Alphabet[(n >> 12) & 63];
    out += kBase64Alphabet[(n >> 6) & 63];
    out += kBase64Alphabet[n & 63];
  }
  if (i < bytes.size()) {
    std::uint32_t n = static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i])) << 16;
    if (i + 1 < bytes.size()) {
      n |= static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i + 1])) << 8;
    }
    out += kBase64Alphabet[(n >> 18) & 63];
    out += kBase64Alphabet[(n >> 12) & 63];
    out += i + 1 < bytes.size() ? kBase64Alphabet[(n >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

bool IsPlainAscii(std::string_view value) {
  return std::all_of(value.begin(), value.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u >= 0x20 && u < 0x7f;
  });
}

// A header value on one line: CR, LF and other controls become spaces.
std::string OneLine(std::string_view value) {
  std::string out(value);
  for (char& c : out) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) c = ' ';
  }
  return out;
}

// Where a UTF-8 sequence starting at or before `pos` begins, so a word never splits one.
std::size_t CharacterStart(std::string_view s, std::size_t pos) {
  while (pos > 0 && pos < s.size() && (static_cast<unsigned char>(s[pos]) & 0xC0) == 0x80) --pos;
  return pos;
}

std::string Hex(unsigned char c) {
  constexpr std::string_view kDigits = "0123456789ABCDEF";
  return {'=', kDigits[c >> 4], kDigits[c & 15]};
}

// "name@example.com" → "example.com"; the Message-ID's right part.
std::string DomainOf(std::string_view address) {
  const auto at = address.rfind('@');
  if (at == std::string_view::npos || at + 1 >= address.size()) return "seatwise.invalid";
  return std::string(address.substr(at + 1));
}

// The Message-ID's left part: the outbox id, kept to characters an id may hold.
std::string IdPart(std::string_view key) {
  std::string out;
  for (char c : key) {
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.') out += c;
  }
  return out.empty() ? std::string("message") : out;
}

std::string MailboxHeader(std::string_view name, std::string_view address) {
  const std::string clean_name = OneLine(name);
  const std::string clean_address = OneLine(address);
  if (clean_name.empty()) return "<" + clean_address + ">";
  // The address goes on a folded line of its own so the encoded name keeps lines short.
  if (!IsPlainAscii(clean_name)) {
    return EncodeHeaderWord(clean_name) + "\r\n <" + clean_address + ">";
  }
  std::string quoted = "\"";
  for (char c : clean_name) {
    if (c == '"' || c == '\\') quoted += '\\';
    quoted += c;
  }
  return quoted + "\" <" + clean_address + ">";
}

// A recipient libcurl can put in "RCPT TO:<...>" as is.
bool UsableAddress(std::string_view address) {
  const auto at = address.find('@');
  return !address.empty() && at != std::string_view::npos && at > 0 && at + 1 < address.size() &&
         address.find_first_of("<>\r\n ,") == std::string_view::npos;
}

void GlobalInitOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct Upload {
  std::string data;
  std::size_t offset = 0;
};

std::size_t ReadUpload(char* buffer, std::size_t size, std::size_t count, void* user) {
  auto* upload = static_cast<Upload*>(user);
  const std::size_t n = std::min(size * count, upload->data.size() - upload->offset);
  std::memcpy(buffer, upload->data.data() + upload->offset, n);
  upload->offset += n;
  return n;
}

// Removes every occurrence of `secret` from `text`.
std::string Without(std::string text, const std::string& secret) {
  if (secret.empty()) return text;
  for (auto pos = text.find(secret); pos != std::string::npos; pos = text.find(secret, pos)) {
    text.replace(pos, secret.size(), "***");
  }
  return text;
}

}  // namespace

std::string_view SmtpSecurityName(SmtpSecurity security) {
  switch (security) {
    case SmtpSecurity::kNone:
      return "none";
    case SmtpSecurity::kStartTls:
      return "starttls";
    case SmtpSecurity::kTls:
      return "tls";
  }
  return "starttls";
}

std::uint16_t DefaultSmtpPort(SmtpSecurity security) {
  switch (security) {
    case SmtpSecurity::kNone:
      return 25;
    case SmtpSecurity::kStartTls:
      return 587;
    case SmtpSecurity::kTls:
      return 465;
  }
  return 587;
}

std::string EncodeHeaderWord(std::string_view value) {
  const std::string line = OneLine(value);
  if (IsPlainAscii(line)) return line;
  std::string out;
  std::string_view rest = line;
  while (!rest.empty()) {
    std::size_t take = rest.size();
    if (take > kEncodedWordBytes) take = CharacterStart(rest, kEncodedWordBytes);
    if (take == 0) take = std::min(rest.size(), kEncodedWordBytes);  // not UTF-8; split anyway
    if (!out.empty()) out += "\r\n ";
    out += "=?UTF-8?B?" + Base64(rest.substr(0, take)) + "?=";
    rest.remove_prefix(take);
  }
  return out;
}

std::string EncodeQuotedPrintable(std::string_view text) {
  std::string out;
  std::size_t line_start = 0;
  while (line_start <= text.size()) {
    auto line_end = text.find('\n', line_start);
    const bool last = line_end == std::string_view::npos;
    if (last) line_end = text.size();
    std::string_view line = text.substr(line_start, line_end - line_start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    std::size_t width = 0;
    for (std::size_t i = 0; i < line.size(); ++i) {
      const auto c = static_cast<unsigned char>(line[i]);
      const bool at_end = i + 1 == line.size();
      std::string piece;
      if ((c == ' ' || c == '\t') && at_end) {
        piece = Hex(c);  // trailing white space would be stripped in transit
      } else if ((c >= 33 && c <= 126 && c != '=') || c == ' ' || c == '\t') {
        piece.assign(1, static_cast<char>(c));
      } else {
        piece = Hex(c);
      }
      // Leave room for the "=" of a soft break unless this is the line's last piece.
      const std::size_t limit = at_end ? kQuotedPrintableLine : kQuotedPrintableLine - 1;
      if (width + piece.size() > limit) {
        out += "=\r\n";
        width = 0;
      }
      out += piece;
      width += piece.size();
    }
    if (last) break;
    out += "\r\n";
    line_start = line_end + 1;
  }
  if (!out.ends_with("\r\n")) out += "\r\n";
  return out;
}

std::string RfcDate(core::TimePoint t) {
  static constexpr std::array<const char*, 7> kDays = {"Sun", "Mon", "Tue", "Wed",
                                                       "Thu", "Fri", "Sat"};
  static constexpr std::array<const char*, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const auto seconds = static_cast<std::time_t>(core::ToUnixMillis(t) / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  return fmt::format("{}, {:02} {} {} {:02}:{:02}:{:02} +0000", kDays[tm.tm_wday], tm.tm_mday,
                     kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

std::string BuildMessage(const SmtpOptions& options, const OutgoingEmail& email,
                         core::TimePoint now) {
  const std::string id = IdPart(email.message_key);
  // "=_" never occurs in quoted-printable output, so the parts cannot contain the boundary.
  const std::string boundary = "=_seatwise_" + id;
  std::string m;
  m += "Date: " + RfcDate(email.date.value_or(now)) + "\r\n";
  m += "From: " + MailboxHeader(options.from_name, options.from) + "\r\n";
  m += "To: <" + OneLine(email.to) + ">\r\n";
  m += "Subject: " + EncodeHeaderWord(email.subject) + "\r\n";
  m += "Message-ID: <" + id + "@" + DomainOf(options.from) + ">\r\n";
  m += "MIME-Version: 1.0\r\n";
  m += "Content-Type: multipart/alternative;\r\n boundary=\"" + boundary + "\"\r\n";
  m += "\r\n";
  m += "This is a message in MIME format.\r\n";
  const auto part = [&](std::string_view type, const std::string& body) {
    m += "\r\n--" + boundary + "\r\n";
    m += fmt::format("Content-Type: {}; charset=utf-8\r\n", type);
    m += "Content-Transfer-Encoding: quoted-printable\r\n\r\n";
    m += EncodeQuotedPrintable(body);
  };
  part("text/plain", email.text);
  part("text/html", email.html);
  m += "\r\n--" + boundary + "--\r\n";
  return m;
}

SmtpSender::SmtpSender(SmtpOptions options) : options_(std::move(options)) { GlobalInitOnce(); }

SendResult SmtpSender::Send(const OutgoingEmail& email, core::TimePoint now) {
  SendResult result;
  if (!UsableAddress(email.to)) {
    result.status = SendResult::Status::kPermanent;
    result.error = "the recipient address is not usable";
    return result;
  }
  CURL* curl = curl_easy_init();
  if (curl == nullptr) {
    result.status = SendResult::Status::kTransient;
    result.error = "libcurl could not start a transfer";
    return result;
  }
  const std::uint16_t port =
      options_.port != 0 ? options_.port : DefaultSmtpPort(options_.security);
  const std::string host =
      options_.host.find(':') != std::string::npos ? "[" + options_.host + "]" : options_.host;
  // The path is the name the client greets the server with (EHLO).
  const std::string url =
      fmt::format("{}://{}:{}/{}", options_.security == SmtpSecurity::kTls ? "smtps" : "smtp", host,
                  port, DomainOf(options_.from));
  const std::string mail_from = "<" + options_.from + ">";
  curl_slist* recipients = curl_slist_append(nullptr, ("<" + email.to + ">").c_str());
  Upload upload{BuildMessage(options_, email, now), 0};
  std::array<char, CURL_ERROR_SIZE> error_buffer{};
  const auto timeout_ms = static_cast<long>(
      std::chrono::duration_cast<std::chrono::milliseconds>(options_.timeout).count());

  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_buffer.data());
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, timeout_ms);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
  curl_easy_setopt(curl, CURLOPT_USE_SSL,
                   options_.security == SmtpSecurity::kStartTls
                       ? static_cast<long>(CURLUSESSL_ALL)
                       : static_cast<long>(CURLUSESSL_NONE));
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
  if (!options_.username.empty()) {
    curl_easy_setopt(curl, CURLOPT_USERNAME, options_.username.c_str());
    curl_easy_setopt(curl, CURLOPT_PASSWORD, options_.password.c_str());
  }
  curl_easy_setopt(curl, CURLOPT_MAIL_FROM, mail_from.c_str());
  curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, recipients);
  curl_easy_setopt(curl, CURLOPT_READFUNCTION, ReadUpload);
  curl_easy_setopt(curl, CURLOPT_READDATA, &upload);
  curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(upload.data.size()));

  const CURLcode code = curl_easy_perform(curl);
  long reply = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &reply);
  curl_slist_free_all(recipients);
  curl_easy_cleanup(curl);

  result.smtp_code = static_cast<int>(reply);
  if (code == CURLE_OK) return result;
  std::string detail = error_buffer[0] != '\0' ? error_buffer.data() : curl_easy_strerror(code);
  result.error =
      Without(reply != 0 ? fmt::format("SMTP {}: {}", reply, detail) : detail, options_.password);
  // A 5xx reply refuses this message for good (unknown recipient, rejected content); a
  // refused login is the server's configuration, which the operator fixes, so it is retried.
  const bool refused = reply >= 500 && reply < 600 && code != CURLE_LOGIN_DENIED;
  result.status = refused ? SendResult::Status::kPermanent : SendResult::Status::kTransient;
  return result;
}

std::unique_ptr<Sender> NewSmtpSender(const SmtpOptions& options) {
  return std::make_unique<SmtpSender>(options);
}

}  // namespace seatwise::mail
