// sim/unix.cpp - see unix.hpp.
#include "unix.hpp"

#include <sys/socket.h>

#include <algorithm>
#include <cerrno>

#include "core.hpp"
#include "socksim/errors.hpp"

namespace socksim::sim {

namespace {
std::string printable(const std::string& name) {
  if (name.empty()) return "unnamed";
  if (name[0] == '\0') return "@" + name.substr(1);
  return name;
}
}  // namespace

UnixSocket::UnixSocket(Core& c, Host& h, int typ, int pro) : SimSocket(c, h, AF_UNIX, typ, pro) {
  opt.sndbuf = 212992;
  opt.rcvbuf = 212992;
}

UnixSocket::~UnixSocket() = default;

std::string UnixSocket::describe() const {
  std::string out = type == SOCK_STREAM ? "unix-stream " : type == SOCK_DGRAM ? "unix-dgram " : "unix-seqpacket ";
  out += printable(name_);
  if (connected_) out += " > " + printable(peer_name_);
  if (listening_) out += " LISTEN";
  return out;
}

void UnixSocket::pair(const std::shared_ptr<UnixSocket>& a, const std::shared_ptr<UnixSocket>& b) {
  a->peer_ = b;
  b->peer_ = a;
  a->connected_ = b->connected_ = true;
}

void UnixSocket::bind(const Address& address, std::error_code& ec) {
  const Address checked = check_address(address, AF_UNIX, ec);
  if (ec) return;
  if (bound_) {
    ec = errno_code(EINVAL);
    return;
  }
  std::string name = checked.path();
  if (name.empty()) name = core.unix_ns.autobind_name();  // Linux autobinds an abstract name
  if (int err = core.unix_ns.bind(name, shared_from_this())) {
    ec = errno_code(err);
    return;
  }
  name_ = name;
  bound_ = true;
}

void UnixSocket::listen(int backlog, std::error_code& ec) {
  if (type == SOCK_DGRAM) {
    ec = errno_code(EOPNOTSUPP);
    return;
  }
  if (!bound_ || connected_) {
    ec = errno_code(EINVAL);
    return;
  }
  backlog_ = static_cast<int>(std::min(static_cast<unsigned>(backlog), 4096u));
  listening_ = true;
  notify();
}

std::shared_ptr<SimSocket> UnixSocket::accept(Address& peer, Io& io, std::error_code& ec) {
  if (type == SOCK_DGRAM) {
    ec = errno_code(EOPNOTSUPP);
    return nullptr;
  }
  for (;;) {
    if (!listening_) {
      ec = errno_code(EINVAL);
      return nullptr;
    }
    if (!accept_queue_.empty()) {
      auto conn = accept_queue_.front();
      accept_queue_.pop_front();
      peer = Address::unix_path(conn->peer_name_);
      notify();  // room in the queue for a waiting connect()
      return conn;
    }
    if (!wait(io, ec)) return nullptr;
  }
}

void UnixSocket::connect(const Address& address, Io& io, std::error_code& ec) {
  const Address checked = check_address(address, AF_UNIX, ec);
  if (ec) return;
  if (type == SOCK_DGRAM) {
    int err = 0;
    auto target = core.unix_ns.lookup(checked.path(), err);
    if (target && target->type != type) err = checked.is_abstract() ? ECONNREFUSED : EPROTOTYPE;
    if (err) {
      ec = errno_code(err);
      return;
    }
    peer_ = std::static_pointer_cast<UnixSocket>(target);
    peer_name_ = static_cast<UnixSocket*>(target.get())->name_;
    connected_ = true;
    return;
  }
  if (listening_) {
    ec = errno_code(EINVAL);
    return;
  }
  if (connected_) {
    ec = errno_code(EISCONN);
    return;
  }
  for (;;) {
    int err = 0;
    auto target_base = core.unix_ns.lookup(checked.path(), err);
    // unix_find_bsd: a path of another type is EPROTOTYPE; an abstract name is looked up with
    // its type, so it is not found.
    if (target_base && target_base->type != type) err = checked.is_abstract() ? ECONNREFUSED : EPROTOTYPE;
    auto target = std::static_pointer_cast<UnixSocket>(target_base);
    if (!err && !target->listening_) err = ECONNREFUSED;
    if (err) {
      ec = errno_code(err);
      return;
    }
    // unix_recvq_full: more waiting than the backlog.
    if (target->accept_queue_.size() > static_cast<std::size_t>(target->backlog_)) {
      if (!target->wait(io, ec)) return;
      continue;
    }
    auto server = std::make_shared<UnixSocket>(core, *target->host, type, target->proto);
    server->opt = target->opt;
    server->name_ = target->name_;
    server->peer_name_ = name_;
    server->bound_ = false;
    peer_name_ = target->name_;
    pair(self(), server);
    target->accept_queue_.push_back(server);
    target->notify();
    notify();
    return;
  }
}

Address UnixSocket::getpeername(std::error_code& ec) {
  if (!connected_) {
    ec = errno_code(ENOTCONN);
    return {};
  }
  return Address::unix_path(peer_name_);
}

Address UnixSocket::getsockname(std::error_code&) { return Address::unix_path(name_); }

bool UnixSocket::sndbuf_full() const { return wmem_ >= static_cast<std::size_t>(opt.sndbuf); }

void UnixSocket::enqueue(UnixSocket& to, std::string data) {
  Message m;
  m.truesize = packet_truesize(data.size());
  m.data = std::move(data);
  m.from = name_;
  m.sender = self();
  wmem_ += m.truesize;
  to.queue_.push_back(std::move(m));
  to.notify();
}

void UnixSocket::consumed(Message& m) {
  if (auto s = m.sender.lock()) {
    s->wmem_ -= std::min(s->wmem_, m.truesize);
    s->notify();
  }
}

std::size_t UnixSocket::send_stream(std::string_view data, Io& io, std::error_code& ec) {
  const bool blocking = !io.nonblocking && !io.deadline;
  std::size_t total = 0;
  for (;;) {
    auto peer = peer_.lock();
    if (!connected_) {
      ec = errno_code(type == SOCK_STREAM ? ENOTCONN : ENOTCONN);
      return 0;
    }
    if (so_error && !total) {
      ec = errno_code(std::exchange(so_error, 0));
      return 0;
    }
    if (shut_wr_ || !peer || peer->shut_rd_) {
      if (total) return total;
      ec = errno_code(EPIPE);
      return 0;
    }
    if (!sndbuf_full()) {
      if (type == SOCK_SEQPACKET) {
        if (data.size() > static_cast<std::size_t>(opt.sndbuf) - 32) {
          ec = errno_code(EMSGSIZE);
          return 0;
        }
        enqueue(*peer, std::string(data));
        return data.size();
      }
      // unix_stream_sendmsg: pieces of at most half the send buffer (and 36544 bytes).
      const std::size_t piece = std::min<std::size_t>(
          {data.size() - total, static_cast<std::size_t>(opt.sndbuf) / 2 - 64, 36544});
      enqueue(*peer, std::string(data.substr(total, piece)));
      total += piece;
      if (total == data.size()) return total;
      continue;
    }
    if (total && !blocking) return total;
    if (!wait(io, ec)) {
      if (total && (ec == std::error_code(errno_code(EAGAIN)) || ec == make_error_code(errc::timeout))) {
        ec.clear();
        return total;
      }
      return 0;
    }
  }
}

std::size_t UnixSocket::send_dgram(std::string_view data, const std::string* to_name, Io& io, std::error_code& ec) {
  if (data.size() > static_cast<std::size_t>(opt.sndbuf) - 32) {
    ec = errno_code(EMSGSIZE);
    return 0;
  }
  for (;;) {
    std::shared_ptr<UnixSocket> target;
    if (to_name) {
      int err = 0;
      auto t = core.unix_ns.lookup(*to_name, err);
      if (t && t->type != SOCK_DGRAM) err = (!to_name->empty() && (*to_name)[0] == '\0') ? ECONNREFUSED : EPROTOTYPE;
      if (err) {
        ec = errno_code(err);
        return 0;
      }
      target = std::static_pointer_cast<UnixSocket>(t);
    } else {
      if (!connected_) {
        ec = errno_code(ENOTCONN);
        return 0;
      }
      target = peer_.lock();
      if (!target) {
        ec = errno_code(ECONNREFUSED);
        return 0;
      }
    }
    if (shut_wr_) {
      ec = errno_code(EPIPE);
      return 0;
    }
    // A connected receiver takes datagrams only from its peer.
    if (target->connected_ && target->type == SOCK_DGRAM && target->peer_.lock().get() != this) {
      ec = errno_code(EPERM);
      return 0;
    }
    if (target->shut_rd_) {
      ec = errno_code(EPIPE);
      return 0;
    }
    if (!sndbuf_full() && target->queue_.size() <= kMaxDgramQlen) {
      enqueue(*target, std::string(data));
      return data.size();
    }
    if (io.nonblocking) {
      ec = errno_code(EAGAIN);
      return 0;
    }
    // Wait for the reader (or our own buffer).
    WaitQueue* qs[2] = {&waiters, &target->waiters};
    std::string what = std::string(io.op) + " on fd " + std::to_string(io.fd) + " (" + describe() + ")";
    switch (core.sched.wait(std::span<WaitQueue* const>(qs, 2), io.deadline, std::move(what))) {
      case Wake::timeout: ec = make_error_code(errc::timeout); return 0;
      case Wake::cancelled: ec = errno_code(ECANCELED); return 0;
      case Wake::deadlock: ec = make_error_code(errc::deadlock); return 0;
      default: break;
    }
  }
}

std::size_t UnixSocket::send(std::string_view data, int, const Address* to, Io& io, std::error_code& ec) {
  if (type == SOCK_DGRAM) {
    if (to) {
      const Address checked = check_address(*to, AF_UNIX, ec);
      if (ec) return 0;
      std::string name = checked.path();
      return send_dgram(data, &name, io, ec);
    }
    return send_dgram(data, nullptr, io, ec);
  }
  if (to && !connected_) {
    ec = errno_code(EOPNOTSUPP);
    return 0;
  }
  if (to) {
    ec = errno_code(EISCONN);
    return 0;
  }
  return send_stream(data, io, ec);
}

std::size_t UnixSocket::recv(std::span<char> buffer, int flags, Address* from, Io& io, std::error_code& ec) {
  if (stream_like() && !connected_ && !listening_) {
    ec = errno_code(type == SOCK_STREAM ? EINVAL : ENOTCONN);
    return 0;
  }
  if (listening_) {
    ec = errno_code(EINVAL);
    return 0;
  }
  std::size_t got = 0;
  for (;;) {
    if (!queue_.empty()) {
      if (type != SOCK_STREAM) {
        Message& m = queue_.front();
        const std::size_t n = std::min(buffer.size(), m.data.size());
        std::copy_n(m.data.data(), n, buffer.data());
        const std::size_t full = m.data.size();
        if (from) *from = m.from.empty() ? Address() : Address::unix_path(m.from);
        if (!(flags & MSG_PEEK)) {
          consumed(m);
          queue_.pop_front();
        }
        return (flags & MSG_TRUNC) ? full : n;
      }
      // Stream: across messages.
      if (from) *from = queue_.front().from.empty() ? Address() : Address::unix_path(queue_.front().from);
      std::size_t offset = 0;
      for (std::size_t i = 0; i < queue_.size() && got < buffer.size();) {
        Message& m = queue_[i];
        const std::size_t avail = m.data.size() - m.read - ((flags & MSG_PEEK) ? offset : 0);
        const std::size_t start = m.read + ((flags & MSG_PEEK) ? offset : 0);
        const std::size_t n = std::min(buffer.size() - got, avail);
        std::copy_n(m.data.data() + start, n, buffer.data() + got);
        got += n;
        if (flags & MSG_PEEK) {
          ++i;
          offset = 0;
          continue;
        }
        m.read += n;
        if (m.read == m.data.size()) {
          consumed(m);
          queue_.pop_front();
        } else {
          break;
        }
      }
      if (!(flags & MSG_WAITALL) || got == buffer.size() || (flags & MSG_PEEK)) return got;
      continue;
    }
    if (got) return got;
    if (so_error) {
      ec = errno_code(std::exchange(so_error, 0));
      return 0;
    }
    if (shut_rd_) {
      if (from) *from = Address();
      return 0;
    }
    if (!wait(io, ec)) return 0;
  }
}

void UnixSocket::shutdown(int how, std::error_code& ec) {
  const bool rd = how == SHUT_RD || how == SHUT_RDWR;
  const bool wr = how == SHUT_WR || how == SHUT_RDWR;
  if (!connected_ && stream_like()) {
    ec = errno_code(ENOTCONN);
    return;
  }
  shut_rd_ = shut_rd_ || rd;
  shut_wr_ = shut_wr_ || wr;
  // unix_shutdown: the peer gets the mirror image.
  if (stream_like()) {
    if (auto peer = peer_.lock()) {
      peer->shut_wr_ = peer->shut_wr_ || rd;
      peer->shut_rd_ = peer->shut_rd_ || wr;
      peer->notify();
    }
  }
  notify();
}

short UnixSocket::poll() const {
  if (listening_) return accept_queue_.empty() ? 0 : POLL_IN;
  short mask = 0;
  if (so_error) mask |= POLL_ERR;
  if (shut_rd_ && shut_wr_) mask |= POLL_HUP;
  if (shut_rd_ || !queue_.empty()) mask |= POLL_IN;
  if (stream_like() && !connected_) return static_cast<short>(mask | POLL_OUT);
  // unix_writable: what we have in flight is at most a quarter of SO_SNDBUF.
  bool writable = wmem_ * 4 <= static_cast<std::size_t>(opt.sndbuf);
  if (type == SOCK_DGRAM) {
    auto peer = peer_.lock();
    if (peer && peer->queue_.size() > kMaxDgramQlen) writable = false;
  }
  if (writable || shut_wr_) mask |= POLL_OUT;
  return mask;
}

void UnixSocket::disconnect_peer(bool unread) {
  auto peer = peer_.lock();
  if (!peer) return;
  if (stream_like()) {
    peer->shut_rd_ = peer->shut_wr_ = true;
    if (unread) peer->so_error = ECONNRESET;
  }
  peer->notify();
}

void UnixSocket::close() {
  auto keep = self();
  if (!name_.empty()) core.unix_ns.release(name_, this);
  // Connections never accepted are closed too (their clients see the peer gone).
  for (auto& c : accept_queue_) c->disconnect_peer(!c->queue_.empty());
  accept_queue_.clear();
  listening_ = false;
  if (connected_ && (stream_like() || peer_.lock())) disconnect_peer(!queue_.empty());
  for (auto& m : queue_) consumed(m);
  queue_.clear();
  connected_ = false;
  notify();
}

}  // namespace socksim::sim
