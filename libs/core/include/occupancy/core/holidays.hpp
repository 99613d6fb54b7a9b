#pragma once
// Romanian public holidays (Codul muncii, art. 139), including the Orthodox Good Friday,
// Easter, Pentecost (Rusalii) and their Mondays, which move with the Julian-calendar Easter.
namespace occupancy {

struct Date {
  int year, month, day;
};

/// Orthodox Easter Sunday (Gregorian date), valid 1900-2099.
Date orthodox_easter(int year);

bool is_romanian_public_holiday(int year, int month, int day);

}  // namespace occupancy
