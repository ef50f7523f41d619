// makefile(): the file object over a socket - read, readline, write, flush, close - and its
// std::iostream face.
#include <cerrno>
#include <string>

#include "conformance.hpp"

namespace socksim::conformance {

TEST_P(MakefileTest, ReadlineAndRead) {
  auto [c, s] = tcp_pair();
  c.sendall("line one\nline two\nthe rest");
  c.shutdown(SHUT_WR);
  auto f = s.makefile("rb");
  EXPECT_EQ(f->mode(), "rb");
  EXPECT_EQ(f->readline(), "line one\n");
  EXPECT_EQ(f->readline(3), "lin");
  EXPECT_EQ(f->readline(), "e two\n");
  EXPECT_EQ(f->read(3), "the");
  EXPECT_EQ(f->read(), " rest");
  EXPECT_EQ(f->read(), "");
  EXPECT_EQ(f->readline(), "");
}

TEST_P(MakefileTest, ReadOfNBytesWaitsForAllOfThem) {
  auto [c, s] = tcp_pair();
  Task writer = net().spawn("writer", [&, conn = std::make_shared<Socket>(std::move(c))] {
    conn->sendall("abc");
    net().sleep(0.02);
    conn->sendall("defgh");
    conn->close();
  });
  auto f = s.makefile("rb");
  EXPECT_EQ(f->read(6), "abcdef");
  writer.join();
  EXPECT_EQ(f->read(), "gh");  // up to EOF
}

TEST_P(MakefileTest, BufferedWritesGoOutOnFlush) {
  auto [c, s] = tcp_pair();
  auto f = c.makefile("wb");
  f->write("hello\n");
  std::error_code ec;
  s.recv(100, MSG_DONTWAIT, ec);
  EXPECT_EQ(ec, errno_code(EAGAIN));  // still in the file's buffer
  f->flush();
  EXPECT_EQ(s.recv(100), "hello\n");
  f->write("bye");
  f->close();  // close flushes
  EXPECT_TRUE(f->closed());
  EXPECT_EQ(s.recv(100), "bye");
}

TEST_P(MakefileTest, UnbufferedWritesGoOutAtOnce) {
  auto [c, s] = tcp_pair();
  auto f = c.makefile("wb", 0);
  f->write("now");
  EXPECT_EQ(s.recv(100), "now");
}

TEST_P(MakefileTest, LineBufferedWritesGoOutAtANewline) {
  auto [c, s] = tcp_pair();
  auto f = c.makefile("w", 1);
  f->write("part");
  std::error_code ec;
  s.recv(100, MSG_DONTWAIT, ec);
  EXPECT_EQ(ec, errno_code(EAGAIN));
  f->write(" done\n");
  EXPECT_EQ(s.recv(100), "part done\n");
}

TEST_P(MakefileTest, ClosingTheFileLeavesTheSocketOpen) {
  auto [c, s] = tcp_pair();
  auto f = s.makefile("r+b");
  f->close();
  EXPECT_TRUE(f->closed());
  std::error_code ec;
  f->read(1, ec);
  EXPECT_EQ(ec, errno_code(EBADF));
  f->write("x", ec);
  EXPECT_EQ(ec, errno_code(EBADF));
  f->close(ec);  // closing twice is fine
  EXPECT_FALSE(ec);
  c.sendall("socket still works");
  EXPECT_EQ(s.recv(100), "socket still works");
}

TEST_P(MakefileTest, TheFileKeepsTheSocketAfterTheSocketIsClosed) {
  auto [c, s] = tcp_pair();
  auto f = s.makefile("r+b", 0);
  s.close();
  EXPECT_FALSE(s.is_open());
  c.sendall("ping\n");
  EXPECT_EQ(f->readline(), "ping\n");
  f->write("pong\n");
  EXPECT_EQ(c.recv(100), "pong\n");
  f->close();
  EXPECT_EQ(c.recv(100), "");  // the last reference is gone: the peer sees EOF
}

TEST_P(MakefileTest, IostreamInterface) {
  auto [c, s] = tcp_pair();
  auto out = c.makefile("w");
  *out << "answer " << 42 << '\n' << std::flush;
  EXPECT_TRUE(out->good());
  auto in = s.makefile("r");
  std::string word;
  int number = 0;
  *in >> word >> number;
  EXPECT_EQ(word, "answer");
  EXPECT_EQ(number, 42);
}

TEST_P(MakefileTest, ATimeoutFailsAReadAndSetsBadbit) {
  auto [c, s] = tcp_pair();
  s.settimeout(0.1);
  auto f = s.makefile("rb");
  std::error_code ec;
  EXPECT_EQ(f->read(1, ec), "");
  EXPECT_EQ(ec, make_error_code(errc::timeout));
  EXPECT_TRUE(f->bad());
  EXPECT_EQ(f->error(), make_error_code(errc::timeout));
  EXPECT_THROW(f->readline(), Timeout);
}

}  // namespace socksim::conformance
