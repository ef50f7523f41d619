// Links socksim::socksim and uses both a conversion and the real backend.
#include <socksim/socksim.hpp>

#include <iostream>

int main() {
  if (socksim::inet_ntoa(socksim::inet_aton("127.1")) != "127.0.0.1") return 1;
  socksim::RealNetwork net;
  auto s = net.socket(socksim::AF_INET, socksim::SOCK_STREAM);
  s.bind(socksim::Address::inet("127.0.0.1", 0));
  std::cout << "consumer bound " << s.getsockname() << "\n";
  return s.getsockname().port() > 0 ? 0 : 1;
}
