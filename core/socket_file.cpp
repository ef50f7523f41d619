// SocketFile: the file object of makefile(), as the seed's socket._fileobject: buffered reads and
// writes over the socket's recv and sendall, readable and writable whatever the mode.
#include <cerrno>
#include <cstring>
#include <vector>

#include "socksim/errors.hpp"
#include "socksim/socket.hpp"

namespace socksim {

namespace {
constexpr std::size_t kDefaultBufferSize = 8192;  // the seed's _fileobject.default_bufsize
}

class SocketFile::Buf final : public std::streambuf {
 public:
  Buf(std::shared_ptr<SocketImpl> sock, int bufsize) : sock_(std::move(sock)) {
    // Reads always go through a buffer; bufsize governs writes: 0 unbuffered, 1 line-buffered.
    in_.resize(bufsize > 1 ? static_cast<std::size_t>(bufsize) : kDefaultBufferSize);
    line_buffered_ = bufsize == 1;
    if (bufsize != 0) out_.resize(bufsize > 1 ? static_cast<std::size_t>(bufsize) : kDefaultBufferSize);
    setg(in_.data(), in_.data(), in_.data());
    if (!out_.empty()) setp(out_.data(), out_.data() + out_.size());
  }

  bool open() const noexcept { return sock_ != nullptr; }
  const std::error_code& error() const noexcept { return error_; }
  void clear_error() noexcept { error_.clear(); }

  // Bytes buffered and not yet read.
  std::string_view available() const noexcept {
    return {gptr(), static_cast<std::size_t>(egptr() - gptr())};
  }
  void consume(std::size_t n) noexcept { gbump(static_cast<int>(n)); }

  // Refills the read buffer from the socket; false at EOF or on error (error() tells which).
  bool fill() {
    if (!sock_) {
      error_ = errno_code(EBADF);
      return false;
    }
    const std::size_t n = sock_->recv_into(std::span<char>(in_.data(), in_.size()), 0, nullptr, error_);
    if (error_ || n == 0) return false;
    setg(in_.data(), in_.data(), in_.data() + std::min(n, in_.size()));
    return true;
  }

  // Sends what is buffered for writing; false on error.
  bool flush_out() {
    const std::size_t pending = out_.empty() ? 0 : static_cast<std::size_t>(pptr() - pbase());
    if (pending == 0) return true;
    if (!sock_) {
      error_ = errno_code(EBADF);
      return false;
    }
    sock_->sendall(std::string_view(pbase(), pending), 0, error_);
    if (error_) return false;
    setp(out_.data(), out_.data() + out_.size());
    return true;
  }

  bool write_all(std::string_view data) {
    if (!sock_) {
      error_ = errno_code(EBADF);
      return false;
    }
    if (out_.empty()) {  // unbuffered
      sock_->sendall(data, 0, error_);
      return !error_;
    }
    if (static_cast<std::streamsize>(data.size()) != xsputn(data.data(), static_cast<std::streamsize>(data.size())))
      return false;
    return true;
  }

  void release() noexcept { sock_.reset(); }

 protected:
  int_type underflow() override {
    if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
    return fill() ? traits_type::to_int_type(*gptr()) : traits_type::eof();
  }

  int_type overflow(int_type ch) override {
    if (out_.empty()) {  // unbuffered
      if (traits_type::eq_int_type(ch, traits_type::eof())) return traits_type::not_eof(ch);
      const char c = traits_type::to_char_type(ch);
      if (!sock_) {
        error_ = errno_code(EBADF);
        return traits_type::eof();
      }
      sock_->sendall(std::string_view(&c, 1), 0, error_);
      return error_ ? traits_type::eof() : ch;
    }
    if (!flush_out()) return traits_type::eof();
    if (!traits_type::eq_int_type(ch, traits_type::eof())) {
      *pptr() = traits_type::to_char_type(ch);
      pbump(1);
    }
    return traits_type::not_eof(ch);
  }

