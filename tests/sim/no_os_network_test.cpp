// The sim never touches the operating system's network: a child process forbids itself every
// socket system call (seccomp, returning EPERM), checks that the filter bites, then runs a
// workload of TCP, UDP, AF_UNIX, DNS and tasks on the sim.
#include <gtest/gtest.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <vector>

#include "helpers.hpp"

namespace socksim::simtest {
namespace {

#if defined(__x86_64__)
bool forbid_socket_syscalls() {
  const int calls[] = {SYS_socket,   SYS_socketpair, SYS_connect,    SYS_bind,        SYS_listen,     SYS_accept,
                       SYS_accept4,  SYS_sendto,     SYS_recvfrom,   SYS_sendmsg,     SYS_recvmsg,    SYS_sendmmsg,
                       SYS_recvmmsg, SYS_shutdown,   SYS_getsockopt, SYS_setsockopt,  SYS_getsockname, SYS_getpeername};
  std::vector<sock_filter> f;
  f.push_back(BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, arch)));
  f.push_back(BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0));
  f.push_back(BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS));
  f.push_back(BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, nr)));
  for (int nr : calls) {
    f.push_back(BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, static_cast<unsigned>(nr), 0, 1));
    f.push_back(BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (EPERM & SECCOMP_RET_DATA)));
  }
  f.push_back(BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
  sock_fprog prog{static_cast<unsigned short>(f.size()), f.data()};
  if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return false;
  return ::syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) == 0;
}

// Exit codes of the child: 0 all well; 10+ a step that went wrong.
int workload() {
  if (!forbid_socket_syscalls()) return 10;
  if (::socket(AF_INET, SOCK_STREAM, 0) != -1 || errno != EPERM) return 11;  // the filter bites
  try {
    SimNetwork::Config config;
    config.hosts.push_back({"server", {"10.0.0.1"}, {}});
    SimNetwork net(config);
    Task echo = net.spawn_on("server", "echo", [&] {
      Socket l = net.socket();
      l.bind(Address::inet("", 7));
      l.listen(1);
      Socket s = l.accept().first;
      s.sendall(s.recv(100));
    });
    Socket c = net.create_connection(Address::inet("server", 7));
    c.sendall("tcp");
    if (c.recv(100) != "tcp") return 12;
    echo.join();
    Socket u = net.socket(AF_INET6, SOCK_DGRAM);
    u.bind(Address::inet6("::1", 0));
    Socket v = net.socket(AF_INET6, SOCK_DGRAM);
    v.sendto("udp", u.getsockname());
    if (u.recvfrom(100).first != "udp") return 13;
    auto [a, b] = net.socketpair();
    a.sendall("unix");
    if (b.recv(100) != "unix") return 14;
    const std::string dir = net.mkdtemp();
    Socket ul = net.socket(AF_UNIX, SOCK_STREAM);
    ul.bind(Address::unix_path(dir + "/s"));
    ul.listen(1);
    Socket uc = net.socket(AF_UNIX, SOCK_STREAM);
    uc.connect(Address::unix_path(dir + "/s"));
    if (net.getaddrinfo(std::string("localhost"), std::string("http")).empty()) return 15;
    u.settimeout(5.0);
    std::error_code ec;
    u.recv(10, 0, ec);
    if (ec != make_error_code(errc::timeout)) return 16;
  } catch (...) {
    return 17;
  }
  return 0;
}

TEST(SimNoOsNetwork, WorksWithSocketSystemCallsForbidden) {
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) ::_exit(workload());
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status)) << "the child was killed by signal " << WTERMSIG(status);
  EXPECT_EQ(WEXITSTATUS(status), 0) << "step " << WEXITSTATUS(status) << " failed";
}
#else
TEST(SimNoOsNetwork, WorksWithSocketSystemCallsForbidden) { GTEST_SKIP() << "the filter is written for x86_64"; }
#endif

}  // namespace
}  // namespace socksim::simtest
