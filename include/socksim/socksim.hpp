// socksim/socksim.hpp - everything a user of socksim needs.
#pragma once

#include "socksim/address.hpp"
#include "socksim/constants.hpp"
#include "socksim/convert.hpp"
#include "socksim/errors.hpp"
#include "socksim/network.hpp"
#include "socksim/real.hpp"
#include "socksim/socket.hpp"
#if __has_include("socksim/sim.hpp")
#include "socksim/sim.hpp"
#endif
