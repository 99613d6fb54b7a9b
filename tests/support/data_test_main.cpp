// main() of the tests that read ../shared/data: skipped, with the reason, where it is absent.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <iostream>

std::filesystem::path shared_data() {
  const char* env = std::getenv("OCCUPANCY_SHARED_DATA");
  return env && *env ? env : OCCUPANCY_SHARED_DATA_DEFAULT;
}

int main(int argc, char** argv) {
  if (!std::filesystem::is_directory(shared_data())) {
    std::cout << "SKIPPED: recorded data not found at " << shared_data().string()
              << " (set OCCUPANCY_SHARED_DATA to run these tests)\n";
    return 77;
  }
  return Catch::Session().run(argc, argv);
}
