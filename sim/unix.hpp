// sim/unix.hpp - AF_UNIX sockets: stream, seqpacket and datagram (net/unix/af_unix.c).
//
// A connection is made at once by connect() (the listener's side waits in its accept queue);
// data goes straight into the peer's receive queue as messages, charged to the sender's
// SO_SNDBUF by their truesize until the peer reads them (unix_wmem). A stream reader takes bytes
// across message boundaries; seqpacket and datagram readers take one message a call, the rest
// of a longer message being lost.
#pragma once

#include <deque>
#include <memory>
#include <string>

#include "socket.hpp"

namespace socksim::sim {

inline constexpr std::size_t kMaxDgramQlen = 512;  // net.unix.max_dgram_qlen

class UnixSocket final : public SimSocket {
 public:
  UnixSocket(Core& core, Host& host, int type, int proto);
  ~UnixSocket() override;

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
  bool listening() const override { return listening_; }
  bool bound() const override { return bound_; }

  // socketpair(): two sockets connected to each other.
  static void pair(const std::shared_ptr<UnixSocket>& a, const std::shared_ptr<UnixSocket>& b);

 private:
  struct Message {
    std::string data;
    std::size_t read = 0;            // bytes of it a stream reader already took
    std::string from;                // the sender's name (datagrams)
    std::size_t truesize = 0;
    std::weak_ptr<UnixSocket> sender;  // charged for it until it is read
  };
  std::shared_ptr<UnixSocket> self() { return std::static_pointer_cast<UnixSocket>(shared_from_this()); }
  bool stream_like() const noexcept { return type != SOCK_DGRAM; }
  // Puts `data` in `to`'s queue, charged to this socket.
  void enqueue(UnixSocket& to, std::string data);
  void consumed(Message& m);
  std::size_t send_stream(std::string_view data, Io& io, std::error_code& ec);
  std::size_t send_dgram(std::string_view data, const std::string* to_name, Io& io, std::error_code& ec);
  bool sndbuf_full() const;
  void disconnect_peer(bool unread);

  std::string name_;  // bound name ("" unbound; abstract names start with '\0')
  bool bound_ = false;
  bool listening_ = false;
  bool connected_ = false;  // stream/seqpacket: connected once; dgram: has a default peer
  std::weak_ptr<UnixSocket> peer_;
  std::string peer_name_;
  int backlog_ = 0;
  std::deque<std::shared_ptr<UnixSocket>> accept_queue_;
  std::deque<Message> queue_;
  std::size_t wmem_ = 0;  // truesize of what this socket sent and its peers have not read
  bool shut_rd_ = false;
  bool shut_wr_ = false;
};

}  // namespace socksim::sim
