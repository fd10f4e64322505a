#pragma once
// A real SMTP server on a free loopback port for the mail tests: tests/fakes/smtp_receiver.py
// (aiosmtpd), storing what it accepts in a temporary directory that the test reads back.

#include <string>
#include <vector>

#include "fakes/loopback_receiver.hpp"

namespace seatwise::mail::testing {

// One message as the receiver stored it; headers and parts decoded by Python's e-mail parser.
struct ReceivedMessage {
  std::string raw;       // the bytes after DATA, as received
  std::string envelope;  // MAIL FROM, then one RCPT per line
  std::string subject, from, to, message_id, date;
  std::string structure;  // content types, one per line, outermost first
  std::string text;
  std::string html;
};

class SmtpReceiver {
 public:
  // Answers 451 to the first `fail_first` messages offered, then accepts.
  explicit SmtpReceiver(int fail_first = 0)
      : receiver_("the SMTP receiver", "smtp_receiver.py",
                  {"--fail-first", std::to_string(fail_first)}) {}

  int port() const { return receiver_.port(); }

  // Every message accepted so far, in the order of arrival.
  std::vector<ReceivedMessage> Messages() const {
    using Receiver = seatwise::testing::LoopbackReceiver;
    std::vector<ReceivedMessage> out;
    for (const auto& d : receiver_.Records()) {
      ReceivedMessage m;
      m.raw = Receiver::Read(d / "raw.eml");
      m.envelope = Receiver::Read(d / "envelope");
      m.subject = Receiver::Read(d / "subject");
      m.from = Receiver::Read(d / "from");
      m.to = Receiver::Read(d / "to");
      m.message_id = Receiver::Read(d / "message_id");
      m.date = Receiver::Read(d / "date");
      m.structure = Receiver::Read(d / "structure");
      m.text = Receiver::Read(d / "text");
      m.html = Receiver::Read(d / "html");
      out.push_back(std::move(m));
    }
    return out;
  }

 private:
  seatwise::testing::LoopbackReceiver receiver_;
};

}  // namespace seatwise::mail::testing
