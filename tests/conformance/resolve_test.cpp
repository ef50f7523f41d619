// Name resolution: getaddrinfo, getnameinfo, gethostbyname(_ex), gethostbyaddr, getfqdn,
// gethostname, getservbyname/getservbyport, getprotobyname. The expected values are Linux's
// (glibc with a standard /etc/hosts and /etc/services). Lookups that /etc/hosts cannot answer
// would query a DNS server, traffic beyond loopback: those run on backends other than real only.
#include <algorithm>
#include <cerrno>

#include "conformance.hpp"

namespace socksim::conformance {

namespace {
// The seed's getfqdn rule over a gethostbyaddr result.
std::string first_name_with_a_period(const HostEntry& entry) {
  if (entry.hostname.find('.') != std::string::npos) return entry.hostname;
  for (const auto& alias : entry.aliaslist)
    if (alias.find('.') != std::string::npos) return alias;
  return entry.hostname;
}
// Names and addresses no host file knows go to a DNS server on the real backend.
bool lookups_reach_a_dns_server(const Network& net) { return net.backend_name() == "real"; }

}  // namespace

TEST_P(ResolveTest, GetaddrinfoOfANumericHostAndServiceNumber) {
  const auto results = net().getaddrinfo("127.0.0.1", "80", AF_INET, SOCK_STREAM);
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0], (AddrInfo{AF_INET, SOCK_STREAM, IPPROTO_TCP, "", Address::inet("127.0.0.1", 80)}));
}

TEST_P(ResolveTest, GetaddrinfoWithAnIntegerPort) {
  const auto results = net().getaddrinfo("127.0.0.1", 8080, AF_INET, SOCK_DGRAM);
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0], (AddrInfo{AF_INET, SOCK_DGRAM, IPPROTO_UDP, "", Address::inet("127.0.0.1", 8080)}));
}

TEST_P(ResolveTest, GetaddrinfoGivesOneResultPerSocketTypeInLibcOrder) {
  const auto results = net().getaddrinfo("127.0.0.1", "80", AF_INET);
  ASSERT_EQ(results.size(), 3u);
  EXPECT_EQ(results[0].socktype, SOCK_STREAM);
  EXPECT_EQ(results[0].proto, IPPROTO_TCP);
  EXPECT_EQ(results[1].socktype, SOCK_DGRAM);
  EXPECT_EQ(results[1].proto, IPPROTO_UDP);
  EXPECT_EQ(results[2].socktype, SOCK_RAW);
  EXPECT_EQ(results[2].proto, 0);
  for (const auto& r : results) EXPECT_EQ(r.sockaddr, Address::inet("127.0.0.1", 80));
}

TEST_P(ResolveTest, GetaddrinfoResolvesAServiceName) {
  const auto results = net().getaddrinfo("127.0.0.1", "http", AF_INET, SOCK_STREAM);
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].sockaddr, Address::inet("127.0.0.1", 80));
}

TEST_P(ResolveTest, GetaddrinfoWithoutHostIsLoopbackOrWildcardWithPassive) {
  const auto active = net().getaddrinfo(std::nullopt, "80", AF_INET, SOCK_STREAM);
  ASSERT_EQ(active.size(), 1u);
  EXPECT_EQ(active[0].sockaddr, Address::inet("127.0.0.1", 80));
  const auto passive = net().getaddrinfo(std::nullopt, "80", AF_INET, SOCK_STREAM, 0, AI_PASSIVE);
  ASSERT_EQ(passive.size(), 1u);
  EXPECT_EQ(passive[0].sockaddr, Address::inet("0.0.0.0", 80));
}

TEST_P(ResolveTest, GetaddrinfoWithoutPortGivesPortZero) {
  const auto results = net().getaddrinfo("127.0.0.1", std::nullopt, AF_INET, SOCK_STREAM);
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].sockaddr, Address::inet("127.0.0.1", 0));
}

TEST_P(ResolveTest, GetaddrinfoOfAnIpv6Address) {
  const auto results = net().getaddrinfo("::1", "80", AF_INET6, SOCK_STREAM);
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0], (AddrInfo{AF_INET6, SOCK_STREAM, IPPROTO_TCP, "", Address::inet6("::1", 80, 0, 0)}));
}

TEST_P(ResolveTest, GetaddrinfoCanonnameOnlyWithAiCanonname) {
  const auto plain = net().getaddrinfo("localhost", "80", AF_INET, SOCK_STREAM);
  ASSERT_FALSE(plain.empty());
  EXPECT_EQ(plain[0].canonname, "");
  EXPECT_EQ(plain[0].sockaddr, Address::inet("127.0.0.1", 80));
  const auto named = net().getaddrinfo("localhost", "80", AF_INET, SOCK_STREAM, 0, AI_CANONNAME);
  ASSERT_FALSE(named.empty());
  EXPECT_EQ(named[0].canonname, "localhost");
}

