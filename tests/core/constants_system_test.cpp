// The constant table against the system's own macros: Linux is the ground truth.
//
// The system headers come first, so socksim/constants.hpp must leave their macros alone and
// still compile (its one-guard-per-constant rule).
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <netinet/udp.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstdio>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "socksim/constants.hpp"

namespace {

struct SystemConstant {
  std::string_view name;
  bool defined;
  long long value;
};

const SystemConstant kSystem[] = {
#include "system_constants.inc"
};

TEST(ConstantsSystem, ListNamesTheSameConstantsAsTheTable) {
  std::set<std::string_view> table_names;
  for (const auto& e : socksim::constant_table()) table_names.insert(e.name);
  std::set<std::string_view> list_names;
  for (const auto& s : kSystem) list_names.insert(s.name);
  EXPECT_EQ(table_names, list_names);
}

TEST(ConstantsSystem, EveryDefinedConstantHasTheSystemValue) {
  std::map<std::string_view, long> table;
  for (const auto& e : socksim::constant_table()) table[e.name] = e.value;
  std::vector<std::string_view> undefined;
  for (const auto& s : kSystem) {
    if (!s.defined) {
      undefined.push_back(s.name);
      continue;
    }
    const auto it = table.find(s.name);
    ASSERT_NE(it, table.end()) << s.name;
    EXPECT_EQ(it->second, s.value) << s.name;
  }
  // Headers older than the table may lack a few; say which were not checked.
  for (std::string_view name : undefined) {
    std::printf("not defined by this system's headers: %.*s\n", static_cast<int>(name.size()), name.data());
  }
}

TEST(ConstantsSystem, ErrnoLookupsAgreeWithCerrno) {
  EXPECT_EQ(socksim::errno_value("ECONNREFUSED"), ECONNREFUSED);
  EXPECT_EQ(socksim::errno_value("EWOULDBLOCK"), EWOULDBLOCK);
  EXPECT_EQ(socksim::errno_value("ENOTSUP"), ENOTSUP);
  EXPECT_EQ(socksim::errno_name(EAGAIN), "EAGAIN");
  EXPECT_EQ(socksim::errno_name(EWOULDBLOCK), "EAGAIN");
  EXPECT_EQ(socksim::errno_name(EDEADLOCK), "EDEADLK");
  EXPECT_EQ(socksim::errno_name(ENOTSUP), "EOPNOTSUPP");
  EXPECT_EQ(socksim::errno_name(EINPROGRESS), "EINPROGRESS");
  EXPECT_EQ(socksim::errno_name(EHWPOISON), "EHWPOISON");
  EXPECT_EQ(socksim::errno_name(EPERM), "EPERM");
}

TEST(ConstantsSystem, EveryErrnoValueFromOneToTheLastHasAName) {
  // Linux numbers its errors 1..EHWPOISON, leaving 41 and 58 unused.
  for (int v = 1; v <= EHWPOISON; ++v) {
    if (v == 41 || v == 58) {
      EXPECT_EQ(socksim::errno_name(v), "") << v;
    } else {
      EXPECT_NE(socksim::errno_name(v), "") << v;
    }
  }
}

TEST(ConstantsSystem, HeaderKeepsTheSystemMacros) {
  // The macros still expand to the system's values, and the one enumerator-only constant is
  // declared by socksim without clashing.
  EXPECT_EQ(SO_REUSEADDR, 2);
  EXPECT_EQ(IPV6_V6ONLY, 26);
  EXPECT_EQ(socksim::IPPORT_USERRESERVED, IPPORT_USERRESERVED);
}

}  // namespace
