#include "occupancy/core/holidays.hpp"

#include <chrono>

namespace occupancy {
namespace {

std::chrono::sys_days to_days(const Date& d) {
  using namespace std::chrono;
  return sys_days{year{d.year} / month{static_cast<unsigned>(d.month)} / day{static_cast<unsigned>(d.day)}};
}

}  // namespace

Date orthodox_easter(int y) {
  // Meeus' Julian algorithm, then +13 days from the Julian to the Gregorian calendar.
  const int a = y % 4, b = y % 7, c = y % 19;
  const int d = (19 * c + 15) % 30;
  const int e = (2 * a + 4 * b - d + 34) % 7;
  const int month = (d + e + 114) / 31;
  const int day = (d + e + 114) % 31 + 1;
  using namespace std::chrono;
  const year_month_day g{to_days({y, month, day}) + days{13}};
  return {static_cast<int>(g.year()), static_cast<int>(static_cast<unsigned>(g.month())),
          static_cast<int>(static_cast<unsigned>(g.day()))};
}

bool is_romanian_public_holiday(int y, int m, int d) {
  static constexpr int kFixed[][2] = {{1, 1}, {1, 2},  {1, 6},   {1, 7},  {1, 24},  {5, 1},
                                      {6, 1}, {8, 15}, {11, 30}, {12, 1}, {12, 25}, {12, 26}};
  for (const auto& f : kFixed) {
    if (f[0] == 1 && (f[1] == 6 || f[1] == 7) && y < 2024) continue;  // Epiphany days since 2024
    if (f[0] == m && f[1] == d) return true;
  }
  const auto offset = (to_days({y, m, d}) - to_days(orthodox_easter(y))).count();
  // Good Friday, Easter Sunday and Monday, Pentecost Sunday and Monday.
  return offset == -2 || offset == 0 || offset == 1 || offset == 49 || offset == 50;
}

}  // namespace occupancy
