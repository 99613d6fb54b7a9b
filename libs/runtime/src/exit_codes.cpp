#include "occupancy/runtime/exit_codes.hpp"

namespace occupancy {

const char* exit_code_meaning(int code) {
  switch (code) {
    case kExitOk:
      return "ok";
    case kExitFailure:
      return "failure";
    case kExitUsage:
      return "usage error";
    case kExitConfig:
      return "invalid configuration";
    case kExitUnavailable:
      return "broker or database unavailable";
    case kExitData:
      return "unusable input data";
    default:
      return "unknown";
  }
}

}  // namespace occupancy
