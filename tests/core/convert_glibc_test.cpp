// The conversion functions against glibc's own inet_aton/inet_pton/inet_ntop, on generated and
// seeded random inputs: every answer (accepted or not, and the bytes or text) must be glibc's.
//
// socksim/convert.hpp comes before <arpa/inet.h>: glibc defines htons/ntohs/htonl/ntohl as
// function-like macros when optimising, and those would expand inside the header's declarations.
#include "socksim/convert.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <iterator>
#include <random>
#include <string_view>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace {

constexpr std::uint64_t kSeed = 0x50c651a7;

std::string escaped(const std::string& s) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
      out.push_back(static_cast<char>(c));
    } else {
      out += "\\x";
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xf]);
    }
  }
  return out + "\"";
}

// --- what glibc says -----------------------------------------------------------------------------

// "" when glibc refuses the string.
std::string glibc_aton(const std::string& s) {
  in_addr a{};
  if (::inet_aton(s.c_str(), &a) == 0) return {};
  std::string out(4, '\0');
  std::memcpy(out.data(), &a, 4);
  return out;
}

std::string glibc_pton(int family, const std::string& s) {
  unsigned char buf[16];
  if (::inet_pton(family, s.c_str(), buf) != 1) return {};
  return std::string(reinterpret_cast<const char*>(buf), family == AF_INET ? 4 : 16);
}

std::string glibc_ntop(int family, const std::string& packed) {
  char buf[INET6_ADDRSTRLEN];
  const char* r = ::inet_ntop(family, packed.data(), buf, sizeof buf);
  return r == nullptr ? std::string() : std::string(r);
}

// --- what socksim says ---------------------------------------------------------------------------

std::string ours_aton(const std::string& s) {
  std::error_code ec;
  std::string r = socksim::inet_aton(s, ec);
  return ec ? std::string() : r;
}

std::string ours_pton(int family, const std::string& s) {
  std::error_code ec;
  std::string r = socksim::inet_pton(family, s, ec);
  return ec ? std::string() : r;
}

// Compares the three parsers on each string; returns how many strings each parser accepted.
struct Accepted {
  std::size_t aton = 0, pton4 = 0, pton6 = 0;
};

Accepted compare_parsers(const std::vector<std::string>& inputs) {
  Accepted accepted;
  int failures = 0;
  for (const std::string& s : inputs) {
    const std::string a = glibc_aton(s), p4 = glibc_pton(AF_INET, s), p6 = glibc_pton(AF_INET6, s);
    if (ours_aton(s) != a && ++failures < 30) ADD_FAILURE() << "inet_aton " << escaped(s) << " glibc ok: " << !a.empty();
    if (ours_pton(AF_INET, s) != p4 && ++failures < 30) {
      ADD_FAILURE() << "inet_pton(AF_INET) " << escaped(s) << " glibc ok: " << !p4.empty();
    }
    if (ours_pton(AF_INET6, s) != p6 && ++failures < 30) {
      ADD_FAILURE() << "inet_pton(AF_INET6) " << escaped(s) << " glibc ok: " << !p6.empty();
    }
    accepted.aton += !a.empty();
    accepted.pton4 += !p4.empty();
    accepted.pton6 += !p6.empty();
  }
  EXPECT_EQ(failures, 0);
  return accepted;
}

// --- generators ----------------------------------------------------------------------------------

class Gen {
 public:
  explicit Gen(std::uint64_t seed) : rng_(seed) {}

