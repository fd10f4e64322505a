#pragma once
// Sending one e-mail to an SMTP server (libcurl), and the RFC 5322 message it uploads.

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.hpp"

namespace seatwise::mail {

// How the connection to the SMTP server is protected.
enum class SmtpSecurity {
  kNone,      // plain SMTP, usually a relay on the same host or network (port 25)
  kStartTls,  // SMTP upgraded with STARTTLS, required before anything is sent (port 587)
  kTls,       // SMTP inside TLS from the first byte, "SMTPS" (port 465)
};

// "none", "starttls", "tls"
std::string_view SmtpSecurityName(SmtpSecurity security);
// The port a security mode uses when none is configured: 25, 587 or 465.
std::uint16_t DefaultSmtpPort(SmtpSecurity security);

struct SmtpOptions {
  std::string host = "localhost";
  std::uint16_t port = 0;  // 0: the default port of `security`
  SmtpSecurity security = SmtpSecurity::kStartTls;
  std::string username;  // empty: no authentication
  std::string password;
  std::string from;                    // sender address, "licenses@example.com"
  std::string from_name = "Seatwise";  // display name
  std::chrono::seconds timeout{30};    // for one whole delivery, connection included
};

// One rendered e-mail ready to go.
struct OutgoingEmail {
  std::string message_key;  // stable across retries (the outbox id): the Message-ID's left part
  std::string to;
  std::string subject;
  std::string text;  // plain-text part, "\n" line ends
  std::string html;  // HTML part, "\n" line ends
  // The Date header: when the message was queued. Unset: the time of sending.
  std::optional<core::TimePoint> date{};
};

// The result of one attempt. A permanent failure (the server refused with 5xx, e.g. an
// unknown recipient) is not retried; a transient one (no connection, timeout, 4xx) is.
struct SendResult {
  enum class Status { kSent, kTransient, kPermanent };
  Status status = Status::kSent;
  int smtp_code = 0;  // the server's last reply code, 0 when there was none
  std::string error;  // for the outbox row and the log; never contains the password

  bool sent() const { return status == Status::kSent; }
  bool permanent() const { return status == Status::kPermanent; }
};

// The outside world behind a small interface, so the delivery job does not know libcurl.
class Sender {
 public:
  virtual ~Sender() = default;
  virtual SendResult Send(const OutgoingEmail& email, core::TimePoint now) = 0;
};

// The message as uploaded: headers (Date, From, To, Subject, Message-ID, MIME-Version)
// and a multipart/alternative body with quoted-printable UTF-8 text and HTML parts; CRLF
// line ends, no body line over 76 characters. Header values lose any CR or LF, so no
// value can add a header.
std::string BuildMessage(const SmtpOptions& options, const OutgoingEmail& email,
                         core::TimePoint now);

// "=?UTF-8?B?...?=" words for a header value that is not plain ASCII; the value itself when
// it is. Words are separated by CRLF + space so no header line grows too long.
std::string EncodeHeaderWord(std::string_view value);
// Quoted-printable (RFC 2045) of UTF-8 text with "\n" line ends, giving CRLF line ends.
std::string EncodeQuotedPrintable(std::string_view text);
// "Tue, 01 Jan 2026 00:00:00 +0000"
std::string RfcDate(core::TimePoint t);

// Delivers over SMTP with libcurl: smtp:// or smtps://, STARTTLS required for kStartTls,
// server certificates verified.
class SmtpSender final : public Sender {
 public:
  explicit SmtpSender(SmtpOptions options);
  SendResult Send(const OutgoingEmail& email, core::TimePoint now) override;

 private:
  SmtpOptions options_;
};

std::unique_ptr<Sender> NewSmtpSender(const SmtpOptions& options);

}  // namespace seatwise::mail
