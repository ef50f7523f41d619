// sim/tcp.hpp - the TCP state machine (RFC 793 states, Linux's choices where the RFC leaves
// room: net/ipv4/tcp_input.c tcp_rcv_state_process, tcp.c tcp_close/tcp_shutdown).
//
// The model: segments travel through Core::transmit (so links delay them, in order); the byte
// stream has no sequence numbers on the wire because links never reorder or lose TCP segments
// (a future fault rule that does will add them). A connection's two ends point at each other
// once the handshake is done; the SYN finds the listener through the destination host's port
// table. Every transition is in on_segment() (segments) or in the app calls below, and goes
// through set_state(), which traces it.
#pragma once

#include <deque>
#include <memory>
#include <optional>
#include <string>

#include "byte_queue.hpp"
#include "clock.hpp"
#include "port_table.hpp"
#include "socket.hpp"

namespace socksim::sim {

enum class TcpState {
  CLOSED,
  LISTEN,
  SYN_SENT,
  SYN_RECEIVED,
  ESTABLISHED,
  FIN_WAIT_1,
  FIN_WAIT_2,
  CLOSE_WAIT,
  CLOSING,
  LAST_ACK,
  TIME_WAIT,
};
const char* to_string(TcpState state) noexcept;

inline constexpr Nanos kTimeWait = 60 * kSecond;     // TCP_TIMEWAIT_LEN
inline constexpr Nanos kFinTimeout = 60 * kSecond;   // net.ipv4.tcp_fin_timeout (orphan FIN_WAIT_2)
inline constexpr int kSynRetries = 6;                // net.ipv4.tcp_syn_retries: 1+2+...+64 = 127 s
inline constexpr std::size_t kMaxSegment = 65483;    // loopback MSS

struct TcpSegment {
  enum Flag : unsigned { SYN = 1, ACK = 2, FIN = 4, RST = 8 };
  unsigned flags = 0;
  Bytes data;             // the payload: a share of the sender's send queue
  std::uint64_t ack = 0;    // with ACK: bytes of the receiver's stream received (+1 for its FIN)
  std::size_t window = 0;   // with ACK: room left in the sender's receive buffer
  Endpoint src;             // for the trace, and the SYN's way to the listener
  Endpoint dst;
  std::string describe() const;
  // With a payload of `len` bytes (what the segment had before its payload was moved on).
  std::string describe(std::size_t len) const;
  // Stands for describe(len) in the trace hash.
  std::uint64_t trace_hash(std::size_t len) const;
};

class TcpSocket final : public SimSocket {
 public:
  TcpSocket(Core& core, Host& host, int family, int proto);
  ~TcpSocket() override;

  std::shared_ptr<SimSocket> accept(Address& peer, Io& io, std::error_code& ec) override;
  void bind(const Address& address, std::error_code& ec) override;
  void connect(const Address& address, Io& io, std::error_code& ec) override;
  Address getpeername(std::error_code& ec) override;
  Address getsockname(std::error_code& ec) override;
  void listen(int backlog, std::error_code& ec) override;
  std::size_t recv(std::span<char> buffer, int flags, Address* from, Io& io, std::error_code& ec) override;
  std::size_t send(std::string_view data, int flags, const Address* to, Io& io, std::error_code& ec) override;
  void shutdown(int how, std::error_code& ec) override;
  short poll() const override;
  void close() override;
  std::string describe() const override;
  std::uint64_t describe_hash() const;  // stands for describe() in the trace hash
  bool listening() const override { return state_ == TcpState::LISTEN; }
  bool bound() const override { return binding_.bound; }

  // The connection's state. A socket whose TIME_WAIT went on as a record (Core::time_wait) is
  // no longer told of anything, but whoever still holds it sees the record's end too.
  TcpState state() const noexcept;
  std::size_t unread() const noexcept { return rcv_.size(); }
  std::size_t unacked() const noexcept { return snd_.size(); }
  std::size_t accept_queue_size() const noexcept { return accept_queue_.size(); }