  std::size_t below(std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng_); }
  bool chance(double p) { return std::bernoulli_distribution(p)(rng_); }
  char pick(std::string_view from) { return from[below(from.size())]; }

  // A number that sits near one of inet_aton's limits, or anywhere below 2^33.
  std::uint64_t number() {
    static constexpr std::uint64_t kEdges[] = {0, 1, 7, 8, 255, 256, 65535, 65536, 16777215, 16777216,
                                               4294967295ULL, 4294967296ULL};
    if (chance(0.5)) {
      const std::uint64_t e = kEdges[below(std::size(kEdges))];
      return chance(0.7) ? e : e + below(3) - 1;
    }
    const unsigned bits = static_cast<unsigned>(below(34));
    return bits == 0 ? 0 : std::uniform_int_distribution<std::uint64_t>(0, (1ULL << bits) - 1)(rng_);
  }

  // One inet_aton part: decimal, octal or hex, sometimes with leading zeros.
  std::string aton_part() {
    const std::uint64_t v = chance(0.5) ? below(256) : number();
    std::string digits;
    switch (below(4)) {
      case 0:
      case 1:
        digits = std::to_string(v);
        break;
      case 2: {
        digits = "0";
        char buf[32];
        std::snprintf(buf, sizeof buf, "%llo", static_cast<unsigned long long>(v));
        if (v != 0) digits += buf;
        break;
      }
      default: {
        char buf[32];
        std::snprintf(buf, sizeof buf, chance(0.5) ? "%llx" : "%llX", static_cast<unsigned long long>(v));
        digits = std::string(chance(0.5) ? "0x" : "0X") + std::string(below(3), '0') + buf;
      }
    }
    if (chance(0.1)) digits.insert(0, below(3) + 1, '0');
    return digits;
  }

  // One to max_parts parts; four (the full form) half of the time.
  std::string dotted(std::string (Gen::*part)(), std::size_t max_parts) {
    const std::size_t parts = chance(0.5) ? 4 : 1 + below(max_parts);
    std::string s;
    for (std::size_t i = 0; i < parts; ++i) {
      if (i != 0) s += '.';
      s += (this->*part)();
    }
    return s;
  }

  std::string pton4_part() {
    std::string s = std::to_string(chance(0.95) ? below(256) : below(1000));
    if (chance(0.03)) s.insert(0, "0");
    return s;
  }

  std::string v6() {
    static constexpr std::string_view kHexDigits = "0123456789abcdefABCDEF";
    const std::size_t groups = below(10);
    std::vector<std::string> g(groups);
    for (auto& x : g) {
      const std::size_t n = chance(0.3) ? 0 : 1 + below(chance(0.95) ? 4 : 5);
      for (std::size_t i = 0; i < n; ++i) x += chance(0.3) ? '0' : pick(kHexDigits);
    }
    std::string s;
    const std::size_t gap = chance(0.6) ? below(groups + 1) : groups + 1;  // where "::" goes, if anywhere
    for (std::size_t i = 0; i < groups; ++i) {
      if (i == gap) s += "::";
      else if (i != 0) s += ':';
      s += g[i].empty() ? "0" : g[i];
    }
    if (gap == groups) s += "::";
    if (chance(0.25)) {
      if (!s.empty() && s.back() != ':') s += ':';
      s += chance(0.8) ? dotted(&Gen::pton4_part, 4) + (chance(0.9) ? "" : ".1") : "1.2.3";
    }
    if (chance(0.05)) s += ":";
    if (chance(0.05)) s.insert(0, ":");
    return s;
  }

  // Changes, inserts or removes a few characters.
  std::string mutate(std::string s) {
    static constexpr std::string_view kChars = "0123456789abcdefxX.: \t\n\v\f\r-+gG/%\x01\x7f\x80\xa0\xff";
    const std::size_t edits = 1 + below(3);
    for (std::size_t i = 0; i < edits; ++i) {
      const std::size_t op = below(3);
      if (op == 0 && !s.empty()) {
        s[below(s.size())] = pick(kChars);
      } else if (op == 1) {
        s.insert(s.begin() + static_cast<std::ptrdiff_t>(below(s.size() + 1)), pick(kChars));
      } else if (!s.empty()) {
        s.erase(below(s.size()), 1);
      }
    }
    return s;
  }

  std::string noise() {
    static constexpr std::string_view kChars = "0123456789012345678901234567890123456789....::abcdefxX \t\n-+g\x80\xff";
    std::string s(below(20), '\0');
    for (char& c : s) c = pick(kChars);
    return s;
  }

  std::string trailer() {
    static constexpr const char* kTrailers[] = {" junk", "\t", "\n", " ", "x", ".", "  1.2.3.4", "\r\n", "\v", "\f"};
    return kTrailers[below(std::size(kTrailers))];
  }

 private:
  std::mt19937_64 rng_;
};

// --- tests ---------------------------------------------------------------------------------------

TEST(ConvertVsGlibc, InetAtonForms) {
  Gen gen(kSeed);
  std::vector<std::string> inputs;
  for (int i = 0; i < 40000; ++i) {
    std::string s = gen.dotted(&Gen::aton_part, 5);
    if (gen.chance(0.2)) s += gen.trailer();
    if (gen.chance(0.02)) s.insert(0, " ");
    if (gen.chance(0.25)) s = gen.mutate(s);
    inputs.push_back(std::move(s));
  }
  const Accepted a = compare_parsers(inputs);
  // The generator must reach both answers often, or the comparison says little.
  EXPECT_GT(a.aton, inputs.size() / 5);
  EXPECT_LT(a.aton, inputs.size() * 4 / 5);
}

TEST(ConvertVsGlibc, InetPton4Forms) {
  Gen gen(kSeed + 1);
  std::vector<std::string> inputs;
  for (int i = 0; i < 20000; ++i) {
    std::string s = gen.dotted(&Gen::pton4_part, 5);
    if (gen.chance(0.3)) s = gen.mutate(s);
    inputs.push_back(std::move(s));
  }
  const Accepted a = compare_parsers(inputs);
  EXPECT_GT(a.pton4, inputs.size() / 5);
  EXPECT_LT(a.pton4, inputs.size() * 4 / 5);
}

