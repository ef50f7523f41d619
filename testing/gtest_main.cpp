// socksim::gtest_main: GoogleTest's main, plus socksim's flags (--socksim_seed=N).
#include <cstdio>
#include <iostream>
#include <stdexcept>
#include <string_view>

#include "socksim/testing.hpp"

int main(int argc, char** argv) {
  bool help = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    help = help || arg == "--help" || arg == "-h" || arg == "-?" || arg == "/?";
  }
  try {
    socksim::testing::InitFlags(&argc, argv);
  } catch (const std::invalid_argument& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 1;
  }
  ::testing::InitGoogleMock(&argc, argv);
  if (help) socksim::testing::PrintFlagHelp(std::cout);
  return RUN_ALL_TESTS();
}
