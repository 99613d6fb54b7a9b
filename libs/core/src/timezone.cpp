#include "occupancy/core/timezone.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <vector>

namespace occupancy {

namespace {

// One POSIX rule date "Mm.w.d/time": day d (0=Sunday) of week w (5 = last) of month m.
struct RuleDate {
  int month = 0, week = 0, weekday = 0, seconds = 7200;
};

struct PosixRule {
  int std_offset = 0;  // seconds east of UTC
  bool has_dst = false;
  int dst_offset = 0;
  RuleDate start, end;
};

std::int64_t read_be(const std::string& d, size_t pos, int bytes) {
  if (pos + static_cast<size_t>(bytes) > d.size()) throw std::runtime_error("truncated TZif file");
  std::uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v = (v << 8) | static_cast<unsigned char>(d[pos + static_cast<size_t>(i)]);
  if (bytes == 4) return static_cast<std::int32_t>(static_cast<std::uint32_t>(v));
  return static_cast<std::int64_t>(v);
}

// [+-]hh[:mm[:ss]]; POSIX offsets are west-positive, so the result is negated by the caller.
int parse_hms(std::string_view s, size_t& i) {
  int sign = 1;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) sign = s[i++] == '-' ? -1 : 1;
  int parts[3] = {0, 0, 0};
  for (int p = 0; p < 3; ++p) {
    int v = 0, n = 0;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) v = v * 10 + (s[i++] - '0'), ++n;
    if (n == 0) throw std::runtime_error("bad POSIX TZ offset");
    parts[p] = v;
    if (i < s.size() && s[i] == ':' && p < 2)
      ++i;
    else
      break;
  }
  return sign * (parts[0] * 3600 + parts[1] * 60 + parts[2]);
}

void skip_name(std::string_view s, size_t& i) {
  if (i < s.size() && s[i] == '<') {
    i = s.find('>', i);
    if (i == std::string_view::npos) throw std::runtime_error("bad POSIX TZ name");
    ++i;
  } else {
    while (i < s.size() && std::isalpha(static_cast<unsigned char>(s[i]))) ++i;
  }
}

RuleDate parse_rule_date(std::string_view s, size_t& i) {
  if (i >= s.size() || s[i] != 'M') throw std::runtime_error("only Mm.w.d POSIX TZ rules are supported");
  ++i;
  RuleDate r;
  auto num = [&] {
    int v = 0;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) v = v * 10 + (s[i++] - '0');
    return v;
  };
  r.month = num();
  ++i;
  r.week = num();
  ++i;
  r.weekday = num();
  if (i < s.size() && s[i] == '/') r.seconds = parse_hms(s, ++i);
  return r;
}

PosixRule parse_posix(std::string_view s) {
  PosixRule r;
  size_t i = 0;
  skip_name(s, i);
  r.std_offset = -parse_hms(s, i);
  if (i >= s.size()) return r;
  skip_name(s, i);
  r.has_dst = true;
  r.dst_offset = r.std_offset + 3600;
  if (i < s.size() && s[i] != ',') r.dst_offset = -parse_hms(s, i);
  if (i >= s.size() || s[i] != ',') throw std::runtime_error("POSIX TZ rule without dates");
  r.start = parse_rule_date(s, ++i);
  if (i >= s.size() || s[i] != ',') throw std::runtime_error("POSIX TZ rule without end date");
  r.end = parse_rule_date(s, ++i);
  return r;
}

std::int64_t days_from_civil(int y, unsigned m, unsigned d) {
  using namespace std::chrono;
  return sys_days{year{y} / month{m} / day{d}}.time_since_epoch().count();
}

// The local time (seconds) of a rule date in a year.
std::int64_t rule_local_seconds(const RuleDate& r, int y) {
  using namespace std::chrono;
  const auto first = sys_days{year{y} / month{static_cast<unsigned>(r.month)} / 1};
  const int first_wd = static_cast<int>(weekday{first}.c_encoding());  // 0 = Sunday
  int day = 1 + (r.weekday - first_wd + 7) % 7 + (r.week - 1) * 7;
  const int days_in_month = static_cast<int>(
      static_cast<unsigned>((year_month_day_last{year{y} / month{static_cast<unsigned>(r.month)} / last}).day()));
  while (day > days_in_month) day -= 7;
  return days_from_civil(y, static_cast<unsigned>(r.month), static_cast<unsigned>(day)) * 86400 + r.seconds;
}

int posix_offset(const PosixRule& r, std::int64_t utc_seconds) {
  if (!r.has_dst) return r.std_offset;
  using namespace std::chrono;
  const int y = static_cast<int>(year_month_day{floor<days>(sys_seconds{seconds{utc_seconds + r.std_offset}})}.year());
  const auto start_utc = rule_local_seconds(r.start, y) - r.std_offset;  // start is in standard time
  const auto end_utc = rule_local_seconds(r.end, y) - r.dst_offset;      // end is in daylight time
  const bool dst = start_utc < end_utc ? (utc_seconds >= start_utc && utc_seconds < end_utc)
                                       : (utc_seconds >= start_utc || utc_seconds < end_utc);
  return dst ? r.dst_offset : r.std_offset;
}

}  // namespace