TEST(ConvertVsGlibc, InetPton6Forms) {
  Gen gen(kSeed + 2);
  std::vector<std::string> inputs;
  for (int i = 0; i < 40000; ++i) {
    std::string s = gen.v6();
    if (gen.chance(0.3)) s = gen.mutate(s);
    inputs.push_back(std::move(s));
  }
  const Accepted a = compare_parsers(inputs);
  EXPECT_GT(a.pton6, inputs.size() / 10);
  EXPECT_LT(a.pton6, inputs.size() * 4 / 5);
}

TEST(ConvertVsGlibc, RandomNoise) {
  Gen gen(kSeed + 3);
  std::vector<std::string> inputs;
  for (int i = 0; i < 20000; ++i) inputs.push_back(gen.noise());
  compare_parsers(inputs);
}

TEST(ConvertVsGlibc, EveryShortStringOverASmallAlphabet) {
  // All strings of up to six characters over these seven.
  static constexpr std::string_view kAlphabet = "01f:.x ";
  std::vector<std::string> inputs{""};
  for (std::size_t begin = 0, len = 1; len <= 6; ++len) {
    const std::size_t end = inputs.size();
    for (std::size_t i = begin; i < end; ++i) {
      for (char c : kAlphabet) inputs.push_back(inputs[i] + c);
    }
    begin = end;
  }
  const Accepted a = compare_parsers(inputs);
  EXPECT_GT(a.aton, 0u);
  EXPECT_GT(a.pton6, 0u);
}

TEST(ConvertVsGlibc, InetNtop6EveryZeroPattern) {
  // Each of the 256 patterns of zero and non-zero groups, with several fillers and with the
  // sixth group 0xffff (the IPv4-mapped form).
  int failures = 0;
  for (unsigned mask = 0; mask < 256; ++mask) {
    for (unsigned filler : {0x1u, 0xffffu, 0xabcu, 0x102u}) {
      for (bool mapped : {false, true}) {
        std::string packed(16, '\0');
        for (unsigned w = 0; w < 8; ++w) {
          unsigned v = (mask >> w & 1) ? filler + w : 0;
          if (mapped && w == 5) v = 0xffff;
          packed[2 * w] = static_cast<char>(v >> 8);
          packed[2 * w + 1] = static_cast<char>(v & 0xff);
        }
        const std::string want = glibc_ntop(AF_INET6, packed);
        if (socksim::inet_ntop(AF_INET6, packed) != want && ++failures < 30) {
          ADD_FAILURE() << "mask " << mask << " filler " << filler << " mapped " << mapped << ": glibc " << want
                        << ", socksim " << socksim::inet_ntop(AF_INET6, packed);
        }
      }
    }
  }
  EXPECT_EQ(failures, 0);
}

TEST(ConvertVsGlibc, InetNtopRandomAddresses) {
  Gen gen(kSeed + 4);
  int failures = 0;
  for (int i = 0; i < 30000; ++i) {
    std::string packed(16, '\0');
    for (std::size_t w = 0; w < 8; ++w) {
      const double r = static_cast<double>(gen.below(1000)) / 1000.0;
      const unsigned v = r < 0.5 ? 0 : r < 0.6 ? 0xffff : static_cast<unsigned>(gen.below(0x10000));
      packed[2 * w] = static_cast<char>(v >> 8);
      packed[2 * w + 1] = static_cast<char>(v & 0xff);
    }
    const std::string want = glibc_ntop(AF_INET6, packed);
    const std::string got = socksim::inet_ntop(AF_INET6, packed);
    if (got != want && ++failures < 30) ADD_FAILURE() << "glibc " << want << ", socksim " << got;
    // and glibc reads socksim's text back to the same bytes
    if (glibc_pton(AF_INET6, got) != packed && ++failures < 30) ADD_FAILURE() << "glibc cannot read back " << got;

    const std::string packed4 = packed.substr(0, 4);
    if (socksim::inet_ntop(AF_INET, packed4) != glibc_ntop(AF_INET, packed4) && ++failures < 30) {
      ADD_FAILURE() << "AF_INET " << glibc_ntop(AF_INET, packed4);
    }
    if (socksim::inet_ntoa(packed4) != glibc_ntop(AF_INET, packed4) && ++failures < 30) {
      ADD_FAILURE() << "inet_ntoa " << glibc_ntop(AF_INET, packed4);
    }
  }
  EXPECT_EQ(failures, 0);
}

TEST(ConvertVsGlibc, ByteOrderMatchesTheCMacros) {
  Gen gen(kSeed + 5);
  for (int i = 0; i < 1000; ++i) {
    const auto v16 = static_cast<std::uint16_t>(gen.below(0x10000));
    const auto v32 = static_cast<std::uint32_t>(gen.below(0x100000000ULL));
    // The C names may be function-like macros here; socksim's are called in parentheses.
    EXPECT_EQ((socksim::htons)(v16), htons(v16));
    EXPECT_EQ((socksim::ntohs)(v16), ntohs(v16));
    EXPECT_EQ((socksim::htonl)(v32), htonl(v32));
    EXPECT_EQ((socksim::ntohl)(v32), ntohl(v32));
  }
}

}  // namespace
