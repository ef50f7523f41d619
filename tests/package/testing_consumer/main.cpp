// SimTest from an installed socksim: a fresh seeded SimNetwork per test.
#include <socksim/testing.hpp>

class Installed : public socksim::testing::SimTest {};

TEST_F(Installed, BindsInTheSim) {
  auto s = net().socket();
  s.bind(socksim::Address::inet("127.0.0.1", 0));
  EXPECT_GE(s.getsockname().port(), 32768);
}
