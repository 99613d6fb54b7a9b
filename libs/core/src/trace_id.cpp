#include "occupancy/core/trace_id.hpp"

#include <cinttypes>
#include <cstdint>
#include <cstdio>

#include "occupancy/core/types.hpp"

namespace occupancy {
namespace {

constexpr std::uint64_t kTimeMask = (std::uint64_t{1} << 48) - 1;  // 12 hex digits: until the year 10889

std::uint32_t fnv1a(std::string_view a, std::string_view b) {
  std::uint32_t h = 2166136261u;
  auto mix = [&h](unsigned char c) { h = (h ^ c) * 16777619u; };
  for (const char c : a) mix(static_cast<unsigned char>(c));
  mix(0);  // "ab"+"c" and "a"+"bc" differ
  for (const char c : b) mix(static_cast<unsigned char>(c));
  return h;
}

}  // namespace

std::string make_trace_id(Millis ts, std::string_view source, std::string_view what) {
  const auto t = static_cast<std::uint64_t>(ts < 0 ? 0 : ts) & kTimeMask;
  char buf[kTraceIdLength + 1];
  std::snprintf(buf, sizeof buf, "%012" PRIx64 "%08" PRIx32, t, fnv1a(source, what));
  return {buf, kTraceIdLength};
}

std::string trace_id_of(const Reading& r) {
  return r.trace_id.empty() ? make_trace_id(r.ts, r.entity_id, to_string(r.state)) : r.trace_id;
}

bool is_trace_id(std::string_view id) {
  if (id.size() != kTraceIdLength) return false;
  for (const char c : id)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

std::optional<Millis> trace_id_time(std::string_view id) {
  if (!is_trace_id(id)) return std::nullopt;
  Millis t = 0;
  for (const char c : id.substr(0, 12)) t = t * 16 + (c <= '9' ? c - '0' : c - 'a' + 10);
  return t;
}

}  // namespace occupancy
