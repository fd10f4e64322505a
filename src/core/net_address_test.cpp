#include "core/net_address.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace seatwise::core {
namespace {

using Form = UrlHost::Form;

// One URL host, what it denotes and where that leads.
struct HostCase {
  std::string host;
  std::string address;  // the address it denotes
  AddressKind kind;
  bool canonical = false;
};

// Every spelling a webhook URL could use to reach inside, each with the address it really
// means: resolvers and libcurl read the legacy forms this way.
const std::vector<HostCase> kInside = {
    // Loopback, in every IPv4 spelling.
    {"127.0.0.1", "127.0.0.1", AddressKind::kLoopback, true},
    {"127.255.255.254", "127.255.255.254", AddressKind::kLoopback, true},
    {"2130706433", "127.0.0.1", AddressKind::kLoopback},           // one decimal number
    {"017700000001", "127.0.0.1", AddressKind::kLoopback},         // one octal number
    {"0x7f000001", "127.0.0.1", AddressKind::kLoopback},           // one hex number
    {"0X7F000001", "127.0.0.1", AddressKind::kLoopback},           // upper case
    {"0177.0.0.1", "127.0.0.1", AddressKind::kLoopback},           // octal part
    {"0177.0000.0000.0001", "127.0.0.1", AddressKind::kLoopback},  // octal parts
    {"0x7f.0.0.1", "127.0.0.1", AddressKind::kLoopback},           // hex part
    {"0x7f.0x0.0x0.0x1", "127.0.0.1", AddressKind::kLoopback},     // hex parts
    {"127.1", "127.0.0.1", AddressKind::kLoopback},                // short: a.d
    {"127.0.1", "127.0.0.1", AddressKind::kLoopback},              // short: a.b.d
    {"0x7f.1", "127.0.0.1", AddressKind::kLoopback},               // mixed hex and short
    {"0177.0x0.1", "127.0.0.1", AddressKind::kLoopback},           // mixed octal, hex, short
    {"127.000.000.001", "127.0.0.1", AddressKind::kLoopback},      // zero-padded
    {"127.0.0.1.", "127.0.0.1", AddressKind::kLoopback},           // trailing dot
    {"2130706433.", "127.0.0.1", AddressKind::kLoopback},
    {"[::1]", "::1", AddressKind::kLoopback, true},
    {"[0:0:0:0:0:0:0:1]", "::1", AddressKind::kLoopback, true},
    {"[0000::0001]", "::1", AddressKind::kLoopback, true},
    {"[::ffff:127.0.0.1]", "::ffff:127.0.0.1", AddressKind::kLoopback, true},  // IPv4-mapped
    {"[::ffff:7f00:1]", "::ffff:127.0.0.1", AddressKind::kLoopback, true},
    {"[::FFFF:7F00:0001]", "::ffff:127.0.0.1", AddressKind::kLoopback, true},
    {"[::127.0.0.1]", "::7f00:1", AddressKind::kLoopback, true},                // IPv4-compatible
    {"[::ffff:0:127.0.0.1]", "::ffff:0:7f00:1", AddressKind::kLoopback, true},  // translated
    // RFC 1918.
    {"10.0.0.1", "10.0.0.1", AddressKind::kPrivate, true},
    {"10.255.255.255", "10.255.255.255", AddressKind::kPrivate, true},
    {"167772161", "10.0.0.1", AddressKind::kPrivate},
    {"012.0.0.1", "10.0.0.1", AddressKind::kPrivate},  // octal 012 is 10
    {"172.16.0.1", "172.16.0.1", AddressKind::kPrivate, true},
    {"172.31.255.255", "172.31.255.255", AddressKind::kPrivate, true},
    {"0xac.0x1f.1", "172.31.0.1", AddressKind::kPrivate},
    {"192.168.0.1", "192.168.0.1", AddressKind::kPrivate, true},
    {"192.168.65535", "192.168.255.255", AddressKind::kPrivate},
    {"0xc0a80101", "192.168.1.1", AddressKind::kPrivate},
    {"[::ffff:10.1.2.3]", "::ffff:10.1.2.3", AddressKind::kPrivate, true},
    {"[::ffff:c0a8:101]", "::ffff:192.168.1.1", AddressKind::kPrivate, true},
    {"[64:ff9b::10.0.0.1]", "64:ff9b::a00:1", AddressKind::kPrivate, true},     // NAT64
    {"[64:ff9b::c0a8:101]", "64:ff9b::c0a8:101", AddressKind::kPrivate, true},  // NAT64
    {"[2002:c0a8:101::1]", "2002:c0a8:101::1", AddressKind::kPrivate, true},    // 6to4
    {"[2002:a00:1::]", "2002:a00:1::", AddressKind::kPrivate, true},            // 6to4
    // Link-local, the cloud metadata address among them.
    {"169.254.169.254", "169.254.169.254", AddressKind::kLinkLocal, true},
    {"2852039166", "169.254.169.254", AddressKind::kLinkLocal},
    {"0xa9.0xfe.0xa9.0xfe", "169.254.169.254", AddressKind::kLinkLocal},
    {"[::ffff:169.254.169.254]", "::ffff:169.254.169.254", AddressKind::kLinkLocal, true},
    {"[fe80::1]", "fe80::1", AddressKind::kLinkLocal, true},
    {"[febf:ffff::1]", "febf:ffff::1", AddressKind::kLinkLocal, true},
    {"[fe80::1%25eth0]", "fe80::1", AddressKind::kLinkLocal},  // zone id, URL-encoded
    {"[fe80::1%eth0]", "fe80::1", AddressKind::kLinkLocal},    // zone id, raw
    {"[fe80::a:b:c:d%251]", "fe80::a:b:c:d", AddressKind::kLinkLocal},
    // Carrier-grade NAT.
    {"100.64.0.1", "100.64.0.1", AddressKind::kSharedCgnat, true},
    {"100.127.255.254", "100.127.255.254", AddressKind::kSharedCgnat, true},
    // Unique local and site-local IPv6.
    {"[fc00::1]", "fc00::1", AddressKind::kUniqueLocal, true},
    {"[fd12:3456:789a::1]", "fd12:3456:789a::1", AddressKind::kUniqueLocal, true},
    {"[fec0::1]", "fec0::1", AddressKind::kSiteLocal, true},
    // Multicast and broadcast.
    {"224.0.0.1", "224.0.0.1", AddressKind::kMulticast, true},
    {"239.255.255.250", "239.255.255.250", AddressKind::kMulticast, true},
    {"[ff02::1]", "ff02::1", AddressKind::kMulticast, true},
    {"[ff05::1:3]", "ff05::1:3", AddressKind::kMulticast, true},
    {"255.255.255.255", "255.255.255.255", AddressKind::kBroadcast, true},
    {"4294967295", "255.255.255.255", AddressKind::kBroadcast},
    // Unspecified ("this host").
    {"0.0.0.0", "0.0.0.0", AddressKind::kUnspecified, true},
    {"0", "0.0.0.0", AddressKind::kUnspecified},
    {"0.1.2.3", "0.1.2.3", AddressKind::kUnspecified, true},
    {"[::]", "::", AddressKind::kUnspecified, true},
    {"[::ffff:0.0.0.0]", "::ffff:0.0.0.0", AddressKind::kUnspecified, true},
    // Other special-use blocks.
    {"192.0.0.8", "192.0.0.8", AddressKind::kReserved, true},
    {"192.88.99.1", "192.88.99.1", AddressKind::kReserved, true},
    {"198.18.0.1", "198.18.0.1", AddressKind::kBenchmarking, true},
    {"198.19.255.255", "198.19.255.255", AddressKind::kBenchmarking, true},
    {"240.0.0.1", "240.0.0.1", AddressKind::kReserved, true},
    {"254.1.2.3", "254.1.2.3", AddressKind::kReserved, true},
    {"192.0.2.10", "192.0.2.10", AddressKind::kDocumentation, true},
    {"198.51.100.7", "198.51.100.7", AddressKind::kDocumentation, true},
    {"203.0.113.9", "203.0.113.9", AddressKind::kDocumentation, true},
    {"[2001:db8::1]", "2001:db8::1", AddressKind::kDocumentation, true},
    {"[3fff::1]", "3fff::1", AddressKind::kDocumentation, true},
    {"[2001::1]", "2001::1", AddressKind::kReserved, true},  // Teredo
    {"[2001:10::1]", "2001:10::1", AddressKind::kReserved, true},
    {"[64:ff9b:1::a00:1]", "64:ff9b:1::a00:1", AddressKind::kReserved, true},
    {"[100::1]", "100::1", AddressKind::kReserved, true},    // discard-only
    {"[4000::1]", "4000::1", AddressKind::kReserved, true},  // outside 2000::/3
    {"[::2]", "::2", AddressKind::kUnspecified, true},       // IPv4-compatible 0.0.0.2
};

TEST(NetAddressTest, EverySpellingOfAnInsideAddressIsReadAsThatAddressAndRefused) {
  for (const auto& c : kInside) {
    SCOPED_TRACE(c.host);
    const UrlHost host = InterpretUrlHost(c.host);
    ASSERT_EQ(host.form, Form::kAddress);
    EXPECT_EQ(host.address.ToString(), c.address);
    EXPECT_EQ(host.canonical, c.canonical);
    EXPECT_EQ(ClassifyAddress(host.address), c.kind)
        << "classified " << AddressKindName(ClassifyAddress(host.address));
    EXPECT_NE(ClassifyAddress(host.address), AddressKind::kPublic);
  }
}

TEST(NetAddressTest, PublicAddressesArePublicWhateverTheyEmbed) {
  const std::vector<HostCase> cases = {
      {"8.8.8.8", "8.8.8.8", AddressKind::kPublic, true},
      {"93.184.216.34", "93.184.216.34", AddressKind::kPublic, true},
      {"134744072", "8.8.8.8", AddressKind::kPublic},
      // The edges of the refused blocks.
      {"9.255.255.255", "9.255.255.255", AddressKind::kPublic, true},
      {"11.0.0.0", "11.0.0.0", AddressKind::kPublic, true},
      {"100.63.255.255", "100.63.255.255", AddressKind::kPublic, true},
      {"100.128.0.0", "100.128.0.0", AddressKind::kPublic, true},
      {"126.255.255.255", "126.255.255.255", AddressKind::kPublic, true},
      {"128.0.0.0", "128.0.0.0", AddressKind::kPublic, true},
      {"169.253.255.255", "169.253.255.255", AddressKind::kPublic, true},
      {"172.15.255.255", "172.15.255.255", AddressKind::kPublic, true},
      {"172.32.0.0", "172.32.0.0", AddressKind::kPublic, true},
      {"192.167.255.255", "192.167.255.255", AddressKind::kPublic, true},
      {"192.169.0.0", "192.169.0.0", AddressKind::kPublic, true},
      {"198.17.255.255", "198.17.255.255", AddressKind::kPublic, true},
      {"198.20.0.0", "198.20.0.0", AddressKind::kPublic, true},
      {"223.255.255.255", "223.255.255.255", AddressKind::kPublic, true},
      {"[2606:4700:4700::1111]", "2606:4700:4700::1111", AddressKind::kPublic, true},
      {"[2a00:1450:4001:80b::200e]", "2a00:1450:4001:80b::200e", AddressKind::kPublic, true},
      {"[2001:4860:4860::8888]", "2001:4860:4860::8888", AddressKind::kPublic, true},
      {"[::ffff:8.8.8.8]", "::ffff:8.8.8.8", AddressKind::kPublic, true},
      {"[64:ff9b::808:808]", "64:ff9b::808:808", AddressKind::kPublic, true},
      {"[2002:808:808::1]", "2002:808:808::1", AddressKind::kPublic, true},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.host);
    const UrlHost host = InterpretUrlHost(c.host);
    ASSERT_EQ(host.form, Form::kAddress);
    EXPECT_EQ(host.address.ToString(), c.address);
    EXPECT_EQ(host.canonical, c.canonical);
    EXPECT_EQ(ClassifyAddress(host.address), AddressKind::kPublic);
  }
}

