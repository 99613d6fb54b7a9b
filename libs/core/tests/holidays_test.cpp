#include "occupancy/core/holidays.hpp"

#include <catch2/catch.hpp>

using namespace occupancy;

TEST_CASE("Orthodox Easter dates", "[holidays]") {
  const auto e2025 = orthodox_easter(2025);
  CHECK((e2025.month == 4 && e2025.day == 20));
  const auto e2026 = orthodox_easter(2026);
  CHECK((e2026.month == 4 && e2026.day == 12));
  const auto e2024 = orthodox_easter(2024);
  CHECK((e2024.month == 5 && e2024.day == 5));
}

TEST_CASE("Romanian public holidays", "[holidays]") {
  CHECK(is_romanian_public_holiday(2026, 12, 1));
  CHECK(is_romanian_public_holiday(2026, 1, 24));
  CHECK(is_romanian_public_holiday(2026, 4, 10));  // Good Friday
  CHECK(is_romanian_public_holiday(2026, 4, 13));  // Easter Monday
  CHECK(is_romanian_public_holiday(2026, 5, 31));  // Pentecost
  CHECK(is_romanian_public_holiday(2026, 6, 1));   // Pentecost Monday and Children's Day
  CHECK(is_romanian_public_holiday(2026, 1, 6));
  CHECK_FALSE(is_romanian_public_holiday(2023, 1, 6));
  CHECK_FALSE(is_romanian_public_holiday(2026, 4, 14));
  CHECK_FALSE(is_romanian_public_holiday(2026, 11, 28));
}
