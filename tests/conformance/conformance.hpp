// tests/conformance/conformance.hpp - the conformance suites, written once against
// socksim::Network and instantiated per backend (googletest's value-parameterized abstract
// tests). A backend instantiates every suite with SOCKSIM_INSTANTIATE_CONFORMANCE.
//
// The bodies run on a cooperative single-threaded backend as well as on the real one: any
// concurrency goes through net().spawn(...) and Task::join(), never std::thread, and nothing
// waits in a loop for something to happen - a blocking call waits instead.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <system_error>
#include <utility>

#include "socksim/address.hpp"
#include "socksim/constants.hpp"
#include "socksim/errors.hpp"
#include "socksim/network.hpp"
#include "socksim/socket.hpp"

namespace socksim::conformance {

// One backend: its name (the test-name suffix) and how to make a fresh network for one test.
struct BackendParam {
  std::string name;
  std::function<std::unique_ptr<Network>()> make;
};

inline void PrintTo(const BackendParam& param, std::ostream* os) { *os << param.name; }

inline std::string param_name(const ::testing::TestParamInfo<BackendParam>& info) { return info.param.name; }

// A connected TCP pair: the client's socket and the server side accept() returned.
struct TcpPair {
  Socket client;
  Socket server;
};

class ConformanceTest : public ::testing::TestWithParam<BackendParam> {
 protected:
  void SetUp() override;
  void TearDown() override;

  Network& net() { return *net_; }

  // The loopback address of a family, port 0: ("127.0.0.1", 0) or ("::1", 0, 0, 0).
  static Address loopback(int family = AF_INET);
  // A TCP socket bound to loopback port 0 and listening.
  Socket listener(int family = AF_INET, int backlog = 5);
  // A client connected to a fresh listener, and the server side of the connection.
  TcpPair tcp_pair(int family = AF_INET);
  // A UDP socket bound to loopback port 0.
  Socket udp_socket(int family = AF_INET);
  // A loopback address nobody listens on (a port bound once, then released).
  Address closed_port(int family = AF_INET);
  // An empty directory of this test (made on first use, removed with its content afterwards).
  const std::string& tmpdir();
  // Seconds since `start` on the network's clock.
  double since(Network::Clock start) const { return std::chrono::duration<double>(net_->now() - start).count(); }
  // Skips the test where the backend has no IPv6.
  bool skip_without_ipv6();

 private:
  std::unique_ptr<Network> net_;
  std::string tmpdir_;
};

// The exception `fn` throws, as its error code; nullopt (and a test failure) when it throws
// nothing or something else.
template <class Exception, class Fn>
std::optional<std::error_code> thrown_code(Fn&& fn) {
  try {
    std::forward<Fn>(fn)();
  } catch (const Exception& e) {
    return e.code();
  } catch (const std::exception& e) {
    ADD_FAILURE() << "threw another exception: " << e.what();
    return std::nullopt;
  }
  ADD_FAILURE() << "threw nothing";
  return std::nullopt;
}

// The suites, one per area (a suite is a fixture type).
class ModuleTest : public ConformanceTest {};   // socket, socketpair, fromfd, create_connection, default timeout
class ResolveTest : public ConformanceTest {};  // getaddrinfo, getnameinfo, gethostby*, getfqdn, getserv*, getproto*
class TcpTest : public ConformanceTest {};      // the socket methods on TCP
class UdpTest : public ConformanceTest {};      // datagrams
class UnixTest : public ConformanceTest {};     // AF_UNIX paths and abstract names
class ModesTest : public ConformanceTest {};    // blocking, non-blocking and timeout modes
class OptionsTest : public ConformanceTest {};  // getsockopt / setsockopt
class MakefileTest : public ConformanceTest {}; // makefile's file object
class RuntimeTest : public ConformanceTest {};  // clock, tasks, select/poll, AF_UNIX filesystem, cancel
class EchoTest : public ConformanceTest {};     // the seed's echo examples

}  // namespace socksim::conformance

// Instantiates every conformance suite for one backend; use it inside namespace
// socksim::conformance (the suite names are plain identifiers), e.g.
//   SOCKSIM_INSTANTIATE_CONFORMANCE(Real, BackendParam{"real", [] { return std::make_unique<RealNetwork>(); }});
#define SOCKSIM_INSTANTIATE_CONFORMANCE(prefix, ...)                                                      \
  INSTANTIATE_TEST_SUITE_P(prefix, ModuleTest, ::testing::Values(__VA_ARGS__), param_name);   \
  INSTANTIATE_TEST_SUITE_P(prefix, ResolveTest, ::testing::Values(__VA_ARGS__), param_name);  \
  INSTANTIATE_TEST_SUITE_P(prefix, TcpTest, ::testing::Values(__VA_ARGS__), param_name);      \
  INSTANTIATE_TEST_SUITE_P(prefix, UdpTest, ::testing::Values(__VA_ARGS__), param_name);      \
  INSTANTIATE_TEST_SUITE_P(prefix, UnixTest, ::testing::Values(__VA_ARGS__), param_name);     \
  INSTANTIATE_TEST_SUITE_P(prefix, ModesTest, ::testing::Values(__VA_ARGS__), param_name);    \
  INSTANTIATE_TEST_SUITE_P(prefix, OptionsTest, ::testing::Values(__VA_ARGS__), param_name);  \
  INSTANTIATE_TEST_SUITE_P(prefix, MakefileTest, ::testing::Values(__VA_ARGS__), param_name); \
  INSTANTIATE_TEST_SUITE_P(prefix, RuntimeTest, ::testing::Values(__VA_ARGS__), param_name);  \
  INSTANTIATE_TEST_SUITE_P(prefix, EchoTest, ::testing::Values(__VA_ARGS__), param_name)
