// sim/socket.cpp - the parts every simulated socket shares, and the descriptor handle.
#include "socket.hpp"

#include <sys/socket.h>

#include <cerrno>
#include <cmath>

#include "core.hpp"
#include "socksim/address.hpp"
#include "socksim/errors.hpp"

namespace socksim::sim {

Nanos to_nanos(double seconds) {
  const double ns = std::nearbyint(seconds * 1e9);
  if (ns > 9.0e18) return static_cast<Nanos>(9'000'000'000'000'000'000LL);
  return static_cast<Nanos>(ns);
}

std::size_t packet_truesize(std::size_t payload) {
  const std::size_t data = payload + 320;
  if (data > 4096) return (payload + 4095) / 4096 * 4096 + 768;  // page fragments
  std::size_t size = 512;
  while (size < data) size <<= 1;
  return size + 256;
}

// ---- SimSocket ----------------------------------------------------------------------------------

SimSocket::SimSocket(Core& c, Host& h, int fam, int typ, int pro)
    : core(c), host(&h), family(fam), type(typ), proto(pro) {}

SimSocket::~SimSocket() = default;

std::shared_ptr<SimSocket> SimSocket::accept(Address&, Io&, std::error_code& ec) {
  ec = errno_code(EOPNOTSUPP);
  return nullptr;
}

void SimSocket::listen(int, std::error_code& ec) { ec = errno_code(EOPNOTSUPP); }

bool SimSocket::wait(Io& io, std::error_code& ec) {
  if (io.nonblocking) {
    ec = errno_code(EAGAIN);
    return false;
  }
  if (io.deadline && core.now() >= *io.deadline) {
    ec = make_error_code(errc::timeout);
    return false;
  }
  // What the task waits in, made into text only for a deadlock report.
  const WaitWhat what{io.op, io.fd, this,
                      [](const void* s) { return static_cast<const SimSocket*>(s)->describe(); }};
  switch (core.sched.wait(waiters, io.deadline, what)) {
    case Wake::timeout:
      ec = make_error_code(errc::timeout);
      return false;
    case Wake::cancelled:
      ec = errno_code(ECANCELED);
      return false;
    case Wake::deadlock:
      ec = make_error_code(errc::deadlock);
      return false;
    default:
      ec.clear();
      return true;
  }
}

bool SimSocket::resolve(const Address& address, Endpoint& out, std::error_code& ec) const {
  const Address checked = check_address(address, family, ec);
  if (ec) return false;
  if (!core.lookup_faults(checked.host(), ec)) return false;
  const std::string numeric = core.resolver.resolve_host(checked.host(), family, ec);
  if (ec) return false;
  auto ip = Ip::parse(family, numeric);
  if (!ip) {
    ec = gai_code(-9);  // EAI_ADDRFAMILY
    return false;
  }
  out.ip = *ip;
  out.port = checked.port();
  return true;
}

Address SimSocket::to_address(const Endpoint& ep) const {
  if (family == AF_INET6) {
    Ip ip = ep.ip.family == AF_INET ? ep.ip.mapped() : ep.ip;
    if (ep.ip.family == 0) ip = Ip::any(AF_INET6);
    return Address::inet6(ip.to_string(), ep.port, 0, 0);
  }
  Ip ip = ep.ip.family == 0 ? Ip::any(AF_INET) : ep.ip;
  return Address::inet(ip.to_string(), ep.port);
}

// ---- the descriptor -----------------------------------------------------------------------------

namespace {

// One traced call: checks the calling thread first, then asks the fault rules for their verdict
// (the one place they are consulted: a failing call does not reach the socket, a capped one sees
// a shorter buffer), and afterwards writes the trace line and delivers what the call sent.
class Call {
 public:
  Call(Core& core, const SimSocket& sock, const char* op, int fd, std::error_code& ec)
      : core_(core), op_(op), fd_(fd), ec_(ec) {
    ec.clear();
    ok_ = core.guard(ec);
    if (!ok_ || core.faults.empty()) return;
    verdict_ = core.faults.consult(op, fd, *sock.host, core.rng);
    for (const auto& f : verdict_.fired) {
      core.faults.hit(f.id);
      TraceLine line = core.line("fault");
      line.num("rule", static_cast<long long>(f.id)).str("op", op).num("fd", fd).str("fault", f.what);
      core.trace_event(line);
    }
    if (verdict_.error == fault::kTimeout)
      ec = make_error_code(errc::timeout);
    else if (verdict_.error)
      ec = errno_code(verdict_.error);
  }
  ~Call() {
    if (!ok_) return;
    if (!core_.tracing()) {
      core_.drain();
      return;
    }
    TraceLine line = core_.line("call");
    line.str("op", op_).num("fd", fd_);
    if (has_arg_) line.described("arg", {arg_hash_}, [this]() -> const std::string& { return detail_; });
    if (ec_)
      line.described("err", {static_cast<std::uint64_t>(ec_.value()), trace_hash::mix_bytes(0, ec_.category().name())},
                     [this] { return error_name(ec_); });
    else if (has_ret_)
      line.num("ret", ret_);
    core_.trace_event(line);
    core_.drain();
  }
  // The call may go on (the thread is right and no rule failed it).
  bool ok() const noexcept { return ok_ && verdict_.error == 0; }
  // The most bytes the call may send or receive.
  std::size_t cap() const noexcept { return verdict_.cap; }
  void ret(long long v) {
    has_ret_ = true;
    ret_ = v;
  }
  // The call's arguments for its trace line: `parts` stand for them in the trace hash and must
  // determine text(), which is made only when the line is written.
  template <class Text>
  void arg(std::initializer_list<std::uint64_t> parts, Text&& text) {
    if (!core_.tracing()) return;
    has_arg_ = true;
    arg_hash_ = trace_hash::kInitial;
    for (std::uint64_t p : parts) arg_hash_ = trace_hash::step(arg_hash_, p);
    if (core_.trace.writes_text()) detail_ = text();
  }
  // An address argument (none in the line when its text is empty, as for AF_UNSPEC).
  void arg(const Address& a) {
    const int f = a.family();
    if ((f != AF_INET && f != AF_INET6 && f != AF_UNIX) || (f == AF_UNIX && a.host().empty())) return;
    arg({trace_hash::mix_bytes(0, a.host()), static_cast<std::uint64_t>(f), static_cast<std::uint64_t>(a.port()),
         a.scope_id()},
        [&a] { return a.to_string(); });
  }
  // Arguments that are numbers.
  void arg_nums(long long a, long long b, char sep) {
    arg({static_cast<std::uint64_t>(a), static_cast<std::uint64_t>(b), static_cast<std::uint64_t>(sep)},
        [&] { return std::to_string(a) + sep + std::to_string(b); });
  }

