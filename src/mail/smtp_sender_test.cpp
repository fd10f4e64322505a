#include "mail/smtp_sender.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>

#include "mail/smtp_receiver_testing.hpp"

namespace seatwise::mail {
namespace {

using testing::SmtpReceiver;

const core::TimePoint kNow = core::FromUnixMillis(1'767'225'600'000);  // 2026-01-01T00:00:00Z

SmtpOptions OptionsFor(const SmtpReceiver& receiver) {
  SmtpOptions options;
  options.host = "127.0.0.1";
  options.port = static_cast<std::uint16_t>(receiver.port());
  options.security = SmtpSecurity::kNone;
  options.from = "licenses@seatwise.example";
  options.from_name = "Seatwise Licensing";
  options.timeout = std::chrono::seconds(20);
  return options;
}

OutgoingEmail Sample(const std::string& to = "ann@example.test") {
  return OutgoingEmail{"out_3k9m2x4c8v1b5n6z0w2e4r7t", to, "Your licence is ready",
                       "Hello Ann,\n\nYour seat is ready.\n\nSeatwise\n",
                       "<p>Hello Ann,</p>\n<p>Your seat is ready.</p>\n"};
}

bool HasBareLineFeed(const std::string& raw) {
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == '\n' && (i == 0 || raw[i - 1] != '\r')) return true;
  }
  return false;
}

std::size_t LongestLine(const std::string& raw) {
  std::size_t longest = 0;
  std::size_t start = 0;
  for (auto end = raw.find("\r\n"); end != std::string::npos; end = raw.find("\r\n", start)) {
    longest = std::max(longest, end - start);
    start = end + 2;
  }
  return std::max(longest, raw.size() - start);
}

TEST(SmtpSenderTest, DeliversHeadersAndBothPartsToARealServer) {
  SmtpReceiver receiver;
  SmtpSender sender(OptionsFor(receiver));
  const SendResult result = sender.Send(Sample(), kNow);
  ASSERT_TRUE(result.sent()) << result.error;

  const auto messages = receiver.Messages();
  ASSERT_EQ(messages.size(), 1u);
  const auto& m = messages[0];
  EXPECT_EQ(m.envelope, "licenses@seatwise.example\nann@example.test");
  EXPECT_EQ(m.from, "Seatwise Licensing <licenses@seatwise.example>");
  EXPECT_EQ(m.to, "ann@example.test");
  EXPECT_EQ(m.subject, "Your licence is ready");
  EXPECT_EQ(m.message_id, "<out_3k9m2x4c8v1b5n6z0w2e4r7t@seatwise.example>");
  EXPECT_EQ(m.date, "Thu, 01 Jan 2026 00:00:00 +0000");
  EXPECT_EQ(m.structure, "multipart/alternative\ntext/plain\ntext/html");
  EXPECT_EQ(m.text, "Hello Ann,\n\nYour seat is ready.\n\nSeatwise\n");
  EXPECT_EQ(m.html, "<p>Hello Ann,</p>\n<p>Your seat is ready.</p>\n");
  EXPECT_NE(m.raw.find("MIME-Version: 1.0\r\n"), std::string::npos);
  EXPECT_NE(m.raw.find("Content-Type: text/plain; charset=utf-8\r\n"), std::string::npos);
  EXPECT_NE(m.raw.find("Content-Transfer-Encoding: quoted-printable\r\n"), std::string::npos);
  EXPECT_FALSE(HasBareLineFeed(m.raw));
  EXPECT_LE(LongestLine(m.raw), 78u);
}

TEST(SmtpSenderTest, NonAsciiSubjectNameAndTextRoundTrip) {
  SmtpReceiver receiver;
  SmtpOptions options = OptionsFor(receiver);
  options.from_name = "Lizenzen für Müller & Söhne";
  SmtpSender sender(options);
  OutgoingEmail email = Sample();
  email.subject = "Zugang für Jürgen: 製品の割り当て ✓ — a long subject to fold over several words";
  email.text = "Grüße, Jürgen! " + std::string(300, 'x') + " — ✓\n";
  email.html = "<p>Grüße ✓</p>\n";
  ASSERT_TRUE(sender.Send(email, kNow).sent());

  const auto messages = receiver.Messages();
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].subject, email.subject);
  EXPECT_EQ(messages[0].from, "Lizenzen für Müller & Söhne <licenses@seatwise.example>");
  EXPECT_EQ(messages[0].text, email.text);
  EXPECT_EQ(messages[0].html, email.html);
  EXPECT_NE(messages[0].raw.find("Subject: =?UTF-8?B?"), std::string::npos);
  EXPECT_LE(LongestLine(messages[0].raw), 78u);
  EXPECT_FALSE(HasBareLineFeed(messages[0].raw));
}

TEST(SmtpSenderTest, LinesStartingWithADotArriveUnchanged) {
  SmtpReceiver receiver;
  SmtpSender sender(OptionsFor(receiver));
  OutgoingEmail email = Sample();
  email.text = "first\n.\n.hidden line\n..two dots\nend\n";
  ASSERT_TRUE(sender.Send(email, kNow).sent());
  const auto messages = receiver.Messages();
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].text, email.text);
}