  std::streamsize xsputn(const char* s, std::streamsize n) override {
    const std::streamsize written = std::streambuf::xsputn(s, n);
    if (line_buffered_ && written > 0 && std::memchr(s, '\n', static_cast<std::size_t>(written)) != nullptr &&
        !flush_out())
      return 0;
    return written;
  }

  int sync() override { return flush_out() ? 0 : -1; }

 private:
  std::shared_ptr<SocketImpl> sock_;
  std::vector<char> in_;
  std::vector<char> out_;  // empty: unbuffered writes
  bool line_buffered_ = false;
  std::error_code error_;
};

SocketFile::SocketFile(std::shared_ptr<SocketImpl> impl, std::string mode, int bufsize)
    : std::iostream(nullptr), buf_(std::make_unique<Buf>(std::move(impl), bufsize)), mode_(std::move(mode)) {
  rdbuf(buf_.get());
}

SocketFile::~SocketFile() {
  // As the seed's file object: closing flushes; errors on the way out are dropped. So is what a
  // backend throws to end the task the flush runs in (a simulated task unwinding as its network
  // goes throws again from any wait): out of a destructor, it would end the process.
  try {
    if (buf_->open()) (void)buf_->flush_out();
  } catch (...) {
  }
}

namespace {
// Reads up to `size` bytes (all, when negative) from `buf`, stopping after a '\n' when
// `line` is set; fewer only at EOF or on an error, which `buf.error()` then tells.
template <typename Buf>
std::string read_from(Buf& buf, long long size, bool line) {
  std::string out;
  while (size < 0 || out.size() < static_cast<std::size_t>(size)) {
    auto avail = buf.available();
    if (avail.empty()) {
      if (!buf.fill()) break;
      continue;
    }
    std::size_t take = avail.size();
    if (size >= 0) take = std::min(take, static_cast<std::size_t>(size) - out.size());
    const auto nl = line ? avail.substr(0, take).find('\n') : std::string_view::npos;
    if (nl != std::string_view::npos) take = nl + 1;
    out.append(avail.substr(0, take));
    buf.consume(take);
    if (nl != std::string_view::npos) break;
  }
  return out;
}
}  // namespace

std::string SocketFile::read(long long size, std::error_code& ec) {
  buf_->clear_error();
  std::string out = read_from(*buf_, size, false);
  ec = buf_->error();
  if (ec) setstate(std::ios::badbit);
  return out;
}

std::string SocketFile::readline(long long size, std::error_code& ec) {
  buf_->clear_error();
  std::string out = read_from(*buf_, size, true);
  ec = buf_->error();
  if (ec) setstate(std::ios::badbit);
  return out;
}

void SocketFile::write(std::string_view data, std::error_code& ec) {
  ec.clear();
  buf_->clear_error();
  if (!buf_->write_all(data)) ec = buf_->error() ? buf_->error() : errno_code(EIO);
  if (ec) setstate(std::ios::badbit);
}

void SocketFile::flush(std::error_code& ec) {
  ec.clear();
  buf_->clear_error();
  if (!buf_->flush_out()) ec = buf_->error();
  if (ec) setstate(std::ios::badbit);
}

void SocketFile::close(std::error_code& ec) {
  ec.clear();
  if (!buf_->open()) return;  // closing twice is fine, as for the seed's file object
  flush(ec);
  buf_->release();
}

bool SocketFile::closed() const noexcept { return !buf_->open(); }

std::error_code SocketFile::error() const noexcept { return buf_->error(); }

std::string SocketFile::read(long long size) {
  std::error_code ec;
  auto out = read(size, ec);
  throw_error(ec, "read");
  return out;
}

std::string SocketFile::readline(long long size) {
  std::error_code ec;
  auto out = readline(size, ec);
  throw_error(ec, "readline");
  return out;
}

void SocketFile::write(std::string_view data) {
  std::error_code ec;
  write(data, ec);
  throw_error(ec, "write");
}

void SocketFile::close() {
  std::error_code ec;
  close(ec);
  throw_error(ec, "close");
}

}  // namespace socksim
