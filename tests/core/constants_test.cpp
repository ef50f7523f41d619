// socksim/constants.hpp on its own (no system header in this file): the declared constants, the
// name table's order and its lookups.
#include "socksim/constants.hpp"

#include <cstddef>
#include <set>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <gtest/gtest.h>

// This file checks socksim's own declarations, so none of the system's macros may be in sight.
#if defined(SO_REUSEADDR) || defined(AF_INET) || defined(MSG_PEEK) || defined(INADDR_ANY) || defined(EAI_NONAME)
#error "a system socket header was included; socksim's declarations would be hidden"
#endif

namespace {

using socksim::constant_name;
using socksim::constant_table;
using socksim::constant_value;
using socksim::errno_name;
using socksim::errno_value;

struct Declared {
  std::string_view name;
  long long value;
};

#define X(name) {#name, static_cast<long long>(socksim::name)},
const Declared kDeclared[] = {
#include "declared_constants.inc"
};
#undef X

const std::vector<std::string_view> kGroupOrder = {"AF",  "SOCK", "SOL", "SO", "IPPROTO", "IPPORT", "INADDR", "IP", "IPV6",
                                                   "TCP", "MSG",  "SHUT", "EAI", "AI", "NI", "SOMAXCONN", "errno", "herror"};

TEST(Constants, DeclaredConstantsMatchTheTable) {
  for (const auto& d : kDeclared) {
    const auto v = constant_value(d.name);
    ASSERT_TRUE(v.has_value()) << d.name;
    EXPECT_EQ(*v, d.value) << d.name;
  }
}

TEST(Constants, EveryTableConstantButErrnoIsDeclared) {
  std::set<std::string_view> declared;
  for (const auto& d : kDeclared) declared.insert(d.name);
  for (const auto& e : constant_table()) {
    if (e.group == "errno") continue;
    EXPECT_TRUE(declared.count(e.name)) << e.name;
  }
}

TEST(Constants, TypesFollowTheCHeaders) {
  static_assert(std::is_same_v<decltype(socksim::SO_REUSEADDR), const int>);
  static_assert(std::is_same_v<decltype(socksim::EAI_NONAME), const int>);
  static_assert(std::is_same_v<decltype(socksim::INADDR_BROADCAST), const unsigned int>);
  EXPECT_EQ(socksim::INADDR_BROADCAST, 0xffffffffu);
  EXPECT_EQ(socksim::INADDR_LOOPBACK, 0x7f000001u);
  EXPECT_LT(socksim::EAI_AGAIN, 0);
}

TEST(Constants, SeedValues) {
  EXPECT_EQ(socksim::SOL_SOCKET, 1);
  EXPECT_EQ(socksim::SO_REUSEADDR, 2);
  EXPECT_EQ(socksim::SO_REUSEPORT, 15);
  EXPECT_EQ(socksim::IPV6_V6ONLY, 26);
  EXPECT_EQ(socksim::IPPORT_RESERVED, 1024);
  EXPECT_EQ(socksim::IPPORT_USERRESERVED, 5000);
  EXPECT_EQ(socksim::SOMAXCONN, 4096);
  EXPECT_EQ(socksim::NI_MAXHOST, 1025);
  EXPECT_EQ(socksim::NI_MAXSERV, 32);
  EXPECT_EQ(socksim::EAI_BADFLAGS, -1);
  EXPECT_EQ(socksim::EAI_OVERFLOW, -12);
  EXPECT_EQ(socksim::HOST_NOT_FOUND, 1);
  EXPECT_EQ(socksim::NO_ADDRESS, socksim::NO_DATA);
}

TEST(Constants, TableIsGroupedInTheDocumentedOrderAndSortedByValue) {
  const auto table = constant_table();
  ASSERT_FALSE(table.empty());
  std::size_t group = 0;
  for (std::size_t i = 0; i < table.size(); ++i) {
    while (group < kGroupOrder.size() && kGroupOrder[group] != table[i].group) ++group;
    ASSERT_LT(group, kGroupOrder.size()) << "row " << i << " (" << table[i].name << ") breaks the group order";
    if (i > 0 && table[i - 1].group == table[i].group) {
      EXPECT_LE(table[i - 1].value, table[i].value) << table[i].name;
    }
  }
  // Every group has rows.
  std::set<std::string_view> seen;
  for (const auto& e : table) seen.insert(e.group);
  EXPECT_EQ(seen.size(), kGroupOrder.size());
}

TEST(Constants, NamesCarryTheirGroupPrefix) {
  for (const auto& e : constant_table()) {
    const std::string name(e.name);
    if (e.group == "errno") {
      EXPECT_EQ(name[0], 'E') << name;
    } else if (e.group == "herror" || e.group == "SOMAXCONN") {
      continue;
    } else {
      EXPECT_EQ(name.rfind(std::string(e.group) + "_", 0), 0u) << name << " in " << e.group;
    }
  }
}

TEST(Constants, NamesAreUnique) {
  std::set<std::string_view> names;
  for (const auto& e : constant_table()) EXPECT_TRUE(names.insert(e.name).second) << e.name;
}

TEST(Constants, ValueRoundTripsEveryRow) {
  for (const auto& e : constant_table()) EXPECT_EQ(constant_value(e.name), e.value) << e.name;
}

TEST(Constants, NameRoundTripsToTheFirstRowWithTheValue) {
  const auto table = constant_table();
  for (const auto& e : table) {
    std::string_view first;
    for (const auto& f : table) {
      if (f.group == e.group && f.value == e.value) {
        first = f.name;
        break;
      }
    }
    EXPECT_EQ(constant_name(e.group, e.value), first) << e.name;
    if (e.group == "errno") {
      EXPECT_EQ(errno_value(e.name), static_cast<int>(e.value)) << e.name;
      EXPECT_EQ(errno_name(static_cast<int>(e.value)), first) << e.name;
    }
  }
}

TEST(Constants, LookupsByName) {
  EXPECT_EQ(constant_value("AF_INET"), 2);
  EXPECT_EQ(constant_value("AF_INET6"), 10);
  EXPECT_EQ(constant_value("SOCK_DGRAM"), 2);
  EXPECT_EQ(constant_value("ECONNREFUSED"), 111);
  EXPECT_EQ(constant_value("EWOULDBLOCK"), 11);
  EXPECT_EQ(constant_value("SO_REUSEADDR"), 2);
  EXPECT_EQ(constant_value("MSG_PEEK"), 2);
  EXPECT_EQ(constant_value("MSG_NOSIGNAL"), 0x4000);
  EXPECT_EQ(constant_value("EAI_NONAME"), -2);
  EXPECT_EQ(constant_value("HOST_NOT_FOUND"), 1);
  EXPECT_EQ(constant_value("SOMAXCONN"), 4096);
  EXPECT_EQ(constant_value("INADDR_BROADCAST"), 4294967295L);
  EXPECT_EQ(constant_value("SHUT_RDWR"), 2);
}

TEST(Constants, UnknownNames) {
  for (std::string_view name : std::initializer_list<std::string_view>{"", "AF_", "AF_INETX", "AF_INET ", " AF_INET", "af_inet", "EFOO", "E", "SO_REUSE",
                                "ZZZZ", "errno", "AF", std::string_view("AF_INET\0", 8)}) {
    EXPECT_FALSE(constant_value(name).has_value()) << name;
    EXPECT_FALSE(errno_value(name).has_value()) << name;
  }
}

TEST(Constants, NameByGroupAndValue) {
  EXPECT_EQ(constant_name("AF", 2), "AF_INET");
  EXPECT_EQ(constant_name("AF", 1), "AF_UNIX");  // not AF_LOCAL
  EXPECT_EQ(constant_name("AF", 16), "AF_NETLINK");
  EXPECT_EQ(constant_name("SOCK", 1), "SOCK_STREAM");
  EXPECT_EQ(constant_name("SO", 20), "SO_RCVTIMEO");
  EXPECT_EQ(constant_name("SO", 26), "SO_ATTACH_FILTER");
  EXPECT_EQ(constant_name("IP", 1), "IP_TOS");
  EXPECT_EQ(constant_name("IP", 26), "IP_RECVERR_RFC4884");
  EXPECT_EQ(constant_name("IPV6", 26), "IPV6_V6ONLY");
  EXPECT_EQ(constant_name("IPV6", 20), "IPV6_JOIN_GROUP");
  EXPECT_EQ(constant_name("IPPROTO", 0), "IPPROTO_IP");
  EXPECT_EQ(constant_name("MSG", 4), "MSG_DONTROUTE");
  EXPECT_EQ(constant_name("TCP", 36), "TCP_INQ");
  EXPECT_EQ(constant_name("INADDR", 0xffffffffL), "INADDR_BROADCAST");
  EXPECT_EQ(constant_name("EAI", -2), "EAI_NONAME");
  EXPECT_EQ(constant_name("herror", 4), "NO_DATA");
  EXPECT_EQ(constant_name("errno", 11), "EAGAIN");
  EXPECT_EQ(constant_name("SOMAXCONN", 4096), "SOMAXCONN");
}

TEST(Constants, NameUnknownGroupOrValue) {
  EXPECT_EQ(constant_name("", 2), "");
  EXPECT_EQ(constant_name("af", 2), "");
  EXPECT_EQ(constant_name("AF_", 2), "");
  EXPECT_EQ(constant_name("ERRNO", 11), "");
  EXPECT_EQ(constant_name("AF", 3), "");
  EXPECT_EQ(constant_name("AF", -1), "");
  EXPECT_EQ(constant_name("AF", 1000), "");
  EXPECT_EQ(constant_name("EAI", 0), "");
  EXPECT_EQ(constant_name("SO", 54), "");
  EXPECT_EQ(constant_name("INADDR", 1), "");
}

TEST(Constants, ErrnoLookups) {
  EXPECT_EQ(errno_value("ECONNREFUSED"), 111);
  EXPECT_EQ(errno_value("EAGAIN"), 11);
  EXPECT_EQ(errno_value("EWOULDBLOCK"), 11);
  EXPECT_EQ(errno_value("EDEADLOCK"), 35);
  EXPECT_EQ(errno_value("ENOTSUP"), 95);
  EXPECT_EQ(errno_value("E2BIG"), 7);
  EXPECT_EQ(errno_value("EXFULL"), 54);
  EXPECT_FALSE(errno_value("AF_INET").has_value());  // a constant, but not an errno
  EXPECT_FALSE(errno_value("EAI_AGAIN").has_value());
  EXPECT_EQ(errno_name(111), "ECONNREFUSED");
  EXPECT_EQ(errno_name(11), "EAGAIN");
  EXPECT_EQ(errno_name(35), "EDEADLK");
  EXPECT_EQ(errno_name(95), "EOPNOTSUPP");
  EXPECT_EQ(errno_name(0), "");
  EXPECT_EQ(errno_name(-1), "");
  EXPECT_EQ(errno_name(41), "");
  EXPECT_EQ(errno_name(134), "");
}

}  // namespace