TEST(NetAddressTest, HostNamesAreLowerCasedWithoutTheirTrailingDot) {
  for (const auto& [text, name] :
       std::vector<std::pair<std::string, std::string>>{{"hooks.example.com", "hooks.example.com"},
                                                        {"Hooks.Example.COM.", "hooks.example.com"},
                                                        {"localhost", "localhost"},
                                                        {"127.0.0.1.nip.io", "127.0.0.1.nip.io"},
                                                        {"0x7f.example", "0x7f.example"},
                                                        {"a_b-c.example", "a_b-c.example"}}) {
    SCOPED_TRACE(text);
    const UrlHost host = InterpretUrlHost(text);
    ASSERT_EQ(host.form, Form::kName);
    EXPECT_EQ(host.name, name);
  }
}

TEST(NetAddressTest, HostsThatAreNeitherANameNorAnAddressAreInvalid) {
  for (const char* text : {"",
                           ".",
                           "256.0.0.1",
                           "1.2.3.4.5",
                           "1.2.3.256",
                           "127.0.0.1..",
                           "1..2.3",
                           "08.0.0.1",
                           "0x",
                           "0x7g.0.0.1",
                           "4294967296",
                           "127.16777216",
                           "example.123",
                           "-1.0.0.1",
                           "127.0.0.1 ",
                           "%31%32%37.0.0.1",
                           "hooks.example.com\\",
                           "h\xc3\xa9.example",
                           "a..b",
                           "[::1",
                           "::1",
                           "[1::2::3]",
                           "[12345::]",
                           "[1:2:3:4:5:6:7:8:9]",
                           "[1:2:3:4:5:6:7]",
                           "[::1%]",
                           "[::ffff:127.1]",
                           "[::ffff:0177.0.0.1]",
                           "[v1.fe]",
                           "[]",
                           "[:::]",
                           "[1::2:3:4:5:6:7:8]",
                           "[1.2.3.4::]"}) {
    SCOPED_TRACE(text);
    EXPECT_EQ(InterpretUrlHost(text).form, Form::kInvalid);
  }
}

