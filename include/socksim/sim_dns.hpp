// socksim/sim_dns.hpp - what the sim's resolver knows: host records, services and protocols.
//
// The sim resolves names the way glibc does on Linux with `hosts: files dns` and no reachable
// DNS server: every name it knows comes from a table that behaves like /etc/hosts. A DnsRecord
// stands for /etc/hosts lines - one line per address, IPv4 addresses first - that all carry the
// same names, so `{"db.example", {"10.0.0.1", "10.0.0.2"}, {"fd00::1"}, {"db"}}` acts as
//
//     10.0.0.1  db.example db
//     10.0.0.2  db.example db
//     fd00::1   db.example db
//
// Records keep the order they were added in (the order of lines in the file), and two records
// may share a name (as two lines may): lookups merge them as glibc's `multi on` does.
//
// The built-in defaults are what this project's reference machine (Debian 12, glibc 2.36) holds:
// `127.0.0.1 localhost` in /etc/hosts, and Debian's netbase 6.4 /etc/services and /etc/protocols.
#pragma once

#include <string>
#include <vector>

namespace socksim {

// One name in the sim's DNS.
struct DnsRecord {
  std::string name;                  // "db.example": the canonical name
  std::vector<std::string> ipv4;     // dotted quads, in the order lookups return them
  std::vector<std::string> ipv6;     // RFC 4291 text, without a scope ("%eth0")
  std::vector<std::string> aliases;  // other names (CNAME-like) resolving to this record
};

// One /etc/services line: `name port/proto aliases...`.
struct ServiceEntry {
  std::string name;
  int port = 0;
  std::string proto;  // "tcp", "udp", "sctp", "ddp", ...
  std::vector<std::string> aliases;
};

// One /etc/protocols line: `name number aliases...`.
struct ProtocolEntry {
  std::string name;
  int number = 0;
  std::vector<std::string> aliases;
};

struct DnsConfig {
  std::vector<DnsRecord> records;        // added after the defaults (localhost)
  std::vector<ServiceEntry> services;    // added after the built-in /etc/services entries
  std::vector<ProtocolEntry> protocols;  // added after the built-in /etc/protocols entries
};

}  // namespace socksim
