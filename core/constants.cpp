// core/constants.cpp - the name <-> value table of socksim/constants.hpp.
//
// The values are Linux's (x86-64 and the other asm-generic architectures, glibc), written as
// literals: the sim uses this table and must not depend on the host's headers.
// tests/core/constants_system_test.cpp compares every row with the system's macros.
//
// Order (kept by static_asserts below): groups as in constants.hpp, values ascending within a
// group, and for a value shared by several names the primary name first (EAGAIN before
// EWOULDBLOCK, SO_RCVTIMEO before SO_RCVTIMEO_OLD), which is the one constant_name returns.
// Lookups are binary searches over indexes sorted at compile time.
#include "socksim/constants.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <iterator>

namespace socksim {
namespace {

// clang-format off
constexpr ConstantEntry kTable[] = {
    // AF
    {"AF_UNSPEC", 0, "AF"},
    {"AF_UNIX", 1, "AF"},
    {"AF_LOCAL", 1, "AF"},
    {"AF_INET", 2, "AF"},
    {"AF_INET6", 10, "AF"},
    {"AF_NETLINK", 16, "AF"},
    {"AF_ROUTE", 16, "AF"},
    {"AF_PACKET", 17, "AF"},
    // SOCK
    {"SOCK_STREAM", 1, "SOCK"},
    {"SOCK_DGRAM", 2, "SOCK"},
    {"SOCK_RAW", 3, "SOCK"},
    {"SOCK_RDM", 4, "SOCK"},
    {"SOCK_SEQPACKET", 5, "SOCK"},
    {"SOCK_DCCP", 6, "SOCK"},
    {"SOCK_PACKET", 10, "SOCK"},
    {"SOCK_NONBLOCK", 0x800, "SOCK"},
    {"SOCK_CLOEXEC", 0x80000, "SOCK"},
    // SOL
    {"SOL_IP", 0, "SOL"},
    {"SOL_SOCKET", 1, "SOL"},
    {"SOL_TCP", 6, "SOL"},
    {"SOL_UDP", 17, "SOL"},
    {"SOL_IPV6", 41, "SOL"},
    {"SOL_ICMPV6", 58, "SOL"},
    {"SOL_RAW", 255, "SOL"},
    {"SOL_PACKET", 263, "SOL"},
    {"SOL_NETLINK", 270, "SOL"},
    // SO
    {"SO_DEBUG", 1, "SO"},
    {"SO_REUSEADDR", 2, "SO"},
    {"SO_TYPE", 3, "SO"},
    {"SO_ERROR", 4, "SO"},
    {"SO_DONTROUTE", 5, "SO"},
    {"SO_BROADCAST", 6, "SO"},
    {"SO_SNDBUF", 7, "SO"},
    {"SO_RCVBUF", 8, "SO"},
    {"SO_KEEPALIVE", 9, "SO"},
    {"SO_OOBINLINE", 10, "SO"},
    {"SO_NO_CHECK", 11, "SO"},
    {"SO_PRIORITY", 12, "SO"},
    {"SO_LINGER", 13, "SO"},
    {"SO_BSDCOMPAT", 14, "SO"},
    {"SO_REUSEPORT", 15, "SO"},
    {"SO_PASSCRED", 16, "SO"},
    {"SO_PEERCRED", 17, "SO"},
    {"SO_RCVLOWAT", 18, "SO"},
    {"SO_SNDLOWAT", 19, "SO"},
    {"SO_RCVTIMEO", 20, "SO"},
    {"SO_RCVTIMEO_OLD", 20, "SO"},
    {"SO_SNDTIMEO", 21, "SO"},
    {"SO_SNDTIMEO_OLD", 21, "SO"},
    {"SO_SECURITY_AUTHENTICATION", 22, "SO"},
    {"SO_SECURITY_ENCRYPTION_TRANSPORT", 23, "SO"},
    {"SO_SECURITY_ENCRYPTION_NETWORK", 24, "SO"},
    {"SO_BINDTODEVICE", 25, "SO"},
    {"SO_ATTACH_FILTER", 26, "SO"},
    {"SO_GET_FILTER", 26, "SO"},
    {"SO_DETACH_FILTER", 27, "SO"},
    {"SO_DETACH_BPF", 27, "SO"},
    {"SO_PEERNAME", 28, "SO"},
    {"SO_TIMESTAMP", 29, "SO"},
    {"SO_TIMESTAMP_OLD", 29, "SO"},
    {"SO_ACCEPTCONN", 30, "SO"},
    {"SO_PEERSEC", 31, "SO"},
    {"SO_SNDBUFFORCE", 32, "SO"},
    {"SO_RCVBUFFORCE", 33, "SO"},
    {"SO_PASSSEC", 34, "SO"},
    {"SO_TIMESTAMPNS", 35, "SO"},
    {"SO_TIMESTAMPNS_OLD", 35, "SO"},
    {"SO_MARK", 36, "SO"},
    {"SO_TIMESTAMPING", 37, "SO"},
    {"SO_TIMESTAMPING_OLD", 37, "SO"},
    {"SO_PROTOCOL", 38, "SO"},
    {"SO_DOMAIN", 39, "SO"},
    {"SO_RXQ_OVFL", 40, "SO"},
    {"SO_WIFI_STATUS", 41, "SO"},
    {"SO_PEEK_OFF", 42, "SO"},
    {"SO_NOFCS", 43, "SO"},
    {"SO_LOCK_FILTER", 44, "SO"},
    {"SO_SELECT_ERR_QUEUE", 45, "SO"},
    {"SO_BUSY_POLL", 46, "SO"},
    {"SO_MAX_PACING_RATE", 47, "SO"},
    {"SO_BPF_EXTENSIONS", 48, "SO"},
    {"SO_INCOMING_CPU", 49, "SO"},
    {"SO_ATTACH_BPF", 50, "SO"},
    {"SO_ATTACH_REUSEPORT_CBPF", 51, "SO"},
    {"SO_ATTACH_REUSEPORT_EBPF", 52, "SO"},
    {"SO_CNX_ADVICE", 53, "SO"},
    {"SO_MEMINFO", 55, "SO"},
    {"SO_INCOMING_NAPI_ID", 56, "SO"},
    {"SO_COOKIE", 57, "SO"},
    {"SO_PEERGROUPS", 59, "SO"},
    {"SO_ZEROCOPY", 60, "SO"},
    {"SO_TXTIME", 61, "SO"},
    {"SO_BINDTOIFINDEX", 62, "SO"},
    {"SO_TIMESTAMP_NEW", 63, "SO"},
    {"SO_TIMESTAMPNS_NEW", 64, "SO"},
    {"SO_TIMESTAMPING_NEW", 65, "SO"},
    {"SO_RCVTIMEO_NEW", 66, "SO"},
    {"SO_SNDTIMEO_NEW", 67, "SO"},
    {"SO_DETACH_REUSEPORT_BPF", 68, "SO"},
    {"SO_PREFER_BUSY_POLL", 69, "SO"},
    {"SO_BUSY_POLL_BUDGET", 70, "SO"},
    {"SO_NETNS_COOKIE", 71, "SO"},
    {"SO_BUF_LOCK", 72, "SO"},
    {"SO_RESERVE_MEM", 73, "SO"},
    {"SO_TXREHASH", 74, "SO"},
    {"SO_RCVMARK", 75, "SO"},
    // IPPROTO
    {"IPPROTO_IP", 0, "IPPROTO"},
    {"IPPROTO_HOPOPTS", 0, "IPPROTO"},
    {"IPPROTO_ICMP", 1, "IPPROTO"},
    {"IPPROTO_IGMP", 2, "IPPROTO"},
    {"IPPROTO_IPIP", 4, "IPPROTO"},
    {"IPPROTO_TCP", 6, "IPPROTO"},
    {"IPPROTO_EGP", 8, "IPPROTO"},
    {"IPPROTO_PUP", 12, "IPPROTO"},
    {"IPPROTO_UDP", 17, "IPPROTO"},
    {"IPPROTO_IDP", 22, "IPPROTO"},
    {"IPPROTO_TP", 29, "IPPROTO"},
    {"IPPROTO_DCCP", 33, "IPPROTO"},
    {"IPPROTO_IPV6", 41, "IPPROTO"},
    {"IPPROTO_ROUTING", 43, "IPPROTO"},
    {"IPPROTO_FRAGMENT", 44, "IPPROTO"},
    {"IPPROTO_RSVP", 46, "IPPROTO"},
    {"IPPROTO_GRE", 47, "IPPROTO"},
    {"IPPROTO_ESP", 50, "IPPROTO"},
    {"IPPROTO_AH", 51, "IPPROTO"},
    {"IPPROTO_ICMPV6", 58, "IPPROTO"},
    {"IPPROTO_NONE", 59, "IPPROTO"},
    {"IPPROTO_DSTOPTS", 60, "IPPROTO"},
    {"IPPROTO_MTP", 92, "IPPROTO"},
    {"IPPROTO_BEETPH", 94, "IPPROTO"},
    {"IPPROTO_ENCAP", 98, "IPPROTO"},
    {"IPPROTO_PIM", 103, "IPPROTO"},
    {"IPPROTO_COMP", 108, "IPPROTO"},
    {"IPPROTO_SCTP", 132, "IPPROTO"},
    {"IPPROTO_MH", 135, "IPPROTO"},
    {"IPPROTO_UDPLITE", 136, "IPPROTO"},
    {"IPPROTO_MPLS", 137, "IPPROTO"},
    {"IPPROTO_ETHERNET", 143, "IPPROTO"},
    {"IPPROTO_RAW", 255, "IPPROTO"},
    {"IPPROTO_MPTCP", 262, "IPPROTO"},
    // IPPORT
    {"IPPORT_RESERVED", 1024, "IPPORT"},
    {"IPPORT_USERRESERVED", 5000, "IPPORT"},
    // INADDR
    {"INADDR_ANY", 0x00000000, "INADDR"},
    {"INADDR_LOOPBACK", 0x7f000001, "INADDR"},
    {"INADDR_DUMMY", 0xc0000008, "INADDR"},
    {"INADDR_UNSPEC_GROUP", 0xe0000000, "INADDR"},
    {"INADDR_ALLHOSTS_GROUP", 0xe0000001, "INADDR"},
    {"INADDR_ALLRTRS_GROUP", 0xe0000002, "INADDR"},
    {"INADDR_ALLSNOOPERS_GROUP", 0xe000006a, "INADDR"},
    {"INADDR_MAX_LOCAL_GROUP", 0xe00000ff, "INADDR"},
    {"INADDR_BROADCAST", 0xffffffff, "INADDR"},
    {"INADDR_NONE", 0xffffffff, "INADDR"},
    // IP
    {"IP_TOS", 1, "IP"},
    {"IP_DEFAULT_MULTICAST_TTL", 1, "IP"},
    {"IP_DEFAULT_MULTICAST_LOOP", 1, "IP"},
    {"IP_TTL", 2, "IP"},
    {"IP_HDRINCL", 3, "IP"},
    {"IP_OPTIONS", 4, "IP"},
    {"IP_ROUTER_ALERT", 5, "IP"},
    {"IP_RECVOPTS", 6, "IP"},
    {"IP_RETOPTS", 7, "IP"},
    {"IP_RECVRETOPTS", 7, "IP"},
    {"IP_PKTINFO", 8, "IP"},
    {"IP_PKTOPTIONS", 9, "IP"},
    {"IP_MTU_DISCOVER", 10, "IP"},
    {"IP_RECVERR", 11, "IP"},
    {"IP_RECVTTL", 12, "IP"},
    {"IP_RECVTOS", 13, "IP"},
    {"IP_MTU", 14, "IP"},
    {"IP_FREEBIND", 15, "IP"},
    {"IP_IPSEC_POLICY", 16, "IP"},
    {"IP_XFRM_POLICY", 17, "IP"},
    {"IP_PASSSEC", 18, "IP"},
    {"IP_TRANSPARENT", 19, "IP"},
    {"IP_ORIGDSTADDR", 20, "IP"},
    {"IP_RECVORIGDSTADDR", 20, "IP"},
    {"IP_MAX_MEMBERSHIPS", 20, "IP"},
    {"IP_MINTTL", 21, "IP"},
    {"IP_NODEFRAG", 22, "IP"},
    {"IP_CHECKSUM", 23, "IP"},
    {"IP_BIND_ADDRESS_NO_PORT", 24, "IP"},
    {"IP_RECVFRAGSIZE", 25, "IP"},
    {"IP_RECVERR_RFC4884", 26, "IP"},
    {"IP_MULTICAST_IF", 32, "IP"},
    {"IP_MULTICAST_TTL", 33, "IP"},
    {"IP_MULTICAST_LOOP", 34, "IP"},
    {"IP_ADD_MEMBERSHIP", 35, "IP"},
    {"IP_DROP_MEMBERSHIP", 36, "IP"},
    {"IP_UNBLOCK_SOURCE", 37, "IP"},
    {"IP_BLOCK_SOURCE", 38, "IP"},
    {"IP_ADD_SOURCE_MEMBERSHIP", 39, "IP"},
    {"IP_DROP_SOURCE_MEMBERSHIP", 40, "IP"},
    {"IP_MSFILTER", 41, "IP"},
    {"IP_MULTICAST_ALL", 49, "IP"},
    {"IP_UNICAST_IF", 50, "IP"},
    // IPV6
    {"IPV6_RTHDR_TYPE_0", 0, "IPV6"},
    {"IPV6_ADDRFORM", 1, "IPV6"},
    {"IPV6_2292PKTINFO", 2, "IPV6"},
    {"IPV6_2292HOPOPTS", 3, "IPV6"},
    {"IPV6_2292DSTOPTS", 4, "IPV6"},
    {"IPV6_2292RTHDR", 5, "IPV6"},
    {"IPV6_2292PKTOPTIONS", 6, "IPV6"},
    {"IPV6_CHECKSUM", 7, "IPV6"},
    {"IPV6_2292HOPLIMIT", 8, "IPV6"},
    {"IPV6_NEXTHOP", 9, "IPV6"},
    {"IPV6_AUTHHDR", 10, "IPV6"},
    {"IPV6_UNICAST_HOPS", 16, "IPV6"},
    {"IPV6_MULTICAST_IF", 17, "IPV6"},
    {"IPV6_MULTICAST_HOPS", 18, "IPV6"},
    {"IPV6_MULTICAST_LOOP", 19, "IPV6"},
    {"IPV6_JOIN_GROUP", 20, "IPV6"},
    {"IPV6_ADD_MEMBERSHIP", 20, "IPV6"},
    {"IPV6_LEAVE_GROUP", 21, "IPV6"},
    {"IPV6_DROP_MEMBERSHIP", 21, "IPV6"},
    {"IPV6_ROUTER_ALERT", 22, "IPV6"},
    {"IPV6_MTU_DISCOVER", 23, "IPV6"},
    {"IPV6_MTU", 24, "IPV6"},
    {"IPV6_RECVERR", 25, "IPV6"},
    {"IPV6_V6ONLY", 26, "IPV6"},
    {"IPV6_JOIN_ANYCAST", 27, "IPV6"},
    {"IPV6_LEAVE_ANYCAST", 28, "IPV6"},
    {"IPV6_MULTICAST_ALL", 29, "IPV6"},
    {"IPV6_ROUTER_ALERT_ISOLATE", 30, "IPV6"},
    {"IPV6_RECVERR_RFC4884", 31, "IPV6"},
    {"IPV6_IPSEC_POLICY", 34, "IPV6"},
    {"IPV6_XFRM_POLICY", 35, "IPV6"},
    {"IPV6_HDRINCL", 36, "IPV6"},
    {"IPV6_RECVPKTINFO", 49, "IPV6"},
    {"IPV6_PKTINFO", 50, "IPV6"},
    {"IPV6_RECVHOPLIMIT", 51, "IPV6"},
    {"IPV6_HOPLIMIT", 52, "IPV6"},
    {"IPV6_RECVHOPOPTS", 53, "IPV6"},
    {"IPV6_HOPOPTS", 54, "IPV6"},
    {"IPV6_RXHOPOPTS", 54, "IPV6"},
    {"IPV6_RTHDRDSTOPTS", 55, "IPV6"},
    {"IPV6_RECVRTHDR", 56, "IPV6"},
    {"IPV6_RTHDR", 57, "IPV6"},
    {"IPV6_RECVDSTOPTS", 58, "IPV6"},
    {"IPV6_DSTOPTS", 59, "IPV6"},
    {"IPV6_RXDSTOPTS", 59, "IPV6"},
    {"IPV6_RECVPATHMTU", 60, "IPV6"},
    {"IPV6_PATHMTU", 61, "IPV6"},
    {"IPV6_DONTFRAG", 62, "IPV6"},
    {"IPV6_RECVTCLASS", 66, "IPV6"},
    {"IPV6_TCLASS", 67, "IPV6"},
    {"IPV6_AUTOFLOWLABEL", 70, "IPV6"},
    {"IPV6_ADDR_PREFERENCES", 72, "IPV6"},
    {"IPV6_MINHOPCOUNT", 73, "IPV6"},
    {"IPV6_ORIGDSTADDR", 74, "IPV6"},
    {"IPV6_RECVORIGDSTADDR", 74, "IPV6"},
    {"IPV6_TRANSPARENT", 75, "IPV6"},
    {"IPV6_UNICAST_IF", 76, "IPV6"},
    {"IPV6_RECVFRAGSIZE", 77, "IPV6"},
    {"IPV6_FREEBIND", 78, "IPV6"},
    // TCP
    {"TCP_NODELAY", 1, "TCP"},
    {"TCP_MAXSEG", 2, "TCP"},
    {"TCP_CORK", 3, "TCP"},
    {"TCP_KEEPIDLE", 4, "TCP"},
    {"TCP_KEEPINTVL", 5, "TCP"},
    {"TCP_KEEPCNT", 6, "TCP"},
    {"TCP_SYNCNT", 7, "TCP"},
    {"TCP_LINGER2", 8, "TCP"},
    {"TCP_DEFER_ACCEPT", 9, "TCP"},
    {"TCP_WINDOW_CLAMP", 10, "TCP"},
    {"TCP_INFO", 11, "TCP"},
    {"TCP_QUICKACK", 12, "TCP"},
    {"TCP_CONGESTION", 13, "TCP"},
    {"TCP_MD5SIG", 14, "TCP"},
    {"TCP_COOKIE_TRANSACTIONS", 15, "TCP"},
    {"TCP_THIN_LINEAR_TIMEOUTS", 16, "TCP"},
    {"TCP_THIN_DUPACK", 17, "TCP"},
    {"TCP_USER_TIMEOUT", 18, "TCP"},
    {"TCP_REPAIR", 19, "TCP"},
    {"TCP_REPAIR_QUEUE", 20, "TCP"},
    {"TCP_QUEUE_SEQ", 21, "TCP"},
    {"TCP_REPAIR_OPTIONS", 22, "TCP"},
    {"TCP_FASTOPEN", 23, "TCP"},
    {"TCP_TIMESTAMP", 24, "TCP"},
    {"TCP_NOTSENT_LOWAT", 25, "TCP"},
    {"TCP_CC_INFO", 26, "TCP"},
    {"TCP_SAVE_SYN", 27, "TCP"},
    {"TCP_SAVED_SYN", 28, "TCP"},
    {"TCP_REPAIR_WINDOW", 29, "TCP"},
    {"TCP_FASTOPEN_CONNECT", 30, "TCP"},
    {"TCP_ULP", 31, "TCP"},
    {"TCP_MD5SIG_EXT", 32, "TCP"},
    {"TCP_FASTOPEN_KEY", 33, "TCP"},
    {"TCP_FASTOPEN_NO_COOKIE", 34, "TCP"},
    {"TCP_ZEROCOPY_RECEIVE", 35, "TCP"},
    {"TCP_INQ", 36, "TCP"},
    {"TCP_CM_INQ", 36, "TCP"},
    {"TCP_TX_DELAY", 37, "TCP"},
    // MSG
    {"MSG_OOB", 0x1, "MSG"},
    {"MSG_PEEK", 0x2, "MSG"},
    {"MSG_DONTROUTE", 0x4, "MSG"},
    {"MSG_TRYHARD", 0x4, "MSG"},
    {"MSG_CTRUNC", 0x8, "MSG"},
    {"MSG_PROXY", 0x10, "MSG"},
    {"MSG_TRUNC", 0x20, "MSG"},
    {"MSG_DONTWAIT", 0x40, "MSG"},
    {"MSG_EOR", 0x80, "MSG"},
    {"MSG_WAITALL", 0x100, "MSG"},
    {"MSG_FIN", 0x200, "MSG"},
    {"MSG_SYN", 0x400, "MSG"},
    {"MSG_CONFIRM", 0x800, "MSG"},
    {"MSG_RST", 0x1000, "MSG"},
    {"MSG_ERRQUEUE", 0x2000, "MSG"},
    {"MSG_NOSIGNAL", 0x4000, "MSG"},
    {"MSG_MORE", 0x8000, "MSG"},
    {"MSG_WAITFORONE", 0x10000, "MSG"},
    {"MSG_BATCH", 0x40000, "MSG"},
    {"MSG_ZEROCOPY", 0x4000000, "MSG"},
    {"MSG_FASTOPEN", 0x20000000, "MSG"},
    {"MSG_CMSG_CLOEXEC", 0x40000000, "MSG"},
    // SHUT
    {"SHUT_RD", 0, "SHUT"},
    {"SHUT_WR", 1, "SHUT"},
    {"SHUT_RDWR", 2, "SHUT"},
    // EAI
    {"EAI_IDN_ENCODE", -105, "EAI"},
    {"EAI_INTR", -104, "EAI"},
    {"EAI_ALLDONE", -103, "EAI"},
    {"EAI_NOTCANCELED", -102, "EAI"},
    {"EAI_CANCELED", -101, "EAI"},
    {"EAI_INPROGRESS", -100, "EAI"},
    {"EAI_OVERFLOW", -12, "EAI"},
    {"EAI_SYSTEM", -11, "EAI"},
    {"EAI_MEMORY", -10, "EAI"},
    {"EAI_ADDRFAMILY", -9, "EAI"},
    {"EAI_SERVICE", -8, "EAI"},
    {"EAI_SOCKTYPE", -7, "EAI"},
    {"EAI_FAMILY", -6, "EAI"},
    {"EAI_NODATA", -5, "EAI"},
    {"EAI_FAIL", -4, "EAI"},
    {"EAI_AGAIN", -3, "EAI"},
    {"EAI_NONAME", -2, "EAI"},
    {"EAI_BADFLAGS", -1, "EAI"},
    // AI
    {"AI_PASSIVE", 1, "AI"},
    {"AI_CANONNAME", 2, "AI"},
    {"AI_NUMERICHOST", 4, "AI"},
    {"AI_V4MAPPED", 8, "AI"},
    {"AI_ALL", 16, "AI"},
    {"AI_ADDRCONFIG", 32, "AI"},
    {"AI_NUMERICSERV", 1024, "AI"},
    // NI
    {"NI_NUMERICHOST", 1, "NI"},
    {"NI_NUMERICSERV", 2, "NI"},
    {"NI_NOFQDN", 4, "NI"},
    {"NI_NAMEREQD", 8, "NI"},
    {"NI_DGRAM", 16, "NI"},
    {"NI_MAXSERV", 32, "NI"},
    {"NI_MAXHOST", 1025, "NI"},
    // SOMAXCONN
    {"SOMAXCONN", 4096, "SOMAXCONN"},
    // errno
    {"EPERM", 1, "errno"},
    {"ENOENT", 2, "errno"},
    {"ESRCH", 3, "errno"},
    {"EINTR", 4, "errno"},
    {"EIO", 5, "errno"},
    {"ENXIO", 6, "errno"},
    {"E2BIG", 7, "errno"},
    {"ENOEXEC", 8, "errno"},
    {"EBADF", 9, "errno"},
    {"ECHILD", 10, "errno"},
    {"EAGAIN", 11, "errno"},
    {"EWOULDBLOCK", 11, "errno"},
    {"ENOMEM", 12, "errno"},
    {"EACCES", 13, "errno"},
    {"EFAULT", 14, "errno"},
    {"ENOTBLK", 15, "errno"},
    {"EBUSY", 16, "errno"},
    {"EEXIST", 17, "errno"},
    {"EXDEV", 18, "errno"},
    {"ENODEV", 19, "errno"},
    {"ENOTDIR", 20, "errno"},
    {"EISDIR", 21, "errno"},
    {"EINVAL", 22, "errno"},
    {"ENFILE", 23, "errno"},
    {"EMFILE", 24, "errno"},
    {"ENOTTY", 25, "errno"},
    {"ETXTBSY", 26, "errno"},
    {"EFBIG", 27, "errno"},
    {"ENOSPC", 28, "errno"},
    {"ESPIPE", 29, "errno"},
    {"EROFS", 30, "errno"},
    {"EMLINK", 31, "errno"},
    {"EPIPE", 32, "errno"},
    {"EDOM", 33, "errno"},
    {"ERANGE", 34, "errno"},
    {"EDEADLK", 35, "errno"},
    {"EDEADLOCK", 35, "errno"},
    {"ENAMETOOLONG", 36, "errno"},
    {"ENOLCK", 37, "errno"},
    {"ENOSYS", 38, "errno"},
    {"ENOTEMPTY", 39, "errno"},
    {"ELOOP", 40, "errno"},
    {"ENOMSG", 42, "errno"},
    {"EIDRM", 43, "errno"},
    {"ECHRNG", 44, "errno"},
    {"EL2NSYNC", 45, "errno"},
    {"EL3HLT", 46, "errno"},
    {"EL3RST", 47, "errno"},
    {"ELNRNG", 48, "errno"},
    {"EUNATCH", 49, "errno"},
    {"ENOCSI", 50, "errno"},
    {"EL2HLT", 51, "errno"},
    {"EBADE", 52, "errno"},
    {"EBADR", 53, "errno"},
    {"EXFULL", 54, "errno"},
    {"ENOANO", 55, "errno"},
    {"EBADRQC", 56, "errno"},
    {"EBADSLT", 57, "errno"},
    {"EBFONT", 59, "errno"},
    {"ENOSTR", 60, "errno"},
    {"ENODATA", 61, "errno"},
    {"ETIME", 62, "errno"},
    {"ENOSR", 63, "errno"},
    {"ENONET", 64, "errno"},
    {"ENOPKG", 65, "errno"},
    {"EREMOTE", 66, "errno"},
    {"ENOLINK", 67, "errno"},
    {"EADV", 68, "errno"},
    {"ESRMNT", 69, "errno"},
    {"ECOMM", 70, "errno"},
    {"EPROTO", 71, "errno"},
    {"EMULTIHOP", 72, "errno"},
    {"EDOTDOT", 73, "errno"},
    {"EBADMSG", 74, "errno"},
    {"EOVERFLOW", 75, "errno"},
    {"ENOTUNIQ", 76, "errno"},
    {"EBADFD", 77, "errno"},
    {"EREMCHG", 78, "errno"},
    {"ELIBACC", 79, "errno"},
    {"ELIBBAD", 80, "errno"},
    {"ELIBSCN", 81, "errno"},
    {"ELIBMAX", 82, "errno"},
    {"ELIBEXEC", 83, "errno"},
    {"EILSEQ", 84, "errno"},
    {"ERESTART", 85, "errno"},
    {"ESTRPIPE", 86, "errno"},
    {"EUSERS", 87, "errno"},
    {"ENOTSOCK", 88, "errno"},
    {"EDESTADDRREQ", 89, "errno"},
    {"EMSGSIZE", 90, "errno"},
    {"EPROTOTYPE", 91, "errno"},
    {"ENOPROTOOPT", 92, "errno"},
    {"EPROTONOSUPPORT", 93, "errno"},
    {"ESOCKTNOSUPPORT", 94, "errno"},
    {"EOPNOTSUPP", 95, "errno"},
    {"ENOTSUP", 95, "errno"},
    {"EPFNOSUPPORT", 96, "errno"},
    {"EAFNOSUPPORT", 97, "errno"},
    {"EADDRINUSE", 98, "errno"},
    {"EADDRNOTAVAIL", 99, "errno"},
    {"ENETDOWN", 100, "errno"},
    {"ENETUNREACH", 101, "errno"},
    {"ENETRESET", 102, "errno"},
    {"ECONNABORTED", 103, "errno"},
    {"ECONNRESET", 104, "errno"},
    {"ENOBUFS", 105, "errno"},
    {"EISCONN", 106, "errno"},
    {"ENOTCONN", 107, "errno"},
    {"ESHUTDOWN", 108, "errno"},
    {"ETOOMANYREFS", 109, "errno"},
    {"ETIMEDOUT", 110, "errno"},
    {"ECONNREFUSED", 111, "errno"},
    {"EHOSTDOWN", 112, "errno"},
    {"EHOSTUNREACH", 113, "errno"},
    {"EALREADY", 114, "errno"},
    {"EINPROGRESS", 115, "errno"},
    {"ESTALE", 116, "errno"},
    {"EUCLEAN", 117, "errno"},
    {"ENOTNAM", 118, "errno"},
    {"ENAVAIL", 119, "errno"},
    {"EISNAM", 120, "errno"},
    {"EREMOTEIO", 121, "errno"},
    {"EDQUOT", 122, "errno"},
    {"ENOMEDIUM", 123, "errno"},
    {"EMEDIUMTYPE", 124, "errno"},
    {"ECANCELED", 125, "errno"},
    {"ENOKEY", 126, "errno"},
    {"EKEYEXPIRED", 127, "errno"},
    {"EKEYREVOKED", 128, "errno"},
    {"EKEYREJECTED", 129, "errno"},
    {"EOWNERDEAD", 130, "errno"},
    {"ENOTRECOVERABLE", 131, "errno"},
    {"ERFKILL", 132, "errno"},
    {"EHWPOISON", 133, "errno"},
    // herror
    {"NETDB_INTERNAL", -1, "herror"},
    {"NETDB_SUCCESS", 0, "herror"},
    {"HOST_NOT_FOUND", 1, "herror"},
    {"TRY_AGAIN", 2, "herror"},
    {"NO_RECOVERY", 3, "herror"},
    {"NO_DATA", 4, "herror"},
    {"NO_ADDRESS", 4, "herror"},
};
// clang-format on

constexpr std::size_t kCount = std::size(kTable);

constexpr std::string_view kGroups[] = {"AF",  "SOCK", "SOL", "SO", "IPPROTO", "IPPORT", "INADDR", "IP", "IPV6", "TCP",
                                        "MSG", "SHUT", "EAI", "AI", "NI", "SOMAXCONN", "errno", "herror"};
constexpr std::size_t kGroupCount = std::size(kGroups);

constexpr std::size_t group_rank(std::string_view group) {
  for (std::size_t i = 0; i < kGroupCount; ++i) {
    if (kGroups[i] == group) return i;
  }
  return kGroupCount;
}

// Every row names a known group, groups appear in kGroups order, values ascend within a group.
constexpr bool table_is_ordered() {
  for (std::size_t i = 0; i < kCount; ++i) {
    const std::size_t rank = group_rank(kTable[i].group);
    if (rank == kGroupCount) return false;
    if (i == 0) continue;
    const std::size_t prev = group_rank(kTable[i - 1].group);
    if (rank < prev) return false;
    if (rank == prev && kTable[i].value < kTable[i - 1].value) return false;
  }
  return true;
}
static_assert(table_is_ordered(), "constant table out of order");

// [begin, end) of each group's rows, indexed like kGroups.
struct GroupRange {
  std::size_t begin = 0;
  std::size_t end = 0;
};

constexpr std::array<GroupRange, kGroupCount> make_group_ranges() {
  std::array<GroupRange, kGroupCount> ranges{};
  for (std::size_t i = 0; i < kCount; ++i) {
    GroupRange& r = ranges[group_rank(kTable[i].group)];
    if (r.begin == r.end) r.begin = i;
    r.end = i + 1;
  }
  return ranges;
}
constexpr auto kGroupRanges = make_group_ranges();

// Row numbers sorted by name.
using RowIndex = std::array<std::uint16_t, kCount>;
static_assert(kCount <= UINT16_MAX);

constexpr RowIndex make_name_index() {
  RowIndex index{};
  for (std::size_t i = 0; i < kCount; ++i) index[i] = static_cast<std::uint16_t>(i);
  std::sort(index.begin(), index.end(), [](std::uint16_t a, std::uint16_t b) { return kTable[a].name < kTable[b].name; });
  return index;
}
constexpr RowIndex kByName = make_name_index();

constexpr bool names_are_unique() {
  for (std::size_t i = 1; i < kCount; ++i) {
    if (kTable[kByName[i - 1]].name == kTable[kByName[i]].name) return false;
  }
  return true;
}
static_assert(names_are_unique(), "a constant name appears twice");

const ConstantEntry* find_by_name(std::string_view name) noexcept {
  const auto it = std::lower_bound(kByName.begin(), kByName.end(), name,
                                   [](std::uint16_t row, std::string_view n) { return kTable[row].name < n; });
  if (it == kByName.end() || kTable[*it].name != name) return nullptr;
  return &kTable[*it];
}

std::string_view find_name(std::size_t group, long value) noexcept {
  const ConstantEntry* first = kTable + kGroupRanges[group].begin;
  const ConstantEntry* last = kTable + kGroupRanges[group].end;
  // The first row with this value is the primary name (rows with equal values keep table order).
  const ConstantEntry* it =
      std::lower_bound(first, last, value, [](const ConstantEntry& e, long v) { return e.value < v; });
  if (it == last || it->value != value) return {};
  return it->name;
}

constexpr std::size_t kErrnoGroup = group_rank("errno");

}  // namespace

std::span<const ConstantEntry> constant_table() noexcept { return {kTable, kCount}; }

std::optional<long> constant_value(std::string_view name) noexcept {
  if (const ConstantEntry* e = find_by_name(name)) return e->value;
  return std::nullopt;
}

std::string_view constant_name(std::string_view group, long value) noexcept {
  const std::size_t rank = group_rank(group);
  if (rank == kGroupCount) return {};
  return find_name(rank, value);
}

std::string_view errno_name(int value) noexcept { return find_name(kErrnoGroup, value); }

std::optional<int> errno_value(std::string_view name) noexcept {
  const ConstantEntry* e = find_by_name(name);
  if (e == nullptr || e->group != "errno") return std::nullopt;
  return static_cast<int>(e->value);
}

}  // namespace socksim
