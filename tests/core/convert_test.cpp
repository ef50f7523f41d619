// inet_aton/inet_ntoa/inet_pton/inet_ntop and the byte-order functions: valid and invalid inputs,
// lengths, ranges and the error each form reports. (convert_glibc_test.cpp compares with glibc.)
#include "socksim/convert.hpp"

#include <climits>
#include <cstdint>
#include <cstring>
#include <ostream>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include <gtest/gtest.h>

#include "socksim/constants.hpp"
#include "socksim/errors.hpp"

namespace {

using namespace std::string_literals;

// Packed bytes from a list, for readable expectations.
std::string bytes(const std::vector<int>& list) {
  std::string out;
  for (int b : list) out.push_back(static_cast<char>(b));
  return out;
}

std::error_code einval() { return socksim::errno_code(EINVAL); }

// --- inet_aton ---------------------------------------------------------------------------------

struct AtonCase {
  const char* text;
  std::uint32_t address;  // host order
  friend void PrintTo(const AtonCase& c, std::ostream* os) { *os << c.text; }
};

class InetAtonValid : public testing::TestWithParam<AtonCase> {};

TEST_P(InetAtonValid, Parses) {
  const AtonCase& c = GetParam();
  std::error_code ec = einval();
  const std::string packed = socksim::inet_aton(c.text, ec);
  ASSERT_FALSE(ec) << c.text << ": " << ec.message();
  const std::uint32_t a = c.address;
  EXPECT_EQ(packed, bytes({int(a >> 24), int(a >> 16 & 0xff), int(a >> 8 & 0xff), int(a & 0xff)})) << c.text;
  EXPECT_EQ(socksim::inet_aton(c.text), packed);
}

INSTANTIATE_TEST_SUITE_P(
    Forms, InetAtonValid,
    testing::Values(AtonCase{"127.0.0.1", 0x7f000001}, AtonCase{"0.0.0.0", 0}, AtonCase{"255.255.255.255", 0xffffffff},
                    AtonCase{"1.2.3.4", 0x01020304},
                    // short forms: a.b.c (c 16 bits), a.b (b 24 bits), a (32 bits)
                    AtonCase{"127.1", 0x7f000001}, AtonCase{"10", 10}, AtonCase{"10.1.2", 0x0a010002},
                    AtonCase{"1.65535", 0x0100ffff},
                    AtonCase{"1.65536", 0x01010000} /* a.b: b has 24 bits */, AtonCase{"1.2.65535", 0x0102ffff},
                    AtonCase{"1.16777215", 0x01ffffff}, AtonCase{"4294967295", 0xffffffff}, AtonCase{"0", 0},
                    AtonCase{"3232235777", 0xc0a80101},
                    // hex and octal parts
                    AtonCase{"0x7f.1", 0x7f000001}, AtonCase{"0X7F.0.0.1", 0x7f000001}, AtonCase{"0xffffffff", 0xffffffff},
                    AtonCase{"0xFf.0xa.0x0.0x1", 0xff0a0001}, AtonCase{"0177.0.0.1", 0x7f000001}, AtonCase{"00", 0},
                    AtonCase{"0377.0377.0377.0377", 0xffffffff}, AtonCase{"037777777777", 0xffffffff},
                    AtonCase{"0x0", 0}, AtonCase{"0x00000000000000001", 1}, AtonCase{"000000000000000000010", 8},
                    AtonCase{"1.0x10.010.10", 0x0110080a},
                    // glibc stops at ASCII whitespace and ignores the rest
                    AtonCase{"1.2.3.4 junk", 0x01020304}, AtonCase{"1.2.3.4\tjunk", 0x01020304},
                    AtonCase{"1.2.3.4\n", 0x01020304}, AtonCase{"1.2.3.4 ", 0x01020304},
                    AtonCase{"1.2.3.4\v\f\r", 0x01020304}, AtonCase{"1 .2.3.4", 1}, AtonCase{"1.2 3", 0x01000002},
                    AtonCase{"127.1 999.999", 0x7f000001}));

class InetAtonInvalid : public testing::TestWithParam<const char*> {};

TEST_P(InetAtonInvalid, RefusedWithEinval) {
  const char* text = GetParam();
  std::error_code ec;
  const std::string packed = socksim::inet_aton(text, ec);
  EXPECT_EQ(ec, einval()) << text;
  EXPECT_EQ(packed, "");
  try {
    socksim::inet_aton(text);
    ADD_FAILURE() << "no exception for " << text;
  } catch (const socksim::Error& e) {
    EXPECT_EQ(e.value(), EINVAL) << text;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Forms, InetAtonInvalid,
    testing::Values("", " ", " 1.2.3.4", "\t1.2.3.4", "1.2.3.4x", "1.2.3.4.", "1.2.3.4.5", "1..2", "1.2.", ".1", ".",
                    "1.", "a.b.c.d", "x", "+1", "-1", "1.-2", "1.+2", "1.2.3.-4",
                    // part limits
                    "256.1.2.3", "1.256.0.0", "1.2.256.0", "1.2.3.256", "1.2.65536", "1.16777216",
                    "4294967296", "0x100000000", "040000000000", "99999999999999999999999",
                    "0x1ffffffffffffffffffffff", "1.0x100.0.0",
                    // octal and hex spelling
                    "08", "09.1.1.1", "0.08", "1.2.3.09", "0x", "0xg", "0x.1", "1.0x", "0x 1", "0X",
                    // whitespace only ends the address at its end
                    "1. 2", "1.\t2", "1.2.3.4\x01", "1.2.3.4\xa0"));

TEST(InetAton, EmbeddedNulIsATypeError) {
  std::error_code ec;
  EXPECT_EQ(socksim::inet_aton("1.2.3.4\0"s, ec), "");
  EXPECT_EQ(ec, socksim::make_error_code(socksim::errc::type_error));
  EXPECT_THROW(socksim::inet_aton("\0"s), socksim::TypeError);
}

// --- inet_ntoa ---------------------------------------------------------------------------------

TEST(InetNtoa, FormatsFourBytes) {
  EXPECT_EQ(socksim::inet_ntoa(bytes({127, 0, 0, 1})), "127.0.0.1");
  EXPECT_EQ(socksim::inet_ntoa(bytes({0, 0, 0, 0})), "0.0.0.0");
  EXPECT_EQ(socksim::inet_ntoa(bytes({255, 128, 10, 9})), "255.128.10.9");
  std::error_code ec = einval();
  EXPECT_EQ(socksim::inet_ntoa(bytes({192, 168, 100, 200}), ec), "192.168.100.200");
  EXPECT_FALSE(ec);
}

TEST(InetNtoa, RoundTripsEveryByteValue) {
  for (int b = 0; b < 256; ++b) {
    const std::string packed = bytes({b, 255 - b, b ^ 0x55, 0});
    EXPECT_EQ(socksim::inet_aton(socksim::inet_ntoa(packed)), packed);
  }
}

TEST(InetNtoa, WrongLengthIsEinval) {
  for (std::size_t n : {0, 1, 3, 5, 16}) {
    std::error_code ec;
    EXPECT_EQ(socksim::inet_ntoa(std::string(n, 'a'), ec), "");
    EXPECT_EQ(ec, einval()) << n;
    EXPECT_THROW(socksim::inet_ntoa(std::string(n, 'a')), socksim::Error) << n;
  }
}

// --- inet_pton ---------------------------------------------------------------------------------

TEST(InetPton4, StrictDottedQuad) {
  EXPECT_EQ(socksim::inet_pton(socksim::AF_INET, "1.2.3.4"), bytes({1, 2, 3, 4}));
  EXPECT_EQ(socksim::inet_pton(socksim::AF_INET, "0.0.0.0"), bytes({0, 0, 0, 0}));
  EXPECT_EQ(socksim::inet_pton(socksim::AF_INET, "255.255.255.255"), bytes({255, 255, 255, 255}));
  EXPECT_EQ(socksim::inet_pton(socksim::AF_INET, "10.0.100.9"), bytes({10, 0, 100, 9}));
  for (const char* bad : {"", "1.2.3", "127.1", "10", "01.2.3.4", "1.2.3.04", "1.2.3.00", "00.0.0.0", "256.0.0.0",
                          "1.2.3.256", "1.2.3.4.5", "1.2.3.4.", ".1.2.3.4", "1..2.3", "1.2.3.4 ", " 1.2.3.4",
                          "0x1.2.3.4", "1.2.3.a", "1.2.3.-1", "1.2.3.+1", "1.2.3.4/8", "1000.1.1.1", "::1"}) {
    std::error_code ec;
    EXPECT_EQ(socksim::inet_pton(socksim::AF_INET, bad, ec), "") << bad;
    EXPECT_EQ(ec, einval()) << bad;
    EXPECT_THROW(socksim::inet_pton(socksim::AF_INET, bad), socksim::Error) << bad;
  }
}

struct Pton6Case {
  const char* text;
  std::vector<int> packed;
  friend void PrintTo(const Pton6Case& c, std::ostream* os) { *os << c.text; }
};

class InetPton6Valid : public testing::TestWithParam<Pton6Case> {};

TEST_P(InetPton6Valid, Parses) {
  const Pton6Case& c = GetParam();
  std::error_code ec = einval();
  EXPECT_EQ(socksim::inet_pton(socksim::AF_INET6, c.text, ec), bytes(c.packed)) << c.text;
  EXPECT_FALSE(ec) << c.text;
}

INSTANTIATE_TEST_SUITE_P(
    Forms, InetPton6Valid,
    testing::Values(
        Pton6Case{"::", {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}},
        Pton6Case{"::1", {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}},
        Pton6Case{"1::", {0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}},
        Pton6Case{"fe80::1", {0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}},
        Pton6Case{"2001:db8::ff00:42:8329", {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0xff, 0, 0, 0x42, 0x83, 0x29}},
        Pton6Case{"2001:0db8:0000:0000:0000:ff00:0042:8329",
                  {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0xff, 0, 0, 0x42, 0x83, 0x29}},
        Pton6Case{"1:2:3:4:5:6:7:8", {0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7, 0, 8}},
        Pton6Case{"ABCD:EF01:2345:6789:abcd:ef01:2345:6789",
                  {0xab, 0xcd, 0xef, 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0x01, 0x23, 0x45, 0x67, 0x89}},
        Pton6Case{"1:2:3:4:5:6:7::", {0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7, 0, 0}},
        Pton6Case{"::2:3:4:5:6:7:8", {0, 0, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7, 0, 8}},
        Pton6Case{"1:2:3::6:7:8", {0, 1, 0, 2, 0, 3, 0, 0, 0, 0, 0, 6, 0, 7, 0, 8}},
        Pton6Case{"::ffff:1.2.3.4", {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 1, 2, 3, 4}},
        Pton6Case{"::1.2.3.4", {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4}},
        Pton6Case{"1:2:3:4:5:6:1.2.3.4", {0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 1, 2, 3, 4}},
        Pton6Case{"1::255.255.255.255", {0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 255, 255, 255, 255}},
        Pton6Case{"0:0:0:0:0:0:0:0", {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}},
        Pton6Case{"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
                  {255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255}}));

class InetPton6Invalid : public testing::TestWithParam<const char*> {};

TEST_P(InetPton6Invalid, RefusedWithEinval) {
  std::error_code ec;
  EXPECT_EQ(socksim::inet_pton(socksim::AF_INET6, GetParam(), ec), "");
  EXPECT_EQ(ec, einval());
  EXPECT_THROW(socksim::inet_pton(socksim::AF_INET6, GetParam()), socksim::Error);
}

INSTANTIATE_TEST_SUITE_P(
    Forms, InetPton6Invalid,
    testing::Values("", ":", ":::", "1:::2", "1::2::3", "::1::", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "12345::",
                    "::12345", "1:2:3:4:5:6:7:8::", "::1:2:3:4:5:6:7:8", "1:2:3:4::5:6:7:8", "1:", ":1", ":1::",
                    "1::2:", "1:2:3:4:5:6:7:8:", "g::", "::g", "1::2 ", " ::1", "[::1]", "::1%eth0", "::1/128",
                    "1.2.3.4", "::ffff:1.2.3", "::ffff:01.2.3.4", "::ffff:1.2.3.256", "::1.2.3.4:5", "::1.2.3.4.5",
                    "1:2:3:4:5:6:7:1.2.3.4", "1:2:3:4:5:6::1.2.3.4", "::1.2.3.4::", "1.2.3.4::", ":ffff:1.2.3.4",
                    "::ffff:1.2.3.4 ", "0x1::", "-1::"));

TEST(InetPton, EmbeddedNulIsATypeError) {
  std::error_code ec;
  EXPECT_EQ(socksim::inet_pton(socksim::AF_INET6, "::1\0"s, ec), "");
  EXPECT_EQ(ec, socksim::make_error_code(socksim::errc::type_error));
  EXPECT_THROW(socksim::inet_pton(socksim::AF_INET, "1.2.3.4\0"s), socksim::TypeError);
}

TEST(InetPton, UnknownFamilyIsEafnosupport) {
  for (int family : {socksim::AF_UNSPEC, socksim::AF_UNIX, 3, 12345, -1}) {
    std::error_code ec;
    EXPECT_EQ(socksim::inet_pton(family, "1.2.3.4", ec), "");
    EXPECT_EQ(ec, socksim::errno_code(EAFNOSUPPORT)) << family;
    try {
      socksim::inet_pton(family, "1.2.3.4");
      ADD_FAILURE() << family;
    } catch (const socksim::Error& e) {
      EXPECT_EQ(e.value(), EAFNOSUPPORT);
    }
  }
}

// --- inet_ntop ---------------------------------------------------------------------------------

TEST(InetNtop4, FormatsFourBytes) {
  EXPECT_EQ(socksim::inet_ntop(socksim::AF_INET, bytes({7, 10, 0, 5})), "7.10.0.5");
  EXPECT_EQ(socksim::inet_ntop(socksim::AF_INET, bytes({255, 255, 255, 255})), "255.255.255.255");
  EXPECT_EQ(socksim::inet_ntop(socksim::AF_INET, bytes({0, 0, 0, 0})), "0.0.0.0");
}

struct Ntop6Case {
  std::vector<int> words;
  const char* text;
  friend void PrintTo(const Ntop6Case& c, std::ostream* os) { *os << c.text; }
};

class InetNtop6 : public testing::TestWithParam<Ntop6Case> {};

TEST_P(InetNtop6, Formats) {
  const Ntop6Case& c = GetParam();
  std::string packed;
  for (int w : c.words) {
    packed.push_back(static_cast<char>(w >> 8));
    packed.push_back(static_cast<char>(w & 0xff));
  }
  ASSERT_EQ(packed.size(), 16u);
  std::error_code ec = einval();
  EXPECT_EQ(socksim::inet_ntop(socksim::AF_INET6, packed, ec), c.text);
  EXPECT_FALSE(ec);
  // and back
  EXPECT_EQ(socksim::inet_pton(socksim::AF_INET6, c.text), packed) << c.text;
}

INSTANTIATE_TEST_SUITE_P(
    Forms, InetNtop6,
    testing::Values(Ntop6Case{{0, 0, 0, 0, 0, 0, 0, 0}, "::"}, Ntop6Case{{0, 0, 0, 0, 0, 0, 0, 1}, "::1"},
                    Ntop6Case{{1, 0, 0, 0, 0, 0, 0, 0}, "1::"},
                    Ntop6Case{{0x2001, 0xdb8, 0, 0, 0, 0xff00, 0x42, 0x8329}, "2001:db8::ff00:42:8329"},
                    Ntop6Case{{0xfe80, 0, 0, 0, 0, 0, 0, 0xABCD}, "fe80::abcd"},
                    // a single zero group is not compressed
                    Ntop6Case{{1, 0, 2, 3, 4, 5, 6, 7}, "1:0:2:3:4:5:6:7"},
                    Ntop6Case{{1, 2, 3, 4, 5, 6, 7, 0}, "1:2:3:4:5:6:7:0"},
                    // the longest run wins; on a tie, the first
                    Ntop6Case{{1, 0, 0, 2, 0, 0, 0, 3}, "1:0:0:2::3"}, Ntop6Case{{1, 0, 0, 2, 0, 0, 3, 4}, "1::2:0:0:3:4"},
                    Ntop6Case{{0, 0, 1, 0, 0, 2, 0, 0}, "::1:0:0:2:0:0"},
                    // IPv4-mapped and IPv4-compatible
                    Ntop6Case{{0, 0, 0, 0, 0, 0xffff, 0x0102, 0x0304}, "::ffff:1.2.3.4"},
                    Ntop6Case{{0, 0, 0, 0, 0, 0xffff, 0, 0}, "::ffff:0.0.0.0"},
                    Ntop6Case{{0, 0, 0, 0, 0, 0xffff, 0, 1}, "::ffff:0.0.0.1"},
                    Ntop6Case{{0, 0, 0, 0, 0, 0, 0x0102, 0x0304}, "::1.2.3.4"},
                    Ntop6Case{{0, 0, 0, 0, 0, 0, 0x0102, 0}, "::1.2.0.0"},
                    Ntop6Case{{0, 0, 0, 0, 0, 0, 0, 0x0102}, "::102"},      // the seventh group is zero
                    Ntop6Case{{0, 0, 0, 0, 0xffff, 0, 0x0102, 0x0304}, "::ffff:0:102:304"},  // not mapped
                    Ntop6Case{{0, 0, 0, 0, 0, 1, 0x0102, 0x0304}, "::1:102:304"},
                    Ntop6Case{{0, 0, 0, 0, 1, 0xffff, 0x0102, 0x0304}, "::1:ffff:102:304"},
                    Ntop6Case{{0x64, 0xff9b, 0, 0, 0, 0, 0x0102, 0x0304}, "64:ff9b::102:304"}));

TEST(InetNtop, WrongLengthIsAValueError) {
  for (auto [family, n] : {std::pair{socksim::AF_INET, 0}, {socksim::AF_INET, 3}, {socksim::AF_INET, 5},
                           {socksim::AF_INET, 16}, {socksim::AF_INET6, 4}, {socksim::AF_INET6, 15},
                           {socksim::AF_INET6, 17}, {socksim::AF_INET6, 0}}) {
    std::error_code ec;
    EXPECT_EQ(socksim::inet_ntop(family, std::string(static_cast<std::size_t>(n), '\x01'), ec), "");
    EXPECT_EQ(ec, socksim::make_error_code(socksim::errc::value_error)) << family << " " << n;
    EXPECT_THROW(socksim::inet_ntop(family, std::string(static_cast<std::size_t>(n), '\x01')), socksim::ValueError);
  }
}

TEST(InetNtop, UnknownFamilyIsValueError) {
  for (int family : {socksim::AF_UNSPEC, socksim::AF_UNIX, 12345}) {
    std::error_code ec;
    EXPECT_EQ(socksim::inet_ntop(family, bytes({1, 2, 3, 4}), ec), "");
    EXPECT_EQ(ec, socksim::make_error_code(socksim::errc::value_error));
    EXPECT_THROW(socksim::inet_ntop(family, bytes({1, 2, 3, 4})), socksim::ValueError);
  }
}

// --- byte order ----------------------------------------------------------------------------------

// The in-memory bytes of a value.
template <typename T>
std::string memory_of(T v) {
  std::string out(sizeof v, '\0');
  std::memcpy(out.data(), &v, sizeof v);
  return out;
}

TEST(ByteOrder, HtonsPutsTheHighByteFirstInMemory) {
  for (long long x : {0LL, 1LL, 0x1234LL, 0xff00LL, 0x00ffLL, 0xabcdLL, 65535LL}) {
    const std::uint16_t n = (socksim::htons)(x);
    EXPECT_EQ(memory_of(n), bytes({int(x >> 8), int(x & 0xff)})) << x;
    EXPECT_EQ((socksim::ntohs)(n), x);
    EXPECT_EQ((socksim::ntohs)(x), n);  // the same swap both ways
  }
}

TEST(ByteOrder, HtonlPutsTheHighByteFirstInMemory) {
  for (long long x : {0LL, 1LL, 0x12345678LL, 0xff000000LL, 0x000000ffLL, 0x7f000001LL, 4294967295LL}) {
    const std::uint32_t n = (socksim::htonl)(x);
    EXPECT_EQ(memory_of(n), bytes({int(x >> 24 & 0xff), int(x >> 16 & 0xff), int(x >> 8 & 0xff), int(x & 0xff)})) << x;
    EXPECT_EQ((socksim::ntohl)(n), x);
    EXPECT_EQ((socksim::ntohl)(x), n);
  }
}

TEST(ByteOrder, OutOfRangeIsAnOverflowError) {
  const std::error_code overflow = socksim::make_error_code(socksim::errc::overflow_error);
  for (long long x : {-1LL, 65536LL, 100000LL, LLONG_MIN, LLONG_MAX, 4294967295LL}) {
    std::error_code ec;
    EXPECT_EQ((socksim::htons)(x, ec), 0);
    EXPECT_EQ(ec, overflow) << x;
    ec.clear();
    (socksim::ntohs)(x, ec);
    EXPECT_EQ(ec, overflow) << x;
    EXPECT_THROW((socksim::htons)(x), socksim::OverflowError) << x;
    EXPECT_THROW((socksim::ntohs)(x), socksim::OverflowError) << x;
  }
  for (long long x : {-1LL, 4294967296LL, LLONG_MIN, LLONG_MAX}) {
    std::error_code ec;
    EXPECT_EQ((socksim::htonl)(x, ec), 0u);
    EXPECT_EQ(ec, overflow) << x;
    ec.clear();
    (socksim::ntohl)(x, ec);
    EXPECT_EQ(ec, overflow) << x;
    EXPECT_THROW((socksim::htonl)(x), socksim::OverflowError) << x;
    EXPECT_THROW((socksim::ntohl)(x), socksim::OverflowError) << x;
  }
}

TEST(ByteOrder, SuccessClearsTheErrorCode) {
  std::error_code ec = socksim::make_error_code(socksim::errc::overflow_error);
  EXPECT_EQ((socksim::htons)(0, ec), 0);
  EXPECT_FALSE(ec);
  ec = socksim::make_error_code(socksim::errc::overflow_error);
  EXPECT_EQ((socksim::htonl)(0, ec), 0u);
  EXPECT_FALSE(ec);
}

}  // namespace
