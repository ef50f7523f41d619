// tests/properties/workloads.hpp - seeded workloads for the property tests.
//
// Each workload draws everything (links, fault rules, modes, sizes) from its seed with the test's
// own generator, runs on a fresh SimNetwork of that seed, and reports what each side saw. The
// property tests check the reports; the hash printer runs the same workloads in other processes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace socksim::properties {

// Settings drawn for a run, in words, for failure messages.
struct Drawn {
  std::vector<std::string> items;
  std::string describe() const;
};

// One TCP connection from host "a" to host "b": the client sends a byte pattern in chunks of
// random size (looping on partial sends), then shuts down; the server reads with random sizes
// until the end of the stream or an error.
struct StreamReport {
  std::string data;           // what the client meant to send
  std::size_t accepted = 0;   // bytes the client's sends reported as taken (all, for sendall)
  std::string received;       // what the server read, in order
  std::string sender_error;   // the error that stopped the client ("" if none)
  std::string receiver_error; // the error that stopped the server ("" if none: it saw the end)
  bool silent_truncation_fault = false;  // fin_after: the stream ends early, by design unreported
  std::uint64_t truncated_at = 0;        // ... after this many bytes
  std::uint64_t hash = 0;
  Drawn drawn;
};
StreamReport run_stream(std::uint64_t seed, bool trace = false);

// Datagrams from "a" to "b" (UDP, or an AF_UNIX datagram socketpair): each carries its sequence
// number and a pattern; the receiver reads until a (virtual) quiet period.
struct DatagramReport {
  std::vector<std::string> sent;
  std::vector<std::string> received;
  bool may_lose = false;       // a rule that drops datagrams is active
  bool may_duplicate = false;  // a rule that duplicates datagrams is active
  std::string error;           // an error either side saw
  std::uint64_t hash = 0;
  Drawn drawn;
};
DatagramReport run_datagrams(std::uint64_t seed, bool trace = false);

// Both workloads on one network with random scheduling and the trace on: the trace hash.
std::uint64_t mixed_hash(std::uint64_t seed);

}  // namespace socksim::properties
