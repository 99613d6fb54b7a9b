#pragma once
// Exit codes shared by the services and the `occupancy` tool (documented in docs/operations.md).
namespace occupancy {

enum ExitCode : int {
  kExitOk = 0,
  kExitFailure = 1,      // a job failed (a test, an import with errors, ...)
  kExitUsage = 2,        // bad command line
  kExitConfig = 3,       // the config file is invalid
  kExitUnavailable = 4,  // the broker or the database cannot be reached
  kExitData = 5,         // input data is unusable
};

}  // namespace occupancy
