// ThrowsSocketError, HasErrno, IsTimeout, IsGaiError, IsHostError: what each accepts, what it
// refuses, and what it says when it refuses.
#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include <cerrno>
#include <functional>
#include <stdexcept>
#include <string>
#include <system_error>

#include "socksim/testing.hpp"

namespace {

using socksim::Address;
using socksim::testing::HasErrno;
using socksim::testing::IsGaiError;
using socksim::testing::IsHostError;
using socksim::testing::IsTimeout;
using socksim::testing::SimTest;
using socksim::testing::ThrowsSocketError;
using ::testing::Matches;
using ::testing::Not;

using Call = std::function<void()>;

// What a matcher says about `value` when asked to explain.
template <class T, class M>
std::string explain(const M& matcher, const T& value) {
  ::testing::StringMatchResultListener listener;
  ::testing::ExplainMatchResult(matcher, value, &listener);
  return listener.str();
}

const Call refused = [] { throw socksim::Error(socksim::errno_code(ECONNREFUSED), "connect"); };
const Call timed_out = [] { throw socksim::Timeout("timed out"); };
const Call no_name = [] { throw socksim::GaiError(socksim::gai_code(socksim::EAI_NONAME), "getaddrinfo"); };
const Call not_found = [] { throw socksim::HostError(socksim::herror_code(socksim::HOST_NOT_FOUND), "gethostbyaddr"); };
const Call nothing = [] {};
const Call runtime = [] { throw std::runtime_error("boom"); };
const Call integer = [] { throw 7; };

// --- ThrowsSocketError -----------------------------------------------------------------------

TEST(ThrowsSocketError, MatchesTheErrnoOfTheThrownError) {
  EXPECT_THAT(refused, ThrowsSocketError(ECONNREFUSED));
  EXPECT_TRUE(Matches(ThrowsSocketError(ECONNREFUSED))(refused));
  EXPECT_FALSE(Matches(ThrowsSocketError(ETIMEDOUT))(refused));
  EXPECT_FALSE(Matches(ThrowsSocketError(ECONNREFUSED))(nothing));
  EXPECT_FALSE(Matches(ThrowsSocketError(ECONNREFUSED))(runtime));
  EXPECT_FALSE(Matches(ThrowsSocketError(ECONNREFUSED))(integer));
  // Other categories share values with errno but are not errno: EAI_NONAME is -2, HOST_NOT_FOUND 1.
  EXPECT_FALSE(Matches(ThrowsSocketError(-2))(no_name));
  EXPECT_FALSE(Matches(ThrowsSocketError(1))(not_found));
  EXPECT_THAT(refused, Not(ThrowsSocketError(EPIPE)));
}

TEST(ThrowsSocketError, AcceptsLambdasAndFunctionPointers) {
  EXPECT_THAT([] { throw socksim::Error(socksim::errno_code(EADDRINUSE), "bind"); }, ThrowsSocketError(EADDRINUSE));
  void (*fp)() = [] { throw socksim::Error(socksim::errno_code(EINTR), "recv"); };
  EXPECT_THAT(fp, ThrowsSocketError(EINTR));
}

TEST(ThrowsSocketError, DescribesItself) {
  EXPECT_EQ(::testing::DescribeMatcher<Call>(ThrowsSocketError(ECONNREFUSED)),
            "throws socksim::Error with errno ECONNREFUSED (Connection refused)");
  EXPECT_EQ(::testing::DescribeMatcher<Call>(ThrowsSocketError(ECONNREFUSED), true),
            "doesn't throw socksim::Error with errno ECONNREFUSED (Connection refused)");
}

TEST(ThrowsSocketError, ExplainsWhatWasThrown) {
  EXPECT_EQ(explain(ThrowsSocketError(ETIMEDOUT), refused),
            "which throws socksim::Error with ECONNREFUSED (Connection refused): \"connect: Connection refused\"");
  EXPECT_EQ(explain(ThrowsSocketError(ETIMEDOUT), nothing), "which throws nothing");
  EXPECT_EQ(explain(ThrowsSocketError(ETIMEDOUT), runtime), "which throws std::runtime_error: \"boom\"");
  EXPECT_EQ(explain(ThrowsSocketError(ETIMEDOUT), integer), "which throws an exception of an unknown type");
}

TEST(ThrowsSocketError, FailureMessageNamesExpectedAndActual) {
  EXPECT_NONFATAL_FAILURE(EXPECT_THAT(refused, ThrowsSocketError(ECONNRESET)),
                          "Expected: throws socksim::Error with errno ECONNRESET (Connection reset by peer)");
  EXPECT_NONFATAL_FAILURE(EXPECT_THAT(refused, ThrowsSocketError(ECONNRESET)),
                          "which throws socksim::Error with ECONNREFUSED (Connection refused)");
  EXPECT_NONFATAL_FAILURE(EXPECT_THAT(nothing, ThrowsSocketError(ECONNRESET)), "which throws nothing");
}

// --- HasErrno --------------------------------------------------------------------------------

TEST(HasErrno, MatchesErrorCodesAndErrors) {
  EXPECT_THAT(socksim::errno_code(EPIPE), HasErrno(EPIPE));
  EXPECT_THAT(std::error_code(EPIPE, std::system_category()), HasErrno(EPIPE));
  EXPECT_THAT(socksim::Error(socksim::errno_code(EPIPE), "send"), HasErrno(EPIPE));
  EXPECT_FALSE(Matches(HasErrno(EPIPE))(socksim::errno_code(ECONNRESET)));
  EXPECT_FALSE(Matches(HasErrno(EPIPE))(std::error_code()));
  EXPECT_FALSE(Matches(HasErrno(-2))(socksim::gai_code(socksim::EAI_NONAME)));
  EXPECT_FALSE(Matches(HasErrno(1))(socksim::make_error_code(socksim::errc::timeout)));
  EXPECT_FALSE(Matches(HasErrno(ETIMEDOUT))(socksim::make_error_code(socksim::errc::timeout)));
  EXPECT_FALSE(Matches(HasErrno(EPIPE))(socksim::Error(socksim::errno_code(ECONNRESET), "send")));
}

TEST(HasErrno, DescribesAndExplains) {
  EXPECT_EQ(::testing::DescribeMatcher<std::error_code>(HasErrno(EPIPE)), "is errno EPIPE (Broken pipe)");
  EXPECT_EQ(::testing::DescribeMatcher<std::error_code>(HasErrno(EPIPE), true), "isn't errno EPIPE (Broken pipe)");
  EXPECT_EQ(explain(HasErrno(EPIPE), socksim::errno_code(ECONNRESET)),
            "which is ECONNRESET (Connection reset by peer)");
  EXPECT_EQ(explain(HasErrno(EPIPE), std::error_code()), "which is no error");
  EXPECT_EQ(explain(HasErrno(EPIPE), socksim::Error(socksim::errno_code(ECONNRESET), "recv")),
            "which is a socksim::Error with ECONNRESET (Connection reset by peer)");
  EXPECT_NONFATAL_FAILURE(EXPECT_THAT(socksim::errno_code(ECONNRESET), HasErrno(EPIPE)),
                          "Expected: is errno EPIPE (Broken pipe)");
}

// --- IsTimeout -------------------------------------------------------------------------------

TEST(IsTimeout, MatchesTimeoutsThrownOrHeld) {
  EXPECT_THAT(timed_out, IsTimeout());
  EXPECT_THAT(socksim::make_error_code(socksim::errc::timeout), IsTimeout());
  EXPECT_THAT(socksim::Timeout(), IsTimeout());
  EXPECT_FALSE(Matches(IsTimeout())(refused));
  EXPECT_FALSE(Matches(IsTimeout())(nothing));
  EXPECT_FALSE(Matches(IsTimeout())(Call([] { throw socksim::Error(socksim::errno_code(ETIMEDOUT), "connect"); })));
  EXPECT_FALSE(Matches(IsTimeout())(socksim::errno_code(ETIMEDOUT)));
  // The timeout code in a plain Error is not socksim::Timeout.
  EXPECT_FALSE(
      Matches(IsTimeout())(Call([] { throw socksim::Error(socksim::make_error_code(socksim::errc::timeout)); })));
}

TEST(IsTimeout, DescribesAndExplains) {
  EXPECT_EQ(::testing::DescribeMatcher<Call>(IsTimeout()), "throws socksim::Timeout with a timeout (\"timed out\")");
  EXPECT_EQ(::testing::DescribeMatcher<std::error_code>(IsTimeout()), "is a timeout (\"timed out\")");
  EXPECT_EQ(explain(IsTimeout(), Call([] { throw socksim::Error(socksim::make_error_code(socksim::errc::timeout)); })),
            "which throws socksim::Error with timeout (" + socksim::make_error_code(socksim::errc::timeout).message() +
                "): \"" + socksim::Error(socksim::make_error_code(socksim::errc::timeout)).what() + "\"");
  EXPECT_NONFATAL_FAILURE(EXPECT_THAT(refused, IsTimeout()), "Expected: throws socksim::Timeout");
}

// --- IsGaiError / IsHostError ----------------------------------------------------------------

TEST(IsGaiError, MatchesGaiErrorsThrownOrHeld) {
  EXPECT_THAT(no_name, IsGaiError(socksim::EAI_NONAME));
  EXPECT_THAT(socksim::gai_code(socksim::EAI_NONAME), IsGaiError(socksim::EAI_NONAME));
  EXPECT_FALSE(Matches(IsGaiError(socksim::EAI_AGAIN))(no_name));
  EXPECT_FALSE(Matches(IsGaiError(socksim::EAI_NONAME))(refused));
  EXPECT_FALSE(Matches(IsGaiError(socksim::EAI_NONAME))(socksim::errno_code(-socksim::EAI_NONAME)));
  // The right code in the wrong class is refused: getaddrinfo's errors are GaiErrors.
  EXPECT_FALSE(Matches(IsGaiError(socksim::EAI_NONAME))(
      Call([] { throw socksim::Error(socksim::gai_code(socksim::EAI_NONAME), "getaddrinfo"); })));
  const std::string name = "gaierror:EAI_NONAME (" + socksim::gai_code(socksim::EAI_NONAME).message() + ")";
  EXPECT_EQ(::testing::DescribeMatcher<Call>(IsGaiError(socksim::EAI_NONAME)),
            "throws socksim::GaiError with gaierror " + name);
  EXPECT_EQ(::testing::DescribeMatcher<std::error_code>(IsGaiError(socksim::EAI_NONAME), true),
            "isn't gaierror " + name);
}

TEST(IsHostError, MatchesHostErrorsThrownOrHeld) {
  EXPECT_THAT(not_found, IsHostError(socksim::HOST_NOT_FOUND));
  EXPECT_THAT(socksim::herror_code(socksim::HOST_NOT_FOUND), IsHostError(socksim::HOST_NOT_FOUND));
  EXPECT_FALSE(Matches(IsHostError(socksim::TRY_AGAIN))(not_found));
  EXPECT_FALSE(Matches(IsHostError(socksim::HOST_NOT_FOUND))(no_name));
  EXPECT_FALSE(Matches(IsHostError(socksim::HOST_NOT_FOUND))(socksim::errno_code(socksim::HOST_NOT_FOUND)));
  const std::string name = "herror:HOST_NOT_FOUND (" + socksim::herror_code(socksim::HOST_NOT_FOUND).message() + ")";
  EXPECT_EQ(::testing::DescribeMatcher<Call>(IsHostError(socksim::HOST_NOT_FOUND)),
            "throws socksim::HostError with herror " + name);
  EXPECT_NONFATAL_FAILURE(EXPECT_THAT(no_name, IsHostError(socksim::HOST_NOT_FOUND)),
                          "which throws socksim::GaiError with gaierror:EAI_NONAME");
}

// --- on a network ----------------------------------------------------------------------------

class MatchersOnSim : public SimTest {};

TEST_F(MatchersOnSim, TheSimsErrorsMatch) {
  auto probe = net().socket();
  probe.bind(Address::inet("127.0.0.1", 0));
  const Address closed = probe.getsockname();
  probe.close();

  auto client = net().socket();
  EXPECT_THAT([&] { client.connect(closed); }, ThrowsSocketError(ECONNREFUSED));
  std::error_code ec;
  auto again = net().socket();
  again.connect(closed, ec);
  EXPECT_THAT(ec, HasErrno(ECONNREFUSED));

  auto udp = net().socket(socksim::AF_INET, socksim::SOCK_DGRAM);
  udp.bind(Address::inet("127.0.0.1", 0));
  udp.settimeout(2.0);
  EXPECT_THAT([&] { udp.recv(16); }, IsTimeout());
  udp.recv(16, 0, ec);
  EXPECT_THAT(ec, IsTimeout());

  EXPECT_THAT([&] { net().getaddrinfo("nosuch.invalid", "80"); }, IsGaiError(socksim::EAI_NONAME));
  EXPECT_THAT([&] { net().gethostbyaddr("10.9.9.9"); }, IsHostError(socksim::HOST_NOT_FOUND));
}

}  // namespace