 private:
  Core& core_;
  const char* op_;
  int fd_;
  std::error_code& ec_;
  bool ok_ = false;
  bool has_ret_ = false;
  long long ret_ = 0;
  bool has_arg_ = false;
  std::uint64_t arg_hash_ = 0;
  std::string detail_;
  Verdict verdict_;
};

}  // namespace

SimSocketImpl::SimSocketImpl(std::shared_ptr<Core> core, std::shared_ptr<SimSocket> sock, Seconds timeout)
    : core_(std::move(core)), sock_(std::move(sock)), timeout_(timeout) {
  family_ = sock_->family;
  type_ = sock_->type;
  proto_ = sock_->proto;
  fd_ = core_->open_fd(sock_);
  ++sock_->descriptors;
}

SimSocketImpl::~SimSocketImpl() {
  core_->close_fd(fd_);
  if (--sock_->descriptors == 0) {
    // Closing from another thread (a Socket destroyed there) still closes, as it must.
    sock_->close();
    if (std::this_thread::get_id() == core_->owner) {
      TraceLine line = core_->line("call");
      line.str("op", "close").num("fd", fd_);
      core_->trace_event(line);
      core_->drain();
    }
  }
}

Io SimSocketImpl::io(const char* op, int flags) const {
  Io io;
  io.op = op;
  io.fd = fd_;
  io.nonblocking = (timeout_ && *timeout_ == 0.0) || (flags & MSG_DONTWAIT);
  if (timeout_ && *timeout_ > 0) io.deadline = core_->now() + to_nanos(*timeout_);
  return io;
}

std::shared_ptr<SocketImpl> SimSocketImpl::accept(Address& peer, std::error_code& ec) {
  Call call(*core_, *sock_, "accept", fd_, ec);
  if (!call.ok()) return nullptr;
  Io io = this->io("accept", 0);
  auto conn = sock_->accept(peer, io, ec);
  if (ec || !conn) return nullptr;
  auto impl = std::make_shared<SimSocketImpl>(core_, std::move(conn), core_->default_timeout);
  call.ret(impl->fileno());
  return impl;
}

void SimSocketImpl::bind(const Address& address, std::error_code& ec) {
  Call call(*core_, *sock_, "bind", fd_, ec);
  if (!call.ok()) return;
  call.arg(address);
  sock_->bind(address, ec);
}

void SimSocketImpl::connect(const Address& address, std::error_code& ec) {
  Call call(*core_, *sock_, "connect", fd_, ec);
  if (!call.ok()) return;
  call.arg(address);
  Io io = this->io("connect", 0);
  sock_->connect(address, io, ec);
}

Address SimSocketImpl::getpeername(std::error_code& ec) {
  Call call(*core_, *sock_, "getpeername", fd_, ec);
  if (!call.ok()) return {};
  return sock_->getpeername(ec);
}

Address SimSocketImpl::getsockname(std::error_code& ec) {
  Call call(*core_, *sock_, "getsockname", fd_, ec);
  if (!call.ok()) return {};
  return sock_->getsockname(ec);
}

int SimSocketImpl::getsockopt(int level, int optname, std::error_code& ec) {
  Call call(*core_, *sock_, "getsockopt", fd_, ec);
  if (!call.ok()) return 0;
  call.arg_nums(level, optname, '/');
  std::string bytes = sock_->getsockopt(level, optname, sizeof(int), ec);
  if (ec) return 0;
  unsigned char b[4] = {0, 0, 0, 0};
  for (std::size_t i = 0; i < bytes.size() && i < 4; ++i) b[i] = static_cast<unsigned char>(bytes[i]);
  const auto v = static_cast<std::int32_t>(static_cast<std::uint32_t>(b[0]) | static_cast<std::uint32_t>(b[1]) << 8 |
                                           static_cast<std::uint32_t>(b[2]) << 16 |
                                           static_cast<std::uint32_t>(b[3]) << 24);
  call.ret(v);
  return v;
}

std::string SimSocketImpl::getsockopt(int level, int optname, std::size_t buflen, std::error_code& ec) {
  Call call(*core_, *sock_, "getsockopt", fd_, ec);
  if (!call.ok()) return {};
  call.arg({static_cast<std::uint64_t>(level), static_cast<std::uint64_t>(optname), buflen},
           [&] { return std::to_string(level) + "/" + std::to_string(optname) + "/" + std::to_string(buflen); });
  auto out = sock_->getsockopt(level, optname, buflen, ec);
  if (!ec) call.ret(static_cast<long long>(out.size()));
  return out;
}

void SimSocketImpl::listen(int backlog, std::error_code& ec) {
  Call call(*core_, *sock_, "listen", fd_, ec);
  if (!call.ok()) return;
  call.arg({static_cast<std::uint64_t>(backlog)}, [&] { return std::to_string(backlog); });
  sock_->listen(backlog, ec);
}

std::size_t SimSocketImpl::recv_into(std::span<char> buffer, int flags, Address* from, std::error_code& ec) {
  Call call(*core_, *sock_, from ? "recvfrom" : "recv", fd_, ec);
  if (!call.ok()) return 0;
  call.arg_nums(static_cast<long long>(buffer.size()), flags, '/');
  Io io = this->io(from ? "recvfrom" : "recv", flags);
  if (buffer.size() > call.cap()) buffer = buffer.first(call.cap());
  const std::size_t n = sock_->recv(buffer, flags, from, io, ec);
  if (!ec) call.ret(static_cast<long long>(n));
  return ec ? 0 : n;
}

std::size_t SimSocketImpl::send(std::string_view data, int flags, const Address* to, std::error_code& ec) {
  Call call(*core_, *sock_, to ? "sendto" : "send", fd_, ec);
  if (!call.ok()) return 0;
  if (to)
    call.arg({data.size(), static_cast<std::uint64_t>(flags), trace_hash::mix_bytes(0, to->host()),
              static_cast<std::uint64_t>(to->family()), static_cast<std::uint64_t>(to->port()), to->scope_id()},
             [&] { return std::to_string(data.size()) + "/" + std::to_string(flags) + " " + to->to_string(); });
  else
    call.arg_nums(static_cast<long long>(data.size()), flags, '/');
  Io io = this->io(to ? "sendto" : "send", flags);
  // A capped send is short on a byte stream only: a datagram goes whole or not at all.
  const std::size_t n = sock_->send(sock_->type == SOCK_STREAM ? data.substr(0, call.cap()) : data, flags, to, io, ec);
  if (!ec) call.ret(static_cast<long long>(n));
  return ec ? 0 : n;
}

std::size_t SimSocketImpl::sendall(std::string_view data, int flags, std::error_code& ec) {
  Call call(*core_, *sock_, "sendall", fd_, ec);
  if (!call.ok()) return 0;
  call.arg_nums(static_cast<long long>(data.size()), flags, '/');
  // The timeout bounds the whole call; each send may accept part of the data.
  Io io = this->io("sendall", flags);
  std::size_t total = 0;
  while (total < data.size()) {
    const std::string_view rest = data.substr(total);
    const std::string_view part = sock_->type == SOCK_STREAM ? rest.substr(0, call.cap()) : rest;
    const std::size_t n = sock_->send(part, flags, nullptr, io, ec);
    if (ec) break;
    total += n;
    core_->drain();  // between two sends the peer takes what it can
  }
  call.ret(static_cast<long long>(total));
  return total;
}

void SimSocketImpl::settimeout(Seconds timeout) { timeout_ = timeout; }

void SimSocketImpl::setsockopt(int level, int optname, int value, std::error_code& ec) {
  Call call(*core_, *sock_, "setsockopt", fd_, ec);
  if (!call.ok()) return;
  call.arg({static_cast<std::uint64_t>(level), static_cast<std::uint64_t>(optname), static_cast<std::uint64_t>(value)},
           [&] { return std::to_string(level) + "/" + std::to_string(optname) + "=" + std::to_string(value); });
  const auto u = static_cast<std::uint32_t>(value);
  const char bytes[4] = {static_cast<char>(u & 0xff), static_cast<char>((u >> 8) & 0xff),
                         static_cast<char>((u >> 16) & 0xff), static_cast<char>((u >> 24) & 0xff)};
  sock_->setsockopt(level, optname, std::string_view(bytes, 4), ec);
}

void SimSocketImpl::setsockopt(int level, int optname, std::string_view value, std::error_code& ec) {
  Call call(*core_, *sock_, "setsockopt", fd_, ec);
  if (!call.ok()) return;
  call.arg({static_cast<std::uint64_t>(level), static_cast<std::uint64_t>(optname), value.size()},
           [&] { return std::to_string(level) + "/" + std::to_string(optname) + " len " + std::to_string(value.size()); });
  sock_->setsockopt(level, optname, value, ec);
}

void SimSocketImpl::shutdown(int how, std::error_code& ec) {
  Call call(*core_, *sock_, "shutdown", fd_, ec);
  if (!call.ok()) return;
  call.arg({static_cast<std::uint64_t>(how)}, [&] { return std::to_string(how); });
  if (how < SHUT_RD || how > SHUT_RDWR) {
    ec = errno_code(EINVAL);
    return;
  }
  sock_->shutdown(how, ec);
}

int SimSocketImpl::family() const noexcept { return family_; }
int SimSocketImpl::type() const noexcept { return type_; }
int SimSocketImpl::proto() const noexcept { return proto_; }

}  // namespace socksim::sim
