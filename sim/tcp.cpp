// sim/tcp.cpp - the TCP state machine: RFC 793's states with Linux's behaviour (tcp_input.c
// tcp_rcv_state_process and tcp_reset, tcp.c tcp_close, tcp_shutdown, tcp_recvmsg, tcp_poll,
// af_inet.c inet_stream_connect and inet_shutdown).
//
// Deliberate differences from Linux:
//  - No sequence numbers, retransmissions or congestion control: links deliver TCP segments in
//    order and never lose them. Only a SYN can be lost (no host has the address, or the
//    listener's accept queue is full); it is retried after 1, 2, 4 ... 64 s as Linux does.
//  - The receive window is the free payload room of the receive buffer (recv_capacity()); a
//    window update is sent after a read when the last window told was under half the buffer.
//  - SO_LINGER with a non-zero time does not make close() wait (delivery on the simulated links
//    completes without the program's help anyway).
#include "tcp.hpp"

#include <netinet/in.h>
#include <sys/socket.h>

#include <cassert>
#include <cerrno>
#include <cstring>

#include "core.hpp"
#include "host.hpp"
#include "socksim/errors.hpp"

namespace socksim::sim {

const char* to_string(TcpState s) noexcept {
  switch (s) {
    case TcpState::CLOSED: return "CLOSED";
    case TcpState::LISTEN: return "LISTEN";
    case TcpState::SYN_SENT: return "SYN_SENT";
    case TcpState::SYN_RECEIVED: return "SYN_RECEIVED";
    case TcpState::ESTABLISHED: return "ESTABLISHED";
    case TcpState::FIN_WAIT_1: return "FIN_WAIT_1";
    case TcpState::FIN_WAIT_2: return "FIN_WAIT_2";
    case TcpState::CLOSE_WAIT: return "CLOSE_WAIT";
    case TcpState::CLOSING: return "CLOSING";
    case TcpState::LAST_ACK: return "LAST_ACK";
    case TcpState::TIME_WAIT: return "TIME_WAIT";
  }
  return "?";
}

namespace {

// An endpoint in two steps: its address's two halves (the second multiplied apart from the first,
// in parallel with the steps) and its family and port.
std::uint64_t endpoint_hash(std::uint64_t h, const Endpoint& ep) {
  std::uint64_t a, b;
  std::memcpy(&a, ep.ip.bytes.data(), 8);
  std::memcpy(&b, ep.ip.bytes.data() + 8, 8);
  b *= 0xc2b2ae3d27d4eb4fULL;
  h = trace_hash::step(h, a ^ (b << 32 | b >> 32));
  return trace_hash::step(h, static_cast<std::uint64_t>(static_cast<std::uint32_t>(ep.ip.family)) << 32 |
                                 static_cast<std::uint32_t>(ep.port));
}

}  // namespace

std::uint64_t TcpSegment::trace_hash(std::size_t len) const {
  std::uint64_t h = endpoint_hash(endpoint_hash(trace_hash::kInitial, src), dst);
  h = trace_hash::step(h, static_cast<std::uint64_t>(len) << 8 | flags);
  if (flags & ACK) h = trace_hash::step(trace_hash::step(h, ack), window);
  return h;
}

std::string TcpSegment::describe() const { return describe(data.size()); }

std::string TcpSegment::describe(std::size_t len) const {
  std::string f;
  if (flags & SYN) f += "S";
  if (flags & FIN) f += "F";
  if (flags & RST) f += "R";
  if (flags & ACK) f += ".";
  std::string out = f + " " + src.to_string() + " > " + dst.to_string();
  if (len) out += " len " + std::to_string(len);
  if (flags & ACK) out += " ack " + std::to_string(ack) + " win " + std::to_string(window);
  return out;
}

TcpSocket::TcpSocket(Core& c, Host& h, int fam, int pro) : SimSocket(c, h, fam, SOCK_STREAM, pro) {
  opt.sndbuf = 16384;  // net.ipv4.tcp_wmem default
  opt.rcvbuf = 131072;  // net.ipv4.tcp_rmem default
  binding_.owner = this;
}

TcpSocket::~TcpSocket() = default;

namespace {

// A connection's description for the trace: "tcp 127.0.0.1:40000 > 127.0.0.1:80 ESTABLISHED".
std::uint64_t describe_hash(TcpState state, const PortBinding& local, const Endpoint& remote) {
  std::uint64_t h = trace_hash::step(trace_hash::kInitial, static_cast<std::uint64_t>(state) << 1 | local.bound);
  if (local.bound) h = endpoint_hash(h, Endpoint{local.addr, local.port});
  if (remote.ip.family) h = endpoint_hash(h, remote);
  return h;
}

std::string describe(TcpState state, const PortBinding& local, const Endpoint& remote) {
  std::string out = "tcp ";
  out += local.bound ? Endpoint{local.addr, local.port}.to_string() : std::string("unbound");
  if (remote.ip.family) out += " > " + remote.to_string();
  out += " ";
  out += to_string(state);
  return out;
}

}  // namespace

std::uint64_t TcpSocket::describe_hash() const { return sim::describe_hash(state_, binding_, remote_); }

std::string TcpSocket::describe() const { return sim::describe(state_, binding_, remote_); }

TcpState TcpSocket::state() const noexcept {
  if (time_wait_record_ends_ >= 0 && core.now() >= time_wait_record_ends_) return TcpState::CLOSED;
  return state_;
}

bool TcpSocket::connected_state() const noexcept {
  return state_ != TcpState::CLOSED && state_ != TcpState::LISTEN && state_ != TcpState::SYN_SENT;
}

// ---- transitions --------------------------------------------------------------------------------

void TcpSocket::set_state(TcpState next) {
  if (next == state_) return;
  if (core.tracing()) {
    TraceLine line = core.line("tcp");
    line.described("sock", {describe_hash()}, [this] { return describe(); });
    line.str("from", to_string(state_)).str("to", to_string(next));
    core.trace_event(line);
  }
  const TcpState prev = state_;
  state_ = next;
  if (timer_ && prev != next) {
    core.clock.cancel(*timer_);
    timer_.reset();
  }
  if (next == TcpState::ESTABLISHED) ever_connected_ = true;
  if (next == TcpState::CLOSED) {
    // Linux's tcp_done: both directions shut, the port freed unless the program chose it.
    shut_rd_ = shut_wr_ = true;
    snd_.clear();
    snd_sent_ = 0;
    if (descriptors == 0 || !port_locked_) release_port();
    if (descriptors == 0) core.let_go(this);
  }
  notify();
}

void TcpSocket::release_port() {
  if (binding_.bound) host->tcp.unbind(&binding_);
}

void TcpSocket::sync_binding() {
  binding_.reuseaddr = opt.reuseaddr;
  binding_.reuseport = opt.reuseport;
  binding_.v6only = opt.v6only;
}

void TcpSocket::options_changed() {
  sync_binding();
  // A larger receive buffer is news for a peer that saw a small window.
  if (connected_state()) window_update();
}

namespace {

// A segment's description for the trace, made only when the trace writes its lines. The packet's
// segment may have been moved into its delivery by then: its payload length is the packet's.
std::string describe_segment(const void* seg, const Packet& p) {
  return static_cast<const TcpSegment*>(seg)->describe(p.bytes);
}

// A segment on its way to the socket at the other end of its connection (held in place by the
// network: no allocation besides the payload's).
struct SegmentDelivery {
  Core* core;
  Host* dst_host;
  TcpSegment seg;
  std::weak_ptr<SimSocket> from;
  std::weak_ptr<TcpSocket> to;
  void operator()() {
    if (auto receiver = to.lock()) {
      receiver->on_segment(seg, from);
    } else if (auto sender = std::static_pointer_cast<TcpSocket>(from.lock());
               sender && dst_host && !(seg.flags & TcpSegment::RST)) {
      // No socket has this connection any more: the host answers RST.
      TcpSocket::reply_rst(*core, *dst_host, seg, sender);
    }
  }
};

}  // namespace

void TcpSocket::output(unsigned flags, Bytes data) {
  TcpSegment seg;
  seg.flags = flags;
  seg.data = std::move(data);
  seg.src = Endpoint{binding_.addr, binding_.port};
  seg.dst = remote_;
  if (flags & TcpSegment::ACK) {
    seg.ack = ack_value();
    seg.window = rcv_window();
    advertised_ = seg.window;
  }
  Packet p;
  p.from = host;
  p.bytes = seg.data.size();
  p.proto = "tcp";
  p.sender = this;
  if (core.tracing()) {
    p.what_fn = &describe_segment;
    p.what_obj = &seg;
    p.what_hash = seg.trace_hash(p.bytes);
  }
  if ((flags & TcpSegment::SYN) && !(flags & TcpSegment::ACK)) {
    p.syn = true;
    // The SYN finds its listener where it arrives.
    Host* dst = core.route(*host, remote_.ip);
    p.to = dst;
    Core* c = &core;
    std::weak_ptr<TcpSocket> from = self();
    core.transmit(p, [c, dst, seg, from] {
      if (auto client = from.lock()) TcpSocket::on_syn(*c, *dst, seg, client);
    });
    return;
  }
  auto peer = peer_.lock();
  p.to = peer ? peer->host : core.route(*host, remote_.ip);
  p.receiver = peer.get();
  Host* dst_host = p.to;
  core.transmit(p, SegmentDelivery{&core, dst_host, std::move(seg), weak_from_this(), peer_});
}

void TcpSocket::reply_rst(Core& c, Host& from_host, const TcpSegment& to_this, const std::shared_ptr<TcpSocket>& to) {
  TcpSegment rst;
  rst.flags = TcpSegment::RST;
  rst.src = to_this.dst;
  rst.dst = to_this.src;
  Packet p;
  p.from = &from_host;
  p.to = to->host;
  p.proto = "tcp";
  p.receiver = to.get();
  if (c.tracing()) {
    p.what_fn = &describe_segment;
    p.what_obj = &rst;
    p.what_hash = rst.trace_hash(0);
  }
  std::weak_ptr<TcpSocket> target = to;
  c.transmit(p, [rst, target]() mutable {
    if (auto t = target.lock()) t->on_segment(rst, std::weak_ptr<SimSocket>());
  });
}

std::size_t TcpSocket::rcv_window() const {
  const std::size_t cap = recv_capacity();
  return rcv_.size() >= cap ? 0 : cap - rcv_.size();
}

void TcpSocket::push() {
  if (state_ != TcpState::ESTABLISHED && state_ != TcpState::CLOSE_WAIT && state_ != TcpState::FIN_WAIT_1 &&
      state_ != TcpState::LAST_ACK && state_ != TcpState::CLOSING)
    return;
  for (;;) {
    const std::size_t allowed = peer_window_ > snd_sent_ ? peer_window_ - snd_sent_ : 0;
    const std::size_t unsent = snd_.size() - snd_sent_;
    const std::size_t n = std::min({allowed, unsent, kMaxSegment});
    if (n == 0) break;
    // A share of the send queue's block: a segment ends where the block's part does.
    Bytes chunk = snd_.share(snd_sent_, n);
    snd_sent_ += chunk.size();
    output(TcpSegment::ACK, std::move(chunk));
  }
  if (fin_queued_ && !fin_sent_ && snd_sent_ == snd_.size()) {
    fin_sent_ = true;
    output(TcpSegment::FIN | TcpSegment::ACK);
  }
}

void TcpSocket::window_update() {
  if (!peer_.lock() || rcv_fin_) return;
  const std::size_t cap = recv_capacity();
  if (advertised_ < std::max<std::size_t>(1, cap / 2) && rcv_window() > advertised_) send_ack();
}

void TcpSocket::process_ack(const TcpSegment& seg) {
  const std::uint64_t data_end = snd_acked_ + snd_.size();
  const std::uint64_t acked_to = std::min<std::uint64_t>(seg.ack, data_end);
  if (acked_to > snd_acked_) {
    const std::size_t n = static_cast<std::size_t>(acked_to - snd_acked_);
    snd_.consume(n);
    snd_sent_ -= std::min(n, snd_sent_);
    snd_acked_ = acked_to;
  }
  peer_window_ = seg.window;
  if (fin_sent_ && seg.ack == data_end + 1) fin_acked_ = true;
}

void TcpSocket::reset(int error, bool send_rst) {
  if (send_rst && peer_.lock()) output(TcpSegment::RST);
  if (error) so_error = error;
  rcv_fin_ = rcv_fin_ || false;
  set_state(TcpState::CLOSED);
}

void TcpSocket::enter_time_wait() {
  set_state(TcpState::TIME_WAIT);
  if (descriptors == 0 && binding_.bound) {
    // The program has closed the socket: as Linux does (tcp_time_wait), a small record keeps
    // the port for TCP_TIMEWAIT_LEN and the socket itself goes.
    Core::TimeWait tw{binding_, remote_, host, core.now() + kTimeWait};
    time_wait_record_ends_ = tw.expires;
    host->tcp.unbind(&binding_);
    tw.binding.bound = false;
    tw.binding.owner = nullptr;
    core.time_wait.push_back(std::move(tw));
    host->tcp.attach(&core.time_wait.back().binding);
    if (!core.time_wait_armed) arm_time_wait(core);
    core.let_go(this);
    return;
  }
  std::weak_ptr<TcpSocket> me = self();
  timer_ = core.clock.at(core.now() + kTimeWait, [me] {
    if (auto s = me.lock()) {
      s->timer_.reset();
      s->set_state(TcpState::CLOSED);
    }
  });
}

void TcpSocket::arm_time_wait(Core& core) {
  core.time_wait_armed = true;
  Core* c = &core;
  core.clock.at(core.time_wait.front().expires, [c] { expire_time_wait(*c); });
}

void TcpSocket::expire_time_wait(Core& core) {
  core.time_wait_armed = false;
  while (!core.time_wait.empty() && core.time_wait.front().expires <= core.now()) {
    Core::TimeWait& tw = core.time_wait.front();
    if (core.tracing()) {
      // The line the socket would have written.
      TraceLine line = core.line("tcp");
      line.described("sock", {sim::describe_hash(TcpState::TIME_WAIT, tw.binding, tw.remote)},
                     [&tw] { return sim::describe(TcpState::TIME_WAIT, tw.binding, tw.remote); });
      line.str("from", to_string(TcpState::TIME_WAIT)).str("to", to_string(TcpState::CLOSED));
      core.trace_event(line);
    }
    tw.host->tcp.unbind(&tw.binding);
    core.time_wait.pop_front();
  }
  if (!core.time_wait.empty()) arm_time_wait(core);
}

void TcpSocket::start_syn_timer() {
  std::weak_ptr<TcpSocket> me = self();
  const int attempt = syn_attempt_;
  timer_ = core.clock.at(core.now() + (kSecond << attempt), [me, attempt] {
    auto s = me.lock();
    if (!s || s->state_ != TcpState::SYN_SENT || s->syn_attempt_ != attempt) return;
    s->timer_.reset();
    if (attempt >= kSynRetries) {
      s->so_error = ETIMEDOUT;
      s->set_state(TcpState::CLOSED);
      return;
    }
    ++s->syn_attempt_;
    s->output(TcpSegment::SYN);
    s->start_syn_timer();
  });
}

// A segment arrives. One switch over the state, one case per state.
bool TcpSocket::stream_fault(const TcpSegment& seg, const std::shared_ptr<TcpSocket>& from) {
  PacketView view;
  view.from = from ? from->host : nullptr;
  view.to = host;
  view.sender = from.get();
  view.receiver = this;
  view.bytes = seg.data.size();
  const StreamVerdict v = core.faults.stream(view, rcv_total_, seg.data.size());
  if (v.cut == StreamVerdict::Cut::none) return false;
  core.trace_fired(v.fired, "stream");
  const std::size_t keep = static_cast<std::size_t>(v.keep);
  rcv_.append(seg.data.view().substr(0, keep));
  rcv_total_ += seg.data.size();
  notify();
  if (v.cut == StreamVerdict::Cut::reset) {
    // Both ends learn of it: the RST goes to the sender, this end closes with ECONNRESET after
    // the bytes that came before it are read.
    reset(ECONNRESET, true);
  } else {
    rcv_cut_ = true;
    send_ack();
  }
  return true;
}

void TcpSocket::on_segment(TcpSegment& seg, const std::weak_ptr<SimSocket>& sender) {
  const bool rst = seg.flags & TcpSegment::RST;
  // The sending socket, looked up only where it matters.
  auto from_sender = [&sender] { return std::static_pointer_cast<TcpSocket>(sender.lock()); };
  switch (state_) {
    case TcpState::CLOSED:
      // Nothing here any more: anything but a RST is answered with one.
      if (auto from = from_sender(); !rst && from) reply_rst(core, *host, seg, from);
      return;

    case TcpState::LISTEN:
      // Listeners get only SYNs, through on_syn().
      return;

    case TcpState::SYN_SENT:
      // RST: refused. SYN+ACK: the listener's host made the connection; we acknowledge it.
      if (rst) {
        reset(ECONNREFUSED, false);
        return;
      }
      if (auto from = from_sender(); (seg.flags & TcpSegment::SYN) && (seg.flags & TcpSegment::ACK) && from) {
        if (descriptors == 0) {
          // The program closed while connecting.
          reply_rst(core, *host, seg, from);
          set_state(TcpState::CLOSED);
          return;
        }
        peer_ = from;
        peer_window_ = seg.window;
        set_state(TcpState::ESTABLISHED);
        send_ack();
        push();
      }
      return;

    case TcpState::SYN_RECEIVED: {
      // The client's ACK completes the handshake: the connection joins the accept queue.
      auto listener = listener_.lock();
      if (listener) {
        auto& p = listener->pending_;
        for (auto it = p.begin(); it != p.end(); ++it)
          if (it->get() == this) {
            p.erase(it);
            break;
          }
      }
      if (rst) {
        set_state(TcpState::CLOSED);
        return;
      }
      if (!listener || listener->state_ != TcpState::LISTEN) {
        reset(0, true);
        return;
      }
      process_ack(seg);
      set_state(TcpState::ESTABLISHED);
      listener->accept_queue_.push_back(self());
      listener->notify();
      break;  // the segment may carry more
    }

    case TcpState::ESTABLISHED:
    case TcpState::FIN_WAIT_1:
    case TcpState::FIN_WAIT_2:
    case TcpState::CLOSE_WAIT:
    case TcpState::CLOSING:
    case TcpState::LAST_ACK:
    case TcpState::TIME_WAIT:
      if (rst) {
        // tcp_reset: ECONNRESET, but EPIPE once the peer had closed its side; nothing to
        // report once we had closed ours.
        int err = 0;
        if (state_ == TcpState::ESTABLISHED || state_ == TcpState::FIN_WAIT_1 || state_ == TcpState::FIN_WAIT_2)
          err = ECONNRESET;
        else if (state_ == TcpState::CLOSE_WAIT)
          err = EPIPE;
        reset(err, false);
        return;
      }
      break;
  }

  // Synchronized states: acknowledgement, data, FIN.
  if (seg.flags & TcpSegment::ACK) process_ack(seg);
  bool need_ack = false;

  if (!seg.data.empty()) {
    const bool after_close = (state_ == TcpState::FIN_WAIT_1 || state_ == TcpState::FIN_WAIT_2) && shut_rd_;
    if (after_close || state_ == TcpState::TIME_WAIT || rcv_fin_) {
      // Data for a program that will never read it (Linux: tcp_rcv_state_process, "data after
      // close"): reset the connection.
      reset(0, true);
      return;
    }
    if (rcv_cut_) {
      // The stream was ended by a fault (fin_after): what follows is acknowledged and lost.
      rcv_total_ += seg.data.size();
      send_ack();
      return;
    }
    if (!core.faults.empty() && stream_fault(seg, from_sender())) return;
    rcv_total_ += seg.data.size();
    rcv_.append(std::move(seg.data));  // the payload's bytes are taken over, not copied
    need_ack = true;
  }

  if ((seg.flags & TcpSegment::FIN) && !rcv_fin_) {
    rcv_fin_ = true;
    need_ack = true;
  }

  // Transitions on what the segment told.
  switch (state_) {
    case TcpState::ESTABLISHED:
      // Their FIN: we may still send (CLOSE_WAIT).
      if (rcv_fin_) set_state(TcpState::CLOSE_WAIT);
      break;
    case TcpState::FIN_WAIT_1:
      // Our FIN acknowledged -> FIN_WAIT_2; their FIN too -> TIME_WAIT; only theirs -> CLOSING.
      if (fin_acked_ && rcv_fin_) {
        if (need_ack) send_ack();
        need_ack = false;
        enter_time_wait();
      } else if (fin_acked_) {
        set_state(TcpState::FIN_WAIT_2);
        if (descriptors == 0) {
          std::weak_ptr<TcpSocket> me = self();
          timer_ = core.clock.at(core.now() + kFinTimeout, [me] {
            if (auto s = me.lock()) {
              s->timer_.reset();
              s->set_state(TcpState::CLOSED);
            }
          });
        }
      } else if (rcv_fin_) {
        set_state(TcpState::CLOSING);
      }
      break;
    case TcpState::FIN_WAIT_2:
      // Their FIN -> TIME_WAIT (we closed first: we keep the port 60 s).
      if (rcv_fin_) {
        if (need_ack) send_ack();
        need_ack = false;
        enter_time_wait();
      }
      break;
    case TcpState::CLOSING:
      // Our FIN acknowledged -> TIME_WAIT.
      if (fin_acked_) enter_time_wait();
      break;
    case TcpState::LAST_ACK:
      // Our FIN acknowledged: done.
      if (fin_acked_) {
        set_state(TcpState::CLOSED);
        return;
      }
      break;
    default:
      break;
  }
  if (need_ack) send_ack();
  push();
  notify();
}

void TcpSocket::on_syn(Core& core, Host& host, const TcpSegment& seg, const std::shared_ptr<TcpSocket>& client) {
  PortBinding* b = host.tcp.find_listener(seg.dst.ip, seg.dst.port);
  auto* listener = b ? static_cast<TcpSocket*>(b->owner) : nullptr;
  if (!listener) {
    reply_rst(core, host, seg, client);
    return;
  }
  if (listener->accept_queue_.size() + listener->pending_.size() > static_cast<std::size_t>(listener->backlog_)) {
    // Accept queue full: Linux drops the SYN; the client will try again.
    TraceLine line = core.line("drop");
    line.str("why", "accept queue full").described("pkt", {seg.trace_hash(seg.data.size())}, [&seg] { return seg.describe(); });
    core.trace_event(line);
    return;
  }
  auto child = std::make_shared<TcpSocket>(core, host, listener->family, listener->proto);
  child->opt = listener->opt;
  child->opt.other = listener->opt.other;
  // The connection's local address is the one the SYN was sent to, in the listener's family.
  Ip local = seg.dst.ip;
  Ip remote = seg.src.ip;
  if (listener->family == AF_INET6) {
    local = local.family == AF_INET ? local.mapped() : local;
    remote = remote.family == AF_INET ? remote.mapped() : remote;
  } else {
    local = local.unmapped();
    remote = remote.unmapped();
  }
  child->binding_.addr = local;
  child->binding_.port = listener->binding_.port;
  child->sync_binding();
  host.tcp.attach(&child->binding_);
  child->remote_ = Endpoint{remote, seg.src.port};
  child->listener_ = listener->self();
  child->peer_ = client;
  child->peer_window_ = seg.window;
  child->state_ = TcpState::SYN_RECEIVED;
  listener->pending_.push_back(child);
  {
    TraceLine line = core.line("tcp");
    line.described("sock", {child->describe_hash()}, [&child] { return child->describe(); });
    line.str("from", "LISTEN").str("to", "SYN_RECEIVED");
    core.trace_event(line);
  }
  child->output(TcpSegment::SYN | TcpSegment::ACK);
}

// ---- the program's calls ------------------------------------------------------------------------

void TcpSocket::bind(const Address& address, std::error_code& ec) {
  Endpoint ep;
  if (!resolve(address, ep, ec)) return;
  if (state_ != TcpState::CLOSED || binding_.bound) {
    ec = errno_code(EINVAL);
    return;
  }
  if (family == AF_INET6 && ep.ip.is_v4_mapped() && opt.v6only) {
    ec = errno_code(EINVAL);
    return;
  }
  if (!host->can_bind(ep.ip)) {
    ec = errno_code(EADDRNOTAVAIL);
    return;
  }
  binding_.addr = ep.ip;
  binding_.port = ep.port;
  sync_binding();
  if (int err = host->tcp.bind(&binding_, core.rng, PortTable::Ephemeral::bind)) {
    binding_.port = 0;
    ec = errno_code(err);
    return;
  }
  port_locked_ = ep.port != 0;
}

void TcpSocket::listen(int backlog, std::error_code& ec) {
  if (state_ != TcpState::CLOSED && state_ != TcpState::LISTEN) {
    ec = errno_code(EINVAL);
    return;
  }
  // Linux: (unsigned) backlog, at most net.core.somaxconn.
  const unsigned b = static_cast<unsigned>(backlog);
  backlog_ = static_cast<int>(std::min(b, 4096u));
  if (state_ == TcpState::LISTEN) return;
  if (!binding_.bound) {
    binding_.addr = Ip::any(family);
    binding_.port = 0;
    sync_binding();
    if (host->tcp.bind(&binding_, core.rng, PortTable::Ephemeral::bind)) {
      ec = errno_code(EAGAIN);
      return;
    }
  }
  if (int err = host->tcp.check_listen(&binding_)) {
    ec = errno_code(err);
    return;
  }
  host->tcp.set_listening(&binding_, true);
  set_state(TcpState::LISTEN);
}

std::shared_ptr<SimSocket> TcpSocket::accept(Address& peer, Io& io, std::error_code& ec) {
  for (;;) {
    if (state_ != TcpState::LISTEN) {
      ec = errno_code(EINVAL);
      return nullptr;
    }
    if (!accept_queue_.empty()) {
      auto child = accept_queue_.front();
      accept_queue_.pop_front();
      child->listener_.reset();
      peer = child->to_address(child->remote_);
      return child;
    }
    if (!wait(io, ec)) return nullptr;
  }
}

void TcpSocket::connect(const Address& address, Io& io, std::error_code& ec) {
  Endpoint ep;
  if (!resolve(address, ep, ec)) return;
  switch (state_) {
    case TcpState::LISTEN:
      ec = errno_code(EISCONN);
      return;
    case TcpState::SYN_SENT:
    case TcpState::SYN_RECEIVED:
      if (io.nonblocking || io.deadline) {
        ec = errno_code(EALREADY);
        return;
      }
      break;  // blocking: wait for the outcome below
    case TcpState::CLOSED:
      if (connect_unreported_) {
        // A non-blocking connect failed: connect() tells it once (ECONNABORTED when SO_ERROR
        // already took the reason), then may start anew.
        connect_unreported_ = false;
        ec = errno_code(so_error ? std::exchange(so_error, 0) : ECONNABORTED);
        return;
      }
      {
        // Start the handshake.
        Ip dst = ep.ip;
        if (family == AF_INET6 && dst.is_v4_mapped() && opt.v6only) {
          ec = errno_code(ENETUNREACH);
          return;
        }
        if (family == AF_INET6 && dst.is_any()) dst = *Ip::parse(AF_INET6, "::1");
        if (family == AF_INET && dst.is_any()) dst = *Ip::parse(AF_INET, "127.0.0.1");
        Ip src = host->source_for(dst);
        if (family == AF_INET6 && src.family == AF_INET) src = src.mapped();
        if (!binding_.bound) {
          binding_.addr = src;
          binding_.port = 0;
          sync_binding();
          if (int err = host->tcp.bind(&binding_, core.rng, PortTable::Ephemeral::connect)) {
            ec = errno_code(err);
            return;
          }
        } else if (binding_.addr.unmapped().is_any()) {
          binding_.addr = src;
        }
        remote_ = Endpoint{dst, ep.port};
        syn_attempt_ = 0;
        shut_rd_ = shut_wr_ = false;
        so_error = 0;
        set_state(TcpState::SYN_SENT);
        output(TcpSegment::SYN);
        start_syn_timer();
        connect_unreported_ = true;
        if (io.nonblocking) {
          ec = errno_code(EINPROGRESS);
          return;
        }
      }
      break;
    default:
      // Connected. A non-blocking connect that completed is told once as success.
      if (connect_unreported_) {
        connect_unreported_ = false;
        return;
      }
      ec = errno_code(EISCONN);
      return;
  }
  // Wait for the handshake's outcome.
  while (state_ == TcpState::SYN_SENT) {
    if (!wait(io, ec)) {
      if (ec == std::error_code(errno_code(EAGAIN))) ec = errno_code(EINPROGRESS);
      return;
    }
  }
  connect_unreported_ = false;
  if (state_ == TcpState::CLOSED) {
    ec = errno_code(so_error ? std::exchange(so_error, 0) : ECONNREFUSED);
  }
}

Address TcpSocket::getpeername(std::error_code& ec) {
  if (!connected_state() || !remote_.ip.family) {
    ec = errno_code(ENOTCONN);
    return {};
  }
  return to_address(remote_);
}

Address TcpSocket::getsockname(std::error_code&) {
  if (!binding_.bound) return to_address(Endpoint{Ip::any(family), 0});
  return to_address(Endpoint{binding_.addr, binding_.port});
}

std::size_t TcpSocket::recv(std::span<char> buffer, int flags, Address* from, Io& io, std::error_code& ec) {
  if (state_ == TcpState::LISTEN) {
    ec = errno_code(ENOTCONN);
    return 0;
  }
  if (flags & MSG_OOB) {
    ec = errno_code(EINVAL);  // no urgent data is ever pending
    return 0;
  }
  std::size_t got = 0;
  for (;;) {
    if (!rcv_.empty() && buffer.empty()) return 0;  // recv(0) with data: nothing taken
    if (!rcv_.empty() && got < buffer.size()) {
      std::size_t n;
      if (flags & MSG_TRUNC) {
        n = std::min(buffer.size() - got, rcv_.size());  // Linux discards the bytes
      } else {
        n = rcv_.copy(buffer.subspan(got), (flags & MSG_PEEK) ? got : 0);
      }
      if (!(flags & MSG_PEEK)) {
        rcv_.consume(n);
        window_update();
      }
      got += n;
      if (!(flags & MSG_WAITALL) || got == buffer.size() || (flags & MSG_PEEK)) break;
      continue;
    }
    if (got > 0 && (got == buffer.size() || !(flags & MSG_WAITALL))) break;
    if (rcv_fin_ || rcv_cut_) break;  // end of stream
    if (so_error) {
      if (got) break;
      ec = errno_code(std::exchange(so_error, 0));
      return 0;
    }
    if (shut_rd_) break;
    if (state_ == TcpState::CLOSED) {
      if (got) break;
      ec = errno_code(ENOTCONN);
      return 0;
    }
    if (!wait(io, ec)) {
      if (got) {
        ec.clear();
        break;
      }
      return 0;
    }
  }
  if (from) *from = Address();  // a connected stream reports no address (msg_namelen 0)
  return got;
}

std::size_t TcpSocket::send(std::string_view data, int, const Address* to, Io& io, std::error_code& ec) {
  if (to) {
    // sendto on a stream socket: Linux ignores the address once connected, and says EPIPE
    // (or EISCONN-free silence) otherwise.
    Endpoint ep;
    if (!resolve(*to, ep, ec)) return 0;
  }
  const bool blocking = !io.nonblocking && !io.deadline;
  std::size_t total = 0;
  for (;;) {
    if (so_error) {
      if (total) return total;
      ec = errno_code(std::exchange(so_error, 0));
      return 0;
    }
    if (shut_wr_) {
      if (total) return total;
      ec = errno_code(EPIPE);
      return 0;
    }
    bool can_write = state_ == TcpState::ESTABLISHED || state_ == TcpState::CLOSE_WAIT;
    bool connecting = state_ == TcpState::SYN_SENT || state_ == TcpState::SYN_RECEIVED;
    if (!can_write && !connecting) {
      if (total) return total;
      ec = errno_code(EPIPE);
      return 0;
    }
    if (can_write) {
      const std::size_t cap = send_capacity();
      const std::size_t room = cap > snd_.size() ? cap - snd_.size() : 0;
      if (room > 0 && total < data.size()) {
        const std::size_t n = std::min(room, data.size() - total);
        snd_.append(data.substr(total, n));
        total += n;
        push();  // delivered after the call (Linux processes the ACKs when the call ends)
        if (total == data.size()) return total;
        continue;
      }
      if (data.empty()) return 0;
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

void TcpSocket::shutdown(int how, std::error_code& ec) {
  const bool rd = how == SHUT_RD || how == SHUT_RDWR;
  const bool wr = how == SHUT_WR || how == SHUT_RDWR;
  switch (state_) {
    case TcpState::CLOSED:
      // inet_shutdown: ENOTCONN, yet the flags are set ("to wake up other listeners").
      shut_rd_ = shut_rd_ || rd;
      shut_wr_ = shut_wr_ || wr;
      ec = errno_code(ENOTCONN);
      notify();
      return;
    case TcpState::LISTEN:
      if (rd) {
        stop_listening();
        set_state(TcpState::CLOSED);
      }
      return;
    case TcpState::SYN_SENT:
      set_state(TcpState::CLOSED);
      return;
    default:
      break;
  }
  shut_rd_ = shut_rd_ || rd;
  if (wr && !shut_wr_) {
    shut_wr_ = true;
    if (state_ == TcpState::ESTABLISHED || state_ == TcpState::SYN_RECEIVED) {
      fin_queued_ = true;
      set_state(TcpState::FIN_WAIT_1);
      push();
    } else if (state_ == TcpState::CLOSE_WAIT) {
      fin_queued_ = true;
      set_state(TcpState::LAST_ACK);
      push();
    }
  }
  notify();
}

short TcpSocket::poll() const {
  // tcp_poll.
  if (state_ == TcpState::LISTEN) return accept_queue_.empty() ? 0 : POLL_IN;
  short mask = 0;
  if ((shut_rd_ && shut_wr_) || state_ == TcpState::CLOSED) mask |= POLL_HUP;
  if (shut_rd_ || rcv_fin_ || rcv_cut_) mask |= POLL_IN;
  if (state_ != TcpState::SYN_SENT && state_ != TcpState::SYN_RECEIVED) {
    if (!rcv_.empty()) mask |= POLL_IN;
    if (!shut_wr_) {
      // sk_stream_is_writeable: free room at least half of what is queued.
      const std::size_t cap = send_capacity();
      const std::size_t room = cap > snd_.size() ? cap - snd_.size() : 0;
      if (room > 0 && room >= snd_.size() / 2 &&
          (state_ == TcpState::ESTABLISHED || state_ == TcpState::CLOSE_WAIT || state_ == TcpState::CLOSED))
        mask |= POLL_OUT;
    } else {
      mask |= POLL_OUT;
    }
  }
  if (so_error) mask |= POLL_ERR;
  return mask;
}

void TcpSocket::stop_listening() {
  auto children = std::move(pending_);
  pending_.clear();
  for (auto& c : accept_queue_) children.push_back(c);
  accept_queue_.clear();
  for (auto& c : children) c->reset(0, true);
  host->tcp.set_listening(&binding_, false);
}

void TcpSocket::close() {
  auto keep_alive = self();  // the protocol may drop its last reference below
  switch (state_) {
    case TcpState::CLOSED:
      release_port();
      return;
    case TcpState::SYN_SENT:
      set_state(TcpState::CLOSED);
      release_port();
      return;
    case TcpState::LISTEN:
      stop_listening();
      set_state(TcpState::CLOSED);
      release_port();
      return;
    default:
      break;
  }
  // tcp_close: unread data, or SO_LINGER {1, 0}, aborts with RST; else a FIN goes after the data.
  const bool unread = !rcv_.empty();
  const bool abortive = opt.linger_on && opt.linger_secs == 0;
  shut_rd_ = shut_wr_ = true;
  if (unread || abortive) {
    if (state_ == TcpState::TIME_WAIT || state_ == TcpState::LAST_ACK || state_ == TcpState::CLOSING) {
      set_state(TcpState::CLOSED);
    } else {
      reset(0, true);
    }
    release_port();
    return;
  }
  core.keep(keep_alive);
  switch (state_) {
    case TcpState::ESTABLISHED:
    case TcpState::SYN_RECEIVED:
      fin_queued_ = true;
      set_state(TcpState::FIN_WAIT_1);
      push();
      break;
    case TcpState::CLOSE_WAIT:
      fin_queued_ = true;
      set_state(TcpState::LAST_ACK);
      push();
      break;
    case TcpState::FIN_WAIT_2: {
      std::weak_ptr<TcpSocket> me = keep_alive;
      timer_ = core.clock.at(core.now() + kFinTimeout, [me] {
        if (auto s = me.lock()) {
          s->timer_.reset();
          s->set_state(TcpState::CLOSED);
        }
      });
      break;
    }
    default:
      break;  // FIN_WAIT_1, CLOSING, LAST_ACK, TIME_WAIT go on by themselves
  }
}

}  // namespace socksim::sim
