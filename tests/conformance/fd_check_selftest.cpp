// The descriptor-leak check catches a leak: this test leaves a descriptor open, and its program
// (built with fd_check.cpp) must fail; ctest expects that failure (WILL_FAIL).
#include <fcntl.h>

#include <gtest/gtest.h>

TEST(FdCheckSelfTest, ALeakedDescriptorFailsTheTest) {
  const int fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  EXPECT_GE(fd, 0);  // deliberately never closed
}
