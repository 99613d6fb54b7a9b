#pragma once
// How an archive's items are written into a spool record: compact JSON arrays, one per item,
// holding exactly the columns the archive stores. Private to the store: the spool is a queue in
// front of PostgreSQL, not a message of the contract.
#include <rapidjson/document.h>
#include <rapidjson/writer.h>

#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "occupancy/core/types.hpp"

namespace occupancy::store::detail {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

void write_item(JsonWriter& w, const Reading& r);
void write_item(JsonWriter& w, const RoomState& s);
void write_item(JsonWriter& w, const Gap& g);
void write_item(JsonWriter& w, const Prediction& p);  // ts, room, occupancy, model version, fallback
void write_item(JsonWriter& w, const PredictionOutcome& o);

void read_item(const rapidjson::Value& v, Reading& r);
void read_item(const rapidjson::Value& v, RoomState& s);
void read_item(const rapidjson::Value& v, Gap& g);
void read_item(const rapidjson::Value& v, Prediction& p);
void read_item(const rapidjson::Value& v, PredictionOutcome& o);

/// Writes `items` as the array `key` of the record being written.
template <class T>
void write_list(JsonWriter& w, const char* key, const std::vector<T>& items) {
  w.Key(key);
  w.StartArray();
  for (const auto& item : items) write_item(w, item);
  w.EndArray();
}

/// One record: the object `lists` writes its arrays into (with write_list).
template <class Lists>
std::string write_record(Lists&& lists) {
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  w.StartObject();
  lists(w);
  w.EndObject();
  return {buf.GetString(), buf.GetSize()};
}

/// Parses a record; throws std::runtime_error naming what is wrong.
rapidjson::Document parse_record(std::string_view record);

/// Reads the array `key` of a record (absent: none).
template <class T>
std::vector<T> read_list(const rapidjson::Value& record, const char* key) {
  std::vector<T> out;
  const auto it = record.FindMember(key);
  if (it == record.MemberEnd()) return out;
  if (!it->value.IsArray()) throw std::runtime_error(std::string("spool record: '") + key + "' is not an array");
  out.resize(it->value.Size());
  for (rapidjson::SizeType i = 0; i < it->value.Size(); ++i) read_item(it->value[i], out[i]);
  return out;
}

/// Roughly what an item holds in memory, for the archive's byte bound.
std::size_t approx_bytes(const Reading& r);
std::size_t approx_bytes(const RoomState& s);
std::size_t approx_bytes(const Gap& g);
std::size_t approx_bytes(const Prediction& p);
std::size_t approx_bytes(const PredictionOutcome& o);

template <class T>
std::size_t approx_bytes(const std::vector<T>& items) {
  std::size_t n = 0;
  for (const auto& i : items) n += approx_bytes(i);
  return n;
}

// Moves `from`'s items to the end of `to` (batches merging while the archive is down).
template <class T>
void move_append(std::vector<T>& to, std::vector<T>& from) {
  to.insert(to.end(), std::make_move_iterator(from.begin()), std::make_move_iterator(from.end()));
  from.clear();
}

}  // namespace occupancy::store::detail