TEST_P(ResolveTest, GetaddrinfoErrorsAreGaierrors) {
  std::error_code ec;
  net().getaddrinfo("localhost", "80", 0, 0, 0, AI_NUMERICHOST, ec);
  EXPECT_EQ(ec, gai_code(EAI_NONAME));
  net().getaddrinfo("::1", "80", AF_INET, 0, 0, 0, ec);
  EXPECT_EQ(ec, gai_code(EAI_ADDRFAMILY));
  net().getaddrinfo("127.0.0.1", "no-such-service", AF_INET, SOCK_STREAM, 0, 0, ec);
  EXPECT_EQ(ec, gai_code(EAI_SERVICE));
  EXPECT_EQ(thrown_code<GaiError>([&] { net().getaddrinfo("localhost", "80", 0, 0, 0, AI_NUMERICHOST); }),
            gai_code(EAI_NONAME));
}

TEST_P(ResolveTest, GetnameinfoNumeric) {
  EXPECT_EQ(net().getnameinfo(Address::inet("127.0.0.1", 8080), NI_NUMERICHOST | NI_NUMERICSERV),
            std::make_pair(std::string("127.0.0.1"), std::string("8080")));
  EXPECT_EQ(net().getnameinfo(Address::inet6("::1", 80, 0, 0), NI_NUMERICHOST | NI_NUMERICSERV),
            std::make_pair(std::string("::1"), std::string("80")));
}

TEST_P(ResolveTest, GetnameinfoLooksUpServiceAndHostNames) {
  EXPECT_EQ(net().getnameinfo(Address::inet("127.0.0.1", 80), NI_NUMERICHOST),
            std::make_pair(std::string("127.0.0.1"), std::string("http")));
  EXPECT_EQ(net().getnameinfo(Address::inet("127.0.0.1", 53), NI_NUMERICHOST | NI_DGRAM).second, "domain");
  const auto [host, port] = net().getnameinfo(Address::inet("127.0.0.1", 12345), NI_NUMERICSERV);
  EXPECT_EQ(host, net().gethostbyaddr("127.0.0.1").hostname);
  EXPECT_EQ(port, "12345");
}

TEST_P(ResolveTest, GetnameinfoErrors) {
  std::error_code ec;
  net().getnameinfo(Address::inet("localhost", 80), 0, ec);  // the host must be numeric
  EXPECT_EQ(ec, gai_code(EAI_NONAME));
  net().getnameinfo(Address::inet6("127.0.0.1", 80, 0, 0), 0, ec);  // "IPv4 sockaddr must be 2 tuple"
  EXPECT_EQ(ec.category(), std::generic_category());
  net().getnameinfo(Address::unix_path("/tmp/x"), 0, ec);
  EXPECT_EQ(ec, make_error_code(errc::type_error));
  net().getnameinfo(Address::inet("127.0.0.1", 65536), 0, ec);
  EXPECT_EQ(ec, make_error_code(errc::overflow_error));
  EXPECT_THROW(net().getnameinfo(Address::inet("localhost", 80), 0), GaiError);
  EXPECT_THROW(net().getnameinfo(Address::inet6("::1", 80, 0x100000, 0), 0), OverflowError);
}

TEST_P(ResolveTest, GethostbynameOfNumericAndSpecialNames) {
  EXPECT_EQ(net().gethostbyname("127.0.0.1"), "127.0.0.1");
  EXPECT_EQ(net().gethostbyname(""), "0.0.0.0");
  EXPECT_EQ(net().gethostbyname("<broadcast>"), "255.255.255.255");
  EXPECT_EQ(net().gethostbyname("localhost"), "127.0.0.1");
}

TEST_P(ResolveTest, GethostbynameFailuresAreGaierrors) {
  std::error_code ec;
  net().gethostbyname("::1", ec);  // IPv4 only
  EXPECT_EQ(ec, gai_code(EAI_ADDRFAMILY));
  EXPECT_EQ(thrown_code<GaiError>([&] { net().gethostbyname("::1"); }), gai_code(EAI_ADDRFAMILY));
}

TEST_P(ResolveTest, GethostbynameEx) {
  EXPECT_EQ(net().gethostbyname_ex("127.0.0.1"), (HostEntry{"127.0.0.1", {}, {"127.0.0.1"}}));
  const HostEntry local = net().gethostbyname_ex("localhost");
  EXPECT_EQ(local.hostname, "localhost");
  EXPECT_EQ(local.ipaddrlist, std::vector<std::string>{"127.0.0.1"});
}

TEST_P(ResolveTest, GethostbynameExFailures) {
  std::error_code ec;
  net().gethostbyname_ex("::1", ec);  // the IPv4 address lookup comes first: a gaierror
  EXPECT_EQ(ec, gai_code(EAI_ADDRFAMILY));
  net().gethostbyname_ex("", ec);  // '' is the wildcard address, but no host has the empty name
  EXPECT_EQ(ec.category(), herror_category());
  EXPECT_THROW(net().gethostbyname_ex(""), HostError);
}

