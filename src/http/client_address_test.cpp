#include "http/client_address.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "http/router.hpp"

namespace seatwise::http {
namespace {

using ::testing::HasSubstr;

Request From(std::string remote, std::vector<HeaderField> headers = {}) {
  Request request;
  request.SetTarget("/x");
  request.remote = std::move(remote);
  request.headers = std::move(headers);
  return request;
}

TrustedProxies Trust(std::vector<std::string> entries) {
  auto trusted = TrustedProxies::Parse(entries);
  EXPECT_TRUE(trusted.ok()) << (trusted.ok() ? "" : trusted.error().message);
  return trusted.ok() ? *trusted : TrustedProxies();
}

TEST(AddressRangeTest, ParsesAddressesAndNetworksOfBothFamilies) {
  EXPECT_EQ(ParseAddressRange("10.0.0.0/8")->ToString(), "10.0.0.0/8");
  EXPECT_EQ(ParseAddressRange(" 192.0.2.7 ")->ToString(), "192.0.2.7");
  EXPECT_EQ(ParseAddressRange("2001:DB8::/32")->ToString(), "2001:db8::/32");
  EXPECT_EQ(ParseAddressRange("::1")->ToString(), "::1");
  EXPECT_EQ(ParseAddressRange("0.0.0.0/0")->ToString(), "0.0.0.0/0");
  // An IPv4-mapped IPv6 address is the IPv4 address it carries.
  EXPECT_EQ(ParseAddressRange("::ffff:10.1.2.3")->ToString(), "10.1.2.3");
}

TEST(AddressRangeTest, RefusesWhatIsNoAddressOrNetwork) {
  for (const char* bad : {"", "proxy.internal", "10.0.0.0/33", "::/129", "10.0.0.0/", "10.0.0.0/-1",
                          "10.0.0/8", "1.2.3.4:80", "fe80::1%eth0", "true", "10.0.0.0/8/8"}) {
    auto parsed = ParseAddressRange(bad);
    EXPECT_FALSE(parsed.ok()) << bad;
  }
  auto host_bits = ParseAddressRange("10.0.0.1/8");
  ASSERT_FALSE(host_bits.ok());
  EXPECT_THAT(host_bits.error().message, HasSubstr("did you mean 10.0.0.0/8?"));
}

TEST(AddressRangeTest, ContainsComparesOnlyThePrefixAndTheFamily) {
  auto net = *ParseAddressRange("172.16.0.0/12");
  EXPECT_TRUE(net.Contains(*ParseAddress("172.31.255.255")));
  EXPECT_FALSE(net.Contains(*ParseAddress("172.32.0.0")));
  auto v6 = *ParseAddressRange("fd00::/8");
  EXPECT_TRUE(v6.Contains(*ParseAddress("fd12:3456::1")));
  EXPECT_FALSE(v6.Contains(*ParseAddress("fe80::1")));
  EXPECT_FALSE(ParseAddressRange("::/0")->Contains(*ParseAddress("10.0.0.1")));
  EXPECT_TRUE(ParseAddressRange("10.0.0.0/8")->Contains(*ParseAddress("::ffff:10.9.9.9")));
}

TEST(ClientAddressTest, UsesThePeerWithoutItsPort) {
  EXPECT_EQ(ClientAddress(From("10.0.0.7:4321"), {}), "10.0.0.7");
  EXPECT_EQ(ClientAddress(From("[::1]:4321"), {}), "::1");
  EXPECT_EQ(ClientAddress(From("[::ffff:198.51.100.2]:4321"), {}), "198.51.100.2");
}

TEST(ClientAddressTest, IgnoresXForwardedForFromAnUntrustedPeer) {
  auto request = From("203.0.113.50:4321", {{"X-Forwarded-For", "198.51.100.1"}});
  EXPECT_EQ(ClientAddress(request, {}), "203.0.113.50");
  EXPECT_EQ(ClientAddress(request, Trust({"10.0.0.0/8", "::1"})), "203.0.113.50");
}

TEST(ClientAddressTest, TakesTheRightMostEntryNoTrustedProxyAdded) {
  auto trusted = Trust({"10.0.0.0/8"});
  // The client wrote the first entry itself; the proxy appended the address it saw.
  auto spoofed = From("10.0.0.2:80", {{"X-Forwarded-For", "1.1.1.1, 203.0.113.9"}});
  EXPECT_EQ(ClientAddress(spoofed, trusted), "203.0.113.9");
  // Two proxies in a row: the inner one is skipped.
  auto chain = From("10.0.0.2:80", {{"X-Forwarded-For", "1.1.1.1, 203.0.113.9, 10.0.0.3"}});
  EXPECT_EQ(ClientAddress(chain, trusted), "203.0.113.9");
  // Several header fields form one list, in order.
  auto split = From("10.0.0.2:80", {{"X-Forwarded-For", "1.1.1.1"},
                                    {"x-forwarded-for", "203.0.113.9 , 10.0.0.3"}});
  EXPECT_EQ(ClientAddress(split, trusted), "203.0.113.9");
}

TEST(ClientAddressTest, HandlesIpv6AndPortsInEntries) {
  auto trusted = Trust({"::1", "fd00::/8"});
  auto request =
      From("[::1]:80", {{"X-Forwarded-For", "[2001:db8::7]:5123, fd00::2, 192.0.2.1:443"}});
  EXPECT_EQ(ClientAddress(request, trusted), "192.0.2.1");
  auto v6 = From("[::1]:80", {{"X-Forwarded-For", "[2001:DB8::7]:5123, fd00::2"}});
  EXPECT_EQ(ClientAddress(v6, trusted), "2001:db8::7");
}

TEST(ClientAddressTest, AMalformedEntryStopsTheWalkAtTheLastGoodAddress) {
  auto trusted = Trust({"10.0.0.0/8"});
  EXPECT_EQ(ClientAddress(From("10.0.0.2:80", {{"X-Forwarded-For", "<script>"}}), trusted),
            "10.0.0.2");
  EXPECT_EQ(
      ClientAddress(From("10.0.0.2:80", {{"X-Forwarded-For", "203.0.113.9, unknown, 10.0.0.5"}}),
                    trusted),
      "10.0.0.5");
  EXPECT_EQ(ClientAddress(From("10.0.0.2:80", {{"X-Forwarded-For", "1.1.1.1,,"}}), trusted),
            "10.0.0.2");
}

TEST(ClientAddressTest, WhenEveryHopIsTrustedTheLeftMostIsTheClient) {
  auto trusted = Trust({"10.0.0.0/8"});
  EXPECT_EQ(
      ClientAddress(From("10.0.0.2:80", {{"X-Forwarded-For", "10.1.1.1, 10.0.0.3"}}), trusted),
      "10.1.1.1");
  EXPECT_EQ(ClientAddress(From("10.0.0.2:80"), trusted), "10.0.0.2");
}

}  // namespace
}  // namespace seatwise::http
