#pragma once
// A small, explicit random source (splitmix64): the same seed gives the same household on
// every platform and library version, which std:: distributions do not promise.
#include <cmath>
#include <cstdint>
#include <string>

namespace occupancy::simulation {

class Rng {
 public:
  explicit Rng(std::uint64_t seed) : state_(seed) {}
  /// An independent stream for one part of the simulation (a person, a day, an entity).
  Rng fork(std::uint64_t salt) const { return Rng(mix(state_ ^ mix(salt + 0x9E3779B97F4A7C15ULL))); }
  Rng fork(const std::string& salt) const {
    std::uint64_t h = 1469598103934665603ULL;
    for (unsigned char c : salt) h = (h ^ c) * 1099511628211ULL;
    return fork(h);
  }

  std::uint64_t next() { return mix(state_ += 0x9E3779B97F4A7C15ULL); }
  double u01() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  double uniform(double a, double b) { return a + (b - a) * u01(); }
  bool chance(double p) { return u01() < p; }
  /// Triangular noise in [-spread, spread], most likely 0.
  double jitter(double spread) { return (u01() + u01() - 1.0) * spread; }
  double exponential(double mean) { return -mean * std::log(1.0 - u01()); }
  int poisson(double mean) {
    const double limit = std::exp(-mean);
    int k = 0;
    for (double p = u01(); p > limit; p *= u01()) ++k;
    return k;
  }
  template <class Seq>
  const auto& pick(const Seq& s) {
    return s[static_cast<size_t>(u01() * static_cast<double>(s.size())) % s.size()];
  }

 private:
  static std::uint64_t mix(std::uint64_t z) {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  std::uint64_t state_;
};

}  // namespace occupancy::simulation