TEST(NetAddressTest, ParsesAndPrintsAddresses) {
  EXPECT_EQ(ParseIpv4("1.2.3.4"), IpAddress::V4(1, 2, 3, 4));
  EXPECT_EQ(ParseIpv4("1.2.3.4."), std::nullopt);
  EXPECT_EQ(ParseIpv4("1.0x10203"), IpAddress::V4(1, 1, 2, 3));
  EXPECT_EQ(ParseIpv6("1:2:3:4:5:6:7:8")->ToString(), "1:2:3:4:5:6:7:8");
  EXPECT_EQ(ParseIpv6("1:0:0:2:0:0:0:3")->ToString(), "1:0:0:2::3");
  EXPECT_EQ(ParseIpv6("1:2:3:4:5:6:7::")->ToString(), "1:2:3:4:5:6:7:0");
  EXPECT_EQ(ParseIpv6("::2:3:4:5:6:7:8")->ToString(), "0:2:3:4:5:6:7:8");
  EXPECT_EQ(ParseIpv6("1::")->ToString(), "1::");
  EXPECT_EQ(ParseIpv6("fe80::1%eth0"), std::nullopt);
  EXPECT_EQ(IpAddress::V4(10, 0, 0, 1).ToString(), "10.0.0.1");
}

}  // namespace
}  // namespace seatwise::core