TEST(SmtpSenderTest, LineBreaksInAHeaderValueCannotAddHeaders) {
  SmtpReceiver receiver;
  SmtpSender sender(OptionsFor(receiver));
  OutgoingEmail email = Sample();
  email.subject = "Hello\r\nBcc: victim@example.test";
  ASSERT_TRUE(sender.Send(email, kNow).sent());
  const auto messages = receiver.Messages();
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].raw.find("\r\nBcc:"), std::string::npos);
  EXPECT_EQ(messages[0].subject, "Hello  Bcc: victim@example.test");
  EXPECT_EQ(messages[0].envelope, "licenses@seatwise.example\nann@example.test");
}

TEST(SmtpSenderTest, RefusedRecipientIsAPermanentFailure) {
  SmtpReceiver receiver;
  SmtpSender sender(OptionsFor(receiver));
  const SendResult result = sender.Send(Sample("reject-me@example.test"), kNow);
  EXPECT_TRUE(result.permanent());
  EXPECT_EQ(result.smtp_code, 550);
  EXPECT_NE(result.error.find("550"), std::string::npos) << result.error;
  EXPECT_TRUE(receiver.Messages().empty());
}

TEST(SmtpSenderTest, UnusableRecipientIsAPermanentFailureWithoutConnecting) {
  SmtpSender sender(SmtpOptions{});
  EXPECT_TRUE(sender.Send(Sample("not an address"), kNow).permanent());
  EXPECT_TRUE(sender.Send(Sample("a@b.test>\r\nRCPT TO:<c@d.test"), kNow).permanent());
}

TEST(SmtpSenderTest, ServerAskingToTryLaterIsATransientFailure) {
  SmtpReceiver receiver(/*fail_first=*/1);
  SmtpSender sender(OptionsFor(receiver));
  const SendResult first = sender.Send(Sample(), kNow);
  EXPECT_EQ(first.status, SendResult::Status::kTransient);
  EXPECT_EQ(first.smtp_code, 451);
  EXPECT_TRUE(receiver.Messages().empty());
  EXPECT_TRUE(sender.Send(Sample(), kNow).sent());
  EXPECT_EQ(receiver.Messages().size(), 1u);
}

TEST(SmtpSenderTest, StartTlsIsRequiredSoAServerWithoutItGetsNothing) {
  SmtpReceiver receiver;  // offers no STARTTLS
  SmtpOptions options = OptionsFor(receiver);
  options.security = SmtpSecurity::kStartTls;
  const SendResult result = SmtpSender(options).Send(Sample(), kNow);
  EXPECT_EQ(result.status, SendResult::Status::kTransient) << result.error;
  EXPECT_TRUE(receiver.Messages().empty());
}

// A loopback port with nobody listening on it.
int ClosedPort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

TEST(SmtpSenderTest, NoServerIsATransientFailureWithoutThePassword) {
  SmtpOptions options;
  options.host = "127.0.0.1";
  options.port = static_cast<std::uint16_t>(ClosedPort());
  options.security = SmtpSecurity::kNone;
  options.from = "licenses@seatwise.example";
  options.username = "mailer";
  options.password = "s3cret-smtp-password";
  options.timeout = std::chrono::seconds(10);
  const SendResult result = SmtpSender(options).Send(Sample(), kNow);
  EXPECT_EQ(result.status, SendResult::Status::kTransient);
  EXPECT_EQ(result.smtp_code, 0);
  EXPECT_FALSE(result.error.empty());
  EXPECT_EQ(result.error.find("s3cret"), std::string::npos);
}

TEST(SmtpSenderTest, DefaultPortsFollowTheSecurityMode) {
  EXPECT_EQ(DefaultSmtpPort(SmtpSecurity::kNone), 25);
  EXPECT_EQ(DefaultSmtpPort(SmtpSecurity::kStartTls), 587);
  EXPECT_EQ(DefaultSmtpPort(SmtpSecurity::kTls), 465);
}

TEST(QuotedPrintableTest, KeepsLinesShortAndEscapesWhatMustBe) {
  const std::string encoded = EncodeQuotedPrintable(std::string(200, 'a') + " = end \nü\n");
  EXPECT_LE(LongestLine(encoded), 76u);
  EXPECT_NE(encoded.find("=3D"), std::string::npos);
  EXPECT_NE(encoded.find("end=20\r\n"), std::string::npos);
  EXPECT_NE(encoded.find("=C3=BC\r\n"), std::string::npos);
  EXPECT_FALSE(HasBareLineFeed(encoded));
}

TEST(HeaderWordTest, AsciiStaysAsIsAndUtf8IsNeverSplitInsideACharacter) {
  EXPECT_EQ(EncodeHeaderWord("Plain subject"), "Plain subject");
  const std::string encoded = EncodeHeaderWord(std::string(40, 'a') + "ü");
  EXPECT_EQ(encoded.rfind("=?UTF-8?B?", 0), 0u);
  // 36 bytes per word: the 'ü' (2 bytes at 40..41) lies wholly in the second word.
  EXPECT_NE(encoded.find("\r\n =?UTF-8?B?"), std::string::npos);
}

}  // namespace
}  // namespace seatwise::mail