struct TimeZone::Data {
  std::string name;
  std::vector<std::int64_t> transitions;  // UTC seconds
  std::vector<int> offsets;               // offset after each transition
  int initial_offset = 0;
  std::optional<PosixRule> footer;
};

TimeZone TimeZone::utc() {
  TimeZone tz;
  auto d = std::make_shared<Data>();
  d->name = "UTC";
  tz.data_ = d;
  return tz;
}

TimeZone TimeZone::load(std::string_view name) {
  if (name == "UTC" || name == "Etc/UTC") return utc();
  if (name.empty() || name.find("..") != std::string_view::npos || name.front() == '/')
    throw std::runtime_error("invalid time zone name '" + std::string(name) + "'");
  const std::string path = "/usr/share/zoneinfo/" + std::string(name);
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw std::runtime_error("unknown time zone '" + std::string(name) + "' (no " + path + "; is tzdata installed?)");
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string d = ss.str();
  if (d.size() < 44 || d.compare(0, 4, "TZif") != 0) throw std::runtime_error(path + " is not a TZif file");

  auto counts = [&](size_t at) {
    std::array<std::int64_t, 6> c{};
    for (size_t k = 0; k < 6; ++k) c[k] = read_be(d, at + 20 + k * 4, 4);
    return c;  // isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt
  };
  auto c = counts(0);
  const bool v2 = d[4] >= '2';
  size_t pos = 44;
  int time_bytes = 4;
  if (v2) {  // skip the 32-bit block, use the 64-bit one
    pos += static_cast<size_t>(c[3] * 4 + c[3] + c[4] * 6 + c[5] + c[2] * 8 + c[1] + c[0]);
    c = counts(pos);
    pos += 44;
    time_bytes = 8;
  }
  auto data = std::make_shared<Data>();
  data->name = std::string(name);
  const auto timecnt = static_cast<size_t>(c[3]), typecnt = static_cast<size_t>(c[4]);
  const size_t idx_pos = pos + timecnt * static_cast<size_t>(time_bytes);
  const size_t type_pos = idx_pos + timecnt;
  std::vector<int> type_offsets(typecnt);
  for (size_t t = 0; t < typecnt; ++t) type_offsets[t] = static_cast<int>(read_be(d, type_pos + t * 6, 4));
  for (size_t k = 0; k < timecnt; ++k) {
    data->transitions.push_back(read_be(d, pos + k * static_cast<size_t>(time_bytes), time_bytes));
    const auto idx = static_cast<unsigned char>(d[idx_pos + k]);
    if (idx >= typecnt) throw std::runtime_error(path + ": bad type index");
    data->offsets.push_back(type_offsets[idx]);
  }
  data->initial_offset = typecnt ? type_offsets[0] : 0;
  if (v2) {
    const size_t end = type_pos + typecnt * 6 + static_cast<size_t>(c[5] + c[2] * 12 + c[1] + c[0]);
    const auto nl = d.find('\n', end);
    if (nl != std::string::npos) {
      const auto nl2 = d.find('\n', nl + 1);
      const auto footer = d.substr(nl + 1, nl2 == std::string::npos ? std::string::npos : nl2 - nl - 1);
      if (!footer.empty()) data->footer = parse_posix(footer);
    }
  }
  TimeZone tz;
  tz.data_ = data;
  return tz;
}

const std::string& TimeZone::name() const { return data_->name; }

int TimeZone::offset_seconds(Millis utc) const {
  const auto& d = *data_;
  const std::int64_t s = utc >= 0 ? utc / 1000 : (utc - 999) / 1000;
  if (d.transitions.empty() || s >= d.transitions.back()) {
    if (d.footer) return posix_offset(*d.footer, s);
    return d.offsets.empty() ? d.initial_offset : d.offsets.back();
  }
  const auto it = std::upper_bound(d.transitions.begin(), d.transitions.end(), s);
  if (it == d.transitions.begin()) return d.initial_offset;
  return d.offsets[static_cast<size_t>(it - d.transitions.begin() - 1)];
}

Millis TimeZone::from_local(Millis local) const {
  // The offset before a change is the one valid an hour or so earlier.
  const int before = offset_seconds(local - 86400000LL / 2);
  const int guess = offset_seconds(local - before * Millis{1000});
  const Millis utc = local - guess * Millis{1000};
  if (offset_seconds(utc) == guess) {
    const Millis earlier = local - before * Millis{1000};  // autumn overlap: prefer the first
    return (before != guess && offset_seconds(earlier) == before) ? earlier : utc;
  }
  return local - before * Millis{1000};  // spring gap
}

LocalTime local_time(Millis local) {
  using namespace std::chrono;
  const auto tp = sys_time<milliseconds>{milliseconds{local}};
  const auto day = floor<days>(tp);
  const year_month_day ymd{day};
  const int wd = static_cast<int>(weekday{day}.iso_encoding()) - 1;
  const auto minutes = duration_cast<std::chrono::minutes>(tp - day).count();
  return {static_cast<int>(ymd.year()), static_cast<int>(static_cast<unsigned>(ymd.month())),
          static_cast<int>(static_cast<unsigned>(ymd.day())), wd, static_cast<int>(minutes)};
}

Millis local_midnight(int year, int month, int day) {
  return days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)) * 86400000LL;
}

}  // namespace occupancy