  // A segment arrives from the other end (`sender`: the socket that sent it, if it still exists).
  // The segment's payload may be taken over (moved into the receive buffer).
  void on_segment(TcpSegment& seg, const std::weak_ptr<SimSocket>& sender);
  // A SYN arrives at `host` for seg.dst: a listener there makes a connection, else RST.
  static void on_syn(Core& core, Host& host, const TcpSegment& seg, const std::shared_ptr<TcpSocket>& client);
  // The host `from_host` answers `to_this` with RST (no socket has its connection).
  static void reply_rst(Core& core, Host& from_host, const TcpSegment& to_this, const std::shared_ptr<TcpSocket>& to);

 protected:
  void options_changed() override;

 private:
  std::shared_ptr<TcpSocket> self() { return std::static_pointer_cast<TcpSocket>(SimSocket::shared_from_this()); }
  void set_state(TcpState next);
  // Sends a segment to the peer (or, for a SYN, to remote_).
  void output(unsigned flags, Bytes data = {});

  // Transmits what the peer's window allows, then a queued FIN.
  void push();
  void send_ack() { output(TcpSegment::ACK); }
  // After the app read: tell a peer that saw a small window that there is room again.
  void window_update();
  std::size_t rcv_window() const;
  std::uint64_t ack_value() const noexcept { return rcv_total_ + (rcv_fin_ ? 1 : 0); }
  void process_ack(const TcpSegment& seg);
  // The stream fault rules on data arriving: true when one cut the stream here (the segment is
  // dealt with).
  bool stream_fault(const TcpSegment& seg, const std::shared_ptr<TcpSocket>& from);
  // Sends RST (when `send_rst`) and goes to CLOSED with `error` pending (0: none).
  void reset(int error, bool send_rst);
  void stop_listening();
  void enter_time_wait();
  // The timer of the TIME_WAIT records (Core::time_wait) the sockets that went left behind.
  static void arm_time_wait(Core& core);
  static void expire_time_wait(Core& core);
  void start_syn_timer();
  bool connected_state() const noexcept;
  void release_port();
  void sync_binding();

  TcpState state_ = TcpState::CLOSED;
  PortBinding binding_;          // local address and port while bound
  bool port_locked_ = false;     // the program chose the port (kept when the connection ends)
  Endpoint remote_;
  std::weak_ptr<TcpSocket> peer_;      // the other end, once it answered
  std::weak_ptr<TcpSocket> listener_;  // for a connection not yet accepted
  bool ever_connected_ = false;
  bool connect_unreported_ = false;    // a connect() in progress whose outcome connect() has not told
  int syn_attempt_ = 0;
  std::optional<Clock::TimerId> timer_;  // SYN retry, TIME_WAIT or FIN_WAIT_2 expiry
  Nanos time_wait_record_ends_ = -1;     // its TIME_WAIT went on as a record that ends then

  // Listener: connections in the handshake, and established ones awaiting accept().
  int backlog_ = 0;
  std::deque<std::shared_ptr<TcpSocket>> pending_;
  std::deque<std::shared_ptr<TcpSocket>> accept_queue_;

  // Sending: snd_ holds what the program wrote and the peer has not acknowledged; the first
  // snd_sent_ bytes of it are on their way. peer_window_ is the room the peer advertised, counted
  // from the first byte of snd_.
  ByteQueue snd_;
  std::size_t snd_sent_ = 0;
  std::uint64_t snd_acked_ = 0;   // bytes acknowledged so far
  std::size_t peer_window_ = 0;
  bool fin_queued_ = false;       // the program is done writing (close or SHUT_WR)
  bool fin_sent_ = false;
  bool fin_acked_ = false;

  // Receiving: rcv_ holds what arrived and the program has not read.
  ByteQueue rcv_;
  std::uint64_t rcv_total_ = 0;   // bytes received so far
  bool rcv_fin_ = false;          // the peer's FIN arrived (after all its data)
  bool rcv_cut_ = false;          // a fin_after fault ended the stream here
  std::size_t advertised_ = 0;    // the window last told to the peer

  bool shut_rd_ = false;  // Linux's sk_shutdown & RCV_SHUTDOWN
  bool shut_wr_ = false;  // Linux's sk_shutdown & SEND_SHUTDOWN
};

}  // namespace socksim::sim