TEST_P(ResolveTest, GethostbyaddrOfLoopback) {
  const HostEntry entry = net().gethostbyaddr("127.0.0.1");
  EXPECT_EQ(entry.hostname, "localhost");
  EXPECT_EQ(entry.ipaddrlist, std::vector<std::string>{"127.0.0.1"});
  // A name is resolved first.
  EXPECT_EQ(net().gethostbyaddr("localhost"), entry);
}

TEST_P(ResolveTest, UnknownNamesAndAddresses) {
  if (lookups_reach_a_dns_server(net())) GTEST_SKIP() << "would query a DNS server";
  std::error_code ec;
  net().getaddrinfo("nosuchhost.invalid", "80", AF_INET, SOCK_STREAM, 0, 0, ec);
  EXPECT_EQ(ec, gai_code(EAI_NONAME));
  net().gethostbyname("nosuchhost.invalid", ec);
  EXPECT_EQ(ec, gai_code(EAI_NONAME));
  net().gethostbyname_ex("nosuchhost.invalid", ec);
  EXPECT_EQ(ec, gai_code(EAI_NONAME));
  net().gethostbyaddr("192.0.2.1", ec);  // TEST-NET-1: no name
  EXPECT_EQ(ec, herror_code(HOST_NOT_FOUND));
  net().gethostbyaddr("1.2.3.4.5", ec);  // not an address, so looked up as a name: a gaierror
  EXPECT_EQ(ec, gai_code(EAI_NONAME));
  EXPECT_EQ(thrown_code<HostError>([&] { net().gethostbyaddr("192.0.2.1"); }), herror_code(HOST_NOT_FOUND));
  EXPECT_EQ(thrown_code<GaiError>([&] { net().gethostbyname("nosuchhost.invalid"); }), gai_code(EAI_NONAME));
  // getfqdn of an address without a name: the name as given.
  EXPECT_EQ(net().getfqdn("192.0.2.1"), "192.0.2.1");
}

TEST_P(ResolveTest, GetfqdnFollowsTheSeedsRule) {
  EXPECT_EQ(net().getfqdn("127.0.0.1"), first_name_with_a_period(net().gethostbyaddr("127.0.0.1")));
  EXPECT_EQ(net().getfqdn("  127.0.0.1 "), net().getfqdn("127.0.0.1"));
  // No argument: the local host.
  const std::string host = net().gethostname();
  std::error_code ec;
  const HostEntry entry = net().gethostbyaddr(host, ec);
  EXPECT_EQ(net().getfqdn(), ec ? host : first_name_with_a_period(entry));
  EXPECT_EQ(net().getfqdn("0.0.0.0"), net().getfqdn());
}

TEST_P(ResolveTest, Gethostname) {
  const std::string name = net().gethostname();
  EXPECT_FALSE(name.empty());
  EXPECT_EQ(name.find('\0'), std::string::npos);
  std::error_code ec;
  EXPECT_EQ(net().gethostname(ec), name);
  EXPECT_FALSE(ec);
}

TEST_P(ResolveTest, Getservbyname) {
  EXPECT_EQ(net().getservbyname("http", "tcp"), 80);
  EXPECT_EQ(net().getservbyname("http"), 80);
  EXPECT_EQ(net().getservbyname("domain", "udp"), 53);
  std::error_code ec;
  net().getservbyname("no-such-service", "", ec);
  EXPECT_EQ(ec, errno_code(ENOENT));  // the seed: socket.error "service/proto not found"
  net().getservbyname("http", "no-such-proto", ec);
  EXPECT_EQ(ec, errno_code(ENOENT));
  const auto thrown = thrown_code<Error>([&] { net().getservbyname("no-such-service"); });
  EXPECT_EQ(thrown, errno_code(ENOENT));
}

TEST_P(ResolveTest, Getservbyport) {
  EXPECT_EQ(net().getservbyport(80, "tcp"), "http");
  EXPECT_EQ(net().getservbyport(80), "http");
  EXPECT_EQ(net().getservbyport(53, "udp"), "domain");
  std::error_code ec;
  net().getservbyport(65000, "", ec);
  EXPECT_EQ(ec, errno_code(ENOENT));  // the seed: socket.error "port/proto not found"
  net().getservbyport(65536, "", ec);
  EXPECT_EQ(ec, make_error_code(errc::overflow_error));
  EXPECT_THROW(net().getservbyport(-1), OverflowError);
  EXPECT_EQ(thrown_code<Error>([&] { net().getservbyport(65000); }), errno_code(ENOENT));
}

TEST_P(ResolveTest, Getprotobyname) {
  EXPECT_EQ(net().getprotobyname("tcp"), IPPROTO_TCP);
  EXPECT_EQ(net().getprotobyname("udp"), IPPROTO_UDP);
  EXPECT_EQ(net().getprotobyname("icmp"), IPPROTO_ICMP);
  std::error_code ec;
  net().getprotobyname("no-such-protocol", ec);
  EXPECT_EQ(ec, errno_code(ENOENT));  // the seed: socket.error "protocol not found"
  EXPECT_EQ(thrown_code<Error>([&] { net().getprotobyname("no-such-protocol"); }), errno_code(ENOENT));
}

}  // namespace socksim::conformance
